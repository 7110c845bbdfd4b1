package contracts

import (
	"encoding/json"
	"testing"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

func TestProduct_SubmitLinksGrantsAndResources(t *testing.T) {
	h := newMarket(t, "guangdong")
	p := h.submit("p1", model.ClassIndustry)
	if p.Status != model.ProductSubmitted || p.Operator != "op" || p.Public {
		t.Fatalf("product = %+v", p)
	}
	if len(p.Sources) != 1 || p.Sources[0].Grant != "g1" || p.Sources[0].Authorization != "auth1" || len(p.Sources[0].Resources) != 2 {
		t.Fatalf("sources = %+v", p.Sources)
	}
	if len(p.SourceUnits) != 2 || p.SourceUnits[0] != "su1" || p.SourceUnits[1] != "su2" {
		t.Fatalf("source units = %v", p.SourceUnits)
	}
	if len(p.Authorizations) != 1 || p.Authorizations[0] != "auth1" {
		t.Fatalf("authorizations = %v", p.Authorizations)
	}
	if e := h.lastEvent(); e.Type != "product.submitted" || e.Records[0].Public {
		t.Fatalf("event = %s public=%v", e.Type, e.Records[0].Public)
	}
	// only operators submit
	h.refused(h.as("su1"), "Product:Submit", productReq("p2", model.ClassIndustry, []string{scCredit}, []string{"g1"}, []string{"r1"}), model.CodeAccessDenied)
	// the form and class are enumerations
	bad := productReq("p3", "commercial", []string{scCredit}, []string{"g1"}, []string{"r1"})
	if e := h.refused(h.as("op"), "Product:Submit", bad, model.CodeBadEnum); e.Field != "class" {
		t.Fatalf("field = %s", e.Field)
	}
}

func TestProduct_GrantNotActiveRejected(t *testing.T) {
	h := newMarket(t, "guangdong")
	code := model.RuleProductGrantNotUsable.Code
	// another operator's grant
	e := h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit}, []string{"g3"}, []string{"r1"}), code)
	if e.Field != "grantIds[0]" {
		t.Fatalf("field = %s", e.Field)
	}
	// a revoked grant
	var g model.Grant
	h.get(model.KindGrant, "g2", &g)
	g.Status = model.GrantRevoked
	h.put(&g)
	h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCity}, []string{"g2"}, []string{"r3"}), code)
	// a grant past its validity period
	h.get(model.KindGrant, "g2", &g)
	g.Status, g.ValidTo = model.GrantActive, "2025-08-31"
	h.put(&g)
	h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCity}, []string{"g2"}, []string{"r3"}), code)
	// a grant under a suspended authorization (refused as AUTH_NOT_ACTIVE)
	h.setAuthStatus("auth1", model.AuthSuspended)
	h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit}, []string{"g1"}, []string{"r1"}), "AUTH_NOT_ACTIVE")
	// an unknown grant
	if e := h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit}, []string{"nope"}, []string{"r1"}), model.CodeNotFound); e.Field != "grantIds[0]" {
		t.Fatalf("field = %s", e.Field)
	}
	// accepted: an active grant of the operator under an active authorization
	h.setAuthStatus("auth1", model.AuthActive)
	h.submit("p1", model.ClassIndustry)
}

func TestProduct_ResourceOutsideGrantRejected(t *testing.T) {
	h := newMarket(t, "guangdong")
	code := model.RuleProductResourceNotGranted.Code
	// r3 is in the authorization, but g1 does not cover it
	e := h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit}, []string{"g1"}, []string{"r1", "r3"}), code)
	if e.Field != "resourceIds[1]" {
		t.Fatalf("field = %s", e.Field)
	}
	// an unregistered resource
	h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit}, []string{"g1"}, []string{"r9"}), model.CodeNotFound)
	// a grant the product takes nothing from cannot lend it its scenario
	e = h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit, scCity}, []string{"g1", "g2"}, []string{"r1"}), code)
	if e.Field != "grantIds[1]" {
		t.Fatalf("field = %s", e.Field)
	}
	// with g2 the product may use r3 too, for both grants' scenarios
	var p model.Product
	h.okInto(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit, scCity}, []string{"g1", "g2"}, []string{"r1", "r3"}), &p)
	if len(p.Sources) != 2 || p.Sources[0].Resources[0] != "r1" || p.Sources[1].Resources[0] != "r3" || len(p.SourceUnits) != 1 {
		t.Fatalf("sources = %+v units = %v", p.Sources, p.SourceUnits)
	}
}

