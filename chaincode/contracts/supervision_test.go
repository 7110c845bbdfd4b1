package contracts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// dimensionScores scores every dimension of a preset's profile.
func dimensionScores(t *testing.T, preset string) []map[string]any {
	t.Helper()
	p, err := policy.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	dims, _ := p.Evaluation.Dimensions.Get()
	out := []map[string]any{}
	for _, d := range dims {
		out = append(out, map[string]any{"dimension": d, "score": 80})
	}
	return out
}

// evalReq is an evaluation request scoring the preset's dimensions.
func evalReq(t *testing.T, preset, id, auth, period string, grade model.Grade) map[string]any {
	return map[string]any{"id": id, "authorizationId": auth, "period": period, "grade": grade,
		"dimensions": dimensionScores(t, preset), "reportDigest": digest("evaluation " + id)}
}

// orderRect orders a rectification of auth due in n working days.
func orderRect(h *harness, id, auth string, n int) *model.Rectification {
	h.t.Helper()
	var r model.Rectification
	h.okInto(h.Bureau, "Supervision:OrderRectification", map[string]any{"id": id, "authorizationId": auth,
		"grounds": "违反授权运营协议", "requirements": "补齐访问控制与日志审计", "workingDays": n}, &r)
	return &r
}

var publicN int

// publicIdentity is a fresh identity bound to no participant: a member of the public.
func publicIdentity() *stubtest.Identity {
	publicN++
	return stubtest.NewIdentity("OperatorMSP", fmt.Sprintf("citizen-%d", publicN), "client")
}

func TestSupervision_InspectionByBureauOrRegulator(t *testing.T) {
	h := newSupervision(t, "futian")
	h.party("reg2", model.RoleRegulator, "区公安分局")
	var in model.Inspection
	h.okInto(h.as("reg"), "Supervision:Inspect", map[string]any{"id": "insp1", "subject": "op", "authorizationId": "auth1",
		"type": "routine", "scope": "平台管理制度落实、工作人员管理", "period": "2025-Q3",
		"findings": []map[string]any{{"severity": "major", "description": "未落实最小授权"}, {"severity": "minor", "description": "台账缺失"}}}, &in)
	if in.Inspector != "reg" || in.InspectorRole != model.RoleRegulator || len(in.Findings) != 2 || in.Findings[1].No != 2 || in.Public {
		t.Fatalf("inspection = %+v", in)
	}
	h.refused(h.as("op"), "Supervision:Inspect", map[string]any{"id": "insp2", "subject": "op2", "type": "special", "scope": "x"}, model.RuleInspectorRole.Code)
	h.refused(h.as("su1"), "Supervision:Inspect", map[string]any{"id": "insp2", "subject": "op", "type": "special", "scope": "x"}, model.RuleInspectorRole.Code)
	h.refused(h.as("reg"), "Supervision:Inspect", map[string]any{"id": "insp2", "subject": "op", "authorizationId": "auth2", "type": "special", "scope": "x"}, model.CodeBadFormat)
	h.ok(h.Bureau, "Supervision:AddFinding", map[string]any{"id": "f3", "inspection": "insp1", "severity": "critical", "description": "重大安全隐患"})
	h.refused(h.as("reg2"), "Supervision:AddFinding", map[string]any{"id": "f4", "inspection": "insp1", "severity": "minor", "description": "x"}, model.RuleInspectorRole.Code)
	h.ok(h.as("reg"), "Supervision:AddFinding", map[string]any{"id": "f4", "inspection": "insp1", "severity": "minor", "description": "补充"})
	h.okInto(h.as("op"), "Supervision:Inspection", map[string]any{"id": "insp1"}, &in)
	if len(in.Findings) != 4 || in.Findings[2].By != "bureau" || in.Findings[3].No != 4 {
		t.Fatalf("findings = %+v", in.Findings)
	}
	h.refused(h.as("op2"), "Supervision:Inspection", map[string]any{"id": "insp1"}, model.CodeAccessDenied)
	h.refused(publicIdentity(), "Supervision:Inspection", map[string]any{"id": "insp1"}, model.CodeAccessDenied)
}

