package contracts

import (
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Fixture for the resource, authorization and application tests: everything goes through
// the contracts.

func content(name string, grade int, items ...string) model.ResourceContent {
	if len(items) == 0 {
		items = []string{"名称", "地址", "日期"}
	}
	return model.ResourceContent{Name: name, Summary: "测试资源 " + name, DataItems: items, DataType: "table",
		Openness: model.OpenConditional, Grade: grade, Domain: "城市治理", Coverage: "全区", UpdateFrequency: "monthly"}
}

// newParties is a ledger with the bureau, source units su1 su2, operators op op2, partner
// pt and regulator reg.
func newParties(t *testing.T, preset string) *harness {
	t.Helper()
	h := newHarness(t, preset)
	h.party("su1", model.RoleSourceUnit, "区住房和建设局")
	h.party("su2", model.RoleSourceUnit, "区市场监督管理局")
	h.party("op", model.RoleOperator, "龙华数据运营有限公司")
	h.party("op2", model.RoleOperator, "另一运营机构")
	h.party("pt", model.RolePartner, "协作单位")
	h.party("reg", model.RoleRegulator, "区审计局")
	return h
}

func (h *harness) register(unit, id string, c model.ResourceContent) *model.Resource {
	h.t.Helper()
	var r model.Resource
	h.okInto(h.as(unit), "Resource:Register", &model.RegisterResourceRequest{Request: model.Request{ID: id}, ResourceContent: c}, &r)
	return &r
}

func (h *harness) propose(id string) {
	h.t.Helper()
	h.ok(h.Bureau, "Resource:ProposeCatalogue", &model.ProposeCatalogueRequest{Request: model.Request{ID: h.id("propose")}, Resource: id})
}

func (h *harness) answer(unit, id string, agreed bool, reason string) *model.Resource {
	h.t.Helper()
	var r model.Resource
	h.okInto(h.as(unit), "Resource:AnswerCatalogue", &model.AnswerCatalogueRequest{Request: model.Request{ID: h.id("answer")}, Resource: id, Agreed: &agreed, Reason: reason}, &r)
	return &r
}

// catalogued registers a resource of unit and walks it into the catalogue.
func (h *harness) catalogued(unit, id string, grade int) {
	h.t.Helper()
	h.register(unit, id, content("资源 "+id, grade))
	h.propose(id)
	h.answer(unit, id, true, "")
}

func (h *harness) createReq(id, op string, months int, resources ...string) *model.CreateAuthorizationRequest {
	prof := h.profileMode()
	req := &model.CreateAuthorizationRequest{Request: model.Request{ID: id}, Operator: op, Mode: model.AuthMode(prof), ResourceIDs: resources,
		TermMonths: months, AgreementDigest: digest("agreement " + id)}
	if req.Mode == model.ModePerScenario {
		req.Scenarios = []string{scCredit, scCity}
	}
	return req
}

// profileMode is the mode the ledger's profile prescribes (whole when silent).
func (h *harness) profileMode() string {
	var rec model.ProfileRecord
	h.okInto(h.Bureau, "Profile:Get", map[string]any{}, &rec)
	p, err := rec.Policy()
	if err != nil {
		h.t.Fatal(err)
	}
	if m, ok := p.Authorization.Mode.Get(); ok {
		return m
	}
	return string(model.ModeWhole)
}

func (h *harness) signAuth(party, auth string) *model.Authorization {
	h.t.Helper()
	var a model.Authorization
	req := &model.SignAuthorizationRequest{AuthorizationRef: model.AuthorizationRef{Request: model.Request{ID: h.id("sign")}, Authorization: auth}}
	who := h.as(party)
	h.okInto(who, "Authorization:Sign", h.signed("Authorization:Sign", party, req), &a)
	return &a
}

// authorize creates, waits out any publicity and has both parties sign.
func (h *harness) authorize(id, op string, resources ...string) *model.Authorization {
	h.t.Helper()
	var a model.Authorization
	h.okInto(h.Bureau, "Authorization:Create", h.createReq(id, op, 24, resources...), &a)
	if h.L.Now.Before(a.PublicityEnds) {
		h.L.Now = a.PublicityEnds.Add(time.Hour)
	}
	h.signAuth("bureau", id)
	return h.signAuth(op, id)
}

func (h *harness) auth(id string) *model.Authorization {
	h.t.Helper()
	var a model.Authorization
	h.okInto(h.Bureau, "Authorization:Get", &model.Ref{ID: id}, &a)
	return &a
}

func appReq(id, auth, scenario string, method model.Method, data ...model.DataRequest) *model.SubmitApplicationRequest {
	return &model.SubmitApplicationRequest{Request: model.Request{ID: id}, Authorization: auth, Scenario: scenario, ServiceObjects: "金融机构",
		ServiceScope: "全区", ExpectedOutcome: "授信评估", DataList: data, Method: method, UsageFrom: "2025-10-01", UsageTo: "2026-06-30"}
}

func need(resource string, items ...string) model.DataRequest {
	if len(items) == 0 {
		items = []string{"名称"}
	}
	return model.DataRequest{Resource: resource, Items: items, Necessity: "最小必要"}
}

func (h *harness) review(party, app string, d model.Decision, reason string) *model.Application {
	h.t.Helper()
	var a model.Application
	h.okInto(h.as(party), "Application:Review", &model.ReviewApplicationRequest{Request: model.Request{ID: h.id("rv")}, Application: app, Decision: d, Reason: reason}, &a)
	return &a
}

// newAuthorized is newParties with r1 (su1), r2 (su2) catalogued and auth1 active for op.
func newAuthorized(t *testing.T, preset string) *harness {
	h := newParties(t, preset)
	h.catalogued("su1", "r1", 2)
	h.catalogued("su2", "r2", 2)
	h.authorize("auth1", "op", "r1", "r2")
	return h
}
