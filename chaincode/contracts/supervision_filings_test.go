package contracts

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// incidentReq is an incident request detected an hour ago.
func incidentReq(h *harness, id, severity string) map[string]any {
	return map[string]any{"id": id, "severity": severity, "category": "leak", "authorizationId": "auth1",
		"occurredAt": h.L.Now.Add(-2 * time.Hour), "detectedAt": h.L.Now.Add(-time.Hour), "description": "疑似数据泄露",
		"measures": "已停止数据交换", "evidenceDigest": digest("事件报告 " + id)}
}

func TestIncident_TimesInOrder(t *testing.T) {
	h := newSupervision(t, "futian")
	now := h.L.Now
	req := incidentReq(h, "i1", "general")
	req["detectedAt"], req["occurredAt"] = now.Add(-3*time.Hour), now.Add(-time.Hour)
	e := h.refused(h.as("op"), "Supervision:ReportIncident", req, model.RuleIncidentTimes.Code)
	if e.Field != "detectedAt" {
		t.Fatalf("field %q", e.Field)
	}
	req["occurredAt"], req["detectedAt"] = now.Add(-time.Hour), now.Add(time.Hour)
	h.refused(h.as("op"), "Supervision:ReportIncident", req, model.RuleIncidentTimes.Code)
	var in model.Incident
	h.okInto(h.as("op"), "Supervision:ReportIncident", incidentReq(h, "i1", "general"), &in)
	// the seeds say 立即/及时: without a profile number the lag is recorded, not judged
	if in.ReportDeadline != nil || in.Late || in.ReportLagMinutes != 60 || !in.SelfReported || in.EmergencyPlan != "plan-auth1" {
		t.Fatalf("incident = %+v", in)
	}
	// a bureau that sets a number: late reports are accepted and marked late
	patch := `{"security":{"incident_report_hours":{"value":24,"source":{"doc":"区数据安全事件报告规定","article":"第五条","quote":"发现安全事件后24小时内报告"}}}}`
	h.ok(h.Bureau, "Profile:Amend", `{"id":"amend-hours","patch":`+patch+`,"reason":"事件报告时限"}`)
	late := incidentReq(h, "i2", "general")
	late["occurredAt"], late["detectedAt"] = h.L.Now.Add(-31*time.Hour), h.L.Now.Add(-30*time.Hour)
	h.okInto(h.as("op"), "Supervision:ReportIncident", late, &in)
	if in.ReportDeadline == nil || !in.Late || !strings.Contains(in.ReportDeadline.Rule, "incident_report_hours=24") {
		t.Fatalf("late incident = %+v", in)
	}
	var timely model.Incident
	h.okInto(h.as("op"), "Supervision:ReportIncident", incidentReq(h, "i3", "general"), &timely)
	if timely.Late || timely.ReportDeadline == nil {
		t.Fatalf("timely incident = %+v", timely)
	}
}

func TestIncident_ReporterConcerned(t *testing.T) {
	h := newSupervision(t, "futian")
	req := incidentReq(h, "i1", "general")
	req["subject"] = "op2"
	h.refused(h.as("op"), "Supervision:ReportIncident", req, model.RuleIncidentReporter.Code)
	req = incidentReq(h, "i1", "general")
	req["authorizationId"] = "auth2"
	e := h.refused(h.as("op"), "Supervision:ReportIncident", req, model.RuleIncidentReporter.Code)
	if e.Field != "authorizationId" {
		t.Fatalf("field %q", e.Field)
	}
	h.refused(h.as("pt"), "Supervision:ReportIncident", incidentReq(h, "i1", "general"), model.RuleIncidentReporter.Code) // names nobody
	req = incidentReq(h, "i1", "general")
	req["subject"] = "su1"
	h.refused(h.as("reg"), "Supervision:ReportIncident", req, model.RuleIncidentReporter.Code) // not an operator
	h.refused(publicIdentity(), "Supervision:ReportIncident", incidentReq(h, "i1", "general"), model.CodeUnbound)
	h.ok(h.as("op"), "Supervision:ReportIncident", incidentReq(h, "i1", "general"))
	req = incidentReq(h, "i2", "major")
	req["subject"] = "op"
	var in model.Incident
	h.okInto(h.as("su1"), "Supervision:ReportIncident", req, &in) // 《罗湖区…实施方案》九（一）: 数源单位…及时向实施机构报告
	if in.SelfReported || in.Filer != "su1" || in.Subject != "op" {
		t.Fatalf("incident = %+v", in)
	}
	h.ok(h.as("su1"), "Supervision:Incident", map[string]any{"id": "i2"})
	h.refused(h.as("su1"), "Supervision:Incident", map[string]any{"id": "i1"}, model.CodeAccessDenied)
}