func TestSupervision_BureauOnlyActs(t *testing.T) {
	h := newSupervision(t, "longhua")
	order := map[string]any{"id": "r1", "authorizationId": "auth1", "grounds": "违规", "requirements": "整改", "workingDays": 10}
	h.refused(h.as("reg"), "Supervision:OrderRectification", order, model.RuleSupervisionBureauOnly.Code)
	h.refused(h.as("op"), "Supervision:Evaluate", evalReq(t, "longhua", "e1", "auth1", "2025", model.GradePass), model.RuleSupervisionBureauOnly.Code)
	h.refused(h.as("reg"), "Supervision:Blacklist", map[string]any{"id": "b1", "participant": "op", "reason": "违规"}, model.RuleSupervisionBureauOnly.Code)
	h.refused(h.as("reg"), "Supervision:ReviewRectification", map[string]any{"id": "v1", "rectification": "r1", "decision": "approved"}, model.RuleSupervisionBureauOnly.Code)
	h.refused(h.as("op"), "Supervision:DecideIncident", map[string]any{"id": "d1", "incident": "i1", "decision": "close", "reason": "x"}, model.RuleSupervisionBureauOnly.Code)
	h.refused(publicIdentity(), "Supervision:OrderRectification", order, model.CodeUnbound)
	r := orderRect(h, "r1", "auth1", 10)
	if r.Status != model.RectOpen || r.Operator != "op" || r.Suspends || r.OnOverdue != model.OnOverdueBureauDecides {
		t.Fatalf("longhua order = %+v", r)
	}
	// 10 working days from Monday 2025-09-01: Monday 2025-09-15, end of day
	if got := r.Deadline.Due.In(model.CST).Format("2006-01-02 15:04"); got != "2025-09-15 23:59" || !strings.Contains(r.Deadline.Rule, "10 working days") {
		t.Fatalf("deadline = %s (%s)", got, r.Deadline.Rule)
	}
	h.ok(h.Bureau, "Supervision:Evaluate", evalReq(t, "longhua", "e1", "auth1", "2025", model.GradePass))
}

