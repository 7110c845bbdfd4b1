package contracts

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// SupervisionContract is 监督管理: inspections and findings, rectification
// orders that suspend and terminate authorizations, evaluations with the profile's
// revoke rule, security incidents, periodic reports with overdue tracking, complaints,
// objections, disputes and data-quality feedback, blacklisting. Its records are visible
// to the parties involved, the bureau and regulators, never to the public; a
// blacklisting is public (it is the participant's status).
type SupervisionContract struct {
	base
}

func init() { register("Supervision", &SupervisionContract{}) }

// Index keys of supervision records. The string values are part of the ledger's keys
// (ix~sv-rect-due, ...), so they stay as they are on ledgers already written.
const (
	ixRectDue           = "sv-rect-due"  // due (UTC, sortable), rectification — orders whose deadline still runs
	ixRectAuth          = "sv-rect-auth" // authorization, rectification
	ixEvalAuth          = "sv-eval-auth" // authorization, period start, evaluation
	ixReport            = "sv-report"    // authorization, kind, period label, report
	ixCaseOpen          = "sv-case-open" // addressee, case — unanswered
	ixCaseDigest        = "case-digest"  // content digest (filer, kind, parties, text), case
	ixFlag              = "sv-flag"      // authorization ("-" if none), kind, id → model.Flag
	flagNoAuthorization = "-"            // flag key part for records tied to no authorization
	flagObject          = "ix~" + ixFlag // object type of flag entries
)

// flagKey is the key of the flag on a record: under its authorization (flagNoAuthorization
// for none), so that Flags lists an authorization's flags with one prefix scan.
func flagKey(tx *Tx, authorization string, kind model.Kind, id string) string {
	if authorization == "" {
		authorization = flagNoAuthorization
	}
	return tx.Key(model.Kind(flagObject), authorization, string(kind), id)
}

// raiseFlag records what awaits the bureau's decision on a record (Supervision:Flags).
func raiseFlag(tx *Tx, f model.Flag) error {
	raw, _ := json.Marshal(f)
	return tx.putRaw(flagKey(tx, f.Authorization, f.Kind, f.ID), raw)
}

// clearFlag removes a record's flag, if it has one.
func clearFlag(tx *Tx, authorization string, kind model.Kind, id string) error {
	key := flagKey(tx, authorization, kind, id)
	raw, err := tx.getRaw(key)
	if err != nil || raw == nil {
		return err
	}
	return tx.delRaw(key)
}

// ---------------------------------------------------------------------------------
// Inspections

// Inspect records an inspection with its findings (bureau or regulator). The request id
// is the inspection id.
func (c *SupervisionContract) Inspect(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:Inspect", request, func(tx *Tx, req *model.InspectRequest) (model.Record, error) {
		caller := tx.Who()
		var subject model.Participant
		if err := tx.GetField(model.KindParticipant, req.Subject, "subject", &subject); err != nil {
			return nil, err
		}
		if req.Authorization != "" {
			a, err := loadAuthorization(tx, req.Authorization, "authorizationId")
			if err != nil {
				return nil, err
			}
			if a.Operator != subject.ID {
				return nil, model.FieldErr(model.CodeBadFormat, "authorizationId", "the subject's authorization", "authorization %s is %s's, not the inspected %s's", a.ID, a.Operator, subject.ID)
			}
		}
		in := &model.Inspection{
			Meta:      model.Meta{ID: req.ID, Kind: model.KindInspection},
			Inspector: caller.PID(), InspectorRole: caller.Participant.Role, Subject: subject.ID,
			Authorization: req.Authorization, Type: req.Type, Scope: req.Scope, Period: req.Period,
			ReportDigest: req.ReportDigest, Findings: []model.Finding{}, Signature: req.Signature,
		}
		for _, f := range req.Findings {
			in.Findings = append(in.Findings, newFinding(tx, len(in.Findings)+1, caller.PID(), f))
		}
		return in, tx.Create(in, "recorded")
	}, withRoleRule(model.RuleInspectorRole, model.RoleBureau, model.RoleRegulator), withSignature(sigOptional))
}

func newFinding(tx *Tx, no int, by string, f model.FindingInput) model.Finding {
	return model.Finding{No: no, Severity: f.Severity, Description: f.Description, EvidenceDigest: f.EvidenceDigest, By: by, At: tx.Now, TxID: tx.TxID}
}

