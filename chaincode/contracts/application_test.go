package contracts

import (
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

func onboard(id, partner, end string) *model.OnboardPartnerRequest {
	return &model.OnboardPartnerRequest{Request: model.Request{ID: id}, Authorization: "auth1", Partner: partner, Scope: "信用评估模型开发",
		AgreementDigest: digest("dev agreement " + id), AgreementEnd: end}
}

func TestPartner_OnboardingAndExitFiledByOperator(t *testing.T) {
	h := newAuthorized(t, "futian")
	h.refused(h.as("op2"), "Partner:Onboard", onboard("ps1", "pt", "2026-12-31"), model.RulePartnerFiledByOperator.Code)
	h.refused(h.as("pt"), "Partner:Onboard", onboard("ps1", "pt", "2026-12-31"), model.RulePartnerFiledByOperator.Code)
	h.refused(h.as("op"), "Partner:Onboard", onboard("ps1", "su1", "2026-12-31"), model.RulePartnerFiledByOperator.Code)
	var ps model.Partnership
	h.okInto(h.as("op"), "Partner:Onboard", onboard("ps1", "pt", "2026-12-31"), &ps)
	if ps.Status != model.PartnerActive || ps.Operator != "op" {
		t.Fatalf("onboarded %+v", ps)
	}
	h.refused(h.as("op2"), "Partner:Exit", &model.ExitPartnerRequest{Request: model.Request{ID: "x"}, Partnership: "ps1", Reason: "x"}, model.RulePartnerFiledByOperator.Code)
	h.okInto(h.as("op"), "Partner:Exit", &model.ExitPartnerRequest{Request: model.Request{ID: "x"}, Partnership: "ps1", Reason: "合作结束"}, &ps)
	if ps.Status != model.PartnerExited {
		t.Fatalf("exit: %s", ps.Status)
	}
	// an exited partner cannot apply any more
	h.refused(h.as("pt"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), model.RuleAppApplicant.Code)
}

func TestPartner_AgreementWithinOperatorTerm(t *testing.T) {
	h := newAuthorized(t, "futian") // 24 months max; term 2025-09-01..2027-08-31
	e := h.refused(h.as("op"), "Partner:Onboard", onboard("ps1", "pt", "2027-09-01"), model.RulePartnerAgreementTerm.Code)
	if e.Limit != "2027-08-31" {
		t.Fatalf("limit %s", e.Limit)
	}
	h.ok(h.as("op"), "Partner:Onboard", onboard("ps1", "pt", "2027-08-31"))
}

func TestApplication_ByOperatorOrItsPartner(t *testing.T) {
	h := newAuthorized(t, "futian")
	h.catalogued("su1", "r3", 2)
	h.authorize("auth2", "op2", "r3")
	h.refused(h.as("op2"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), model.RuleAppApplicant.Code)
	h.refused(h.as("su1"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), model.RuleAppApplicant.Code)
	h.refused(h.as("pt"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), model.RuleAppApplicant.Code)
	h.ok(h.as("op"), "Partner:Onboard", onboard("ps1", "pt", "2026-12-31"))
	var a model.Application
	h.okInto(h.as("pt"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), &a)
	if a.Partner != "pt" || a.Operator != "op" || len(a.Steps) != 3 || a.Steps[0].Kind != model.StepOperator || a.Steps[0].Deadline == nil {
		t.Fatalf("partner application %+v", a.Steps)
	}
}

func TestApplication_OnlyAuthorizedResources(t *testing.T) {
	h := newAuthorized(t, "futian")
	h.catalogued("su1", "r3", 2) // catalogued but not in auth1's scope
	e := h.refused(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1"), need("r3")), model.RuleAppScope.Code)
	if e.Field != "dataList[1].resource" {
		t.Fatalf("field %s", e.Field)
	}
	e = h.refused(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1", "名称", "身份证号")), model.RuleAppScope.Code)
	if e.Field != "dataList[0].items[1]" {
		t.Fatalf("field %s", e.Field)
	}
	h.refused(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1"), need("r1")), model.CodeDuplicate)
}

func TestApplication_ScenarioInAuthorization(t *testing.T) {
	h := newAuthorized(t, "guangdong") // per scenario: credit, city
	h.refused(h.as("op"), "Application:Submit", appReq("app1", "auth1", "精准营销", model.MethodSandbox, need("r1")), model.RuleAppScenario.Code)
	h.ok(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCity, model.MethodSandbox, need("r1")))
}

func TestApplication_UsageInsideTerm(t *testing.T) {
	h := newAuthorized(t, "futian") // term 2025-09-01..2027-08-31
	req := appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1"))
	req.UsageTo = "2027-09-01"
	h.refused(h.as("op"), "Application:Submit", req, model.RuleAppUsage.Code)
	req.UsageFrom, req.UsageTo = "2025-10-01", "2025-09-30"
	h.refused(h.as("op"), "Application:Submit", req, model.CodeOutOfRange)
}

func TestApplication_ReviewChainInOrder(t *testing.T) {
	h := newAuthorized(t, "futian") // 5 working days per step
	h.ok(h.as("op"), "Partner:Onboard", onboard("ps1", "pt", "2026-12-31"))
	h.ok(h.as("pt"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1"), need("r2")))
	h.refused(h.Bureau, "Application:Review", &model.ReviewApplicationRequest{Request: model.Request{ID: "x"}, Application: "app1", Decision: model.Approved}, model.RuleAppReviewOrder.Code)
	h.refused(h.as("su1"), "Application:Review", &model.ReviewApplicationRequest{Request: model.Request{ID: "x"}, Application: "app1", Decision: model.Approved}, model.RuleAppReviewOrder.Code)
	a := h.review("op", "app1", model.Approved, "")
	if a.Steps[1].Opened.IsZero() || a.Steps[2].Opened.IsZero() == false {
		t.Fatalf("after operator: bureau opened %v, units opened %v", a.Steps[1].Opened, a.Steps[2].Opened)
	}
	// the bureau misses its 5 working days: the step is listed overdue
	h.at("2025-09-15 09:00")
	var over model.PageResult[model.OverdueItem]
	h.okInto(h.as("reg"), "Application:Overdue", map[string]any{}, &over)
	if len(over.Records) != 1 || over.Records[0].Deadline.Party != "bureau" {
		t.Fatalf("overdue %+v", over.Records)
	}
	a = h.review("bureau", "app1", model.Approved, "")
	if a.Steps[2].Opened.IsZero() || a.Steps[3].Opened.IsZero() {
		t.Fatal("source unit steps not opened together")
	}
	// source units answer in any order; su2 first
	a = h.review("su2", "app1", model.Approved, "")
	if a.Status != model.AppPending || a.Grant != "" {
		t.Fatalf("granted before every unit confirmed: %s", a.Status)
	}
	h.refused(h.as("su2"), "Application:Review", &model.ReviewApplicationRequest{Request: model.Request{ID: "again"}, Application: "app1", Decision: model.Approved}, model.RuleAppReviewOrder.Code)
	a = h.review("su1", "app1", model.Approved, "")
	if a.Status != model.AppApproved || a.Grant != "G-app1" {
		t.Fatalf("approved %s grant %s", a.Status, a.Grant)
	}
	var g model.Grant
	h.okInto(h.as("su1"), "Grant:Get", &model.Ref{ID: "G-app1"}, &g)
	if g.Partner != "pt" || len(g.SourceUnits) != 2 || !g.Covers("r2") || g.ValidTo != "2026-06-30" {
		t.Fatalf("grant %+v", g)
	}
	var byRes model.PageResult[*model.Grant]
	h.okInto(h.as("su2"), "Grant:ByResource", &model.ByResourceRequest{Resource: "r2"}, &byRes)
	if len(byRes.Records) != 1 {
		t.Fatalf("grants of r2: %d", len(byRes.Records))
	}
	// a source unit outside the application sees nothing of it
	h.party("su3", model.RoleSourceUnit, "第三个单位")
	h.refused(h.as("su3"), "Application:Get", &model.Ref{ID: "app1"}, model.CodeAccessDenied)
}

func TestApplication_RefusalNeedsReason(t *testing.T) {
	h := newAuthorized(t, "futian")
	h.ok(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")))
	h.refused(h.Bureau, "Application:Review", &model.ReviewApplicationRequest{Request: model.Request{ID: "x"}, Application: "app1", Decision: model.Refused}, model.RuleAppRefusalReason.Code)
	a := h.review("bureau", "app1", model.Refused, "超出最小必要范围")
	if a.Status != model.AppRefused || a.Grant != "" {
		t.Fatalf("refused: %s", a.Status)
	}
	h.refused(h.as("su1"), "Application:Review", &model.ReviewApplicationRequest{Request: model.Request{ID: "y"}, Application: "app1", Decision: model.Approved}, model.RuleAppReviewOrder.Code)
	h.at("2025-12-01 09:00")
	var over model.PageResult[model.OverdueItem]
	h.okInto(h.Bureau, "Application:Overdue", map[string]any{}, &over)
	if len(over.Records) != 0 {
		t.Fatalf("a refused application has overdue steps: %+v", over.Records)
	}
}

// TestApplication_ProvenanceIndexes walks register → catalogue → authorize → apply → approve
// and reads the result through every by-resource query a source unit asks.
func TestApplication_ProvenanceIndexes(t *testing.T) {
	h := newAuthorized(t, "longhua")
	h.ok(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")))
	h.review("bureau", "app1", model.Approved, "")
	h.review("su1", "app1", model.Approved, "")
	var auths model.PageResult[*model.Authorization]
	h.okInto(h.as("su1"), "Authorization:ByResource", &model.ByResourceRequest{Resource: "r1"}, &auths)
	var apps model.PageResult[*model.Application]
	h.okInto(h.as("su1"), "Application:ByResource", &model.ByResourceRequest{Resource: "r1"}, &apps)
	var res model.PageResult[*model.Resource]
	h.okInto(h.as("op"), "Resource:List", &model.ResourcesRequest{Catalogue: model.CatCatalogued}, &res)
	if len(auths.Records) != 1 || len(apps.Records) != 1 || apps.Records[0].Grant != "G-app1" || len(res.Records) != 2 {
		t.Fatalf("auths %d apps %d catalogue %d", len(auths.Records), len(apps.Records), len(res.Records))
	}
	// su2 is not a party to the application on r1
	h.okInto(h.as("su2"), "Application:ByResource", &model.ByResourceRequest{Resource: "r1"}, &apps)
	if len(apps.Records) != 0 {
		t.Fatal("su2 sees su1's application")
	}
}