func TestRectification_OverdueTerminates(t *testing.T) {
	// 《罗湖区…实施方案》十二: 限期改正期间,暂停授权运营使用权限;逾期未完成整改的…终止协议
	h := newSupervision(t, "luohu")
	r := orderRect(h, "r1", "auth1", 10)
	if !r.Suspends || r.OnOverdue != model.OnOverdueTerminate {
		t.Fatalf("luohu order = %+v", r)
	}
	a := h.storedAuth("auth1")
	if a.Status != model.AuthSuspended || a.Suspension.Rectification != "r1" || !a.Suspension.Deadline.Equal(r.Deadline.Due) {
		t.Fatalf("authorization = %s %+v", a.Status, a.Suspension)
	}
	h.at("2025-09-16 09:00")
	report := map[string]any{"id": "rep1", "rectification": "r1", "reportDigest": digest("整改报告")}
	e := h.refused(h.as("op"), "Supervision:ReportRectification", report, model.RuleRectificationOverdue.Code)
	if !strings.Contains(e.Message, "逾期未完成整改") {
		t.Fatal(e.Message)
	}
	// reads show the failure before any transaction made it effective
	var got model.Rectification
	h.okInto(h.as("op"), "Supervision:Rectification", map[string]any{"id": "r1"}, &got)
	if got.Status != model.RectFailed || !strings.Contains(got.Outcome, "Sweep") {
		t.Fatalf("effective rectification = %s %q", got.Status, got.Outcome)
	}
	// a sweep needs an active participant (any role); an identity bound to none is refused
	h.refused(publicIdentity(), "Supervision:Sweep", map[string]any{"id": "sweep0"}, model.CodeUnbound)
	var sw model.SupervisionSweep
	h.okInto(h.as("op"), "Supervision:Sweep", map[string]any{"id": "sweep1"}, &sw)
	if len(sw.Effects) != 1 || sw.Effects[0].ID != "r1" || sw.Effects[0].Action != "failed" || sw.Operators[0] != "op" {
		t.Fatalf("sweep = %+v", sw)
	}
	a = h.storedAuth("auth1")
	if a.Status != model.AuthTerminated || a.Termination.Ground != model.GroundRectificationFailed {
		t.Fatalf("authorization = %s %+v", a.Status, a.Termination)
	}
	h.get(model.KindRectification, "r1", &got)
	if got.Status != model.RectFailed || got.ClosedAt == nil {
		t.Fatalf("rectification = %+v", got)
	}
	h.okInto(h.as("op"), "Supervision:Sweep", map[string]any{"id": "sweep2"}, &sw)
	if len(sw.Effects) != 0 {
		t.Fatalf("second sweep = %+v", sw)
	}
	report["id"] = "rep2"
	h.refused(h.as("op"), "Supervision:ReportRectification", report, model.RuleRectificationOverdue.Code)

	// The other way the deadline takes effect: the next transaction that touches the
	// authorization (loadAuthorization's lazy transition); the order follows when touched.
	h2 := newSupervision(t, "futian")
	orderRect(h2, "r1", "auth1", 5)
	h2.at("2025-09-20 10:00")
	h2.ok(h2.as("reg"), "Supervision:Inspect", map[string]any{"id": "insp1", "subject": "op", "authorizationId": "auth1", "type": "special", "scope": "整改复查"})
	if a := h2.storedAuth("auth1"); a.Status != model.AuthTerminated || a.Termination.Ground != model.GroundRectificationFailed {
		t.Fatalf("futian authorization = %s", a.Status)
	}
	h2.okInto(h2.Bureau, "Supervision:Sweep", map[string]any{"id": "s1", "authorizationId": "auth1"}, &sw)
	h2.get(model.KindRectification, "r1", &got)
	if got.Status != model.RectFailed || got.Outcome != "authorization terminated: rectification_failed" {
		t.Fatalf("futian rectification = %s %q", got.Status, got.Outcome)
	}

	// 《广东省…管理办法》第三十九条(三) (有权终止): overdue is flagged for the bureau; a late report
	// is still accepted and marked late.
	g := newSupervision(t, "guangdong")
	r = orderRect(g, "r1", "auth1", 5)
	if r.Suspends || r.OnOverdue != model.OnOverdueBureauDecides || g.storedAuth("auth1").Status != model.AuthActive {
		t.Fatalf("guangdong order = %+v", r)
	}
	g.at("2025-09-20 10:00")
	var pending []model.Flag
	g.okInto(g.as("reg"), "Supervision:Flags", "{}", &pending)
	if len(pending) != 1 || pending[0].ID != "r1" || !strings.Contains(pending[0].Reason, "Sweep") {
		t.Fatalf("flags before the sweep = %+v", pending)
	}
	g.ok(g.Bureau, "Supervision:Sweep", map[string]any{"id": "s1"})
	g.get(model.KindRectification, "r1", &got)
	if got.Status != model.RectOverdue || g.storedAuth("auth1").Status != model.AuthActive {
		t.Fatalf("guangdong overdue = %s", got.Status)
	}
	var flags []model.Flag
	g.okInto(g.Bureau, "Supervision:Flags", "{}", &flags)
	if len(flags) != 1 || flags[0].ID != "r1" || flags[0].Rule != model.RuleRectificationOverdue.Code {
		t.Fatalf("flags = %+v", flags)
	}
	g.okInto(g.as("op"), "Supervision:ReportRectification", report, &got)
	if got.Status != model.RectReported || !got.Reports[0].Late {
		t.Fatalf("late report = %+v", got)
	}
	g.okInto(g.Bureau, "Supervision:ReviewRectification", map[string]any{"id": "v1", "rectification": "r1", "decision": "approved"}, &got)
	g.okInto(g.Bureau, "Supervision:Flags", "{}", &flags)
	if got.Status != model.RectAccepted || got.Outcome != "accepted after the deadline" || len(flags) != 0 {
		t.Fatalf("accepted late = %s %q, flags %v", got.Status, got.Outcome, flags)
	}
}

