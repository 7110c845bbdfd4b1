package contracts

import (
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

func bp(n int) *int { return &n }

// revenueReq: cost 1,000,000 fen and tax 20,000 fen; with an 800 bp profit rate the
// maximum allowed revenue is 1,000,000 + 80,000 + 20,000 = 1,100,000 fen.
func revenueReq(id string, year int, revenue int64, rate *int) *model.ReportRevenueRequest {
	return &model.ReportRevenueRequest{Request: model.Request{ID: id}, Year: year, RevenueInput: model.RevenueInput{
		RevenueFen: fen(revenue), CostFen: fen(1_000_000), TaxFen: fen(20_000), TreasuryYieldBP: bp(200),
		AllowedProfitRateBP: rate, BasisDigest: digest("财务报表 " + id)}}
}

// report files req as operator and reads the report back (a write's answer withholds
// the figures: it goes into the block).
func (h *harness) report(operator string, req *model.ReportRevenueRequest) *model.Revenue {
	h.t.Helper()
	h.ok(h.as(operator), "Revenue:Report", h.signed("Revenue:Report", operator, req))
	var r model.Revenue
	h.okInto(h.as(operator), "Revenue:Get", map[string]any{"id": req.ID}, &r)
	return &r
}

func (h *harness) revenue(id string) *model.Revenue {
	h.t.Helper()
	var r model.Revenue
	h.okInto(h.Bureau, "Revenue:Get", map[string]any{"id": id}, &r)
	return &r
}

func TestRevenue_ArithmeticInFen(t *testing.T) {
	if got := model.AllowedProfit(1_000_000, 800); got != 80_000 {
		t.Fatal(got)
	}
	// half a fen rounds up, less than half rounds down
	if got := model.AllowedProfit(12_345, 850); got != 1_049 { // 1049.325
		t.Fatal(got)
	}
	if got := model.AllowedProfit(1, 5_000); got != 1 { // 0.5
		t.Fatal(got)
	}
	if got := model.AllowedProfit(model.MaxFen, 10_000); got != model.MaxFen { // no overflow
		t.Fatal(got)
	}
	for _, c := range []struct {
		rev, allowed, want int64
	}{{1_210_000, 1_100_000, 1000}, {990_000, 1_100_000, -1000}, {3, 2, 5000}, {1, 3, -6667}, {2, 3, -3333}, {5, 4, 2500}} {
		if got, ok := model.DeviationBP(c.rev, c.allowed); !ok || got != c.want {
			t.Errorf("DeviationBP(%d, %d) = %d, want %d", c.rev, c.allowed, got, c.want)
		}
	}
	if _, ok := model.DeviationBP(5, 0); ok {
		t.Error("deviation from 0 is undefined")
	}
	// exact comparison: 10% and a fen over
	if !model.WithinDeviation(1_210_000, 1_100_000, 1000) || model.WithinDeviation(1_210_001, 1_100_000, 1000) {
		t.Error("threshold is not exact")
	}
}

func TestRevenue_ProfitRateFromProfileOrPriceAuthority(t *testing.T) {
	h := newMarket(t, "longhua") // no spread: the price authority's rate is stated
	code := model.RuleRevenueProfitRate.Code
	e := h.refused(h.as("op"), "Revenue:Report", h.signed("Revenue:Report", "op", revenueReq("rv1", 2024, 1_100_000, nil)), code)
	if e.Field != "allowedProfitRateBp" {
		t.Fatalf("field = %s", e.Field)
	}
	r := h.report("op", revenueReq("rv1", 2024, 1_100_000, bp(800)))
	if r.ProfitRateBP != 800 || r.AllowedProfitFen != 80_000 || r.MaxAllowedFen != 1_100_000 {
		t.Fatalf("figures = %+v", r.RevenueFigures)
	}
	q := newMarket(t, "qinhuangdao") // 准许利润率 = 10年期国债平均收益率 + 6个百分点
	q.refused(q.as("op"), "Revenue:Report", revenueReq("rv1", 2024, 1, bp(700)), code)
	r = q.report("op", revenueReq("rv1", 2024, 1_200_000, nil))
	if r.ProfitRateBP != 800 || r.MaxAllowedFen != 1_100_000 || r.OverageFen != 100_000 {
		t.Fatalf("figures = %+v", r.RevenueFigures)
	}
	// Qinhuangdao sets no deviation threshold: figures, but no obligation
	if r.Obligation != nil || r.DeviationBP == nil || *r.DeviationBP != 909 {
		t.Fatalf("obligation = %+v deviation = %v", r.Obligation, r.DeviationBP)
	}
	q.report("op2", revenueReq("rv2", 2024, 1_000_000, bp(800))) // the stated rate agrees with the profile
}

func TestRevenue_DeviationOpensObligation(t *testing.T) {
	h := newMarket(t, "longhua") // 偏离 10%及以下 → 运营机构调整; 超过10% → 实施机构调整上限
	// exactly 10% above: the operator adjusts its prices
	r := h.report("op", revenueReq("rv-op", 2024, 1_210_000, bp(800)))
	if r.ObligationAction != model.AdjustPrices || r.Obligation == nil || r.Obligation.Party != "op" || *r.DeviationBP != 1000 {
		t.Fatalf("report = %+v obligation = %+v", r.RevenueFigures, r.Obligation)
	}
	// due one price review interval (12 months) later
	if got := model.DateOf(r.Obligation.Due); got != "2026-09-01" || !r.Obligation.Covered {
		t.Fatalf("due %s (%+v)", got, r.Obligation)
	}
	// a fen more: the bureau adjusts the cap
	r2 := h.report("op2", revenueReq("rv-op2", 2024, 1_210_001, bp(800)))
	if r2.ObligationAction != model.AdjustCap || r2.Obligation.Party != "bureau" {
		t.Fatalf("obligation = %+v", r2.Obligation)
	}
	// below the allowed revenue within 10%: the operator adjusts too
	r3 := h.report("op", revenueReq("rv-op-23", 2023, 1_045_000, bp(800)))
	if r3.ObligationAction != model.AdjustPrices || *r3.DeviationBP != -500 {
		t.Fatalf("obligation = %+v", r3.Obligation)
	}
	// no deviation, no obligation
	if r4 := h.report("op2", revenueReq("rv-op2-23", 2023, 1_100_000, bp(800))); r4.Obligation != nil || r4.ObligationAction != "" {
		t.Fatalf("obligation = %+v", r4.Obligation)
	}
	var list []model.RevenueObligation
	h.okInto(h.Bureau, "Revenue:Obligations", "{}", &list)
	if len(list) != 3 {
		t.Fatalf("bureau sees %d obligations", len(list))
	}
	h.okInto(h.as("op"), "Revenue:Obligations", "{}", &list)
	if len(list) != 2 || list[0].Operator != "op" || list[1].Operator != "op" {
		t.Fatalf("op sees %+v", list)
	}
	h.okInto(h.as("reg"), "Revenue:Obligations", map[string]any{"party": "bureau"}, &list)
	if len(list) != 1 || list[0].Action != model.AdjustCap || list[0].Report != "rv-op2" || list[0].Overdue {
		t.Fatalf("bureau's obligations: %+v", list)
	}
	h.at("2026-09-02 09:00")
	h.okInto(h.as("reg"), "Revenue:Obligations", map[string]any{"party": "bureau"}, &list)
	if len(list) != 1 || !list[0].Overdue {
		t.Fatalf("not overdue: %+v", list)
	}
	// reports are private to the operator (and the bureau, regulators)
	h.refused(h.as("op2"), "Revenue:Get", map[string]any{"id": "rv-op"}, model.CodeAccessDenied)
}

func TestRevenue_OverageCarriedToNextYear(t *testing.T) {
	h := newMarket(t, "longhua")
	r23 := h.report("op", revenueReq("rv23", 2023, 1_210_000, bp(800)))
	if r23.OverageFen != 110_000 {
		t.Fatalf("2023 overage = %d", r23.OverageFen)
	}
	r24 := h.report("op", revenueReq("rv24", 2024, 990_000, bp(800)))
	if r24.CarriedInFen != 110_000 || r24.MaxAllowedFen != 1_100_000 || r24.AllowedFen != 990_000 || *r24.DeviationBP != 0 || r24.Obligation != nil {
		t.Fatalf("2024 = %+v", r24.RevenueFigures)
	}
	// correcting 2023 to no overage recomputes 2024: now 10% below its allowed revenue
	creq := &model.CorrectRevenueRequest{Request: model.Request{ID: "fix23"}, Report: "rv23", Reason: "审计调整收入",
		RevenueInput: revenueReq("x", 2023, 1_100_000, bp(800)).RevenueInput}
	h.ok(h.as("op"), "Revenue:Correct", h.signed("Revenue:Correct", "op", creq))
	c := h.revenue("rv23")
	if c.OverageFen != 0 || c.Obligation != nil || len(c.PastObligations) != 1 || c.PastObligations[0].Waived == "" || len(c.Corrections) != 1 || c.Corrections[0].Replaced.RevenueFen != 1_210_000 {
		t.Fatalf("corrected 2023 = %+v", c)
	}
	r24 = h.revenue("rv24")
	if r24.CarriedInFen != 0 || r24.AllowedFen != 1_100_000 || *r24.DeviationBP != -1000 || r24.ObligationAction != model.AdjustPrices || r24.Version != 2 {
		t.Fatalf("recomputed 2024 = %+v (v%d)", r24.RevenueFigures, r24.Version)
	}
	// a late report of an earlier year carries its overage forward too
	h.report("op2", revenueReq("q24", 2024, 1_100_000, bp(800)))
	h.report("op2", revenueReq("q23", 2023, 1_320_000, bp(800))) // 220,000 over
	q24 := h.revenue("q24")
	if q24.CarriedInFen != 220_000 || q24.AllowedFen != 880_000 || q24.OverageFen != 220_000 || *q24.DeviationBP != 2500 || q24.ObligationAction != model.AdjustCap {
		t.Fatalf("2024 after late 2023 = %+v", q24.RevenueFigures)
	}
	// a carried-in amount above the maximum leaves no headroom
	f := model.RevenueFigures{RevenueFen: 10, CostFen: 100, ProfitRateBP: 0, CarriedInFen: 500}
	model.ComputeRevenue(&f)
	if f.AllowedFen != 0 || f.DeviationBP != nil || f.OverageFen != 10 || model.ClassifyDeviation(&f, 1000) != model.AdjustCap {
		t.Fatalf("figures = %+v", f)
	}
}

func TestRevenue_SecondReportForYearRejected(t *testing.T) {
	h := newMarket(t, "longhua")
	h.report("op", revenueReq("rv1", 2024, 1_100_000, bp(800)))
	e := h.refused(h.as("op"), "Revenue:Report", h.signed("Revenue:Report", "op", revenueReq("rv2", 2024, 1_000_000, bp(800))), model.RuleRevenueDuplicateYear.Code)
	if e.Field != "year" {
		t.Fatalf("field = %s", e.Field)
	}
	// another operator's report of the same year is its own
	h.report("op2", revenueReq("rv3", 2024, 1_100_000, bp(800)))
	// the explicit correction is the new version of the same report
	creq := &model.CorrectRevenueRequest{Request: model.Request{ID: "c1"}, Report: "rv1", Reason: "更正",
		RevenueInput: revenueReq("x", 2024, 1_000_000, bp(800)).RevenueInput}
	h.refused(h.as("op2"), "Revenue:Correct", h.signed("Revenue:Correct", "op2", creq), model.CodeAccessDenied)
	h.ok(h.as("op"), "Revenue:Correct", h.signed("Revenue:Correct", "op", creq))
	r := h.revenue("rv1")
	if r.ID != "rv1" || r.Version != 2 || r.RevenueFen != 1_000_000 || len(r.Corrections) != 1 || r.Corrections[0].ReplacedSignature == nil ||
		r.Signature == nil || r.Signature.Value == r.Corrections[0].ReplacedSignature.Value {
		t.Fatalf("corrected = %+v", r)
	}
	// a year that has not ended cannot be reported
	h.refused(h.as("op"), "Revenue:Report", h.signed("Revenue:Report", "op", revenueReq("rv4", 2025, 1, bp(800))), model.CodeOutOfRange)
	// only operators report
	h.refused(h.as("ex"), "Revenue:Report", revenueReq("rv5", 2023, 1, bp(800)), model.CodeAccessDenied)
}

func TestRevenue_FulfilmentNeedsNewFilingOrCap(t *testing.T) {
	h := pricedMarket(t) // longhua; op's price p1 filed before the report
	code := model.RuleRevenueEvidence.Code
	var old model.PriceFiling
	var fees model.FeesDisclosure
	h.okInto(h.Bureau, "Disclosure:Fees", "{}", &fees)
	old = *fees.Prices[0].PriceFiling
	oldCap := fees.Caps[0].ID
	h.advance(time.Hour)
	h.report("op", revenueReq("rv-op", 2024, 1_150_000, bp(800)))   // within: op adjusts
	h.report("op2", revenueReq("rv-op2", 2024, 1_500_000, bp(800))) // beyond: the bureau adjusts
	fulfil := func(report, evidence string) map[string]any {
		return map[string]any{"id": h.id("f"), "report": report, "evidence": evidence}
	}
	h.refused(h.as("op"), "Revenue:Fulfil", fulfil("rv-op", old.ID), code)   // made before the obligation
	h.refused(h.Bureau, "Revenue:Fulfil", fulfil("rv-op", old.ID), code)     // not the bureau's obligation
	h.refused(h.as("op2"), "Revenue:Fulfil", fulfil("rv-op2", oldCap), code) // not op2's obligation
	h.refused(h.Bureau, "Revenue:Fulfil", fulfil("rv-op2", oldCap), code)    // cap made before
	h.refused(h.as("op"), "Revenue:Fulfil", fulfil("rv-op", "nope"), model.CodeNotFound)
	nf := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 45)
	var r model.Revenue
	h.okInto(h.as("op"), "Revenue:Fulfil", fulfil("rv-op", nf.ID), &r)
	if r.Obligation.Met == nil || r.ObligationEvidence != nf.ID || r.Obligation.Open() {
		t.Fatalf("obligation = %+v", r.Obligation)
	}
	h.refused(h.as("op"), "Revenue:Fulfil", fulfil("rv-op", nf.ID), model.CodeBadState)
	nc := h.setCap(model.ClassIndustry, model.UnitPerCall, "", 80)
	h.ok(h.Bureau, "Revenue:Fulfil", fulfil("rv-op2", nc.ID))
	var list []model.RevenueObligation
	h.okInto(h.Bureau, "Revenue:Obligations", "{}", &list)
	if len(list) != 0 {
		t.Fatalf("open: %+v", list)
	}
}
