package contracts

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// AuthorizationContract keeps authorization agreements (授权运营协议): publicity,
// signing by both parties, filing, suspension, termination on the seeds' grounds,
// voluntary exit, renewal, data deletion, and the one emergency plan.
type AuthorizationContract struct {
	base
}

func init() { register("Authorization", &AuthorizationContract{}) }

// Index keys of authorizations.
const (
	ixAuthOperator = "auth-operator" // operator, authorization
	ixAuthResource = "auth-resource" // resource, authorization
	ixAuthStatus   = "auth-status"   // status, authorization
	ixAuthDue      = "auth-due"      // due, authorization, what: filing and deletion deadlines
)

// ended reports whether an authorization is over.
func ended(a *model.Authorization) bool {
	return a.Status == model.AuthTerminated || a.Status == model.AuthExpired
}

// termEnd is the first instant after the last day of the term.
func termEnd(a *model.Authorization) (time.Time, bool) {
	if a.TermEnd == "" {
		return time.Time{}, false
	}
	end, err := model.ParseDate(a.TermEnd)
	if err != nil {
		return time.Time{}, false
	}
	return end.AddDate(0, 0, 1), true
}

// inForce reports whether an authorization is in force: active, or suspended.
func inForce(a *model.Authorization) bool {
	return a.Status == model.AuthActive || a.Status == model.AuthSuspended
}

// requireInForce refuses (naming field) unless the authorization is in force.
func requireInForce(a *model.Authorization, field string) error {
	if !inForce(a) {
		return model.FieldErr(model.CodeBadState, field, "active or suspended", "authorization %s is %s, not in force", a.ID, a.Status)
	}
	return nil
}

// authEnd is the instant an authorization's term ends (exclusive): its termination,
// or the start of the day after its last day; zero when it has no end yet.
func authEnd(a *model.Authorization) time.Time {
	if a.Status == model.AuthTerminated && a.Termination != nil {
		return a.Termination.At
	}
	if end, ok := termEnd(a); ok {
		return end
	}
	return time.Time{}
}

// lastDay is the date n months after the date from, minus one day: the last day of a
// term of n months starting on from.
func lastDay(from string, months int) string {
	t, err := model.ParseDate(from)
	if err != nil {
		return ""
	}
	return model.DateOf(t.AddDate(0, months, -1))
}

// setAuthStatus moves the status index and, when the authorization ends, opens the
// deletion deadline and fixes the log retention date.
func setAuthStatus(tx *Tx, a *model.Authorization, to model.AuthStatus, at time.Time) error {
	if a.Status != to {
		if a.Status != "" {
			if err := tx.Unindex(ixAuthStatus, string(a.Status), a.ID); err != nil {
				return err
			}
		}
		if err := tx.Index(ixAuthStatus, string(to), a.ID); err != nil {
			return err
		}
	}
	a.Status = to
	if !ended(a) {
		return nil
	}
	a.Suspension = nil
	prof, err := tx.Profile()
	if err != nil {
		return err
	}
	if prof.P.Exit.DataDeletionRequired.True() && a.Deletion == nil {
		a.Deletion = prof.DaysDeadline("data deletion confirmation", a.Operator, "exit.data_deletion_days", prof.P.Exit.DataDeletionDays, at)
		if a.Deletion == nil { // required, no number given: due at once, so it is listed until met
			a.Deletion = &model.Deadline{What: "data deletion confirmation", Party: a.Operator, Due: at, Rule: "exit.data_deletion_required (" + prof.Ref() + ")", Covered: true}
		}
		if err := tx.Index(ixAuthDue, dueKey(a.Deletion.Due), a.ID, "deletion"); err != nil {
			return err
		}
	}
	if years, ok := prof.P.Exit.LogRetentionYears.Get(); ok {
		if from, _ := prof.P.Exit.LogRetentionFrom.Get(); from != policy.RetentionFromCreation {
			a.LogRetention = model.DateOf(at.AddDate(years, 0, 0))
		}
	}
	return nil
}