func TestRectification_AcceptanceNeedsReport(t *testing.T) {
	// 《福田区…暂行管理办法》第二十九条/第三十九条: suspended until the rectification is reported and accepted.
	h := newSupervision(t, "futian")
	h.ok(h.as("reg"), "Supervision:Inspect", map[string]any{"id": "insp1", "subject": "op", "type": "routine", "scope": "季度检查",
		"findings": []map[string]any{{"severity": "major", "description": "超范围使用"}}})
	var r model.Rectification
	h.okInto(h.Bureau, "Supervision:OrderRectification", map[string]any{"id": "r1", "authorizationId": "auth1", "grounds": "季度检查发现问题",
		"requirements": "停止超范围使用", "inspection": "insp1", "findings": []int{1}, "dueDate": "2025-09-30"}, &r)
	var in model.Inspection
	h.get(model.KindInspection, "insp1", &in)
	if in.Findings[0].Rectification != "r1" {
		t.Fatalf("finding = %+v", in.Findings[0])
	}
	if a := h.storedAuth("auth1"); a.Status != model.AuthSuspended {
		t.Fatalf("authorization %s", a.Status)
	}
	review := func(id, decision, reason string) map[string]any {
		return map[string]any{"id": id, "rectification": "r1", "decision": decision, "reason": reason}
	}
	e := h.refused(h.Bureau, "Supervision:ReviewRectification", review("v1", "approved", ""), model.RuleRectificationNeedsReport.Code)
	if e.Field != "rectification" {
		t.Fatalf("field %q", e.Field)
	}
	h.refused(h.as("op2"), "Supervision:ReportRectification", map[string]any{"id": "rep0", "rectification": "r1", "reportDigest": digest("x")}, model.CodeAccessDenied)
	h.at("2025-09-25 10:00")
	h.okInto(h.as("op"), "Supervision:ReportRectification", map[string]any{"id": "rep1", "rectification": "r1", "reportDigest": digest("整改报告1")}, &r)
	if r.Status != model.RectReported || r.Deadline.Met == nil {
		t.Fatalf("reported = %+v", r)
	}
	if a := h.storedAuth("auth1"); a.Status != model.AuthSuspended || !a.Suspension.Deadline.IsZero() {
		t.Fatalf("while reviewed the suspension carries no deadline: %+v", a.Suspension)
	}
	h.refused(h.as("op"), "Supervision:ReportRectification", map[string]any{"id": "rep1b", "rectification": "r1", "reportDigest": digest("x")}, model.CodeBadState)
	h.refused(h.Bureau, "Supervision:ReviewRectification", review("v1", "refused", ""), model.CodeMissingField)
	r = model.Rectification{}
	h.okInto(h.Bureau, "Supervision:ReviewRectification", review("v1", "refused", "整改不到位"), &r)
	if r.Status != model.RectOpen || r.Deadline.Met != nil || r.Reports[0].Decision != model.Refused {
		t.Fatalf("refused = %+v", r)
	}
	if a := h.storedAuth("auth1"); !a.Suspension.Deadline.Equal(r.Deadline.Due) {
		t.Fatalf("the deadline runs again: %+v", a.Suspension)
	}
	h.ok(h.as("op"), "Supervision:ReportRectification", map[string]any{"id": "rep2", "rectification": "r1", "reportDigest": digest("整改报告2")})
	// the bureau reviews after the deadline: the report was in time, nothing fails
	h.at("2025-10-09 10:00")
	h.okInto(h.Bureau, "Supervision:ReviewRectification", review("v2", "approved", ""), &r)
	a := h.storedAuth("auth1")
	if r.Status != model.RectAccepted || a.Status != model.AuthActive || a.Suspension != nil {
		t.Fatalf("accepted: %s, authorization %s %+v", r.Status, a.Status, a.Suspension)
	}
	h.refused(h.as("op"), "Supervision:ReportRectification", map[string]any{"id": "rep3", "rectification": "r1", "reportDigest": digest("x")}, model.CodeBadState)
	h.refused(h.Bureau, "Supervision:ReviewRectification", review("v3", "approved", ""), model.CodeBadState)
}

