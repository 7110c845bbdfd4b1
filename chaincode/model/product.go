package model

import "time"

func init() {
	registerKind(KindProduct, func() Record { return &Product{} })
}

// ProductForm is what a public data product is (《福田区…暂行管理办法》第三条（二）).
type ProductForm string

// Product forms.
const (
	FormDataset     ProductForm = "dataset"     // 数据集
	FormAPI         ProductForm = "api"         // 数据接口
	FormIndicator   ProductForm = "indicator"   // 数据指标
	FormReport      ProductForm = "report"      // 数据报告
	FormModel       ProductForm = "model"       // 数据模型算法
	FormApplication ProductForm = "application" // 数据应用
)

// Values lists the forms.
func (ProductForm) Values() []string {
	return []string{"dataset", "api", "indicator", "report", "model", "application"}
}

// ProductClass is what a product is for, which decides whether it may be charged for
// (《龙华区…实施方案》收益分配机制, 《秦皇岛市…实施方案》定价机制, 《广东省…管理办法》第二十九条).
type ProductClass string

// Product classes.
const (
	ClassPublicInterest ProductClass = "public_interest" // 公共治理、公益事业: free
	ClassIndustry       ProductClass = "industry"        // 产业发展、行业发展: may charge
)

// Values lists the classes.
func (ProductClass) Values() []string { return []string{"public_interest", "industry"} }

// ProductStatus is where a product stands. submitted → (bureau review) approved |
// rejected; approved → (operator) registered → (exchange) listed; approved, registered
// and listed products may be suspended (and resumed) or revoked by the bureau.
type ProductStatus string

// Product statuses.
const (
	ProductSubmitted  ProductStatus = "submitted"
	ProductApproved   ProductStatus = "approved"
	ProductRejected   ProductStatus = "rejected"
	ProductRegistered ProductStatus = "registered"
	ProductListed     ProductStatus = "listed"
	ProductSuspended  ProductStatus = "suspended"
	ProductRevoked    ProductStatus = "revoked"
)

// Values lists the statuses.
func (ProductStatus) Values() []string {
	return []string{"submitted", "approved", "rejected", "registered", "listed", "suspended", "revoked"}
}

// ReviewCheck is one point of the bureau's compliance review, stated explicitly:
// passed must be given (true or false), never left to a default.
type ReviewCheck struct {
	Passed *bool  `json:"passed" pdl:"req"`
	Note   string `json:"note,omitempty" pdl:"max=1024"`
}

// OK reports whether the check passed.
func (c ReviewCheck) OK() bool { return c.Passed != nil && *c.Passed }

// CrossBorderCheck is 《广东省…管理办法》第二十六条（五）: whether the product involves data leaving
// the country (数据出境), and whether that aspect is compliant (no export, or an export
// that passed its security assessment, named in the note).
type CrossBorderCheck struct {
	Involved *bool  `json:"involved" pdl:"req"`
	Passed   *bool  `json:"passed" pdl:"req"`
	Note     string `json:"note,omitempty" pdl:"max=1024"`
}

// OK reports whether the check passed.
func (c CrossBorderCheck) OK() bool { return c.Passed != nil && *c.Passed }

// Check requires a note (the assessment it relies on) when data leaves the country.
func (c *CrossBorderCheck) Check() error {
	if c.Involved != nil && *c.Involved && c.Note == "" {
		return FieldErr(CodeMissingField, "note", "", "field %q is required when the product involves data leaving the country (数据出境): name the security assessment", "note")
	}
	return nil
}

// ProductChecks are the six review points of 《广东省…管理办法》第二十六条, one by one.
type ProductChecks struct {
	PurposeScopeMatch      ReviewCheck      `json:"purposeScopeMatch"`      // (一) 符合数据的申请用途和使用范围
	SourcesStatedLawful    ReviewCheck      `json:"sourcesStatedLawful"`    // (二) 注明使用的数据来源及其合规性
	NoRawSensitiveExposure ReviewCheck      `json:"noRawSensitiveExposure"` // (三) 无未经同意的原始数据、敏感数据直接暴露
	NoLeakRisk             ReviewCheck      `json:"noLeakRisk"`             // (四) 无个人信息和商业秘密泄露、滥用风险
	CrossBorder            CrossBorderCheck `json:"crossBorder"`            // (五) 是否涉及数据出境
	OtherRisks             ReviewCheck      `json:"otherRisks"`             // (六) 无其他危害数据安全和运营合规的风险
}