// loadAuthorization loads an authorization and makes due effects happen first (lazy
// effects: whoever touches it next, or a Supervision:Sweep, records them): a
// rectification deadline passed while suspended for it → terminated
// (rectification_failed); a voluntary exit reaching its effective day (approved where
// needed) → terminated (voluntary_exit); the end of the term → expired.
func loadAuthorization(tx *Tx, id, field string) (*model.Authorization, error) {
	var a model.Authorization
	if err := tx.GetField(model.KindAuthorization, id, field, &a); err != nil {
		return nil, err
	}
	if ended(&a) || a.Status == model.AuthPublicized {
		return &a, nil
	}
	// A transaction records the effect only if its caller may read the authorization:
	// the endorsement of a write hands the caller its whole write set, so a sweep by a
	// stranger would leak a private authorization. Otherwise the effect is derived for
	// this transaction only, as a query derives it.
	settle := func(status model.AuthStatus, at time.Time, action string) (*model.Authorization, error) {
		if !tx.CanRead(&a) {
			a.Status = status
			return &a, nil
		}
		if err := setAuthStatus(tx, &a, status, at); err != nil {
			return nil, err
		}
		return &a, tx.Update(&a, action)
	}
	if s := a.Suspension; a.Status == model.AuthSuspended && s != nil && s.Rectification != "" &&
		!s.Deadline.IsZero() && tx.Now.After(s.Deadline) {
		a.Termination = &model.Termination{At: s.Deadline, Ground: model.GroundRectificationFailed,
			Detail: "rectification " + s.Rectification + " not completed by its deadline", TxID: tx.TxID}
		return settle(model.AuthTerminated, s.Deadline, "terminated")
	}
	if e := a.Exit; e != nil && (!e.NeedsApproval || e.Decision == model.Approved) {
		if on, err := model.ParseDate(e.EffectiveOn); err == nil && !tx.Now.Before(on) {
			a.Termination = &model.Termination{At: on, Ground: model.GroundVoluntaryExit, Detail: "voluntary exit effective " + e.EffectiveOn, TxID: tx.TxID}
			return settle(model.AuthTerminated, on, "terminated")
		}
	}
	if end, ok := termEnd(&a); ok && !tx.Now.Before(end) {
		a.Termination = &model.Termination{At: end, Ground: model.GroundExpired, Detail: "term ended " + a.TermEnd, TxID: tx.TxID}
		return settle(model.AuthExpired, end, "expired")
	}
	return &a, nil
}

// suspendAuthorization suspends (or re-suspends, replacing the Suspension) an
// authorization still in force.
func suspendAuthorization(tx *Tx, a *model.Authorization, s model.Suspension) error {
	if a.Status != model.AuthActive && a.Status != model.AuthSuspended {
		return model.RuleAuthState.ViolationField("authorization", "active|suspended", "authorization %s is %s; only an authorization in force can be suspended", a.ID, a.Status)
	}
	if err := setAuthStatus(tx, a, model.AuthSuspended, tx.Now); err != nil {
		return err
	}
	a.Suspension = &s
	return tx.Update(a, "suspended")
}

// resumeAuthorization lifts a rectification suspension; a no-op unless the
// authorization is suspended for that rectification.
func resumeAuthorization(tx *Tx, a *model.Authorization, rectification string) error {
	if a.Status != model.AuthSuspended || a.Suspension == nil || a.Suspension.Rectification != rectification {
		return nil
	}
	if err := setAuthStatus(tx, a, model.AuthActive, tx.Now); err != nil {
		return err
	}
	a.Suspension = nil
	return tx.Update(a, "resumed")
}

// terminateAuthorization ends an authorization in force on a ground.
func terminateAuthorization(tx *Tx, a *model.Authorization, ground model.TerminationGround, detail, evidence string) error {
	if ended(a) {
		return model.RuleAuthState.ViolationField("authorization", "not ended", "authorization %s is %s already", a.ID, a.Status)
	}
	c, err := tx.Caller()
	if err != nil {
		return err
	}
	a.Termination = &model.Termination{At: tx.Now, Ground: ground, Detail: detail, By: c.PID(), TxID: tx.TxID, EvidenceDigest: evidence}
	if err := setAuthStatus(tx, a, model.AuthTerminated, tx.Now); err != nil {
		return err
	}
	return tx.Update(a, "terminated")
}

