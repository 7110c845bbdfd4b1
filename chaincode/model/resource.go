package model

import "time"

func init() {
	registerKind(KindResource, func() Record { return &Resource{} })
	registerKind(KindHistoryRevision, func() Record { return &ResourceRevision{} })
}

// Openness is the open-data class of a resource (《福田区…暂行管理办法》第二条).
type Openness string

// Openness classes. Closed (不予开放) resources never enter authorized operation.
const (
	OpenUnconditional Openness = "unconditional" // 无条件开放
	OpenConditional   Openness = "conditional"   // 有条件开放
	OpenClosed        Openness = "closed"        // 不予开放
)

// Values lists the classes.
func (Openness) Values() []string { return []string{"unconditional", "conditional", "closed"} }

// UpdateFrequency is how often a resource is refreshed (《龙华区…实施方案》表1).
type UpdateFrequency string

// Values lists the frequencies.
func (UpdateFrequency) Values() []string {
	return []string{"realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular"}
}

// CatalogueStatus is a resource's place in the authorized-operation catalogue
// (授权运营目录).
type CatalogueStatus string

// Catalogue statuses: registered (not proposed) → proposed (bureau asks the source
// units) → catalogued (all agreed) or refused (one refused, with reason); withdrawn.
const (
	CatRegistered CatalogueStatus = "registered"
	CatProposed   CatalogueStatus = "proposed"
	CatCatalogued CatalogueStatus = "catalogued"
	CatRefused    CatalogueStatus = "refused"
	CatWithdrawn  CatalogueStatus = "withdrawn"
)

// Values lists the statuses.
func (CatalogueStatus) Values() []string {
	return []string{"registered", "proposed", "catalogued", "refused", "withdrawn"}
}

// SharedFrom records a resource obtained through government data sharing from another
// region or department, with the providing unit's consent (《罗湖区…实施方案》五（一）, 《广东省…管理办法》第十一条).
type SharedFrom struct {
	Region        string `json:"region" pdl:"req,max=64"`
	ProviderUnit  string `json:"providerUnit" pdl:"req,max=128"`
	ConsentRef    string `json:"consentRef" pdl:"max=128"`
	ConsentDigest string `json:"consentDigest" pdl:"fmt=digest"`
}