func TestIncident_TerminationNeedsMajorGround(t *testing.T) {
	// 《罗湖区…实施方案》六（六）5: 发生重大安全隐患或数据安全事件 → 有权终止.
	h := newSupervision(t, "luohu")
	h.ok(h.as("op"), "Supervision:ReportIncident", incidentReq(h, "i1", "general"))
	terminate := func(id, incident string) map[string]any {
		return map[string]any{"id": id, "incident": incident, "decision": "terminate", "reason": "造成严重后果"}
	}
	e := h.refused(h.Bureau, "Supervision:DecideIncident", terminate("d1", "i1"), model.RuleIncidentTermination.Code)
	if !strings.Contains(e.Message, "not major") {
		t.Fatal(e.Message)
	}
	var in model.Incident
	h.okInto(h.as("op"), "Supervision:ReportIncident", incidentReq(h, "i2", "major"), &in)
	if !in.TerminationGround || h.lastEvent().Type != "incident.major-reported" {
		t.Fatalf("major incident = %+v", in)
	}
	var flags []model.Flag
	h.okInto(h.Bureau, "Supervision:Flags", "{}", &flags)
	if len(flags) != 1 || flags[0].ID != "i2" {
		t.Fatalf("flags = %+v", flags)
	}
	h.okInto(h.Bureau, "Supervision:DecideIncident", terminate("d2", "i2"), &in)
	a := h.storedAuth("auth1")
	if in.Status != model.IncidentTerminated || a.Status != model.AuthTerminated || a.Termination.Ground != model.GroundMajorIncident ||
		a.Termination.EvidenceDigest != in.EvidenceDigest {
		t.Fatalf("incident %s, authorization %s %+v", in.Status, a.Status, a.Termination)
	}
	h.okInto(h.Bureau, "Supervision:Flags", "{}", &flags)
	if len(flags) != 0 {
		t.Fatalf("flags after the decision = %+v", flags)
	}
	h.refused(h.Bureau, "Supervision:DecideIncident", terminate("d3", "i2"), model.CodeBadState)

	// Futian lists no such ground: a major incident is rectified or closed, not terminated.
	f := newSupervision(t, "futian")
	f.ok(f.as("op"), "Supervision:ReportIncident", incidentReq(f, "i1", "major"))
	f.refused(f.Bureau, "Supervision:DecideIncident", terminate("d1", "i1"), model.RuleIncidentTermination.Code)
	f.refused(f.Bureau, "Supervision:DecideIncident", map[string]any{"id": "d1", "incident": "i1", "decision": "rectify", "reason": "x"}, model.CodeMissingField)
	f.okInto(f.Bureau, "Supervision:DecideIncident", map[string]any{"id": "d1", "incident": "i1", "decision": "rectify", "reason": "补救不足",
		"rectification": map[string]any{"id": "r1", "requirements": "完善应急预案", "workingDays": 10}}, &in)
	var r model.Rectification
	f.okInto(f.as("op"), "Supervision:Rectification", map[string]any{"id": "r1"}, &r)
	if in.Status != model.IncidentRectification || in.Decision.Rectification != "r1" || r.Incident != "i1" || f.storedAuth("auth1").Status != model.AuthSuspended {
		t.Fatalf("incident %+v, rectification %+v", in.Decision, r)
	}
}

