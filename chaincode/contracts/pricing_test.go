package contracts

import (
	"testing"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

func TestPrice_PublicInterestNotFreeRejected(t *testing.T) {
	h := newMarket(t, "longhua") // 对用于公共治理、公益事业的数据产品和服务，不收取费用
	code := model.RulePricePublicInterestFree.Code
	h.registered("p1", model.ClassPublicInterest)
	e := h.refused(h.as("op"), "Price:File", h.signed("Price:File", "op", priceReq(h.id("price"), "p1", model.UnitPerCall, scCredit, 1)), code)
	if e.Field != "priceFen" || e.Rule == "" {
		t.Fatalf("error = %+v", e)
	}
	// free: accepted, with no cap needed
	f := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 0)
	if f.PriceFen != 0 || f.Class != model.ClassPublicInterest || !f.Public {
		t.Fatalf("filing = %+v", f)
	}
	// no cap above 0 for public-interest products
	h.refused(h.Bureau, "Price:SetCap", &model.SetCapRequest{Request: model.Request{ID: "cap-pi"}, Class: model.ClassPublicInterest,
		Unit: model.UnitPerCall, CapFen: fen(10), Reason: "x"}, code)
	h.setCap(model.ClassPublicInterest, model.UnitPerCall, "", 0)
	// a trade of it is free too
	h.refused(h.as("op"), "Trade:File", h.signed("Trade:File", "op", tradeReq(h.id("t"), "p1", scCredit, 10, 100)), code)
	var tr model.Trade
	h.okInto(h.as("op"), "Trade:File", h.signed("Trade:File", "op", tradeReq(h.id("t"), "p1", scCredit, 10, 0)), &tr)
	if tr.AmountFen != 0 || tr.PriceFiling != "" {
		t.Fatalf("trade = %+v", tr)
	}
	// Futian is silent on public-interest fees: not enforced there
	f2 := newMarket(t, "futian")
	f2.registered("p1", model.ClassPublicInterest)
	f2.filePrice("op", "p1", model.UnitPerCall, scCredit, 5)
}

func TestPrice_AboveCapRejected(t *testing.T) {
	h := newMarket(t, "longhua")
	code := model.RulePriceAboveCap.Code
	h.registered("p1", model.ClassIndustry)
	c := h.setCap(model.ClassIndustry, model.UnitPerCall, "", 50)
	if !c.Public || c.Status != model.PriceActive {
		t.Fatalf("cap = %+v", c)
	}
	e := h.refused(h.as("op"), "Price:File", h.signed("Price:File", "op", priceReq(h.id("price"), "p1", model.UnitPerCall, scCredit, 51)), code)
	if e.Field != "priceFen" || e.Limit != "<= 50" {
		t.Fatalf("error = %+v", e)
	}
	f := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 50)
	if f.Cap != c.ID || f.CapFen == nil || *f.CapFen != 50 {
		t.Fatalf("filing = %+v", f)
	}
	// a product's own cap overrides the general one
	own := h.setCap(model.ClassIndustry, model.UnitPerCall, "p1", 30)
	e = h.refused(h.as("op"), "Price:File", h.signed("Price:File", "op", priceReq(h.id("price"), "p1", model.UnitPerCall, scCredit, 40)), code)
	if e.Limit != "<= 30" {
		t.Fatalf("limit = %s", e.Limit)
	}
	f = h.filePrice("op", "p1", model.UnitPerCall, scCredit, 30)
	if f.Cap != own.ID {
		t.Fatalf("cap = %s", f.Cap)
	}
	// a cap is per unit: a per-volume price needs a per-volume cap
	h.refused(h.as("op"), "Price:File", h.signed("Price:File", "op", priceReq(h.id("price"), "p1", model.UnitPerVolume, scCredit, 1)), model.RulePriceNoCap.Code)
	// only the bureau sets caps; a product cap must match the product's class
	h.refused(h.as("op"), "Price:SetCap", &model.SetCapRequest{Request: model.Request{ID: "c9"}, Class: model.ClassIndustry, Unit: model.UnitPerCall, CapFen: fen(1), Reason: "x"}, model.CodeAccessDenied)
	h.refused(h.Bureau, "Price:SetCap", &model.SetCapRequest{Request: model.Request{ID: "c9"}, Class: model.ClassPublicInterest, Unit: model.UnitPerCall, Product: "p1", CapFen: fen(0), Reason: "x"}, model.CodeOutOfRange)
	// only the product's operator files its price
	h.refused(h.as("op2"), "Price:File", h.signed("Price:File", "op2", priceReq(h.id("price"), "p1", model.UnitPerCall, scCredit, 1)), model.CodeAccessDenied)
	// money is integer fen: a fraction is refused by the decoder
	h.refused(h.as("op"), "Price:File", `{"id":"x","product":"p1","unit":"per_call","priceFen":1.5,"scenario":"s","scope":"s","method":"m","basisDigest":"`+digest("b")+`"}`, model.CodeBadFormat)
}

