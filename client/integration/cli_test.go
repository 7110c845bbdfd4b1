//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	gwclient "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/cli"
	"github.com/pdledger/pdledger/client/logs"
	"github.com/pdledger/pdledger/client/replay"
	"github.com/pdledger/pdledger/network/nettest"
)

// verbs maps every chaincode function to its CLI words ("resource register").
func verbs(t *testing.T) map[string][]string {
	out := map[string][]string{}
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if fn := c.Annotations["function"]; fn != "" {
			out[fn] = append([]string{}, path...)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(path, sub.Name()))
		}
	}
	walk(cli.Root(&cli.App{}), nil)
	if len(out) != len(model.Functions()) {
		t.Fatalf("%d CLI verbs for %d functions", len(out), len(model.Functions()))
	}
	return out
}

// driver runs chaincode functions through the pdl CLI and remembers which it drove.
type driver struct {
	t      *testing.T
	verbs  map[string][]string
	dir    string
	driven map[string]bool
	n      int
	// reads: every query the CLI answered is also submitted as a transaction through the
	// library (the same identity and request); its block must show no write.
	reads map[string]string // function → transaction id
}

// call runs fn as profile with req (written to a JSON file, -f) and checks the exit
// code: 0, or 1 with the refusal code printed. It returns the JSON answer.
func (d *driver) call(profile, fn string, req any, refusal model.Code, extra ...string) json.RawMessage {
	d.t.Helper()
	words, ok := d.verbs[fn]
	if !ok {
		d.t.Fatalf("no CLI verb for %s", fn)
	}
	d.n++
	args := append(append([]string{}, words...), "-o", "json")
	if req != nil {
		raw, _ := json.Marshal(req)
		f := filepath.Join(d.dir, fmt.Sprintf("req-%03d.json", d.n))
		if err := os.WriteFile(f, raw, 0o600); err != nil {
			d.t.Fatal(err)
		}
		args = append(args, "-f", f)
	}
	args = append(args, extra...)
	r := pdl(d.t, profile, args...)
	d.driven[fn] = true
	switch {
	case refusal == "" && r.code != 0:
		d.t.Fatalf("pdl %s (as %s) exited %d:\n%s%s", strings.Join(args, " "), profile, r.code, r.stdout, r.stderr)
	case refusal != "" && r.code != 1:
		d.t.Fatalf("pdl %s (as %s): exit %d, want 1 (refused %s):\n%s%s", strings.Join(words, " "), profile, r.code, refusal, r.stdout, r.stderr)
	case refusal != "" && !strings.Contains(r.stderr, string(refusal)):
		d.t.Fatalf("pdl %s (as %s): refusal does not name %s:\n%s", strings.Join(words, " "), profile, refusal, r.stderr)
	}
	if f, _ := model.Function(fn); refusal == "" && !f.Write && d.reads[fn] == "" && profile != "" {
		var payload any = req
		if req == nil {
			payload = map[string]any{}
		}
		c := nettest.Client(d.t, profile)
		if _, err := c.Submit(context.Background(), fn, payload); err == nil || !strings.Contains(err.Error(), "is a query") {
			d.t.Fatalf("the client submitted query %s: %v", fn, err)
		}
		// what an attacker's hand-made proposal does: the chaincode must write nothing
		d.reads[fn] = submitRaw(d.t, c, fn, payload)
	}
	return json.RawMessage(r.stdout)
}

// checkReadsWroteNothing reads the block of every submitted query and fails on any write
// in its read-write set (a query must not change the ledger, not even by an effect that
// fell due).
func (d *driver) checkReadsWroteNothing(ctx context.Context) {
	d.t.Helper()
	auditor := nettest.Client(d.t, "bureau-admin")
	for fn, txID := range d.reads {
		b, err := auditor.BlockByTxID(ctx, txID)
		if err != nil {
			d.t.Fatalf("block of %s (%s): %v", fn, txID, err)
		}
		info, err := client.ParseBlock(b)
		if err != nil {
			d.t.Fatal(err)
		}
		found := false
		for _, tx := range info.Txs {
			if tx.ID != txID {
				continue
			}
			found = true
			if len(tx.Writes) > 0 {
				d.t.Errorf("%s submitted as a transaction wrote %v", fn, tx.Writes)
			}
		}
		if !found {
			d.t.Errorf("%s: transaction %s not in block %d", fn, txID, info.Number)
		}
	}
	d.t.Logf("%d queries submitted as transactions; none wrote", len(d.reads))
}