func TestProduct_ScenarioOutsideGrantRejected(t *testing.T) {
	h := newMarket(t, "guangdong")
	e := h.refused(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit, scCity}, []string{"g1"}, []string{"r1"}), model.RuleProductScenarioNotGranted.Code)
	if e.Field != "scenarios[1]" {
		t.Fatalf("field = %s", e.Field)
	}
	h.ok(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit}, []string{"g1"}, []string{"r1"}))
}

func TestProduct_ApprovalNeedsAllSixChecks(t *testing.T) {
	h := newMarket(t, "guangdong")
	h.submit("p1", model.ClassIndustry)
	review := func(checks model.ProductChecks, d model.Decision, reason string) *model.ReviewProductRequest {
		return &model.ReviewProductRequest{Request: model.Request{ID: h.id("review")}, Product: "p1", Checks: checks, Decision: d, Reason: reason}
	}
	failing := map[string]func(c *model.ProductChecks){
		"purposeScopeMatch":      func(c *model.ProductChecks) { c.PurposeScopeMatch.Passed = no() },
		"sourcesStatedLawful":    func(c *model.ProductChecks) { c.SourcesStatedLawful.Passed = no() },
		"noRawSensitiveExposure": func(c *model.ProductChecks) { c.NoRawSensitiveExposure.Passed = no() },
		"noLeakRisk":             func(c *model.ProductChecks) { c.NoLeakRisk.Passed = no() },
		"crossBorder":            func(c *model.ProductChecks) { c.CrossBorder.Passed = no() },
		"otherRisks":             func(c *model.ProductChecks) { c.OtherRisks.Passed = no() },
	}
	for name, fail := range failing {
		c := allPass()
		fail(&c)
		e := h.refused(h.Bureau, "Product:Review", review(c, model.Approved, ""), model.RuleProductReviewChecks.Code)
		if e.Field != "checks."+name {
			t.Errorf("%s: field = %s", name, e.Field)
		}
	}
	// every check must be stated: an omitted one is missing, not "false"
	c := allPass()
	c.NoLeakRisk.Passed = nil
	if e := h.refused(h.Bureau, "Product:Review", review(c, model.Approved, ""), model.CodeMissingField); e.Field != "checks.noLeakRisk.passed" {
		t.Fatalf("field = %s", e.Field)
	}
	// data leaving the country needs the assessment named
	c = allPass()
	c.CrossBorder.Involved = yes()
	if e := h.refused(h.Bureau, "Product:Review", review(c, model.Approved, ""), model.CodeMissingField); e.Field != "checks.crossBorder.note" {
		t.Fatalf("field = %s", e.Field)
	}
	// only the bureau reviews
	h.refused(h.as("op"), "Product:Review", review(allPass(), model.Approved, ""), model.CodeAccessDenied)
	// accepted: six passed checks, recorded one by one
	c = allPass()
	c.CrossBorder = model.CrossBorderCheck{Involved: yes(), Passed: yes(), Note: "数据出境安全评估 2025-001 已通过"}
	var p model.Product
	h.okInto(h.Bureau, "Product:Review", review(c, model.Approved, ""), &p)
	if p.Status != model.ProductApproved || p.Review == nil || !*p.Review.Checks.CrossBorder.Involved || p.Review.Reviewer != "bureau" {
		t.Fatalf("product = %+v review = %+v", p, p.Review)
	}
	// reviewed once
	h.refused(h.Bureau, "Product:Review", review(allPass(), model.Approved, ""), model.CodeBadState)
	// a refusal with a failed check and a reason
	h.submit("p2", model.ClassIndustry)
	c = allPass()
	c.NoRawSensitiveExposure.Passed = no()
	rq := review(c, model.Refused, "")
	rq.Product = "p2"
	h.refused(h.Bureau, "Product:Review", rq, model.CodeMissingField)
	rq = review(c, model.Refused, "存在原始数据直接暴露风险")
	rq.Product = "p2"
	h.okInto(h.Bureau, "Product:Review", rq, &p)
	if p.Status != model.ProductRejected {
		t.Fatalf("status = %s", p.Status)
	}
}

