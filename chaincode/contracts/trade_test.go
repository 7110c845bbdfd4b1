package contracts

import (
	"math"
	"testing"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// pricedMarket: longhua, product p1 of op registered, cap 100 fen per call, price 50 fen
// per call for the credit scenario.
func pricedMarket(t *testing.T) *harness {
	t.Helper()
	h := newMarket(t, "longhua")
	h.registered("p1", model.ClassIndustry)
	h.setCap(model.ClassIndustry, model.UnitPerCall, "", 100)
	h.filePrice("op", "p1", model.UnitPerCall, scCredit, 50)
	return h
}

func (h *harness) trade(who string, req *model.FileTradeRequest) model.Requester {
	return h.signed("Trade:File", who, req)
}

func TestTrade_ProductNotInForceRejected(t *testing.T) {
	h := pricedMarket(t)
	code := model.RuleProductNotInForce.Code
	// approved but not registered
	h.submit("p2", model.ClassIndustry)
	h.approve("p2")
	h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p2", scCredit, 1, 0)), code)
	// suspended, then resumed
	h.ok(h.Bureau, "Product:Suspend", map[string]any{"id": h.id("s"), "product": "p1", "reason": "整改"})
	h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 50)), code)
	h.ok(h.Bureau, "Product:Resume", map[string]any{"id": h.id("s"), "product": "p1", "reason": "整改完成"})
	var tr model.Trade
	h.okInto(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 50)), &tr)
	if tr.PriceFiling == "" || tr.PriceFen != 50 || tr.Operator != "op" || tr.FiledBy != "op" || tr.Public {
		t.Fatalf("trade = %+v", tr)
	}
	// revoked
	h.ok(h.Bureau, "Product:Revoke", map[string]any{"id": h.id("s"), "product": "p1", "reason": "违规"})
	h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 50)), code)
}

func TestTrade_AuthorizationNotActiveRejected(t *testing.T) {
	h := pricedMarket(t)
	h.setAuthStatus("auth1", model.AuthSuspended)
	h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 50)), "AUTH_NOT_ACTIVE")
	h.setAuthStatus("auth1", model.AuthActive)
	h.ok(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 50)))
}

func TestTrade_UnapprovedScenarioRejected(t *testing.T) {
	h := pricedMarket(t)
	e := h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCity, 1, 50)), model.RuleProductScenarioNotApproved.Code)
	if e.Field != "scenario" {
		t.Fatalf("field = %s", e.Field)
	}
	h.ok(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 50)))
}

func TestTrade_AmountAbovePriceRejected(t *testing.T) {
	h := pricedMarket(t)
	e := h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 10, 501)), model.RuleTradeAmountAbovePrice.Code)
	if e.Field != "amountFen" || e.Limit != "<= 500" {
		t.Fatalf("error = %+v", e)
	}
	h.ok(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 10, 500)))
	h.ok(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 10, 450))) // a discount is fine
	// the largest quantity times the price stays exact; a product past int64 bounds nothing
	h.ok(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1_000_000_000_000, 50_000_000_000_000)))
	h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1_000_000_000_000, 50_000_000_000_001)), model.RuleTradeAmountAbovePrice.Code)
	if got := model.PriceLimit(model.MaxFen, 1_000_000_000_000); got != math.MaxInt64 {
		t.Fatalf("overflowing limit = %d", got)
	}
	if got := model.PriceLimit(50, 10); got != 500 {
		t.Fatalf("limit = %d", got)
	}
	if got := model.PriceLimit(math.MaxInt64, 2); got != math.MaxInt64 {
		t.Fatalf("limit = %d", got)
	}
	// quantities and amounts are bounded integers
	raw := `{"id":"tx","product":"p1","buyer":{"name":"b","uscc":"` + buyerUSCC + `"},"scenario":"` + scCredit + `","quantity":0,"unit":"per_call","amountFen":1,"contractDigest":"` + digest("c") + `"}`
	h.refused(h.as("op"), "Trade:File", raw, model.CodeMissingField)
	raw = `{"id":"tx","product":"p1","buyer":{"name":"b","uscc":"` + buyerUSCC + `"},"scenario":"` + scCredit + `","quantity":1,"unit":"per_call","amountFen":-1,"contractDigest":"` + digest("c") + `"}`
	h.refused(h.as("op"), "Trade:File", raw, model.CodeOutOfRange)
}

func TestTrade_WithoutFiledPriceRejected(t *testing.T) {
	h := pricedMarket(t)
	// no price filed per data volume
	req := tradeReq(h.id("t"), "p1", scCredit, 1, 1)
	req.Unit = model.UnitPerVolume
	h.refused(h.as("op"), "Trade:File", h.trade("op", req), model.RuleTradeNoFiledPrice.Code)
	h.setCap(model.ClassIndustry, model.UnitPerVolume, "", 10)
	h.filePrice("op", "p1", model.UnitPerVolume, scCredit, 2)
	req = tradeReq(h.id("t"), "p1", scCredit, 1, 1)
	req.Unit = model.UnitPerVolume
	h.ok(h.as("op"), "Trade:File", h.trade("op", req))
}

