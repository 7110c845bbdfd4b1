package policy

// SchemaV1 identifies the profile format. It is part of the canonical
// encoding, so a profile amendment recorded on the ledger can never be
// mistaken for a document of another shape.
const SchemaV1 = "pdledger.policy.profile/v1"

// Authorization modes (授权运营模式).
const (
	ModeWhole       = "whole"        // 整体授权: one operator for the whole catalogue
	ModePerScenario = "per_scenario" // 依场景授权: resources granted per application scenario
)

// Log-retention anchors: what the retention period counts from.
const (
	RetentionFromTermination = "termination" // from the end (终止或撤销) of the authorization
	RetentionFromCreation    = "creation"    // from the day each log entry was written
)

// How a rule that ends an authorization applies.
const (
	// TerminationMandatory: the seed says 应/應 终止 or 清退; the chaincode
	// should terminate (or flag as must-terminate) without discretion.
	TerminationMandatory = "mandatory"
	// TerminationDiscretionary: the seed says 有权终止 or 可终止; the chaincode
	// records the ground and lets the bureau decide.
	TerminationDiscretionary = "discretionary"
)

// Parties that file a report.
const (
	FilerBureau   = "bureau"
	FilerOperator = "operator"
)

// Operator selection methods (遴选方式).
const (
	SelectOpenTender             = "open_tender"             // 公开招标
	SelectInvitedTender          = "invited_tender"          // 邀请招标
	SelectNegotiation            = "negotiation"             // 谈判
	SelectCompetitiveNegotiation = "competitive_negotiation" // 竞争性谈判
	SelectExpertReview           = "expert_review"           // 专家综合评审 + 政府审定
)

// Profile is one jurisdiction's policy: every rule parameter that differs
// between jurisdictions, each traced to the article it comes from. Rule code
// must treat a nil parameter as "the seed is silent: do not enforce".
//
// A Profile is plain data: encode it with CanonicalJSON, decode it with Parse.
// Do not build one by hand for the ledger without calling Validate.
type Profile struct {
	Schema       string       `json:"schema"`
	ID           string       `json:"id"`
	Jurisdiction Jurisdiction `json:"jurisdiction"`
	Document     Document     `json:"document"`

	// Calendar is the working-day calendar id used for every deadline
	// counted in 工作日. Required: bureau-set deadlines (整改期限) need it even
	// where the seed itself counts nothing in working days.
	Calendar *TextParam `json:"calendar" policy:"calendar"`

	Authorization  Authorization  `json:"authorization"`
	DataSupply     DataSupply     `json:"data_supply"`
	UseApplication UseApplication `json:"use_application"`
	Partners       Partners       `json:"partners"`
	Product        Product        `json:"product"`
	Pricing        Pricing        `json:"pricing"`
	Security       Security       `json:"security"`
	Supervision    Supervision    `json:"supervision"`
	Evaluation     Evaluation     `json:"evaluation"`
	Exit           Exit           `json:"exit"`
}

// Jurisdiction names the government level whose policy this is.
type Jurisdiction struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
	// Level is "district", "city" or "province"; provincial rules may bind
	// lower levels, which matters when profiles are combined.
	Level string `json:"level"`
}

// Document identifies the policy document the profile is drawn from.
type Document struct {
	// Seed names the document by its official title (simplified characters, without
	// 《》; for the presets as Docs lists it). The source.doc of every parameter drawn
	// from it is the same title.
	Seed   string `json:"seed"`
	Title  string `json:"title"`  // full title as the text itself writes it (traditional for Futian)
	Issuer string `json:"issuer"` // issuing body
	Number string `json:"number"` // 文号, "" when the seed shows none
	// Date is the date on the document (issue or publication of the draft),
	// YYYY-MM-DD, or "" when the seed carries no date (Longhua's draft).
	Date string `json:"date"`
	// Status is the document's own qualifier: 试行, 暂行, 征求意见稿 ...; a draft
	// (征求意见稿) may change before it binds anyone.
	Status string `json:"status"`

	// EffectiveFrom is the day the policy starts to apply.
	EffectiveFrom *DateParam `json:"effective_from"`
	// ValidityYears is how long the policy itself is valid (有效期); after it
	// lapses the ledger should stop treating the profile as current law.
	ValidityYears *IntParam `json:"validity_years" policy:"range=1..10,unit=years"`
}

