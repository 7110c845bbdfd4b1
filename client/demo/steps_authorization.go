package demo

import "fmt"

// unitProfile maps a source unit id to the identity that acts for it.
func unitProfile(id string) string {
	for i, u := range Units {
		if u.ID == id {
			return UnitProfile(i)
		}
	}
	panic("demo: no source unit " + id)
}

// DemoStream is the operator's log stream that scripts/demo.sh anchors.
const DemoStream = "lh-platform-access"

// App is one data-use application of the demo and how far it gets.
type App struct {
	ID       string
	Product  string // the product of table 2 it is for
	Resource string
	Method   string
	Submit   string // date
	Outcome  string // granted | refused | overdue | pending
}

// Apps are the applications: one per product of table 2, with varied outcomes.
var Apps = []App{
	{"lh-app-01", "lh-prd-01", "lh-res-01", "privacy_computing", "2026-09-22", "granted"},
	{"lh-app-02", "lh-prd-02", "lh-res-02", "privacy_computing", "2026-09-22", "granted"},
	{"lh-app-03", "lh-prd-03", "lh-res-03", "statistics", "2026-09-22", "granted"},
	{"lh-app-04", "lh-prd-04", "lh-res-04", "trusted_execution", "2026-09-22", "granted"},
	{"lh-app-05", "lh-prd-05", "lh-res-06", "privacy_computing", "2026-09-22", "refused"},
	{"lh-app-06", "lh-prd-06", "lh-res-07", "desensitized_api", "2026-09-23", "granted"},
	{"lh-app-07", "lh-prd-07", "lh-res-08", "statistics", "2026-09-23", "granted"},
	{"lh-app-08", "lh-prd-08", "lh-res-09", "sandbox", "2026-09-23", "granted"},
	{"lh-app-09", "lh-prd-09", "lh-res-09", "sandbox", "2026-10-09", "overdue"},
	{"lh-app-10", "lh-prd-10", "lh-res-10", "statistics", "2026-09-23", "granted"},
	{"lh-app-11", "lh-prd-11", "lh-res-10", "desensitized_api", "2026-11-16", "pending"},
}