func TestTrade_OffExchangeRejected(t *testing.T) {
	h := newMarket(t, "guangdong") // 应当通过依法设立的数据交易场所开展交易 (《广东省…管理办法》第二十八条)
	code := model.RuleTradeOffExchange.Code
	h.registered("p1", model.ClassIndustry)
	h.filePrice("op", "p1", model.UnitPerCall, scCredit, 50)
	h.refused(h.as("op"), "Trade:File", tradeReq(h.id("t"), "p1", scCredit, 1, 50), code)
	via := tradeReq(h.id("t"), "p1", scCredit, 1, 50)
	via.Exchange = "ex"
	h.refused(h.as("op"), "Trade:File", via, code) // not listed there
	h.refused(h.as("ex"), "Trade:File", tradeReq(h.id("t"), "p1", scCredit, 1, 50), code)
	h.ok(h.as("ex"), "Product:ListOnExchange", map[string]any{"id": h.id("l"), "product": "p1"})
	via.ID = h.id("t")
	var tr model.Trade
	h.okInto(h.as("op"), "Trade:File", via, &tr)
	if tr.Exchange != "ex" || tr.FiledBy != "op" {
		t.Fatalf("trade = %+v", tr)
	}
	h.okInto(h.as("ex"), "Trade:File", tradeReq(h.id("t"), "p1", scCredit, 1, 50), &tr)
	if tr.Exchange != "ex" || tr.FiledBy != "ex" {
		t.Fatalf("trade = %+v", tr)
	}
	// an exchange files its own trades only
	other := tradeReq(h.id("t"), "p1", scCredit, 1, 50)
	other.Exchange = "ex2"
	h.refused(h.as("ex"), "Trade:File", other, model.CodeAccessDenied)
	// Longhua does not require exchange trading: the operator files a direct trade
	l := pricedMarket(t)
	l.ok(l.as("op"), "Trade:File", l.trade("op", tradeReq(l.id("t"), "p1", scCredit, 1, 50)))
}

func TestTrade_SourceUnitChargedRejected(t *testing.T) {
	h := newMarket(t, "luohu") // 数源单位有权无偿使用 (八)
	h.registered("p1", model.ClassIndustry)
	h.filePrice("op", "p1", model.UnitPerCall, scCredit, 50)
	var su model.Participant
	h.okInto(h.Bureau, "Participant:Get", map[string]any{"id": "su2"}, &su)
	req := tradeReq(h.id("t"), "p1", scCredit, 2, 100)
	req.Buyer = model.Buyer{Name: su.Name, USCC: su.USCC}
	e := h.refused(h.as("op"), "Trade:File", req, model.RuleTradeSourceUnitFree.Code)
	if e.Field != "amountFen" {
		t.Fatalf("field = %s", e.Field)
	}
	req.ID, req.AmountFen = h.id("t"), fen(0)
	h.ok(h.as("op"), "Trade:File", req)
	// another buyer pays
	h.ok(h.as("op"), "Trade:File", tradeReq(h.id("t"), "p1", scCredit, 2, 100))
	// a source unit whose data the product does not use pays too
	h.party("su3", model.RoleSourceUnit, "区卫生健康局")
	h.okInto(h.Bureau, "Participant:Get", map[string]any{"id": "su3"}, &su)
	req = tradeReq(h.id("t"), "p1", scCredit, 2, 100)
	req.Buyer = model.Buyer{Name: su.Name, USCC: su.USCC}
	h.ok(h.as("op"), "Trade:File", req)
}

func TestTrade_BuyerCodeAndVisibility(t *testing.T) {
	h := pricedMarket(t)
	bad := tradeReq(h.id("t"), "p1", scCredit, 1, 50)
	bad.Buyer.USCC = buyerUSCC[:17] + "4"
	if e := h.refused(h.as("op"), "Trade:File", h.trade("op", bad), model.RuleUSCCCheckDigit.Code); e.Field != "buyer.uscc" {
		t.Fatalf("field = %s", e.Field)
	}
	var tr model.Trade
	h.okInto(h.as("op"), "Trade:File", h.trade("op", tradeReq("t-vis", "p1", scCredit, 1, 50)), &tr)
	if len(tr.SourceUnits) != 2 {
		t.Fatalf("source units = %v", tr.SourceUnits)
	}
	for _, who := range []string{"op", "su1", "su2", "reg"} {
		h.ok(h.as(who), "Trade:Get", map[string]any{"id": "t-vis"})
	}
	h.ok(h.Bureau, "Trade:Get", map[string]any{"id": "t-vis"})
	h.refused(h.as("op2"), "Trade:Get", map[string]any{"id": "t-vis"}, model.CodeAccessDenied)
	h.refused(stubtest.NewIdentity("OperatorMSP", "public", "client"), "Trade:Get", map[string]any{"id": "t-vis"}, model.CodeAccessDenied)
	var page model.PageResult[*model.Trade]
	h.okInto(h.as("su1"), "Trade:ByProduct", map[string]any{"product": "p1"}, &page)
	if len(page.Records) != 1 {
		t.Fatalf("su1 sees %d trades", len(page.Records))
	}
	page = model.PageResult[*model.Trade]{}
	h.okInto(h.as("op2"), "Trade:ByProduct", map[string]any{"product": "p1"}, &page)
	if len(page.Records) != 0 {
		t.Fatal("op2 sees op's trades")
	}
	// another operator cannot file trades of op's product
	h.refused(h.as("op2"), "Trade:File", h.trade("op2", tradeReq(h.id("t"), "p1", scCredit, 1, 50)), model.CodeAccessDenied)
	// the longhua profile requires the filer's SM2 signature
	h.refused(h.as("op"), "Trade:File", tradeReq(h.id("t"), "p1", scCredit, 1, 50), model.CodeSignature)
}