func TestPrice_NoCapRejected(t *testing.T) {
	h := newMarket(t, "longhua") // pricing.price_cap_required
	h.registered("p1", model.ClassIndustry)
	e := h.refused(h.as("op"), "Price:File", h.signed("Price:File", "op", priceReq(h.id("price"), "p1", model.UnitPerCall, scCredit, 10)), model.RulePriceNoCap.Code)
	if e.Field != "unit" {
		t.Fatalf("field = %s", e.Field)
	}
	h.setCap(model.ClassIndustry, model.UnitPerCall, "", 10)
	h.filePrice("op", "p1", model.UnitPerCall, scCredit, 10)
	// Guangdong requires no cap (its 定价制度 另行制定): a price is filed without one
	g := newMarket(t, "guangdong")
	g.registered("p1", model.ClassIndustry)
	if f := g.filePrice("op", "p1", model.UnitPerCall, scCredit, 10); f.Cap != "" || f.CapFen != nil {
		t.Fatalf("filing = %+v", f)
	}
}

func TestPrice_CapCutFlagsFiling(t *testing.T) {
	h := newMarket(t, "longhua")
	h.registered("p1", model.ClassIndustry)
	h.registered("p2", model.ClassIndustry)
	h.setCap(model.ClassIndustry, model.UnitPerCall, "", 50)
	f1 := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 50)
	f2 := h.filePrice("op", "p2", model.UnitPerCall, scCredit, 20)
	cut := h.setCap(model.ClassIndustry, model.UnitPerCall, "", 40)
	if cut.Previous == "" {
		t.Fatalf("cap = %+v", cut)
	}
	var old model.PriceCap
	h.okInto(h.Bureau, "Price:GetCap", map[string]any{"id": cut.Previous}, &old)
	if old.Status != model.PriceSuperseded || old.SupersededBy != cut.ID {
		t.Fatalf("old cap = %+v", old)
	}
	stranger := stubtest.NewIdentity("OperatorMSP", "public", "client")
	var flagged model.PageResult[*model.PriceFiling]
	h.okInto(stranger, "Price:Flagged", "{}", &flagged)
	if len(flagged.Records) != 1 || flagged.Records[0].ID != f1.ID {
		t.Fatalf("flagged = %+v", flagged.Records)
	}
	fl := flagged.Records[0].Flag
	if fl == nil || fl.Rule != model.RulePriceCapCut.Code || fl.Cap != cut.ID || fl.CapFen != 40 || fl.PriceFen != 50 {
		t.Fatalf("flag = %+v", fl)
	}
	var f model.PriceFiling
	h.okInto(stranger, "Price:Get", map[string]any{"id": f2.ID}, &f)
	if f.Flag != nil {
		t.Fatal("a price within the new cap was flagged")
	}
	// refiling within the cap supersedes the flagged price and clears the list
	nf := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 40)
	if nf.Previous != f1.ID || nf.Flag != nil {
		t.Fatalf("new filing = %+v", nf)
	}
	h.okInto(stranger, "Price:Get", map[string]any{"id": f1.ID}, &f)
	if f.Status != model.PriceSuperseded || f.SupersededBy != nf.ID {
		t.Fatalf("old filing = %+v", f)
	}
	flagged = model.PageResult[*model.PriceFiling]{}
	h.okInto(stranger, "Price:Flagged", "{}", &flagged)
	if len(flagged.Records) != 0 {
		t.Fatalf("still flagged: %d", len(flagged.Records))
	}
	// a product's own cut flags only that product; raising it again clears the flag
	h.setCap(model.ClassIndustry, model.UnitPerCall, "p2", 10)
	h.okInto(stranger, "Price:Flagged", "{}", &flagged)
	if len(flagged.Records) != 1 || flagged.Records[0].Product != "p2" {
		t.Fatalf("flagged = %+v", flagged.Records)
	}
	h.setCap(model.ClassIndustry, model.UnitPerCall, "p2", 25)
	flagged = model.PageResult[*model.PriceFiling]{}
	h.okInto(stranger, "Price:Flagged", "{}", &flagged)
	if len(flagged.Records) != 0 {
		t.Fatalf("raised cap left %d flagged", len(flagged.Records))
	}
	// a general cut does not touch a product that has its own cap
	h.setCap(model.ClassIndustry, model.UnitPerCall, "", 5)
	h.okInto(stranger, "Price:Flagged", "{}", &flagged)
	if len(flagged.Records) != 1 || flagged.Records[0].Product != "p1" {
		t.Fatalf("flagged = %+v", flagged.Records)
	}
}

func TestPrice_FilingSupersedesSameKeyOnly(t *testing.T) {
	h := newMarket(t, "guangdong")
	var p model.Product
	h.okInto(h.as("op"), "Product:Submit", productReq("p1", model.ClassIndustry, []string{scCredit, scCity}, []string{"g1", "g2"}, []string{"r1", "r3"}), &p)
	h.approve("p1")
	h.registerProduct("op", "p1")
	a := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 10)
	b := h.filePrice("op", "p1", model.UnitPerCall, scCity, 12)
	c := h.filePrice("op", "p1", model.UnitPerVolume, scCredit, 3)
	d := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 9)
	if d.Previous != a.ID || b.Previous != "" || c.Previous != "" {
		t.Fatalf("previous: d=%q b=%q c=%q", d.Previous, b.Previous, c.Previous)
	}
	var fees model.FeesDisclosure
	h.okInto(h.as("op2"), "Disclosure:Fees", map[string]any{"product": "p1"}, &fees)
	if len(fees.Prices) != 3 {
		t.Fatalf("%d prices in force", len(fees.Prices))
	}
	// a scenario the product was not approved for is refused
	h.refused(h.as("op"), "Price:File", priceReq("px", "p1", model.UnitPerCall, "精准营销", 1), model.RuleProductScenarioNotApproved.Code)
}
