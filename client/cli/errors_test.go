package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/logs"
)

// TestExitCodes_PerClass: each class of failure has its documented exit code.
func TestExitCodes_PerClass(t *testing.T) {
	_, pathErr := os.Open("/no/such/file")
	for name, c := range map[string]struct {
		err  error
		want int
	}{
		"rule refusal":          {&client.RefusedError{Err: model.RuleResourceOwnUnit.Violation("x")}, ExitRefused},
		"access denied":         {&client.RefusedError{Err: model.Errf(model.CodeAccessDenied, "x")}, ExitRefused},
		"missing field (chain)": {&client.RefusedError{Err: model.FieldErr(model.CodeMissingField, "name", "", "x")}, ExitUsage},
		"duplicate key (chain)": {&client.RefusedError{Err: model.FieldErr(model.CodeDuplicateKey, "id", "", "x")}, ExitUsage},
		"usage":                 {usagef("x"), ExitUsage},
		"bad flag value":        {inputErr(model.CodeBadFormat, "priceFen", "", "x"), ExitUsage},
		"cobra unknown flag":    {errors.New("unknown flag: --bogus"), ExitUsage},
		"network":               {&client.NetworkError{Op: "submit", Err: errors.New("unavailable")}, ExitNetwork},
		"network of a write":    {&retryable{err: &client.NetworkError{Op: "submit", Err: errors.New("x")}, id: "r1"}, ExitNetwork},
		"local state":           {localf(nil, "x"), ExitLocal},
		"missing file":          {pathErr, ExitLocal},
		"no store":              {fmt.Errorf("x: %w", logs.ErrNoStore), ExitLocal},
		"store disagrees":       {&logs.StateError{Msg: "x"}, ExitLocal},
		"log file differs":      {&logs.ContentDiffersError{}, ExitRefused},
		"proof invalid":         {refusal(model.CodeProofInvalid, "x"), ExitRefused},
		"explorer 400":          {&ExplorerError{Status: 400, Code: model.CodeBadParameter}, ExitUsage},
		"explorer 403":          {&ExplorerError{Status: 403, Code: model.CodeAccessDenied}, ExitRefused},
		"explorer 503":          {&ExplorerError{Status: 503, Code: model.CodeDBDown}, ExitNetwork},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("%s: exit %d, want %d", name, got, c.want)
		}
	}
}

// TestReport_RetryHintOnlyForNetworkErrors: a refusal never says to re-run with --id; a
// network error of a write does, with the id.
func TestReport_RetryHintOnlyForNetworkErrors(t *testing.T) {
	a := &App{Lang: model.EN, Output: "table"}
	var b bytes.Buffer
	Report(a, &b, &client.RefusedError{Err: model.RuleResourceOwnUnit.Violation("operator may not register")})
	if out := b.String(); strings.Contains(out, "--id") || !strings.Contains(out, "RESOURCE_OWN_UNIT_ONLY") || !strings.HasPrefix(out, "refused ") || !strings.Contains(out, "basis:") {
		t.Fatalf("refusal:\n%s", out)
	}
	b.Reset()
	Report(a, &b, &retryable{err: &client.NetworkError{Op: "submit", Err: errors.New("no leader")}, id: "r2026-x"})
	if out := b.String(); !strings.Contains(out, "--id r2026-x") || !strings.HasPrefix(out, "network error NETWORK") {
		t.Fatalf("network:\n%s", out)
	}
	b.Reset()
	a.Lang = model.ZH
	Report(a, &b, &client.RefusedError{Err: model.RuleResourceOwnUnit.Violation("x")})
	if out := b.String(); !strings.HasPrefix(out, "拒绝 RESOURCE_OWN_UNIT_ONLY：只能由本数源单位办理") || !strings.Contains(out, "处理：") {
		t.Fatalf("zh refusal:\n%s", out)
	}
}

