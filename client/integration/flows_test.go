//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network/nettest"
)

// TestFlows_ThreeAnchorsThenGapRefused anchors three log batches of a fresh stream
// through the CLI, then submits an anchor that skips the anchored size: refused.
func TestFlows_ThreeAnchorsThenGapRefused(t *testing.T) {
	ensureDemo(t)
	dir := t.TempDir()
	stream := "it-flow-log-" + strconv.FormatInt(time.Now().UnixNano()/1e6, 36)
	ok(t, "operator", "logs", "open", "--id", stream, "--log-kind", "processing", "--authorization-id", "lh-auth-2026")
	var files []string
	for day := 0; day < 3; day++ {
		var b strings.Builder
		for i := 0; i < 500; i++ {
			fmt.Fprintf(&b, "2026-11-%02dT10:%02d:%02d job=%d step=%d ok\n", 10+day, i/60, i%60, day, i)
		}
		f := filepath.Join(dir, fmt.Sprintf("batch-%d.log", day))
		if err := os.WriteFile(f, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	ok(t, "operator", append([]string{"logs", "anchor", "--stream", stream, "--state", filepath.Join(dir, "state"), "--batch", "0"}, files...)...)
	out := ok(t, "operator", "logs", "stream", "--id", stream, "-o", "json")
	if !strings.Contains(out, `"size": 1500`) || !strings.Contains(out, `"anchors": 3`) {
		t.Fatalf("stream after three batches:\n%s", out)
	}
	now := time.Now().UTC()
	r := pdl(t, "operator", "logs", "append", "--id", stream+"-gap", "--stream", stream, "--prev-size", "1000", "--size", "2000",
		"--root", strings.Repeat("ab", 32), "--window-start", strconv.Quote(now.Add(-time.Minute).Format(time.RFC3339)),
		"--window-end", strconv.Quote(now.Format(time.RFC3339)), "--sign")
	if r.code != 1 || !strings.Contains(r.stderr, string(model.RuleLogAnchorGap.Code)) {
		t.Fatalf("gapped anchor: exit %d, want 1 with %s:\n%s%s", r.code, model.RuleLogAnchorGap.Code, r.stdout, r.stderr)
	}
}

// TestFlows_RectificationSuspendsThenRestores: under a profile whose rectification
// suspends the operator's use rights, an order suspends the authorization (new
// applications are refused), and accepting the rectification report restores it.
func TestFlows_RectificationSuspendsThenRestores(t *testing.T) {
	ensureDemo(t)
	n := nettest.Net(t)
	pd := n.L.ProfilesDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bureau, op, su := nettest.Client(t, "bureau"), nettest.Client(t, "operator-it"), nettest.Client(t, "sourceunit-user15")
	s := strconv.FormatInt(time.Now().UnixNano()/1e6, 36)
	opKey := itParties(ctx, t, bureau, pd)

	// a drill under an amended profile, amended back afterwards (both versions stay in
	// the profile's history)
	drill := map[string]any{"value": true, "source": map[string]any{"doc": "罗湖区公共数据资源授权运营实施方案（试行）", "article": "十二",
		"quote": "整改期间暂停授权运营使用权限", "note": "integration drill: rectification suspends use rights"}}
	submit(ctx, t, bureau, "Profile:Amend", map[string]any{"id": "it-drill-on-" + s, "reason": "整改暂停演练", "patch": map[string]any{"supervision": map[string]any{"rectification_suspends": drill}}})
	t.Cleanup(func() {
		submit(context.Background(), t, bureau, "Profile:Amend", map[string]any{"id": "it-drill-off-" + s, "reason": "演练结束",
			"patch": map[string]any{"supervision": map[string]any{"rectification_suspends": nil}}})
	})

	res := "it-fr-" + s
	submit(ctx, t, su, "Resource:Register", map[string]any{"id": res, "name": "演练资源", "summary": "x", "dataItems": []string{"名称"}, "dataType": "t",
		"openness": "conditional", "grade": 1, "domain": "d", "coverage": "c", "updateFrequency": "yearly"})
	submit(ctx, t, bureau, "Resource:ProposeCatalogue", map[string]any{"id": "it-fp-" + s, "resource": res})
	submit(ctx, t, su, "Resource:AnswerCatalogue", map[string]any{"id": "it-fa-" + s, "resource": res, "agreed": true})
	auth := "it-fauth-" + s
	libAuthorize(ctx, t, pd, auth, res, opKey)

	rect := "it-frect-" + s
	submit(ctx, t, bureau, "Supervision:OrderRectification", map[string]any{"id": rect, "authorizationId": auth, "grounds": "日志留存不全", "requirements": "补全日志并复核", "workingDays": 10})
	if a := getAuth(ctx, t, bureau, auth); a.Status != model.AuthSuspended || a.Suspension == nil || a.Suspension.Rectification != rect {
		t.Fatalf("after the order: %s %+v", a.Status, a.Suspension)
	}
	today := time.Now().In(model.CST).Format("2006-01-02")
	_, err := op.Submit(ctx, "Application:Submit", map[string]any{"id": "it-fapp-" + s, "authorization": auth, "scenario": "演练", "serviceObjects": "x",
		"serviceScope": "x", "expectedOutcome": "x", "method": "statistics", "usageFrom": today, "usageTo": today,
		"dataList": []map[string]any{{"resource": res, "items": []string{"名称"}, "necessity": "x"}}})
	if model.CodeOf(err) != model.RuleAuthActive.Code {
		t.Fatalf("application while suspended: %v", err)
	}
	f, _ := model.Function("Supervision:ReportRectification")
	req, err := client.SignRequest(f, map[string]any{"id": "it-frep-" + s, "rectification": rect, "reportDigest": gm.SumHex([]byte("report " + s))}, "it-op", opKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Submit(ctx, "Supervision:ReportRectification", req); err != nil {
		t.Fatal(err)
	}
	submit(ctx, t, bureau, "Supervision:ReviewRectification", map[string]any{"id": "it-frev-" + s, "rectification": rect, "decision": "approved"})
	if a := getAuth(ctx, t, bureau, auth); a.Status != model.AuthActive || a.Suspension != nil {
		t.Fatalf("after acceptance: %s %+v", a.Status, a.Suspension)
	}
}

func submit(ctx context.Context, t *testing.T, c *client.Client, fn string, req any) {
	t.Helper()
	if _, err := c.Submit(ctx, fn, req); err != nil {
		t.Fatalf("%s: %v", fn, err)
	}
}

func getAuth(ctx context.Context, t *testing.T, c *client.Client, id string) *model.Authorization {
	t.Helper()
	var a model.Authorization
	if err := c.Evaluate(ctx, "Authorization:Get", map[string]any{"id": id}, &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

// itParties registers (idempotently, fixed ids) the test operator it-op and source unit
// it-su on the spare identities operator-test and sourceunit-user15; it returns it-op's
// SM2 key.
func itParties(ctx context.Context, t *testing.T, bureau *client.Client, pd string) *gm.PrivateKey {
	t.Helper()
	opKey, suKey := keyFor(t, pd, "operator-it"), keyFor(t, pd, "sourceunit-user15")
	submit(ctx, t, bureau, "Participant:Register", map[string]any{"id": "it-op", "role": "operator", "name": "集成测试运营机构", "uscc": demoUSCC("91440300MA5J30001"), "mspId": "OperatorMSP", "sm2PublicKey": opKey.Public().EncodeHex()})
	submit(ctx, t, bureau, "Participant:Register", map[string]any{"id": "it-su", "role": "source_unit", "name": "集成测试数源单位", "uscc": demoUSCC("11440309MB2C30002"), "mspId": "SourceUnitMSP", "sm2PublicKey": suKey.Public().EncodeHex()})
	for id, b := range map[string][2]string{"it-bind-op": {"it-op", "operator-it"}, "it-bind-su": {"it-su", "sourceunit-user15"}} {
		p, err := client.LoadProfile(filepath.Join(pd, b[1]+".json"))
		if err != nil {
			t.Fatal(err)
		}
		req, err := client.BindRequest(p, b[0], id)
		if err != nil {
			t.Fatal(err)
		}
		submit(ctx, t, bureau, "Participant:BindIdentity", req)
	}
	return opKey
}
