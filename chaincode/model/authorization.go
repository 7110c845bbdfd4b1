package model

import "time"

func init() {
	registerKind(KindAuthorization, func() Record { return &Authorization{} })
}

// AuthMode is the authorization mode (《广东省…管理办法》第七条).
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

// TerminationGround is why an authorization ended (《罗湖区…实施方案》六（六） nine grounds,
// 《广东省…管理办法》第三十九条 seven grounds, 《龙华区…实施方案》退出机制, 《罗湖区…实施方案》十二 /
// 《福田区…暂行管理办法》第三十九条 for failed
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
	NoticeAt      time.Time  `json:"noticeAt"`
	EffectiveOn   string     `json:"effectiveOn"` // CST date the exit takes effect
	PlanDigest    string     `json:"planDigest"`  // SM3 of the exit plan (退出方案)
	NeedsApproval bool       `json:"needsApproval,omitempty"`
	Decision      Decision   `json:"decision,omitempty"` // bureau's answer where approval is needed
	DecidedAt     *time.Time `json:"decidedAt,omitempty"`
	Reason        string     `json:"reason,omitempty"`
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
// operator (《广东省…管理办法》第二十二条, 《福田区…暂行管理办法》第十三条). Its object, scope and term are disclosed
// to the public once signed (《广东省…管理办法》第二十三条).
type Authorization struct {
	Meta
	Operator        string     `json:"operator"`
	Mode            AuthMode   `json:"mode"`
	Scenarios       []string   `json:"scenarios,omitempty"`
	ResourceIDs     []string   `json:"resourceIds" ref:"resource,uses,provenance"` // catalogued resources in scope
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

	EmergencyPlan     string `json:"emergencyPlan,omitempty" ref:"emergencyplan,has"` // id of the one emergency plan (一授权一预案)
	FailedEvaluations int    `json:"failedEvaluations,omitempty"`                     // consecutive 不合格 so far

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

// Rules of authorizations.
var (
	RuleAuthBureauOnly = NewRule("AUTH_BUREAU_ONLY", "Authorization_OnlyBureauAuthorizes",
		basis(guangdong("第七条", "第二十二条"), luohu("十（二）5（不得…转授权）"), qinhuangdao("三（二）4（1）（不得…转授权给第三方）")),
		"only the bureau creates, files, suspends, resumes and terminates authorizations; no sub-authorization path exists")
	RuleAuthTermMax = NewRule("AUTH_TERM_ABOVE_MAX", "Authorization_TermAboveMaxRejected",
		basis(longhua("授权运营机制 1.授权期限"), luohu("六（一）"), guangdong("第二十二条（二）"), "authorization.max_term_months"),
		"an authorization's term (and a renewed term) is at most the profile's maximum")
	RuleAuthScopeCatalogued = NewRule("AUTH_SCOPE_NOT_CATALOGUED", "Authorization_ScopeOnlyCatalogued",
		basis(guangdong("第十一条", "第二十二条（一）"), qinhuangdao("三（一）4")),
		"an authorization's scope holds only catalogued resources")
	RuleAuthMode = NewRule("AUTH_MODE_NOT_ALLOWED", "Authorization_ModeFromProfile",
		basis(guangdong("第七条"), longhua("授权运营的模式（一）"), "authorization.mode"),
		"the authorization mode is the profile's; per-scenario authorizations name their scenarios")
	RuleAuthPublicity = NewRule("AUTH_PUBLICITY_NOT_OVER", "Authorization_SignedBeforePublicityEndRejected",
		basis(guangdong("第二十条（四）（公示期不少于5日）"), qinhuangdao("三（二）2（面向社会公示）"), "authorization.candidate_publicity_min_days"),
		"the agreement is signed only after the candidate's publicity period (公示期) has ended")
	RuleAuthSigning = NewRule("AUTH_SIGNING", "Authorization_BothPartiesSign",
		basis(guangdong("第二十条（五）"), longhua("授权运营的可行性（四）3（不可否认性）"), "security.sm2_signature_required"),
		"the bureau and the operator each sign once (with SM2 where the profile requires it); the authorization is active when both have")
	RuleAuthFiling = NewRule("AUTH_FILING", "Authorization_FilingTrackedAgainstDeadline",
		basis(guangdong("第二十三条（报同级数据主管部门备案）"), qinhuangdao("三（二）2（签订后报省数政局备案）"), "authorization.agreement_filing_working_days"),
		"the signed agreement is filed by the bureau; the filing deadline is tracked and an overdue filing is listed")
	RuleAuthGround = NewRule("AUTH_GROUND_NOT_ALLOWED", "Authorization_TerminationNeedsGround",
		basis(luohu("六（六）"), guangdong("第三十九条"), longhua("退出机制 1.退出情形分类")),
		"the bureau terminates only on a ground the policy documents name; expiry, voluntary exit and failed rectification take effect by themselves")
	RuleAuthExitNotice = NewRule("AUTH_EXIT_NOTICE_TOO_SHORT", "Authorization_ExitNeedsNoticePeriod",
		basis(luohu("六（六）1"), guangdong("第三十九条（二）"), longhua("退出机制 1.（1）主动退出（提前3个月提交退出方案）"), qinhuangdao("三（二）3（应至少提前3个月）"), "exit.voluntary_notice_months"),
		"a voluntary exit takes effect no earlier than the profile's notice period after the notice, with an exit plan")
	RuleAuthRenewalWindow = NewRule("AUTH_RENEWAL_OUTSIDE_WINDOW", "Authorization_RenewalOnlyInsideWindow",
		basis(guangdong("第二十二条（九）"), futian("第十三条"), qinhuangdao("三（二）3（在期限届满前3个月内）"), "authorization.renewal_allowed, renewal_window_months"),
		"renewal is applied for only where the profile allows it, within its window before the term ends")
	RuleAuthDeletion = NewRule("AUTH_DELETION", "Authorization_DeletionConfirmedAfterEnd",
		basis(longhua("退出机制 2.退出执行规范"), futian("第十四条"), guangdong("第三十九条（及时删除授权运营留存的相关数据）"), "exit.data_deletion_required, data_deletion_days"),
		"after an authorization ends the operator confirms data deletion; the deadline is tracked")
	RuleAuthEmergencyPlan = NewRule("AUTH_ONE_EMERGENCY_PLAN", "Authorization_OneEmergencyPlan",
		basis(luohu("九（二）（一授权一预案）"), "security.emergency_plan_per_authorization"),
		"where security.emergency_plan_per_authorization, an authorization has exactly one emergency plan of its own (revised as new versions, never a second plan, never another authorization's); elsewhere an operator's plan may cover several of its authorizations")
	RuleAuthState = NewRule("AUTH_STATE", "Authorization_TransitionsInOrder",
		basis(guangdong("第二十条（五）", "第三十九条"), luohu("十二（限期改正期间，暂停授权运营使用权限）")),
		"publicized → active ⇄ suspended → terminated | expired; nothing happens to an authorization that has ended")
)

// SuspendReason is why the bureau suspends an authorization.
type SuspendReason string

// Values lists the reasons (rectification suspensions come from Supervision).
func (SuspendReason) Values() []string {
	return []string{"investigation", "breach", "misuse", "missing_safeguards", "major_incident", "other"}
}

// CreateAuthorizationRequest publicizes a candidate authorization (bureau). With no
// publicity rule in the profile it can be signed at once.
type CreateAuthorizationRequest struct {
	Request
	Operator        string   `json:"operator" pdl:"req,fmt=id"`
	Mode            AuthMode `json:"mode" pdl:"req"`
	Scenarios       []string `json:"scenarios,omitempty" pdl:"n=50,max=128,uniq"`
	ResourceIDs     []string `json:"resourceIds" pdl:"req,n=500,fmt=id,uniq"`
	TermMonths      int      `json:"termMonths" pdl:"req,ge=1,le=240"`
	AgreementDigest string   `json:"agreementDigest" pdl:"req,fmt=digest"`
	SecurityDigest  string   `json:"securityDigest,omitempty" pdl:"fmt=digest"`
	NoticeDigest    string   `json:"noticeDigest,omitempty" pdl:"fmt=digest"`
	SelectionMethod string   `json:"selectionMethod,omitempty" pdl:"max=32"`
}

// AuthorizationNamer is a write request naming the authorization it acts on.
type AuthorizationNamer interface {
	AuthorizationID() string
}

// AuthorizationRef names an authorization in a transition (id = the action's id).
type AuthorizationRef struct {
	Request
	Authorization string `json:"authorization" pdl:"req,fmt=id"`
}

// AuthorizationID is the authorization the request acts on (see AuthorizationNamer).
func (r *AuthorizationRef) AuthorizationID() string { return r.Authorization }

// SignAuthorizationRequest signs the agreement as the caller's party.
type SignAuthorizationRequest struct {
	AuthorizationRef
}

// FileAuthorizationRequest records the filing (备案) of the signed agreement (bureau).
type FileAuthorizationRequest struct {
	AuthorizationRef
	FilingRef string `json:"filingRef" pdl:"req,max=128"`
}

// SuspendAuthorizationRequest suspends an active authorization (bureau).
type SuspendAuthorizationRequest struct {
	AuthorizationRef
	Reason SuspendReason `json:"reason" pdl:"req"`
	Detail string        `json:"detail" pdl:"req,max=1024"`
}

// ResumeAuthorizationRequest lifts a suspension (bureau); rectification suspensions are
// lifted by accepting the rectification.
type ResumeAuthorizationRequest struct {
	AuthorizationRef
	Detail string `json:"detail" pdl:"req,max=1024"`
}

// TerminateAuthorizationRequest ends an authorization on a ground (bureau).
type TerminateAuthorizationRequest struct {
	AuthorizationRef
	Ground         TerminationGround `json:"ground" pdl:"req"`
	Detail         string            `json:"detail" pdl:"req,max=1024"`
	EvidenceDigest string            `json:"evidenceDigest,omitempty" pdl:"fmt=digest"`
}

// ExitNoticeRequest is the operator's voluntary exit notice.
type ExitNoticeRequest struct {
	AuthorizationRef
	EffectiveOn string `json:"effectiveOn" pdl:"req,fmt=date"`
	PlanDigest  string `json:"planDigest" pdl:"req,fmt=digest"`
}

// RenewAuthorizationRequest applies for a renewal (operator).
type RenewAuthorizationRequest struct {
	AuthorizationRef
	Months int `json:"months" pdl:"req,ge=1,le=240"`
}

// DecideRenewalRequest approves or refuses the pending renewal (bureau).
type DecideRenewalRequest struct {
	AuthorizationRef
	Decision Decision `json:"decision" pdl:"req"`
	Reason   string   `json:"reason,omitempty" pdl:"max=1024"`
}

// ConfirmDeletionRequest confirms deletion of the data after the end (operator).
type ConfirmDeletionRequest struct {
	AuthorizationRef
	CertificateDigest string `json:"certificateDigest" pdl:"req,fmt=digest"`
}

// FileEmergencyPlanRequest files (or revises) the one emergency plan of an
// authorization (operator). A revision names the same plan under a new request id.
type FileEmergencyPlanRequest struct {
	Request
	Plan          string `json:"plan" pdl:"req,fmt=id"`
	Authorization string `json:"authorization" pdl:"req,fmt=id"`
	PlanDigest    string `json:"planDigest" pdl:"req,fmt=digest"`
	Summary       string `json:"summary,omitempty" pdl:"max=1024"`
}

// AuthorizationID is the authorization the plan is for.
func (r *FileEmergencyPlanRequest) AuthorizationID() string { return r.Authorization }

// AuthorizationsRequest lists authorizations by operator and/or status.
type AuthorizationsRequest struct {
	Page
	Operator string     `json:"operator,omitempty" pdl:"fmt=id"`
	Status   AuthStatus `json:"status,omitempty"`
}

// ByResourceRequest names a resource.
type ByResourceRequest struct {
	Page
	Resource string `json:"resource" pdl:"req,fmt=id"`
}

// OverdueItem is an obligation past its deadline.
type OverdueItem struct {
	Kind     Kind     `json:"kind"`
	ID       string   `json:"id"`
	Deadline Deadline `json:"deadline"`
}

// EmergencyPlan is the one emergency plan of an authorization (一授权一预案).
type EmergencyPlan struct {
	Meta
	Authorization string `json:"authorization" ref:"authorization,under"`
	Operator      string `json:"operator"`
	PlanDigest    string `json:"planDigest"`
	Summary       string `json:"summary,omitempty"`
}

// Parties of a plan: its operator.
func (p *EmergencyPlan) Parties() []string { return []string{p.Operator} }

func init() { registerKind(KindEmergencyPlan, func() Record { return &EmergencyPlan{} }) }

// DecideExitRequest approves or refuses a voluntary exit where the profile needs the
// authority's consent (bureau).
type DecideExitRequest struct {
	AuthorizationRef
	Decision Decision `json:"decision" pdl:"req"`
	Reason   string   `json:"reason,omitempty" pdl:"max=1024"`
}

// RuleAuthActive: data use, products, trades and applications need an active
// authorization; a suspended, terminated or expired one refuses them.
var RuleAuthActive = NewRule("AUTH_NOT_ACTIVE", "Authorization_InactiveRefusesUse",
	basis(luohu("十二（暂停授权运营使用权限）"), qinhuangdao("三（二）3（收回…全部授权运营权限）"), guangdong("第三十九条")),
	"applications, grants, products and trades need their operator's authorization to be active")

// RuleAuthConcurrent limits how many operators hold authorizations at once.
var RuleAuthConcurrent = NewRule("AUTH_TOO_MANY_OPERATORS", "Authorization_ConcurrentOperatorsCapped",
	basis(qinhuangdao("三（一）2（统一授权给一个法人组织）"), "authorization.max_concurrent_operators"),
	"no more operators hold a live (publicized, active or suspended) authorization than the profile allows")
