package contracts

import (
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// ProductContract registers public data products and services (数据产品登记): the
// operator submits, the bureau reviews the six points of 《广东省…管理办法》第二十六条, the operator
// registers, exchanges list, the bureau suspends, resumes or revokes.
type ProductContract struct {
	base
}

func init() { register("Product", &ProductContract{}) }

// Index keys of products (a source unit asks: where did my resource go?).
const (
	ixProductByResource = "product-resource"   // resource, product
	ixProductByGrant    = "product-grant"      // grant, product
	ixProductByOperator = "product-operator"   // operator, product
	ixProductDerived    = "product-derived"    // parent product, derived product
	ixProductReviewDue  = "product-review-due" // due (UTC, fixed width), product: open reviews
	ixProductPublic     = "product-public"     // product: registered at some point (public)
)

func loadProduct(tx *Tx, id, field string) (*model.Product, error) {
	var p model.Product
	if err := tx.GetField(model.KindProduct, id, field, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// requireAuthorizationsActive refuses unless every authorization of the product is
// active (loadAuthorization applies due transitions first).
func requireAuthorizationsActive(tx *Tx, p *model.Product, field string) error {
	for _, id := range p.Authorizations {
		a, err := loadAuthorization(tx, id, field)
		if err != nil {
			return err
		}
		if err := requireActiveAuthorization(tx, a, field); err != nil {
			return err
		}
	}
	return nil
}

// Submit submits a product for review (operator). Every grant must be the operator's,
// active and in its validity period, under an active authorization; every resource must
// be registered and covered by one of the grants; every scenario must be a grant's.
func (c *ProductContract) Submit(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Product:Submit", request, func(tx *Tx, req *model.SubmitProductRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		op := caller.PID()
		today := model.DateOf(tx.Now)
		grants := make([]*model.Grant, len(req.Grants))
		var auths []string
		for i, gid := range req.Grants {
			field := fmt.Sprintf("grantIds[%d]", i)
			g, err := loadGrant(tx, gid, field)
			if err != nil {
				return nil, err
			}
			switch {
			case g.Operator != op:
				return nil, model.RuleProductGrantNotUsable.ViolationField(field, "grants of "+op, "grant %s belongs to %s, not to %s", g.ID, g.Operator, op)
			case g.Status != model.GrantActive:
				return nil, model.RuleProductGrantNotUsable.ViolationField(field, string(model.GrantActive), "grant %s is %s, not active", g.ID, g.Status)
			case g.ValidFrom != "" && today < g.ValidFrom:
				return nil, model.RuleProductGrantNotUsable.ViolationField(field, "from "+g.ValidFrom, "grant %s is valid from %s; today is %s", g.ID, g.ValidFrom, today)
			case g.ValidTo != "" && today > g.ValidTo:
				return nil, model.RuleProductGrantNotUsable.ViolationField(field, "until "+g.ValidTo, "grant %s was valid until %s; today is %s", g.ID, g.ValidTo, today)
			}
			a, err := loadAuthorization(tx, g.Authorization, field)
			if err != nil {
				return nil, err
			}
			if err := requireActiveAuthorization(tx, a, field); err != nil {
				return nil, err
			}
			grants[i] = g
			auths = append(auths, a.ID)
		}
		var units []string
		for i, rid := range req.Resources {
			field := fmt.Sprintf("resourceIds[%d]", i)
			var r model.Resource
			if err := tx.GetField(model.KindResource, rid, field, &r); err != nil {
				return nil, err
			}
			covered := false
			for _, g := range grants {
				covered = covered || g.Covers(rid)
			}
			if !covered {
				return nil, model.RuleProductResourceNotGranted.ViolationField(field, strings.Join(req.Grants, ","),
					"resource %s is not covered by any of the grants %s", rid, strings.Join(req.Grants, ", "))
			}
			units = append(units, r.Units()...)
		}
		for i, s := range req.Scenarios {
			ok := false
			for _, g := range grants {
				ok = ok || g.Scenario == s
			}
			if !ok {
				var have []string
				for _, g := range grants {
					have = append(have, g.Scenario)
				}
				return nil, model.RuleProductScenarioNotGranted.ViolationField(fmt.Sprintf("scenarios[%d]", i), strings.Join(have, "|"),
					"scenario %q is not the scenario of any of the product's grants (%s)", s, strings.Join(have, "; "))
			}
		}
		for i, pid := range req.DerivedFrom {
			field := fmt.Sprintf("derivedFrom[%d]", i)
			parent, err := loadProduct(tx, pid, field)
			if err != nil {
				return nil, err
			}
			if parent.Operator == op && prof.P.Product.OperatorRedevelopmentBanned.True() {
				return nil, model.RuleProductRedevelopment.ViolationField(field, "product.operator_redevelopment_banned ("+prof.Ref()+")",
					"product %s was delivered by %s itself; an operator may not take part in re-developing products it delivered", pid, op)
			}
			if !parent.InForce() {
				return nil, model.FieldErr(model.CodeBadState, field, "registered", "product %s is %s; only a registered product can be re-developed", pid, parent.Status)
			}
		}
		var sources []model.ProductSource
		for i, g := range grants {
			s := model.ProductSource{Grant: g.ID, Authorization: g.Authorization, Scenario: g.Scenario, Resources: []string{}}
			for _, rid := range req.Resources {
				if g.Covers(rid) {
					s.Resources = append(s.Resources, rid)
				}
			}
			if len(s.Resources) == 0 {
				// a grant the product takes nothing from would lend it the grant's scenario
				return nil, model.RuleProductResourceNotGranted.ViolationField(fmt.Sprintf("grantIds[%d]", i), "a grant of one of resourceIds",
					"grant %s contributes none of the product's resources (%s); name only the grants the product is made from", g.ID, strings.Join(req.Resources, ", "))
			}
			sources = append(sources, s)
		}
		bureau, err := bureauID(tx)
		if err != nil {
			return nil, err
		}
		p := &model.Product{
			Meta:     model.Meta{ID: req.ID, Kind: model.KindProduct},
			Operator: op, Name: req.Name, Summary: req.Summary, Form: req.Form, Class: req.Class,
			Scenarios: req.Scenarios, Grants: req.Grants, Authorizations: sortedUnique(auths), Resources: req.Resources,
			Sources: sources, SourceUnits: sortedUnique(units), DerivedFrom: req.DerivedFrom,
			DescriptionDigest: req.DescriptionDigest, Status: model.ProductSubmitted, SubmittedAt: tx.Now, Signature: req.Signature,
			ReviewDeadline: prof.WorkingDeadline("product compliance review (产品和服务评估审核)", bureau,
				"product.review_working_days", prof.P.Product.ReviewWorkingDays, tx.Now),
			Profile: prof.Ref(),
		}
		if err := tx.Create(p, "submitted"); err != nil {
			return nil, err
		}
		for _, rid := range p.Resources {
			if err := tx.Index(ixProductByResource, rid, p.ID); err != nil {
				return nil, err
			}
		}
		for _, gid := range p.Grants {
			if err := tx.Index(ixProductByGrant, gid, p.ID); err != nil {
				return nil, err
			}
		}
		for _, pid := range p.DerivedFrom {
			if err := tx.Index(ixProductDerived, pid, p.ID); err != nil {
				return nil, err
			}
		}
		if err := tx.Index(ixProductByOperator, op, p.ID); err != nil {
			return nil, err
		}
		if p.ReviewDeadline != nil {
			if err := tx.Index(ixProductReviewDue, dueKey(p.ReviewDeadline.Due), p.ID); err != nil {
				return nil, err
			}
		}
		return p, nil
	}, withRoles(model.RoleOperator), withProfile(), withSignature(sigOptional))
}

// Review records the bureau's compliance review: the six checks of 《广东省…管理办法》第二十六条
// one by one and the decision. Approval needs all six passed.
func (c *ProductContract) Review(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Product:Review", request, func(tx *Tx, req *model.ReviewProductRequest) (model.Record, error) {
		caller := tx.Who()
		p, err := loadProduct(tx, req.Product, "product")
		if err != nil {
			return nil, err
		}
		if p.Status != model.ProductSubmitted {
			return nil, model.FieldErr(model.CodeBadState, "product", string(model.ProductSubmitted), "product %s is %s; only a submitted product is reviewed", p.ID, p.Status)
		}
		if failed := req.Checks.Failed(); req.Decision == model.Approved && len(failed) > 0 {
			return nil, model.RuleProductReviewChecks.ViolationField("checks."+failed[0], "all six checks passed",
				"product %s cannot be approved: check(s) %s did not pass (《广东省…管理办法》第二十六条)", p.ID, strings.Join(failed, ", "))
		}
		p.Review = &model.ProductReview{Checks: req.Checks, Decision: req.Decision, Reason: req.Reason, ReportDigest: req.ReportDigest,
			Reviewer: caller.PID(), At: tx.Now, TxID: tx.TxID}
		if req.Decision == model.Approved {
			p.Status = model.ProductApproved
		} else {
			p.Status = model.ProductRejected
		}
		if d := p.ReviewDeadline; d != nil {
			now := tx.Now
			d.Met, d.MetTx = &now, tx.TxID
			if err := tx.Unindex(ixProductReviewDue, dueKey(d.Due), p.ID); err != nil {
				return nil, err
			}
		}
		return p, tx.Update(p, string(p.Status))
	}, withRoles(model.RoleBureau))
}