// Authorization holds the rules on choosing the operator and on the
// authorization agreement (授权运营协议) itself.
type Authorization struct {
	// Mode is 整体授权 or 依场景授权.
	Mode *TextParam `json:"mode" policy:"enum=whole|per_scenario"`
	// MaxTermMonths caps the agreement term. Several seeds state the term
	// rather than a maximum ("期限为5年"); the ledger can only enforce a
	// ceiling, so the stated term is used as one (see Source.Note).
	MaxTermMonths *IntParam `json:"max_term_months" policy:"range=1..120,unit=months"`
	// MaxConcurrentOperators limits how many operators may hold an active
	// authorization at once (《秦皇岛市…实施方案》三（一）2: 一个法人组织).
	MaxConcurrentOperators *IntParam `json:"max_concurrent_operators" policy:"range=1..100,unit=operators"`
	// SelectionMethods lists the allowed ways to pick the operator.
	SelectionMethods *ListParam `json:"selection_methods" policy:"enum=open_tender|invited_tender|negotiation|competitive_negotiation|expert_review"`
	// CollectiveDecisionRequired: signing needs a "三重一大" collective decision
	// on record first.
	CollectiveDecisionRequired *BoolParam `json:"collective_decision_required"`
	// CandidatePublicityRequired: the chosen candidate is publicized (公示)
	// before the agreement is signed.
	CandidatePublicityRequired *BoolParam `json:"candidate_publicity_required"`
	// CandidatePublicityMinDays is the minimum publicity period in calendar
	// days (公示期不少于N日).
	CandidatePublicityMinDays *IntParam `json:"candidate_publicity_min_days" policy:"range=1..60,unit=days"`
	// AgreementFilingRequired: the signed agreement is filed (备案) with a
	// higher data authority.
	AgreementFilingRequired *BoolParam `json:"agreement_filing_required"`
	// AgreementFilingWorkingDays is the filing deadline after signing.
	AgreementFilingWorkingDays *IntParam `json:"agreement_filing_working_days" policy:"range=1..60,unit=working days"`
	// AgreementDisclosureRequired: object, content, scope and term of the
	// authorization are disclosed to the public.
	AgreementDisclosureRequired *BoolParam `json:"agreement_disclosure_required"`
	// ChangeFilingRequired: a change or termination of the agreement is
	// filed with the data authority.
	ChangeFilingRequired *BoolParam `json:"change_filing_required"`
	// ChangeFilingWorkingDays is the deadline for that filing.
	ChangeFilingWorkingDays *IntParam `json:"change_filing_working_days" policy:"range=1..60,unit=working days"`
	// PlanFilingWorkingDays is the deadline to file an approved
	// implementation plan (or its change) with the provincial authority. A
	// profile amendment on the ledger is such a change.
	PlanFilingWorkingDays *IntParam `json:"plan_filing_working_days" policy:"range=1..60,unit=working days"`
	// RenewalAllowed: false means the operator must be selected anew at
	// expiry (Luohu), true that the incumbent may apply to continue.
	RenewalAllowed *BoolParam `json:"renewal_allowed"`
	// RenewalWindowMonths: renewal may be applied for only within this many
	// months before expiry.
	RenewalWindowMonths *IntParam `json:"renewal_window_months" policy:"range=1..24,unit=months"`
	// OperatorIncidentFreeYears: an operator is eligible only if it had no
	// network or data security incident in this many preceding years.
	OperatorIncidentFreeYears *IntParam `json:"operator_incident_free_years" policy:"range=1..10,unit=years"`
}

