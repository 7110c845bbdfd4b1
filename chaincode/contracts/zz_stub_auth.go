package contracts

// Stand-ins for the Chaincode I authorization functions the log, supervision, product and pricing contracts call
// (requireActiveAuthorization is not among them: supervision acts on authorizations that
// are suspended too).
// Deleted when Chaincode I provides the real ones with the same signatures.
// Nothing else lives here.
//
// What the supervision code assumes of the real ones (beyond their documentation):
//   - suspendAuthorization may be called on an authorization that is already suspended
//     and then replaces its Suspension (used to stop the deadline clock while a report
//     filed in time awaits the bureau, and to re-arm it after a refusal);
//   - resumeAuthorization is a no-op (nil error) unless the authorization is suspended
//     for that rectification;
//   - terminateAuthorization on an authorization still in force sets status terminated
//     with the ground; the callers never pass one that already ended;
//   - all of them store the record through tx.Update, so a caller that changed another
//     field of the same *Authorization (FailedEvaluations) has it stored too.

import (
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// loadAuthorization (stand-in): loads, then applies the lazy transition the supervision
// code relies on: a rectification deadline passed while suspended for it →
// terminated, ground rectification_failed; and the end of the term → expired.
func loadAuthorization(tx *Tx, id, field string) (*model.Authorization, error) {
	var a model.Authorization
	if err := tx.GetField(model.KindAuthorization, id, field, &a); err != nil {
		return nil, err
	}
	if s := a.Suspension; a.Status == model.AuthSuspended && s != nil && s.Rectification != "" &&
		!s.Deadline.IsZero() && tx.Now.After(s.Deadline) {
		a.Status, a.Suspension = model.AuthTerminated, nil
		a.Termination = &model.Termination{At: s.Deadline, Ground: model.GroundRectificationFailed,
			Detail: "rectification " + s.Rectification + " not completed by its deadline", TxID: tx.TxID}
		if err := tx.Update(&a, "terminated"); err != nil {
			return nil, err
		}
	}
	if a.Status == model.AuthActive && a.TermEnd != "" {
		if end, err := model.ParseDate(a.TermEnd); err == nil && tx.Now.After(end.AddDate(0, 0, 1).Add(-time.Nanosecond)) {
			a.Status = model.AuthExpired
			if err := tx.Update(&a, "expired"); err != nil {
				return nil, err
			}
		}
	}
	return &a, nil
}

// suspendAuthorization (stand-in): status suspended with s, stored.
func suspendAuthorization(tx *Tx, a *model.Authorization, s model.Suspension) error {
	a.Status, a.Suspension = model.AuthSuspended, &s
	return tx.Update(a, "suspended")
}

// resumeAuthorization (stand-in): back to active if suspended for that rectification.
func resumeAuthorization(tx *Tx, a *model.Authorization, rectification string) error {
	if a.Status != model.AuthSuspended || a.Suspension == nil || a.Suspension.Rectification != rectification {
		return nil
	}
	a.Status, a.Suspension = model.AuthActive, nil
	return tx.Update(a, "resumed")
}

// terminateAuthorization (stand-in): status terminated with the ground.
func terminateAuthorization(tx *Tx, a *model.Authorization, ground model.TerminationGround, detail, evidence string) error {
	c, err := tx.Caller()
	if err != nil {
		return err
	}
	a.Status, a.Suspension = model.AuthTerminated, nil
	a.Termination = &model.Termination{At: tx.Now, Ground: ground, Detail: detail, By: c.PID(), TxID: tx.TxID, EvidenceDigest: evidence}
	return tx.Update(a, "terminated")
}

// requireActiveAuthorization (stand-in): refuses unless the authorization is active.
func requireActiveAuthorization(tx *Tx, a *model.Authorization, field string) error {
	if a.Status != model.AuthActive {
		return model.FieldErr("AUTH_NOT_ACTIVE", field, string(model.AuthActive), "authorization %s of %s is %s, not active", a.ID, a.Operator, a.Status)
	}
	return nil
}
