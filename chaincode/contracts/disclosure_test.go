package contracts

import (
	"testing"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

func TestDisclosure_PublicListsForAnyone(t *testing.T) {
	h := pricedMarket(t) // p1 registered, cap and price filed
	h.submit("p2", model.ClassIndustry)
	h.registered("p3", model.ClassPublicInterest)
	h.ok(h.Bureau, "Product:Suspend", map[string]any{"id": h.id("s"), "product": "p3", "reason": "整改"})
	h.ok(h.as("ex"), "Product:ListOnExchange", map[string]any{"id": h.id("l"), "product": "p1"})
	h.setAuthStatus("auth2", model.AuthSuspended)
	h.authorization("auth3", "op2", model.AuthTerminated, "r1")
	public := stubtest.NewIdentity("PublicMSP", "citizen", "client") // bound to no participant

	var products model.PageResult[model.PublicProduct]
	h.okInto(public, "Disclosure:Products", "{}", &products)
	if len(products.Records) != 1 {
		t.Fatalf("public sees %d products", len(products.Records))
	}
	p := products.Records[0]
	if p.ID != "p1" || p.OperatorName != "龙华数据运营有限公司" || p.Form != model.FormAPI || p.Class != model.ClassIndustry ||
		p.Status != model.ProductListed || p.RegistrationNo == "" || len(p.Exchanges) != 1 || len(p.Scenarios) != 1 {
		t.Fatalf("product = %+v", p)
	}
	products = model.PageResult[model.PublicProduct]{}
	h.okInto(public, "Disclosure:Products", `{"includeInactive":true}`, &products)
	if len(products.Records) != 2 || products.Records[1].Status != model.ProductSuspended {
		t.Fatalf("with inactive: %+v", products.Records)
	}

	var fees model.FeesDisclosure
	h.okInto(public, "Disclosure:Fees", "{}", &fees)
	if len(fees.Caps) != 1 || fees.Caps[0].CapFen != 100 || len(fees.Prices) != 1 || fees.Prices[0].PriceFen != 50 ||
		fees.Prices[0].ProductName != "产品 p1" || fees.Prices[0].ProductStatus != model.ProductListed {
		t.Fatalf("fees = %+v", fees)
	}
	h.okInto(public, "Disclosure:Fees", `{"product":"p9"}`, &fees)
	if len(fees.Prices) != 0 || len(fees.Caps) != 1 {
		t.Fatalf("fees of p9 = %+v", fees)
	}

	var auths model.PageResult[model.PublicAuthorization]
	h.okInto(public, "Disclosure:Authorizations", "{}", &auths)
	if len(auths.Records) != 1 {
		t.Fatalf("public sees %d authorizations", len(auths.Records))
	}
	a := auths.Records[0]
	if a.ID != "auth1" || a.Operator != "op" || a.OperatorName == "" || a.TermEnd != "2029-12-31" || len(a.ResourceIDs) != 3 {
		t.Fatalf("authorization = %+v", a)
	}
	auths = model.PageResult[model.PublicAuthorization]{}
	h.okInto(public, "Disclosure:Authorizations", `{"includeInactive":true,"pageSize":1}`, &auths)
	if len(auths.Records) != 1 || auths.Records[0].ID != "auth1" || auths.Bookmark == "" {
		t.Fatalf("page 1 = %+v", auths)
	}
	next := auths.Bookmark
	auths = model.PageResult[model.PublicAuthorization]{}
	h.okInto(public, "Disclosure:Authorizations", `{"includeInactive":true,"pageSize":1,"bookmark":"`+next+`"}`, &auths)
	if len(auths.Records) != 1 || auths.Records[0].ID != "auth2" {
		t.Fatalf("page 2 = %+v", auths)
	}
	// a bookmark says there may be more: the rest (a terminated one) is not disclosed
	if auths.Bookmark != "" {
		next = auths.Bookmark
		auths = model.PageResult[model.PublicAuthorization]{}
		h.okInto(public, "Disclosure:Authorizations", `{"includeInactive":true,"pageSize":1,"bookmark":"`+next+`"}`, &auths)
		if len(auths.Records) != 0 || auths.Bookmark != "" {
			t.Fatalf("page 3 = %+v", auths)
		}
	}
	// an authorization past its term is not disclosed as active
	h.at("2030-01-02 09:00")
	auths = model.PageResult[model.PublicAuthorization]{}
	h.okInto(public, "Disclosure:Authorizations", "{}", &auths)
	if len(auths.Records) != 0 {
		t.Fatalf("expired authorization disclosed: %+v", auths.Records)
	}
}

func TestDisclosure_EverythingElseStaysWithTheParties(t *testing.T) {
	h := pricedMarket(t)
	h.submit("p2", model.ClassIndustry)
	h.ok(h.as("op"), "Trade:File", h.signed("Trade:File", "op", tradeReq("t1", "p1", scCredit, 1, 50)))
	h.report("op", revenueReq("rv1", 2024, 1_100_000, bp(800)))
	public := stubtest.NewIdentity("PublicMSP", "citizen", "client")
	for _, c := range []struct{ fn, id string }{
		{"Product:Get", "p2"}, {"Trade:Get", "t1"}, {"Revenue:Get", "rv1"}, {"Product:Provenance", "p2"},
	} {
		h.refused(public, c.fn, map[string]any{"id": c.id}, model.CodeAccessDenied)
		h.refused(h.as("op2"), c.fn, map[string]any{"id": c.id}, model.CodeAccessDenied)
		h.ok(h.as("reg"), c.fn, map[string]any{"id": c.id})
		h.ok(h.Bureau, c.fn, map[string]any{"id": c.id})
		h.ok(h.as("op"), c.fn, map[string]any{"id": c.id})
	}
	// caps, filed prices and registered products are public
	var f model.PageResult[*model.PriceFiling]
	h.okInto(public, "Price:Flagged", "{}", &f)
	h.ok(public, "Product:Get", map[string]any{"id": "p1"})
	var fees model.FeesDisclosure
	h.okInto(public, "Disclosure:Fees", "{}", &fees)
	h.ok(public, "Price:Get", map[string]any{"id": fees.Prices[0].ID})
	h.ok(public, "Price:GetCap", map[string]any{"id": fees.Caps[0].ID})
	// history follows the record's visibility
	h.refused(public, "System:History", map[string]any{"kind": "trade", "id": "t1"}, model.CodeAccessDenied)
	h.ok(h.as("su1"), "System:History", map[string]any{"kind": "trade", "id": "t1"})
}
