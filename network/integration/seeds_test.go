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
	req := model.CreateAuthorizationRequest{Request: model.Request{ID: nettest.ID("auth")},
		Operator: j.ops[i], Mode: model.ModeWhole, ResourceIDs: []string{j.resource}, TermMonths: termMonths,
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
