package model

func init() { registerKind(KindPartner, func() Record { return &Partnership{} }) }

// PartnerStatus is a partnership's standing.
type PartnerStatus string

// Partnership statuses.
const (
	PartnerActive PartnerStatus = "active"
	PartnerExited PartnerStatus = "exited"
)

// Values lists the statuses.
func (PartnerStatus) Values() []string { return []string{"active", "exited"} }

// Partnership is a partner (协作单位 / 平台合作方) the operator brings into one
// authorization under a development agreement, filed with the bureau (《福田区…暂行管理办法》第十七条,
// 23; 《罗湖区…实施方案》八).
type Partnership struct {
	Meta
	Authorization   string        `json:"authorization" ref:"authorization,under"`
	Operator        string        `json:"operator"`
	Partner         string        `json:"partner"`
	Scope           string        `json:"scope"`
	Scenarios       []string      `json:"scenarios,omitempty"`
	AgreementDigest string        `json:"agreementDigest"`
	AgreementEnd    string        `json:"agreementEnd"` // CST date, last day of the development agreement
	Status          PartnerStatus `json:"status"`
	ExitedAt        string        `json:"exitedAt,omitempty"`
	ExitReason      string        `json:"exitReason,omitempty"`
}

// Parties of a partnership: operator and partner.
func (p *Partnership) Parties() []string { return []string{p.Operator, p.Partner} }

// Rules of partners.
var (
	RulePartnerFiledByOperator = NewRule("PARTNER_OPERATOR_ONLY", "Partner_OnboardingAndExitFiledByOperator",
		basis(futian("第十七条"), luohu("六（七）"), "partners.onboarding_filing_required"),
		"the operator of an active authorization files its partners' onboarding and exit; the partner must be a registered partner participant")
	RulePartnerAgreementTerm = NewRule("PARTNER_AGREEMENT_OUTLIVES_TERM", "Partner_AgreementWithinOperatorTerm",
		basis(luohu("六（七）（最长不得超过运营机构运营剩余时长）"), "partners.agreement_within_operator_term"),
		"a development agreement cannot outlive the operator's remaining authorization term")
)

// OnboardPartnerRequest files a partner's onboarding (operator). id is the partnership's id.
type OnboardPartnerRequest struct {
	Request
	Authorization   string   `json:"authorization" pdl:"req,fmt=id"`
	Partner         string   `json:"partner" pdl:"req,fmt=id"`
	Scope           string   `json:"scope" pdl:"req,max=1024"`
	Scenarios       []string `json:"scenarios,omitempty" pdl:"n=50,max=128,uniq"`
	AgreementDigest string   `json:"agreementDigest" pdl:"req,fmt=digest"`
	AgreementEnd    string   `json:"agreementEnd" pdl:"req,fmt=date"`
}

// AuthorizationID is the authorization the partner is onboarded under.
func (r *OnboardPartnerRequest) AuthorizationID() string { return r.Authorization }

// ExitPartnerRequest files a partner's exit (operator).
type ExitPartnerRequest struct {
	Request
	Partnership string `json:"partnership" pdl:"req,fmt=id"`
	Reason      string `json:"reason" pdl:"req,max=1024"`
}

// PartnershipsRequest lists partnerships of an authorization or of a partner.
type PartnershipsRequest struct {
	Authorization string `json:"authorization,omitempty" pdl:"fmt=id"`
	Partner       string `json:"partner,omitempty" pdl:"fmt=id"`
}
