package query

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// TestCompliance_EachCategoryFound: one record for each category of finding, and one
// beside it that must not be reported (met deadline, trade before the termination,
// superseded filing, recently anchored stream).
func TestCompliance_EachCategoryFound(t *testing.T) {
	l := newLedger(t)
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	cap200 := int64(200)
	met := day(4, 1)
	withCreated := func(m model.Meta, at time.Time) model.Meta { m.CreatedAt = at; return m }
	l.put(
		&model.Authorization{Meta: meta(model.KindAuthorization, "auth-exp", true), Operator: "op", Status: model.AuthActive, TermEnd: "2026-05-01"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "auth-term", true), Operator: "op", Termination: &model.Termination{At: day(3, 1)}},
		&model.Product{Meta: meta(model.KindProduct, "pX", true), Operator: "op", Authorizations: []string{"auth-term"}},
		&model.Trade{Meta: withCreated(meta(model.KindTrade, "tr-late", false), day(4, 1)), Product: "pX", Operator: "op"},
		&model.Trade{Meta: withCreated(meta(model.KindTrade, "tr-early", false), day(2, 1)), Product: "pX", Operator: "op"},
		&model.PriceFiling{Meta: meta(model.KindPriceFiling, "f-high", true), Product: "pX", Operator: "op", PriceFen: 300, CapFen: &cap200},
		&model.PriceFiling{Meta: meta(model.KindPriceFiling, "f-old", true), Product: "pX", Operator: "op", PriceFen: 300, CapFen: &cap200, SupersededBy: "f-high"},
		&model.Revenue{Meta: meta(model.KindRevenue, "rv-2025", false), Year: 2025, ObligationAction: model.AdjustPrices,
			Obligation: &model.Deadline{What: "adjust prices within the cap (调整具体收费标准): revenue deviates from the allowed revenue within 1000 bp", Party: "op", Due: day(5, 1), Rule: "pricing.adjust"}},
		&model.Revenue{Meta: meta(model.KindRevenue, "rv-2024", false), Year: 2024, ObligationAction: model.AdjustPrices,
			Obligation: &model.Deadline{What: "price adjustment", Party: "op", Due: day(3, 1), Rule: "pricing.adjust", Met: &met}},
		&model.LogStream{Meta: withCreated(meta(model.KindLogStream, "ls-quiet", false), day(5, 1)), Owner: "op"},
		&model.LogStream{Meta: withCreated(meta(model.KindLogStream, "ls-busy", false), day(1, 1)), Owner: "op", Anchors: 3, WindowEnd: day(5, 30)},
		&model.Case{Meta: meta(model.KindCase, "c1", false), CaseKind: model.CaseComplaint, Title: "数据被超范围使用", Addressee: "bureau", Status: model.CaseOpen},
	)
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	r, err := l.index().Compliance(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Category+" "+f.Kind+"/"+f.ID)
	}
	want := []string{
		"expired_not_recorded authorization/auth-exp",
		"log_gap logstream/ls-quiet",
		"overdue revenue/rv-2025",
		"price_above_cap pricefiling/f-high",
		"revenue_deviation revenue/rv-2025",
		"terminated_but_used trade/tr-late",
		"unanswered_case case/c1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range r.Findings {
		if !slices.Contains(model.FindingCategory("").Values(), f.Category) {
			t.Errorf("category %q is no model.FindingCategory: the console and pdl have no label for it", f.Category)
		}
	}
	if !r.At.Equal(now) || r.At.Location() != time.UTC || fmt.Sprint(r.Counts) != "map[expired_not_recorded:1 log_gap:1 overdue:1 price_above_cap:1 revenue_deviation:1 terminated_but_used:1 unanswered_case:1]" {
		t.Fatalf("at %v counts %v", r.At, r.Counts)
	}
	overdue := r.Findings[2]
	if overdue.Detail != "adjust prices within the cap (调整具体收费标准): revenue deviates from the allowed revenue within 1000 bp overdue (obligation)" || overdue.Party != "op" || overdue.Rule != "pricing.adjust" || !overdue.Due.Equal(day(5, 1)) {
		t.Fatalf("overdue finding: %+v", overdue)
	}
	if f := r.Findings[3]; f.Party != "op" || !strings.Contains(f.Detail, "filed at 300 fen, cap 200 fen") {
		t.Fatalf("price finding: %+v", f)
	}
	english := []string{}
	for _, f := range r.Findings {
		english = append(english, f.Detail)
	}
	r.Localize(model.EN)
	for i, f := range r.Findings {
		if f.Detail != english[i] {
			t.Fatalf("English localized %q to %q", english[i], f.Detail)
		}
	}
	// in Chinese every category reads Chinese, with Beijing times and amounts in yuan
	r.Localize(model.ZH)
	zh := map[string]string{}
	for _, f := range r.Findings {
		if !regexp.MustCompile(`\p{Han}`).MatchString(f.Detail) {
			t.Errorf("%s %s has no Chinese detail: %q", f.Category, f.ID, f.Detail)
		}
		if _, listed := zh[f.Category]; listed {
			t.Errorf("two findings of %s in the fixture", f.Category)
		}
		zh[f.Category] = f.Detail
	}
	for cat, want := range map[string]string{
		"price_above_cap":      "产品 pX 备案价格 3.00 元，超过上限 2.00 元",
		"overdue":              "调整具体收费标准逾期",
		"expired_not_recorded": "授权期限已于 2026-05-01 届满；下一笔涉及该授权的交易将记录期满",
		"revenue_deviation":    "2025 年度收益与允许收益存在偏差：待" + model.EnumLabel(model.AdjustPrices, string(model.AdjustPrices), model.ZH),
		"log_gap":              "自 2026-05-01 08:00 起没有锚定的日志窗口（累计锚定 0 次）",
		"terminated_but_used":  "产品 pX 的交易备案发生于 2026-04-01 08:00，晚于授权 auth-term 的终止时间 2026-03-01 08:00",
		"unanswered_case":      "投诉：数据被超范围使用",
	} {
		if zh[cat] != want {
			t.Errorf("%s in Chinese: %q, want %q", cat, zh[cat], want)
		}
		delete(zh, cat)
	}
	if len(zh) != 0 {
		t.Errorf("categories whose Chinese this test does not check: %v", zh)
	}
}