func TestReport_FiledByNamedParty(t *testing.T) {
	// 《罗湖区…实施方案》九（一）: 运营机构每半年报告运营安全情况
	h := newSupervision(t, "luohu")
	req := map[string]any{"id": "rp1", "reportKind": "security", "authorizationId": "auth1", "reportDigest": digest("安全报告")}
	h.refused(h.as("op2"), "Supervision:FileReport", req, model.RuleReportFiler.Code)
	h.refused(h.Bureau, "Supervision:FileReport", req, model.RuleReportFiler.Code)
	var rp model.PeriodicReport
	h.okInto(h.as("op"), "Supervision:FileReport", req, &rp)
	if rp.Period != 1 || rp.PeriodStart != "2025-09-01" || rp.PeriodEnd != "2026-02-28" || rp.Late ||
		rp.Due.In(model.CST).Format("2006-01-02 15:04:05") != "2026-02-28 23:59:59" {
		t.Fatalf("report = %+v", rp)
	}
	// 《广东省…管理办法》第三十七条: 实施机构应于每年3月底前…报送上一年度运营报告
	g := newSupervision(t, "guangdong")
	g.at("2026-01-05 10:00")
	annual := map[string]any{"id": "ar1", "reportKind": "annual_operation", "authorizationId": "auth1", "year": "2025", "reportDigest": digest("年度报告")}
	g.refused(g.as("op"), "Supervision:FileReport", annual, model.RuleReportFiler.Code)
	g.okInto(g.Bureau, "Supervision:FileReport", annual, &rp)
	if rp.Filer != "bureau" || rp.Operator != "op" || rp.Year != "2025" || rp.Due.In(model.CST).Format("2006-01-02") != "2026-03-31" {
		t.Fatalf("annual report = %+v", rp)
	}
	g.ok(g.as("op"), "Supervision:Report", map[string]any{"id": "ar1"}) // the operator sees the report on it
}

func TestReport_PeriodPerProfile(t *testing.T) {
	h := newSupervision(t, "futian") // 第三十条: 每月…報區公共數據主管部門
	sec := map[string]any{"id": "rp1", "reportKind": "security", "authorizationId": "auth1", "reportDigest": digest("x")}
	e := h.refused(h.as("op"), "Supervision:FileReport", sec, model.RuleReportPeriod.Code)
	if !strings.Contains(e.Message, "requires no security report") {
		t.Fatal(e.Message)
	}
	partner := func(id string, period int) map[string]any {
		return map[string]any{"id": id, "reportKind": "partner_supervision", "authorizationId": "auth1", "period": period, "reportDigest": digest(id)}
	}
	h.refused(h.as("op"), "Supervision:FileReport", partner("p2", 2), model.RuleReportPeriod.Code) // October has not begun
	var rp model.PeriodicReport
	h.okInto(h.as("op"), "Supervision:FileReport", partner("p1", 0), &rp)
	if rp.Period != 1 || rp.PeriodEnd != "2025-09-30" {
		t.Fatalf("report = %+v", rp)
	}
	h.refused(h.as("op"), "Supervision:FileReport", partner("p1b", 1), model.CodeAlreadyExists)
	h.refused(h.as("op"), "Supervision:FileReport", map[string]any{"id": "x", "reportKind": "annual_operation", "authorizationId": "auth1", "year": "2025", "reportDigest": digest("x")}, model.RuleReportPeriod.Code)

	g := newSupervision(t, "guangdong")
	annual := func(id, year string) map[string]any {
		return map[string]any{"id": id, "reportKind": "annual_operation", "authorizationId": "auth1", "year": year, "reportDigest": digest(id)}
	}
	g.refused(g.Bureau, "Supervision:FileReport", annual("a1", "2025"), model.RuleReportPeriod.Code) // 2025 has not ended
	g.at("2026-02-01 10:00")
	g.refused(g.Bureau, "Supervision:FileReport", annual("a1", "2024"), model.RuleReportPeriod.Code) // before the term
	g.refused(g.Bureau, "Supervision:FileReport", map[string]any{"id": "a1", "reportKind": "annual_operation", "authorizationId": "auth1", "reportDigest": digest("x")}, model.CodeMissingField)
	g.ok(g.Bureau, "Supervision:FileReport", annual("a1", "2025"))
}

