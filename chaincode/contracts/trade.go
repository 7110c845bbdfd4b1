package contracts

import (
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TradeContract files trades of products (交易备案), by the exchange a trade went
// through or by the product's operator.
type TradeContract struct {
	base
}

func init() { register("Trade", &TradeContract{}) }

const ixTradeByProduct = "trade-product" // product, trade

// File files a trade. It is refused unless the product is registered (or listed) and
// neither suspended nor revoked, its operator's authorizations are active, the scenario
// is one the product was approved for, the trade went through an exchange listing the
// product where the profile requires exchange trading, and the amount is within the
// filed price times the quantity (0 for a free public-interest product, and for a source
// unit buyer where the profile says so).
func (c *TradeContract) File(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Trade:File", request, func(tx *Tx, req *model.FileTradeRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		p, err := loadProduct(tx, req.Product, "product")
		if err != nil {
			return nil, err
		}
		exchange := req.Exchange
		if caller.Is(model.RoleExchange) {
			if exchange != "" && exchange != caller.PID() {
				return nil, model.FieldErr(model.CodeAccessDenied, "exchange", caller.PID(), "exchange %s files its own trades, not %s's", caller.PID(), exchange)
			}
			exchange = caller.PID()
		} else if p.Operator != caller.PID() {
			return nil, model.FieldErr(model.CodeAccessDenied, "product", p.Operator, "product %s is %s's; an operator files trades of its own products only", p.ID, p.Operator)
		}
		if !p.InForce() {
			return nil, model.RuleProductNotInForce.ViolationField("product", "registered|listed", "product %s is %s; it cannot be traded", p.ID, p.Status)
		}
		if err := requireAuthorizationsActive(tx, p, "product"); err != nil {
			return nil, err
		}
		if !p.HasScenario(req.Scenario) {
			return nil, model.RuleProductScenarioNotApproved.ViolationField("scenario", "one of the product's scenarios",
				"product %s was not approved for scenario %q; it may not be used for it", p.ID, req.Scenario)
		}
		switch {
		case exchange != "" && !p.ListedOn(exchange):
			return nil, model.RuleTradeOffExchange.ViolationField("exchange", "an exchange listing the product", "product %s is not listed on %s", p.ID, exchange)
		case exchange == "" && prof.P.Product.ExchangeTradingRequired.True():
			return nil, model.RuleTradeOffExchange.ViolationField("exchange", "product.exchange_trading_required ("+prof.Ref()+")",
				"under %s products are traded through a lawfully established data exchange; name the exchange the trade went through", prof.Ref())
		}
		if err := tx.VerifySignature(req, sigProfile, caller.PID()); err != nil {
			return nil, err
		}
		amount := *req.AmountFen
		t := &model.Trade{
			Meta:    model.Meta{ID: req.ID, Kind: model.KindTrade},
			Product: p.ID, Operator: p.Operator, Exchange: exchange, FiledBy: caller.PID(), Buyer: req.Buyer,
			Scenario: req.Scenario, Quantity: req.Quantity, Unit: req.Unit, AmountFen: amount,
			ContractDigest: req.ContractDigest, SourceUnits: p.SourceUnits, Signature: req.Signature, Profile: prof.Ref(),
		}
		if prof.P.Pricing.SourceUnitFreeUse.True() {
			// The product's source units are read whatever the buyer and the amount: a
			// lookup keyed by the buyer's code, or one made only for a paid trade, would put
			// the commercial fields into the read set every peer receives.
			for _, id := range p.SourceUnits {
				var su model.Participant
				if err := tx.Get(model.KindParticipant, id, &su); err != nil {
					return nil, err
				}
				if amount > 0 && su.USCC == req.Buyer.USCC {
					return nil, model.RuleTradeSourceUnitFree.ViolationField("amountFen", "0 (pricing.source_unit_free_use, "+prof.Ref()+")",
						"buyer %s is source unit %s of product %s's data; it uses the product free of charge", req.Buyer.USCC, id, p.ID)
				}
			}
		}
		if p.Class == model.ClassPublicInterest && prof.P.Pricing.PublicInterestFree.True() {
			if amount != 0 {
				return nil, model.RulePricePublicInterestFree.ViolationField("amountFen", "0 (pricing.public_interest_free, "+prof.Ref()+")",
					"product %s is for public governance or public welfare; it is free under %s, not %d fen", p.ID, prof.Ref(), amount)
			}
		} else {
			f, err := currentFiling(tx, p, req.Unit, req.Scenario)
			if err != nil {
				return nil, err
			}
			if f == nil {
				return nil, model.RuleTradeNoFiledPrice.ViolationField("unit", "a filed price",
					"no price is filed for product %s charged %s for scenario %q", p.ID, req.Unit, req.Scenario)
			}
			limit := model.PriceLimit(f.PriceFen, req.Quantity)
			if amount > limit {
				return nil, model.RuleTradeAmountAbovePrice.ViolationField("amountFen", "<= "+strconv.FormatInt(limit, 10),
					"amount %d fen exceeds the filed price %d fen (%s) × quantity %d = %d fen", amount, f.PriceFen, f.ID, req.Quantity, limit)
			}
			t.PriceFiling, t.PriceFen = f.ID, f.PriceFen
		}
		if err := tx.Create(t, "filed"); err != nil {
			return nil, err
		}
		return t, tx.Index(ixTradeByProduct, p.ID, t.ID)
	}, withRoles(model.RoleExchange, model.RoleOperator), withProfile())
}

// Get returns a trade to its parties (operator, exchange, source units), the bureau and
// regulators.
func (c *TradeContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Trade:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Trade](tx, model.KindTrade, req.ID)
	})
}

// ByProduct lists the trades of a product that the caller may see.
func (c *TradeContract) ByProduct(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Trade:ByProduct", request, func(tx *Tx, req *model.ProductTradesRequest) (any, error) {
		return pagedRecords[model.Trade](tx, model.KindTrade, ixTradeByProduct, []string{req.Product}, req.Page, nil)
	})
}