// TestCompliance_NoEmergencyPlanWhereProfileRequiresOne: where the profile in force
// requires an emergency plan (《龙华区公共数据资源授权运营实施方案（试行）（征求意见稿）》
// 十、(一)2: 针对数据安全事件，应制定应急预案), an authorization in force without one is a
// finding naming its operator and the article, and so is a suspended one (suspension for
// missing safeguards must not hide it); one with a plan, one not yet signed, one
// terminated and one past its term are not. Under a profile that requires none
// (Qinhuangdao), under an amendment that drops the requirement, and before any profile
// is indexed nothing is reported.
func TestCompliance_NoEmergencyPlanWhereProfileRequiresOne(t *testing.T) {
	auths := []model.Record{
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-noplan", true), Operator: "op", Status: model.AuthActive, TermStart: "2026-05-01", TermEnd: "2028-04-30"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-suspended", true), Operator: "op2", Status: model.AuthSuspended, TermStart: "2026-05-02", TermEnd: "2028-04-30"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-plan", true), Operator: "op", Status: model.AuthActive, TermStart: "2026-05-01", TermEnd: "2028-04-30", EmergencyPlan: "plan-1"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-signing", true), Operator: "op", Status: model.AuthPublicized},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-ended", true), Operator: "op", Status: model.AuthTerminated, TermStart: "2026-01-01", TermEnd: "2027-12-31"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "a-past", true), Operator: "op", Status: model.AuthActive, TermStart: "2024-05-01", TermEnd: "2026-04-30"},
	}
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	profile := func(preset string, version int, required bool) *model.ProfileRecord {
		p, err := policy.Preset(preset)
		if err != nil {
			t.Fatal(err)
		}
		if p.Security.EmergencyPlanRequired != nil {
			p.Security.EmergencyPlanRequired.Value = required
		}
		raw, err := p.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		return &model.ProfileRecord{Meta: meta(model.KindProfile, fmt.Sprintf("v%d", version), true), ProfileVersion: version, Basis: preset, Profile: raw}
	}
	plans := func(lang model.Lang, profiles ...*model.ProfileRecord) []string {
		l := newLedger(t)
		for _, p := range profiles {
			l.put(p)
		}
		l.put(auths...)
		r, err := l.index().Compliance(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		r.Localize(lang)
		var got []string
		for _, f := range r.Findings {
			if f.Category == string(model.FindingNoEmergencyPlan) {
				got = append(got, f.ID+" "+f.Party+": "+f.Detail)
			}
		}
		return got
	}
	longhua := profile("longhua", 1, true)
	got := plans(model.EN, longhua)
	if len(got) != 2 || !strings.HasPrefix(got[0], "a-noplan op: in force since 2026-05-01, and the ledger holds no emergency plan of it") ||
		!strings.HasPrefix(got[1], "a-suspended op2: suspended since 2026-05-02") || !strings.Contains(got[0], "十、(一)2") {
		t.Fatalf("longhua: %q", got)
	}
	if got := plans(model.ZH, longhua); len(got) != 2 ||
		got[0] != "a-noplan op: 授权自 2026-05-01 起生效，账本上没有它的应急预案；依据《龙华区公共数据资源授权运营实施方案（试行）（征求意见稿）》十、(一)2.运营机构" ||
		!strings.HasPrefix(got[1], "a-suspended op2: 授权（已暂停）自 2026-05-02 起生效") {
		t.Fatalf("longhua in Chinese: %q", got)
	}
	if got := plans(model.EN, longhua, profile("longhua", 2, false)); len(got) != 0 {
		t.Fatalf("an amendment dropped the requirement: %q", got)
	}
	if got := plans(model.EN, profile("qinhuangdao", 1, true)); len(got) != 0 {
		t.Fatalf("qinhuangdao requires no plan: %q", got)
	}
	if got := plans(model.EN); len(got) != 0 {
		t.Fatalf("no profile indexed: %q", got)
	}
}

