package model

// Role is the part a participant plays: the bureau (实施机构 / 数据主管部门), operators,
// source units, partners, regulators, data exchanges.
type Role string

// Roles.
const (
	RoleBureau     Role = "bureau"      // 实施机构 / 数据主管部门
	RoleOperator   Role = "operator"    // 运营机构
	RoleSourceUnit Role = "source_unit" // 数源单位
	RolePartner    Role = "partner"     // 协作单位 / 平台合作方 / 二级市场
	RoleRegulator  Role = "regulator"   // 网信、公安、发改、财政、审计、市场监管
	RoleExchange   Role = "exchange"    // 数据交易所
)

// Values lists the roles.
func (Role) Values() []string {
	return []string{"bureau", "operator", "source_unit", "partner", "regulator", "exchange"}
}

// ParticipantStatus is a participant's standing.
type ParticipantStatus string

// Participant statuses.
const (
	StatusActive      ParticipantStatus = "active"
	StatusSuspended   ParticipantStatus = "suspended"
	StatusBlacklisted ParticipantStatus = "blacklisted"
)

// Values lists the statuses a request may set (blacklisting has its own transition).
func (ParticipantStatus) Values() []string { return []string{"active", "suspended"} }

// Participant is a party registered by the bureau. Its name, role and code are public
// (they appear in every disclosure); its key is public by nature.
type Participant struct {
	Meta
	Role             Role              `json:"role"`
	Name             string            `json:"name"`
	USCC             string            `json:"uscc"`
	MSPID            string            `json:"mspId"`
	SM2PublicKey     string            `json:"sm2PublicKey,omitempty"` // uncompressed point, hex
	Status           ParticipantStatus `json:"status"`
	StatusReason     string            `json:"statusReason,omitempty"`
	BlacklistedUntil string            `json:"blacklistedUntil,omitempty"` // CST date, exclusive
}

// Parties of a participant record: itself.
func (p *Participant) Parties() []string { return []string{p.ID} }

// IdentityBinding ties a certificate identity (MSP + subject + issuer) to a participant.
// Several identities may act for one participant; one identity acts for one participant.
type IdentityBinding struct {
	Meta
	MSPID       string            `json:"mspId"`
	Subject     string            `json:"subject"`
	Issuer      string            `json:"issuer"`
	KeyDigest   string            `json:"keyDigest"` // SM3 of the certificate's public key
	IdentityKey string            `json:"identityKey"`
	Participant string            `json:"participant"`
	Status      ParticipantStatus `json:"status"`
}

// Parties of a binding: the participant.
func (b *IdentityBinding) Parties() []string { return []string{b.Participant} }

func init() {
	registerKind(KindParticipant, func() Record { return &Participant{} })
	registerKind(KindIdentity, func() Record { return &IdentityBinding{} })
	registerKind(KindConfig, func() Record { return &NetworkConfig{} })
}

// NetworkConfig is written by Participant:Bootstrap: which MSP is the bureau's, and the
// channel's peer orgs. The bureau and its MSP never change; the org list follows the
// channel when an org joins or leaves it (Participant:SetOrgs). Every earlier list, with
// its reason, transaction and time, is a version of this record (System:History of
// config "network").
type NetworkConfig struct {
	Meta
	BureauMSP         string `json:"bureauMsp"`
	BureauParticipant string `json:"bureauParticipant"`
	// Orgs are the channel's peer orgs (MSP ids, sorted), from which the key-level
	// endorsement policies of owned records are built when they are created (see
	// docs/security.md).
	Orgs []string `json:"orgs,omitempty"`
	// OrgsReason is why the bureau last changed Orgs (Participant:SetOrgs; empty as the
	// bootstrap recorded them).
	OrgsReason string `json:"orgsReason,omitempty"`
}

// Parties of the config: none (it is public).
func (c *NetworkConfig) Parties() []string { return nil }

// Rules of participants.
var (
	RuleUSCCCheckDigit = NewRule("PARTICIPANT_USCC_CHECK_DIGIT", "Participant_USCCCheckDigit",
		"GB 32100-2015《法人和其他组织统一社会信用代码编码规则》",
		"a participant's 统一社会信用代码 must be 18 characters with a valid GB 32100 check character")
	RuleBureauOnlyRegisters = NewRule("PARTICIPANT_BUREAU_ONLY", "Participant_OnlyBureauRegisters",
		basis(guangdong("第六条")),
		"only the bureau registers participants, binds identities and changes their status")
	RuleBlacklistedNotAuthorized = NewRule("PARTICIPANT_BLACKLISTED", "Participant_BlacklistedOperatorNotAuthorized",
		basis(longhua("退出机制 2.退出执行规范（5年市场禁入）")),
		"a blacklisted operator cannot be authorized before its ban ends")
	// RuleIdentityAttribute: a CA registrar's record of whom a certificate is for and the
	// bureau's binding must agree, so neither a binding mistake nor a DN alone makes one
	// party act for another.
	RuleIdentityAttribute = NewRule("IDENTITY_ATTRIBUTE_MISMATCH", "Identity_AttributeMismatchRefused",
		basis(futian("第十六条（全流程操作可追踪）"), "ledger design: the CA's attribute "+AttrParticipant+" and the bureau's binding name the same party"),
		"a certificate whose Fabric CA attribute "+AttrParticipant+" names a participant acts only through a binding to that participant: bound to another, it is refused in every transaction, and neither Bootstrap nor BindIdentity binds it to another")
)

