package contracts

import (
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// PriceContract holds the bureau's caps (上限收费标准) and the operators' filed prices
// (定价备案). Both are public (《广东省…管理办法》第三十五条).
type PriceContract struct {
	base
}

func init() { register("Price", &PriceContract{}) }

// Index keys of caps and filings.
const (
	ixCapCurrent     = "pricecap-current"    // class, unit, scope ("*" or product), cap: the cap in force
	ixFilingActive   = "pricefiling-active"  // class, unit, product, filing: prices in force
	ixFilingFlagged  = "pricefiling-flagged" // filing: prices above a later, lower cap
	capScopeAllProds = "*"                   // not a valid id, so it never collides with a product
)

func capScope(product string) string {
	if product == "" {
		return capScopeAllProds
	}
	return product
}

// currentCap is the cap in force for exactly (class, unit, scope), or nil.
func currentCap(tx *Tx, class model.ProductClass, unit model.ChargingUnit, scope string) (*model.PriceCap, error) {
	ids, err := tx.ScanIDs(ixCapCurrent, string(class), string(unit), scope)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var c model.PriceCap
	if err := tx.Get(model.KindPriceCap, ids[0], &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// applicableCap is the product's own cap for the class and unit, else the general one,
// else nil.
func applicableCap(tx *Tx, class model.ProductClass, unit model.ChargingUnit, product string) (*model.PriceCap, error) {
	c, err := currentCap(tx, class, unit, product)
	if err != nil || c != nil {
		return c, err
	}
	return currentCap(tx, class, unit, capScopeAllProds)
}

// activeFilings are the prices in force for a product and charging unit.
func activeFilings(tx *Tx, class model.ProductClass, unit model.ChargingUnit, product string) ([]*model.PriceFiling, error) {
	rows, err := tx.Scan(ixFilingActive, string(class), string(unit), product)
	if err != nil {
		return nil, err
	}
	var out []*model.PriceFiling
	for _, r := range rows {
		if len(r) != 4 {
			continue
		}
		var f model.PriceFiling
		if err := tx.Get(model.KindPriceFiling, r[3], &f); err != nil {
			return nil, err
		}
		out = append(out, &f)
	}
	return out, nil
}

// currentFiling is the price in force for a product, unit and scenario, or nil.
func currentFiling(tx *Tx, p *model.Product, unit model.ChargingUnit, scenario string) (*model.PriceFiling, error) {
	fs, err := activeFilings(tx, p.Class, unit, p.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if f.Scenario == scenario {
			return f, nil
		}
	}
	return nil, nil
}

// reflag sets or clears a filing's flag against the cap now applicable to it.
func reflag(tx *Tx, f *model.PriceFiling) error {
	c, err := applicableCap(tx, f.Class, f.Unit, f.Product)
	if err != nil {
		return err
	}
	above := c != nil && f.PriceFen > c.CapFen
	switch {
	case above && (f.Flag == nil || f.Flag.Cap != c.ID):
		f.Flag = &model.PriceFlag{Rule: model.RulePriceCapCut.Code, Cap: c.ID, CapFen: c.CapFen, PriceFen: f.PriceFen, At: tx.Now, TxID: tx.TxID}
		if err := tx.Index(ixFilingFlagged, f.ID); err != nil {
			return err
		}
		return tx.Update(f, "flagged")
	case !above && f.Flag != nil:
		f.Flag = nil
		if err := tx.Unindex(ixFilingFlagged, f.ID); err != nil {
			return err
		}
		return tx.Update(f, "unflagged")
	}
	return nil
}

// SetCap sets the cap for a class and charging unit, optionally for one product
// (bureau). It supersedes the cap in force for the same key, and flags every price in
// force that the new cap leaves above it (or clears flags a raised cap resolves).
func (c *PriceContract) SetCap(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Price:SetCap", request, func(tx *Tx, req *model.SetCapRequest) (model.Record, error) {
		prof := tx.Policy()
		if req.Product != "" {
			p, err := loadProduct(tx, req.Product, "product")
			if err != nil {
				return nil, err
			}
			if p.Class != req.Class {
				return nil, model.FieldErr(model.CodeOutOfRange, "class", string(p.Class), "product %s is of class %s, not %s", p.ID, p.Class, req.Class)
			}
			if p.Status == model.ProductRevoked || p.Status == model.ProductRejected {
				return nil, model.FieldErr(model.CodeBadState, "product", "", "product %s is %s; it needs no cap", p.ID, p.Status)
			}
		}
		if req.Class == model.ClassPublicInterest && prof.P.Pricing.PublicInterestFree.True() && *req.CapFen != 0 {
			return nil, model.RulePricePublicInterestFree.ViolationField("capFen", "0 (pricing.public_interest_free, "+prof.Ref()+")",
				"public-interest products are free under %s; a cap of %d fen is not allowed", prof.Ref(), *req.CapFen)
		}
		scope := capScope(req.Product)
		pc := &model.PriceCap{
			Meta:  model.Meta{ID: req.ID, Kind: model.KindPriceCap, Public: true},
			Class: req.Class, Unit: req.Unit, Product: req.Product, CapFen: *req.CapFen, UnitLabel: req.UnitLabel,
			BasisDigest: req.BasisDigest, Reason: req.Reason, Status: model.PriceActive, Profile: prof.Ref(),
		}
		old, err := currentCap(tx, req.Class, req.Unit, scope)
		if err != nil {
			return nil, err
		}
		if old != nil {
			pc.Previous = old.ID
		}
		if err := tx.Create(pc, "set"); err != nil {
			return nil, err
		}
		if old != nil {
			old.Status, old.SupersededBy = model.PriceSuperseded, pc.ID
			if err := tx.Update(old, "superseded"); err != nil {
				return nil, err
			}
			if err := tx.Unindex(ixCapCurrent, string(old.Class), string(old.Unit), scope, old.ID); err != nil {
				return nil, err
			}
		}
		if err := tx.Index(ixCapCurrent, string(pc.Class), string(pc.Unit), scope, pc.ID); err != nil {
			return nil, err
		}
		// Re-check the prices in force this cap applies to. A general cap does not apply
		// to products that have their own (reflag looks the applicable cap up).
		prefix := []string{string(pc.Class), string(pc.Unit)}
		if req.Product != "" {
			prefix = append(prefix, req.Product)
		}
		rows, err := tx.Scan(ixFilingActive, prefix...)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if len(r) != 4 {
				continue
			}
			var f model.PriceFiling
			if err := tx.Get(model.KindPriceFiling, r[3], &f); err != nil {
				return nil, err
			}
			if err := reflag(tx, &f); err != nil {
				return nil, err
			}
		}
		tx.SetEventType(model.KindPriceCap, "set")
		return pc, nil
	}, withRoles(model.RoleBureau), withProfile())
}