// chain1Steps register the ten resources of table 1 by their source units, walk them
// into the catalogue with every unit's agreement, authorize the operator (publicity,
// both SM2 signatures, filing, emergency plan) and take the applications through review.
func (l *Loader) chain1Steps() []Step {
	var s []Step
	add := func(at string, min int, profile, fn, note string, req map[string]any, sign bool) {
		s = append(s, Step{At: Day(at, min), Profile: profile, Fn: fn, Note: note, Req: req, Sign: sign})
	}
	res := map[string]Res{}
	for i, r := range Resources {
		res[r.ID] = r
		openness := "conditional"
		if r.Grade == 1 {
			openness = "unconditional"
		}
		req := map[string]any{"id": r.ID, "name": r.Name, "summary": r.Summary, "dataItems": r.Items, "dataType": r.DataType,
			"openness": openness, "grade": r.Grade, "domain": r.Domain, "coverage": r.Coverage, "updateFrequency": r.Frequency,
			"personalInfo": r.PersonalInfo, "schemaDigest": digest(r.ID + " 数据结构说明")}
		if len(r.Units) > 1 {
			req["contributingUnits"] = r.Units[1:]
		}
		add("2026-09-02", i*10, unitProfile(r.Units[0]), "Resource:Register", "register "+r.Name, req, false)
		add("2026-09-08", i*5, "bureau", "Resource:ProposeCatalogue", "propose "+r.Name+" for the catalogue",
			map[string]any{"id": "demo-propose-" + r.ID, "resource": r.ID}, false)
		for j, u := range r.Units {
			add("2026-09-09", i*20+j, unitProfile(u), "Resource:AnswerCatalogue", u+" agrees to catalogue "+r.Name,
				map[string]any{"id": "demo-agree-" + r.ID + "-" + u, "resource": r.ID, "agreed": true}, false)
		}
	}
	// A department can act only for itself: the wrong unit's update is refused.
	s = append(s, Step{At: Day("2026-09-10", 0), Profile: unitProfile("su-wjj"), Fn: "Resource:Update", Expect: "RESOURCE_OWN_UNIT_ONLY",
		Note: "卫健局 tries to change 海关's resource", Req: map[string]any{"id": "demo-wrong-unit", "resource": "lh-res-03",
			"name": "x", "summary": "x", "dataItems": []string{"x"}, "dataType": "x", "openness": "conditional", "grade": 1,
			"domain": "x", "coverage": "x", "updateFrequency": "yearly"}})

	ids := make([]string, len(Resources))
	for i, r := range Resources {
		ids[i] = r.ID
	}
	const auth = "lh-auth-2026"
	add("2026-09-14", 0, "bureau", "Authorization:Create", "publicize the operator candidate (整体授权, 5 years)", map[string]any{
		"id": auth, "operator": "op-lhdata", "mode": "whole", "resourceIds": ids, "termMonths": 60,
		"agreementDigest": digest("龙华区公共数据资源授权运营协议"), "securityDigest": digest("数据安全责任书"),
		"noticeDigest": digest("运营机构候选人公示"), "selectionMethod": "competitive_negotiation"}, false)
	s = append(s, Step{At: Day("2026-09-16", 0), Profile: "bureau", Fn: "Authorization:Sign", Sign: true, Expect: "AUTH_PUBLICITY_NOT_OVER",
		Note: "signing during the publicity period", Req: map[string]any{"id": "demo-sign-early", "authorization": auth}})
	add("2026-09-21", 0, "operator", "Authorization:Sign", "operator signs the agreement (SM2)", map[string]any{"id": "demo-sign-op", "authorization": auth}, true)
	add("2026-09-21", 30, "bureau", "Authorization:Sign", "bureau signs: the authorization is active", map[string]any{"id": "demo-sign-bureau", "authorization": auth}, true)
	add("2026-09-24", 0, "bureau", "Authorization:File", "agreement filed with the city data authority (备案)", map[string]any{
		"id": "demo-file", "authorization": auth, "filingRef": "深数备〔2026〕17号"}, false)
	add("2026-09-25", 0, "operator", "Authorization:FileEmergencyPlan", "emergency plan (应急预案)", map[string]any{
		"id": "demo-plan-v1", "plan": "lh-plan-2026", "authorization": auth, "planDigest": digest("数据安全应急预案 v1"),
		"summary": "数据泄露、平台中断、隐私计算节点失陷三类场景的处置流程"}, false)

	add("2026-09-28", 0, "operator", "Logs:Open", "open the platform access log stream (日志存证)", map[string]any{
		"id": DemoStream, "logKind": "access", "authorizationId": auth, "description": "运营平台访问与调用日志"}, false)

	for i, a := range Apps {
		r := res[a.Resource]
		p := productOf(a.Product)
		items := r.Items
		if len(items) > 4 {
			items = items[:4]
		}
		add(a.Submit, i*3, "operator", "Application:Submit", "apply: "+p.Scenario, map[string]any{
			"id": a.ID, "authorization": auth, "scenario": p.Scenario, "serviceObjects": "场景用户", "serviceScope": "龙华区",
			"expectedOutcome": p.Summary, "method": a.Method, "usageFrom": "2026-10-01", "usageTo": "2027-09-30",
			"dataList": []map[string]any{{"resource": r.ID, "items": items, "necessity": "场景所需的最少数据项"}}}, false)
		switch a.Outcome {
		case "overdue", "pending":
			continue
		case "refused":
			add("2026-09-25", 30+i, "bureau", "Application:Review", "refuse: "+p.Scenario, map[string]any{
				"id": "demo-review-" + a.ID, "application": a.ID, "decision": "refused",
				"reason": "投保人授权机制未建立, 不符合最小必要和个人信息保护要求, 补充授权方案后重新申请"}, false)
			continue
		}
		add("2026-09-25", 30+i, "bureau", "Application:Review", "bureau approves: "+p.Scenario, map[string]any{
			"id": "demo-review-" + a.ID, "application": a.ID, "decision": "approved"}, false)
		for j, u := range r.Units {
			add("2026-09-29", i*10+j, unitProfile(u), "Application:Review", fmt.Sprintf("%s confirms %s", u, a.ID), map[string]any{
				"id": "demo-confirm-" + a.ID + "-" + u, "application": a.ID, "decision": "approved"}, false)
		}
	}
	return s
}

func productOf(id string) Prod {
	for _, p := range Products {
		if p.ID == id {
			return p
		}
	}
	panic("demo: no product " + id)
}
