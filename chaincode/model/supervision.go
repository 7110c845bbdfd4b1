package model

import (
	"fmt"
	"strconv"
	"time"
)

// KindSupervisionSweep is the record a Supervision:Sweep leaves: what it made effective.
const KindSupervisionSweep Kind = "supervisionsweep"

func init() {
	registerKind(KindInspection, func() Record { return &Inspection{} })
	registerKind(KindRectification, func() Record { return &Rectification{} })
	registerKind(KindEvaluation, func() Record { return &Evaluation{} })
	registerKind(KindIncident, func() Record { return &Incident{} })
	registerKind(KindReport, func() Record { return &PeriodicReport{} })
	registerKind(KindCase, func() Record { return &Case{} })
	registerKind(KindSupervisionSweep, func() Record { return &SupervisionSweep{} })
}

// ---------------------------------------------------------------------------------
// Inspections and findings (监督检查: 《罗湖区…实施方案》十一, 《福田区…暂行管理办法》第二十九条、第三十四条, 《广东省…管理办法》第三十三条)

// InspectionType says what kind of check an inspection was.
type InspectionType string

// Inspection types.
const (
	InspectRoutine       InspectionType = "routine"        // 定期监督检查 (quarterly in Luohu, Futian)
	InspectSpecial       InspectionType = "special"        // 专项 / ad hoc
	InspectSecurityCheck InspectionType = "security_check" // 平台安全检查 (《福田区…暂行管理办法》第三十四条, monthly)
	InspectAudit         InspectionType = "audit"          // 数据安全审计, 内控审计
)

// Values lists the types.
func (InspectionType) Values() []string {
	return []string{"routine", "special", "security_check", "audit"}
}

// FindingSeverity grades a finding.
type FindingSeverity string

// Severities.
const (
	SeverityMinor    FindingSeverity = "minor"    // 一般问题
	SeverityMajor    FindingSeverity = "major"    // 较大问题
	SeverityCritical FindingSeverity = "critical" // 重大问题 / 重大安全隐患
)

// Values lists the severities.
func (FindingSeverity) Values() []string { return []string{"minor", "major", "critical"} }

// FindingInput is one finding as filed.
type FindingInput struct {
	Severity       FindingSeverity `json:"severity" pdl:"req"`
	Description    string          `json:"description" pdl:"req,max=2048"`
	EvidenceDigest string          `json:"evidenceDigest,omitempty" pdl:"fmt=digest"`
}

// Finding is a numbered finding of an inspection.
type Finding struct {
	No             int             `json:"no"`
	Severity       FindingSeverity `json:"severity"`
	Description    string          `json:"description"`
	EvidenceDigest string          `json:"evidenceDigest,omitempty"`
	By             string          `json:"by"`
	At             time.Time       `json:"at"`
	TxID           string          `json:"txId"`
	Rectification  string          `json:"rectification,omitempty"` // order that addresses it
}

// Inspection is a supervisory check of a participant (usually an operator) by the bureau
// or a regulator, with its findings.
type Inspection struct {
	Meta
	Inspector     string         `json:"inspector"`
	InspectorRole Role           `json:"inspectorRole"`
	Subject       string         `json:"subject"` // participant inspected
	Authorization string         `json:"authorizationId,omitempty" ref:"authorization,under"`
	Type          InspectionType `json:"type"`
	Scope         string         `json:"scope"`
	Period        string         `json:"period,omitempty"`
	ReportDigest  string         `json:"reportDigest,omitempty"`
	Findings      []Finding      `json:"findings"`
	Signature     *Signature     `json:"signature,omitempty"`
}

// Parties of an inspection: the inspector and the inspected.
func (i *Inspection) Parties() []string { return []string{i.Inspector, i.Subject} }

// InspectRequest records an inspection (bureau or regulator). The request id is the
// inspection id.
type InspectRequest struct {
	Request
	Subject       string         `json:"subject" pdl:"req,fmt=id"`
	Authorization string         `json:"authorizationId,omitempty" pdl:"fmt=id"`
	Type          InspectionType `json:"type" pdl:"req"`
	Scope         string         `json:"scope" pdl:"req,max=1024"`
	Period        string         `json:"period,omitempty" pdl:"fmt=period"`
	ReportDigest  string         `json:"reportDigest,omitempty" pdl:"fmt=digest"`
	Findings      []FindingInput `json:"findings,omitempty" pdl:"n=100"`
}

// AddFindingRequest adds a finding to an inspection (its inspector or the bureau).
type AddFindingRequest struct {
	Request
	Inspection string `json:"inspection" pdl:"req,fmt=id"`
	FindingInput
}

// ---------------------------------------------------------------------------------
// Rectification orders (限期整改: 《罗湖区…实施方案》十二, 《福田区…暂行管理办法》第二十九条、第三十九条, 《龙华区…实施方案》退出机制 1.（2）)

// RectificationStatus is where an order stands.
type RectificationStatus string