func TestReport_OverdueFromCadence(t *testing.T) {
	h := newSupervision(t, "futian")
	h.at("2025-12-15 10:00")
	var rp model.PeriodicReport
	h.okInto(h.as("op"), "Supervision:FileReport", map[string]any{"id": "p2", "reportKind": "partner_supervision", "authorizationId": "auth1", "period": 2, "reportDigest": digest("10月")}, &rp)
	if !rp.Late || rp.PeriodStart != "2025-10-01" {
		t.Fatalf("late report = %+v", rp)
	}
	var over []model.OverdueReport
	h.okInto(h.as("reg"), "Supervision:OverdueReports", "{}", &over)
	var got []string
	for _, o := range over {
		got = append(got, o.Authorization+"#"+o.PeriodStart)
	}
	want := "auth1#2025-09-01 auth1#2025-11-01 auth2#2025-09-01 auth2#2025-10-01 auth2#2025-11-01"
	if strings.Join(got, " ") != want {
		t.Fatalf("overdue = %v, want %s", got, want)
	}
	h.okInto(h.as("op"), "Supervision:OverdueReports", "{}", &over)
	if len(over) != 2 || over[0].Filer != "op" || !strings.Contains(over[0].Rule, "partner_report_interval_months=1") {
		t.Fatalf("op's overdue = %+v", over)
	}
	h.refused(h.as("op"), "Supervision:OverdueReports", map[string]any{"authorizationId": "auth2"}, model.CodeAccessDenied)
	h.okInto(publicIdentity(), "Supervision:OverdueReports", "{}", &over)
	if len(over) != 0 {
		t.Fatalf("the public sees %d overdue reports", len(over))
	}

	// Luohu: semi-annual security report; Guangdong: annual report by the end of March.
	l := newSupervision(t, "luohu")
	l.at("2026-03-01 10:00")
	l.okInto(l.Bureau, "Supervision:OverdueReports", map[string]any{"authorizationId": "auth1"}, &over)
	if len(over) != 1 || over[0].ReportKind != model.ReportSecurity || over[0].PeriodEnd != "2026-02-28" {
		t.Fatalf("luohu overdue = %+v", over)
	}
	g := newSupervision(t, "guangdong")
	g.at("2026-03-31 20:00")
	g.okInto(g.Bureau, "Supervision:OverdueReports", map[string]any{"authorizationId": "auth1"}, &over)
	if len(over) != 0 {
		t.Fatalf("guangdong before April = %+v", over)
	}
	g.at("2026-04-01 08:00")
	g.okInto(g.Bureau, "Supervision:OverdueReports", map[string]any{"authorizationId": "auth1"}, &over)
	if len(over) != 1 || over[0].Year != "2025" || over[0].Filer != "bureau" {
		t.Fatalf("guangdong overdue = %+v", over)
	}
	// a terminated authorization owes no report for windows after its end
	a := g.storedAuth("auth1")
	a.Status, a.Termination = model.AuthTerminated, &model.Termination{At: time.Date(2025, 12, 1, 0, 0, 0, 0, model.CST), Ground: model.GroundBreach}
	g.put(a)
	g.at("2028-04-01 08:00")
	g.okInto(g.Bureau, "Supervision:OverdueReports", map[string]any{"authorizationId": "auth1"}, &over)
	if len(over) != 1 {
		t.Fatalf("terminated authorization overdue = %+v", over)
	}
}