// reported reports whether operator-it has filed a revenue report for req's year already
// (a dry run of the report refused with REVENUE_YEAR_REPORTED).
func (d *driver) reported(req map[string]any) bool {
	d.t.Helper()
	raw, _ := json.Marshal(req)
	f := filepath.Join(d.dir, "revenue-probe.json")
	if err := os.WriteFile(f, raw, 0o600); err != nil {
		d.t.Fatal(err)
	}
	r := pdl(d.t, "operator-it", append(append([]string{}, d.verbs["Revenue:Report"]...), "-f", f, "--sign", "--dry-run")...)
	return r.code == 1 && strings.Contains(r.stderr, string(model.RuleRevenueDuplicateYear.Code))
}

func (d *driver) ok(profile, fn string, req any, extra ...string) json.RawMessage {
	d.t.Helper()
	return d.call(profile, fn, req, "", extra...)
}

func (d *driver) into(profile, fn string, req any, out any, extra ...string) {
	d.t.Helper()
	if err := json.Unmarshal(d.ok(profile, fn, req, extra...), out); err != nil {
		d.t.Fatalf("%s answer: %v", fn, err)
	}
}

// keyFor makes (once) the SM2 key a profile signs with, saved where pdl --sign finds it.
func keyFor(t *testing.T, profilesDir, profile string) *gm.PrivateKey {
	k, err := client.LoadOrCreateSM2Key(client.SM2KeyPath(filepath.Join(profilesDir, profile+".json")))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sm3(s string) string { return gm.SumHex([]byte(s)) }

// TestCLI_EveryVerb drives every chaincode function through its pdl verb against the
// live network, as the identity that would use it: a fresh source unit registers a
// resource that is catalogued, a fresh operator is authorized, applies, builds a
// product that is reviewed, registered, listed, priced and traded, anchors a log,
// goes through supervision, and finally its authorization is terminated. Refusals are
// part of it (exit code 1 with the rule's code printed).
func TestCLI_EveryVerb(t *testing.T) {
	ensureDemo(t)
	n := nettest.Net(t)
	pd := n.L.ProfilesDir()
	d := &driver{t: t, verbs: verbs(t), dir: t.TempDir(), driven: map[string]bool{}, reads: map[string]string{}}
	s := strconv.FormatInt(time.Now().UnixNano()/1e6, 36) // fresh ids per run
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	// --- parties: a test operator and a test source unit on spare identities (fixed
	// ids: re-running is idempotent)
	bind := func(id, participant, profile string) {
		p, err := client.LoadProfile(filepath.Join(pd, profile+".json"))
		if err != nil {
			t.Fatal(err)
		}
		req, err := client.BindRequest(p, participant, id)
		if err != nil {
			t.Fatal(err)
		}
		d.ok("bureau", "Participant:BindIdentity", req)
	}
	opKey, suKey := keyFor(t, pd, "operator-it"), keyFor(t, pd, "sourceunit-user15")
	d.ok("bureau", "Participant:Register", map[string]any{"id": "it-op", "role": "operator", "name": "集成测试运营机构", "uscc": demoUSCC("91440300MA5J30001"), "mspId": "OperatorMSP", "sm2PublicKey": opKey.Public().EncodeHex()})
	d.ok("bureau", "Participant:Register", map[string]any{"id": "it-su", "role": "source_unit", "name": "集成测试数源单位", "uscc": demoUSCC("11440309MB2C30002"), "mspId": "SourceUnitMSP", "sm2PublicKey": suKey.Public().EncodeHex()})
	bind("it-bind-op", "it-op", "operator-it")
	bind("it-bind-su", "it-su", "sourceunit-user15")
	// a second identity for it-su, bound and unbound again
	bind("it-bind-su16", "it-su", "sourceunit-user16")
	p16, _ := client.LoadProfile(filepath.Join(pd, "sourceunit-user16.json"))
	id16, err := client.IdentityOf(p16)
	if err != nil {
		t.Fatal(err)
	}
	d.ok("bureau", "Participant:UnbindIdentity", map[string]any{"id": "it-unbind-su16", "identityKey": id16.Key(), "reason": "离岗"})
	// the ledger's org list is the channel's already: the bureau's admin passes every
	// check but the last (a list that changes needs the chaincode servers on it first:
	// pdlnet org add, TestOrgAdd_SecondOperatorJoinsTheRunningNetwork)
	d.call("bureau-admin", "Participant:SetOrgs", map[string]any{"id": "it-setorgs-" + s, "orgs": n.T.PeerMSPIDs(), "reason": "核对通道组织"}, model.CodeAlreadyExists)
	d.ok("bureau", "Participant:SetKey", map[string]any{"id": "it-setkey-" + s, "participant": "it-op", "sm2PublicKey": opKey.Public().EncodeHex()})
	d.ok("bureau", "Participant:SetStatus", map[string]any{"id": "it-suspend-" + s, "participant": "it-su", "status": "suspended", "reason": "核查"})
	d.call("sourceunit-user15", "Resource:Register", map[string]any{"id": "it-r-x" + s, "name": "x", "summary": "x", "dataItems": []string{"a"}, "dataType": "t",
		"openness": "conditional", "grade": 1, "domain": "d", "coverage": "c", "updateFrequency": "yearly"}, model.CodeSuspended)
	d.ok("bureau", "Participant:SetStatus", map[string]any{"id": "it-reactivate-" + s, "participant": "it-su", "status": "active", "reason": "核查完毕"})
	d.call("bureau-admin", "Participant:Bootstrap", map[string]any{"id": "bureau", "name": "x", "uscc": "11440309MB2C90412W", "orgs": n.T.PeerMSPIDs()}, model.CodeIDReused)
	var who model.WhoAmI
	d.into("operator-it", "Participant:WhoAmI", nil, &who)
	if who.Participant == nil || who.Participant.ID != "it-op" {
		t.Fatalf("operator-it acts for %+v", who.Participant)
	}
	d.ok("regulator", "Participant:Config", nil)
	d.ok("regulator", "Participant:Get", map[string]any{"id": "it-op"})
	var ops model.PageResult[model.Participant]
	d.into("regulator", "Participant:List", map[string]any{"role": "operator"}, &ops)
	if len(ops.Records) < 2 {
		t.Fatalf("operators listed: %d", len(ops.Records))
	}

	// --- profile and system
	d.ok("regulator", "Profile:Get", nil)
	d.ok("regulator", "Profile:Presets", nil)
	d.call("bureau", "Profile:Set", map[string]any{"id": "it-set-" + s, "preset": "luohu", "reason": "x"}, model.RuleProfileSetOnce.Code)
	d.call("operator", "Profile:Amend", map[string]any{"id": "it-amend-" + s, "patch": map[string]any{}, "reason": "x"}, model.RuleProfileBureauOnly.Code)
	d.call("operator", "System:Heartbeat", map[string]any{"note": "cli test " + s}, model.CodeAccessDenied) // org admins only
	d.ok("operator-admin", "System:Heartbeat", map[string]any{"note": "cli test " + s})
	d.ok("regulator", "System:History", map[string]any{"kind": "participant", "id": "it-op"})
	d.ok("regulator", "System:ReplayState", nil)
	d.ok("regulator", "System:Digests", map[string]any{"items": []map[string]any{{"kind": "participant", "id": "it-op"}, {"kind": "resource", "id": "no-such"}}})
	d.call("operator-it", "System:OpenReplay", map[string]any{"id": "it-rpx-" + s, "reason": "x"}, model.RuleBureauOnlyRegisters.Code)
	d.ok("bureau", "System:OpenReplay", map[string]any{"id": "it-rp-" + s, "reason": "集成测试：回放会话的开与关"})
	d.ok("bureau", "System:CloseReplay", map[string]any{"id": "it-rpc-" + s, "replay": "it-rp-" + s})

	// --- resources (the refused call the issue asks for: an operator registering one)
	res := "it-r-" + s
	content := map[string]any{"id": res, "name": "集成测试资源", "summary": "测试", "dataItems": []string{"名称", "地址"}, "dataType": "结构化",
		"openness": "conditional", "grade": 1, "domain": "城市治理", "coverage": "龙华区", "updateFrequency": "monthly"}
	r := pdl(t, "operator", "resource", "register", "-f", writeJSON(t, d.dir, "refused.json", content))
	if r.code != 1 || !strings.Contains(r.stderr, string(model.RuleResourceOwnUnit.Code)) {
		t.Fatalf("operator registering a resource: exit %d, want 1 with %s:\n%s", r.code, model.RuleResourceOwnUnit.Code, r.stderr)
	}
	d.ok("sourceunit-user15", "Resource:Register", content)
	upd := map[string]any{}
	for k, v := range content {
		upd[k] = v
	}
	upd["id"], upd["resource"], upd["summary"] = "it-upd-"+s, res, "测试 v2"
	d.ok("sourceunit-user15", "Resource:Update", upd)
	d.ok("sourceunit-user15", "Resource:Revision", map[string]any{"id": res + ":v1"})
	d.ok("bureau", "Resource:ProposeCatalogue", map[string]any{"id": "it-prop-" + s, "resource": res})
	d.ok("sourceunit-user15", "Resource:AnswerCatalogue", map[string]any{"id": "it-ans-" + s, "resource": res, "agreed": true})
	var rr model.Resource
	d.into("operator", "Resource:Get", map[string]any{"id": res}, &rr)
	if rr.Catalogue != model.CatCatalogued || rr.ResourceVersion != 2 {
		t.Fatalf("resource %s v%d", rr.Catalogue, rr.ResourceVersion)
	}
	d.ok("sourceunit-user15", "Resource:List", map[string]any{"sourceUnit": "it-su"})

	// --- authorization: created and signed through the library dated ten and three
	// days ago (the publicity period is five days); the CLI drives a second candidate
	auth := "it-auth-" + s
	libAuthorize(ctx, t, pd, auth, res, opKey)
	d.ok("bureau", "Authorization:Create", map[string]any{"id": auth + "-b", "operator": "it-op", "mode": "whole", "resourceIds": []string{res}, "termMonths": 12, "agreementDigest": sm3("agreement b " + s)})
	d.call("bureau", "Authorization:Sign", map[string]any{"id": "it-signb-" + s, "authorization": auth + "-b"}, model.RuleAuthPublicity.Code, "--sign")
	d.ok("bureau", "Authorization:File", map[string]any{"id": "it-file-" + s, "authorization": auth, "filingRef": "测备〔2026〕" + s})
	d.ok("operator-it", "Authorization:FileEmergencyPlan", map[string]any{"id": "it-planf-" + s, "plan": "it-plan-" + s, "authorization": auth, "planDigest": sm3("plan")})
	d.ok("operator-it", "Authorization:EmergencyPlan", map[string]any{"id": "it-plan-" + s})
	d.ok("operator-it", "Authorization:Get", map[string]any{"id": auth})
	d.ok("regulator", "Authorization:List", map[string]any{"operator": "it-op"})
	d.ok("sourceunit-user15", "Authorization:ByResource", map[string]any{"resource": res})
	d.ok("regulator", "Authorization:Overdue", nil)
	d.ok("bureau", "Authorization:Suspend", map[string]any{"id": "it-susp-" + s, "authorization": auth, "reason": "investigation", "detail": "核查"})
	d.ok("bureau", "Authorization:Resume", map[string]any{"id": "it-res-" + s, "authorization": auth, "detail": "核查完毕"})
	d.ok("operator-it", "Authorization:Renew", map[string]any{"id": "it-renew-" + s, "authorization": auth, "months": 12})
	d.ok("bureau", "Authorization:DecideRenewal", map[string]any{"id": "it-decren-" + s, "authorization": auth, "decision": "approved"})

	// --- partner
	d.ok("operator-it", "Partner:Onboard", map[string]any{"id": "it-ps-" + s, "authorization": auth, "partner": "pt-zhixie", "scope": "模型开发",
		"agreementDigest": sm3("dev agreement"), "agreementEnd": time.Now().AddDate(0, 6, 0).Format("2006-01-02")})
	d.ok("partner", "Partner:Get", map[string]any{"id": "it-ps-" + s})
	d.ok("operator-it", "Partner:List", map[string]any{"authorization": auth})
	d.ok("operator-it", "Partner:Exit", map[string]any{"id": "it-psx-" + s, "partnership": "it-ps-" + s, "reason": "合作结束"})

	// --- application → grant
	app := "it-app-" + s
	today := time.Now().In(model.CST).Format("2006-01-02")
	d.ok("operator-it", "Application:Submit", map[string]any{"id": app, "authorization": auth, "scenario": "集成测试场景", "serviceObjects": "测试",
		"serviceScope": "龙华区", "expectedOutcome": "测试", "method": "statistics", "usageFrom": today, "usageTo": time.Now().AddDate(0, 6, 0).Format("2006-01-02"),
		"dataList": []map[string]any{{"resource": res, "items": []string{"名称"}, "necessity": "必要"}}})
	d.call("sourceunit-user15", "Application:Review", map[string]any{"id": "it-early-" + s, "application": app, "decision": "approved"}, model.RuleAppReviewOrder.Code)
	d.ok("bureau", "Application:Review", map[string]any{"id": "it-rvb-" + s, "application": app, "decision": "approved"})
	var ap model.Application
	d.into("sourceunit-user15", "Application:Review", map[string]any{"id": "it-rvs-" + s, "application": app, "decision": "approved"}, &ap)
	if ap.Status != model.AppApproved || ap.Grant != model.GrantID(app) {
		t.Fatalf("application %s grant %q", ap.Status, ap.Grant)
	}
	grant := ap.Grant
	d.ok("operator-it", "Application:Get", map[string]any{"id": app})
	d.ok("regulator", "Application:List", map[string]any{"operator": "it-op"})
	d.ok("sourceunit-user15", "Application:ByResource", map[string]any{"resource": res})
	d.ok("regulator", "Application:Overdue", nil)
	d.ok("sourceunit-user15", "Grant:Get", map[string]any{"id": grant})
	d.ok("sourceunit-user15", "Grant:ByResource", map[string]any{"resource": res})

	// --- product, price, trade
	prod := "it-prd-" + s
	d.ok("operator-it", "Product:Submit", map[string]any{"id": prod, "name": "集成测试产品", "form": "api", "class": "industry",
		"scenarios": []string{"集成测试场景"}, "grantIds": []string{grant}, "resourceIds": []string{res}})
	checks := map[string]any{"passed": true}
	d.ok("bureau", "Product:Review", map[string]any{"id": "it-prv-" + s, "product": prod, "decision": "approved", "checks": map[string]any{
		"purposeScopeMatch": checks, "sourcesStatedLawful": checks, "noRawSensitiveExposure": checks, "noLeakRisk": checks,
		"crossBorder": map[string]any{"involved": false, "passed": true}, "otherRisks": checks}})
	d.ok("operator-it", "Product:Register", map[string]any{"id": "it-preg-" + s, "product": prod}, "--sign")
	d.ok("exchange", "Product:ListOnExchange", map[string]any{"id": "it-plist-" + s, "product": prod, "listingRef": "IT-" + s})
	d.ok("exchange", "Product:Get", map[string]any{"id": prod})
	d.ok("operator-it", "Product:ByGrant", map[string]any{"grant": grant})
	d.ok("sourceunit-user15", "Product:ByResource", map[string]any{"resource": res})
	d.ok("regulator", "Product:Provenance", map[string]any{"id": prod})
	d.ok("regulator", "Product:Overdue", nil)
	d.ok("bureau", "Product:Suspend", map[string]any{"id": "it-psus-" + s, "product": prod, "reason": "核查"})
	d.ok("bureau", "Product:Resume", map[string]any{"id": "it-pres-" + s, "product": prod, "reason": "核查完毕"})
	d.ok("bureau", "Price:SetCap", map[string]any{"id": "it-cap-" + s, "class": "industry", "unit": "per_call", "product": prod, "capFen": 1000, "reason": "测试上限"})
	d.ok("operator-it", "Price:File", map[string]any{"id": "it-price-" + s, "product": prod, "unit": "per_call", "priceFen": 800, "scenario": "集成测试场景",
		"scope": "测试", "method": "API", "basisDigest": sm3("basis")}, "--sign")
	d.ok("operator-it", "Price:Get", map[string]any{"id": "it-price-" + s})
	d.ok("exchange", "Price:GetCap", map[string]any{"id": "it-cap-" + s})
	d.ok("regulator", "Price:Flagged", nil)
	d.call("exchange", "Trade:File", map[string]any{"id": "it-trx-" + s, "product": prod, "buyer": map[string]any{"name": "某银行", "uscc": demoUSCC("91440300MA5J30009")},
		"scenario": "集成测试场景", "quantity": 10, "unit": "per_call", "amountFen": 8001, "contractDigest": sm3("contract")}, model.RuleTradeAmountAbovePrice.Code, "--sign")
	d.ok("exchange", "Trade:File", map[string]any{"id": "it-trade-" + s, "product": prod, "buyer": map[string]any{"name": "某银行", "uscc": demoUSCC("91440300MA5J30009")},
		"scenario": "集成测试场景", "quantity": 10, "unit": "per_call", "amountFen": 8000, "contractDigest": sm3("contract")}, "--sign")
	d.ok("exchange", "Trade:Get", map[string]any{"id": "it-trade-" + s})
	d.ok("regulator", "Trade:ByProduct", map[string]any{"product": prod})
	d.ok("", "Disclosure:Authorizations", nil, "-p", filepath.Join(pd, "operator2.json"))
	d.ok("partner", "Disclosure:Products", nil)
	d.ok("partner", "Disclosure:Fees", nil)

	// --- revenue
	rep := "it-rev-" + s
	// it-op lives on across runs on one network and files one report per past year: take
	// the first year from a random start that it has not reported yet
	years := time.Now().In(model.CST).Year() - 2000 // 2000 .. last year
	year := 2000 + int(time.Now().UnixNano()/1e6%int64(years))
	for tries := 0; ; tries++ {
		req := map[string]any{"id": rep, "year": year, "revenueFen": 200000, "costFen": 100000, "taxFen": 5000, "treasuryYieldBp": 200, "allowedProfitRateBp": 500, "basisDigest": sm3("rev")}
		if tries == years || !d.reported(req) {
			d.ok("operator-it", "Revenue:Report", req, "--sign")
			break
		}
		year = 2000 + (year-2000+1)%years
	}
	d.ok("operator-it", "Revenue:Correct", map[string]any{"id": "it-revc-" + s, "report": rep, "revenueFen": 210000, "costFen": 100000, "taxFen": 5000, "treasuryYieldBp": 200, "allowedProfitRateBp": 500, "basisDigest": sm3("rev2"), "reason": "更正"}, "--sign")
	d.ok("regulator", "Revenue:Get", map[string]any{"id": rep})
	d.ok("regulator", "Revenue:Obligations", nil)
	d.call("operator-it", "Revenue:Fulfil", map[string]any{"id": "it-revf-" + s, "report": rep, "evidence": "it-price-" + s}, model.RuleRevenueEvidence.Code, "--sign")

	// --- logs: one anchor of a one-line tree
	stream := "it-log-" + s
	d.ok("operator-it", "Logs:Open", map[string]any{"id": stream, "logKind": "access", "authorizationId": auth})
	leaf := logs.LeafHash([]byte("line 0 " + s))
	now := time.Now().UTC()
	d.ok("operator-it", "Logs:Append", map[string]any{"id": stream + "-1", "stream": stream, "prevSize": 0, "size": 1, "root": fmt.Sprintf("%x", leaf),
		"windowStart": now.Add(-time.Hour).Format(time.RFC3339), "windowEnd": now.Format(time.RFC3339)}, "--sign")
	d.ok("operator-it", "Logs:Stream", map[string]any{"id": stream})
	d.ok("regulator", "Logs:Streams", nil)
	d.ok("operator-it", "Logs:Anchor", map[string]any{"id": stream + "-1"})
	d.ok("operator-it", "Logs:Anchors", map[string]any{"stream": stream})
	d.ok("operator-it", "Logs:AnchorAt", map[string]any{"stream": stream, "size": 1})

	// --- supervision
	insp := "it-insp-" + s
	d.ok("regulator", "Supervision:Inspect", map[string]any{"id": insp, "subject": "it-op", "authorizationId": auth, "type": "special", "scope": "测试检查"})
	d.ok("regulator", "Supervision:AddFinding", map[string]any{"id": "it-find-" + s, "inspection": insp, "severity": "minor", "description": "日志留存不完整"})
	d.ok("regulator", "Supervision:Inspection", map[string]any{"id": insp})
	rect := "it-rect-" + s
	d.ok("bureau", "Supervision:OrderRectification", map[string]any{"id": rect, "authorizationId": auth, "grounds": "检查发现问题", "requirements": "补全日志", "inspection": insp, "workingDays": 10})
	d.ok("operator-it", "Supervision:ReportRectification", map[string]any{"id": "it-rrep-" + s, "rectification": rect, "reportDigest": sm3("rect report")}, "--sign")
	d.ok("bureau", "Supervision:ReviewRectification", map[string]any{"id": "it-rrev-" + s, "rectification": rect, "decision": "approved"})
	d.ok("operator-it", "Supervision:Rectification", map[string]any{"id": rect})
	ev := "it-eval-" + s
	dims := []map[string]any{}
	for _, dim := range []string{"安全风险", "质量", "合规", "运营成效"} {
		dims = append(dims, map[string]any{"dimension": dim, "score": 90})
	}
	d.ok("bureau", "Supervision:Evaluate", map[string]any{"id": ev, "authorizationId": auth, "period": "2026", "grade": "pass", "dimensions": dims, "reportDigest": sm3("eval")})
	d.ok("operator-it", "Supervision:Evaluation", map[string]any{"id": ev})
	inc := "it-inc-" + s
	d.ok("operator-it", "Supervision:ReportIncident", map[string]any{"id": inc, "authorizationId": auth, "severity": "general", "category": "risk",
		"occurredAt": now.Add(-2 * time.Hour).Format(time.RFC3339), "detectedAt": now.Add(-time.Hour).Format(time.RFC3339), "description": "异常访问"}, "--sign")
	d.ok("bureau", "Supervision:DecideIncident", map[string]any{"id": "it-incd-" + s, "incident": inc, "decision": "close", "reason": "已处置"})
	d.ok("regulator", "Supervision:Incident", map[string]any{"id": inc})
	rpt := "it-rpt-" + s
	// the Longhua profile (with the Guangdong amendment) requires no periodic report
	d.call("operator-it", "Supervision:FileReport", map[string]any{"id": rpt, "reportKind": "security", "authorizationId": auth, "period": 1, "reportDigest": sm3("security report")}, model.RuleReportPeriod.Code, "--sign")
	d.call("regulator", "Supervision:Report", map[string]any{"id": rpt}, model.CodeNotFound)
	d.ok("regulator", "Supervision:OverdueReports", nil)
	cs := "it-case-" + s
	d.ok("sourceunit-user15", "Supervision:FileCase", map[string]any{"id": cs, "caseKind": "complaint", "respondent": "it-op", "authorizationId": auth, "title": "测试投诉", "description": "测试"})
	d.ok("bureau", "Supervision:AnswerCase", map[string]any{"id": "it-cans-" + s, "case": cs, "answer": "已处理"})
	d.ok("sourceunit-user15", "Supervision:Case", map[string]any{"id": cs})
	d.ok("regulator", "Supervision:OpenCases", nil)
	d.ok("regulator", "Supervision:Flags", nil)
	d.ok("partner", "Supervision:Sweep", map[string]any{"id": "it-sweep-" + s, "authorizationId": auth})
	bl := "it-bl-" + s
	d.ok("bureau", "Participant:Register", map[string]any{"id": bl, "role": "operator", "name": "违规运营机构 " + s, "uscc": demoUSCC(fmt.Sprintf("9144030%010d", time.Now().UnixNano()%1e10)), "mspId": "OperatorMSP"})
	d.ok("bureau", "Supervision:Blacklist", map[string]any{"id": "it-black-" + s, "participant": bl, "reason": "严重违规", "evidenceDigest": sm3("violation")})

	// --- the working-day calendar: a far-future year no notice covers and whose Labour Day
	// (1 May) is a weekday, filed under a made-up notice (test data), so that re-running on
	// one network finds a fresh year and no real deadline is touched
	var cal model.CalendarView
	d.into("regulator", "Calendar:Get", nil, &cal)
	covered := map[int]bool{}
	for _, y := range cal.Years {
		covered[y.Year] = true
	}
	calYear := 2199
	for wd := time.Date(calYear, 5, 1, 0, 0, 0, 0, model.CST).Weekday(); covered[calYear] || wd == time.Saturday || wd == time.Sunday; wd = time.Date(calYear, 5, 1, 0, 0, 0, 0, model.CST).Weekday() {
		calYear--
	}
	period := map[string]any{"from": time.Date(calYear, 4, 1, 10, 0, 0, 0, model.CST), "days": 30} // ends on 1 May
	var before, after model.CalendarDeadline
	d.into("operator-it", "Calendar:Deadline", period, &before)
	mayDay := fmt.Sprintf("%d-05-01", calYear)
	yearReq := map[string]any{"id": "it-cal-" + s, "year": map[string]any{"year": calYear,
		"source":   map[string]any{"title": "集成测试用通知（非官方）", "number": "测试〔" + s + "〕", "issued": fmt.Sprintf("%d-11-20", calYear-1), "url": "https://example.invalid/it"},
		"holidays": []map[string]any{{"name": "劳动节", "name_en": "Labour Day", "from": mayDay, "to": mayDay, "make_up_working_days": []string{}}}}}
	d.call("operator-it", "Calendar:FileYear", yearReq, model.RuleCalendarBureauOnly.Code)
	d.ok("bureau", "Calendar:FileYear", yearReq)
	d.into("operator-it", "Calendar:Deadline", period, &after)
	if before.Due.In(model.CST).Format("2006-01-02") != mayDay || before.Covered || !after.Covered || !after.Due.After(before.Due) || after.Version <= before.Version {
		t.Fatalf("30 days to Labour Day %d: before filing %+v, after %+v; want it provisional, then moved past the holiday", calYear, before, after)
	}

	// --- the end of the authorization
	d.ok("bureau", "Grant:Revoke", map[string]any{"id": "it-grev-" + s, "grant": grant, "reason": "测试结束"})
	d.ok("operator-it", "Authorization:ExitNotice", map[string]any{"id": "it-exit-" + s, "authorization": auth, "effectiveOn": time.Now().AddDate(0, 4, 0).Format("2006-01-02"), "planDigest": sm3("exit plan")})
	d.call("bureau", "Authorization:DecideExit", map[string]any{"id": "it-dexit-" + s, "authorization": auth, "decision": "approved"}, model.RuleAuthState.Code)
	d.ok("bureau", "Product:Revoke", map[string]any{"id": "it-prev-" + s, "product": prod, "reason": "测试结束"})
	var ended model.Authorization
	d.into("bureau", "Authorization:Terminate", map[string]any{"id": "it-term-" + s, "authorization": auth, "ground": "law_change", "detail": "测试结束"}, &ended)
	if ended.Status != model.AuthTerminated {
		t.Fatalf("terminated: %s", ended.Status)
	}
	d.ok("operator-it", "Authorization:ConfirmDeletion", map[string]any{"id": "it-del-" + s, "authorization": auth, "certificateDigest": sm3("deletion")})
	d.call("operator-it", "Application:Submit", map[string]any{"id": app + "-late", "authorization": auth, "scenario": "集成测试场景", "serviceObjects": "测试",
		"serviceScope": "龙华区", "expectedOutcome": "测试", "method": "statistics", "usageFrom": today, "usageTo": today,
		"dataList": []map[string]any{{"resource": res, "items": []string{"名称"}, "necessity": "必要"}}}, model.RuleAuthActive.Code)

	d.checkReadsWroteNothing(ctx)
	var missing []string
	for _, f := range model.Functions() {
		if !d.driven[f.Name] {
			missing = append(missing, f.Name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("CLI verbs not driven: %v", missing)
	}
	t.Logf("drove all %d chaincode functions through pdl (%d calls)", len(model.Functions()), d.n)
}

func demoUSCC(body string) string {
	c, err := model.USCCCheckChar(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

func writeJSON(t *testing.T, dir, name string, v any) string {
	raw, _ := json.Marshal(v)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// libAuthorize creates and signs an authorization through the library, dated ten and
// three days ago, so the five-day publicity period is over.
func libAuthorize(ctx context.Context, t *testing.T, pd, auth, res string, opKey *gm.PrivateKey) {
	t.Helper()
	conn := func(profile string) *client.Client {
		p, err := client.LoadProfile(filepath.Join(pd, profile+".json"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := client.Connect(ctx, p, client.WithSession(nettest.Session))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	bureau, op := conn("bureau"), conn("operator-it")
	bKey, err := client.LoadSM2Key(client.SM2KeyPath(filepath.Join(pd, "bureau.json")))
	if err != nil {
		t.Fatal(err)
	}
	// The publicity period takes days: the authorization is created and signed in the
	// past through a replay session, which the ledger records (no hidden backdating).
	now := time.Now()
	sess, err := replay.Open(ctx, bureau, "it-replay-"+auth, "集成测试：公示期已过的授权（integration test: an authorization past its publicity）")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := sess.Close(ctx); err != nil {
			t.Error(err)
		}
	}()
	if _, err := bureau.Submit(sess.At(ctx, now.Add(-10*24*time.Hour)), "Authorization:Create", map[string]any{"id": auth, "operator": "it-op", "mode": "whole",
		"resourceIds": []string{res}, "termMonths": 12, "agreementDigest": sm3("agreement " + auth)}); err != nil {
		t.Fatal(err)
	}
	f, _ := model.Function("Authorization:Sign")
	for _, who := range []struct {
		c     *client.Client
		id    string
		key   *gm.PrivateKey
		party string
	}{{op, "op", opKey, "it-op"}, {bureau, "bu", bKey, "bureau"}} {
		req, err := client.SignRequest(f, map[string]any{"id": "it-sign-" + who.id + "-" + auth, "authorization": auth}, who.party, who.key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := who.c.Submit(sess.At(ctx, now.Add(-3*24*time.Hour)), "Authorization:Sign", req); err != nil {
			t.Fatal(err)
		}
	}
}

// submitRaw submits fn through the gateway without the client's checks (as a hand-made
// proposal would) and returns its transaction id once it committed.
func submitRaw(t *testing.T, c *client.Client, fn string, payload any) string {
	t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Network().GetContract(c.Profile.Chaincode).NewProposal(fn, gwclient.WithArguments(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := p.Endorse()
	if err != nil {
		t.Fatalf("%s endorsed as a transaction: %v", fn, err)
	}
	commit, err := tx.Submit()
	if err != nil {
		t.Fatalf("%s ordered: %v", fn, err)
	}
	if st, err := commit.Status(); err != nil || !st.Successful {
		t.Fatalf("%s committed: %+v %v", fn, st, err)
	}
	return p.TransactionID()
}