func TestRectification_SuspensionHandedOver(t *testing.T) {
	h := newSupervision(t, "luohu")
	orderRect(h, "r1", "auth1", 10)
	orderRect(h, "r2", "auth1", 20)
	if a := h.storedAuth("auth1"); a.Suspension.Rectification != "r1" {
		t.Fatalf("suspension = %+v", a.Suspension)
	}
	h.ok(h.as("op"), "Supervision:ReportRectification", map[string]any{"id": "rep1", "rectification": "r1", "reportDigest": digest("1")})
	h.ok(h.Bureau, "Supervision:ReviewRectification", map[string]any{"id": "v1", "rectification": "r1", "decision": "approved"})
	a := h.storedAuth("auth1")
	if a.Status != model.AuthSuspended || a.Suspension.Rectification != "r2" || a.Suspension.Deadline.IsZero() {
		t.Fatalf("after r1: %s %+v", a.Status, a.Suspension)
	}
	h.ok(h.as("op"), "Supervision:ReportRectification", map[string]any{"id": "rep2", "rectification": "r2", "reportDigest": digest("2")})
	h.ok(h.Bureau, "Supervision:ReviewRectification", map[string]any{"id": "v2", "rectification": "r2", "decision": "approved"})
	if a := h.storedAuth("auth1"); a.Status != model.AuthActive {
		t.Fatalf("after r2: %s", a.Status)
	}
}

func TestEvaluation_DimensionsPerProfile(t *testing.T) {
	h := newSupervision(t, "luohu") // 合规性、安全性、成效性、创新性
	req := evalReq(t, "luohu", "e1", "auth1", "2025-Q3", model.GradePass)
	all := req["dimensions"].([]map[string]any)
	req["dimensions"] = all[:3]
	e := h.refused(h.Bureau, "Supervision:Evaluate", req, model.RuleEvaluationDimensions.Code)
	if !strings.Contains(e.Message, "创新性") {
		t.Fatal(e.Message)
	}
	req["dimensions"] = append(append([]map[string]any{}, all...), map[string]any{"dimension": "盈利能力", "score": 1})
	h.refused(h.Bureau, "Supervision:Evaluate", req, model.RuleEvaluationDimensions.Code)
	req["dimensions"] = append(append([]map[string]any{}, all[:3]...), all[0])
	h.refused(h.Bureau, "Supervision:Evaluate", req, model.RuleEvaluationDimensions.Code)
	req["dimensions"] = []map[string]any{all[3], all[2], all[1], all[0]} // any order
	var ev model.Evaluation
	h.okInto(h.Bureau, "Supervision:Evaluate", req, &ev)
	if ev.PeriodStart != "2025-07-01" || ev.PeriodEnd != "2025-09-30" || ev.GradeZH != "合格" || ev.Failures != 0 || ev.Public {
		t.Fatalf("evaluation = %+v", ev)
	}
	// Guangdong names no dimensions: any, each once
	g := newSupervision(t, "guangdong")
	g.ok(g.Bureau, "Supervision:Evaluate", map[string]any{"id": "e1", "authorizationId": "auth1", "period": "2025", "grade": "pass",
		"dimensions": []map[string]any{{"dimension": "经营情况", "score": 90}}, "reportDigest": digest("r")})
}

func TestEvaluation_GradeInProfile(t *testing.T) {
	h := newSupervision(t, "longhua")
	patch := `{"evaluation":{"grades":{"value":["合格","不合格"],"source":{"doc":"bureau-notice-2025-12","article":"第一条","quote":"评估结果分为合格、不合格两类"}}}}`
	h.ok(h.Bureau, "Profile:Amend", `{"id":"amend-grades","patch":`+patch+`,"reason":"两档评估"}`)
	e := h.refused(h.Bureau, "Supervision:Evaluate", evalReq(t, "longhua", "e1", "auth1", "2025", model.GradeExcellent), model.RuleEvaluationGrade.Code)
	if e.Field != "grade" || e.Limit != "合格/不合格" {
		t.Fatalf("refusal = %+v", e)
	}
	h.ok(h.Bureau, "Supervision:Evaluate", evalReq(t, "longhua", "e1", "auth1", "2025", model.GradePass))
	h.refused(h.Bureau, "Supervision:Evaluate", map[string]any{"id": "e2", "authorizationId": "auth1", "period": "2026", "grade": "良好", "reportDigest": digest("x")}, model.CodeBadEnum)
}

