package contracts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// ApplicationContract takes data-use applications (用数申请, 一场景一申请一审核) through
// their review chain — operator (for partners), bureau, every source unit — each step
// with its working-day deadline; a fully approved application becomes a grant.
type ApplicationContract struct {
	base
}

// GrantContract reads and revokes grants.
type GrantContract struct {
	base
}

func init() {
	register("Application", &ApplicationContract{})
	register("Grant", &GrantContract{})
}

// Index keys of applications and grants.
const (
	ixAppOperator   = "app-operator"   // operator, application
	ixAppResource   = "app-resource"   // resource, application
	ixAppStatus     = "app-status"     // status, application
	ixAppDue        = "app-due"        // due, application, step index
	ixGrantResource = "grant-resource" // resource, grant
)

func loadApplication(tx *Tx, id, field string) (*model.Application, error) {
	var a model.Application
	if err := tx.GetField(model.KindApplication, id, field, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// loadGrant loads a grant.
func loadGrant(tx *Tx, id, field string) (*model.Grant, error) {
	var g model.Grant
	if err := tx.GetField(model.KindGrant, id, field, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

func setAppStatus(tx *Tx, a *model.Application, to model.AppStatus) error {
	if a.Status == to {
		return nil
	}
	if a.Status != "" {
		if err := tx.Unindex(ixAppStatus, string(a.Status), a.ID); err != nil {
			return err
		}
	}
	a.Status = to
	return tx.Index(ixAppStatus, string(to), a.ID)
}

// openStep makes step i due now, with the profile's working-day deadline.
func openStep(tx *Tx, prof *profileView, a *model.Application, i int) error {
	s := &a.Steps[i]
	s.Opened = tx.Now
	uc := prof.P.UseApplication
	switch s.Kind {
	case model.StepOperator:
		s.Deadline = prof.WorkingDeadline("partner application initial review", s.Party, "use_application.partner_review_working_days", uc.PartnerReviewWorkingDays, tx.Now)
	case model.StepBureau:
		s.Deadline = prof.WorkingDeadline("bureau assessment", s.Party, "use_application.bureau_review_working_days", uc.BureauReviewWorkingDays, tx.Now)
	case model.StepSourceUnit:
		s.Deadline = prof.WorkingDeadline("source unit confirmation", s.Party, "use_application.source_confirmation_working_days", uc.SourceConfirmationWorkingDays, tx.Now)
	}
	if s.Deadline != nil {
		return tx.Index(ixAppDue, dueKey(s.Deadline.Due), a.ID, fmt.Sprintf("%03d", i))
	}
	return nil
}

// Submit submits a data-use application (operator, or partner through its operator).
func (c *ApplicationContract) Submit(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Application:Submit", request, func(tx *Tx, req *model.SubmitApplicationRequest) (model.Record, error) {
		caller, prof, auth := tx.Who(), tx.Policy(), tx.Auth()
		app := &model.Application{Meta: model.Meta{ID: req.ID, Kind: model.KindApplication}, Operator: auth.Operator, Authorization: auth.ID,
			Scenario: req.Scenario, ServiceObjects: req.ServiceObjects, ServiceScope: req.ServiceScope, ExpectedOutcome: req.ExpectedOutcome,
			DataList: req.DataList, Method: req.Method, UsageFrom: req.UsageFrom, UsageTo: req.UsageTo, Profile: prof.Ref()}
		var partnership *model.Partnership
		switch caller.Participant.Role {
		case model.RoleOperator:
			if auth.Operator != caller.PID() {
				return nil, model.RuleAppApplicant.ViolationField("authorization", auth.Operator, "authorization %s is %s's; %s cannot apply under it", auth.ID, auth.Operator, caller.PID())
			}
		case model.RolePartner:
			var err error
			if partnership, err = activePartnership(tx, auth.ID, caller.PID()); err != nil {
				return nil, err
			}
			if partnership == nil {
				return nil, model.RuleAppApplicant.ViolationField("authorization", "active partnership", "%s has no active partnership under authorization %s", caller.PID(), auth.ID)
			}
			app.Partner = caller.PID()
		default:
			return nil, model.RuleAppApplicant.Violation("%s is a %s; applications come from the operator or its partners", caller.PID(), caller.Participant.Role)
		}
		if err := requireActiveAuthorization(tx, auth, "authorization"); err != nil {
			return nil, err
		}
		if auth.Mode == model.ModePerScenario && !slices.Contains(auth.Scenarios, req.Scenario) {
			return nil, model.RuleAppScenario.ViolationField("scenario", strings.Join(auth.Scenarios, "|"), "scenario %q is not one authorization %s names", req.Scenario, auth.ID)
		}
		if partnership != nil && len(partnership.Scenarios) > 0 && !slices.Contains(partnership.Scenarios, req.Scenario) {
			return nil, model.RuleAppScenario.ViolationField("scenario", strings.Join(partnership.Scenarios, "|"), "scenario %q is outside partnership %s", req.Scenario, partnership.ID)
		}
		if req.UsageFrom < auth.TermStart || req.UsageTo > auth.TermEnd {
			return nil, model.RuleAppUsage.ViolationField("usageTo", auth.TermStart+".."+auth.TermEnd, "usage %s..%s is outside the authorization's term %s..%s", req.UsageFrom, req.UsageTo, auth.TermStart, auth.TermEnd)
		}
		var units []string
		for i, d := range req.DataList {
			field := fmt.Sprintf("dataList[%d].resource", i)
			r, err := loadResource(tx, d.Resource, field)
			if err != nil {
				return nil, err
			}
			if !auth.InScope(r.ID) || r.Catalogue != model.CatCatalogued {
				return nil, model.RuleAppScope.ViolationField(field, "catalogued and in scope", "resource %s is %s and %s the scope of authorization %s", r.ID, r.Catalogue, map[bool]string{true: "in", false: "not in"}[auth.InScope(r.ID)], auth.ID)
			}
			for j, item := range d.Items {
				if !slices.Contains(r.DataItems, item) {
					return nil, model.RuleAppScope.ViolationField(fmt.Sprintf("dataList[%d].items[%d]", i, j), strings.Join(r.DataItems, "|"), "resource %s has no data item %q", r.ID, item)
				}
			}
			if r.PrivacyComputing && !req.Method.IsPrivacyComputing() {
				return nil, model.RuleResourcePrivacyComputing.ViolationField("method", "privacy_computing|trusted_execution",
					"resource %s (grade %d, personal information %v) may be used only by privacy computing under %s; method %s is not", r.ID, r.Grade, r.PersonalInfo, prof.Ref(), req.Method)
			}
			units = append(units, r.Units()...)
		}
		bureau, err := bureauID(tx)
		if err != nil {
			return nil, err
		}
		if app.Partner != "" {
			app.Steps = append(app.Steps, model.ReviewStep{Kind: model.StepOperator, Party: auth.Operator})
		}
		app.Steps = append(app.Steps, model.ReviewStep{Kind: model.StepBureau, Party: bureau})
		if !prof.P.UseApplication.SourceConfirmationRequired.False() {
			for _, u := range sortedUnique(units) {
				app.Steps = append(app.Steps, model.ReviewStep{Kind: model.StepSourceUnit, Party: u})
			}
		}
		if err := openStep(tx, prof, app, 0); err != nil {
			return nil, err
		}
		if err := setAppStatus(tx, app, model.AppPending); err != nil {
			return nil, err
		}
		if err := tx.Index(ixAppOperator, app.Operator, app.ID); err != nil {
			return nil, err
		}
		for _, d := range app.DataList {
			if err := tx.Index(ixAppResource, d.Resource, app.ID); err != nil {
				return nil, err
			}
		}
		return app, tx.Create(app, "submitted")
	}, withRoles(), withProfile(), withAuthorization("authorization"))
}

// Review decides the caller's open step. Source units decide in any order once the
// bureau approved; a refusal ends the application; the last approval makes the grant.
func (c *ApplicationContract) Review(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Application:Review", request, func(tx *Tx, req *model.ReviewApplicationRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		app, err := loadApplication(tx, req.Application, "application")
		if err != nil {
			return nil, err
		}
		if app.Status != model.AppPending {
			return nil, model.RuleAppReviewOrder.ViolationField("application", "pending", "application %s is %s; its review is over", app.ID, app.Status)
		}
		step, due := -1, []string{}
		for i := range app.Steps {
			s := &app.Steps[i]
			if s.Opened.IsZero() || s.Decision != "" {
				continue
			}
			due = append(due, s.Party)
			if s.Party == caller.PID() {
				step = i
			}
		}
		if step < 0 {
			return nil, model.RuleAppReviewOrder.ViolationField("application", strings.Join(due, "|"), "%s has no open review step on application %s; due now: %s", caller.PID(), app.ID, strings.Join(due, ", "))
		}
		if req.Decision == model.Refused && req.Reason == "" {
			return nil, model.RuleAppRefusalReason.ViolationField("reason", "1-1024 characters", "a refusal of application %s must state its reason", app.ID)
		}
		s := &app.Steps[step]
		now := tx.Now
		s.Decision, s.Reason, s.DecidedAt, s.DecidedTx = req.Decision, req.Reason, now, tx.TxID
		if s.Deadline != nil {
			s.Deadline.Met, s.Deadline.MetTx = &now, tx.TxID
		}
		if req.Decision == model.Refused {
			for i := range app.Steps {
				if d := app.Steps[i].Deadline; d.Open() {
					d.Waived = "application refused by " + caller.PID()
				}
			}
			if err := setAppStatus(tx, app, model.AppRefused); err != nil {
				return nil, err
			}
			return app, tx.Update(app, "refused")
		}
		// The phase is over when no opened step is undecided; then open the next phase:
		// the bureau after the operator, every source unit at once after the bureau.
		for i := range app.Steps {
			if !app.Steps[i].Opened.IsZero() && app.Steps[i].Decision == "" {
				return app, tx.Update(app, "reviewed")
			}
		}
		next := -1
		for i := range app.Steps {
			if app.Steps[i].Opened.IsZero() {
				next = i
				break
			}
		}
		if next >= 0 {
			kind := app.Steps[next].Kind
			for i := next; i < len(app.Steps) && app.Steps[i].Kind == kind; i++ {
				if err := openStep(tx, prof, app, i); err != nil {
					return nil, err
				}
			}
			return app, tx.Update(app, "reviewed")
		}
		auth, err := loadAuthorization(tx, app.Authorization, "application")
		if err != nil {
			return nil, err
		}
		if err := requireActiveAuthorization(tx, auth, "application"); err != nil {
			return nil, err
		}
		g := &model.Grant{Meta: model.Meta{ID: model.GrantID(app.ID), Kind: model.KindGrant}, Application: app.ID, Authorization: app.Authorization,
			Operator: app.Operator, Partner: app.Partner, Scenario: app.Scenario, ResourceIDs: app.ResourceIDs(), DataList: app.DataList,
			Method: app.Method, ValidFrom: app.UsageFrom, ValidTo: app.UsageTo, Status: model.GrantActive, SourceUnits: []string{}}
		for _, st := range app.Steps {
			if st.Kind == model.StepSourceUnit {
				g.SourceUnits = append(g.SourceUnits, st.Party)
			}
		}
		app.Grant = g.ID
		if err := setAppStatus(tx, app, model.AppApproved); err != nil {
			return nil, err
		}
		if err := tx.Update(app, "approved"); err != nil {
			return nil, err
		}
		for _, r := range g.ResourceIDs {
			if err := tx.Index(ixGrantResource, r, g.ID); err != nil {
				return nil, err
			}
		}
		if err := tx.Create(g, "granted"); err != nil {
			return nil, err
		}
		return app, nil
	}, withRoles(), withProfile())
}

