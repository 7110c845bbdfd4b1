package contracts

import (
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
)

// PartnerContract files partners' onboarding and exit (协作单位备案) under an
// authorization.
type PartnerContract struct {
	base
}

func init() { register("Partner", &PartnerContract{}) }

// Index keys of partnerships.
const (
	ixPartnerAuth = "partner-auth" // authorization, partnership
	ixPartnerOf   = "partner-of"   // partner participant, partnership
)

// Onboard files a partner's onboarding and development agreement (operator).
func (c *PartnerContract) Onboard(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Partner:Onboard", request, func(tx *Tx, req *model.OnboardPartnerRequest) (model.Record, error) {
		caller, a := tx.Who(), tx.Auth()
		if a.Operator != caller.PID() {
			return nil, model.RulePartnerFiledByOperator.ViolationField("authorization", a.Operator, "authorization %s is %s's, not %s's", a.ID, a.Operator, caller.PID())
		}
		if err := requireActiveAuthorization(tx, a, "authorization"); err != nil {
			return nil, err
		}
		var p model.Participant
		if err := tx.GetField(model.KindParticipant, req.Partner, "partner", &p); err != nil {
			return nil, err
		}
		if p.Role != model.RolePartner || p.Status != model.StatusActive {
			return nil, model.RulePartnerFiledByOperator.ViolationField("partner", "active partner", "participant %s is a %s (%s), not an active partner", p.ID, p.Role, p.Status)
		}
		if req.AgreementEnd > a.TermEnd {
			return nil, model.RulePartnerAgreementTerm.ViolationField("agreementEnd", a.TermEnd, "the development agreement ends %s, after the operator's term ends %s", req.AgreementEnd, a.TermEnd)
		}
		if req.AgreementEnd < model.DateOf(tx.Now) {
			return nil, model.FieldErr(model.CodeOutOfRange, "agreementEnd", model.DateOf(tx.Now), "the development agreement ended %s already", req.AgreementEnd)
		}
		for i, s := range req.Scenarios {
			if a.Mode == model.ModePerScenario && !slices.Contains(a.Scenarios, s) {
				return nil, model.RuleAppScenario.ViolationField(fmt.Sprintf("scenarios[%d]", i), "", "scenario %q is not one of authorization %s", s, a.ID)
			}
		}
		ps := &model.Partnership{Meta: model.Meta{ID: req.ID, Kind: model.KindPartner}, Authorization: a.ID, Operator: a.Operator, Partner: p.ID,
			Scope: req.Scope, Scenarios: req.Scenarios, AgreementDigest: req.AgreementDigest, AgreementEnd: req.AgreementEnd, Status: model.PartnerActive}
		if err := tx.Index(ixPartnerAuth, a.ID, ps.ID); err != nil {
			return nil, err
		}
		if err := tx.Index(ixPartnerOf, p.ID, ps.ID); err != nil {
			return nil, err
		}
		return ps, tx.Create(ps, "onboarded")
	}, withRoleRule(model.RulePartnerFiledByOperator, model.RoleOperator), withAuthorization("authorization"))
}

// Exit files a partner's exit (operator).
func (c *PartnerContract) Exit(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Partner:Exit", request, func(tx *Tx, req *model.ExitPartnerRequest) (model.Record, error) {
		caller := tx.Who()
		var ps model.Partnership
		if err := tx.GetField(model.KindPartner, req.Partnership, "partnership", &ps); err != nil {
			return nil, err
		}
		if ps.Operator != caller.PID() {
			return nil, model.RulePartnerFiledByOperator.ViolationField("partnership", ps.Operator, "partnership %s is filed by %s; %s may not file its exit", ps.ID, ps.Operator, caller.PID())
		}
		if ps.Status != model.PartnerActive {
			return nil, model.Errf(model.CodeBadState, "partnership %s is %s already", ps.ID, ps.Status)
		}
		ps.Status, ps.ExitedAt, ps.ExitReason = model.PartnerExited, model.DateOf(tx.Now), req.Reason
		return &ps, tx.Update(&ps, "exited")
	}, withRoles())
}

// Get returns one partnership.
func (c *PartnerContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Partner:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Partnership](tx, model.KindPartner, req.ID)
	})
}

// List returns the partnerships of an authorization or of a partner.
func (c *PartnerContract) List(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Partner:List", request, func(tx *Tx, req *model.PartnershipsRequest) (any, error) {
		if (req.Authorization == "") == (req.Partner == "") {
			return nil, model.FieldErr(model.CodeMissingField, "authorization", "authorization | partner", "give exactly one of authorization and partner")
		}
		var ids []string
		var err error
		if req.Authorization != "" {
			ids, err = tx.ScanIDs(ixPartnerAuth, req.Authorization)
		} else {
			ids, err = tx.ScanIDs(ixPartnerOf, req.Partner)
		}
		if err != nil {
			return nil, err
		}
		return visibleRecords[model.Partnership](tx, model.KindPartner, ids, nil)
	})
}

// activePartnership finds the caller's active partnership under an authorization.
func activePartnership(tx *Tx, auth, partner string) (*model.Partnership, error) {
	ids, err := tx.ScanIDs(ixPartnerAuth, auth)
	if err != nil {
		return nil, err
	}
	today := model.DateOf(tx.Now)
	for _, id := range ids {
		var ps model.Partnership
		if ok, err := tx.GetIf(model.KindPartner, id, &ps); err != nil {
			return nil, err
		} else if ok && ps.Partner == partner && ps.Status == model.PartnerActive && today <= ps.AgreementEnd {
			return &ps, nil
		}
	}
	return nil, nil
}
