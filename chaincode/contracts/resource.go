package contracts

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// ResourceContract registers public data resources (公共数据资源登记) and walks them into
// the authorized-operation catalogue with every unit's agreement.
type ResourceContract struct {
	base
}

func init() { register("Resource", &ResourceContract{}) }

// Index keys of resources.
const (
	ixResourceUnit = "resource-unit" // unit (source or contributing), resource
	ixResourceCat  = "resource-cat"  // catalogue status, resource
)

func loadResource(tx *Tx, id, field string) (*model.Resource, error) {
	var r model.Resource
	if err := tx.GetField(model.KindResource, id, field, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// applyContent copies a content statement into the resource and derives the privacy
// computing flag from the profile in force.
func applyContent(tx *Tx, r *model.Resource, c *model.ResourceContent) error {
	prof, err := tx.Profile()
	if err != nil {
		return err
	}
	for i, u := range c.ContributingUnits {
		field := fmt.Sprintf("contributingUnits[%d]", i)
		if u == r.SourceUnit {
			return model.FieldErr(model.CodeDuplicate, field, "", "the source unit %s is not also a contributing unit", u)
		}
		var p model.Participant
		if err := tx.GetField(model.KindParticipant, u, field, &p); err != nil {
			return err
		}
		if p.Role != model.RoleSourceUnit {
			return model.FieldErr(model.CodeBadState, field, "source_unit", "contributing unit %s is a %s, not a source unit", u, p.Role)
		}
	}
	r.Name, r.Summary, r.DataItems, r.DataType = c.Name, c.Summary, c.DataItems, c.DataType
	r.Openness, r.Grade, r.Domain, r.Coverage = c.Openness, c.Grade, c.Domain, c.Coverage
	r.UpdateFrequency, r.PersonalInfo, r.ContributingUnits = c.UpdateFrequency, c.PersonalInfo, c.ContributingUnits
	r.SharedFrom, r.SchemaDigest = c.SharedFrom, c.SchemaDigest
	minGrade, ok := prof.P.Security.PrivacyComputingMinGrade.Get()
	r.PrivacyComputing = (ok && r.Grade >= minGrade) ||
		(r.PersonalInfo && prof.P.Security.PrivacyComputingForPersonalInfo.True())
	return nil
}

func setCatalogue(tx *Tx, r *model.Resource, to model.CatalogueStatus) error {
	if r.Catalogue == to {
		return nil
	}
	if r.Catalogue != "" {
		if err := tx.Unindex(ixResourceCat, string(r.Catalogue), r.ID); err != nil {
			return err
		}
	}
	r.Catalogue = to
	return tx.Index(ixResourceCat, string(to), r.ID)
}

// Register registers a resource of the calling source unit.
func (c *ResourceContract) Register(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Resource:Register", request, func(tx *Tx, req *model.RegisterResourceRequest) (model.Record, error) {
		caller := tx.Who()
		r := &model.Resource{Meta: model.Meta{ID: req.ID, Kind: model.KindResource}, SourceUnit: caller.PID(), ResourceVersion: 1}
		if err := applyContent(tx, r, &req.ResourceContent); err != nil {
			return nil, err
		}
		if err := setCatalogue(tx, r, model.CatRegistered); err != nil {
			return nil, err
		}
		for _, u := range r.Units() {
			if err := tx.Index(ixResourceUnit, u, r.ID); err != nil {
				return nil, err
			}
		}
		return r, tx.Create(r, "registered")
	}, withRoleRule(model.RuleResourceOwnUnit, model.RoleSourceUnit))
}

// Update states a new content version. The superseded version is kept as a revision
// record; a pending proposal is void (the units agreed to other content); a catalogued
// resource that becomes closed leaves the catalogue.
func (c *ResourceContract) Update(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Resource:Update", request, func(tx *Tx, req *model.UpdateResourceRequest) (model.Record, error) {
		caller := tx.Who()
		r, err := loadResource(tx, req.Resource, "resource")
		if err != nil {
			return nil, err
		}
		if r.SourceUnit != caller.PID() {
			return nil, model.RuleResourceOwnUnit.ViolationField("resource", r.SourceUnit, "resource %s belongs to %s; %s may not change it", r.ID, r.SourceUnit, caller.PID())
		}
		rev := &model.ResourceRevision{Meta: model.Meta{ID: r.ID + ":v" + strconv.Itoa(r.ResourceVersion), Kind: model.KindHistoryRevision, Public: r.Public},
			Resource: r.ID, Snapshot: *r}
		if err := tx.Create(rev, "superseded"); err != nil {
			return nil, err
		}
		oldUnits := r.Units()
		if err := applyContent(tx, r, &req.ResourceContent); err != nil {
			return nil, err
		}
		r.ResourceVersion++
		for _, u := range oldUnits {
			if !slices.Contains(r.Units(), u) {
				if err := tx.Unindex(ixResourceUnit, u, r.ID); err != nil {
					return nil, err
				}
			}
		}
		for _, u := range r.Units() {
			if err := tx.Index(ixResourceUnit, u, r.ID); err != nil {
				return nil, err
			}
		}
		action := "updated"
		switch {
		case r.Catalogue == model.CatProposed:
			r.Agreements = nil
			if err := setCatalogue(tx, r, model.CatRegistered); err != nil {
				return nil, err
			}
		case r.Catalogue == model.CatCatalogued && r.Openness == model.OpenClosed:
			if err := setCatalogue(tx, r, model.CatWithdrawn); err != nil {
				return nil, err
			}
			action = "withdrawn"
		}
		if err := tx.Update(r, action); err != nil {
			return nil, err
		}
		tx.SetEventType(model.KindResource, action)
		return r, nil
	}, withRoles())
}