// Register registers an approved product (its operator) and makes it public. The
// registration number comes from a ledger counter: DP-<year>-<six digits>.
func (c *ProductContract) Register(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Product:Register", request, func(tx *Tx, req *model.RegisterProductRequest) (model.Record, error) {
		caller := tx.Who()
		p, err := loadProduct(tx, req.Product, "product")
		if err != nil {
			return nil, err
		}
		if p.Operator != caller.PID() {
			return nil, model.RuleProductNotApproved.ViolationField("product", p.Operator, "product %s is %s's; only its operator registers it", p.ID, p.Operator)
		}
		switch p.Status {
		case model.ProductApproved:
		case model.ProductSubmitted, model.ProductRejected:
			return nil, model.RuleProductNotApproved.ViolationField("product", string(model.ProductApproved), "product %s is %s; only a product the bureau approved can be registered", p.ID, p.Status)
		default:
			return nil, model.FieldErr(model.CodeBadState, "product", string(model.ProductApproved), "product %s is %s; it cannot be registered again", p.ID, p.Status)
		}
		if err := tx.VerifySignature(req, sigProfile, caller.PID()); err != nil {
			return nil, err
		}
		if err := requireAuthorizationsActive(tx, p, "product"); err != nil {
			return nil, err
		}
		year := tx.Now.In(model.CST).Format("2006")
		n, err := nextSeq(tx, "product-registration", year)
		if err != nil {
			return nil, err
		}
		now := tx.Now
		p.RegistrationNo = fmt.Sprintf("DP-%s-%06d", year, n)
		p.RegisteredAt, p.RegistrationSig = &now, req.Signature
		p.Status = model.ProductRegistered
		p.Public = true
		if err := tx.Update(p, "registered"); err != nil {
			return nil, err
		}
		return p, tx.Index(ixProductPublic, p.ID)
	}, withRoles(model.RoleOperator))
}