// Failed lists the checks that did not pass, in article order.
func (c ProductChecks) Failed() []string {
	var out []string
	for _, x := range []struct {
		name string
		ok   bool
	}{
		{"purposeScopeMatch", c.PurposeScopeMatch.OK()},
		{"sourcesStatedLawful", c.SourcesStatedLawful.OK()},
		{"noRawSensitiveExposure", c.NoRawSensitiveExposure.OK()},
		{"noLeakRisk", c.NoLeakRisk.OK()},
		{"crossBorder", c.CrossBorder.OK()},
		{"otherRisks", c.OtherRisks.OK()},
	} {
		if !x.ok {
			out = append(out, x.name)
		}
	}
	return out
}

// ProductReview is the bureau's compliance review (评估审核) of a product.
type ProductReview struct {
	Checks       ProductChecks `json:"checks"`
	Decision     Decision      `json:"decision"`
	Reason       string        `json:"reason,omitempty"`
	ReportDigest string        `json:"reportDigest,omitempty"` // SM3 of the review report
	Reviewer     string        `json:"reviewer"`
	At           time.Time     `json:"at"`
	TxID         string        `json:"txId"`
}

// ProductSource is one grant a product is made from and the resources it uses under it:
// the product → grant → resource link of the provenance trail (《广东省…管理办法》第二十七条).
type ProductSource struct {
	Grant         string   `json:"grantId"`
	Authorization string   `json:"authorizationId"`
	Scenario      string   `json:"scenario"`
	Resources     []string `json:"resourceIds"`
}

// Listing is a product's listing on a data exchange (《福田区…暂行管理办法》第二十二条, 《广东省…管理办法》第二十八条).
type Listing struct {
	Exchange   string    `json:"exchange"`
	ListingRef string    `json:"listingRef,omitempty"` // the exchange's own code for the listing
	At         time.Time `json:"at"`
	TxID       string    `json:"txId"`
}

// StatusChange records a suspension, resumption or revocation by the bureau.
type StatusChange struct {
	From   ProductStatus `json:"from"`
	To     ProductStatus `json:"to"`
	Reason string        `json:"reason"`
	By     string        `json:"by"`
	At     time.Time     `json:"at"`
	TxID   string        `json:"txId"`
}

// Product is a public data product or service (公共数据产品和服务登记; 《福田区…暂行管理办法》第三条、第二十一条;
// 《广东省…管理办法》第二十五条至第二十八条). It is private to its operator, the source units of its
// resources and the exchanges that list it until it is registered; from then on it is
// public (《广东省…管理办法》第二十五条: 向社会公开; 第三十五条: 产品和服务清单).
type Product struct {
	Meta
	Operator          string          `json:"operator"`
	Name              string          `json:"name"`
	Summary           string          `json:"summary,omitempty"`
	Form              ProductForm     `json:"form"`
	Class             ProductClass    `json:"class"`
	Scenarios         []string        `json:"scenarios"`
	Grants            []string        `json:"grantIds" ref:"grant,made_under,provenance"`
	Authorizations    []string        `json:"authorizationIds" ref:"authorization,under"`
	Resources         []string        `json:"resourceIds" ref:"resource,uses,provenance"`
	Sources           []ProductSource `json:"sources"`
	SourceUnits       []string        `json:"sourceUnits"`
	DerivedFrom       []string        `json:"derivedFrom,omitempty" ref:"product,derived_from,provenance"`
	DescriptionDigest string          `json:"descriptionDigest,omitempty"`
	Status            ProductStatus   `json:"status"`
	SubmittedAt       time.Time       `json:"submittedAt"`
	ReviewDeadline    *Deadline       `json:"reviewDeadline,omitempty"` // nil: the profile sets no review deadline
	Review            *ProductReview  `json:"review,omitempty"`
	RegistrationNo    string          `json:"registrationNo,omitempty"`
	RegisteredAt      *time.Time      `json:"registeredAt,omitempty"`
	Listings          []Listing       `json:"listings,omitempty"`
	SuspendedFrom     ProductStatus   `json:"suspendedFrom,omitempty"` // status a resumption returns to
	StatusChanges     []StatusChange  `json:"statusChanges,omitempty"`
	Signature         *Signature      `json:"signature,omitempty"`             // the operator's SM2 signature of the submission, if given
	RegistrationSig   *Signature      `json:"registrationSignature,omitempty"` // the operator's SM2 signature of the registration
	Profile           string          `json:"profile"`
}