func TestEvaluation_OnePerPeriodInOrder(t *testing.T) {
	h := newSupervision(t, "futian")
	h.ok(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e1", "auth1", "2025", model.GradePass))
	h.refused(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e2", "auth1", "2025", model.GradePass), model.RuleEvaluationPeriod.Code)
	h.refused(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e2", "auth1", "2025-Q4", model.GradePass), model.RuleEvaluationPeriod.Code)
	e := h.refused(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e2", "auth1", "2026", model.GradePass), model.RuleEvaluationPeriod.Code)
	if !strings.Contains(e.Message, "2026-01-01") {
		t.Fatal(e.Message)
	}
	h.refused(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e2", "auth2", "2024", model.GradePass), model.RuleEvaluationPeriod.Code) // before the term
	h.ok(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e2", "auth2", "2025", model.GradePass))                                       // another authorization
	h.at("2026-12-20 10:00")
	h.ok(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e3", "auth1", "2026", model.GradePass))
	h.refused(h.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e4", "auth1", "2026-13", model.GradePass), model.CodeBadFormat)
}

func TestEvaluation_FailuresTerminate(t *testing.T) {
	// 《龙华区…实施方案》十（二）: 不合格单位限期整改,连续三次不合格取消授权资格.
	h := newSupervision(t, "longhua")
	rect := func(id string) map[string]any {
		return map[string]any{"id": id, "requirements": "限期整改", "workingDays": 20}
	}
	eval := func(id, period string, g model.Grade, rectID string) *model.Evaluation {
		req := evalReq(t, "longhua", id, "auth1", period, g)
		if rectID != "" {
			req["rectification"] = rect(rectID)
		}
		var e model.Evaluation
		h.okInto(h.Bureau, "Supervision:Evaluate", req, &e)
		h.advance(31 * 24 * time.Hour)
		return &e
	}
	if e := eval("e1", "2025-09", model.GradeFail, "re1"); e.Failures != 1 || e.Outcome != model.EvalRectification {
		t.Fatalf("e1 = %+v", e)
	}
	if e := eval("e2", "2025-10", model.GradePass, ""); e.Failures != 0 {
		t.Fatalf("a pass resets the consecutive count: %+v", e)
	}
	eval("e3", "2025-11", model.GradeFail, "re3")
	if e := eval("e4", "2025-12", model.GradeFail, "re4"); e.Failures != 2 || h.storedAuth("auth1").Status != model.AuthActive {
		t.Fatalf("e4 = %+v", e)
	}
	e5 := eval("e5", "2026-01", model.GradeFail, "re5")
	a := h.storedAuth("auth1")
	if e5.Failures != 3 || e5.Outcome != model.EvalTerminated || e5.Rectification != "" || a.Status != model.AuthTerminated ||
		a.Termination.Ground != model.GroundFailedEvaluation || a.FailedEvaluations != 3 || !strings.Contains(e5.Rule, "failures_to_terminate=3 consecutive") {
		t.Fatalf("e5 = %+v; authorization %s %+v", e5, a.Status, a.Termination)
	}
	h.refused(h.Bureau, "Supervision:Evaluate", evalReq(t, "longhua", "e6", "auth1", "2026-02", model.GradePass), model.CodeBadState)

	// 《福田区…暂行管理办法》第二十七条: 評估不合格的,應予以清退 — one failure, mandatory.
	f := newSupervision(t, "futian")
	var e model.Evaluation
	f.okInto(f.Bureau, "Supervision:Evaluate", evalReq(t, "futian", "e1", "auth1", "2025", model.GradeFail), &e)
	if e.Outcome != model.EvalTerminated || f.storedAuth("auth1").Status != model.AuthTerminated {
		t.Fatalf("futian = %+v", e)
	}

	// 《罗湖区…实施方案》六（六）7 (有权终止): the ground is flagged; the authorization stays in force.
	l := newSupervision(t, "luohu")
	l.okInto(l.Bureau, "Supervision:Evaluate", evalReq(t, "luohu", "e1", "auth1", "2025", model.GradeFail), &e)
	var flags []model.Flag
	l.okInto(l.as("reg"), "Supervision:Flags", map[string]any{"authorizationId": "auth1"}, &flags)
	if e.Outcome != model.EvalTerminationGround || l.storedAuth("auth1").Status != model.AuthActive || len(flags) != 1 ||
		flags[0].Rule != model.RuleEvaluationFailures.Code || flags[0].Operator != "op" {
		t.Fatalf("luohu = %+v, flags %+v", e, flags)
	}
	l.okInto(l.as("op2"), "Supervision:Flags", "{}", &flags)
	if len(flags) != 0 {
		t.Fatalf("op2 sees op's flags: %+v", flags)
	}
}

func TestEvaluation_FailureOpensRectification(t *testing.T) {
	h := newSupervision(t, "longhua")
	req := evalReq(t, "longhua", "e1", "auth1", "2025-09", model.GradeFail)
	e := h.refused(h.Bureau, "Supervision:Evaluate", req, model.RuleEvaluationRectification.Code)
	if e.Field != "rectification" {
		t.Fatalf("field %q", e.Field)
	}
	req["rectification"] = map[string]any{"id": "re1", "requirements": "提升数据质量", "dueDate": "2025-10-31"}
	var ev model.Evaluation
	h.okInto(h.Bureau, "Supervision:Evaluate", req, &ev)
	var r model.Rectification
	h.okInto(h.as("op"), "Supervision:Rectification", map[string]any{"id": "re1"}, &r)
	if ev.Rectification != "re1" || r.Evaluation != "e1" || r.Operator != "op" || r.Deadline.Due.In(model.CST).Format("2006-01-02") != "2025-10-31" {
		t.Fatalf("evaluation %+v, rectification %+v", ev, r)
	}
	pass := evalReq(t, "longhua", "e2", "auth2", "2025", model.GradePass)
	pass["rectification"] = map[string]any{"id": "re2", "requirements": "x", "workingDays": 5}
	h.refused(h.Bureau, "Supervision:Evaluate", pass, model.CodeBadFormat)
	// elsewhere a failure does not require one (Futian terminates; Guangdong flags)
	g := newSupervision(t, "guangdong")
	g.ok(g.Bureau, "Supervision:Evaluate", map[string]any{"id": "e1", "authorizationId": "auth1", "period": "2025", "grade": "fail", "reportDigest": digest("r")})
}

func TestSupervision_BlacklistNeedsProfile(t *testing.T) {
	f := newSupervision(t, "futian")
	f.refused(f.Bureau, "Supervision:Blacklist", map[string]any{"id": "b1", "participant": "op", "reason": "违规"}, model.RuleBlacklistNeedsProfile.Code)

	h := newSupervision(t, "longhua") // 退出机制 2: 5年市场禁入
	h.refused(h.Bureau, "Supervision:Blacklist", map[string]any{"id": "b1", "participant": "su1", "reason": "x"}, model.CodeBadState)
	var p model.Participant
	h.okInto(h.Bureau, "Supervision:Blacklist", map[string]any{"id": "b1", "participant": "op", "reason": "违规使用公共数据",
		"authorizationId": "auth1", "evidenceDigest": digest("处罚决定")}, &p)
	if p.Status != model.StatusBlacklisted || p.BlacklistedUntil != "2030-09-01" || !strings.Contains(p.StatusReason, "exit.blacklist_years=5") {
		t.Fatalf("participant = %+v", p)
	}
	if e := h.lastEvent(); e.Type != "participant.blacklisted" || !e.Records[0].Public {
		t.Fatalf("event %s %+v", e.Type, e.Records)
	}
	h.okInto(publicIdentity(), "Participant:Get", map[string]any{"id": "op"}, &p) // the public sees the ban
	if p.Status != model.StatusBlacklisted {
		t.Fatalf("public view = %+v", p)
	}
	h.refused(h.as("op"), "Logs:Open", map[string]any{"id": "s1", "logKind": "access"}, model.CodeSuspended)
	h.refused(h.Bureau, "Supervision:Blacklist", map[string]any{"id": "b2", "participant": "op", "reason": "again"}, model.CodeBadState)
}

func TestParticipant_BlacklistedOperatorNotAuthorized(t *testing.T) {
	h := newSupervision(t, "longhua")
	h.ok(h.Bureau, "Supervision:Blacklist", map[string]any{"id": "b1", "participant": "op", "reason": "违规"})
	reactivate := func(id string) map[string]any {
		return map[string]any{"id": id, "participant": "op", "status": "active", "reason": "禁入期满"}
	}
	h.refused(h.Bureau, "Participant:SetStatus", reactivate("s1"), model.RuleBlacklistedNotAuthorized.Code)
	// Suspending first does not open a way round the ban.
	h.refused(h.Bureau, "Participant:SetStatus", map[string]any{"id": "s1b", "participant": "op", "status": "suspended", "reason": "先暂停"}, model.RuleBlacklistedNotAuthorized.Code)
	h.at("2030-08-31 23:00")
	h.refused(h.Bureau, "Participant:SetStatus", reactivate("s2"), model.RuleBlacklistedNotAuthorized.Code)
	h.at("2030-09-01 08:00")
	var p model.Participant
	h.okInto(h.Bureau, "Participant:SetStatus", reactivate("s3"), &p)
	if p.Status != model.StatusActive || p.BlacklistedUntil != "" {
		t.Fatalf("participant = %+v", p)
	}
}

func TestSupervision_RecordsNeverPublic(t *testing.T) {
	h := newSupervision(t, "luohu")
	h.ok(h.as("reg"), "Supervision:Inspect", map[string]any{"id": "insp1", "subject": "op", "type": "routine", "scope": "季度"})
	orderRect(h, "r1", "auth1", 10)
	h.ok(h.Bureau, "Supervision:Evaluate", evalReq(t, "luohu", "e1", "auth1", "2025", model.GradePass))
	h.ok(h.as("op"), "Supervision:ReportIncident", map[string]any{"id": "i1", "severity": "general", "category": "leak",
		"occurredAt": h.L.Now.Add(-2 * time.Hour), "detectedAt": h.L.Now.Add(-time.Hour), "description": "接口异常调用"})
	h.ok(h.as("op"), "Supervision:FileReport", map[string]any{"id": "rp1", "reportKind": "security", "authorizationId": "auth1", "reportDigest": digest("安全报告")})
	for _, r := range []struct{ fn, id string }{{"Inspection", "insp1"}, {"Rectification", "r1"}, {"Evaluation", "e1"}, {"Incident", "i1"}, {"Report", "rp1"}} {
		fn := "Supervision:" + r.fn
		for _, who := range []string{"op", "reg", "bureau"} {
			h.ok(h.as(who), fn, map[string]any{"id": r.id})
		}
		h.refused(h.as("op2"), fn, map[string]any{"id": r.id}, model.CodeAccessDenied)
		h.refused(h.as("su1"), fn, map[string]any{"id": r.id}, model.CodeAccessDenied)
		h.refused(publicIdentity(), fn, map[string]any{"id": r.id}, model.CodeAccessDenied)
	}
	for _, ev := range h.L.Events {
		e, _ := model.ParseEvent(ev.Payload)
		for _, rec := range e.Records {
			if rec.Public && rec.Kind != model.KindAuthorization && rec.Kind != model.KindParticipant && rec.Kind != model.KindProfile &&
				rec.Kind != model.KindResource && rec.Kind != model.KindConfig {
				t.Errorf("event %s carries public %s %s", e.Type, rec.Kind, rec.ID)
			}
		}
	}
}