func TestProduct_ReviewDeadlineAndOverdue(t *testing.T) {
	h := newMarket(t, "guangdong") // product.review_working_days = 10 (《广东省…管理办法》第二十六条)
	h.at("2025-09-26 10:00")       // Friday before the National Day holidays (2025-10-01..08, 09-28 and 10-11 worked)
	p := h.submit("p1", model.ClassIndustry)
	d := p.ReviewDeadline
	if d == nil || d.Party != "bureau" || !d.Covered {
		t.Fatalf("deadline = %+v", d)
	}
	// 09-28 (Sun, worked), 09-29, 09-30, 10-09, 10-10, 10-11 (Sat, worked), 10-13..10-16
	if got := model.DateOf(d.Due); got != "2025-10-16" {
		t.Fatalf("due %s, want 2025-10-16", got)
	}
	h.submit("p2", model.ClassIndustry)
	var list model.PageResult[*model.Product]
	h.okInto(h.Bureau, "Product:Overdue", "{}", &list)
	if len(list.Records) != 0 {
		t.Fatalf("overdue before the deadline: %d", len(list.Records))
	}
	h.at("2025-10-17 09:00")
	h.okInto(h.as("reg"), "Product:Overdue", "{}", &list)
	if len(list.Records) != 2 || list.Records[0].ID != "p1" {
		t.Fatalf("regulator sees %d overdue", len(list.Records))
	}
	h.okInto(h.as("op2"), "Product:Overdue", "{}", &list)
	if len(list.Records) != 0 {
		t.Fatal("another operator sees op's overdue products")
	}
	h.okInto(h.Bureau, "Product:Overdue", `{"pageSize":1}`, &list)
	if len(list.Records) != 1 || list.Bookmark == "" {
		t.Fatalf("page = %+v", list)
	}
	bm := list.Bookmark
	list = model.PageResult[*model.Product]{}
	h.okInto(h.Bureau, "Product:Overdue", map[string]any{"pageSize": 1, "bookmark": bm}, &list)
	if len(list.Records) != 1 || list.Records[0].ID != "p2" || list.Bookmark != "" {
		t.Fatalf("second page = %+v", list)
	}
	// a late review meets the deadline late and leaves the overdue list
	h.approve("p1")
	var got model.Product
	h.okInto(h.Bureau, "Product:Get", map[string]any{"id": "p1"}, &got)
	if got.ReviewDeadline.Met == nil || !got.ReviewDeadline.Met.After(got.ReviewDeadline.Due) {
		t.Fatalf("deadline = %+v", got.ReviewDeadline)
	}
	h.okInto(h.Bureau, "Product:Overdue", "{}", &list)
	if len(list.Records) != 1 || list.Records[0].ID != "p2" {
		t.Fatalf("after review: %d overdue", len(list.Records))
	}
	// Longhua sets no review deadline: nothing is ever overdue
	l := newMarket(t, "longhua")
	if p := l.submit("p1", model.ClassIndustry); p.ReviewDeadline != nil {
		t.Fatalf("longhua deadline = %+v", p.ReviewDeadline)
	}
}

func TestProduct_OperatorRedevelopmentRejected(t *testing.T) {
	h := newMarket(t, "guangdong") // product.operator_redevelopment_banned (《广东省…管理办法》第二十五条)
	h.registered("p1", model.ClassIndustry)
	derived := productReq("p2", model.ClassIndustry, []string{scCredit}, []string{"g1"}, []string{"r1"})
	derived.DerivedFrom = []string{"p1"}
	e := h.refused(h.as("op"), "Product:Submit", derived, model.RuleProductRedevelopment.Code)
	if e.Field != "derivedFrom[0]" {
		t.Fatalf("field = %s", e.Field)
	}
	// another operator may re-develop it (encouraged: 鼓励其他经营主体…再开发)
	other := productReq("p3", model.ClassIndustry, []string{scCredit}, []string{"g3"}, []string{"r1"})
	other.DerivedFrom = []string{"p1"}
	h.ok(h.as("op2"), "Product:Submit", other)
	// only a delivered (registered) product is re-developed
	h.submit("p4", model.ClassIndustry)
	other = productReq("p5", model.ClassIndustry, []string{scCredit}, []string{"g3"}, []string{"r1"})
	other.DerivedFrom = []string{"p4"}
	h.refused(h.as("op2"), "Product:Submit", other, model.CodeBadState)
	var prov model.ProductProvenance
	h.okInto(h.Bureau, "Product:Provenance", map[string]any{"id": "p1"}, &prov)
	if len(prov.Derivatives) != 1 || prov.Derivatives[0] != "p3" {
		t.Fatalf("derivatives = %v", prov.Derivatives)
	}
	// Longhua is silent: its operators may build on their own products
	l := newMarket(t, "longhua")
	l.registered("p1", model.ClassIndustry)
	l.ok(l.as("op"), "Product:Submit", derived)
}

