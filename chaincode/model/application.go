package model

import "time"

func init() {
	registerKind(KindApplication, func() Record { return &Application{} })
	registerKind(KindGrant, func() Record { return &Grant{} })
}

// Method is how data is used (Longhua 数据分级开发; 可用不可见).
type Method string

// Processing methods. The first two are privacy computing (可用不可见).
const (
	MethodPrivacyComputing Method = "privacy_computing" // 隐私计算 (MPC, federated learning, ...)
	MethodTrustedExecution Method = "trusted_execution" // 可信执行环境
	MethodSandbox          Method = "sandbox"           // 安全开发环境, results reviewed before leaving
	MethodDesensitizedAPI  Method = "desensitized_api"  // 脱敏接口
	MethodStatistics       Method = "statistics"        // aggregated statistics only
)

// Values lists the methods.
func (Method) Values() []string {
	return []string{"privacy_computing", "trusted_execution", "sandbox", "desensitized_api", "statistics"}
}

// IsPrivacyComputing reports whether the method keeps raw data invisible (可用不可见).
func (m Method) IsPrivacyComputing() bool {
	return m == MethodPrivacyComputing || m == MethodTrustedExecution
}

// StepKind is a review step of a data-use application (《福田区…暂行管理办法》第十八条).
type StepKind string

// Review steps, in order: operator initial review (partner applications only), bureau
// assessment, then every affected source unit.
const (
	StepOperator   StepKind = "operator_initial"
	StepBureau     StepKind = "bureau"
	StepSourceUnit StepKind = "source_unit"
)

// Values lists the step kinds.
func (StepKind) Values() []string { return []string{"operator_initial", "bureau", "source_unit"} }

// Decision is a reviewer's answer.
type Decision string

// Decisions.
const (
	Approved Decision = "approved"
	Refused  Decision = "refused"
)

// Values lists the decisions.
func (Decision) Values() []string { return []string{"approved", "refused"} }

