package contracts

import (
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

func TestResource_OnlySourceUnitRegistersOwn(t *testing.T) {
	h := newParties(t, "longhua")
	r := h.register("su1", "r1", content("房屋", 2))
	if r.SourceUnit != "su1" || r.Catalogue != model.CatRegistered || r.Public {
		t.Fatalf("registered %+v", r)
	}
	req := &model.RegisterResourceRequest{Request: model.Request{ID: "r9"}, ResourceContent: content("x", 1)}
	h.refused(h.as("op"), "Resource:Register", req, model.RuleResourceOwnUnit.Code)
	h.refused(h.Bureau, "Resource:Register", req, model.RuleResourceOwnUnit.Code)
	upd := &model.UpdateResourceRequest{Request: model.Request{ID: "u1"}, Resource: "r1", ResourceContent: content("房屋 v2", 2)}
	h.refused(h.as("su2"), "Resource:Update", upd, model.RuleResourceOwnUnit.Code)
	// su2 cannot read su1's uncatalogued resource; the regulator can
	h.refused(h.as("su2"), "Resource:Get", &model.Ref{ID: "r1"}, model.CodeAccessDenied)
	h.ok(h.as("reg"), "Resource:Get", &model.Ref{ID: "r1"})
	// versions keep history
	var v2 model.Resource
	h.okInto(h.as("su1"), "Resource:Update", upd, &v2)
	if v2.ResourceVersion != 2 || v2.Name != "房屋 v2" {
		t.Fatalf("update: %+v", v2)
	}
	var rev model.ResourceRevision
	h.okInto(h.as("su1"), "Resource:Revision", &model.Ref{ID: "r1:v1"}, &rev)
	if rev.Snapshot.Name != "房屋" || rev.Snapshot.ResourceVersion != 1 {
		t.Fatalf("revision: %+v", rev.Snapshot)
	}
}

func TestResource_ClosedNeverCatalogued(t *testing.T) {
	h := newParties(t, "longhua")
	c := content("涉密", 2)
	c.Openness = model.OpenClosed
	h.register("su1", "r1", c)
	h.refused(h.Bureau, "Resource:ProposeCatalogue", &model.ProposeCatalogueRequest{Request: model.Request{ID: "p1"}, Resource: "r1"}, model.RuleResourceClosedNotCatalogued.Code)
	// a catalogued resource that becomes closed leaves the catalogue
	h.catalogued("su1", "r2", 2)
	var r model.Resource
	h.okInto(h.as("su1"), "Resource:Update", &model.UpdateResourceRequest{Request: model.Request{ID: "u"}, Resource: "r2", ResourceContent: c}, &r)
	if r.Catalogue != model.CatWithdrawn {
		t.Fatalf("closed catalogued resource is %s, want withdrawn", r.Catalogue)
	}
	h.refused(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 12, "r2"), model.RuleAuthScopeCatalogued.Code)
}

func TestResource_CatalogueNeedsSourceAgreement(t *testing.T) {
	h := newParties(t, "longhua")
	c := content("联合", 2)
	c.ContributingUnits = []string{"su2"}
	h.register("su1", "r1", c)
	h.propose("r1")
	r := h.answer("su1", "r1", true, "")
	if r.Catalogue != model.CatProposed || r.Public {
		t.Fatalf("one of two agreed: %s public=%v", r.Catalogue, r.Public)
	}
	h.refused(h.Bureau, "Authorization:Create", h.createReq("a1", "op", 12, "r1"), model.RuleAuthScopeCatalogued.Code)
	yes := true
	h.refused(h.as("op"), "Resource:AnswerCatalogue", &model.AnswerCatalogueRequest{Request: model.Request{ID: "x"}, Resource: "r1", Agreed: &yes}, model.CodeAccessDenied)
	r = h.answer("su2", "r1", true, "")
	if r.Catalogue != model.CatCatalogued || !r.Public || r.CataloguedAt == nil {
		t.Fatalf("all agreed: %+v", r)
	}
	// anyone may now read it: it is in the public catalogue
	h.ok(h.as("op2"), "Resource:Get", &model.Ref{ID: "r1"})
}