// File files a price for a registered product (its operator): pricing basis, scenario,
// scope and method of use. A public-interest product is free where the profile says so;
// a commercial price may not exceed the cap in force, and needs one where the profile
// requires caps. It supersedes the price in force for the same product, unit and
// scenario.
func (c *PriceContract) File(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Price:File", request, func(tx *Tx, req *model.FilePriceRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		p, err := loadProduct(tx, req.Product, "product")
		if err != nil {
			return nil, err
		}
		if p.Operator != caller.PID() {
			return nil, model.FieldErr(model.CodeAccessDenied, "product", p.Operator, "product %s is %s's; only its operator files its prices", p.ID, p.Operator)
		}
		switch p.Status {
		case model.ProductRegistered, model.ProductListed:
		case model.ProductSubmitted, model.ProductApproved, model.ProductRejected:
			return nil, model.RuleProductNotRegistered.ViolationField("product", string(model.ProductRegistered), "product %s is %s; register it before filing its price", p.ID, p.Status)
		default:
			return nil, model.RuleProductNotInForce.ViolationField("product", string(model.ProductRegistered), "product %s is %s; no price can be filed for it", p.ID, p.Status)
		}
		if !p.HasScenario(req.Scenario) {
			return nil, model.RuleProductScenarioNotApproved.ViolationField("scenario", "one of the product's scenarios",
				"product %s was not approved for scenario %q", p.ID, req.Scenario)
		}
		if err := tx.VerifySignature(req, sigProfile, caller.PID()); err != nil {
			return nil, err
		}
		price := *req.PriceFen
		f := &model.PriceFiling{
			Meta:     model.Meta{ID: req.ID, Kind: model.KindPriceFiling, Public: true},
			Operator: p.Operator, Product: p.ID, Class: p.Class, Unit: req.Unit, UnitLabel: req.UnitLabel, PriceFen: price,
			Scenario: req.Scenario, Scope: req.Scope, Method: req.Method, BasisDigest: req.BasisDigest,
			Status: model.PriceActive, Signature: req.Signature, Profile: prof.Ref(),
		}
		if p.Class == model.ClassPublicInterest && prof.P.Pricing.PublicInterestFree.True() && price != 0 {
			return nil, model.RulePricePublicInterestFree.ViolationField("priceFen", "0 (pricing.public_interest_free, "+prof.Ref()+")",
				"product %s is for public governance or public welfare; it is free under %s, not %d fen", p.ID, prof.Ref(), price)
		}
		cp, err := applicableCap(tx, p.Class, req.Unit, p.ID)
		if err != nil {
			return nil, err
		}
		if cp == nil && p.Class == model.ClassIndustry && prof.P.Pricing.PriceCapRequired.True() {
			return nil, model.RulePriceNoCap.ViolationField("unit", "a cap set by the bureau",
				"no cap is set for %s products charged %s; under %s a price is filed within a cap (上限收费标准)", p.Class, req.Unit, prof.Ref())
		}
		if cp != nil {
			if price > cp.CapFen {
				return nil, model.RulePriceAboveCap.ViolationField("priceFen", "<= "+itoa64(cp.CapFen),
					"price %d fen exceeds cap %s of %d fen for %s products charged %s", price, cp.ID, cp.CapFen, p.Class, req.Unit)
			}
			capFen := cp.CapFen
			f.Cap, f.CapFen = cp.ID, &capFen
		}
		old, err := currentFiling(tx, p, req.Unit, req.Scenario)
		if err != nil {
			return nil, err
		}
		if old != nil {
			f.Previous = old.ID
		}
		if err := tx.Create(f, "filed"); err != nil {
			return nil, err
		}
		if old != nil {
			old.Status, old.SupersededBy = model.PriceSuperseded, f.ID
			if old.Flag != nil {
				if err := tx.Unindex(ixFilingFlagged, old.ID); err != nil {
					return nil, err
				}
			}
			if err := tx.Unindex(ixFilingActive, string(old.Class), string(old.Unit), old.Product, old.ID); err != nil {
				return nil, err
			}
			if err := tx.Update(old, "superseded"); err != nil {
				return nil, err
			}
		}
		return f, tx.Index(ixFilingActive, string(f.Class), string(f.Unit), f.Product, f.ID)
	}, withRoles(model.RoleOperator), withProfile())
}

// Get returns a price filing (public).
func (c *PriceContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Price:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.PriceFiling](tx, model.KindPriceFiling, req.ID)
	})
}

// GetCap returns a cap (public).
func (c *PriceContract) GetCap(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Price:GetCap", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.PriceCap](tx, model.KindPriceCap, req.ID)
	})
}

// Flagged lists the prices in force that a later cap cut left above their cap (public).
func (c *PriceContract) Flagged(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Price:Flagged", request, func(tx *Tx, req *model.PageRequest) (any, error) {
		return pagedRecords[model.PriceFiling](tx, model.KindPriceFiling, ixFilingFlagged, nil, req.Page,
			func(f *model.PriceFiling) bool { return f.Flag != nil })
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