func TestCase_FilerAndAddressee(t *testing.T) {
	h := newSupervision(t, "futian")
	// a case needs a filer bound to an active participant: the public's complaints reach
	// the ledger through a party that answers for them (the 12345 hotline's desk)
	citizen := publicIdentity()
	h.refused(citizen, "Supervision:FileCase", map[string]any{"id": "c0", "caseKind": "complaint", "respondent": "op",
		"title": "数据被违规使用", "description": "本人数据疑似被用于营销"}, model.CodeUnbound)
	desk := h.as("reg")
	var cs model.Case
	h.okInto(desk, "Supervision:FileCase", map[string]any{"id": "c1", "caseKind": "complaint", "respondent": "op",
		"title": "数据被违规使用", "description": "本人数据疑似被用于营销"}, &cs)
	if cs.Addressee != "bureau" || cs.Filer.Participant != "reg" || cs.Public {
		t.Fatalf("complaint = %+v", cs)
	}
	// the same complaint again under another id, while the first is open: refused
	e := h.refused(desk, "Supervision:FileCase", map[string]any{"id": "c1-again", "caseKind": "complaint", "respondent": "op",
		"title": "数据被违规使用", "description": "本人数据疑似被用于营销"}, model.CodeAlreadyExists)
	if e.Limit != "c1" {
		t.Fatalf("duplicate refusal names %q, want c1", e.Limit)
	}
	h.ok(desk, "Supervision:Case", map[string]any{"id": "c1"}) // the filer reads its own case
	h.refused(publicIdentity(), "Supervision:Case", map[string]any{"id": "c1"}, model.CodeAccessDenied)
	h.refused(h.as("op"), "Supervision:Case", map[string]any{"id": "c1"}, model.CodeAccessDenied) // 为举报人保密
	h.refused(desk, "Supervision:FileCase", map[string]any{"id": "c2", "caseKind": "complaint", "addressee": "su1", "title": "x", "description": "x"}, model.RuleCaseFiler.Code)
	h.refused(desk, "Supervision:FileCase", map[string]any{"id": "c2", "caseKind": "dispute", "title": "x", "description": "x"}, model.RuleCaseFiler.Code)

	// 《福田区…暂行管理办法》第三十八条: 数据主体…有权依法提出异议 — to the source unit holding the data
	h.refused(desk, "Supervision:FileCase", map[string]any{"id": "c2", "caseKind": "objection", "addressee": "op", "title": "x", "description": "x"}, model.RuleCaseFiler.Code)
	h.okInto(desk, "Supervision:FileCase", map[string]any{"id": "c2", "caseKind": "objection", "addressee": "su1", "resource": "r1",
		"title": "数据有误", "description": "请求更正"}, &cs)
	// Qinhuangdao 争议处置: 数源单位与运营机构之间…由数据主管部门协调解决
	h.okInto(h.as("su1"), "Supervision:FileCase", map[string]any{"id": "c3", "caseKind": "dispute", "respondent": "op", "title": "授权争议", "description": "x"}, &cs)
	if cs.Addressee != "bureau" || cs.Filer.Participant != "su1" {
		t.Fatalf("dispute = %+v", cs)
	}
	h.ok(h.as("op"), "Supervision:Case", map[string]any{"id": "c3"}) // a dispute's respondent is a party
	// 《福田区…暂行管理办法》第二十四条: 數據質量問題由數源部門…予以反饋
	h.refused(h.as("op"), "Supervision:FileCase", map[string]any{"id": "c4", "caseKind": "data_quality", "title": "x", "description": "x"}, model.RuleCaseFiler.Code)
	h.refused(h.as("su1"), "Supervision:FileCase", map[string]any{"id": "c4", "caseKind": "data_quality", "resource": "r1", "title": "x", "description": "x"}, model.RuleCaseFiler.Code)
	h.okInto(h.as("op"), "Supervision:FileCase", map[string]any{"id": "c4", "caseKind": "data_quality", "resource": "r1", "title": "字段缺失", "description": "身份证号字段为空"}, &cs)
	if cs.Addressee != "su1" || cs.Resource != "r1" {
		t.Fatalf("feedback = %+v", cs)
	}
}