// requireActiveAuthorization refuses unless the authorization is active.
func requireActiveAuthorization(tx *Tx, a *model.Authorization, field string) error {
	if a.Status != model.AuthActive {
		return model.RuleAuthActive.ViolationField(field, string(model.AuthActive), "authorization %s of %s is %s, not active", a.ID, a.Operator, a.Status)
	}
	return nil
}

// Create publicizes a candidate authorization (bureau).
func (c *AuthorizationContract) Create(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:Create", request, func(tx *Tx, req *model.CreateAuthorizationRequest) (model.Record, error) {
		prof := tx.Policy()
		var op model.Participant
		if err := tx.GetField(model.KindParticipant, req.Operator, "operator", &op); err != nil {
			return nil, err
		}
		if op.Role != model.RoleOperator {
			return nil, model.FieldErr(model.CodeBadState, "operator", "role operator", "participant %s is a %s, not an operator", op.ID, op.Role)
		}
		today := model.DateOf(tx.Now)
		if op.Status == model.StatusBlacklisted && (op.BlacklistedUntil == "" || today < op.BlacklistedUntil) {
			return nil, model.RuleBlacklistedNotAuthorized.ViolationField("operator", "ban ends "+op.BlacklistedUntil, "operator %s is blacklisted until %s and cannot be authorized", op.ID, op.BlacklistedUntil)
		}
		if op.Status != model.StatusActive {
			return nil, model.FieldErr(model.CodeBadState, "operator", "active", "operator %s is %s", op.ID, op.Status)
		}
		if mode, ok := prof.P.Authorization.Mode.Get(); ok && string(req.Mode) != mode {
			return nil, model.RuleAuthMode.ViolationField("mode", mode, "the profile (%s) authorizes in mode %s, not %s", prof.Ref(), mode, req.Mode)
		}
		if req.Mode == model.ModePerScenario && len(req.Scenarios) == 0 {
			return nil, model.RuleAuthMode.ViolationField("scenarios", "at least one", "a per-scenario authorization names its scenarios")
		}
		if max, ok := prof.P.Authorization.MaxTermMonths.Get(); ok && req.TermMonths > max {
			return nil, model.RuleAuthTermMax.ViolationField("termMonths", strconv.Itoa(max), "term of %d months exceeds the profile's maximum of %d months (%s)", req.TermMonths, max, prof.Ref())
		}
		for i, rid := range req.ResourceIDs {
			field := fmt.Sprintf("resourceIds[%d]", i)
			r, err := loadResource(tx, rid, field)
			if err != nil {
				return nil, err
			}
			if r.Catalogue != model.CatCatalogued {
				return nil, model.RuleAuthScopeCatalogued.ViolationField(field, "catalogued", "resource %s is %s, not in the authorized-operation catalogue", rid, r.Catalogue)
			}
		}
		if max, ok := prof.P.Authorization.MaxConcurrentOperators.Get(); ok {
			ops := map[string]bool{req.Operator: true}
			for _, st := range []model.AuthStatus{model.AuthPublicized, model.AuthActive, model.AuthSuspended} {
				ids, err := tx.ScanIDs(ixAuthStatus, string(st))
				if err != nil {
					return nil, err
				}
				for _, id := range ids {
					var o model.Authorization
					if ok, err := tx.GetIf(model.KindAuthorization, id, &o); err != nil {
						return nil, err
					} else if ok {
						ops[o.Operator] = true
					}
				}
			}
			if len(ops) > max {
				return nil, model.RuleAuthConcurrent.ViolationField("operator", strconv.Itoa(max), "%d operators would hold live authorizations; the profile (%s) allows %d", len(ops), prof.Ref(), max)
			}
		}
		a := &model.Authorization{Meta: model.Meta{ID: req.ID, Kind: model.KindAuthorization}, Operator: req.Operator, Mode: req.Mode,
			Scenarios: req.Scenarios, ResourceIDs: req.ResourceIDs, TermMonths: req.TermMonths, AgreementDigest: req.AgreementDigest,
			SecurityDigest: req.SecurityDigest, NoticeDigest: req.NoticeDigest, PublicityStart: tx.Now, PublicityEnds: tx.Now, Profile: prof.Ref()}
		a.Public = prof.P.Authorization.CandidatePublicityRequired.True() || prof.P.Authorization.AgreementDisclosureRequired.True()
		if prof.P.Authorization.CandidatePublicityRequired.True() {
			days, ok := prof.P.Authorization.CandidatePublicityMinDays.Get()
			if !ok {
				days = 1
			}
			// 公示期不少于N日: N full days after the day of publication.
			day, _ := model.ParseDate(today)
			a.PublicityEnds = day.AddDate(0, 0, days+1).UTC()
		}
		if err := setAuthStatus(tx, a, model.AuthPublicized, tx.Now); err != nil {
			return nil, err
		}
		if err := tx.Index(ixAuthOperator, a.Operator, a.ID); err != nil {
			return nil, err
		}
		for _, rid := range a.ResourceIDs {
			if err := tx.Index(ixAuthResource, rid, a.ID); err != nil {
				return nil, err
			}
		}
		return a, tx.Create(a, "publicized")
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau), withProfile())
}

