package demo

// supervisionSteps: a routine inspection with no findings, data-quality feedback to a
// source unit that answers it, and a complaint to the bureau still open.
func (l *Loader) supervisionSteps() []Step {
	var s []Step
	add := func(date string, min int, profile, fn, note string, req map[string]any) {
		s = append(s, Step{At: Day(date, min), Profile: profile, Fn: fn, Note: note, Req: req})
	}
	add("2026-11-02", 0, "bureau", "Supervision:Inspect", "routine inspection of the operator (2026 Q3)", map[string]any{
		"id": "lh-insp-2026q3", "subject": "op-lhdata", "authorizationId": "lh-auth-2026", "type": "routine",
		"scope": "授权运营平台访问控制、日志留存与隐私计算环境", "period": "2026-Q3", "reportDigest": digest("2026Q3 例行检查报告")})
	add("2026-11-04", 0, "operator", "Supervision:FileCase", "data-quality feedback on 楼栋数据", map[string]any{
		"id": "lh-case-dq-01", "caseKind": "data_quality", "resource": "lh-res-08",
		"title": "楼栋数据更新时间滞后", "description": "大浪街道部分楼栋数据更新时间早于 2025 年, 与实际不符"})
	add("2026-11-06", 0, unitProfile("su-pajs"), "Supervision:AnswerCase", "平安建设中心 answers the feedback", map[string]any{
		"id": "lh-case-dq-01-answer", "case": "lh-case-dq-01", "answer": "已核实并于 11 月批次更新大浪街道楼栋数据"})
	add("2026-11-18", 0, "exchange", "Supervision:FileCase", "complaint about a listed product (open)", map[string]any{
		"id": "lh-case-cp-01", "caseKind": "complaint", "respondent": "op-lhdata", "authorizationId": "lh-auth-2026",
		"title": "龙数贷接口响应超时", "description": "买方反映 11 月中旬接口多次超时, 影响授信审批时效", "evidenceDigest": digest("接口超时记录")})
	return s
}