// ProposeCatalogue asks the units of a resource to agree to its inclusion (bureau).
func (c *ResourceContract) ProposeCatalogue(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Resource:ProposeCatalogue", request, func(tx *Tx, req *model.ProposeCatalogueRequest) (model.Record, error) {
		prof := tx.Policy()
		r, err := loadResource(tx, req.Resource, "resource")
		if err != nil {
			return nil, err
		}
		if r.Openness == model.OpenClosed {
			return nil, model.RuleResourceClosedNotCatalogued.ViolationField("resource", "unconditional|conditional", "resource %s is classed 不予开放 (closed) and can never enter the catalogue", r.ID)
		}
		if r.Catalogue != model.CatRegistered && r.Catalogue != model.CatRefused && r.Catalogue != model.CatWithdrawn {
			return nil, model.RuleResourceCatalogueState.ViolationField("resource", "registered|refused|withdrawn", "resource %s is %s; only a registered, refused or withdrawn resource can be proposed", r.ID, r.Catalogue)
		}
		if s := r.SharedFrom; s != nil && prof.P.DataSupply.SharedDataConsentRequired.True() && (s.ConsentRef == "" || s.ConsentDigest == "") {
			return nil, model.RuleResourceSharedConsent.ViolationField("resource", "sharedFrom.consentRef and consentDigest",
				"resource %s was obtained from %s (%s) by data sharing; record the provider's consent (reference and SM3 digest) with Resource:Update first", r.ID, s.ProviderUnit, s.Region)
		}
		r.Agreements = nil
		if err := setCatalogue(tx, r, model.CatProposed); err != nil {
			return nil, err
		}
		return r, tx.Update(r, "proposed")
	}, withRoles(model.RoleBureau), withProfile())
}

// AnswerCatalogue records one unit's answer. Every unit's agreement catalogues the
// resource (and makes it public); one refusal, with reasons, ends the proposal.
func (c *ResourceContract) AnswerCatalogue(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Resource:AnswerCatalogue", request, func(tx *Tx, req *model.AnswerCatalogueRequest) (model.Record, error) {
		caller := tx.Who()
		r, err := loadResource(tx, req.Resource, "resource")
		if err != nil {
			return nil, err
		}
		if !slices.Contains(r.Units(), caller.PID()) {
			return nil, model.RuleResourceCatalogueConsent.ViolationField("resource", "", "%s is not a unit of resource %s (units: %v)", caller.PID(), r.ID, r.Units())
		}
		if r.Catalogue != model.CatProposed {
			return nil, model.RuleResourceCatalogueState.ViolationField("resource", "proposed", "resource %s is %s, not proposed for the catalogue", r.ID, r.Catalogue)
		}
		for _, a := range r.Agreements {
			if a.Unit == caller.PID() {
				return nil, model.RuleResourceCatalogueState.ViolationField("resource", "", "%s answered for resource %s already (tx %s)", a.Unit, r.ID, a.TxID)
			}
		}
		agreed := *req.Agreed
		if !agreed && req.Reason == "" {
			return nil, model.RuleResourceRefusalReason.ViolationField("reason", "1-1024 characters", "a refusal of catalogue inclusion must state its reasons and legal basis")
		}
		r.Agreements = append(r.Agreements, model.Agreement{Unit: caller.PID(), Agreed: agreed, Reason: req.Reason, At: tx.Now, TxID: tx.TxID})
		action := "agreed"
		switch {
		case !agreed:
			action = "refused"
			if err := setCatalogue(tx, r, model.CatRefused); err != nil {
				return nil, err
			}
		case len(r.Agreements) == len(r.Units()):
			action = "catalogued"
			now := tx.Now
			r.CataloguedAt, r.Public = &now, true
			if err := setCatalogue(tx, r, model.CatCatalogued); err != nil {
				return nil, err
			}
		}
		return r, tx.Update(r, action)
	}, withRoles(model.RoleSourceUnit))
}

// Get returns one resource the caller may see.
func (c *ResourceContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Resource:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Resource](tx, model.KindResource, req.ID)
	})
}

// Revision returns one superseded content version.
func (c *ResourceContract) Revision(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Resource:Revision", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.ResourceRevision](tx, model.KindHistoryRevision, req.ID)
	})
}

// List returns the resources the caller may see, by unit and/or catalogue status.
func (c *ResourceContract) List(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Resource:List", request, func(tx *Tx, req *model.ResourcesRequest) (any, error) {
		index, prefix := ixResourceCat, []string{}
		switch {
		case req.SourceUnit != "":
			index, prefix = ixResourceUnit, []string{req.SourceUnit}
		case req.Catalogue != "":
			prefix = []string{string(req.Catalogue)}
		}
		return pagedRecords[model.Resource](tx, model.KindResource, index, prefix, req.Page, func(r *model.Resource) bool {
			return req.Catalogue == "" || r.Catalogue == req.Catalogue
		})
	})
}