// Get returns one application.
func (c *ApplicationContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Application:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Application](tx, model.KindApplication, req.ID)
	})
}

// List returns applications by operator and/or status.
func (c *ApplicationContract) List(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Application:List", request, func(tx *Tx, req *model.ApplicationsRequest) (any, error) {
		index, prefix := ixAppStatus, []string{}
		if req.Operator != "" {
			index, prefix = ixAppOperator, []string{req.Operator}
		}
		return pagedRecords[model.Application](tx, model.KindApplication, index, prefix, req.Page,
			func(a *model.Application) bool { return req.Status == "" || a.Status == req.Status })
	})
}

// ByResource returns the applications asking for a resource.
func (c *ApplicationContract) ByResource(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Application:ByResource", request, func(tx *Tx, req *model.ByResourceRequest) (any, error) {
		return pagedRecords[model.Application](tx, model.KindApplication, ixAppResource, []string{req.Resource}, req.Page, nil)
	})
}

// Overdue lists review steps past their deadline, oldest first.
func (c *ApplicationContract) Overdue(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Application:Overdue", request, func(tx *Tx, req *model.PageRequest) (any, error) {
		rows, err := passedDue(tx, ixAppDue, 3)
		if err != nil {
			return nil, err
		}
		out := []model.OverdueItem{}
		for _, r := range rows {
			var a model.Application
			ok, err := tx.GetIf(model.KindApplication, r[1], &a)
			if err != nil {
				return nil, err
			}
			var i int
			if _, err := fmt.Sscanf(r[2], "%d", &i); err != nil || !ok || i >= len(a.Steps) {
				continue
			}
			if d := a.Steps[i].Deadline; d.Overdue(tx.Now) && tx.CanRead(&a) {
				out = append(out, model.OverdueItem{Kind: model.KindApplication, ID: a.ID, Deadline: *d})
			}
		}
		return pageOf(out, req.Page, func(o model.OverdueItem) string { return dueKey(o.Deadline.Due) + "/" + o.ID + "/" + o.Deadline.Party })
	})
}

// Revoke revokes a grant (bureau).
func (c *GrantContract) Revoke(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Grant:Revoke", request, func(tx *Tx, req *model.RevokeGrantRequest) (model.Record, error) {
		g, err := loadGrant(tx, req.Grant, "grant")
		if err != nil {
			return nil, err
		}
		if g.Status != model.GrantActive {
			return nil, model.Errf(model.CodeBadState, "grant %s is %s already", g.ID, g.Status)
		}
		g.Status, g.RevokedReason = model.GrantRevoked, req.Reason
		return g, tx.Update(g, "revoked")
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau))
}

// Get returns one grant.
func (c *GrantContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Grant:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Grant](tx, model.KindGrant, req.ID)
	})
}

// ByResource returns the grants covering a resource.
func (c *GrantContract) ByResource(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Grant:ByResource", request, func(tx *Tx, req *model.ByResourceRequest) (any, error) {
		return pagedRecords[model.Grant](tx, model.KindGrant, ixGrantResource, []string{req.Resource}, req.Page, nil)
	})
}