// Parties of a product: its operator, the source units of its resources, and the
// exchanges that list it.
func (p *Product) Parties() []string {
	out := append([]string{p.Operator}, p.SourceUnits...)
	for _, l := range p.Listings {
		out = append(out, l.Exchange)
	}
	return out
}

// InForce reports whether the product may be traded: registered (or listed) and neither
// suspended nor revoked.
func (p *Product) InForce() bool { return p.Status == ProductRegistered || p.Status == ProductListed }

// HasScenario reports whether the product was approved for a scenario.
func (p *Product) HasScenario(s string) bool {
	for _, x := range p.Scenarios {
		if x == s {
			return true
		}
	}
	return false
}

// ListedOn reports whether an exchange lists the product.
func (p *Product) ListedOn(exchange string) bool {
	for _, l := range p.Listings {
		if l.Exchange == exchange {
			return true
		}
	}
	return false
}

// Rules of products.
var (
	RuleProductGrantNotUsable = NewRule("PRODUCT_GRANT_NOT_USABLE", "Product_GrantNotActiveRejected",
		basis(guangdong("第二十四条", "第二十五条"), futian("第十八条")),
		"a product is made only from active grants of the submitting operator, within their validity period")
	RuleProductResourceNotGranted = NewRule("PRODUCT_RESOURCE_NOT_GRANTED", "Product_ResourceOutsideGrantRejected",
		basis(guangdong("第二十五条（不得超授权范围使用）", "第二十七条（与已登记的公共数据资源信息进行关联记载）")),
		"every resource a product names must be a registered resource covered by one of the product's grants, and every grant it names must contribute one of those resources")
	RuleProductScenarioNotGranted = NewRule("PRODUCT_SCENARIO_NOT_GRANTED", "Product_ScenarioOutsideGrantRejected",
		basis(guangdong("第二十四条（一场景一清单一审定）", "第二十六条（一）"), futian("第二十一条")),
		"every scenario a product is submitted for must be the scenario of one of its grants")
	RuleProductReviewChecks = NewRule("PRODUCT_REVIEW_CHECK_FAILED", "Product_ApprovalNeedsAllSixChecks",
		basis(guangdong("第二十六条（一）至（六）")),
		"the bureau's review records the six checks of 《广东省…管理办法》第二十六条 one by one; a product is approved only if all six passed")
	RuleProductRedevelopment = NewRule("PRODUCT_OPERATOR_REDEVELOPMENT", "Product_OperatorRedevelopmentRejected",
		basis(qinhuangdao("三（一）2"), guangdong("第二十五条")),
		"where product.operator_redevelopment_banned, an operator cannot submit a product derived from a product it delivered itself")
	RuleProductNotApproved = NewRule("PRODUCT_NOT_APPROVED", "Product_RegistrationBeforeApprovalRejected",
		basis(guangdong("第二十七条（对于评估审核通过的…进行登记）"), futian("第二十二条")),
		"only a product the bureau approved can be registered, and only by its operator")
	RuleProductNotRegistered = NewRule("PRODUCT_NOT_REGISTERED", "Product_ListingBeforeRegistrationRejected",
		basis(futian("第二十一条", "第二十二条"), guangdong("第二十七条", "第二十八条")),
		"a product cannot be listed on an exchange or have a price filed before it is registered")
	RuleProductNotInForce = NewRule("PRODUCT_NOT_IN_FORCE", "Trade_ProductNotInForceRejected",
		basis(guangdong("第二十八条"), futian("第二十二条")),
		"a product is listed or traded only while registered (or listed) and neither suspended nor revoked")
	RuleProductScenarioNotApproved = NewRule("PRODUCT_SCENARIO_NOT_APPROVED", "Trade_UnapprovedScenarioRejected",
		basis(futian("第二十一条（不得用于或变相用于未经审核的应用场景）"), guangdong("第二十六条（一）")),
		"a product is priced and traded only for a scenario it was approved for")
)