// DataSupply holds the rules on resources entering authorized operation.
type DataSupply struct {
	// SharedDataConsentRequired: data obtained from another region or
	// department by government data sharing needs the providing unit's
	// consent before it is operated.
	SharedDataConsentRequired *BoolParam `json:"shared_data_consent_required"`
	// CatalogueRequiresSourceConsent: a resource enters the catalogue only
	// with its source unit's agreement.
	CatalogueRequiresSourceConsent *BoolParam `json:"catalogue_requires_source_consent"`
	// CatalogueRefusalNeedsReason: inclusion is the default; a unit refusing
	// it must state reasons and legal basis.
	CatalogueRefusalNeedsReason *BoolParam `json:"catalogue_refusal_needs_reason"`
	// CollectionWorkingDays: deadline for a source unit to move a catalogued
	// resource onto the operation platform.
	CollectionWorkingDays *IntParam `json:"collection_working_days" policy:"range=1..120,unit=working days"`
}

// UseApplication holds the data-use application (用数申请) review chain.
type UseApplication struct {
	// SourceConfirmationRequired: each source unit of the requested
	// resources must confirm (or refuse) before a grant exists.
	SourceConfirmationRequired *BoolParam `json:"source_confirmation_required"`
	// PartnerReviewWorkingDays: operator's initial review of a partner's
	// application.
	PartnerReviewWorkingDays *IntParam `json:"partner_review_working_days" policy:"range=1..60,unit=working days"`
	// BureauReviewWorkingDays: bureau's assessment of the application.
	BureauReviewWorkingDays *IntParam `json:"bureau_review_working_days" policy:"range=1..60,unit=working days"`
	// SourceConfirmationWorkingDays: each source unit's confirmation, counted
	// from receipt of the bureau's assessment.
	SourceConfirmationWorkingDays *IntParam `json:"source_confirmation_working_days" policy:"range=1..60,unit=working days"`
}

// Partners holds the rules on partners (协作单位 / 平台合作方).
type Partners struct {
	// OnboardingFilingRequired: partner onboarding and exit are filed with
	// the bureau.
	OnboardingFilingRequired *BoolParam `json:"onboarding_filing_required"`
	// DevelopmentAgreementRequired: a development/use agreement must exist
	// (filed with, or co-signed by, the bureau) before development starts.
	DevelopmentAgreementRequired *BoolParam `json:"development_agreement_required"`
	// AgreementWithinOperatorTerm: a partner's agreement may not outlast the
	// operator's remaining term.
	AgreementWithinOperatorTerm *BoolParam `json:"agreement_within_operator_term"`
}

// Product holds the rules on data products and services.
type Product struct {
	// ReviewWorkingDays: deadline for the bureau's compliance review.
	ReviewWorkingDays *IntParam `json:"review_working_days" policy:"range=1..60,unit=working days"`
	// OperatorRedevelopmentBanned: the operator may not (directly or
	// indirectly) take part in re-developing products it has delivered.
	OperatorRedevelopmentBanned *BoolParam `json:"operator_redevelopment_banned"`
	// ExchangeTradingRequired: trades must go through a lawfully established
	// data exchange, so an off-exchange trade filing is a breach.
	ExchangeTradingRequired *BoolParam `json:"exchange_trading_required"`
	// ListUpdateIntervalMonths: the public product/service list must be
	// updated at least this often.
	ListUpdateIntervalMonths *IntParam `json:"list_update_interval_months" policy:"range=1..24,unit=months"`
}

