package contracts

import (
	"fmt"
	"sort"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// Rectification orders (限期整改). The lifecycle, with the profile parameters that
// drive it:
//
//   - the bureau orders a rectification against an authorization in force, with a
//     deadline (a date, or working days on the profile's calendar);
//   - supervision.rectification_suspends: the authorization is suspended from the order
//     (Suspension{Reason "rectification", Rectification, Deadline}); Deadline is set only
//     where supervision.overdue_rectification is mandatory, so that loadAuthorization's lazy
//     transition (deadline passed while suspended → terminated, rectification_failed)
//     applies exactly where the seed says 应终止;
//   - the operator reports; a report in time meets the deadline (the suspension's
//     Deadline is cleared while the bureau reviews);
//   - the bureau accepts (the suspension is lifted: resumeAuthorization) or refuses (the
//     deadline runs again; if it has passed, the order fails at once);
//   - the deadline passes unmet: mandatory → failed and the authorization terminated,
//     a late report refused; otherwise overdue, flagged for the bureau, a late report
//     still accepted and marked late. This takes effect with the next transaction that
//     touches the order or the authorization, or a Supervision:Sweep.
//
// An authorization carries one Suspension. An order made while it is suspended (for
// another order or reason) is recorded and takes the suspension over when the earlier
// one is lifted.

func rectificationDeadline(tx *Tx, prof *profileView, party string, due model.RectificationDue) (*model.Deadline, error) {
	if due.WorkingDays > 0 {
		d, err := prof.Cal.Deadline(tx.Now, due.WorkingDays)
		if err != nil {
			return nil, model.FieldErr(model.CodeOutOfRange, "workingDays", "1..250", "%v", err)
		}
		return &model.Deadline{What: "rectification (限期整改)", Party: party, Due: d.Due.UTC(), Covered: d.Covered,
			Rule: fmt.Sprintf("%d working days set by the bureau (calendar %s, %s)", due.WorkingDays, prof.Cal.ID(), prof.Ref())}, nil
	}
	day, err := model.ParseDate(due.DueDate)
	if err != nil {
		return nil, model.FieldErr(model.CodeBadFormat, "dueDate", "YYYY-MM-DD", "due date %q: %v", due.DueDate, err)
	}
	end := policy.EndOfDay(day)
	if !end.After(tx.Now) {
		return nil, model.FieldErr(model.CodeOutOfRange, "dueDate", "after "+model.DateOf(tx.Now), "due date %s has passed", due.DueDate)
	}
	return &model.Deadline{What: "rectification (限期整改)", Party: party, Due: end.UTC(), Covered: true,
		Rule: fmt.Sprintf("due %s, set by the bureau (%s)", due.DueDate, prof.Ref())}, nil
}

// orderRectification creates an order against a (in force) and applies the suspension.
func orderRectification(tx *Tx, prof *profileView, a *model.Authorization, id, grounds, requirements string, due model.RectificationDue, link func(*model.Rectification)) (*model.Rectification, error) {
	if err := requireInForce(a, "authorizationId"); err != nil {
		return nil, err
	}
	dl, err := rectificationDeadline(tx, prof, a.Operator, due)
	if err != nil {
		return nil, err
	}
	on := model.OnOverdueBureauDecides
	if v, _ := prof.P.Supervision.OverdueRectification.Get(); v == policy.TerminationMandatory {
		on = model.OnOverdueTerminate
	}
	r := &model.Rectification{
		Meta:          model.Meta{ID: id, Kind: model.KindRectification},
		Authorization: a.ID, Operator: a.Operator, Grounds: grounds, Requirements: requirements,
		Deadline: dl, Suspends: prof.P.Supervision.RectificationSuspends.True(), OnOverdue: on,
		Status: model.RectOpen, Profile: prof.Ref(),
	}
	if link != nil {
		link(r)
	}
	if err := tx.Create(r, "ordered"); err != nil {
		return nil, err
	}
	if err := tx.Index(ixRectDue, dueKey(dl.Due), r.ID); err != nil {
		return nil, err
	}
	if err := tx.Index(ixRectAuth, a.ID, r.ID); err != nil {
		return nil, err
	}
	if r.Suspends && a.Status == model.AuthActive {
		if err := suspendAuthorization(tx, a, rectificationSuspension(tx, a, r)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// rectificationSuspension is the Suspension an order puts on its authorization: with the deadline
// armed only while it runs and only where missing it terminates by rule.
func rectificationSuspension(tx *Tx, a *model.Authorization, r *model.Rectification) model.Suspension {
	s := model.Suspension{Since: tx.Now, Reason: "rectification", Detail: r.Grounds, Rectification: r.ID}
	if a.Suspension != nil && a.Suspension.Rectification == r.ID {
		s.Since = a.Suspension.Since
	}
	if r.OnOverdue == model.OnOverdueTerminate && r.Status == model.RectOpen {
		s.Deadline = r.Deadline.Due
	}
	return s
}

// suspendedFor reports whether a's suspension is r's.
func suspendedFor(a *model.Authorization, r *model.Rectification) bool {
	return a.Status == model.AuthSuspended && a.Suspension != nil && a.Suspension.Rectification == r.ID
}

// settleRectification applies a passed deadline to an open order: failed and the
// authorization terminated where the order says so, else overdue and flagged. It
// reports whether the order changed.
func settleRectification(tx *Tx, r *model.Rectification) (bool, error) {
	if r.Status != model.RectOpen || !r.Deadline.Overdue(tx.Now) {
		return false, nil
	}
	a, err := loadAuthorization(tx, r.Authorization, "authorizationId") // loadAuthorization may terminate it here
	if err != nil {
		return false, err
	}
	if err := tx.Unindex(ixRectDue, dueKey(r.Deadline.Due), r.ID); err != nil {
		return false, err
	}
	due := r.Deadline.Due
	if r.OnOverdue == model.OnOverdueTerminate {
		r.Status, r.ClosedAt = model.RectFailed, &due
		switch {
		case inForce(a):
			detail := fmt.Sprintf("rectification %s not completed by %s (supervision.overdue_rectification=mandatory, %s)", r.ID, model.DateOf(due), r.Profile)
			if err := terminateAuthorization(tx, a, model.GroundRectificationFailed, detail, ""); err != nil {
				return false, err
			}
			r.Outcome = "authorization terminated: rectification_failed"
		case a.Status == model.AuthTerminated && a.Termination != nil:
			r.Outcome = "authorization terminated: " + string(a.Termination.Ground)
		default:
			r.Outcome = "authorization " + string(a.Status)
		}
		return true, tx.Update(r, "failed")
	}
	r.Status = model.RectOverdue
	r.Outcome = "deadline passed unmet; the bureau decides (supervision.overdue_rectification not mandatory, " + r.Profile + ")"
	if inForce(a) {
		if err := raiseFlag(tx, model.Flag{Kind: model.KindRectification, ID: r.ID, Authorization: r.Authorization, Operator: r.Operator,
			Reason: fmt.Sprintf("rectification %s overdue since %s", r.ID, model.DateOf(due)), Rule: model.RuleRectificationOverdue.Code, Since: due}); err != nil {
			return false, err
		}
	}
	return true, tx.Update(r, "overdue")
}

// viewSettled shows, without writing, what settleRectification would make of an order
// (for queries, which commit nothing).
func viewSettled(r *model.Rectification, now time.Time) {
	if r.Status != model.RectOpen || !r.Deadline.Overdue(now) {
		return
	}
	const pending = "; takes effect with the next transaction touching the order or its authorization, or a Supervision:Sweep"
	if r.OnOverdue == model.OnOverdueTerminate {
		r.Status, r.Outcome = model.RectFailed, "deadline passed unmet: the authorization terminates (rectification_failed)"+pending
		return
	}
	r.Status, r.Outcome = model.RectOverdue, "deadline passed unmet: the bureau decides"+pending
}

// handOverSuspension gives a's suspension to its next open suspending order, if any, once a is
// active again; an order found overdue meanwhile is settled first.
func handOverSuspension(tx *Tx, a *model.Authorization, except string) error {
	ids, err := tx.ScanIDs(ixRectAuth, a.ID)
	if err != nil {
		return err
	}
	var next []*model.Rectification
	for _, id := range ids {
		if id == except {
			continue
		}
		var r model.Rectification
		if err := tx.Get(model.KindRectification, id, &r); err != nil {
			return err
		}
		if _, err := settleRectification(tx, &r); err != nil {
			return err
		}
		if r.Suspends && (r.Status == model.RectOpen || r.Status == model.RectReported || r.Status == model.RectOverdue) {
			next = append(next, &r)
		}
	}
	cur, err := loadAuthorization(tx, a.ID, "authorizationId")
	if err != nil {
		return err
	}
	*a = *cur
	if len(next) == 0 || a.Status != model.AuthActive {
		return nil
	}
	sort.Slice(next, func(i, j int) bool { return next[i].Deadline.Due.Before(next[j].Deadline.Due) })
	return suspendAuthorization(tx, a, rectificationSuspension(tx, a, next[0]))
}

// OrderRectification orders a rectification against an authorization in force
// (bureau). The request id is the order id. Findings of an inspection of the operator
// may be named; they point back at the order.
func (c *SupervisionContract) OrderRectification(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:OrderRectification", request, func(tx *Tx, req *model.OrderRectificationRequest) (model.Record, error) {
		prof, a := tx.Policy(), tx.Auth()
		var in *model.Inspection
		if req.Inspection != "" {
			in = &model.Inspection{}
			if err := tx.GetField(model.KindInspection, req.Inspection, "inspection", in); err != nil {
				return nil, err
			}
			if in.Subject != a.Operator {
				return nil, model.FieldErr(model.CodeBadFormat, "inspection", "an inspection of "+a.Operator, "inspection %s inspected %s, not %s", in.ID, in.Subject, a.Operator)
			}
			for i, n := range req.Findings {
				if n < 1 || n > len(in.Findings) {
					return nil, model.FieldErr(model.CodeNotFound, fmt.Sprintf("findings[%d]", i), fmt.Sprintf("1..%d", len(in.Findings)), "inspection %s has no finding %d", in.ID, n)
				}
			}
		} else if len(req.Findings) > 0 {
			return nil, model.FieldErr(model.CodeMissingField, "inspection", "", "findings are numbered within an inspection: name it")
		}
		r, err := orderRectification(tx, prof, a, req.ID, req.Grounds, req.Requirements, req.RectificationDue, func(r *model.Rectification) {
			r.Inspection, r.Findings, r.Signature = req.Inspection, req.Findings, req.Signature
		})
		if err != nil {
			return nil, err
		}
		if in != nil && len(req.Findings) > 0 {
			for _, n := range req.Findings {
				in.Findings[n-1].Rectification = r.ID
			}
			if err := tx.Update(in, "rectification-ordered"); err != nil {
				return nil, err
			}
		}
		tx.SetEventType(model.KindRectification, "ordered")
		return r, nil
	}, withRoleRule(model.RuleSupervisionBureauOnly, model.RoleBureau), withSignature(sigOptional), withProfile(), withAuthorization("authorizationId"))
}

// ReportRectification files the operator's rectification report. In time it meets the
// deadline until the bureau's review; after the deadline it is refused where the
// profile makes the order fail (the order has failed), else accepted and marked late.
func (c *SupervisionContract) ReportRectification(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:ReportRectification", request, func(tx *Tx, req *model.ReportRectificationRequest) (model.Record, error) {
		caller := tx.Who()
		var r model.Rectification
		if err := tx.GetField(model.KindRectification, req.Rectification, "rectification", &r); err != nil {
			return nil, err
		}
		if caller.PID() != r.Operator {
			return nil, model.FieldErr(model.CodeAccessDenied, "rectification", r.Operator, "rectification %s is addressed to %s; %s may not report on it", r.ID, r.Operator, caller.PID())
		}
		if err := tx.VerifySignature(req, sigProfile, r.Operator); err != nil {
			return nil, err
		}
		if r.Status == model.RectOpen && r.Deadline.Overdue(tx.Now) && r.OnOverdue == model.OnOverdueTerminate {
			return nil, model.RuleRectificationOverdue.ViolationField("rectification", "before "+r.Deadline.Due.In(model.CST).Format("2006-01-02 15:04"),
				"rectification %s was due by %s and was not reported; the order has failed (逾期未完成整改) and %s terminates", r.ID, model.DateOf(r.Deadline.Due), r.Authorization)
		}
		if _, err := settleRectification(tx, &r); err != nil {
			return nil, err
		}
		rep := model.RectificationReport{At: tx.Now, TxID: tx.TxID, Digest: req.ReportDigest, Summary: req.Summary, Signature: req.Signature}
		switch r.Status {
		case model.RectOpen:
			met := tx.Now
			r.Deadline.Met, r.Deadline.MetTx = &met, tx.TxID
			if err := tx.Unindex(ixRectDue, dueKey(r.Deadline.Due), r.ID); err != nil {
				return nil, err
			}
		case model.RectOverdue:
			rep.Late = true
		case model.RectReported:
			return nil, model.FieldErr(model.CodeBadState, "rectification", "", "rectification %s has a report awaiting the bureau's review", r.ID)
		case model.RectFailed:
			return nil, model.RuleRectificationOverdue.ViolationField("rectification", "", "rectification %s failed on %s: %s", r.ID, model.DateOf(r.Deadline.Due), r.Outcome)
		default:
			return nil, model.FieldErr(model.CodeBadState, "rectification", "", "rectification %s is %s", r.ID, r.Status)
		}
		if len(r.Reports) >= 50 {
			return nil, model.FieldErr(model.CodeTooMany, "rectification", "50", "rectification %s has 50 reports", r.ID)
		}
		r.Reports = append(r.Reports, rep)
		r.Status = model.RectReported
		if err := tx.Update(&r, "reported"); err != nil {
			return nil, err
		}
		a, err := loadAuthorization(tx, r.Authorization, "authorizationId")
		if err != nil {
			return nil, err
		}
		if suspendedFor(a, &r) && !a.Suspension.Deadline.IsZero() {
			// the report met the deadline: stop the clock while the bureau reviews
			if err := suspendAuthorization(tx, a, rectificationSuspension(tx, a, &r)); err != nil {
				return nil, err
			}
		}
		tx.SetEventType(model.KindRectification, "reported")
		return &r, nil
	}, withRoles())
}

