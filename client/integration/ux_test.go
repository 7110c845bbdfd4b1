//go:build integration

package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/network/nettest"
)

// pdlWith runs pdl as profile with extra environment, in dir (empty: the test's).
func pdlWith(t *testing.T, env []string, dir, profile string, args ...string) result {
	t.Helper()
	n := nettest.Net(t)
	full := args
	if profile != "" {
		full = append([]string{"-p", profile}, args...)
	}
	cmd := exec.Command(pdlBin, full...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "PDL_PROFILES="+n.L.ProfilesDir(), "PDL_SESSION="+sessionFile, "PDL_RUN="+n.L.Run, "LANG=C", "LC_ALL="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, isExit := err.(*exec.ExitError); isExit {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("pdl %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// okEN runs pdl in English and fails the test unless it exits 0.
func okEN(t *testing.T, profile string, args ...string) string {
	t.Helper()
	r := pdlWith(t, nil, "", profile, args...)
	if r.code != 0 {
		t.Fatalf("pdl %s exited %d:\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func examplesDir(t *testing.T) string {
	root, err := nettest.Root()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "docs", "examples")
}

func want(t *testing.T, r result, code int, in ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d:\n%s%s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range in {
		if !strings.Contains(r.stdout+r.stderr, s) {
			t.Fatalf("%q not in the output:\n%s%s", s, r.stdout, r.stderr)
		}
	}
}

// TestUX_ExitCodesKeepTheirPromise: a refusal exits 1 and never offers a retry; a missing
// field exits 2 (the chaincode's INPUT_MISSING_FIELD); a network failure of a write exits
// 3 and says which --id to retry with; Chinese output where asked; errors as JSON with
// -o json; amounts in yuan are exact.
func TestUX_ExitCodesKeepTheirPromise(t *testing.T) {
	ensureDemo(t)
	ex := examplesDir(t)

	r := pdlWith(t, nil, "", "operator", "resource", "register", "-f", filepath.Join(ex, "resource-register.yaml"))
	want(t, r, 1, "RESOURCE_OWN_UNIT_ONLY")
	if strings.Contains(r.stderr, "--id") || strings.Contains(strings.ToLower(r.stderr), "retry") {
		t.Fatalf("a refusal offers a retry:\n%s", r.stderr)
	}
	r = pdlWith(t, nil, "", "operator", "--lang", "zh", "resource", "register", "-f", filepath.Join(ex, "resource-register.yaml"))
	want(t, r, 1, "拒绝 RESOURCE_OWN_UNIT_ONLY：只能由本数源单位办理", "处理：")

	r = pdlWith(t, nil, "", "operator", "resource", "register", "-f", filepath.Join(ex, "resource-register.yaml"), "-o", "json")
	var f struct {
		Error struct {
			Code, Message string
			Exit          int
		} `json:"error"`
	}
	if r.code != 1 || json.Unmarshal([]byte(r.stderr), &f) != nil || f.Error.Code != "RESOURCE_OWN_UNIT_ONLY" || f.Error.Exit != 1 || f.Error.Message == "" {
		t.Fatalf("-o json refusal: exit %d\n%s", r.code, r.stderr)
	}

	// a required field left out: the chaincode answers INPUT_MISSING_FIELD, exit 2
	r = pdlWith(t, nil, "", "bureau", "participant", "register", "--role", "operator", "--name", "缺字段的运营机构", "--msp-id", "OperatorMSP")
	want(t, r, 2, "INPUT_MISSING_FIELD", "uscc")
	// who may call comes after the shape: the chaincode decodes (and validates) the
	// request before it looks at the caller's role, so an operator calling a bureau-only
	// verb with a field missing hears about the field first; complete, it is refused by role
	r = pdlWith(t, nil, "", "operator", "participant", "register", "--role", "operator", "--name", "x", "--msp-id", "OperatorMSP")
	want(t, r, 2, "INPUT_MISSING_FIELD")
	r = pdlWith(t, nil, "", "operator", "participant", "register", "--role", "operator", "--name", "x", "--msp-id", "OperatorMSP", "--uscc", "91440300MA5K7EX02P")
	want(t, r, 1, "PARTICIPANT_BUREAU_ONLY")

	// --price in yuan, exactly; --price-fen 2.5 is a usage error that says so
	r = pdlWith(t, nil, "", "operator", "price", "file", "--product", "lh-prd-02", "--unit", "按次", "--price", "2.50", "--scenario", "个人商业金融贷款",
		"--scope", "测试", "--method", "接口", "--basis-digest", strings.Repeat("ab", 32), "--sign", "--dry-run", "-o", "json")
	want(t, r, 0, `"priceFen": 250`, "dry run")
	want(t, pdlWith(t, nil, "", "operator", "price", "file", "--price-fen", "2.5"), 2, "INPUT_BAD_FORMAT", "--price")
	want(t, pdlWith(t, nil, "", "operator", "price", "file", "--price", "2元", "--price-fen", "200"), 2, "not both")

	// a network failure of a write: exit 3, with the id to retry under
	n := nettest.Net(t)
	raw, err := os.ReadFile(filepath.Join(n.L.ProfilesDir(), "operator.json"))
	if err != nil {
		t.Fatal(err)
	}
	var prof map[string]any
	_ = json.Unmarshal(raw, &prof)
	prof["peerEndpoint"] = "127.0.0.1:1"
	delete(prof, "peerHostname")
	dead := t.TempDir()
	b, _ := json.Marshal(prof)
	os.WriteFile(filepath.Join(dead, "operator.json"), b, 0o600)
	r = pdlWith(t, []string{"PDL_PROFILES=" + dead}, "", "operator", "--timeout", "8s", "logs", "open", "--id", "it-net-x", "--log-kind", "access")
	want(t, r, 3, "--id it-net-x")

	// tables read well: nested objects flattened, Beijing time
	if who := okEN(t, "sourceunit-user1", "participant", "who-am-i"); strings.Contains(who, "{") || !strings.Contains(who, "participant.name") {
		t.Fatalf("who-am-i table:\n%s", who)
	}
	js := okEN(t, "regulator", "product", "get", "--id", "lh-prd-01", "-o", "json")
	if !strings.Contains(js, "+08:00") || strings.Contains(js, `Z"`) {
		t.Fatalf("times not in Beijing time:\n%s", js)
	}
	if tbl := okEN(t, "regulator", "product", "get", "--id", "lh-prd-01"); !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CST`).MatchString(tbl) {
		t.Fatalf("table times:\n%s", tbl)
	}
}

// TestUX_AnchoringNeverDuplicates: a file anchored again changes nothing and says so; a
// grown file anchors only its new lines; a changed file is refused with both digests;
// logs prove finds the stream's store without --state, and the explorer accepts its
// proof unchanged.
func TestUX_AnchoringNeverDuplicates(t *testing.T) {
	ensureDemo(t)
	dir := t.TempDir()
	env := []string{"PDL_LOGS_DIR=" + filepath.Join(dir, "state")}
	stream := "it-idem-" + strconv.FormatInt(time.Now().UnixNano()/1e6, 36)
	okEN(t, "operator", "logs", "open", "--id", stream, "--log-kind", "access", "--authorization-id", "lh-auth-2026")
	file := filepath.Join(dir, "access.log")
	write := func(from, to int, change int) {
		var b strings.Builder
		for i := from; i < to; i++ {
			u := i
			if i == change {
				u = 9999
			}
			fmt.Fprintf(&b, "2026-11-20T10:00:%02d+08:00 user=%d op=query\n", i%60, u)
		}
		os.WriteFile(file, []byte(b.String()), 0o600)
	}
	anchors := func() (size, n int) {
		var s struct {
			Size    int `json:"size"`
			Anchors int `json:"anchors"`
		}
		json.Unmarshal([]byte(okEN(t, "operator", "logs", "stream", "--id", stream, "-o", "json")), &s)
		return s.Size, s.Anchors
	}
	write(0, 50, -1)
	want(t, pdlWith(t, env, "", "operator", "logs", "anchor", "--stream", stream, file), 0, "50 lines anchored")
	if size, n := anchors(); size != 50 || n != 1 {
		t.Fatalf("after the first anchor: size %d, %d anchors", size, n)
	}
	want(t, pdlWith(t, env, "", "operator", "logs", "anchor", "--stream", stream, file), 0, "already anchored", "nothing new")
	if size, n := anchors(); size != 50 || n != 1 {
		t.Fatalf("anchoring the same file again anchored: size %d, %d anchors", size, n)
	}
	write(0, 70, -1)
	want(t, pdlWith(t, env, "", "operator", "logs", "anchor", "--stream", stream, file), 0, "20 new lines")
	if size, n := anchors(); size != 70 || n != 2 {
		t.Fatalf("after the file grew: size %d, %d anchors", size, n)
	}
	write(0, 70, 5)
	r := pdlWith(t, env, "", "operator", "logs", "anchor", "--stream", stream, file)
	want(t, r, 1, "LOG_CONTENT_DIFFERS", "line 6")
	if len(regexp.MustCompile(`[0-9a-f]{64}`).FindAllString(r.stderr, -1)) < 2 {
		t.Fatalf("the refusal does not show both digests:\n%s", r.stderr)
	}
	if size, n := anchors(); size != 70 || n != 2 {
		t.Fatalf("a refused file changed the stream: size %d, %d anchors", size, n)
	}

	// prove without --state (found through $PDL_LOGS_DIR); --index is required
	want(t, pdlWith(t, env, "", "", "logs", "prove", "--stream", stream), 2, "index")
	proof := pdlWith(t, env, "", "", "logs", "prove", "--stream", stream, "--index", "33")
	want(t, proof, 0, `"size": 70`)
	want(t, pdlWith(t, []string{"PDL_LOGS_DIR=" + filepath.Join(dir, "elsewhere")}, "", "", "logs", "prove", "--stream", stream, "--index", "1"), 4, "looked in")
	if _, err := os.Stat(filepath.Join(dir, "elsewhere", stream)); !os.IsNotExist(err) {
		t.Fatal("logs prove created a store")
	}

	// the explorer accepts the proof as pdl printed it
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, body := explorerPost(t, "operator", "/api/v1/logs/inclusion", []byte(proof.stdout))
		var out struct {
			Verified bool `json:"verified"`
		}
		_ = json.Unmarshal(body, &out)
		if status == http.StatusOK && out.Verified {
			break
		}
		if status != http.StatusNotFound || time.Now().After(deadline) { // 404: not indexed yet
			t.Fatalf("POST /api/v1/logs/inclusion with pdl's proof: %d %s", status, body)
		}
		time.Sleep(time.Second)
	}
}

// explorerPost calls the running explorer as profile (mutual TLS).
func explorerPost(t *testing.T, profile, path string, body []byte) (int, []byte) {
	t.Helper()
	hc, base := nettest.ExplorerHTTP(t, profile)
	resp, err := hc.Post(base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// TestUX_RoleVerbs: each role's question in one command, through the explorer.
func TestUX_RoleVerbs(t *testing.T) {
	ensureDemo(t)
	ex := examplesDir(t)

	// 数源单位: where did my data go
	r := pdlWith(t, nil, "", "sourceunit-user1", "--lang", "zh", "resource", "mine")
	want(t, r, 0, "数据资源 lh-res-01", "su-fgj")
	var tree struct {
		Kind     string            `json:"kind"`
		ID       string            `json:"id"`
		Children []json.RawMessage `json:"children"`
	}
	if err := json.Unmarshal([]byte(okEN(t, "sourceunit-user1", "resource", "provenance", "lh-res-01", "-o", "json")), &tree); err != nil || tree.ID != "lh-res-01" || len(tree.Children) == 0 {
		t.Fatalf("provenance: %+v %v", tree, err)
	}

	// data exchanges: may it be traded
	var one struct {
		Product string `json:"product"`
		OK      bool   `json:"ok"`
	}
	if err := json.Unmarshal([]byte(okEN(t, "exchange", "product", "check", "lh-prd-01", "-o", "json")), &one); err != nil || one.Product != "lh-prd-01" || !one.OK {
		t.Fatalf("check lh-prd-01: %+v %v", one, err)
	}
	var many []struct {
		Product string `json:"product"`
		OK      bool   `json:"ok"`
	}
	if err := json.Unmarshal([]byte(okEN(t, "exchange", "product", "check", "--file", filepath.Join(ex, "product-ids.csv"), "-o", "json")), &many); err != nil || len(many) != 3 || many[2].OK {
		t.Fatalf("check --file: %+v %v", many, err)
	}

	// regulators: trail, compliance, verification
	var trail struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(okEN(t, "regulator", "trail", "--kind", "product", "--id", "lh-prd-01", "-o", "json")), &trail); err != nil || len(trail.Items) == 0 {
		t.Fatalf("trail: %v", err)
	}
	okEN(t, "regulator", "trail", "--party", "op-lhdata", "--kinds", "交易备案、价格备案", "--from", "2026-10-01")
	if out := okEN(t, "regulator", "compliance", "-o", "json"); !strings.Contains(out, `"findings"`) {
		t.Fatalf("compliance:\n%s", out)
	}
	want(t, pdlWith(t, nil, "", "operator", "compliance"), 1, "ACCESS_DENIED")
	okEN(t, "regulator", "verify", "--from", "0", "--to", "20")

	// who is who
	var infos []struct {
		Name, Participant, ParticipantName, Status string
	}
	if err := json.Unmarshal([]byte(okEN(t, "", "profile", "list", "-o", "json")), &infos); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, i := range infos {
		if i.Name == "sourceunit-user1" {
			found = i.Participant == "su-fgj" && i.ParticipantName == "深圳市龙华区发展和改革局" && i.Status == "bound"
		}
	}
	if !found {
		t.Fatalf("profile list: %+v", infos)
	}
}
