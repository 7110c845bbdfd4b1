//go:build integration

package integration

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/replay"
	"github.com/pdledger/pdledger/network"
	"github.com/pdledger/pdledger/network/nettest"
)

// jurisdiction is one channel of the seeds network with the parties a scenario needs:
// the bureau, two operators, and a source unit whose catalogued resource can be
// authorized.
type jurisdiction struct {
	ch       string
	bureau   *client.Client
	ops      [2]string // operator participant ids
	resource string
	mode     model.AuthMode // the one the channel's profile authorizes in ("": either)
	op       *client.Client // acts for ops[0] (the "operator" profile, bound on this channel)
	staff    *client.Client // the source unit's bound staff (sourceunit-user1)
	opKey    *gm.PrivateKey // ops[0]'s SM2 key, registered with it
	bureauID string
	bKey     *gm.PrivateKey // the bureau's SM2 key (make up registered it on every channel)
}

// setUpJurisdiction registers the parties on channel ch and catalogues one resource (the
// source unit's bound staff registers it, the bureau proposes it, the unit agrees).
func setUpJurisdiction(t *testing.T, ctx context.Context, n *network.Net, ch string) *jurisdiction {
	t.Helper()
	c := n.OnChannel(ch)
	// one session for the jurisdiction's parties: each reads what the others committed
	// (another org's peer may not have the block yet right after a commit)
	session := client.NewSession()
	conn := func(profile string) *client.Client {
		cl, err := c.Connect(ctx, profile, client.WithSession(session))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cl.Close() })
		return cl
	}
	j := &jurisdiction{ch: ch, bureau: conn("bureau-admin")}
	var rec model.ProfileRecord
	if err := j.bureau.Evaluate(ctx, "Profile:Get", nil, &rec); err != nil {
		t.Fatalf("%s: profile: %v", ch, err)
	}
	var prof policy.Profile
	if err := json.Unmarshal(rec.Profile, &prof); err != nil {
		t.Fatalf("%s: profile: %v", ch, err)
	}
	if m, ok := prof.Authorization.Mode.Get(); ok {
		j.mode = model.AuthMode(m)
	}
	var err error
	if j.opKey, err = gm.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	j.ops[0] = nettest.ID("op")
	if _, err := j.bureau.Submit(ctx, "Participant:Register", map[string]any{"id": j.ops[0], "role": "operator", "name": "测试运营机构 " + ch,
		"uscc": nettest.USCC(), "mspId": "OperatorMSP", "sm2PublicKey": j.opKey.Public().EncodeHex()}); err != nil {
		t.Fatalf("%s: register the operator: %v", ch, err)
	}
	j.ops[1] = register(t, ctx, j.bureau, model.RoleOperator, "OperatorMSP").ID
	breq, err := client.BindRequest(c.Profiles()["operator"], j.ops[0], nettest.ID("bind"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.bureau.Submit(ctx, "Participant:BindIdentity", breq); err != nil {
		t.Fatalf("%s: bind the operator: %v", ch, err)
	}
	j.op = conn("operator")
	j.bureauID = n.T.Bureau.ID
	if j.bKey, err = client.LoadSM2Key(client.SM2KeyPath(filepath.Join(n.L.ProfilesDir(), "bureau-admin.json"))); err != nil {
		t.Fatal(err)
	}
	su := register(t, ctx, j.bureau, model.RoleSourceUnit, "SourceUnitMSP")
	req, err := client.BindRequest(c.Profiles()["sourceunit-user1"], su.ID, nettest.ID("bind"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.bureau.Submit(ctx, "Participant:BindIdentity", req); err != nil {
		t.Fatalf("%s: bind the source unit's staff: %v", ch, err)
	}
	staff := conn("sourceunit-user1")
	j.staff = staff
	j.resource = nettest.ID("res")
	for _, s := range []struct {
		c   *client.Client
		fn  string
		req map[string]any
	}{
		{staff, "Resource:Register", map[string]any{"id": j.resource, "name": "企业登记信息", "summary": "辖区企业登记基本信息", "dataItems": []string{"名称", "统一社会信用代码"},
			"dataType": "结构化", "openness": "conditional", "grade": 1, "domain": "市场监管", "coverage": "全辖区", "updateFrequency": "monthly"}},
		{j.bureau, "Resource:ProposeCatalogue", map[string]any{"id": nettest.ID("prop"), "resource": j.resource}},
		{staff, "Resource:AnswerCatalogue", map[string]any{"id": nettest.ID("ans"), "resource": j.resource, "agreed": true}},
	} {
		if _, err := s.c.Submit(ctx, s.fn, s.req); err != nil {
			t.Fatalf("%s: %s: %v", ch, s.fn, err)
		}
	}
	return j
}

// authorize publicizes a candidate authorization of operator i for termMonths.
func (j *jurisdiction) authorize(ctx context.Context, i, termMonths int) (*model.Authorization, error) {
	return j.authorizeFor(ctx, j.ops[i], termMonths)
}

// authorizeFor publicizes a candidate authorization of operator for termMonths.
func (j *jurisdiction) authorizeFor(ctx context.Context, operator string, termMonths int) (*model.Authorization, error) {
	req := model.CreateAuthorizationRequest{Request: model.Request{ID: nettest.ID("auth")},
		Operator: operator, Mode: model.ModeWhole, ResourceIDs: []string{j.resource}, TermMonths: termMonths,
		AgreementDigest: strings.Repeat("ab", 32)}
	if j.mode == model.ModePerScenario {
		req.Mode, req.Scenarios = j.mode, []string{"企业信用评估"}
	}
	res, err := j.bureau.Submit(ctx, "Authorization:Create", req)
	if err != nil {
		return nil, err
	}
	var a model.Authorization
	return &a, res.Decode(&a)
}

// activate makes an authorization of ops[0] for termMonths that is past its publicity
// and signed by both parties: created ten days ago and signed three days ago through a
// replay session the bureau opens and closes, which the ledger records (no hidden
// backdating; the network runs with chaincode.replay: allowed, as the demo's does).
func (j *jurisdiction) activate(t *testing.T, ctx context.Context, termMonths int) string {
	t.Helper()
	now := time.Now()
	return j.activateAt(t, ctx, termMonths, now.Add(-10*24*time.Hour), now.Add(-3*24*time.Hour))
}

// activateAt is activate with the creation and signing times given.
func (j *jurisdiction) activateAt(t *testing.T, ctx context.Context, termMonths int, created, signed time.Time) string {
	t.Helper()
	sess, err := replay.Open(ctx, j.bureau, nettest.ID("replay"), "情景测试：公示期已过的授权（a scenario's authorization past its publicity）")
	if err != nil {
		t.Fatalf("%s: open a replay session: %v", j.ch, err)
	}
	defer func() {
		if err := sess.Close(ctx); err != nil {
			t.Errorf("%s: close the replay session: %v", j.ch, err)
		}
	}()
	req := model.CreateAuthorizationRequest{Request: model.Request{ID: nettest.ID("auth")}, Operator: j.ops[0], Mode: model.ModeWhole,
		ResourceIDs: []string{j.resource}, TermMonths: termMonths, AgreementDigest: strings.Repeat("cd", 32)}
	if j.mode == model.ModePerScenario {
		req.Mode, req.Scenarios = j.mode, []string{"企业信用评估"}
	}
	if _, err := j.bureau.Submit(sess.At(ctx, created), "Authorization:Create", req); err != nil {
		t.Fatalf("%s: create: %v", j.ch, err)
	}
	f, _ := model.Function("Authorization:Sign")
	for _, who := range []struct {
		c     *client.Client
		party string
		key   *gm.PrivateKey
	}{{j.op, j.ops[0], j.opKey}, {j.bureau, j.bureauID, j.bKey}} {
		sreq, err := client.SignRequest(f, map[string]any{"id": nettest.ID("sign"), "authorization": req.ID}, who.party, who.key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := who.c.Submit(sess.At(ctx, signed), "Authorization:Sign", sreq); err != nil {
			t.Fatalf("%s: %s signs: %v", j.ch, who.party, err)
		}
	}
	return req.ID
}

// Each seed's rules decide on a live ledger: one network, one channel per jurisdiction
// (the default topology's, with its preset), the same requests on each, and each channel
// answers by its own policy text. Every refusal is checked by its rule code.
func TestSeeds_EachJurisdictionDecidesByItsOwnText(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	n, _, pdlnet := secondNetwork(t, 5000)
	first := connectTo(t, n, "bureau-admin")
	if _, err := first.Submit(ctx, "Profile:Set", map[string]any{"id": nettest.ID("profile"), "preset": "longhua", "reason": "龙华区通道"}); err != nil {
		t.Fatalf("set the first channel's profile: %v", err)
	}
	// the default topology's channels, created by pdlnet up as by make up
	chans := map[string]string{n.T.Channel: "longhua"}
	for _, c := range n.T.Channels {
		chans[c.Name] = c.Preset
	}
	t.Log(pdlnet("channel", "list"))
	for _, p := range []string{"luohu", "futian", "qinhuangdao", "guangdong"} {
		if chans[p] != p {
			t.Fatalf("the default topology has no channel with preset %s: %v", p, n.T.Channels)
		}
	}
	j := map[string]*jurisdiction{}
	for ch, preset := range chans {
		j[preset] = setUpJurisdiction(t, ctx, n, ch)
	}

	// 《罗湖区公共数据资源授权运营实施方案（试行）》六（一）and《福田區公共數據授權運營暫行管理辦法》
	// 第十三条: two years; 《秦皇岛市…实施方案》三（一）3: three years; Guangdong 第二十二条（二）
	// and Longhua: up to five.
	t.Run("TermOfThirtyMonths", func(t *testing.T) {
		for preset, allowed := range map[string]bool{"luohu": false, "futian": false, "qinhuangdao": true, "guangdong": true, "longhua": true} {
			_, err := j[preset].authorize(ctx, 0, 30)
			t.Logf("%-12s 30 months: %s", preset, outcome(err))
			switch {
			case allowed && err != nil:
				t.Errorf("%s: a 30-month term refused: %v", preset, err)
			case !allowed && model.CodeOf(err) != model.RuleAuthTermMax.Code:
				t.Errorf("%s: a 30-month term: %v, want %s", preset, err, model.RuleAuthTermMax.Code)
			case !allowed:
				if _, err := j[preset].authorize(ctx, 0, 24); err != nil {
					t.Errorf("%s: the two-year term its text sets: %v", preset, err)
				}
			}
		}
	})

	// 《秦皇岛市…实施方案》三（一）2: the whole scope goes to one operator; elsewhere a
	// second operator may hold a live authorization beside the first.
	t.Run("SecondOperatorWhileTheFirstIsLive", func(t *testing.T) {
		for preset, allowed := range map[string]bool{"qinhuangdao": false, "guangdong": true, "luohu": true} {
			_, err := j[preset].authorize(ctx, 1, 24)
			t.Logf("%-12s second operator: %s", preset, outcome(err))
			switch {
			case allowed && err != nil:
				t.Errorf("%s: a second operator refused: %v", preset, err)
			case !allowed && model.CodeOf(err) != model.RuleAuthConcurrent.Code:
				t.Errorf("%s: a second operator: %v, want %s", preset, err, model.RuleAuthConcurrent.Code)
			}
		}
	})

	// Renewal: 《罗湖区…实施方案》六（一）— none, the operator is selected anew;
	// 《秦皇岛市…实施方案》三（二）3 — only in the last three months of the term; Longhua's
	// text allows it at any time of an active authorization.
	t.Run("RenewalThreeDaysAfterSigning", func(t *testing.T) {
		for _, c := range []struct{ preset, term, want string }{
			{"luohu", "no renewal", string(model.RuleAuthRenewalWindow.Code)},
			{"qinhuangdao", "window", string(model.RuleAuthRenewalWindow.Code)},
			{"longhua", "", ""},
		} {
			jj := j[c.preset]
			months := 24
			if c.preset != "luohu" {
				months = 36
			}
			auth := jj.activate(t, ctx, months)
			_, err := jj.op.Submit(ctx, "Authorization:Renew", model.RenewAuthorizationRequest{AuthorizationRef: model.AuthorizationRef{
				Request: model.Request{ID: nettest.ID("renew")}, Authorization: auth}, Months: 12})
			t.Logf("%-12s renewal three days after signing: %s %v", c.preset, outcome(err), err)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("%s: renewal refused: %v", c.preset, err)
			case c.want != "" && string(model.CodeOf(err)) != c.want:
				t.Errorf("%s: renewal: %v, want %s", c.preset, err, c.want)
			case c.preset == "luohu" && !strings.Contains(err.Error(), "no renewal"):
				t.Errorf("luohu: refused for another reason than its text's: %v", err)
			case c.preset == "qinhuangdao" && !strings.Contains(err.Error(), "opens"):
				t.Errorf("qinhuangdao: refused for another reason than its window: %v", err)
			}
		}
	})

	// The review chain of a data-use application, bureau then source unit (every text
	// keeps the source unit's confirmation): 《福田區…暫行管理辦法》gives each 5 working days;
	// Guangdong's text gives the bureau 10 and the unit no deadline; Luohu's sets none.
	// The same application, submitted by the operator; the deadlines are the texts'.
	t.Run("ApplicationReviewDeadlines", func(t *testing.T) {
		today := time.Now().In(model.CST).Format("2006-01-02")
		for _, c := range []struct {
			preset, bureauRule, sourceRule string // "": no deadline
		}{
			{"futian", "bureau_review_working_days=5", "source_confirmation_working_days=5"},
			{"guangdong", "bureau_review_working_days=10", ""},
			{"luohu", "", ""},
		} {
			jj := j[c.preset]
			auth := jj.activate(t, ctx, 12)
			id := nettest.ID("app")
			res, err := jj.op.Submit(ctx, "Application:Submit", map[string]any{"id": id, "authorization": auth, "scenario": "企业信用评估",
				"serviceObjects": "辖区金融机构", "serviceScope": "信用评估", "expectedOutcome": "评估报告", "method": "statistics", "usageFrom": today, "usageTo": today,
				"dataList": []map[string]any{{"resource": jj.resource, "items": []string{"名称"}, "necessity": "识别企业主体"}}})
			if err != nil {
				t.Fatalf("%s: submit: %v", c.preset, err)
			}
			step := func(a *model.Application, k model.StepKind) *model.ReviewStep {
				for i := range a.Steps {
					if a.Steps[i].Kind == k {
						return &a.Steps[i]
					}
				}
				t.Fatalf("%s: no %s step in %+v", c.preset, k, a.Steps)
				return nil
			}
			deadline := func(st *model.ReviewStep, rule string) {
				t.Helper()
				switch {
				case rule == "" && st.Deadline != nil:
					t.Errorf("%s: a %s deadline its text does not set: %+v", c.preset, st.Kind, st.Deadline)
				case rule != "" && (st.Deadline == nil || !strings.Contains(st.Deadline.Rule, rule)):
					t.Errorf("%s: %s deadline %+v, want %s", c.preset, st.Kind, st.Deadline, rule)
				}
			}
			review := func(by *client.Client) *model.Application {
				t.Helper()
				res, err := by.Submit(ctx, "Application:Review", model.ReviewApplicationRequest{Request: model.Request{ID: nettest.ID("rev")}, Application: id, Decision: model.Approved})
				if err != nil {
					t.Fatalf("%s: review: %v", c.preset, err)
				}
				var a model.Application
				if err := res.Decode(&a); err != nil {
					t.Fatal(err)
				}
				return &a
			}
			var a model.Application
			if err := res.Decode(&a); err != nil {
				t.Fatal(err)
			}
			deadline(step(&a, model.StepBureau), c.bureauRule)
			a = *review(jj.bureau)
			if a.Status != model.AppPending {
				t.Fatalf("%s: approved before the source unit confirmed: %s", c.preset, a.Status)
			}
			src := step(&a, model.StepSourceUnit)
			deadline(src, c.sourceRule)
			if a = *review(jj.staff); a.Status != model.AppApproved {
				t.Errorf("%s: after the source unit confirmed: %s", c.preset, a.Status)
			}
			t.Logf("%-10s bureau %v, source unit %v: approved", c.preset, ruleOf(step(&a, model.StepBureau)), ruleOf(src))
		}
	})

	// 《广东省…管理办法》第二十三条: the signed agreement is filed within 10 working days;
	// one signed 20 days ago and not filed is overdue, and listed as such until the bureau
	// files it. Luohu's text sets no filing duty.
	t.Run("AgreementFilingWithinTenWorkingDays", func(t *testing.T) {
		now := time.Now()
		ids := map[string]string{}
		for _, preset := range []string{"guangdong", "luohu"} {
			ids[preset] = j[preset].activateAt(t, ctx, 12, now.Add(-30*24*time.Hour), now.Add(-20*24*time.Hour))
		}
		get := func(preset string) *model.Authorization {
			var a model.Authorization
			if err := j[preset].bureau.Evaluate(ctx, "Authorization:Get", model.Ref{ID: ids[preset]}, &a); err != nil {
				t.Fatalf("%s: %v", preset, err)
			}
			return &a
		}
		overdue := func(preset string) bool {
			var page model.PageResult[model.OverdueItem]
			if err := j[preset].bureau.Evaluate(ctx, "Authorization:Overdue", model.PageRequest{}, &page); err != nil {
				t.Fatalf("%s: overdue: %v", preset, err)
			}
			for _, o := range page.Records {
				if o.ID == ids[preset] {
					return true
				}
			}
			return false
		}
		gd := get("guangdong")
		if gd.Filing == nil || gd.BureauSigning == nil || !strings.Contains(gd.Filing.Rule, "agreement_filing_working_days=10") {
			t.Fatalf("guangdong: filing deadline %+v", gd.Filing)
		}
		ten := 10
		var want model.CalendarDeadline
		if err := j["guangdong"].bureau.Evaluate(ctx, "Calendar:Deadline", model.CalendarDeadlineRequest{From: gd.BureauSigning.At, WorkingDays: &ten}, &want); err != nil {
			t.Fatal(err)
		}
		t.Logf("guangdong: signed %s, filing due %s (10 working days), overdue %v", gd.BureauSigning.At.In(model.CST).Format("2006-01-02"),
			gd.Filing.Due.In(model.CST).Format("2006-01-02"), gd.Filing.Overdue(now))
		if !gd.Filing.Due.Equal(want.Due) || !gd.Filing.Overdue(now) || !overdue("guangdong") {
			t.Fatalf("guangdong: due %s (calendar says %s), overdue %v / listed %v", gd.Filing.Due, want.Due, gd.Filing.Overdue(now), overdue("guangdong"))
		}
		if lh := get("luohu"); lh.Filing != nil || overdue("luohu") {
			t.Fatalf("luohu: a filing duty its text does not set: %+v", lh.Filing)
		}
		if _, err := j["guangdong"].bureau.Submit(ctx, "Authorization:File", model.FileAuthorizationRequest{AuthorizationRef: model.AuthorizationRef{
			Request: model.Request{ID: nettest.ID("file")}, Authorization: ids["guangdong"]}, FilingRef: "粤数备〔2026〕1号"}); err != nil {
			t.Fatal(err)
		}
		if gd := get("guangdong"); gd.Filing.Met == nil || overdue("guangdong") {
			t.Fatalf("guangdong after filing: %+v, still listed %v", gd.Filing, overdue("guangdong"))
		}
	})

	// 《广东省公共数据资源授权运营管理办法（征求意见稿）》第二十条（四）: the candidate is
	// publicized for at least five days before the agreement is signed.
	t.Run("SigningBeforeTheFiveDayPublicity", func(t *testing.T) {
		a, err := j["guangdong"].authorize(ctx, 1, 12)
		if err != nil {
			t.Fatal(err)
		}
		day := time.Now().In(model.CST)
		day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, model.CST)
		if want := day.AddDate(0, 0, 6); !a.PublicityEnds.Equal(want) {
			t.Errorf("guangdong publicity ends %s, want %s (five full days after today)", a.PublicityEnds.In(model.CST), want)
		}
		_, err = j["guangdong"].bureau.Submit(ctx, "Authorization:Sign", map[string]any{"id": nettest.ID("sign"), "authorization": a.ID})
		if model.CodeOf(err) != model.RuleAuthPublicity.Code {
			t.Errorf("signing on the day of publication: %v, want %s", err, model.RuleAuthPublicity.Code)
		}
		// Luohu's text sets no candidate publicity: its candidate may be signed at once
		// (the refusal, if any, is not the publicity's).
		b, err := j["luohu"].authorize(ctx, 1, 12)
		if err != nil {
			t.Fatal(err)
		}
		if !b.PublicityEnds.Equal(b.PublicityStart) {
			t.Errorf("luohu publicity %s..%s, want none", b.PublicityStart, b.PublicityEnds)
		}
		_, err = j["luohu"].bureau.Submit(ctx, "Authorization:Sign", map[string]any{"id": nettest.ID("sign"), "authorization": b.ID})
		if model.CodeOf(err) == model.RuleAuthPublicity.Code {
			t.Errorf("luohu: %v", err)
		}
	})

	longhuaRules(t, ctx, j)
}

// signed is req with the SM2 signature of j's first operator.
func (j *jurisdiction) signed(t *testing.T, fn string, req map[string]any) model.Requester {
	t.Helper()
	f, _ := model.Function(fn)
	out, err := client.SignRequest(f, req, j.ops[0], j.opKey)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reportRevenue files j's first operator's revenue of year: cost 1,000,000 fen, tax
// 20,000, an 800 bp profit rate (200 bp treasury yield + Qinhuangdao's 600 bp spread, or
// the price authority's), so the maximum allowed revenue is 1,100,000 fen; it returns the
// report as recorded.
func (j *jurisdiction) reportRevenue(t *testing.T, ctx context.Context, year int, revenueFen int64) *model.Revenue {
	t.Helper()
	id := nettest.ID("rev")
	req := map[string]any{"id": id, "year": year, "revenueFen": revenueFen, "costFen": 1_000_000, "taxFen": 20_000,
		"treasuryYieldBp": 200, "allowedProfitRateBp": 800, "basisDigest": strings.Repeat("ef", 32)}
	if _, err := j.op.Submit(ctx, "Revenue:Report", j.signed(t, "Revenue:Report", req)); err != nil {
		t.Fatalf("%s: revenue %d: %v", j.ch, year, err)
	}
	var r model.Revenue
	if err := j.op.Evaluate(ctx, "Revenue:Get", model.Ref{ID: id}, &r); err != nil {
		t.Fatalf("%s: %v", j.ch, err)
	}
	return &r
}

// registeredProduct walks a product of j's first operator from its own active
// authorization to registration: a data-use application approved by the bureau and then
// the source unit (its grant), the product submitted under that grant, reviewed with the
// six checks passed, and registered (signed).
func (j *jurisdiction) registeredProduct(t *testing.T, ctx context.Context) string {
	t.Helper()
	auth := j.activate(t, ctx, 24)
	app, prod := nettest.ID("app"), nettest.ID("prd")
	pass := map[string]any{"passed": true, "note": "通过"}
	day := func(d int) string { return model.DateOf(time.Now().AddDate(0, 0, d)) }
	for _, s := range []struct {
		c      *client.Client
		fn     string
		req    map[string]any
		signed bool
	}{
		{j.op, "Application:Submit", map[string]any{"id": app, "authorization": auth, "scenario": "企业信用评估", "serviceObjects": "金融机构",
			"serviceScope": "全辖区", "expectedOutcome": "企业授信评估", "method": "privacy_computing", "usageFrom": day(0), "usageTo": day(300),
			"dataList": []map[string]any{{"resource": j.resource, "items": []string{"名称"}, "necessity": "场景所需的最少数据项"}}}, false},
		{j.bureau, "Application:Review", map[string]any{"id": nettest.ID("rv"), "application": app, "decision": "approved"}, false},
		{j.staff, "Application:Review", map[string]any{"id": nettest.ID("rv"), "application": app, "decision": "approved"}, false},
		{j.op, "Product:Submit", map[string]any{"id": prod, "name": "企业信用评估模型", "form": "model", "class": "industry",
			"scenarios": []string{"企业信用评估"}, "grantIds": []string{model.GrantID(app)}, "resourceIds": []string{j.resource}}, false},
		{j.bureau, "Product:Review", map[string]any{"id": nettest.ID("rv"), "product": prod, "decision": "approved",
			"checks": map[string]any{"purposeScopeMatch": pass, "sourcesStatedLawful": pass, "noRawSensitiveExposure": pass, "noLeakRisk": pass,
				"crossBorder": map[string]any{"involved": false, "passed": true}, "otherRisks": pass}}, false},
		{j.op, "Product:Register", map[string]any{"id": nettest.ID("reg"), "product": prod}, true},
	} {
		var req any = s.req
		if s.signed {
			req = j.signed(t, s.fn, s.req)
		}
		if _, err := s.c.Submit(ctx, s.fn, req); err != nil {
			t.Fatalf("%s: %s: %v", j.ch, s.fn, err)
		}
	}
	return prod
}

// filePrice files j's first operator's price per call for product (signed).
func (j *jurisdiction) filePrice(t *testing.T, ctx context.Context, product string, fen int64) error {
	t.Helper()
	_, err := j.op.Submit(ctx, "Price:File", j.signed(t, "Price:File", map[string]any{"id": nettest.ID("price"), "product": product,
		"unit": "per_call", "unitLabel": "次", "priceFen": fen, "scenario": "企业信用评估", "scope": "辖区内持牌金融机构",
		"method": "隐私计算平台联合建模, 仅返回评分", "basisDigest": strings.Repeat("03", 32)}))
	return err
}

// longhuaRules are the scenarios only Longhua's text (and, for the exit notice,
// Qinhuangdao's) decides, and Luohu's one emergency plan per authorization.
func longhuaRules(t *testing.T, ctx context.Context, j map[string]*jurisdiction) {
	presets := []string{"longhua", "luohu", "futian", "qinhuangdao", "guangdong"}

	// 《龙华区…实施方案》退出机制 1.（1）主动退出（提前3个月提交退出方案）and 《秦皇岛市…实施方案》
	// 三（二）3（应至少提前3个月）: an exit takes effect three months after its notice at the
	// earliest; the other texts set no notice period.
	t.Run("ExitNoticeOfThreeMonths", func(t *testing.T) {
		inAMonth := model.DateOf(time.Now().AddDate(0, 1, 0))
		for _, p := range presets {
			auth := j[p].activate(t, ctx, 24)
			_, err := j[p].op.Submit(ctx, "Authorization:ExitNotice", map[string]any{"id": nettest.ID("exit"), "authorization": auth,
				"effectiveOn": inAMonth, "planDigest": strings.Repeat("01", 32)})
			want := "allowed"
			if p == "longhua" || p == "qinhuangdao" {
				want = "refused " + string(model.RuleAuthExitNotice.Code)
			}
			if got := outcome(err); got != want {
				t.Errorf("%s: exit effective %s: %s, want %s", p, inAMonth, got, want)
			}
			if p == "longhua" {
				later := model.DateOf(time.Now().AddDate(0, 3, 2))
				if _, err := j[p].op.Submit(ctx, "Authorization:ExitNotice", map[string]any{"id": nettest.ID("exit"), "authorization": auth,
					"effectiveOn": later, "planDigest": strings.Repeat("01", 32)}); err != nil {
					t.Errorf("longhua: exit effective %s: %v", later, err)
				}
			}
		}
	})

	// 《龙华区…实施方案》退出机制 2.退出执行规范（设立黑名单制度…5年市场禁入）: only Longhua's
	// text has a blacklist; a blacklisted operator is banned five years from the day.
	t.Run("BlacklistForFiveYears", func(t *testing.T) {
		for _, p := range presets {
			banned := register(t, ctx, j[p].bureau, model.RoleOperator, "OperatorMSP")
			res, err := j[p].bureau.Submit(ctx, "Supervision:Blacklist", map[string]any{"id": nettest.ID("ban"), "participant": banned.ID,
				"reason": "严重违反授权运营协议"})
			if p != "longhua" {
				if model.CodeOf(err) != model.RuleBlacklistNeedsProfile.Code {
					t.Errorf("%s: blacklist: %v, want %s", p, err, model.RuleBlacklistNeedsProfile.Code)
				}
				continue
			}
			if err != nil {
				t.Fatalf("longhua: blacklist: %v", err)
			}
			var who model.Participant
			if err := res.Decode(&who); err != nil {
				t.Fatal(err)
			}
			if want := model.DateOf(time.Now().AddDate(5, 0, 0)); who.Status != model.StatusBlacklisted || who.BlacklistedUntil != want {
				t.Errorf("longhua: %s blacklisted %s until %s, want until %s", banned.ID, who.Status, who.BlacklistedUntil, want)
			}
			_, err = j[p].authorizeFor(ctx, banned.ID, 24)
			if model.CodeOf(err) != model.RuleBlacklistedNotAuthorized.Code {
				t.Errorf("longhua: an authorization for the blacklisted operator: %v, want %s", err, model.RuleBlacklistedNotAuthorized.Code)
			}
		}
	})

	// 《龙华区…实施方案》收益分配机制（偏离最高准许收入10%及以下的，由实施机构指导运营机构调整
	// 具体收费标准；超过10%的，由实施机构调整上限收费标准）: only Longhua's text sets the 10%
	// threshold. The same reports elsewhere are recorded with their figures and oblige nobody.
	t.Run("RevenueDeviationOfTenPercent", func(t *testing.T) {
		for _, p := range presets {
			r := j[p].reportRevenue(t, ctx, 2024, 1_210_000) // exactly 10% above 1,100,000
			if r.MaxAllowedFen != 1_100_000 || r.DeviationBP == nil || *r.DeviationBP != 1000 {
				t.Errorf("%s: 2024 figures %+v", p, r.RevenueFigures)
			}
			if p != "longhua" {
				if r.Obligation != nil {
					t.Errorf("%s: an obligation %+v where the text sets no threshold", p, r.Obligation)
				}
				continue
			}
			if r.ObligationAction != model.AdjustPrices || r.Obligation == nil || r.Obligation.Party != j[p].ops[0] {
				t.Errorf("longhua: 10%% above: %s for %+v, want the operator to adjust its prices", r.ObligationAction, r.Obligation)
			}
			r = j[p].reportRevenue(t, ctx, 2025, 1_400_000)
			if r.ObligationAction != model.AdjustCap || r.Obligation == nil || r.Obligation.Party != j[p].bureauID || r.DeviationBP == nil || *r.DeviationBP <= 1000 {
				t.Errorf("longhua: %v bp above: %s for %+v, want the bureau to adjust the cap", r.DeviationBP, r.ObligationAction, r.Obligation)
			}
		}
	})

	// 《龙华区…实施方案》收益分配机制（不高于上限收费标准）: on Longhua's ledger a price is filed
	// only under the bureau's cap for its class and charging unit, and not above it;
	// Luohu's text sets no cap, and the same filing stands.
	t.Run("PriceWithinTheCap", func(t *testing.T) {
		for _, p := range []string{"longhua", "luohu"} {
			prod := j[p].registeredProduct(t, ctx)
			err := j[p].filePrice(t, ctx, prod, 600)
			if p == "luohu" {
				if err != nil {
					t.Errorf("luohu: a price without any cap: %v", err)
				}
				continue
			}
			if model.CodeOf(err) != model.RulePriceNoCap.Code {
				t.Errorf("longhua: a price before any cap: %v, want %s", err, model.RulePriceNoCap.Code)
			}
			if _, err := j[p].bureau.Submit(ctx, "Price:SetCap", map[string]any{"id": nettest.ID("cap"), "class": "industry", "unit": "per_call",
				"capFen": 500, "unitLabel": "次", "basisDigest": strings.Repeat("04", 32), "reason": "按次收费的上限收费标准"}); err != nil {
				t.Fatalf("longhua: cap: %v", err)
			}
			if err := j[p].filePrice(t, ctx, prod, 600); model.CodeOf(err) != model.RulePriceAboveCap.Code {
				t.Errorf("longhua: 6.00 元 above a 5.00 元 cap: %v, want %s", err, model.RulePriceAboveCap.Code)
			}
			if err := j[p].filePrice(t, ctx, prod, 500); err != nil {
				t.Errorf("longhua: at the cap: %v", err)
			}
		}
	})

	// 《罗湖区公共数据资源授权运营实施方案（试行）》九（二）一授权一预案: on Luohu's ledger an
	// authorization has one plan of its own; on Longhua's an operator's plan may cover
	// several of its authorizations and a new plan replaces the old.
	t.Run("OneEmergencyPlanPerAuthorization", func(t *testing.T) {
		for _, p := range []string{"luohu", "longhua"} {
			first, second := j[p].activate(t, ctx, 24), j[p].activate(t, ctx, 24)
			plan := func(id, auth string) error {
				_, err := j[p].op.Submit(ctx, "Authorization:FileEmergencyPlan", map[string]any{"id": nettest.ID("plan"), "plan": id,
					"authorization": auth, "planDigest": strings.Repeat("02", 32)})
				return err
			}
			shared, other := nettest.ID("plan"), nettest.ID("plan")
			if err := plan(shared, first); err != nil {
				t.Fatalf("%s: the first plan: %v", p, err)
			}
			want := "allowed"
			if p == "luohu" {
				want = "refused " + string(model.RuleAuthEmergencyPlan.Code)
			}
			if got := outcome(plan(shared, second)); got != want {
				t.Errorf("%s: the first authorization's plan for the second: %s, want %s", p, got, want)
			}
			if got := outcome(plan(other, first)); got != want {
				t.Errorf("%s: a second plan for the first authorization: %s, want %s", p, got, want)
			}
		}
	})
}

func outcome(err error) string {
	if err == nil {
		return "allowed"
	}
	return "refused " + string(model.CodeOf(err))
}

func ruleOf(st *model.ReviewStep) string {
	if st.Deadline == nil {
		return "no deadline"
	}
	return st.Deadline.Rule
}