// ReviewRectification accepts or refuses the operator's last report (bureau).
func (c *SupervisionContract) ReviewRectification(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Supervision:ReviewRectification", request, func(tx *Tx, req *model.ReviewRectificationRequest) (model.Record, error) {
		var r model.Rectification
		if err := tx.GetField(model.KindRectification, req.Rectification, "rectification", &r); err != nil {
			return nil, err
		}
		if _, err := settleRectification(tx, &r); err != nil {
			return nil, err
		}
		switch r.Status {
		case model.RectReported:
		case model.RectOpen, model.RectOverdue:
			return nil, model.RuleRectificationNeedsReport.ViolationField("rectification", "reported",
				"rectification %s has no report from %s to review", r.ID, r.Operator)
		default:
			return nil, model.FieldErr(model.CodeBadState, "rectification", "reported", "rectification %s is %s", r.ID, r.Status)
		}
		now := tx.Now
		last := &r.Reports[len(r.Reports)-1]
		last.Decision, last.Reason, last.DecidedAt, last.DecidedTx = req.Decision, req.Reason, &now, tx.TxID
		a, err := loadAuthorization(tx, r.Authorization, "authorizationId")
		if err != nil {
			return nil, err
		}
		if req.Decision == model.Approved {
			r.Status, r.ClosedAt, r.Outcome = model.RectAccepted, &now, "accepted"
			if last.Late {
				r.Outcome = "accepted after the deadline"
			}
			if err := tx.Update(&r, "accepted"); err != nil {
				return nil, err
			}
			if err := clearFlag(tx, r.Authorization, model.KindRectification, r.ID); err != nil {
				return nil, err
			}
			if err := resumeAuthorization(tx, a, r.ID); err != nil {
				return nil, err
			}
			if err := handOverSuspension(tx, a, r.ID); err != nil {
				return nil, err
			}
			tx.SetEventType(model.KindRectification, "accepted")
			return &r, nil
		}
		// refused: the deadline runs again
		if last.Late {
			r.Status = model.RectOverdue
		} else {
			r.Status, r.Deadline.Met, r.Deadline.MetTx = model.RectOpen, nil, ""
			if err := tx.Index(ixRectDue, dueKey(r.Deadline.Due), r.ID); err != nil {
				return nil, err
			}
		}
		if err := tx.Update(&r, "report-refused"); err != nil {
			return nil, err
		}
		if r.Status == model.RectOpen {
			if r.Deadline.Overdue(tx.Now) {
				if _, err := settleRectification(tx, &r); err != nil {
					return nil, err
				}
			} else if suspendedFor(a, &r) && r.OnOverdue == model.OnOverdueTerminate {
				if err := suspendAuthorization(tx, a, rectificationSuspension(tx, a, &r)); err != nil {
					return nil, err
				}
			}
		}
		tx.SetEventType(model.KindRectification, "report-refused")
		return &r, nil
	}, withRoleRule(model.RuleSupervisionBureauOnly, model.RoleBureau), withSignature(sigOptional))
}