func TestCase_AnsweredByAddressee(t *testing.T) {
	h := newSupervision(t, "futian")
	patch := `{"supervision":{"case_answer_working_days":{"value":5,"source":{"doc":"区数据质量反馈规程","article":"第八条","quote":"五个工作日内予以反馈"}}}}`
	h.ok(h.Bureau, "Profile:Amend", `{"id":"amend-cases","patch":`+patch+`,"reason":"答复时限"}`)
	var cs model.Case
	h.okInto(h.as("op"), "Supervision:FileCase", map[string]any{"id": "c1", "caseKind": "data_quality", "resource": "r1", "title": "字段缺失", "description": "x"}, &cs)
	if cs.AnswerDeadline == nil || cs.AnswerDeadline.Party != "su1" || cs.AnswerDeadline.Due.In(model.CST).Format("2006-01-02") != "2025-09-08" {
		t.Fatalf("deadline = %+v", cs.AnswerDeadline)
	}
	h.ok(h.as("reg"), "Supervision:FileCase", map[string]any{"id": "c2", "caseKind": "complaint", "title": "投诉", "description": "x"})
	var open []*model.Case
	h.okInto(h.as("su1"), "Supervision:OpenCases", "{}", &open)
	if len(open) != 1 || open[0].ID != "c1" {
		t.Fatalf("su1's open cases = %+v", open)
	}
	h.at("2025-09-10 10:00")
	h.okInto(h.as("reg"), "Supervision:OpenCases", map[string]any{"overdueOnly": true}, &open)
	if len(open) != 2 || open[0].ID != "c2" || open[0].AnswerDeadline.Party != "bureau" || open[1].ID != "c1" { // by addressee
		t.Fatalf("overdue cases = %+v", open)
	}
	answer := func(id, c string) map[string]any { return map[string]any{"id": id, "case": c, "answer": "已补录"} }
	h.refused(h.Bureau, "Supervision:AnswerCase", answer("a1", "c1"), model.RuleCaseAnswer.Code)
	h.refused(h.as("op"), "Supervision:AnswerCase", answer("a1", "c1"), model.RuleCaseAnswer.Code)
	h.okInto(h.as("su1"), "Supervision:AnswerCase", answer("a1", "c1"), &cs)
	if cs.Status != model.CaseAnswered || !cs.Answer.Late || cs.Answer.By != "su1" {
		t.Fatalf("answered = %+v", cs)
	}
	h.refused(h.as("su1"), "Supervision:AnswerCase", answer("a2", "c1"), model.RuleCaseAnswer.Code)
	h.ok(h.Bureau, "Supervision:AnswerCase", answer("a3", "c2"))
	h.okInto(h.Bureau, "Supervision:OpenCases", "{}", &open)
	if len(open) != 0 {
		t.Fatalf("open after answers = %+v", open)
	}
}

func TestSupervision_SignedFilingsUnderLonghua(t *testing.T) {
	// 《龙华区…实施方案》 (GB/T 39786-2021 不可否认性): filings carry the filer's SM2 signature.
	h := newSupervision(t, "longhua")
	now := h.L.Now
	inc := &model.ReportIncidentRequest{Request: model.Request{ID: "i1"}, Severity: model.IncidentGeneral, Category: "unauthorized_access",
		OccurredAt: now.Add(-time.Hour), DetectedAt: now.Add(-time.Minute), Description: "非法访问尝试"}
	h.refused(h.as("op"), "Supervision:ReportIncident", inc, model.CodeSignature)
	var in model.Incident
	if err := json.Unmarshal([]byte(h.okSigned("op", "Supervision:ReportIncident", inc)), &in); err != nil || in.Signature == nil || in.Signature.Signer != "op" {
		t.Fatalf("signed incident: %v %+v", err, in.Signature)
	}
	orderRect(h, "r1", "auth1", 10)
	rep := &model.ReportRectificationRequest{Request: model.Request{ID: "rep1"}, Rectification: "r1", ReportDigest: digest("整改报告")}
	h.refused(h.as("op"), "Supervision:ReportRectification", rep, model.CodeSignature)
	h.sign("Supervision:ReportRectification", "op2", rep) // not the operator's key
	h.refused(h.as("op"), "Supervision:ReportRectification", rep, model.CodeSignature)
	h.okSigned("op", "Supervision:ReportRectification", rep)
}