// AddFinding adds a finding to an inspection (its inspector or the bureau).
func (c *SupervisionContract) AddFinding(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:AddFinding", request, func(tx *Tx, req *model.AddFindingRequest) (model.Record, error) {
		caller := tx.Who()
		var in model.Inspection
		if err := tx.GetField(model.KindInspection, req.Inspection, "inspection", &in); err != nil {
			return nil, err
		}
		if in.Inspector != caller.PID() && !caller.Is(model.RoleBureau) {
			return nil, model.RuleInspectorRole.ViolationField("inspection", in.Inspector, "inspection %s is %s's; only its inspector or the bureau adds findings", in.ID, in.Inspector)
		}
		if len(in.Findings) >= 500 {
			return nil, model.FieldErr(model.CodeTooMany, "inspection", "500", "inspection %s has 500 findings; record a new inspection", in.ID)
		}
		in.Findings = append(in.Findings, newFinding(tx, len(in.Findings)+1, caller.PID(), req.FindingInput))
		return &in, tx.Update(&in, "finding-added")
	}, withRoleRule(model.RuleInspectorRole, model.RoleBureau, model.RoleRegulator))
}

// ---------------------------------------------------------------------------------
// Evaluations

// Evaluate records an evaluation of an operator under an authorization (bureau) and
// applies the profile's revoke rule: failures counted (consecutive where
// evaluation.failures_consecutive), the authorization terminated when the count is
// reached and failure_termination is mandatory, flagged for the bureau when it is
// discretionary; a failure opens a rectification where failure_triggers_rectification.
func (c *SupervisionContract) Evaluate(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:Evaluate", request, func(tx *Tx, req *model.EvaluateRequest) (model.Record, error) {
		prof := tx.Policy()
		ev := prof.P.Evaluation
		if grades, ok := ev.Grades.Get(); ok && !slices.Contains(grades, req.Grade.Chinese()) {
			return nil, model.RuleEvaluationGrade.ViolationField("grade", strings.Join(grades, "/"),
				"grade %s (%s) is not one of the profile's grades %s (%s)", req.Grade, req.Grade.Chinese(), strings.Join(grades, ", "), prof.Ref())
		}
		if err := checkDimensions(req.Dimensions, ev.Dimensions, prof.Ref()); err != nil {
			return nil, err
		}
		a, err := loadAuthorization(tx, req.Authorization, "authorizationId")
		if err != nil {
			return nil, err
		}
		if err := requireInForce(a, "authorizationId"); err != nil {
			return nil, err
		}
		pStart, pEnd, err := model.PeriodRange(req.Period)
		if err != nil {
			return nil, model.FieldErr(model.CodeBadFormat, "period", "YYYY, YYYY-MM, YYYY-H1/H2 or YYYY-Qn", "%v", err)
		}
		if pStart.After(tx.Now) {
			return nil, model.RuleEvaluationPeriod.ViolationField("period", "begun", "period %s begins %s, after the transaction date", req.Period, model.DateOf(pStart))
		}
		if termStart, err := model.ParseDate(a.TermStart); err == nil && !pEnd.After(termStart) {
			return nil, model.RuleEvaluationPeriod.ViolationField("period", "within the term from "+a.TermStart,
				"period %s ends before authorization %s's term began on %s", req.Period, a.ID, a.TermStart)
		}
		rows, err := tx.Scan(ixEvalAuth, a.ID)
		if err != nil {
			return nil, err
		}
		if n := len(rows); n > 0 {
			var last model.Evaluation
			if err := tx.Get(model.KindEvaluation, rows[n-1][2], &last); err != nil {
				return nil, err
			}
			lastEnd, _ := model.ParseDate(last.PeriodEnd)
			if !pStart.After(lastEnd) {
				return nil, model.RuleEvaluationPeriod.ViolationField("period", "after "+last.PeriodEnd,
					"authorization %s was evaluated for %s (to %s) by %s; period %s does not follow it", a.ID, last.Period, last.PeriodEnd, last.ID, req.Period)
			}
		}
		if req.Rectification != nil && req.Grade != model.GradeFail {
			return nil, model.FieldErr(model.CodeBadFormat, "rectification", "failing evaluations only", "only a failing evaluation orders a rectification")
		}

		e := &model.Evaluation{
			Meta:          model.Meta{ID: req.ID, Kind: model.KindEvaluation},
			Authorization: a.ID, Operator: a.Operator, Period: req.Period,
			PeriodStart: model.DateOf(pStart), PeriodEnd: model.DateOf(pEnd.AddDate(0, 0, -1)),
			Grade: req.Grade, GradeZH: req.Grade.Chinese(), Dimensions: req.Dimensions,
			ReportDigest: req.ReportDigest, Assessor: req.Assessor, Signature: req.Signature, Profile: prof.Ref(),
		}
		if e.Dimensions == nil {
			e.Dimensions = []model.DimensionScore{}
		}
		consecutive := ev.FailuresConsecutive.True()
		failures := a.FailedEvaluations
		if req.Grade == model.GradeFail {
			failures++
		} else if consecutive {
			failures = 0
		}
		e.Failures = failures
		if failures != a.FailedEvaluations {
			a.FailedEvaluations = failures
			if err := tx.Update(a, "evaluated"); err != nil {
				return nil, err
			}
		}
		if err := tx.Create(e, "recorded"); err != nil {
			return nil, err
		}
		if err := tx.Index(ixEvalAuth, a.ID, model.DateOf(pStart), e.ID); err != nil {
			return nil, err
		}

		if n, set := ev.FailuresToTerminate.Get(); set && req.Grade == model.GradeFail && failures >= n {
			mode, _ := ev.FailureTermination.Get()
			how := ""
			if consecutive {
				how = " consecutive"
			}
			e.Rule = fmt.Sprintf("evaluation.failures_to_terminate=%d%s, failure_termination=%s (%s)", n, how, mode, prof.Ref())
			detail := fmt.Sprintf("%d%s failed evaluation(s), the last %s for %s; %s", failures, how, e.ID, e.Period, e.Rule)
			if mode == policy.TerminationMandatory {
				if err := terminateAuthorization(tx, a, model.GroundFailedEvaluation, detail, req.ReportDigest); err != nil {
					return nil, err
				}
				e.Outcome = model.EvalTerminated
			} else {
				e.Outcome = model.EvalTerminationGround
				if err := raiseFlag(tx, model.Flag{Kind: model.KindEvaluation, ID: e.ID, Authorization: a.ID, Operator: a.Operator,
					Reason: "failed-evaluation termination ground reached; the bureau may terminate (" + detail + ")", Rule: model.RuleEvaluationFailures.Code, Since: tx.Now}); err != nil {
					return nil, err
				}
			}
		}
		if req.Grade == model.GradeFail && e.Outcome != model.EvalTerminated {
			order := req.Rectification
			if order == nil && ev.FailureTriggersRectification.True() {
				return nil, model.RuleEvaluationRectification.ViolationField("rectification", "order with deadline",
					"under %s a failing evaluation opens a rectification (限期整改): give its id, requirements and deadline", prof.Ref())
			}
			if order != nil {
				r, err := orderRectification(tx, prof, a, order.ID, "evaluation "+e.ID+" ("+e.Period+") failed", order.Requirements, order.RectificationDue,
					func(r *model.Rectification) { r.Evaluation = e.ID })
				if err != nil {
					return nil, err
				}
				e.Rectification = r.ID
				if e.Outcome == "" {
					e.Outcome = model.EvalRectification
				}
			}
		}
		if err := tx.Update(e, "recorded"); err != nil {
			return nil, err
		}
		tx.SetEventType(model.KindEvaluation, "recorded")
		return e, nil
	}, withRoleRule(model.RuleSupervisionBureauOnly, model.RoleBureau), withSignature(sigOptional), withProfile())
}