// TestReport_StructuredWithOutputFormat: -o json|yaml prints errors as JSON or YAML with
// code, message, field and limit; an enumeration's limit lists the values with their
// Chinese labels.
func TestReport_StructuredWithOutputFormat(t *testing.T) {
	a := &App{Lang: model.ZH, Output: "json"}
	var b bytes.Buffer
	Report(a, &b, &client.RefusedError{Err: model.FieldErr(model.CodeBadEnum, "updateFrequency", "daily|monthly", "field %q is %q", "updateFrequency", "often")})
	var got struct {
		Error Failure `json:"error"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, b.String())
	}
	f := got.Error
	if f.Code != model.CodeBadEnum || f.Field != "updateFrequency" || f.Limit != "daily（每日）、monthly（每月）" || f.Exit != ExitUsage || f.Title == "" || !strings.Contains(f.Message, "often") {
		t.Fatalf("%+v", f)
	}
	a.Output = "yaml"
	b.Reset()
	Report(a, &b, localf(nil, "no store"))
	if out := b.String(); !strings.Contains(out, "code: LOCAL_STATE") || !strings.Contains(out, "exit: 4") {
		t.Fatalf("yaml:\n%s", out)
	}
}

// TestExecute_ExitCodesEndToEnd runs the command line offline: usage errors exit 2 with
// the code printed, a misspelt profile is answered with the closest names (never "is the
// network up?"), a local state problem exits 4 without creating state.
func TestExecute_ExitCodesEndToEnd(t *testing.T) {
	dir := t.TempDir()
	pd := filepath.Join(dir, "profiles")
	os.MkdirAll(pd, 0o700)
	for _, n := range []string{"operator", "operator2", "regulator", "sourceunit-user1"} {
		os.WriteFile(filepath.Join(pd, n+".json"), []byte(`{"name":"`+n+`","mspId":"OperatorMSP","peerEndpoint":"127.0.0.1:1","tlsRootCert":"x","cert":"x","key":"x","channel":"c","chaincode":"c"}`), 0o600)
	}
	t.Setenv("PDL_PROFILES", pd)
	t.Setenv("PDL_LOGS_DIR", filepath.Join(dir, "logs"))
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Execute(t.Context(), &App{Lang: model.EN, Stdout: &out, Stderr: &errb}, args)
		return code, out.String(), errb.String()
	}
	cases := []struct {
		args []string
		code int
		want []string
		not  []string
	}{
		{[]string{"-p", "oprator", "resource", "list"}, ExitUsage, []string{"Did you mean: operator", "operator2", "sourceunit-user1"}, []string{"network up"}},
		{[]string{"-p", "operator", "price", "file", "--price-fen", "2.5"}, ExitUsage, []string{"INPUT_BAD_FORMAT", "--price 2.50"}, []string{"strconv"}},
		{[]string{"-p", "operator", "price", "file", "--price", "2元", "--price-fen", "3"}, ExitUsage, []string{"not both"}, nil},
		{[]string{"-p", "operator", "price", "file", "--price", "2.505"}, ExitUsage, []string{"at most two decimals"}, []string{"strconv"}},
		{[]string{"-p", "operator", "resource", "list", "--catalogue", "每天"}, ExitUsage, []string{"INPUT_BAD_ENUM", "catalogued"}, nil},
		{[]string{"-p", "operator", "resource", "list", "--bogus"}, ExitUsage, []string{"USAGE", "--bogus"}, nil},
		{[]string{"-p", "operator", "logs", "prove", "--stream", "s"}, ExitUsage, []string{"index"}, nil},
		{[]string{"-p", "operator", "logs", "prove", "--stream", "s", "--index", "3"}, ExitLocal, []string{"LOCAL_STATE", "looked in", filepath.Join(dir, "logs")}, nil},
		{[]string{"-p", "operator", "resource", "list", "-o", "xml"}, ExitUsage, []string{"INPUT_BAD_ENUM"}, nil},
		{[]string{"-p", "operator", "-C", "Luohu", "resource", "list"}, ExitUsage, []string{"channel name", "\"Luohu\""}, nil},
		{[]string{"-p", "operator", "resource", "register", "-f", filepath.Join(dir, "missing.json")}, ExitLocal, []string{"LOCAL_STATE"}, nil},
	}
	for _, c := range cases {
		code, _, stderr := run(c.args...)
		if code != c.code {
			t.Errorf("pdl %s: exit %d, want %d:\n%s", strings.Join(c.args, " "), code, c.code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("pdl %s: %q not in:\n%s", strings.Join(c.args, " "), w, stderr)
			}
		}
		for _, w := range c.not {
			if strings.Contains(stderr, w) {
				t.Errorf("pdl %s: %q in:\n%s", strings.Join(c.args, " "), w, stderr)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "logs", "s")); !os.IsNotExist(err) {
		t.Fatalf("logs prove created a store: %v", err)
	}
	// bad JSON in -f names the line and column
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"id\": \"x\",\n  \"name\": \"a\",,\n}\n"), 0o600)
	code, _, stderr := run("-p", "operator", "resource", "register", "-f", bad)
	if code != ExitUsage || !strings.Contains(stderr, "line 3, column 15") {
		t.Fatalf("bad JSON: exit %d\n%s", code, stderr)
	}
	// -o json prints the error as JSON, even when the failing flag comes first
	code, _, stderr = run("-p", "operator", "resource", "register", "--update-frequency", "often", "-o", "json")
	var got struct {
		Error Failure `json:"error"`
	}
	if code != ExitUsage || json.Unmarshal([]byte(stderr), &got) != nil || got.Error.Code != model.CodeBadEnum || got.Error.Field != "updateFrequency" {
		t.Fatalf("json error: exit %d\n%s", code, stderr)
	}
	// no profiles at all: then (and only then) say how to get them
	t.Setenv("PDL_PROFILES", filepath.Join(dir, "none"))
	if code, _, stderr := run("-p", "operator", "resource", "list"); code != ExitUsage || !strings.Contains(stderr, "make up") {
		t.Fatalf("no profiles: exit %d\n%s", code, stderr)
	}
}
