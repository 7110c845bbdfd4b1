package model

import "time"

func init() {
	registerKind(KindAuthorization, func() Record { return &Authorization{} })
}

// AuthMode is the authorization mode (Guangdong Art. 7).
type AuthMode string

// Authorization modes.
const (
	ModeWhole       AuthMode = "whole"        // 整体授权
	ModePerScenario AuthMode = "per_scenario" // 依场景授权
)

// Values lists the modes.
func (AuthMode) Values() []string { return []string{"whole", "per_scenario"} }

// AuthStatus is where an authorization agreement stands.
type AuthStatus string

// Authorization statuses. publicized → (both sign) active ⇄ suspended → terminated;
// active → expired at the end of its term.
const (
	AuthPublicized AuthStatus = "publicized" // candidate under publicity (公示), awaiting signatures
	AuthActive     AuthStatus = "active"
	AuthSuspended  AuthStatus = "suspended" // 暂停使用权限, e.g. during a rectification order
	AuthTerminated AuthStatus = "terminated"
	AuthExpired    AuthStatus = "expired"
)

// Values lists the statuses.
func (AuthStatus) Values() []string {
	return []string{"publicized", "active", "suspended", "terminated", "expired"}
}

// TerminationGround is why an authorization ended (Luohu §6(六) nine grounds, Guangdong
// Art. 39 seven grounds, Longhua 退出机制, Luohu §12 / Futian Art. 39 for failed
// rectification).
type TerminationGround string

// Termination grounds.
const (
	GroundExpired             TerminationGround = "expired"              // 协议期满
	GroundVoluntaryExit       TerminationGround = "voluntary_exit"       // 因自身原因提前终止 / 主动退出
	GroundBreach              TerminationGround = "breach"               // 违反授权运营协议
	GroundMisuse              TerminationGround = "misuse"               // 违规使用公共数据
	GroundMissingSafeguards   TerminationGround = "missing_safeguards"   // 未采取安全保障措施
	GroundMajorIncident       TerminationGround = "major_incident"       // 重大安全隐患或数据安全事件
	GroundUnresolvedDispute   TerminationGround = "unresolved_dispute"   // 未完成约定内容, 协商无法达成一致
	GroundFailedEvaluation    TerminationGround = "failed_evaluation"    // 评估结果不符合要求 / 不合格
	GroundLawChange           TerminationGround = "law_change"           // 法律法规或政策变化
	GroundRectificationFailed TerminationGround = "rectification_failed" // 逾期未完成整改
	GroundOtherLegal          TerminationGround = "other_legal"          // 法律法规规定的其他情形
)

// Values lists the grounds.
func (TerminationGround) Values() []string {
	return []string{"expired", "voluntary_exit", "breach", "misuse", "missing_safeguards", "major_incident",
		"unresolved_dispute", "failed_evaluation", "law_change", "rectification_failed", "other_legal"}
}

// Signing records one party's signature of the agreement.
type Signing struct {
	Participant string     `json:"participant"`
	At          time.Time  `json:"at"`
	TxID        string     `json:"txId"`
	Signature   *Signature `json:"signature,omitempty"` // SM2, where the profile requires it
}

// Suspension records why and until when an authorization is suspended.
type Suspension struct {
	Since         time.Time `json:"since"`
	Reason        string    `json:"reason"`                  // rectification | other
	Detail        string    `json:"detail,omitempty"`        // free text
	Rectification string    `json:"rectification,omitempty"` // rectification order id
	Deadline      time.Time `json:"deadline,omitempty"`      // when unmet, the authorization terminates
}

// Termination records how an authorization ended.
type Termination struct {
	At             time.Time         `json:"at"`
	Ground         TerminationGround `json:"ground"`
	Detail         string            `json:"detail,omitempty"`
	By             string            `json:"by,omitempty"` // participant, "" when it took effect by itself (expiry, notice period, missed deadline)
	TxID           string            `json:"txId"`
	EvidenceDigest string            `json:"evidenceDigest,omitempty"`
}

// Exit is a voluntary exit notice by the operator.
type Exit struct {
	NoticeAt    time.Time `json:"noticeAt"`
	EffectiveOn string    `json:"effectiveOn"` // CST date the exit takes effect
	PlanDigest  string    `json:"planDigest"`  // SM3 of the exit plan (退出方案)
}

// Renewal is one renewal of the term.
type Renewal struct {
	RequestedAt time.Time `json:"requestedAt"`
	Months      int       `json:"months"`
	Decision    string    `json:"decision,omitempty"` // "" pending | approved | refused
	DecidedAt   time.Time `json:"decidedAt,omitempty"`
	OldEnd      string    `json:"oldEnd"`
	NewEnd      string    `json:"newEnd,omitempty"`
	Reason      string    `json:"reason,omitempty"`
}

// Authorization is an authorization agreement (授权运营协议) between the bureau and one
// operator (Guangdong Art. 22, Futian Art. 13). Its object, scope and term are disclosed
// to the public once signed (Guangdong Art. 23).
type Authorization struct {
	Meta
	Operator        string     `json:"operator"`
	Mode            AuthMode   `json:"mode"`
	Scenarios       []string   `json:"scenarios,omitempty"`
	ResourceIDs     []string   `json:"resourceIds"` // catalogued resources in scope
	TermMonths      int        `json:"termMonths"`
	TermStart       string     `json:"termStart,omitempty"` // CST date, set when both parties have signed
	TermEnd         string     `json:"termEnd,omitempty"`   // CST date, last day of the term
	AgreementDigest string     `json:"agreementDigest"`     // SM3 of the agreement document
	SecurityDigest  string     `json:"securityDigest,omitempty"`
	Status          AuthStatus `json:"status"`

	PublicityStart time.Time `json:"publicityStart"`
	PublicityEnds  time.Time `json:"publicityEnds,omitempty"` // earliest signing time (公示期满)
	NoticeDigest   string    `json:"noticeDigest,omitempty"`  // SM3 of the publicity notice

	BureauSigning   *Signing  `json:"bureauSigning,omitempty"`
	OperatorSigning *Signing  `json:"operatorSigning,omitempty"`
	Filing          *Deadline `json:"filing,omitempty"` // 备案 within the profile's working days after signing
	FilingRef       string    `json:"filingRef,omitempty"`

	Suspension   *Suspension  `json:"suspension,omitempty"`
	Termination  *Termination `json:"termination,omitempty"`
	Exit         *Exit        `json:"exit,omitempty"`
	Renewals     []Renewal    `json:"renewals,omitempty"`
	Deletion     *Deadline    `json:"deletion,omitempty"` // confirmation of data deletion after termination
	DeletionRef  string       `json:"deletionDigest,omitempty"`
	LogRetention string       `json:"logRetentionUntil,omitempty"` // CST date logs must be kept until

	EmergencyPlan     string `json:"emergencyPlan,omitempty"`     // id of the one emergency plan (一授权一预案)
	FailedEvaluations int    `json:"failedEvaluations,omitempty"` // consecutive 不合格 so far

	Profile string `json:"profile"` // profile version the agreement was made under
}

// Parties of an authorization: the operator (the bureau and regulators see everything).
func (a *Authorization) Parties() []string { return []string{a.Operator} }

// InScope reports whether a resource is in the authorization's scope.
func (a *Authorization) InScope(resource string) bool {
	for _, r := range a.ResourceIDs {
		if r == resource {
			return true
		}
	}
	return false
}