// ListOnExchange records the calling exchange's listing of a registered product.
func (c *ProductContract) ListOnExchange(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Product:ListOnExchange", request, func(tx *Tx, req *model.ListProductRequest) (model.Record, error) {
		caller := tx.Who()
		p, err := loadProduct(tx, req.Product, "product")
		if err != nil {
			return nil, err
		}
		switch p.Status {
		case model.ProductRegistered, model.ProductListed:
		case model.ProductSubmitted, model.ProductApproved, model.ProductRejected:
			return nil, model.RuleProductNotRegistered.ViolationField("product", string(model.ProductRegistered), "product %s is %s; it cannot be listed before it is registered", p.ID, p.Status)
		default:
			return nil, model.RuleProductNotInForce.ViolationField("product", string(model.ProductRegistered), "product %s is %s; it cannot be listed", p.ID, p.Status)
		}
		if p.ListedOn(caller.PID()) {
			return nil, model.FieldErr(model.CodeAlreadyExists, "product", "", "product %s is listed on %s already", p.ID, caller.PID())
		}
		if err := requireAuthorizationsActive(tx, p, "product"); err != nil {
			return nil, err
		}
		p.Listings = append(p.Listings, model.Listing{Exchange: caller.PID(), ListingRef: req.ListingRef, At: tx.Now, TxID: tx.TxID})
		p.Status = model.ProductListed
		return p, tx.Update(p, "listed")
	}, withRoles(model.RoleExchange))
}

// changeStatus moves a product to status to (resume: "", back to the status it was
// suspended from) from one of from, on the bureau's decision (withRoles(model.RoleBureau)).
func changeStatus(tx *Tx, req *model.ProductStatusRequest, to model.ProductStatus, from ...model.ProductStatus) (*model.Product, error) {
	caller := tx.Who()
	p, err := loadProduct(tx, req.Product, "product")
	if err != nil {
		return nil, err
	}
	allowed := false
	names := make([]string, len(from))
	for i, f := range from {
		allowed = allowed || p.Status == f
		names[i] = string(f)
	}
	if !allowed {
		return nil, model.FieldErr(model.CodeBadState, "product", strings.Join(names, "|"), "product %s is %s; it can become %s only from %s", p.ID, p.Status, to, strings.Join(names, ", "))
	}
	prev := p.Status
	switch to {
	case model.ProductSuspended:
		p.SuspendedFrom = prev
	case "": // resume
		to = p.SuspendedFrom
		if to == "" {
			to = model.ProductRegistered
		}
		p.SuspendedFrom = ""
	case model.ProductRevoked:
		p.SuspendedFrom = ""
	}
	p.Status = to
	p.StatusChanges = append(p.StatusChanges, model.StatusChange{From: prev, To: to, Reason: req.Reason, By: caller.PID(), At: tx.Now, TxID: tx.TxID})
	return p, nil
}

