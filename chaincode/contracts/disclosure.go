package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// DisclosureContract answers the public's questions (Guangdong Art. 35: 公开授权运营情况、
// 公共数据产品和服务清单及相关收费标准; DOMAIN §9). Any identity may call it, bound or not:
// it returns only what is public. Everything else is read through the other contracts,
// under the visibility rule of Tx.CanRead.
type DisclosureContract struct {
	base
}

func init() { register("Disclosure", &DisclosureContract{}) }

// participantName is a participant's public name ("" when unknown).
func participantName(tx *Tx, id string, cache map[string]string) string {
	if n, ok := cache[id]; ok {
		return n
	}
	var p model.Participant
	if ok, _ := tx.GetIf(model.KindParticipant, id, &p); ok {
		cache[id] = p.Name
	} else {
		cache[id] = ""
	}
	return cache[id]
}

// Products lists the registered and listed products (with includeInactive, also the
// suspended and revoked ones), ordered by id: name, operator, form, class, scenarios,
// status.
func (c *DisclosureContract) Products(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Disclosure:Products", request, func(tx *Tx, req *model.DisclosureRequest) (any, error) {
		ids, err := tx.ScanIDs(ixProductPublic)
		if err != nil {
			return nil, err
		}
		names := map[string]string{}
		out := []model.PublicProduct{}
		for _, id := range ids {
			var p model.Product
			ok, err := tx.GetIf(model.KindProduct, id, &p)
			if err != nil {
				return nil, err
			}
			if !ok || !p.Public || (!p.InForce() && !req.IncludeInactive) {
				continue
			}
			pp := model.PublicProduct{ID: p.ID, Name: p.Name, Summary: p.Summary, Operator: p.Operator,
				OperatorName: participantName(tx, p.Operator, names), Form: p.Form, Class: p.Class, Scenarios: p.Scenarios,
				Status: p.Status, RegistrationNo: p.RegistrationNo, RegisteredAt: p.RegisteredAt}
			for _, l := range p.Listings {
				pp.Exchanges = append(pp.Exchanges, l.Exchange)
			}
			out = append(out, pp)
		}
		return pageOf(out, req.Page, func(p model.PublicProduct) string { return p.ID })
	})
}

// Fees lists the caps in force and the prices in force (optionally of one product),
// with each price's product name and status.
func (c *DisclosureContract) Fees(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Disclosure:Fees", request, func(tx *Tx, req *model.FeesRequest) (any, error) {
		out := &model.FeesDisclosure{Caps: []*model.PriceCap{}, Prices: []model.PublicPrice{}}
		rows, err := tx.Scan(ixCapCurrent)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if len(r) != 4 || (req.Product != "" && r[2] != capScopeAllProds && r[2] != req.Product) {
				continue
			}
			var pc model.PriceCap
			ok, err := tx.GetIf(model.KindPriceCap, r[3], &pc)
			if err != nil {
				return nil, err
			}
			if ok && pc.Public {
				out.Caps = append(out.Caps, &pc)
			}
		}
		rows, err = tx.Scan(ixFilingActive)
		if err != nil {
			return nil, err
		}
		products := map[string]*model.Product{}
		for _, r := range rows {
			if len(r) != 4 || (req.Product != "" && r[2] != req.Product) {
				continue
			}
			f := new(model.PriceFiling)
			ok, err := tx.GetIf(model.KindPriceFiling, r[3], f)
			if err != nil {
				return nil, err
			}
			if !ok || !f.Public {
				continue
			}
			p, seen := products[f.Product]
			if !seen {
				p = new(model.Product)
				if ok, err := tx.GetIf(model.KindProduct, f.Product, p); err != nil {
					return nil, err
				} else if !ok {
					p = nil
				}
				products[f.Product] = p
			}
			pp := model.PublicPrice{PriceFiling: f}
			if p != nil && p.Public {
				pp.ProductName, pp.ProductStatus = p.Name, p.Status
			}
			out.Prices = append(out.Prices, pp)
		}
		return out, nil
	})
}

// Authorizations lists the active authorizations (with includeInactive, also the
// suspended ones): object (operator), mode, scenarios, resources in scope and term. It
// scans the authorization records by their kind (a partial composite key), so it needs
// no index of Chaincode I.
func (c *DisclosureContract) Authorizations(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Disclosure:Authorizations", request, func(tx *Tx, req *model.DisclosureRequest) (any, error) {
		it, err := tx.stub.GetStateByPartialCompositeKey(string(model.KindAuthorization), []string{})
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "scan authorizations: %v", err)
		}
		defer it.Close()
		today := model.DateOf(tx.Now)
		names := map[string]string{}
		out := []model.PublicAuthorization{}
		for it.HasNext() {
			kv, err := it.Next()
			if err != nil {
				return nil, model.Errf(model.CodeInternal, "scan authorizations: %v", err)
			}
			var a model.Authorization
			if err := unmarshalInto(kv.Value, model.KindAuthorization, kv.Key, &a); err != nil {
				return nil, err
			}
			if a.Status != model.AuthActive && !(req.IncludeInactive && a.Status == model.AuthSuspended) {
				continue
			}
			if a.TermEnd != "" && a.TermEnd < today {
				continue // past its term: expired, even if no transaction has recorded it yet
			}
			out = append(out, model.PublicAuthorization{ID: a.ID, Operator: a.Operator, OperatorName: participantName(tx, a.Operator, names),
				Mode: a.Mode, Scenarios: a.Scenarios, ResourceIDs: a.ResourceIDs, TermStart: a.TermStart, TermEnd: a.TermEnd, Status: a.Status})
		}
		return pageOf(out, req.Page, func(a model.PublicAuthorization) string { return a.ID })
	})
}