// checkDimensions: the profile's dimensions, each exactly once (any dimensions, each
// once, where the profile lists none).
func checkDimensions(got []model.DimensionScore, want *policy.ListParam, ref string) error {
	seen := map[string]bool{}
	for i, d := range got {
		if seen[d.Dimension] {
			return model.RuleEvaluationDimensions.ViolationField(fmt.Sprintf("dimensions[%d]", i), "each once", "dimension %q is scored twice", d.Dimension)
		}
		seen[d.Dimension] = true
	}
	dims, ok := want.Get()
	if !ok {
		return nil
	}
	for i, d := range got {
		if !slices.Contains(dims, d.Dimension) {
			return model.RuleEvaluationDimensions.ViolationField(fmt.Sprintf("dimensions[%d]", i), strings.Join(dims, "/"),
				"dimension %q is not one of the profile's dimensions %s (%s)", d.Dimension, strings.Join(dims, ", "), ref)
		}
	}
	for _, d := range dims {
		if !seen[d] {
			return model.RuleEvaluationDimensions.ViolationField("dimensions", strings.Join(dims, "/"),
				"dimension %q of the profile (%s) is not scored", d, ref)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------------
// Blacklisting

// Blacklist bans an operator or partner from the market for the profile's
// exit.blacklist_years (bureau). The participant record is public, so the ban is.
func (c *SupervisionContract) Blacklist(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:Blacklist", request, func(tx *Tx, req *model.BlacklistRequest) (model.Record, error) {
		prof := tx.Policy()
		years, ok := prof.P.Exit.BlacklistYears.Get()
		if !ok {
			return nil, model.RuleBlacklistNeedsProfile.Violation("the profile %s sets no blacklist (exit.blacklist_years); suspend the participant instead", prof.Ref())
		}
		var p model.Participant
		if err := tx.GetField(model.KindParticipant, req.Participant, "participant", &p); err != nil {
			return nil, err
		}
		if p.Role != model.RoleOperator && p.Role != model.RolePartner {
			return nil, model.FieldErr(model.CodeBadState, "participant", "operator | partner", "%s is a %s; the blacklist bans operators and partners (违规机构)", p.ID, p.Role)
		}
		today := model.DateOf(tx.Now)
		if p.Status == model.StatusBlacklisted && p.BlacklistedUntil > today {
			return nil, model.FieldErr(model.CodeBadState, "participant", "", "%s is blacklisted until %s already", p.ID, p.BlacklistedUntil)
		}
		if req.Authorization != "" {
			if ok, err := tx.Exists(model.KindAuthorization, req.Authorization); err != nil {
				return nil, err
			} else if !ok {
				return nil, model.FieldErr(model.CodeNotFound, "authorizationId", "", "authorization %q does not exist", req.Authorization)
			}
		}
		until := policy.FormatDate(policy.AddYears(tx.Now, years))
		reason := req.Reason
		if req.Authorization != "" {
			reason += "; authorization " + req.Authorization
		}
		if req.EvidenceDigest != "" {
			reason += "; evidence SM3 " + req.EvidenceDigest
		}
		p.Status, p.BlacklistedUntil = model.StatusBlacklisted, until
		p.StatusReason = fmt.Sprintf("%s (exit.blacklist_years=%d, %s: banned until %s, exclusive)", reason, years, prof.Ref(), until)
		return &p, tx.Update(&p, "blacklisted")
	}, withRoleRule(model.RuleSupervisionBureauOnly, model.RoleBureau), withSignature(sigOptional), withProfile())
}

// ---------------------------------------------------------------------------------
// Flags and the sweep

// Flags lists what awaits the bureau's decision on authorizations still in force: a
// discretionary termination ground reached by failed evaluations, an overdue
// rectification the profile does not make terminate (also before a transaction settled
// it), an undecided major incident. The bureau and regulators see all; an operator its
// own.
func (c *SupervisionContract) Flags(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:Flags", request, func(tx *Tx, req *model.FlagsRequest) (any, error) {
		caller, err := tx.Caller()
		if err != nil {
			return nil, err
		}
		var prefix []string
		if req.Authorization != "" {
			prefix = []string{req.Authorization}
		}
		it, err := tx.stub.GetStateByPartialCompositeKey(flagObject, prefix)
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "flags: %v", err)
		}
		defer it.Close()
		out := []model.Flag{}
		for it.HasNext() {
			kv, err := it.Next()
			if err != nil {
				return nil, model.Errf(model.CodeInternal, "flags: %v", err)
			}
			var f model.Flag
			if err := json.Unmarshal(kv.Value, &f); err != nil {
				return nil, model.Errf(model.CodeInternal, "flag %q: %v", kv.Key, err)
			}
			if !caller.Is(model.RoleBureau, model.RoleRegulator) && !(caller.Active() && caller.PID() == f.Operator) {
				continue
			}
			if f.Authorization != "" {
				var a model.Authorization
				if ok, err := tx.GetIf(model.KindAuthorization, f.Authorization, &a); err != nil {
					return nil, err
				} else if ok && !inForce(&a) {
					continue
				}
			}
			out = append(out, f)
		}
		// orders overdue but not yet settled by a transaction, as viewSettled shows them
		rows, err := tx.Scan(ixRectDue)
		if err != nil {
			return nil, err
		}
		now := dueKey(tx.Now)
		for _, row := range rows {
			if len(row) != 2 || row[0] >= now {
				break
			}
			var r model.Rectification
			if err := tx.Get(model.KindRectification, row[1], &r); err != nil {
				return nil, err
			}
			if r.Status != model.RectOpen || r.OnOverdue != model.OnOverdueBureauDecides || (req.Authorization != "" && r.Authorization != req.Authorization) ||
				(!caller.Is(model.RoleBureau, model.RoleRegulator) && !(caller.Active() && caller.PID() == r.Operator)) {
				continue
			}
			var a model.Authorization
			if ok, err := tx.GetIf(model.KindAuthorization, r.Authorization, &a); err != nil {
				return nil, err
			} else if ok && !inForce(&a) {
				continue
			}
			out = append(out, model.Flag{Kind: model.KindRectification, ID: r.ID, Authorization: r.Authorization, Operator: r.Operator,
				Reason: fmt.Sprintf("rectification %s overdue since %s (effective with the next transaction touching it or a Supervision:Sweep)", r.ID, model.DateOf(r.Deadline.Due)),
				Rule:   model.RuleRectificationOverdue.Code, Since: r.Deadline.Due})
		}
		return out, nil
	})
}