// Agreement is one source unit's answer to catalogue inclusion.
type Agreement struct {
	Unit   string    `json:"unit"`
	Agreed bool      `json:"agreed"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
	TxID   string    `json:"txId"`
}

// Resource is a registered public data resource (公共数据资源登记). It is registered by its
// source unit; contributing units hold parts of it and must agree to its use too. Once
// catalogued it is public (《广东省…管理办法》第十一条: the catalogue is disclosed).
type Resource struct {
	Meta
	SourceUnit        string          `json:"sourceUnit"`
	ContributingUnits []string        `json:"contributingUnits,omitempty"`
	Name              string          `json:"name"`
	Summary           string          `json:"summary"`
	DataItems         []string        `json:"dataItems"`
	DataType          string          `json:"dataType"`
	Openness          Openness        `json:"openness"`
	Grade             int             `json:"grade"` // sensitivity grade: 1 公开, 2 低敏感, 3+ 高敏感 (Longhua)
	Domain            string          `json:"domain"`
	Coverage          string          `json:"coverage"`
	UpdateFrequency   UpdateFrequency `json:"updateFrequency"`
	PersonalInfo      bool            `json:"personalInfo"`
	SharedFrom        *SharedFrom     `json:"sharedFrom,omitempty"`
	SchemaDigest      string          `json:"schemaDigest,omitempty"`
	ResourceVersion   int             `json:"resourceVersion"`
	// PrivacyComputing is true when every use must be by privacy computing (可用不可见):
	// grade at or above the profile's threshold, or personal information where the profile says so.
	PrivacyComputing bool            `json:"privacyComputing"`
	Catalogue        CatalogueStatus `json:"catalogue"`
	Agreements       []Agreement     `json:"agreements,omitempty"`
	CataloguedAt     *time.Time      `json:"cataloguedAt,omitempty"`
}

// Parties of a resource: its source unit and contributing units.
func (r *Resource) Parties() []string { return append([]string{r.SourceUnit}, r.ContributingUnits...) }

// Units are every unit whose agreement or confirmation the resource needs.
func (r *Resource) Units() []string { return r.Parties() }

// ResourceRevision keeps a superseded content version of a resource (id
// "<resource>:v<n>"), readable like the resource.
type ResourceRevision struct {
	Meta
	Resource string   `json:"resource" ref:"resource,concerns,provenance"`
	Snapshot Resource `json:"snapshot"`
}

// Parties of a revision: the resource's.
func (r *ResourceRevision) Parties() []string { return r.Snapshot.Parties() }

// Rules of resources.
var (
	RuleResourceOwnUnit = NewRule("RESOURCE_OWN_UNIT_ONLY", "Resource_OnlySourceUnitRegistersOwn",
		basis(qinhuangdao("三（三）1（2）"), guangdong("第九条", "第十一条")),
		"only a source unit registers a resource, as its own, and only that unit changes it")
	RuleResourceClosedNotCatalogued = NewRule("RESOURCE_CLOSED_NOT_CATALOGUED", "Resource_ClosedNeverCatalogued",
		basis(qinhuangdao("三（一）4（涉密数据和有明确要求不得授权运营的除外）"), luohu("五（一）")),
		"a resource classed 不予开放 (closed) never enters the authorized-operation catalogue")
	RuleResourceCatalogueConsent = NewRule("RESOURCE_CATALOGUE_NEEDS_CONSENT", "Resource_CatalogueNeedsSourceAgreement",
		basis(guangdong("第十一条"), luohu("五（二）（由实施机构获取数源单位同意后）"), "data_supply.catalogue_requires_source_consent"),
		"a resource is catalogued only when its source unit and every contributing unit agreed; one refusal ends the proposal")
	RuleResourceRefusalReason = NewRule("RESOURCE_REFUSAL_NEEDS_REASON", "Resource_RefusalNeedsReason",
		basis(guangdong("第十一条（不同意纳入授权运营范围的，应说明理由和依据）"), "data_supply.catalogue_refusal_needs_reason"),
		"a unit refusing catalogue inclusion states its reasons and legal basis")
	RuleResourceSharedConsent = NewRule("RESOURCE_SHARED_NEEDS_CONSENT", "Resource_SharedFromNeedsProviderConsent",
		basis(luohu("五（一）"), guangdong("第十一条"), "data_supply.shared_data_consent_required"),
		"data obtained by sharing from another region or department needs the providing unit's consent reference and digest before it is catalogued")
	RuleResourcePrivacyComputing = NewRule("RESOURCE_PRIVACY_COMPUTING_REQUIRED", "Resource_HighGradeOnlyPrivacyComputing",
		basis(longhua("授权运营的模式（三）数据分级开发", "技术保障 4"), "security.privacy_computing_min_grade, privacy_computing_for_personal_info"),
		"a resource at or above the profile's grade (or holding personal information where the profile says so) is used only by privacy computing")
	RuleResourceCatalogueState = NewRule("RESOURCE_CATALOGUE_STATE", "Resource_CatalogueStepsInOrder",
		basis(guangdong("第十一条")),
		"catalogue inclusion is proposed by the bureau for registered (or refused and revised) resources and answered once by each unit while proposed")
)

// ResourceContent is what a source unit states about a resource (《龙华区…实施方案》表1).
type ResourceContent struct {
	Name              string          `json:"name" pdl:"req,max=128"`
	Summary           string          `json:"summary" pdl:"req,max=2048"`
	DataItems         []string        `json:"dataItems" pdl:"req,n=500,max=128,uniq"`
	DataType          string          `json:"dataType" pdl:"req,max=32"`
	Openness          Openness        `json:"openness" pdl:"req"`
	Grade             int             `json:"grade" pdl:"req,ge=1,le=5"`
	Domain            string          `json:"domain" pdl:"req,max=64"`
	Coverage          string          `json:"coverage" pdl:"req,max=128"`
	UpdateFrequency   UpdateFrequency `json:"updateFrequency" pdl:"req"`
	PersonalInfo      bool            `json:"personalInfo,omitempty"`
	ContributingUnits []string        `json:"contributingUnits,omitempty" pdl:"n=20,fmt=id,uniq"`
	SharedFrom        *SharedFrom     `json:"sharedFrom,omitempty"`
	SchemaDigest      string          `json:"schemaDigest,omitempty" pdl:"fmt=digest"`
}

// RegisterResourceRequest registers a resource of the calling source unit (id = the
// new resource's id).
type RegisterResourceRequest struct {
	Request
	ResourceContent
}

// UpdateResourceRequest states a new content version; the old one is kept as a
// ResourceRevision. A catalogued resource whose openness becomes closed leaves the
// catalogue (withdrawn).
type UpdateResourceRequest struct {
	Request
	Resource string `json:"resource" pdl:"req,fmt=id"`
	ResourceContent
}

// ProposeCatalogueRequest asks the units of a resource to agree to its inclusion in the
// authorized-operation catalogue (bureau).
type ProposeCatalogueRequest struct {
	Request
	Resource string `json:"resource" pdl:"req,fmt=id"`
}

// AnswerCatalogueRequest is one unit's answer for one resource.
type AnswerCatalogueRequest struct {
	Request
	Resource string `json:"resource" pdl:"req,fmt=id"`
	Agreed   *bool  `json:"agreed" pdl:"req"`
	Reason   string `json:"reason,omitempty" pdl:"max=1024"`
}

// ResourcesRequest lists resources by source unit and/or catalogue status.
type ResourcesRequest struct {
	Page
	SourceUnit string          `json:"sourceUnit,omitempty" pdl:"fmt=id"`
	Catalogue  CatalogueStatus `json:"catalogue,omitempty"`
}

// MaxResourceIDLen leaves room for the revision suffix ":v<n>" within the 64-character
// id format, so every revision stays addressable.
const MaxResourceIDLen = 56

// Check bounds the id.
func (r *RegisterResourceRequest) Check() error {
	if len(r.ID) > MaxResourceIDLen {
		return FieldErr(CodeTooLong, "id", "56", "resource id %q is %d characters; the limit is %d (revisions are <id>:v<n>)", r.ID, len(r.ID), MaxResourceIDLen)
	}
	return nil
}