// Sign signs the agreement as the caller's party; the second signature activates it.
func (c *AuthorizationContract) Sign(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:Sign", request, func(tx *Tx, req *model.SignAuthorizationRequest) (model.Record, error) {
		caller, prof, a := tx.Who(), tx.Policy(), tx.Auth()
		if caller.Participant.Role == model.RoleOperator && a.Operator != caller.PID() {
			return nil, model.RuleAuthSigning.ViolationField("authorization", a.Operator, "authorization %s is with %s; %s cannot sign it", a.ID, a.Operator, caller.PID())
		}
		if a.Status != model.AuthPublicized {
			return nil, model.RuleAuthState.ViolationField("authorization", "publicized", "authorization %s is %s; only a publicized candidate is signed", a.ID, a.Status)
		}
		if tx.Now.Before(a.PublicityEnds) {
			return nil, model.RuleAuthPublicity.ViolationField("authorization", a.PublicityEnds.In(model.CST).Format(time.RFC3339),
				"the publicity period of authorization %s runs until %s; it cannot be signed before", a.ID, a.PublicityEnds.In(model.CST).Format(time.RFC3339))
		}
		slot := &a.OperatorSigning
		if caller.Participant.Role == model.RoleBureau {
			slot = &a.BureauSigning
		}
		if *slot != nil {
			return nil, model.RuleAuthSigning.ViolationField("authorization", "once", "%s signed authorization %s already (tx %s)", caller.PID(), a.ID, (*slot).TxID)
		}
		if err := tx.VerifySignature(req, sigProfile, caller.PID()); err != nil {
			return nil, err
		}
		*slot = &model.Signing{Participant: caller.PID(), At: tx.Now, TxID: tx.TxID, Signature: req.Sig()}
		if a.BureauSigning == nil || a.OperatorSigning == nil {
			return a, tx.Update(a, "signed")
		}
		a.TermStart = model.DateOf(tx.Now)
		a.TermEnd = lastDay(a.TermStart, a.TermMonths)
		a.Public = a.Public || prof.P.Authorization.AgreementDisclosureRequired.True()
		if prof.P.Authorization.AgreementFilingRequired.True() {
			a.Filing = prof.WorkingDeadline("agreement filing", "", "authorization.agreement_filing_working_days", prof.P.Authorization.AgreementFilingWorkingDays, tx.Now)
			if a.Filing != nil {
				b, err := bureauID(tx)
				if err != nil {
					return nil, err
				}
				a.Filing.Party = b
				if err := tx.Index(ixAuthDue, dueKey(a.Filing.Due), a.ID, "filing"); err != nil {
					return nil, err
				}
			}
		}
		if err := setAuthStatus(tx, a, model.AuthActive, tx.Now); err != nil {
			return nil, err
		}
		return a, tx.Update(a, "signed+activated")
	}, withRoles(model.RoleBureau, model.RoleOperator), withProfile(), withAuthorization("authorization"))
}

