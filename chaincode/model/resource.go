package model

import "time"

func init() {
	registerKind(KindResource, func() Record { return &Resource{} })
	registerKind(KindHistoryRevision, func() Record { return &ResourceRevision{} })
}

// Openness is the open-data class of a resource (Futian Art. 2).
type Openness string

// Openness classes. Closed (不予开放) resources never enter authorized operation.
const (
	OpenUnconditional Openness = "unconditional" // 无条件开放
	OpenConditional   Openness = "conditional"   // 有条件开放
	OpenClosed        Openness = "closed"        // 不予开放
)

// Values lists the classes.
func (Openness) Values() []string { return []string{"unconditional", "conditional", "closed"} }

// UpdateFrequency is how often a resource is refreshed (Longhua table 1).
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
// region or department, with the providing unit's consent (Luohu §5(一), Guangdong Art. 11).
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
// catalogued it is public (Guangdong Art. 11: the catalogue is disclosed).
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
// "<resource>@v<n>"), readable like the resource.
type ResourceRevision struct {
	Meta
	Resource string   `json:"resource"`
	Snapshot Resource `json:"snapshot"`
}

// Parties of a revision: the resource's.
func (r *ResourceRevision) Parties() []string { return r.Snapshot.Parties() }