// Suspend suspends an approved, registered or listed product (bureau).
func (c *ProductContract) Suspend(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Product:Suspend", request, func(tx *Tx, req *model.ProductStatusRequest) (model.Record, error) {
		p, err := changeStatus(tx, req, model.ProductSuspended, model.ProductApproved, model.ProductRegistered, model.ProductListed)
		if err != nil {
			return nil, err
		}
		return p, tx.Update(p, "suspended")
	}, withRoles(model.RoleBureau))
}

// Resume returns a suspended product to the status it was suspended from (bureau).
func (c *ProductContract) Resume(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Product:Resume", request, func(tx *Tx, req *model.ProductStatusRequest) (model.Record, error) {
		p, err := changeStatus(tx, req, "", model.ProductSuspended)
		if err != nil {
			return nil, err
		}
		return p, tx.Update(p, "resumed")
	}, withRoles(model.RoleBureau))
}

// Revoke revokes a product for good (bureau).
func (c *ProductContract) Revoke(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Product:Revoke", request, func(tx *Tx, req *model.ProductStatusRequest) (model.Record, error) {
		p, err := changeStatus(tx, req, model.ProductRevoked, model.ProductApproved, model.ProductRegistered, model.ProductListed, model.ProductSuspended)
		if err != nil {
			return nil, err
		}
		return p, tx.Update(p, "revoked")
	}, withRoles(model.RoleBureau))
}

// Get returns a product: public once registered, before that to its parties, the
// bureau and regulators.
func (c *ProductContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Product:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Product](tx, model.KindProduct, req.ID)
	})
}

// visibleProducts loads products by id, keeping those the caller may read.
func visibleProducts(tx *Tx, ids []string) ([]*model.Product, error) {
	return visibleRecords[model.Product](tx, model.KindProduct, ids, nil)
}

// ByResource lists the products made from a resource that the caller may see (a
// source unit sees every product made from its resources).
func (c *ProductContract) ByResource(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Product:ByResource", request, func(tx *Tx, req *model.ProductsByResourceRequest) (any, error) {
		ids, err := tx.ScanIDs(ixProductByResource, req.Resource)
		if err != nil {
			return nil, err
		}
		return visibleProducts(tx, ids)
	})
}

// ByGrant lists the products made under a grant that the caller may see.
func (c *ProductContract) ByGrant(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Product:ByGrant", request, func(tx *Tx, req *model.ProductsByGrantRequest) (any, error) {
		ids, err := tx.ScanIDs(ixProductByGrant, req.Grant)
		if err != nil {
			return nil, err
		}
		return visibleProducts(tx, ids)
	})
}

// Provenance returns a product with what it is made from (grant → authorization →
// resources), the products it re-develops and the visible products derived from it.
func (c *ProductContract) Provenance(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Product:Provenance", request, func(tx *Tx, req *model.Ref) (any, error) {
		p, err := readRecord[model.Product](tx, model.KindProduct, req.ID)
		if err != nil {
			return nil, err
		}
		ids, err := tx.ScanIDs(ixProductDerived, p.ID)
		if err != nil {
			return nil, err
		}
		kids, err := visibleProducts(tx, ids)
		if err != nil {
			return nil, err
		}
		out := &model.ProductProvenance{Product: p, Sources: p.Sources, DerivedFrom: p.DerivedFrom, Derivatives: []string{}}
		if out.DerivedFrom == nil {
			out.DerivedFrom = []string{}
		}
		for _, k := range kids {
			out.Derivatives = append(out.Derivatives, k.ID)
		}
		return out, nil
	})
}

// Overdue lists the products whose review deadline passed unmet, oldest due first,
// among those the caller may see (the bureau and regulators see all).
func (c *ProductContract) Overdue(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Product:Overdue", request, func(tx *Tx, req *model.PageRequest) (any, error) {
		rows, err := passedDue(tx, ixProductReviewDue, 2)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, r := range rows {
			ids = append(ids, r[1])
		}
		out := []*model.Product{}
		for _, id := range ids {
			var p model.Product
			ok, err := tx.GetIf(model.KindProduct, id, &p)
			if err != nil {
				return nil, err
			}
			if ok && p.ReviewDeadline.Overdue(tx.Now) && tx.CanRead(&p) {
				out = append(out, &p)
			}
		}
		return pageOf(out, req.Page, func(p *model.Product) string { return dueKey(p.ReviewDeadline.Due) + "/" + p.ID })
	})
}