// File records the filing of the signed agreement (bureau).
func (c *AuthorizationContract) File(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:File", request, func(tx *Tx, req *model.FileAuthorizationRequest) (model.Record, error) {
		a := tx.Auth()
		if a.TermStart == "" {
			return nil, model.RuleAuthFiling.ViolationField("authorization", "signed", "authorization %s is %s; only a signed agreement is filed", a.ID, a.Status)
		}
		if a.FilingRef != "" {
			return nil, model.RuleAuthFiling.ViolationField("authorization", "once", "authorization %s was filed already as %s", a.ID, a.FilingRef)
		}
		a.FilingRef = req.FilingRef
		if a.Filing != nil {
			now := tx.Now
			a.Filing.Met, a.Filing.MetTx = &now, tx.TxID
		}
		return a, tx.Update(a, "filed")
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau), withAuthorization("authorization"))
}

// Suspend suspends an active authorization (bureau).
func (c *AuthorizationContract) Suspend(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:Suspend", request, func(tx *Tx, req *model.SuspendAuthorizationRequest) (model.Record, error) {
		a := tx.Auth()
		if a.Status != model.AuthActive {
			return nil, model.RuleAuthState.ViolationField("authorization", "active", "authorization %s is %s; only an active one is suspended", a.ID, a.Status)
		}
		return a, suspendAuthorization(tx, a, model.Suspension{Since: tx.Now, Reason: string(req.Reason), Detail: req.Detail})
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau), withAuthorization("authorization"))
}

// Resume lifts a suspension (bureau). A rectification suspension is lifted only by
// accepting the rectification.
func (c *AuthorizationContract) Resume(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:Resume", request, func(tx *Tx, req *model.ResumeAuthorizationRequest) (model.Record, error) {
		a := tx.Auth()
		if a.Status != model.AuthSuspended || a.Suspension == nil {
			return nil, model.RuleAuthState.ViolationField("authorization", "suspended", "authorization %s is %s, not suspended", a.ID, a.Status)
		}
		if a.Suspension.Rectification != "" {
			return nil, model.RuleAuthState.ViolationField("authorization", "rectification accepted", "authorization %s is suspended for rectification %s; it resumes when the bureau accepts the rectification (Supervision:ReviewRectification)", a.ID, a.Suspension.Rectification)
		}
		if err := setAuthStatus(tx, a, model.AuthActive, tx.Now); err != nil {
			return nil, err
		}
		a.Suspension = nil
		return a, tx.Update(a, "resumed")
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau), withAuthorization("authorization"))
}

// Terminate ends an authorization on a ground of the seeds (bureau).
func (c *AuthorizationContract) Terminate(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:Terminate", request, func(tx *Tx, req *model.TerminateAuthorizationRequest) (model.Record, error) {
		switch req.Ground {
		case model.GroundExpired, model.GroundVoluntaryExit, model.GroundRectificationFailed:
			return nil, model.RuleAuthGround.ViolationField("ground", "breach|misuse|missing_safeguards|major_incident|unresolved_dispute|failed_evaluation|law_change|other_legal",
				"ground %s takes effect by itself (term end, exit notice, missed rectification deadline); the bureau does not terminate on it", req.Ground)
		}
		a, err := loadAuthorization(tx, req.Authorization, "authorization")
		if err != nil {
			return nil, err
		}
		return a, terminateAuthorization(tx, a, req.Ground, req.Detail, req.EvidenceDigest)
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau))
}