// Rectification statuses: open → reported → accepted, or back to open when the bureau
// refuses the report; overdue (deadline passed unmet, the bureau decides) and failed
// (deadline passed unmet, the authorization terminated) are final for the deadline.
const (
	RectOpen     RectificationStatus = "open"
	RectReported RectificationStatus = "reported"
	RectAccepted RectificationStatus = "accepted"
	RectOverdue  RectificationStatus = "overdue"
	RectFailed   RectificationStatus = "failed"
)

// Values lists the statuses.
func (RectificationStatus) Values() []string {
	return []string{"open", "reported", "accepted", "overdue", "failed"}
}

// What an unmet rectification deadline does, fixed when the order is made from
// supervision.overdue_rectification.
const (
	OnOverdueTerminate     = "terminate"      // mandatory (应…终止): the authorization terminates
	OnOverdueBureauDecides = "bureau_decides" // discretionary or not set: flagged for the bureau
)

// RectificationDue is the deadline the bureau sets: a CST date (the whole day counts) or
// a number of working days after the order (the profile's calendar).
type RectificationDue struct {
	DueDate     string `json:"dueDate,omitempty" pdl:"fmt=date"`
	WorkingDays int    `json:"workingDays,omitempty" pdl:"ge=0,le=250"`
}

// Check requires exactly one of the two.
func (d *RectificationDue) Check() error {
	if (d.DueDate == "") == (d.WorkingDays == 0) {
		return FieldErr(CodeMissingField, "dueDate", "dueDate | workingDays", "give exactly one of dueDate and workingDays")
	}
	return nil
}

// RectificationOrder is a rectification ordered together with another act (a failed
// evaluation, an incident decision). ID is the new order's id.
type RectificationOrder struct {
	ID           string `json:"id" pdl:"req,fmt=id"`
	Requirements string `json:"requirements" pdl:"req,max=2048"`
	RectificationDue
}