func TestProduct_RegistrationBeforeApprovalRejected(t *testing.T) {
	h := newMarket(t, "longhua") // SM2 signatures required on filings
	code := model.RuleProductNotApproved.Code
	h.submit("p1", model.ClassIndustry)
	reg := func(who, product string) *model.RegisterProductRequest {
		return h.signed("Product:Register", who, &model.RegisterProductRequest{Request: model.Request{ID: h.id("register")}, Product: product}).(*model.RegisterProductRequest)
	}
	h.refused(h.as("op"), "Product:Register", reg("op", "p1"), code)
	h.approve("p1")
	h.refused(h.as("op2"), "Product:Register", reg("op2", "p1"), code)
	unsigned := &model.RegisterProductRequest{Request: model.Request{ID: h.id("register")}, Product: "p1"}
	h.refused(h.as("op"), "Product:Register", unsigned, model.CodeSignature)
	p := h.registerProduct("op", "p1")
	if p.Status != model.ProductRegistered || p.RegistrationNo != "DP-2025-000001" || !p.Public || p.RegisteredAt == nil || p.RegistrationSig == nil {
		t.Fatalf("product = %+v", p)
	}
	if p2 := h.registered("p2", model.ClassIndustry); p2.RegistrationNo != "DP-2025-000002" {
		t.Fatalf("second number %s", p2.RegistrationNo)
	}
	h.refused(h.as("op"), "Product:Register", reg("op", "p1"), model.CodeBadState)
	// a rejected product is never registered
	h.submit("p3", model.ClassIndustry)
	c := allPass()
	c.OtherRisks.Passed = no()
	h.ok(h.Bureau, "Product:Review", &model.ReviewProductRequest{Request: model.Request{ID: h.id("r")}, Product: "p3", Checks: c, Decision: model.Refused, Reason: "风险"})
	h.refused(h.as("op"), "Product:Register", reg("op", "p3"), code)
	// registration needs the operator's authorization active at that time
	h.submit("p4", model.ClassIndustry)
	h.approve("p4")
	h.setAuthStatus("auth1", model.AuthSuspended)
	h.refused(h.as("op"), "Product:Register", reg("op", "p4"), "AUTH_NOT_ACTIVE")
	// once registered, anyone may read it
	stranger := stubtest.NewIdentity("OperatorMSP", "stranger", "client")
	h.ok(stranger, "Product:Get", map[string]any{"id": "p1"})
	h.refused(stranger, "Product:Get", map[string]any{"id": "p4"}, model.CodeAccessDenied)
}

func TestProduct_ListingBeforeRegistrationRejected(t *testing.T) {
	h := newMarket(t, "longhua")
	code := model.RuleProductNotRegistered.Code
	list := func(product string) map[string]any {
		return map[string]any{"id": h.id("list"), "product": product, "listingRef": "SZDEX-2025-0001"}
	}
	h.submit("p1", model.ClassIndustry)
	h.refused(h.as("ex"), "Product:ListOnExchange", list("p1"), code)
	h.approve("p1")
	h.refused(h.as("ex"), "Product:ListOnExchange", list("p1"), code)
	// a price is filed only for a registered product, too
	h.setCap(model.ClassIndustry, model.UnitPerCall, "", 100)
	h.refused(h.as("op"), "Price:File", h.signed("Price:File", "op", priceReq(h.id("price"), "p1", model.UnitPerCall, scCredit, 50)), code)
	h.registerProduct("op", "p1")
	h.refused(h.as("op"), "Product:ListOnExchange", list("p1"), model.CodeAccessDenied)
	var p model.Product
	h.okInto(h.as("ex"), "Product:ListOnExchange", list("p1"), &p)
	if p.Status != model.ProductListed || len(p.Listings) != 1 || p.Listings[0].Exchange != "ex" {
		t.Fatalf("product = %+v", p)
	}
	h.refused(h.as("ex"), "Product:ListOnExchange", list("p1"), model.CodeAlreadyExists)
	// a suspended product is not listed
	h.registered("p2", model.ClassIndustry)
	h.ok(h.Bureau, "Product:Suspend", map[string]any{"id": h.id("s"), "product": "p2", "reason": "整改"})
	h.refused(h.as("ex"), "Product:ListOnExchange", list("p2"), model.RuleProductNotInForce.Code)
}