// ExitNotice records the operator's voluntary exit notice.
func (c *AuthorizationContract) ExitNotice(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:ExitNotice", request, func(tx *Tx, req *model.ExitNoticeRequest) (model.Record, error) {
		a, prof := tx.Auth(), tx.Policy()
		if a.Status != model.AuthActive && a.Status != model.AuthSuspended {
			return nil, model.RuleAuthState.ViolationField("authorization", "active|suspended", "authorization %s is %s; there is nothing to exit", a.ID, a.Status)
		}
		if a.Exit != nil && a.Exit.Decision != model.Refused {
			return nil, model.RuleAuthState.ViolationField("authorization", "one pending exit", "authorization %s has an exit notice already (effective %s)", a.ID, a.Exit.EffectiveOn)
		}
		day, _ := model.ParseDate(model.DateOf(tx.Now))
		earliest := day.AddDate(0, 0, 1)
		limit := "the day after the notice"
		if months, ok := prof.P.Exit.VoluntaryNoticeMonths.Get(); ok {
			earliest, limit = day.AddDate(0, months, 0), fmt.Sprintf("%d months after the notice (%s)", months, prof.Ref())
		}
		if req.EffectiveOn < model.DateOf(earliest) {
			return nil, model.RuleAuthExitNotice.ViolationField("effectiveOn", model.DateOf(earliest), "exit effective %s is too early: the earliest is %s, %s", req.EffectiveOn, model.DateOf(earliest), limit)
		}
		a.Exit = &model.Exit{NoticeAt: tx.Now, EffectiveOn: req.EffectiveOn, PlanDigest: req.PlanDigest, NeedsApproval: prof.P.Exit.VoluntaryExitNeedsApproval.True()}
		return a, tx.Update(a, "exit-noticed")
	}, withRoles(model.RoleOperator), withOwnAuthorization("authorization"), withProfile())
}

// DecideExit approves or refuses a voluntary exit that needs approval (bureau).
func (c *AuthorizationContract) DecideExit(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:DecideExit", request, func(tx *Tx, req *model.DecideExitRequest) (model.Record, error) {
		a := tx.Auth()
		if a.Exit == nil || !a.Exit.NeedsApproval || a.Exit.Decision != "" || ended(a) {
			return nil, model.RuleAuthState.ViolationField("authorization", "exit awaiting approval", "authorization %s has no exit awaiting the bureau's decision", a.ID)
		}
		if req.Decision == model.Refused && req.Reason == "" {
			return nil, model.RuleAuthExitNotice.ViolationField("reason", "1-1024 characters", "refusing an exit needs a reason")
		}
		now := tx.Now
		a.Exit.Decision, a.Exit.DecidedAt, a.Exit.Reason = req.Decision, &now, req.Reason
		return a, tx.Update(a, "exit-"+string(req.Decision))
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau), withAuthorization("authorization"))
}

// Renew applies for a renewal inside the profile's window (operator).
func (c *AuthorizationContract) Renew(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:Renew", request, func(tx *Tx, req *model.RenewAuthorizationRequest) (model.Record, error) {
		a, prof := tx.Auth(), tx.Policy()
		if prof.P.Authorization.RenewalAllowed.False() {
			return nil, model.RuleAuthRenewalWindow.ViolationField("authorization", "no renewal", "the profile (%s) allows no renewal: the operator is selected anew at expiry", prof.Ref())
		}
		if a.Status != model.AuthActive {
			return nil, model.RuleAuthState.ViolationField("authorization", "active", "authorization %s is %s; only an active one is renewed", a.ID, a.Status)
		}
		for _, r := range a.Renewals {
			if r.Decision == "" {
				return nil, model.RuleAuthState.ViolationField("authorization", "one pending renewal", "a renewal of %s requested at %s awaits the bureau", a.ID, r.RequestedAt.Format(time.RFC3339))
			}
		}
		end, _ := termEnd(a)
		if w, ok := prof.P.Authorization.RenewalWindowMonths.Get(); ok {
			opens := end.AddDate(0, -w, 0)
			if tx.Now.Before(opens) {
				return nil, model.RuleAuthRenewalWindow.ViolationField("authorization", model.DateOf(opens), "renewal of %s opens %s (%d months before the term ends %s)", a.ID, model.DateOf(opens), w, a.TermEnd)
			}
		}
		if max, ok := prof.P.Authorization.MaxTermMonths.Get(); ok && req.Months > max {
			return nil, model.RuleAuthTermMax.ViolationField("months", strconv.Itoa(max), "renewal of %d months exceeds the profile's maximum term of %d months", req.Months, max)
		}
		a.Renewals = append(a.Renewals, model.Renewal{RequestedAt: tx.Now, Months: req.Months, OldEnd: a.TermEnd})
		return a, tx.Update(a, "renewal-requested")
	}, withRoles(model.RoleOperator), withOwnAuthorization("authorization"), withProfile())
}