// RectificationReport is one report of the operator on its rectification, with the
// bureau's decision on it.
type RectificationReport struct {
	At        time.Time  `json:"at"`
	TxID      string     `json:"txId"`
	Digest    string     `json:"digest"`
	Summary   string     `json:"summary,omitempty"`
	Late      bool       `json:"late,omitempty"`
	Decision  Decision   `json:"decision,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	DecidedAt *time.Time `json:"decidedAt,omitempty"`
	DecidedTx string     `json:"decidedTx,omitempty"`
	Signature *Signature `json:"signature,omitempty"` // the operator's, if given
}

// Rectification is a rectification order (限期整改) against an authorization. Where the
// profile says so (supervision.rectification_suspends) the authorization is suspended
// from the order until the bureau accepts the operator's report; when the deadline
// passes without a report in time, supervision.overdue_rectification decides: terminate
// (mandatory) or flag for the bureau.
type Rectification struct {
	Meta
	Authorization string                `json:"authorizationId" ref:"authorization,under"`
	Operator      string                `json:"operator"`
	Grounds       string                `json:"grounds"`
	Requirements  string                `json:"requirements"`
	Inspection    string                `json:"inspection,omitempty"`
	Findings      []int                 `json:"findings,omitempty"`
	Evaluation    string                `json:"evaluation,omitempty"`
	Incident      string                `json:"incident,omitempty"`
	Deadline      *Deadline             `json:"deadline"`
	Suspends      bool                  `json:"suspends"`
	OnOverdue     string                `json:"onOverdue"`
	Status        RectificationStatus   `json:"status"`
	Reports       []RectificationReport `json:"reports,omitempty"`
	ClosedAt      *time.Time            `json:"closedAt,omitempty"`
	Outcome       string                `json:"outcome,omitempty"`
	Signature     *Signature            `json:"signature,omitempty"` // the bureau's, if given
	Profile       string                `json:"profile"`
}

// Parties of a rectification: the operator.
func (r *Rectification) Parties() []string { return []string{r.Operator} }

// OrderRectificationRequest orders a rectification (bureau). The request id is the
// order's id.
type OrderRectificationRequest struct {
	Request
	Authorization string `json:"authorizationId" pdl:"req,fmt=id"`
	Grounds       string `json:"grounds" pdl:"req,max=1024"`
	Requirements  string `json:"requirements" pdl:"req,max=2048"`
	Inspection    string `json:"inspection,omitempty" pdl:"fmt=id"`
	Findings      []int  `json:"findings,omitempty" pdl:"n=100"`
	RectificationDue
}

// AuthorizationID is the authorization the order is made against.
func (r *OrderRectificationRequest) AuthorizationID() string { return r.Authorization }

// ReportRectificationRequest files the operator's rectification report.
type ReportRectificationRequest struct {
	Request
	Rectification string `json:"rectification" pdl:"req,fmt=id"`
	ReportDigest  string `json:"reportDigest" pdl:"req,fmt=digest"`
	Summary       string `json:"summary,omitempty" pdl:"max=2048"`
}

// ReviewRectificationRequest accepts or refuses the last report (bureau).
type ReviewRectificationRequest struct {
	Request
	Rectification string   `json:"rectification" pdl:"req,fmt=id"`
	Decision      Decision `json:"decision" pdl:"req"`
	Reason        string   `json:"reason,omitempty" pdl:"max=1024"`
}

// Check requires a reason for a refusal.
func (r *ReviewRectificationRequest) Check() error {
	if r.Decision == Refused && r.Reason == "" {
		return FieldErr(CodeMissingField, "reason", "", "a refused rectification report needs a reason")
	}
	return nil
}

// ---------------------------------------------------------------------------------
// Evaluations (评估 / 考核评价: 《罗湖区…实施方案》六（五）, 《福田区…暂行管理办法》第二十七条, 《龙华区…实施方案》十（二）, 《广东省…管理办法》第三十八条)

// Grade is an evaluation result.
type Grade string

// Grades, with the seeds' words: 优秀 / 合格 / 不合格 (《龙华区…实施方案》十（二）).
const (
	GradeExcellent Grade = "excellent"
	GradePass      Grade = "pass"
	GradeFail      Grade = "fail"
)

// Values lists the grades.
func (Grade) Values() []string { return []string{"excellent", "pass", "fail"} }

// Chinese is the seeds' word for the grade, as profiles list them (evaluation.grades).
func (g Grade) Chinese() string {
	switch g {
	case GradeExcellent:
		return "优秀"
	case GradePass:
		return "合格"
	case GradeFail:
		return "不合格"
	}
	return ""
}

// DimensionScore is one dimension of an evaluation (the profile's evaluation.dimensions).
type DimensionScore struct {
	Dimension string `json:"dimension" pdl:"req,max=64"`
	Score     int    `json:"score" pdl:"ge=0,le=100"`
	Comment   string `json:"comment,omitempty" pdl:"max=1024"`
}

// Evaluation outcomes.
const (
	EvalTerminated        = "terminated"         // the count was reached and termination is mandatory
	EvalTerminationGround = "termination_ground" // the count was reached; the bureau may terminate (flagged)
	EvalRectification     = "rectification"      // a rectification was ordered
)

// Evaluation is a periodic evaluation of an operator under an authorization.
type Evaluation struct {
	Meta
	Authorization string           `json:"authorizationId" ref:"authorization,under"`
	Operator      string           `json:"operator"`
	Period        string           `json:"period"`
	PeriodStart   string           `json:"periodStart"` // CST dates, inclusive
	PeriodEnd     string           `json:"periodEnd"`
	Grade         Grade            `json:"grade"`
	GradeZH       string           `json:"gradeZh"`
	Dimensions    []DimensionScore `json:"dimensions"`
	ReportDigest  string           `json:"reportDigest"`
	Assessor      string           `json:"assessor,omitempty"` // third party (委托第三方机构), if any
	Failures      int              `json:"failures"`           // failures counted toward termination after this one
	Outcome       string           `json:"outcome,omitempty"`
	Rectification string           `json:"rectification,omitempty"`
	Rule          string           `json:"rule,omitempty"` // the profile rule that produced the outcome
	Signature     *Signature       `json:"signature,omitempty"`
	Profile       string           `json:"profile"`
}

// Parties of an evaluation: the operator.
func (e *Evaluation) Parties() []string { return []string{e.Operator} }

// EvaluateRequest records an evaluation (bureau). The request id is the evaluation id.
// Rectification is required when the grade is fail and the profile says a failure
// opens a rectification (evaluation.failure_triggers_rectification).
type EvaluateRequest struct {
	Request
	Authorization string              `json:"authorizationId" pdl:"req,fmt=id"`
	Period        string              `json:"period" pdl:"req,fmt=period"`
	Grade         Grade               `json:"grade" pdl:"req"`
	Dimensions    []DimensionScore    `json:"dimensions,omitempty" pdl:"n=32"`
	ReportDigest  string              `json:"reportDigest" pdl:"req,fmt=digest"`
	Assessor      string              `json:"assessor,omitempty" pdl:"max=128"`
	Rectification *RectificationOrder `json:"rectification,omitempty"`
}

// PeriodRange returns the first day and the day after the last day (CST) of a period
// written YYYY, YYYY-MM, YYYY-H1/H2 or YYYY-Qn.
func PeriodRange(p string) (start, end time.Time, err error) {
	if len(p) < 4 {
		return start, end, fmt.Errorf("period %q: expected YYYY, YYYY-MM, YYYY-H1/H2 or YYYY-Q1..Q4", p)
	}
	y, err := strconv.Atoi(p[:4])
	if err != nil {
		return start, end, fmt.Errorf("period %q: bad year", p)
	}
	first, months := 1, 12
	switch rest := p[4:]; {
	case rest == "":
	case len(rest) != 3 || rest[0] != '-':
		return start, end, fmt.Errorf("period %q: expected YYYY, YYYY-MM, YYYY-H1/H2 or YYYY-Q1..Q4", p)
	case rest[1] == 'H' && (rest[2] == '1' || rest[2] == '2'):
		first, months = 1+6*int(rest[2]-'1'), 6
	case rest[1] == 'Q' && rest[2] >= '1' && rest[2] <= '4':
		first, months = 1+3*int(rest[2]-'1'), 3
	default:
		m, err := strconv.Atoi(rest[1:])
		if err != nil || m < 1 || m > 12 {
			return start, end, fmt.Errorf("period %q: bad month", p)
		}
		first, months = m, 1
	}
	start = time.Date(y, time.Month(first), 1, 0, 0, 0, 0, CST)
	return start, start.AddDate(0, months, 0), nil
}

// ---------------------------------------------------------------------------------
// Security incidents (安全事件: 《罗湖区…实施方案》九（一）（二） and 六（六）5, 《龙华区…实施方案》应急处置, 《广东省…管理办法》第三十九条（四）)

// IncidentSeverity grades an incident.
type IncidentSeverity string

// Severities: a major incident (重大安全隐患或数据安全事件) takes the major-incident path.
const (
	IncidentGeneral IncidentSeverity = "general"
	IncidentMajor   IncidentSeverity = "major"
)

// Values lists the severities.
func (IncidentSeverity) Values() []string { return []string{"general", "major"} }

// IncidentCategory is what happened (《罗湖区…实施方案》九（二）: 数据丢失、泄露、篡改、毁损;
// 《龙华区…实施方案》安全保障 应急处置: 未经授权的数据泄露或非法访问).
type IncidentCategory string

// Values lists the categories.
func (IncidentCategory) Values() []string {
	return []string{"leak", "loss", "tampering", "destruction", "unauthorized_access", "risk", "other"}
}

// IncidentStatus is where an incident stands.
type IncidentStatus string

// Incident statuses: reported, then decided by the bureau.
const (
	IncidentReported      IncidentStatus = "reported"
	IncidentClosed        IncidentStatus = "closed"
	IncidentRectification IncidentStatus = "rectification"
	IncidentTerminated    IncidentStatus = "terminated"
)

// Values lists the statuses.
func (IncidentStatus) Values() []string {
	return []string{"reported", "closed", "rectification", "terminated"}
}

// IncidentDecisionKind is the bureau's decision on an incident.
type IncidentDecisionKind string

// Decisions.
const (
	DecideClose     IncidentDecisionKind = "close"
	DecideRectify   IncidentDecisionKind = "rectify"
	DecideTerminate IncidentDecisionKind = "terminate"
)

// Values lists the decisions.
func (IncidentDecisionKind) Values() []string { return []string{"close", "rectify", "terminate"} }

// IncidentDecision records the bureau's decision.
type IncidentDecision struct {
	Decision      IncidentDecisionKind `json:"decision"`
	Reason        string               `json:"reason"`
	At            time.Time            `json:"at"`
	TxID          string               `json:"txId"`
	Rectification string               `json:"rectification,omitempty"`
	Signature     *Signature           `json:"signature,omitempty"`
}

// Incident is a security incident report. The seeds require reporting 立即 / 及时 (at
// once, promptly) without a number: the ledger records the lag between detection and
// report (ReportLagMinutes); where the profile sets security.incident_report_hours the
// report also carries that deadline and Late says whether it was missed. A late report
// is never refused: refusing it would hide the incident.
type Incident struct {
	Meta
	Filer             string            `json:"filer"`
	FilerRole         Role              `json:"filerRole"`
	Subject           string            `json:"subject"` // operator concerned
	Authorization     string            `json:"authorizationId,omitempty" ref:"authorization,under"`
	Severity          IncidentSeverity  `json:"severity"`
	Category          IncidentCategory  `json:"category"`
	OccurredAt        time.Time         `json:"occurredAt"`
	DetectedAt        time.Time         `json:"detectedAt"`
	ReportLagMinutes  int64             `json:"reportLagMinutes"`
	ReportDeadline    *Deadline         `json:"reportDeadline,omitempty"`
	Late              bool              `json:"late,omitempty"`
	SelfReported      bool              `json:"selfReported"`
	PersonalInfo      bool              `json:"personalInfo"`
	Description       string            `json:"description"`
	Measures          string            `json:"measures,omitempty"`                              // 补救措施 taken
	EmergencyPlan     string            `json:"emergencyPlan,omitempty" ref:"emergencyplan,has"` // the authorization's plan, activated (启动应急处置预案)
	EvidenceDigest    string            `json:"evidenceDigest,omitempty"`                        // SM3 of the incident report document
	TerminationGround bool              `json:"terminationGround"`                               // major, and the profile makes that a ground (major_incident_terminable)
	Status            IncidentStatus    `json:"status"`
	Decision          *IncidentDecision `json:"decision,omitempty"`
	Signature         *Signature        `json:"signature,omitempty"`
	Profile           string            `json:"profile"`
}

// Parties of an incident: the filer and the operator concerned.
func (i *Incident) Parties() []string { return []string{i.Filer, i.Subject} }

// ReportIncidentRequest reports an incident. The request id is the incident id. An
// operator reports its own (Subject may be left empty); others name the operator.
type ReportIncidentRequest struct {
	Request
	Subject        string           `json:"subject,omitempty" pdl:"fmt=id"`
	Authorization  string           `json:"authorizationId,omitempty" pdl:"fmt=id"`
	Severity       IncidentSeverity `json:"severity" pdl:"req"`
	Category       IncidentCategory `json:"category" pdl:"req"`
	OccurredAt     time.Time        `json:"occurredAt" pdl:"req"`
	DetectedAt     time.Time        `json:"detectedAt" pdl:"req"`
	PersonalInfo   bool             `json:"personalInfo,omitempty"`
	Description    string           `json:"description" pdl:"req,max=4096"`
	Measures       string           `json:"measures,omitempty" pdl:"max=2048"`
	EvidenceDigest string           `json:"evidenceDigest,omitempty" pdl:"fmt=digest"`
}

// DecideIncidentRequest records the bureau's decision on an incident: close it, order a
// rectification, or (a major incident where the profile makes it a ground) terminate.
type DecideIncidentRequest struct {
	Request
	Incident      string               `json:"incident" pdl:"req,fmt=id"`
	Decision      IncidentDecisionKind `json:"decision" pdl:"req"`
	Reason        string               `json:"reason" pdl:"req,max=1024"`
	Rectification *RectificationOrder  `json:"rectification,omitempty"`
}

// Check pairs rectify with its order.
func (r *DecideIncidentRequest) Check() error {
	if (r.Decision == DecideRectify) != (r.Rectification != nil) {
		return FieldErr(CodeMissingField, "rectification", "with decision rectify only", "decision rectify needs a rectification order, and only it")
	}
	return nil
}

// ---------------------------------------------------------------------------------
// Periodic reports (《罗湖区…实施方案》九（一） 每半年, 《福田区…暂行管理办法》第三十条 每月, 《广东省…管理办法》第三十七条 每年3月底前)

// ReportKind is a periodic report the profile may require.
type ReportKind string

// Report kinds and the profile parameters that make them due.
const (
	ReportSecurity           ReportKind = "security"            // security.operator_report_interval_months, operator
	ReportPartnerSupervision ReportKind = "partner_supervision" // supervision.partner_report_interval_months, operator
	ReportAnnualOperation    ReportKind = "annual_operation"    // supervision.annual_report_due_month, annual_report_filer
)

// Values lists the kinds.
func (ReportKind) Values() []string {
	return []string{"security", "partner_supervision", "annual_operation"}
}

// PeriodicReport is one report of a periodic obligation. Cadence reports (security,
// partner_supervision) cover window Period (1, 2, ...) of the profile's interval counted
// from the authorization's TermStart and are due by the window's last day; the annual
// operation report covers calendar Year and is due by the end of the profile's month of
// the next year.
type PeriodicReport struct {
	Meta
	ReportKind    ReportKind `json:"reportKind"`
	Authorization string     `json:"authorizationId" ref:"authorization,under"`
	Operator      string     `json:"operator"`
	Filer         string     `json:"filer"`
	Period        int        `json:"period,omitempty"`
	Year          string     `json:"year,omitempty"`
	PeriodStart   string     `json:"periodStart"` // CST dates, inclusive
	PeriodEnd     string     `json:"periodEnd"`
	Due           time.Time  `json:"due"`
	Late          bool       `json:"late,omitempty"`
	ReportDigest  string     `json:"reportDigest"`
	Summary       string     `json:"summary,omitempty"`
	Signature     *Signature `json:"signature,omitempty"`
	Rule          string     `json:"rule"`
	Profile       string     `json:"profile"`
}

// Parties of a report: the filer and the operator.
func (r *PeriodicReport) Parties() []string { return []string{r.Filer, r.Operator} }

// FileReportRequest files a periodic report. The request id is the report id. Period 0
// means the window containing the transaction time; Year is for annual_operation only.
type FileReportRequest struct {
	Request
	ReportKind    ReportKind `json:"reportKind" pdl:"req"`
	Authorization string     `json:"authorizationId" pdl:"req,fmt=id"`
	Period        int        `json:"period,omitempty" pdl:"ge=0,le=10000"`
	Year          string     `json:"year,omitempty" pdl:"fmt=year"`
	ReportDigest  string     `json:"reportDigest" pdl:"req,fmt=digest"`
	Summary       string     `json:"summary,omitempty" pdl:"max=2048"`
}

// Check: the annual report names a year, the cadence reports a period.
func (r *FileReportRequest) Check() error {
	if r.ReportKind == ReportAnnualOperation && r.Year == "" {
		return FieldErr(CodeMissingField, "year", "", "an annual operation report names the year it covers")
	}
	if r.ReportKind != ReportAnnualOperation && r.Year != "" {
		return FieldErr(CodeBadFormat, "year", "annual_operation only", "year is for annual_operation reports; cadence reports name a period")
	}
	if r.ReportKind == ReportAnnualOperation && r.Period != 0 {
		return FieldErr(CodeBadFormat, "period", "cadence reports only", "an annual operation report names a year, not a period")
	}
	return nil
}

// OverdueReportsRequest asks for overdue periodic reports, optionally of one
// authorization.
type OverdueReportsRequest struct {
	Authorization string `json:"authorizationId,omitempty" pdl:"fmt=id"`
}

// OverdueReport is one expected report not filed by its due time.
type OverdueReport struct {
	ReportKind    ReportKind `json:"reportKind"`
	Authorization string     `json:"authorizationId"`
	Operator      string     `json:"operator"`
	Filer         string     `json:"filer"`
	Period        int        `json:"period,omitempty"`
	Year          string     `json:"year,omitempty"`
	PeriodStart   string     `json:"periodStart"`
	PeriodEnd     string     `json:"periodEnd"`
	Due           time.Time  `json:"due"`
	Rule          string     `json:"rule"`
}

// ---------------------------------------------------------------------------------
// Complaints, objections, disputes, data-quality feedback (《福田区…暂行管理办法》第二十四条、第三十八条,
// 《龙华区…实施方案》十（一）4, 《秦皇岛市…实施方案》争议处置机制, 《罗湖区…实施方案》十（二）4)

// CaseKind is what a case is.
type CaseKind string

// Case kinds.
const (
	CaseComplaint   CaseKind = "complaint"    // 投诉举报: anyone, to the bureau
	CaseObjection   CaseKind = "objection"    // 异议: anyone, to a source unit (数据有错误) or the bureau (监管行为)
	CaseDispute     CaseKind = "dispute"      // 争议 / 申诉: source units, operators, partners, to the bureau
	CaseDataQuality CaseKind = "data_quality" // 数据质量反馈: operators, partners, the bureau, to the resource's source unit
)

// Values lists the kinds.
func (CaseKind) Values() []string {
	return []string{"complaint", "objection", "dispute", "data_quality"}
}

// CaseStatus is where a case stands.
type CaseStatus string

// Case statuses.
const (
	CaseOpen     CaseStatus = "open"
	CaseAnswered CaseStatus = "answered"
)

// Values lists the statuses.
func (CaseStatus) Values() []string { return []string{"open", "answered"} }

// CaseAnswer is the addressee's answer.
type CaseAnswer struct {
	Text      string     `json:"text"`
	Digest    string     `json:"digest,omitempty"`
	By        string     `json:"by"`
	At        time.Time  `json:"at"`
	TxID      string     `json:"txId"`
	Late      bool       `json:"late,omitempty"`
	Signature *Signature `json:"signature,omitempty"`
}

// Case is a complaint, objection, dispute or data-quality feedback, answered by its
// addressee. The filer may be anyone, also an identity bound to no participant (the
// public): its certificate is recorded in Filer and it may read its own case. A
// complaint's respondent is not a party to it (《龙华区…实施方案》十（一）4: 为举报人保密).
type Case struct {
	Meta
	CaseKind       CaseKind    `json:"caseKind"`
	Filer          Actor       `json:"filer"`
	FilerKey       string      `json:"filerKey"` // identity key of the filer's certificate
	Addressee      string      `json:"addressee"`
	Respondent     string      `json:"respondent,omitempty"`
	Resource       string      `json:"resource,omitempty" ref:"resource,concerns,provenance"`
	Authorization  string      `json:"authorizationId,omitempty" ref:"authorization,under"`
	Title          string      `json:"title"`
	Description    string      `json:"description"`
	EvidenceDigest string      `json:"evidenceDigest,omitempty"`
	AnswerDeadline *Deadline   `json:"answerDeadline,omitempty"`
	Status         CaseStatus  `json:"status"`
	Answer         *CaseAnswer `json:"answer,omitempty"`
	Signature      *Signature  `json:"signature,omitempty"`
	Profile        string      `json:"profile"`
}

// Parties of a case: the addressee, the filer's participant if bound, and the
// respondent unless the case is a complaint.
func (c *Case) Parties() []string {
	out := []string{c.Addressee}
	if c.Filer.Participant != "" {
		out = append(out, c.Filer.Participant)
	}
	if c.Respondent != "" && c.CaseKind != CaseComplaint {
		out = append(out, c.Respondent)
	}
	return out
}

// FileCaseRequest files a case (anyone). The request id is the case id. Addressee is
// derived where the kind fixes it (complaint, dispute: the bureau; data_quality: the
// resource's source unit); an objection names a source unit or the bureau.
type FileCaseRequest struct {
	Request
	CaseKind       CaseKind `json:"caseKind" pdl:"req"`
	Addressee      string   `json:"addressee,omitempty" pdl:"fmt=id"`
	Respondent     string   `json:"respondent,omitempty" pdl:"fmt=id"`
	Resource       string   `json:"resource,omitempty" pdl:"fmt=id"`
	Authorization  string   `json:"authorizationId,omitempty" pdl:"fmt=id"`
	Title          string   `json:"title" pdl:"req,max=256"`
	Description    string   `json:"description" pdl:"req,max=4096"`
	EvidenceDigest string   `json:"evidenceDigest,omitempty" pdl:"fmt=digest"`
}

// AnswerCaseRequest answers a case (its addressee).
type AnswerCaseRequest struct {
	Request
	Case         string `json:"case" pdl:"req,fmt=id"`
	Answer       string `json:"answer" pdl:"req,max=4096"`
	AnswerDigest string `json:"answerDigest,omitempty" pdl:"fmt=digest"`
}

// OpenCasesRequest lists unanswered cases, optionally of one addressee or only overdue.
type OpenCasesRequest struct {
	Addressee   string `json:"addressee,omitempty" pdl:"fmt=id"`
	OverdueOnly bool   `json:"overdueOnly,omitempty"`
}

// ---------------------------------------------------------------------------------
// Blacklisting, flags, sweeps

// BlacklistRequest blacklists an operator or partner (bureau): 市场禁入 for the profile's
// exit.blacklist_years (《龙华区…实施方案》退出机制 2: 5 年). The participant record, and so the
// blacklisting, is public.
type BlacklistRequest struct {
	Request
	Participant    string `json:"participant" pdl:"req,fmt=id"`
	Reason         string `json:"reason" pdl:"req,max=1024"`
	Authorization  string `json:"authorizationId,omitempty" pdl:"fmt=id"`
	EvidenceDigest string `json:"evidenceDigest,omitempty" pdl:"fmt=digest"`
}

// Flag is something awaiting the bureau's decision: a discretionary termination ground
// reached by failed evaluations, an overdue rectification the profile does not make
// terminate, a major incident not yet decided.
type Flag struct {
	Kind          Kind      `json:"kind"`
	ID            string    `json:"id"`
	Authorization string    `json:"authorizationId"`
	Operator      string    `json:"operator"`
	Reason        string    `json:"reason"`
	Rule          Code      `json:"rule"`
	Since         time.Time `json:"since"`
}

// FlagsRequest lists flags, optionally of one authorization.
type FlagsRequest struct {
	Authorization string `json:"authorizationId,omitempty" pdl:"fmt=id"`
}

// SweepRequest makes due supervision effects effective (anyone may submit): overdue
// rectifications fail (terminating or flagging), and the named authorization's own lazy
// transitions apply. Limit bounds the orders handled (default 50).
type SweepRequest struct {
	Request
	Authorization string `json:"authorizationId,omitempty" pdl:"fmt=id"`
	Limit         int    `json:"limit,omitempty" pdl:"ge=0,le=200"`
}

// SweepEffect is one change a sweep made.
type SweepEffect struct {
	Kind   Kind   `json:"kind"`
	ID     string `json:"id"`
	Action string `json:"action"`
}

// SupervisionSweep is the record of a sweep.
type SupervisionSweep struct {
	Meta
	Authorization string        `json:"authorizationId,omitempty" ref:"authorization,under"`
	Checked       int           `json:"checked"`
	Effects       []SweepEffect `json:"effects"`
	More          bool          `json:"more"` // more overdue orders remain: sweep again
	Operators     []string      `json:"operators,omitempty"`
}

// Parties of a sweep: the operators it affected.
func (s *SupervisionSweep) Parties() []string { return s.Operators }

// ---------------------------------------------------------------------------------
// Rules of supervision

var (
	RuleInspectorRole = NewRule("SUPERVISION_INSPECTOR_ROLE", "Supervision_InspectionByBureauOrRegulator",
		basis(luohu("十一"), futian("第二十九条", "第三十四条"), guangdong("第三十三条")),
		"inspections are filed by the bureau or a regulator; findings are added by the inspection's inspector or the bureau")
	RuleSupervisionBureauOnly = NewRule("SUPERVISION_BUREAU_ONLY", "Supervision_BureauOnlyActs",
		basis(luohu("十二"), futian("第二十七条", "第三十九条"), longhua("十（二）考核评价", "退出机制 2.退出执行规范"), guangdong("第三十八条")),
		"only the bureau orders rectification, reviews rectification reports, evaluates operators, decides on incidents and blacklists")
	RuleRectificationOverdue = NewRule("RECTIFICATION_OVERDUE", "Rectification_OverdueTerminates",
		basis(luohu("十二"), futian("第二十九条", "第三十九条"), qinhuangdao("三（二）3"), guangdong("第三十九条（三）")),
		"a rectification not reported by its deadline fails: where supervision.overdue_rectification is mandatory the authorization terminates (rectification_failed) and a late report is refused; otherwise the order is flagged overdue for the bureau")
	RuleRectificationNeedsReport = NewRule("RECTIFICATION_NO_REPORT", "Rectification_AcceptanceNeedsReport",
		basis(futian("第二十九条（报送整改情况）"), longhua("退出机制 1.（2）违约退出（反馈整改情况）"), luohu("十二")),
		"the bureau reviews a rectification only after the operator's report; acceptance lifts the suspension (supervision.rectification_suspends)")
	RuleEvaluationDimensions = NewRule("EVALUATION_DIMENSIONS", "Evaluation_DimensionsPerProfile",
		basis(luohu("六（五）"), futian("第二十七条"), longhua("十（二）考核评价")),
		"an evaluation scores exactly the profile's evaluation.dimensions, each once")
	RuleEvaluationGrade = NewRule("EVALUATION_GRADE", "Evaluation_GradeInProfile",
		basis(longhua("十（二）考核评价（优秀/合格/不合格）")),
		"an evaluation's grade is one of the profile's evaluation.grades (优秀/合格/不合格 = excellent/pass/fail)")
	RuleEvaluationPeriod = NewRule("EVALUATION_PERIOD", "Evaluation_OnePerPeriodInOrder",
		basis(futian("第二十七条（年度）"), longhua("十（二）考核评价（年度评估）")),
		"an authorization is evaluated once per period; periods do not overlap, move forward, have begun and fall within the term")
	RuleEvaluationFailures = NewRule("EVALUATION_FAILURES_TERMINATE", "Evaluation_FailuresTerminate",
		basis(longhua("十（二）考核评价（连续三次不合格取消授权资格）"), futian("第二十七条（应予以清退）"), luohu("六（六）7"), guangdong("第三十九条（五）")),
		"reaching evaluation.failures_to_terminate failed evaluations (consecutive where failures_consecutive) terminates the authorization where failure_termination is mandatory and flags it for the bureau where discretionary")
	RuleEvaluationRectification = NewRule("EVALUATION_FAIL_NEEDS_RECTIFICATION", "Evaluation_FailureOpensRectification",
		basis(longhua("十（二）考核评价（不合格单位限期整改）")),
		"where evaluation.failure_triggers_rectification, a failing evaluation orders a rectification with its deadline")
	RuleIncidentTimes = NewRule("INCIDENT_TIMES", "Incident_TimesInOrder",
		basis(luohu("九（二）（立即启动应急处置预案，并及时向实施机构报告）"), longhua("安全保障 3.应急处置")),
		"an incident occurs no later than it is detected and is detected no later than it is reported; a report after security.incident_report_hours is accepted and marked late")
	RuleIncidentReporter = NewRule("INCIDENT_REPORTER", "Incident_ReporterConcerned",
		basis(luohu("九（一）", "九（二）"), longhua("十（一）2"), guangdong("第三十四条")),
		"an operator reports incidents of its own operation and authorizations; partners, source units, the bureau and regulators report incidents concerning an operator they name")
	RuleIncidentTermination = NewRule("INCIDENT_TERMINATION_GROUND", "Incident_TerminationNeedsMajorGround",
		basis(luohu("六（六）5"), guangdong("第三十九条（四）")),
		"the bureau terminates for an incident only if it is major and the profile makes a major incident a termination ground (security.major_incident_terminable)")
	RuleReportFiler = NewRule("REPORT_FILER", "Report_FiledByNamedParty",
		basis(luohu("九（一）（运营机构每半年报告）"), futian("第三十条（授權運營單位應每月…報）"), guangdong("第三十七条（实施机构…报送）")),
		"a periodic report is filed by the party the profile names: the operator for security and partner-supervision reports, supervision.annual_report_filer for the annual report")
	RuleReportPeriod = NewRule("REPORT_PERIOD", "Report_PeriodPerProfile",
		basis(luohu("九（一）（每半年）"), futian("第三十条（每月）"), guangdong("第三十七条（每年3月底前）")),
		"a periodic report is for a report the profile requires, for a period of its cadence that has begun within the authorization's term")
	RuleCaseFiler = NewRule("CASE_FILER", "Case_FilerAndAddressee",
		basis(futian("第二十四条", "第三十八条"), longhua("十（一）4"), qinhuangdao("三（三）3（7）"), luohu("十（二）4")),
		"complaints (to the bureau) and objections (to a source unit or the bureau) may be filed by anyone; disputes (to the bureau) by source units, operators and partners; data-quality feedback (to the resource's source unit) by operators, partners and the bureau")
	RuleCaseAnswer = NewRule("CASE_ANSWER_BY_ADDRESSEE", "Case_AnsweredByAddressee",
		basis(futian("第二十四条（由數源部門…予以反饋）", "第三十八条"), qinhuangdao("三（三）3（7）（及时作出处理）")),
		"only the addressed party answers a case, once; an answer after supervision.case_answer_working_days is marked late")
	RuleBlacklistNeedsProfile = NewRule("SUPERVISION_BLACKLIST_NOT_IN_PROFILE", "Supervision_BlacklistNeedsProfile",
		basis(longhua("退出机制 2.退出执行规范（设立黑名单制度…5年市场禁入）")),
		"blacklisting needs exit.blacklist_years in the profile; the ban runs that many years from the transaction date and is public")
)