// BootstrapRequest makes the caller's organization the bureau. Allowed once, by an admin
// identity; the caller is bound to the new bureau participant.
type BootstrapRequest struct {
	Request
	Name         string `json:"name" pdl:"req,max=128"`
	USCC         string `json:"uscc" pdl:"req,max=18"`
	SM2PublicKey string `json:"sm2PublicKey,omitempty" pdl:"fmt=sm2key,max=512"`
	// Orgs are the channel's peer orgs (MSP ids); every endorser checks them against
	// its own configuration.
	Orgs []string `json:"orgs" pdl:"req,n=32,fmt=id,uniq"`
}

// Check validates the USCC.
func (r *BootstrapRequest) Check() error { return checkUSCCField("uscc", r.USCC) }

// SetOrgsRequest records the channel's peer orgs after an org joined the channel or left
// it (the bureau's admin only; see Participant:SetOrgs). Like Bootstrap's, the list must
// be the one every endorser runs with (its PDL_ORGS).
type SetOrgsRequest struct {
	Request
	Orgs   []string `json:"orgs" pdl:"req,n=32,fmt=id,uniq"`
	Reason string   `json:"reason" pdl:"req,max=512"`
}

// RegisterParticipantRequest registers a party (bureau only).
type RegisterParticipantRequest struct {
	Request
	Role         Role   `json:"role" pdl:"req"`
	Name         string `json:"name" pdl:"req,max=128"`
	USCC         string `json:"uscc" pdl:"req,max=18"`
	MSPID        string `json:"mspId" pdl:"req,max=64,fmt=id"`
	SM2PublicKey string `json:"sm2PublicKey,omitempty" pdl:"fmt=sm2key,max=512"`
}

// Check validates the USCC.
func (r *RegisterParticipantRequest) Check() error { return checkUSCCField("uscc", r.USCC) }

func checkUSCCField(field, code string) error {
	if err := CheckUSCC(code); err != nil {
		return RuleUSCCCheckDigit.ViolationField(field, "GB 32100 check character", "%v", err)
	}
	return nil
}

// BindIdentityRequest binds a certificate identity to a participant (bureau only).
// Subject and Issuer are the certificate's distinguished names as Go's
// pkix.Name.String renders them (the client library computes them from the PEM).
type BindIdentityRequest struct {
	Request
	Participant string `json:"participant" pdl:"req,fmt=id"`
	MSPID       string `json:"mspId" pdl:"req,max=64,fmt=id"`
	Subject     string `json:"subject" pdl:"req,max=512"`
	Issuer      string `json:"issuer" pdl:"req,max=512"`
	// KeyDigest is the SM3 (hex) of the certificate's SubjectPublicKeyInfo: the binding
	// holds for that key only (model.IdentityOf computes it from the certificate).
	KeyDigest string `json:"keyDigest" pdl:"req,fmt=digest"`
	// Certificate is the certificate itself (one PEM block), optional. Given, subject,
	// issuer and keyDigest must be its own (Check), and a Fabric CA attribute
	// pdl.participant it carries must name the participant (RuleIdentityAttribute), so a
	// binding mistake is refused when it is made rather than when the certificate is
	// first used. Without it the fields are taken as given (as before).
	Certificate string `json:"certificate,omitempty" pdl:"max=16384"`
}

// Check: a certificate given must be one PEM certificate whose subject, issuer and key
// digest are the request's, with a readable attribute extension if it has one.
func (r *BindIdentityRequest) Check() error {
	if r.Certificate == "" {
		return nil
	}
	cert, err := ParseCertificatePEM(r.Certificate)
	if err != nil {
		return FieldErr(CodeBadFormat, "certificate", "one PEM CERTIFICATE block", "field %q: %v", "certificate", err)
	}
	id := IdentityOf(r.MSPID, cert)
	for _, f := range []struct{ field, got, want string }{
		{"subject", r.Subject, id.Subject}, {"issuer", r.Issuer, id.Issuer}, {"keyDigest", r.KeyDigest, id.KeyDigest},
	} {
		if f.got != f.want {
			return FieldErr(CodeBadFormat, f.field, f.want, "field %q is %q, but the certificate's is %q", f.field, f.got, f.want)
		}
	}
	if _, _, err := CertAttribute(cert, AttrParticipant); err != nil {
		return FieldErr(CodeBadFormat, "certificate", `attribute extension {"attrs":{...}}`, "field %q: %v", "certificate", err)
	}
	return nil
}

// CertParticipant is the participant the request's certificate names in its Fabric CA
// attribute pdl.participant (found false without a certificate or the attribute).
func (r *BindIdentityRequest) CertParticipant() (participant string, found bool, err error) {
	if r.Certificate == "" {
		return "", false, nil
	}
	cert, err := ParseCertificatePEM(r.Certificate)
	if err != nil {
		return "", false, err
	}
	return CertAttribute(cert, AttrParticipant)
}

// SetParticipantStatusRequest suspends or reactivates a participant (bureau only).
type SetParticipantStatusRequest struct {
	Request
	Participant string            `json:"participant" pdl:"req,fmt=id"`
	Status      ParticipantStatus `json:"status" pdl:"req"`
	Reason      string            `json:"reason" pdl:"req,max=512"`
}

// SetKeyRequest registers or rotates a participant's SM2 public key (bureau only).
type SetKeyRequest struct {
	Request
	Participant  string `json:"participant" pdl:"req,fmt=id"`
	SM2PublicKey string `json:"sm2PublicKey" pdl:"req,fmt=sm2key,max=512"`
}

// WhoAmI is the answer to Participant:WhoAmI.
type WhoAmI struct {
	MSPID       string       `json:"mspId"`
	Subject     string       `json:"subject"`
	Issuer      string       `json:"issuer"`
	IdentityKey string       `json:"identityKey"`
	Bound       bool         `json:"bound"`
	Participant *Participant `json:"participant,omitempty"`
	Active      bool         `json:"active"`
}