// Sweep makes due supervision effects effective; any active participant may submit it,
// for the records it may read (a write's endorsement shows its caller the write set). Rectifications
// whose deadline passed unmet fail (terminating the authorization where the profile
// says so, else flagged for the bureau), in deadline order, up to limit; the named
// authorization's own lazy transitions apply (loadAuthorization). The
// same happens to a record whenever a transaction touches it.
func (c *SupervisionContract) Sweep(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:Sweep", request, func(tx *Tx, req *model.SweepRequest) (model.Record, error) {
		limit := req.Limit
		if limit == 0 {
			limit = 50
		}
		sw := &model.SupervisionSweep{Meta: model.Meta{ID: req.ID, Kind: model.KindSupervisionSweep}, Authorization: req.Authorization, Effects: []model.SweepEffect{}}
		ops := map[string]bool{}
		effect := func(kind model.Kind, id, action, operator string) {
			sw.Effects = append(sw.Effects, model.SweepEffect{Kind: kind, ID: id, Action: action})
			ops[operator] = true
		}
		settle := func(id string) error {
			var r model.Rectification
			if err := tx.Get(model.KindRectification, id, &r); err != nil {
				return err
			}
			if !tx.CanRead(&r) {
				// the endorsement would hand the sweeper the record's new state
				return nil
			}
			sw.Checked++
			changed, err := settleRectification(tx, &r)
			if err != nil {
				return err
			}
			if changed {
				effect(model.KindRectification, r.ID, string(r.Status), r.Operator)
			}
			return nil
		}
		if req.Authorization != "" {
			var before model.Authorization
			if err := tx.GetField(model.KindAuthorization, req.Authorization, "authorizationId", &before); err != nil {
				return nil, err
			}
			a, err := loadAuthorization(tx, req.Authorization, "authorizationId")
			if err != nil {
				return nil, err
			}
			if a.Status != before.Status {
				effect(model.KindAuthorization, a.ID, string(a.Status), a.Operator)
			}
			ids, err := tx.ScanIDs(ixRectAuth, a.ID)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if err := settle(id); err != nil {
					return nil, err
				}
			}
		}
		rows, err := tx.Scan(ixRectDue)
		if err != nil {
			return nil, err
		}
		now := dueKey(tx.Now)
		handled := 0
		for _, r := range rows {
			if len(r) != 2 || r[0] >= now {
				break
			}
			if handled == limit {
				sw.More = true
				break
			}
			handled++
			if err := settle(r[1]); err != nil {
				return nil, err
			}
		}
		for op := range ops {
			sw.Operators = append(sw.Operators, op)
		}
		sort.Strings(sw.Operators)
		if err := tx.Create(sw, "swept"); err != nil {
			return nil, err
		}
		tx.SetEventType(model.KindSupervisionSweep, "swept")
		return sw, nil
	}, withRoles()) // an active participant, so a sweep is always someone's act on the record
}