func TestProduct_SuspendResumeRevoke(t *testing.T) {
	h := newMarket(t, "guangdong")
	h.registered("p1", model.ClassIndustry)
	h.ok(h.as("ex"), "Product:ListOnExchange", map[string]any{"id": h.id("l"), "product": "p1"})
	req := func() map[string]any {
		return map[string]any{"id": h.id("s"), "product": "p1", "reason": "监督检查发现问题"}
	}
	h.refused(h.as("op"), "Product:Suspend", req(), model.CodeAccessDenied)
	var p model.Product
	h.okInto(h.Bureau, "Product:Suspend", req(), &p)
	if p.Status != model.ProductSuspended || p.SuspendedFrom != model.ProductListed {
		t.Fatalf("suspended: %+v", p)
	}
	h.refused(h.Bureau, "Product:Suspend", req(), model.CodeBadState)
	h.okInto(h.Bureau, "Product:Resume", req(), &p)
	if p.Status != model.ProductListed || len(p.StatusChanges) != 2 {
		t.Fatalf("resumed: %+v", p)
	}
	h.okInto(h.Bureau, "Product:Revoke", req(), &p)
	if p.Status != model.ProductRevoked {
		t.Fatalf("revoked: %+v", p)
	}
	h.refused(h.Bureau, "Product:Resume", req(), model.CodeBadState)
	h.refused(h.Bureau, "Product:Revoke", req(), model.CodeBadState)
	// a submitted product is refused in review, not revoked
	h.submit("p2", model.ClassIndustry)
	h.refused(h.Bureau, "Product:Revoke", map[string]any{"id": h.id("s"), "product": "p2", "reason": "x"}, model.CodeBadState)
}

func TestProduct_ProvenanceBothWays(t *testing.T) {
	h := newMarket(t, "guangdong")
	var p model.Product
	h.okInto(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit, scCity}, []string{"g1", "g2"}, []string{"r1", "r2", "r3"}), &p)
	h.ok(h.as("op2"), "Product:Submit", productReq("q1", model.ClassIndustry, []string{scCredit}, []string{"g3"}, []string{"r1"}))
	// resource → products: the source unit sees every product made from its resource
	var ps []model.Product
	h.okInto(h.as("su1"), "Product:ByResource", map[string]any{"resource": "r1"}, &ps)
	if len(ps) != 2 || ps[0].ID != "p1" || ps[1].ID != "q1" {
		t.Fatalf("su1 sees %d products of r1", len(ps))
	}
	// su2 contributed r2 only: it sees p1, not q1
	h.okInto(h.as("su2"), "Product:ByResource", map[string]any{"resource": "r1"}, &ps)
	if len(ps) != 1 || ps[0].ID != "p1" {
		t.Fatalf("su2 sees %d products of r1", len(ps))
	}
	// another operator sees neither the unregistered product nor its provenance
	h.okInto(h.as("op2"), "Product:ByResource", map[string]any{"resource": "r3"}, &ps)
	if len(ps) != 0 {
		t.Fatal("op2 sees op's unregistered product")
	}
	h.refused(h.as("op2"), "Product:Provenance", map[string]any{"id": "p1"}, model.CodeAccessDenied)
	// grant → products
	h.okInto(h.as("reg"), "Product:ByGrant", map[string]any{"grant": "g2"}, &ps)
	if len(ps) != 1 || ps[0].ID != "p1" {
		t.Fatalf("g2 products: %d", len(ps))
	}
	// product → grants → authorizations → resources
	var prov model.ProductProvenance
	h.okInto(h.as("su2"), "Product:Provenance", map[string]any{"id": "p1"}, &prov)
	raw, _ := json.Marshal(prov.Sources)
	if string(raw) != `[{"grantId":"g1","authorizationId":"auth1","scenario":"企业信用评估","resourceIds":["r1","r2"]},{"grantId":"g2","authorizationId":"auth1","scenario":"城中村改造规划与评估","resourceIds":["r3"]}]` {
		t.Fatalf("sources = %s", raw)
	}
	// after registration the product is public
	h.approve("p1")
	h.registerProduct("op", "p1")
	h.okInto(h.as("op2"), "Product:ByResource", map[string]any{"resource": "r3"}, &ps)
	if len(ps) != 1 {
		t.Fatal("registered product not public")
	}
}