// ReviewStep is one reviewer's step with its working-day deadline.
type ReviewStep struct {
	Kind      StepKind  `json:"kind"`
	Party     string    `json:"party"`
	Opened    time.Time `json:"opened,omitempty"` // when the step became due (zero: not yet reached)
	Deadline  *Deadline `json:"deadline,omitempty"`
	Decision  Decision  `json:"decision,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	DecidedAt time.Time `json:"decidedAt,omitempty"`
	DecidedTx string    `json:"decidedTx,omitempty"`
}

// DataRequest is one line of the data requirement list (数据需求清单): which items of
// which resource, and why they are necessary (最小必要).
type DataRequest struct {
	Resource  string   `json:"resource" pdl:"req,fmt=id" ref:"resource,requests,provenance"`
	Items     []string `json:"items" pdl:"req,n=200,max=128,uniq"`
	Necessity string   `json:"necessity" pdl:"req,max=1024"`
}

// AppStatus is where an application stands.
type AppStatus string

// Application statuses.
const (
	AppPending  AppStatus = "pending"
	AppApproved AppStatus = "approved"
	AppRefused  AppStatus = "refused"
)

// Values lists the statuses.
func (AppStatus) Values() []string { return []string{"pending", "approved", "refused"} }

// Application is a data-use application (用数申请, 一场景一申请一审核; 《罗湖区…实施方案》七,
// 《福田区…暂行管理办法》第十八条, 《广东省…管理办法》第二十四条).
type Application struct {
	Meta
	Operator        string        `json:"operator"`
	Partner         string        `json:"partner,omitempty"` // set when a partner applies through the operator
	Authorization   string        `json:"authorizationId" ref:"authorization,under"`
	Scenario        string        `json:"scenario"`
	ServiceObjects  string        `json:"serviceObjects"`
	ServiceScope    string        `json:"serviceScope"`
	ExpectedOutcome string        `json:"expectedOutcome"`
	DataList        []DataRequest `json:"dataList"`
	Method          Method        `json:"method"`
	UsageFrom       string        `json:"usageFrom"` // CST dates
	UsageTo         string        `json:"usageTo"`
	Steps           []ReviewStep  `json:"steps"`
	Status          AppStatus     `json:"status"`
	Grant           string        `json:"grantId,omitempty" ref:"grant,became"`
	Profile         string        `json:"profile"`
}

// Parties of an application: the operator, the partner, every reviewing source unit.
func (a *Application) Parties() []string {
	out := []string{a.Operator}
	if a.Partner != "" {
		out = append(out, a.Partner)
	}
	for _, s := range a.Steps {
		if s.Kind == StepSourceUnit {
			out = append(out, s.Party)
		}
	}
	return out
}

// ResourceIDs lists the resources the application asks for.
func (a *Application) ResourceIDs() []string {
	out := make([]string, 0, len(a.DataList))
	for _, d := range a.DataList {
		out = append(out, d.Resource)
	}
	return out
}

// GrantStatus is a grant's standing.
type GrantStatus string

// Grant statuses.
const (
	GrantActive  GrantStatus = "active"
	GrantRevoked GrantStatus = "revoked"
)

// Values lists the statuses.
func (GrantStatus) Values() []string { return []string{"active", "revoked"} }

// Grant is what a fully approved application becomes: the right to use the listed
// resources for one scenario by one method for a period. Data use, products and logs
// refer to grants.
type Grant struct {
	Meta
	Application   string        `json:"applicationId" ref:"application,from,provenance"`
	Authorization string        `json:"authorizationId" ref:"authorization,under"`
	Operator      string        `json:"operator"`
	Partner       string        `json:"partner,omitempty"`
	Scenario      string        `json:"scenario"`
	ResourceIDs   []string      `json:"resourceIds" ref:"resource,uses,provenance"`
	DataList      []DataRequest `json:"dataList"`
	Method        Method        `json:"method"`
	ValidFrom     string        `json:"validFrom"`
	ValidTo       string        `json:"validTo"`
	Status        GrantStatus   `json:"status"`
	SourceUnits   []string      `json:"sourceUnits"` // units that confirmed
	RevokedReason string        `json:"revokedReason,omitempty"`
}

// Parties of a grant: operator, partner, source units.
func (g *Grant) Parties() []string {
	out := []string{g.Operator}
	if g.Partner != "" {
		out = append(out, g.Partner)
	}
	return append(out, g.SourceUnits...)
}

// Covers reports whether the grant includes a resource.
func (g *Grant) Covers(resource string) bool {
	for _, r := range g.ResourceIDs {
		if r == resource {
			return true
		}
	}
	return false
}

// Rules of data-use applications and grants.
var (
	RuleAppApplicant = NewRule("APP_APPLICANT", "Application_ByOperatorOrItsPartner",
		basis(futian("第十八条"), luohu("七")),
		"an application is submitted by the operator of an active authorization, or by one of its active partners through it")
	RuleAppScope = NewRule("APP_RESOURCE_OUT_OF_SCOPE", "Application_OnlyAuthorizedResources",
		basis(luohu("七（数据需求清单应符合最小必要性）"), guangdong("第二十四条")),
		"an application asks only for catalogued resources in its authorization's scope, and only for items those resources have")
	RuleAppScenario = NewRule("APP_SCENARIO_NOT_AUTHORIZED", "Application_ScenarioInAuthorization",
		basis(guangdong("第七条（依场景授权）", "第二十四条（一场景一清单一审定）")),
		"under a per-scenario authorization an application's scenario is one the authorization names")
	RuleAppUsage = NewRule("APP_USAGE_OUTSIDE_TERM", "Application_UsageInsideTerm",
		basis(luohu("七（数据使用时限）"), guangdong("第二十二条（二）")),
		"the requested usage period lies inside the authorization's term and starts no later than it ends")
	RuleAppReviewOrder = NewRule("APP_NOT_YOUR_STEP", "Application_ReviewChainInOrder",
		basis(futian("第十八条"), luohu("七"), "use_application.*_working_days"),
		"reviews go operator (partner applications) → bureau → every source unit; each reviewer decides its own open step once")
	RuleAppRefusalReason = NewRule("APP_REFUSAL_NEEDS_REASON", "Application_RefusalNeedsReason",
		basis(futian("第十八条"), guangdong("第十一条")),
		"a refusal states its reason; it ends the application")
)

// SubmitApplicationRequest submits a data-use application (id = the application's id).
type SubmitApplicationRequest struct {
	Request
	Authorization   string        `json:"authorization" pdl:"req,fmt=id"`
	Scenario        string        `json:"scenario" pdl:"req,max=128"`
	ServiceObjects  string        `json:"serviceObjects" pdl:"req,max=512"`
	ServiceScope    string        `json:"serviceScope" pdl:"req,max=512"`
	ExpectedOutcome string        `json:"expectedOutcome" pdl:"req,max=1024"`
	DataList        []DataRequest `json:"dataList" pdl:"req,n=50"`
	Method          Method        `json:"method" pdl:"req"`
	UsageFrom       string        `json:"usageFrom" pdl:"req,fmt=date"`
	UsageTo         string        `json:"usageTo" pdl:"req,fmt=date"`
}

// AuthorizationID is the authorization the application is made under.
func (r *SubmitApplicationRequest) AuthorizationID() string { return r.Authorization }

// Check orders the usage dates.
func (r *SubmitApplicationRequest) Check() error {
	if len(r.ID) > 62 {
		return FieldErr(CodeTooLong, "id", "62", "application id %q is %d characters; the limit is 62 (its grant is G-<id>)", r.ID, len(r.ID))
	}
	if r.UsageTo < r.UsageFrom {
		return FieldErr(CodeOutOfRange, "usageTo", ">= usageFrom", "usageTo %s is before usageFrom %s", r.UsageTo, r.UsageFrom)
	}
	seen := map[string]bool{}
	for i, d := range r.DataList {
		if seen[d.Resource] {
			return FieldErr(CodeDuplicate, "dataList["+itoa(i)+"].resource", "", "resource %s is listed twice; merge its items", d.Resource)
		}
		seen[d.Resource] = true
	}
	return nil
}

// ReviewApplicationRequest decides the caller's open step.
type ReviewApplicationRequest struct {
	Request
	Application string   `json:"application" pdl:"req,fmt=id"`
	Decision    Decision `json:"decision" pdl:"req"`
	Reason      string   `json:"reason,omitempty" pdl:"max=1024"`
}

// ApplicationsRequest lists applications by operator and/or status.
type ApplicationsRequest struct {
	Page
	Operator string    `json:"operator,omitempty" pdl:"fmt=id"`
	Status   AppStatus `json:"status,omitempty"`
}

// RevokeGrantRequest revokes a grant (bureau).
type RevokeGrantRequest struct {
	Request
	Grant  string `json:"grant" pdl:"req,fmt=id"`
	Reason string `json:"reason" pdl:"req,max=1024"`
}

// GrantID is the id of the grant an approved application becomes.
func GrantID(application string) string { return "G-" + application }