// Pricing holds the fee rules.
type Pricing struct {
	// PublicInterestFree: products for public governance and public welfare
	// are provided free of charge.
	PublicInterestFree *BoolParam `json:"public_interest_free"`
	// SourceUnitFreeUse: source units may use products built on their data
	// free of charge, so a trade filing with a source unit as buyer must be 0.
	SourceUnitFreeUse *BoolParam `json:"source_unit_free_use"`
	// GovernmentGuided: commercial fees are under government-guided pricing.
	GovernmentGuided *BoolParam `json:"government_guided"`
	// PriceCapRequired: the bureau sets a cap (上限收费标准) and filed prices
	// must not exceed it.
	PriceCapRequired *BoolParam `json:"price_cap_required"`
	// PriceFilingRequired: pricing basis, scenario, scope and method of use
	// are filed with the bureau.
	PriceFilingRequired *BoolParam `json:"price_filing_required"`
	// MaxAllowedRevenueRequired: the operator's maximum allowed revenue
	// (最高准许收入 = cost + allowed profit + tax) is set and supervised.
	MaxAllowedRevenueRequired *BoolParam `json:"max_allowed_revenue_required"`
	// RevenueDeviationBP: when actual revenue deviates from the maximum
	// allowed revenue by at most this (basis points), the operator adjusts its
	// prices; beyond it, the bureau adjusts the cap.
	RevenueDeviationBP *IntParam `json:"revenue_deviation_bp" policy:"range=1..10000,unit=bp"`
	// AllowedProfitSpreadBP: allowed profit rate = average 10-year treasury
	// yield of the year before the cost survey + this spread (basis points).
	AllowedProfitSpreadBP *IntParam `json:"allowed_profit_spread_bp" policy:"range=0..5000,unit=bp"`
	// PriceReviewIntervalMonths: how often fees are reviewed against revenue.
	PriceReviewIntervalMonths *IntParam `json:"price_review_interval_months" policy:"range=1..36,unit=months"`
}

// Security holds the security and cryptography rules.
type Security struct {
	// SM2SignatureRequired: filings must carry the filer's SM2 signature
	// over the canonical record (non-repudiation per GB/T 39786-2021).
	SM2SignatureRequired *BoolParam `json:"sm2_signature_required"`
	// PrivacyComputingMinGrade: resources of this sensitivity grade or above
	// may only be used through privacy computing (可用不可见).
	PrivacyComputingMinGrade *IntParam `json:"privacy_computing_min_grade" policy:"range=1..5,unit=grade"`
	// PrivacyComputingForPersonalInfo: resources containing personal
	// information may only be used through privacy computing, whatever grade.
	PrivacyComputingForPersonalInfo *BoolParam `json:"privacy_computing_for_personal_info"`
	// EmergencyPlanRequired: the operator files an emergency plan (应急预案).
	EmergencyPlanRequired *BoolParam `json:"emergency_plan_required"`
	// EmergencyPlanPerAuthorization: one plan per authorization
	// (一授权一预案), so an authorization without its plan is incomplete.
	EmergencyPlanPerAuthorization *BoolParam `json:"emergency_plan_per_authorization"`
	// DrillIntervalMonths: emergency drills at least this often.
	DrillIntervalMonths *IntParam `json:"drill_interval_months" policy:"range=1..36,unit=months"`
	// OperatorReportIntervalMonths: the operator reports its security
	// situation this often.
	OperatorReportIntervalMonths *IntParam `json:"operator_report_interval_months" policy:"range=1..24,unit=months"`
	// IncidentReportHours: a security incident is reported within this many
	// hours of its detection. The seeds say 立即 / 及时 (at once, promptly)
	// and give no number, so every preset leaves it unset; the ledger then
	// records the reporting lag instead of judging it.
	IncidentReportHours *IntParam `json:"incident_report_hours" policy:"range=1..720,unit=hours"`
	// MajorIncidentTerminable: a major security incident (重大安全隐患或数据
	// 安全事件) is a ground on which the bureau may terminate the
	// authorization (有权终止, so always at its discretion).
	MajorIncidentTerminable *BoolParam `json:"major_incident_terminable"`
}

