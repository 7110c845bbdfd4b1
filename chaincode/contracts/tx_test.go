package contracts

import (
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestWrite_OpeningStepsInOrder pins the order of the opening steps (WriteOption): a
// caller with the wrong role is refused for its role before the records it names or its
// signature are looked at; then the signature, then the profile's records.
func TestWrite_OpeningStepsInOrder(t *testing.T) {
	h := newSupervision(t, "longhua")
	badSig := &model.Signature{Signer: "op", Value: "00"}
	order := func(id, auth string) *model.OrderRectificationRequest {
		return &model.OrderRectificationRequest{Request: model.Request{ID: id, Signature: badSig}, Authorization: auth,
			Grounds: "违反授权运营协议", Requirements: "整改", RectificationDue: model.RectificationDue{WorkingDays: 5}}
	}
	// role first: the authorization does not exist and the signature is wrong
	h.refused(h.as("op"), "Supervision:OrderRectification", order("r1", "nope"), model.RuleSupervisionBureauOnly.Code)
	h.refused(publicIdentity(), "Supervision:OrderRectification", order("r1", "nope"), model.CodeUnbound)
	// then the signature (the bureau may not sign as op), before the authorization
	h.refused(h.Bureau, "Supervision:OrderRectification", order("r1", "nope"), model.CodeSignature)
	o := order("r1", "nope")
	o.Signature = nil
	e := h.refused(h.Bureau, "Supervision:OrderRectification", o, model.CodeNotFound)
	if e.Field != "authorizationId" {
		t.Errorf("NOT_FOUND names %q, want authorizationId", e.Field)
	}
	// an operator's own authorization: role, then the record, then ownership
	exit := &model.ConfirmDeletionRequest{AuthorizationRef: model.AuthorizationRef{Request: model.Request{ID: "d1"}, Authorization: "auth1"},
		CertificateDigest: digest("删除证明")}
	h.refused(h.Bureau, "Authorization:ConfirmDeletion", exit, model.CodeAccessDenied)
	exit.Authorization = "nope"
	h.refused(h.as("op"), "Authorization:ConfirmDeletion", exit, model.CodeNotFound)
	exit.Authorization = "auth2"
	e = h.refused(h.as("op"), "Authorization:ConfirmDeletion", exit, model.CodeAccessDenied)
	if e.Field != "authorization" || e.Limit != "op2" {
		t.Errorf("refusal %+v, want field authorization naming op2", e)
	}
}
