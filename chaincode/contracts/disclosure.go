package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// DisclosureContract answers the public's questions (《广东省…管理办法》第三十五条: 公开授权运营情况、
// 公共数据产品和服务清单及相关收费标准). Any identity may call it, bound or not:
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
		page, err := pagedRecords[model.Product](tx, model.KindProduct, ixProductPublic, nil, req.Page,
			func(p *model.Product) bool { return p.Public && (p.InForce() || req.IncludeInactive) })
		if err != nil {
			return nil, err
		}
		names := map[string]string{}
		out := &model.PageResult[model.PublicProduct]{Records: []model.PublicProduct{}, Bookmark: page.Bookmark}
		for _, p := range page.Records {
			pp := model.PublicProduct{ID: p.ID, Name: p.Name, Summary: p.Summary, Operator: p.Operator,
				OperatorName: participantName(tx, p.Operator, names), Form: p.Form, Class: p.Class, Scenarios: p.Scenarios,
				Status: p.Status, RegistrationNo: p.RegistrationNo, RegisteredAt: p.RegisteredAt}
			for _, l := range p.Listings {
				pp.Exchanges = append(pp.Exchanges, l.Exchange)
			}
			out.Records = append(out.Records, pp)
		}
		return out, nil
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

// Authorizations lists the active authorizations the profile makes public (with
// includeInactive, also the suspended ones): object (operator), mode, scenarios,
// resources in scope and term.
func (c *DisclosureContract) Authorizations(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Disclosure:Authorizations", request, func(tx *Tx, req *model.DisclosureRequest) (any, error) {
		today := model.DateOf(tx.Now)
		page, err := pagedRecords[model.Authorization](tx, model.KindAuthorization, ixAuthStatus, nil, req.Page, func(a *model.Authorization) bool {
			// disclosed only where the profile makes the authorization public; past its term
			// it is expired even if no transaction has recorded that yet
			return a.Public && (a.Status == model.AuthActive || req.IncludeInactive && a.Status == model.AuthSuspended) &&
				(a.TermEnd == "" || a.TermEnd >= today)
		})
		if err != nil {
			return nil, err
		}
		names := map[string]string{}
		out := &model.PageResult[model.PublicAuthorization]{Records: []model.PublicAuthorization{}, Bookmark: page.Bookmark}
		for _, a := range page.Records {
			out.Records = append(out.Records, model.PublicAuthorization{ID: a.ID, Operator: a.Operator, OperatorName: participantName(tx, a.Operator, names),
				Mode: a.Mode, Scenarios: a.Scenarios, ResourceIDs: a.ResourceIDs, TermStart: a.TermStart, TermEnd: a.TermEnd, Status: a.Status})
		}
		return out, nil
	})
}