// DecideRenewal approves or refuses the pending renewal (bureau).
func (c *AuthorizationContract) DecideRenewal(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:DecideRenewal", request, func(tx *Tx, req *model.DecideRenewalRequest) (model.Record, error) {
		a := tx.Auth()
		i := len(a.Renewals) - 1
		if i < 0 || a.Renewals[i].Decision != "" || a.Status != model.AuthActive {
			return nil, model.RuleAuthState.ViolationField("authorization", "pending renewal", "authorization %s (%s) has no pending renewal", a.ID, a.Status)
		}
		r := &a.Renewals[i]
		r.Decision, r.DecidedAt, r.Reason = string(req.Decision), tx.Now, req.Reason
		if req.Decision == model.Approved {
			end, _ := model.ParseDate(a.TermEnd)
			r.NewEnd = model.DateOf(end.AddDate(0, r.Months, 0))
			a.TermEnd = r.NewEnd
		}
		return a, tx.Update(a, "renewal-"+string(req.Decision))
	}, withRoleRule(model.RuleAuthBureauOnly, model.RoleBureau), withAuthorization("authorization"))
}

// ConfirmDeletion confirms deletion of the data after the end (operator).
func (c *AuthorizationContract) ConfirmDeletion(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:ConfirmDeletion", request, func(tx *Tx, req *model.ConfirmDeletionRequest) (model.Record, error) {
		a := tx.Auth()
		if !ended(a) {
			return nil, model.RuleAuthDeletion.ViolationField("authorization", "terminated|expired", "authorization %s is %s; deletion is confirmed after it ends", a.ID, a.Status)
		}
		if a.DeletionRef != "" {
			return nil, model.RuleAuthDeletion.ViolationField("authorization", "once", "deletion for %s was confirmed already", a.ID)
		}
		a.DeletionRef = req.CertificateDigest
		if a.Deletion != nil {
			now := tx.Now
			a.Deletion.Met, a.Deletion.MetTx = &now, tx.TxID
		}
		return a, tx.Update(a, "deletion-confirmed")
	}, withRoles(model.RoleOperator), withOwnAuthorization("authorization"))
}

// FileEmergencyPlan files an emergency plan for an authorization, or revises a plan
// under its id (operator). Where the profile says 一授权一预案
// (security.emergency_plan_per_authorization), an authorization has its one plan of its
// own: a second plan, or a plan of another authorization, is refused. Elsewhere an
// operator's plan may cover several of its authorizations (filing a plan of one of them
// for another links it), and a new plan replaces the one an authorization had.
func (c *AuthorizationContract) FileEmergencyPlan(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Authorization:FileEmergencyPlan", request, func(tx *Tx, req *model.FileEmergencyPlanRequest) (model.Record, error) {
		a, prof := tx.Auth(), tx.Policy()
		if ended(a) {
			return nil, model.RuleAuthState.ViolationField("authorization", "in force", "authorization %s is %s", a.ID, a.Status)
		}
		one := prof.P.Security.EmergencyPlanPerAuthorization.True()
		if one && a.EmergencyPlan != "" && a.EmergencyPlan != req.Plan {
			return nil, model.RuleAuthEmergencyPlan.ViolationField("id", a.EmergencyPlan, "authorization %s has emergency plan %s (%s: one plan per authorization); revise it under that id instead of filing a second plan",
				a.ID, a.EmergencyPlan, prof.Ref())
		}
		var p model.EmergencyPlan
		ok, err := tx.GetIf(model.KindEmergencyPlan, req.Plan, &p)
		if err != nil {
			return nil, err
		}
		if !ok {
			p = model.EmergencyPlan{Meta: model.Meta{ID: req.Plan, Kind: model.KindEmergencyPlan}, Authorization: a.ID, Operator: a.Operator, PlanDigest: req.PlanDigest, Summary: req.Summary}
			if err := tx.Create(&p, "filed"); err != nil {
				return nil, err
			}
			a.EmergencyPlan = p.ID
			return &p, tx.Update(a, "plan-filed")
		}
		if p.Operator != a.Operator {
			return nil, model.RuleAuthEmergencyPlan.ViolationField("plan", "a plan of "+a.Operator, "plan %s is %s's, for authorization %s", p.ID, p.Operator, p.Authorization)
		}
		if p.Authorization != a.ID && a.EmergencyPlan != p.ID {
			if one {
				return nil, model.RuleAuthEmergencyPlan.ViolationField("plan", "a plan of authorization "+a.ID, "plan %s belongs to authorization %s (%s: one plan per authorization)", p.ID, p.Authorization, prof.Ref())
			}
			if p.PlanDigest != req.PlanDigest || p.Summary != req.Summary {
				return nil, model.RuleAuthEmergencyPlan.ViolationField("planDigest", p.PlanDigest, "linking plan %s to authorization %s files it as it is; revise it under its own authorization %s", p.ID, a.ID, p.Authorization)
			}
			a.EmergencyPlan = p.ID
			return a, tx.Update(a, "plan-linked")
		}
		p.PlanDigest, p.Summary = req.PlanDigest, req.Summary
		return &p, tx.Update(&p, "revised")
	}, withRoles(model.RoleOperator), withOwnAuthorization("authorization"), withProfile())
}