func TestCompliance_EmptyIndexReportsNothing(t *testing.T) {
	r, err := newLedger(t).index().Compliance(context.Background(), time.Now())
	if err != nil || r.Findings == nil || len(r.Findings) != 0 || len(r.Counts) != 0 {
		t.Fatalf("%+v %v", r, err)
	}
}

// TestCompliance_FindingWithoutDueHasNoDueOnTheWire: a finding with no deadline leaves
// "due" out rather than sending Go's zero time (year 1), which a reader would take for a
// date long past.
func TestCompliance_FindingWithoutDueHasNoDueOnTheWire(t *testing.T) {
	raw, err := json.Marshal(Finding{Category: "unanswered_case", Kind: "case", ID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), `"due"`) {
		t.Fatalf("a finding without a deadline: %s", raw)
	}
	raw, _ = json.Marshal(Finding{Category: "overdue", Due: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
	if !strings.Contains(string(raw), `"due":"`) {
		t.Fatalf("a finding with a deadline: %s", raw)
	}
}

// TestCompliance_OverdueCountedWithoutHolidaysIsProvisional: an overdue obligation whose
// due time was counted without holiday data for a year it spans is reported as
// provisional (it may be due later than it says); one counted on the calendar is not.
func TestCompliance_OverdueCountedWithoutHolidaysIsProvisional(t *testing.T) {
	l := newLedger(t)
	due := time.Date(2027, 1, 8, 15, 59, 59, 0, time.UTC)
	l.put(
		&model.Rectification{Meta: meta(model.KindRectification, "rect-guessed", false), Operator: "op",
			Deadline: &model.Deadline{What: "rectification", Party: "op", Due: due, Rule: "10 working days", Covered: false}},
		&model.Rectification{Meta: meta(model.KindRectification, "rect-counted", false), Operator: "op",
			Deadline: &model.Deadline{What: "rectification", Party: "op", Due: due, Rule: "10 working days", Covered: true}},
	)
	r, err := l.index().Compliance(context.Background(), due.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range r.Findings {
		if f.Category == "overdue" {
			got[f.ID] = f.Provisional
		}
	}
	if len(got) != 2 || !got["rect-guessed"] || got["rect-counted"] {
		t.Fatalf("overdue findings, provisional by id: %v", got)
	}
}