func TestResource_RefusalNeedsReason(t *testing.T) {
	h := newParties(t, "longhua")
	h.register("su1", "r1", content("房屋", 2))
	h.propose("r1")
	no := false
	h.refused(h.as("su1"), "Resource:AnswerCatalogue", &model.AnswerCatalogueRequest{Request: model.Request{ID: "a"}, Resource: "r1", Agreed: &no}, model.RuleResourceRefusalReason.Code)
	r := h.answer("su1", "r1", false, "涉及个人隐私, 依据《个人信息保护法》第十三条")
	if r.Catalogue != model.CatRefused || len(r.Agreements) != 1 || r.Agreements[0].Reason == "" {
		t.Fatalf("refused: %+v", r)
	}
}

func TestResource_CatalogueStepsInOrder(t *testing.T) {
	h := newParties(t, "longhua")
	h.register("su1", "r1", content("房屋", 2))
	yes := true
	h.refused(h.as("su1"), "Resource:AnswerCatalogue", &model.AnswerCatalogueRequest{Request: model.Request{ID: "a"}, Resource: "r1", Agreed: &yes}, model.RuleResourceCatalogueState.Code)
	h.propose("r1")
	h.refused(h.Bureau, "Resource:ProposeCatalogue", &model.ProposeCatalogueRequest{Request: model.Request{ID: "p2"}, Resource: "r1"}, model.RuleResourceCatalogueState.Code)
	h.answer("su1", "r1", true, "")
	h.refused(h.as("su1"), "Resource:AnswerCatalogue", &model.AnswerCatalogueRequest{Request: model.Request{ID: "a2"}, Resource: "r1", Agreed: &yes}, model.RuleResourceCatalogueState.Code)
	// a refused resource may be proposed again
	h.register("su1", "r2", content("企业", 2))
	h.propose("r2")
	h.answer("su1", "r2", false, "数据质量待提升")
	h.propose("r2")
}

func TestResource_SharedFromNeedsProviderConsent(t *testing.T) {
	h := newParties(t, "luohu")
	c := content("共享来的", 2)
	c.SharedFrom = &model.SharedFrom{Region: "深圳市", ProviderUnit: "市公安局"}
	h.register("su1", "r1", c)
	h.refused(h.Bureau, "Resource:ProposeCatalogue", &model.ProposeCatalogueRequest{Request: model.Request{ID: "p"}, Resource: "r1"}, model.RuleResourceSharedConsent.Code)
	c.SharedFrom.ConsentRef, c.SharedFrom.ConsentDigest = "深公函〔2025〕12号", digest("consent")
	h.ok(h.as("su1"), "Resource:Update", &model.UpdateResourceRequest{Request: model.Request{ID: "u"}, Resource: "r1", ResourceContent: c})
	h.propose("r1")
}

func TestResource_HighGradeOnlyPrivacyComputing(t *testing.T) {
	h := newParties(t, "longhua") // privacy_computing_min_grade 3, personal info too
	h.catalogued("su1", "r1", 3)
	h.catalogued("su2", "r2", 2)
	pi := content("个人", 1)
	pi.PersonalInfo = true
	h.register("su2", "r3", pi)
	h.propose("r3")
	h.answer("su2", "r3", true, "")
	h.authorize("auth1", "op", "r1", "r2", "r3")
	var r model.Resource
	h.okInto(h.Bureau, "Resource:Get", &model.Ref{ID: "r1"}, &r)
	if !r.PrivacyComputing {
		t.Fatal("grade 3 resource not flagged for privacy computing")
	}
	h.refused(h.as("op"), "Application:Submit", appReq("app1", "auth1", scCredit, model.MethodSandbox, need("r1")), model.RuleResourcePrivacyComputing.Code)
	h.refused(h.as("op"), "Application:Submit", appReq("app2", "auth1", scCredit, model.MethodDesensitizedAPI, need("r3")), model.RuleResourcePrivacyComputing.Code)
	h.ok(h.as("op"), "Application:Submit", appReq("app3", "auth1", scCredit, model.MethodSandbox, need("r2")))
	h.ok(h.as("op"), "Application:Submit", appReq("app4", "auth1", scCredit, model.MethodPrivacyComputing, need("r1"), need("r3")))
}

func TestResource_IDLeavesRoomForRevisions(t *testing.T) {
	h := newParties(t, "longhua")
	long := "r" + strings.Repeat("x", model.MaxResourceIDLen)
	e := h.refused(h.as("su1"), "Resource:Register", &model.RegisterResourceRequest{Request: model.Request{ID: long}, ResourceContent: content("x", 1)}, model.CodeTooLong)
	if e.Field != "id" || e.Limit != "56" {
		t.Fatalf("error names %s limit %s", e.Field, e.Limit)
	}
	h.register("su1", long[:model.MaxResourceIDLen], content("x", 1))
}