// ---------------------------------------------------------------------------------
// Reads

// Inspection returns an inspection (its inspector and subject, the bureau, regulators).
func (c *SupervisionContract) Inspection(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:Inspection", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Inspection](tx, model.KindInspection, req.ID)
	})
}

// Rectification returns a rectification order as it stands now: an order whose deadline
// passed unmet reads as failed or overdue even before a transaction made that effective.
func (c *SupervisionContract) Rectification(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:Rectification", request, func(tx *Tx, req *model.Ref) (any, error) {
		r, err := readRecord[model.Rectification](tx, model.KindRectification, req.ID)
		if err != nil {
			return nil, err
		}
		viewSettled(r, tx.Now)
		return r, nil
	})
}

// Evaluation returns an evaluation (the operator, the bureau, regulators).
func (c *SupervisionContract) Evaluation(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:Evaluation", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Evaluation](tx, model.KindEvaluation, req.ID)
	})
}

// Incident returns an incident (its filer and operator, the bureau, regulators).
func (c *SupervisionContract) Incident(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:Incident", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Incident](tx, model.KindIncident, req.ID)
	})
}

// Report returns a periodic report (its filer and operator, the bureau, regulators).
func (c *SupervisionContract) Report(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Supervision:Report", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.PeriodicReport](tx, model.KindReport, req.ID)
	})
}