// Get returns one authorization with due effects applied.
func (c *AuthorizationContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Authorization:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		a, err := loadAuthorization(tx, req.ID, "id")
		if err != nil {
			return nil, err
		}
		if !tx.CanRead(a) {
			return nil, model.Errf(model.CodeAccessDenied, "authorization %q is not public and the caller is not a party to it", a.ID)
		}
		return a, nil
	})
}

// List returns authorizations by operator and/or status.
func (c *AuthorizationContract) List(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Authorization:List", request, func(tx *Tx, req *model.AuthorizationsRequest) (any, error) {
		index, prefix := ixAuthStatus, []string{}
		if req.Operator != "" {
			index, prefix = ixAuthOperator, []string{req.Operator}
		}
		// the status index holds the stored status; an expiry that fell due is derived
		// when the record is read, so the filter applies to the record, not the index
		return pagedRecords[model.Authorization](tx, model.KindAuthorization, index, prefix, req.Page,
			func(a *model.Authorization) bool { return req.Status == "" || a.Status == req.Status })
	})
}

// ByResource returns the authorizations whose scope holds a resource.
func (c *AuthorizationContract) ByResource(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Authorization:ByResource", request, func(tx *Tx, req *model.ByResourceRequest) (any, error) {
		return pagedRecords[model.Authorization](tx, model.KindAuthorization, ixAuthResource, []string{req.Resource}, req.Page, nil)
	})
}

// Overdue lists agreement filings and deletion confirmations past their deadline.
func (c *AuthorizationContract) Overdue(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Authorization:Overdue", request, func(tx *Tx, req *model.PageRequest) (any, error) {
		rows, err := passedDue(tx, ixAuthDue, 3)
		if err != nil {
			return nil, err
		}
		out := []model.OverdueItem{}
		for _, r := range rows {
			a, err := loadAuthorization(tx, r[1], "id")
			if err != nil {
				return nil, err
			}
			d := a.Filing
			if r[2] == "deletion" {
				d = a.Deletion
			}
			if d.Overdue(tx.Now) && tx.CanRead(a) {
				out = append(out, model.OverdueItem{Kind: model.KindAuthorization, ID: a.ID, Deadline: *d})
			}
		}
		return pageOf(out, req.Page, func(o model.OverdueItem) string { return dueKey(o.Deadline.Due) + "/" + o.ID + "/" + o.Deadline.What })
	})
}

// EmergencyPlan returns one emergency plan.
func (c *AuthorizationContract) EmergencyPlan(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Authorization:EmergencyPlan", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.EmergencyPlan](tx, model.KindEmergencyPlan, req.ID)
	})
}