// SubmitProductRequest submits a product for the bureau's review (operator). Its id is
// the product's id.
type SubmitProductRequest struct {
	Request
	Name              string       `json:"name" pdl:"req,max=128"`
	Summary           string       `json:"summary,omitempty" pdl:"max=2048"`
	Form              ProductForm  `json:"form" pdl:"req"`
	Class             ProductClass `json:"class" pdl:"req"`
	Scenarios         []string     `json:"scenarios" pdl:"req,n=20,max=128,uniq"`
	Grants            []string     `json:"grantIds" pdl:"req,n=20,fmt=id,uniq"`
	Resources         []string     `json:"resourceIds" pdl:"req,n=100,fmt=id,uniq"`
	DerivedFrom       []string     `json:"derivedFrom,omitempty" pdl:"n=20,fmt=id,uniq"`
	DescriptionDigest string       `json:"descriptionDigest,omitempty" pdl:"fmt=digest"`
}

// ReviewProductRequest records the bureau's compliance review of a submitted product.
type ReviewProductRequest struct {
	Request
	Product      string        `json:"product" pdl:"req,fmt=id"`
	Checks       ProductChecks `json:"checks"`
	Decision     Decision      `json:"decision" pdl:"req"`
	Reason       string        `json:"reason,omitempty" pdl:"max=1024"`
	ReportDigest string        `json:"reportDigest,omitempty" pdl:"fmt=digest"`
}

// Check requires a reason for a refusal.
func (r *ReviewProductRequest) Check() error {
	if r.Decision == Refused && r.Reason == "" {
		return FieldErr(CodeMissingField, "reason", "", "field %q is required when the product is refused", "reason")
	}
	return nil
}

// RegisterProductRequest registers an approved product (its operator). The ledger assigns
// the registration number.
type RegisterProductRequest struct {
	Request
	Product string `json:"product" pdl:"req,fmt=id"`
}

// ListProductRequest records a product's listing on the calling exchange.
type ListProductRequest struct {
	Request
	Product    string `json:"product" pdl:"req,fmt=id"`
	ListingRef string `json:"listingRef,omitempty" pdl:"max=64"`
}

// ProductStatusRequest suspends, resumes or revokes a product (bureau).
type ProductStatusRequest struct {
	Request
	Product string `json:"product" pdl:"req,fmt=id"`
	Reason  string `json:"reason" pdl:"req,max=1024"`
}

// ProductsByResourceRequest asks which products are made from a resource.
type ProductsByResourceRequest struct {
	Resource string `json:"resource" pdl:"req,fmt=id"`
}

// ProductsByGrantRequest asks which products are made under a grant.
type ProductsByGrantRequest struct {
	Grant string `json:"grant" pdl:"req,fmt=id"`
}

// ProductProvenance answers Product:Provenance: the product, what it is made from, and
// the products derived from it that the caller may see.
type ProductProvenance struct {
	Product     *Product        `json:"product"`
	Sources     []ProductSource `json:"sources"`
	DerivedFrom []string        `json:"derivedFrom"`
	Derivatives []string        `json:"derivatives"`
}

// PageRequest asks for one page of a list query ({} = the first page).
type PageRequest struct {
	Page
}

// DisclosureRequest pages a public list. Bookmark is the last id of the previous page.
type DisclosureRequest struct {
	Page
	// IncludeInactive adds suspended and revoked products (Disclosure:Products) or
	// suspended authorizations (Disclosure:Authorizations).
	IncludeInactive bool `json:"includeInactive,omitempty"`
}

// PublicProduct is a product as disclosed to the public (《广东省…管理办法》第三十五条 产品和服务清单).
type PublicProduct struct {
	ID             string        `json:"id"`
	Name           string        `json:"name"`
	Summary        string        `json:"summary,omitempty"`
	Operator       string        `json:"operator"`
	OperatorName   string        `json:"operatorName"`
	Form           ProductForm   `json:"form"`
	Class          ProductClass  `json:"class"`
	Scenarios      []string      `json:"scenarios"`
	Status         ProductStatus `json:"status"`
	RegistrationNo string        `json:"registrationNo"`
	RegisteredAt   *time.Time    `json:"registeredAt,omitempty"`
	Exchanges      []string      `json:"exchanges,omitempty"`
}

// PublicAuthorization is an authorization as disclosed to the public: object, scope and
// term (《广东省…管理办法》第二十三条、第三十五条).
type PublicAuthorization struct {
	ID           string     `json:"id"`
	Operator     string     `json:"operator"`
	OperatorName string     `json:"operatorName"`
	Mode         AuthMode   `json:"mode"`
	Scenarios    []string   `json:"scenarios,omitempty"`
	ResourceIDs  []string   `json:"resourceIds"`
	TermStart    string     `json:"termStart,omitempty"`
	TermEnd      string     `json:"termEnd,omitempty"`
	Status       AuthStatus `json:"status"`
}