// Supervision holds inspection, reporting and rectification rules.
type Supervision struct {
	// InspectionIntervalMonths: bureau inspections of the operator.
	InspectionIntervalMonths *IntParam `json:"inspection_interval_months" policy:"range=1..24,unit=months"`
	// PlatformSecurityCheckIntervalMonths: bureau's platform security checks
	// and data security audits.
	PlatformSecurityCheckIntervalMonths *IntParam `json:"platform_security_check_interval_months" policy:"range=1..24,unit=months"`
	// RiskAssessmentIntervalMonths: bureau's security risk assessment report.
	RiskAssessmentIntervalMonths *IntParam `json:"risk_assessment_interval_months" policy:"range=1..36,unit=months"`
	// PartnerReportIntervalMonths: operator's report on its supervision of
	// partners.
	PartnerReportIntervalMonths *IntParam `json:"partner_report_interval_months" policy:"range=1..24,unit=months"`
	// AnnualReportDueMonth: the previous year's operation report is due by
	// the end of this month.
	AnnualReportDueMonth *IntParam `json:"annual_report_due_month" policy:"range=1..12,unit=month of year"`
	// AnnualReportFiler: who files that report.
	AnnualReportFiler *TextParam `json:"annual_report_filer" policy:"enum=bureau|operator"`
	// RectificationSuspends: during a rectification order the operator's
	// use rights are suspended (暂停授权运营使用权限).
	RectificationSuspends *BoolParam `json:"rectification_suspends"`
	// OverdueRectification: what happens when the rectification deadline
	// passes unmet.
	OverdueRectification *TextParam `json:"overdue_rectification" policy:"enum=mandatory|discretionary"`
	// CaseAnswerWorkingDays: complaints, objections, disputes and
	// data-quality feedback are answered by the addressed party within this
	// many working days. The seeds say 及时 and give no number.
	CaseAnswerWorkingDays *IntParam `json:"case_answer_working_days" policy:"range=1..60,unit=working days"`
}

// Evaluation holds the operator evaluation (评估/评价/考核) rules.
type Evaluation struct {
	// IntervalMonths: evaluations at least this often.
	IntervalMonths *IntParam `json:"interval_months" policy:"range=1..36,unit=months"`
	// Grades: the allowed grades, best first.
	Grades *ListParam `json:"grades"`
	// Dimensions: the dimensions an evaluation must cover.
	Dimensions *ListParam `json:"dimensions"`
	// FailuresToTerminate: this many failed evaluations end the
	// authorization.
	FailuresToTerminate *IntParam `json:"failures_to_terminate" policy:"range=1..10,unit=evaluations"`
	// FailuresConsecutive: the failures must be consecutive.
	FailuresConsecutive *BoolParam `json:"failures_consecutive"`
	// FailureTermination: whether reaching the count terminates by rule or
	// only gives the bureau the right to.
	FailureTermination *TextParam `json:"failure_termination" policy:"enum=mandatory|discretionary"`
	// FailureTriggersRectification: a failed evaluation opens a rectification
	// order with a deadline.
	FailureTriggersRectification *BoolParam `json:"failure_triggers_rectification"`
}

// Exit holds termination, deletion, retention and blacklist rules.
type Exit struct {
	// VoluntaryNoticeMonths: minimum notice for a voluntary exit.
	VoluntaryNoticeMonths *IntParam `json:"voluntary_notice_months" policy:"range=1..24,unit=months"`
	// VoluntaryExitNeedsApproval: an early exit takes effect only with the
	// authority's consent.
	VoluntaryExitNeedsApproval *BoolParam `json:"voluntary_exit_needs_approval"`
	// DataDeletionRequired: after termination the operator deletes retained
	// data (and destroys derived models where the seed says so).
	DataDeletionRequired *BoolParam `json:"data_deletion_required"`
	// DataDeletionDays: deadline for that, in calendar days.
	DataDeletionDays *IntParam `json:"data_deletion_days" policy:"range=1..365,unit=days"`
	// LogRetentionYears: minimum retention of the operation's network logs.
	LogRetentionYears *IntParam `json:"log_retention_years" policy:"range=1..50,unit=years"`
	// LogRetentionFrom: what the retention period counts from.
	LogRetentionFrom *TextParam `json:"log_retention_from" policy:"enum=termination|creation"`
	// BlacklistYears: market ban (市场禁入) for an operator removed for
	// violations.
	BlacklistYears *IntParam `json:"blacklist_years" policy:"range=1..20,unit=years"`
}
