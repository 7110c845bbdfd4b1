package model

import (
	"math"
	"math/big"
	"math/bits"
	"time"
)

func init() {
	registerKind(KindPriceCap, func() Record { return &PriceCap{} })
	registerKind(KindPriceFiling, func() Record { return &PriceFiling{} })
	registerKind(KindTrade, func() Record { return &Trade{} })
	registerKind(KindRevenue, func() Record { return &Revenue{} })
}

// MaxFen bounds every money amount in a request: 10^15 fen (10 trillion yuan). Sums of a
// few such amounts stay far inside int64.
const MaxFen = 1_000_000_000_000_000

// ChargingUnit is what a fee is charged per (《龙华区…实施方案》收益分配机制: 按产品数量、服务次数、
// 服务时间、数据调用量等形式收费).
type ChargingUnit string

// Charging units.
const (
	UnitPerProduct ChargingUnit = "per_product" // 产品数量
	UnitPerCall    ChargingUnit = "per_call"    // 服务次数
	UnitPerTime    ChargingUnit = "per_time"    // 服务时间
	UnitPerVolume  ChargingUnit = "per_volume"  // 数据调用量
)

// Values lists the units.
func (ChargingUnit) Values() []string {
	return []string{"per_product", "per_call", "per_time", "per_volume"}
}

// PriceStatus is whether a cap or a filed price is the one in force for its key.
type PriceStatus string

// Price statuses: a new cap or filing for the same key supersedes the old one.
const (
	PriceActive     PriceStatus = "active"
	PriceSuperseded PriceStatus = "superseded"
)

// Values lists the statuses.
func (PriceStatus) Values() []string { return []string{"active", "superseded"} }

// PriceCap is a cap (上限收费标准) set by the bureau for a class and charging unit,
// optionally for one product (a product's own cap overrides the general one). Caps are
// public (《广东省…管理办法》第三十五条: 相关收费标准).
type PriceCap struct {
	Meta
	Class        ProductClass `json:"class"`
	Unit         ChargingUnit `json:"unit"`
	Product      string       `json:"product,omitempty" ref:"product,of"` // "" = every product of the class
	CapFen       int64        `json:"capFen"`
	UnitLabel    string       `json:"unitLabel,omitempty"` // e.g. "每千次调用"
	BasisDigest  string       `json:"basisDigest,omitempty"`
	Reason       string       `json:"reason"`
	Status       PriceStatus  `json:"status"`
	Previous     string       `json:"previous,omitempty"`
	SupersededBy string       `json:"supersededBy,omitempty"`
	Profile      string       `json:"profile"`
}

// Parties of a cap: none (public).
func (c *PriceCap) Parties() []string { return nil }

// PriceFlag marks a filed price that a later cap cut left above its cap.
type PriceFlag struct {
	Rule     Code      `json:"rule"`
	Cap      string    `json:"cap"`
	CapFen   int64     `json:"capFen"`
	PriceFen int64     `json:"priceFen"`
	At       time.Time `json:"at"`
	TxID     string    `json:"txId"`
}

// PriceFiling is an operator's filed price (定价备案) for one product, charging unit and
// scenario, with its pricing basis, scope and method of use (《罗湖区…实施方案》八, 《福田区…暂行管理办法》第二十一条).
// Filed prices are public (《广东省…管理办法》第三十五条).
type PriceFiling struct {
	Meta
	Operator     string       `json:"operator"`
	Product      string       `json:"product" ref:"product,of,provenance"`
	Class        ProductClass `json:"class"`
	Unit         ChargingUnit `json:"unit"`
	UnitLabel    string       `json:"unitLabel,omitempty"`
	PriceFen     int64        `json:"priceFen"`
	Scenario     string       `json:"scenario"`
	Scope        string       `json:"scope"`       // 使用范围
	Method       string       `json:"method"`      // 使用方式
	BasisDigest  string       `json:"basisDigest"` // SM3 of the pricing basis (定价依据)
	Cap          string       `json:"cap,omitempty"`
	CapFen       *int64       `json:"capFen,omitempty"` // the cap in force when filed
	Status       PriceStatus  `json:"status"`
	Previous     string       `json:"previous,omitempty"`
	SupersededBy string       `json:"supersededBy,omitempty"`
	Flag         *PriceFlag   `json:"flag,omitempty"`
	Signature    *Signature   `json:"signature,omitempty"`
	Profile      string       `json:"profile"`
}

// Parties of a filing: its operator.
func (f *PriceFiling) Parties() []string { return []string{f.Operator} }

// Buyer is the buyer of a trade: name and 统一社会信用代码.
type Buyer struct {
	Name string `json:"name" pdl:"req,max=128"`
	USCC string `json:"uscc" pdl:"req,max=18"`
}

// Check validates the buyer's code.
func (b *Buyer) Check() error { return checkUSCCField("uscc", b.USCC) }

// Trade is a filed transaction (交易备案) of a product: by the exchange it went through or
// by the operator. It is visible to the operator, the exchange and the source units of
// the product's resources (and the bureau and regulators).
type Trade struct {
	Meta
	Product        string       `json:"product" ref:"product,of,provenance"`
	Operator       string       `json:"operator"`
	Exchange       string       `json:"exchange,omitempty"`
	FiledBy        string       `json:"filedBy"`
	Buyer          Buyer        `json:"buyer"`
	Scenario       string       `json:"scenario"`
	Quantity       int64        `json:"quantity"`
	Unit           ChargingUnit `json:"unit"`
	AmountFen      int64        `json:"amountFen"`
	PriceFiling    string       `json:"priceFiling,omitempty"` // "" for a free public-interest product
	PriceFen       int64        `json:"priceFen"`
	ContractDigest string       `json:"contractDigest"`
	SourceUnits    []string     `json:"sourceUnits"`
	Signature      *Signature   `json:"signature,omitempty"`
	Profile        string       `json:"profile"`
}

// Parties of a trade: operator, exchange, source units.
func (t *Trade) Parties() []string {
	out := []string{t.Operator}
	if t.Exchange != "" {
		out = append(out, t.Exchange)
	}
	return append(out, t.SourceUnits...)
}

// ObligationAction is who must adjust what after an annual revenue report (Longhua
// 收益分配机制).
type ObligationAction string

// Obligation actions.
const (
	AdjustPrices ObligationAction = "adjust_prices" // 实施机构指导运营机构调整具体收费标准
	AdjustCap    ObligationAction = "adjust_cap"    // 实施机构调整上限收费标准
)

// Values lists the actions.
func (ObligationAction) Values() []string { return []string{"adjust_prices", "adjust_cap"} }

// RevenueFigures are a year's reported figures and what the ledger computed from them.
// All money is integer fen.
type RevenueFigures struct {
	RevenueFen       int64  `json:"revenueFen"`
	CostFen          int64  `json:"costFen"`
	TaxFen           int64  `json:"taxFen"`
	TreasuryYieldBP  int    `json:"treasuryYieldBp"`
	ProfitRateBP     int    `json:"profitRateBp"`     // applied allowed profit rate
	ProfitRateSource string `json:"profitRateSource"` // profile parameter, or the price authority
	AllowedProfitFen int64  `json:"allowedProfitFen"` // cost × rate / 10000, rounded half up to the fen
	MaxAllowedFen    int64  `json:"maxAllowedFen"`    // 最高准许收入 = cost + allowed profit + tax
	CarriedInFen     int64  `json:"carriedInFen"`     // previous year's overage
	AllowedFen       int64  `json:"allowedFen"`       // max − carried in, at least 0: this year's headroom
	DeviationBP      *int64 `json:"deviationBp"`      // (revenue − allowed) / allowed in bp, rounded half away from zero; nil when allowed is 0
	OverageFen       int64  `json:"overageFen"`       // revenue above allowed, carried to the next year
	BasisDigest      string `json:"basisDigest"`      // SM3 of the financial statements
}

// RevenueCorrection records one correction of a report: why, and the figures it replaced.
type RevenueCorrection struct {
	At       time.Time      `json:"at"`
	TxID     string         `json:"txId"`
	Reason   string         `json:"reason"`
	Replaced RevenueFigures `json:"replaced"`
	// ReplacedSignature is the SM2 signature that covered the replaced figures.
	ReplacedSignature *Signature `json:"replacedSignature,omitempty"`
}

// Revenue is an operator's annual revenue report against its maximum allowed revenue
// (最高准许收入; 《龙华区…实施方案》收益分配机制, 《秦皇岛市…实施方案》定价机制). One per operator and year;
// corrections make new versions of the same record.
type Revenue struct {
	Meta
	Operator string `json:"operator"`
	Year     int    `json:"year"`
	RevenueFigures
	Obligation         *Deadline           `json:"obligation,omitempty"`
	ObligationAction   ObligationAction    `json:"obligationAction,omitempty"`
	ObligationOpened   *time.Time          `json:"obligationOpened,omitempty"`
	ObligationEvidence string              `json:"obligationEvidence,omitempty"` // filing or cap that met it
	PastObligations    []Deadline          `json:"pastObligations,omitempty"`    // replaced by a correction or recomputation
	Corrections        []RevenueCorrection `json:"corrections,omitempty"`
	Signature          *Signature          `json:"signature,omitempty"`
	Profile            string              `json:"profile"`
}

// Parties of a revenue report: its operator.
func (r *Revenue) Parties() []string { return []string{r.Operator} }

// Rules of pricing, trades and revenue.
var (
	RulePricePublicInterestFree = NewRule("PRICE_PUBLIC_INTEREST_NOT_FREE", "Price_PublicInterestNotFreeRejected",
		basis(longhua("收益分配机制"), luohu("十（二）7"), qinhuangdao("三（三）3（2）"), guangdong("第二十九条")),
		"where pricing.public_interest_free, a public-interest product's cap, filed price and trade amounts must be 0")
	RulePriceAboveCap = NewRule("PRICE_ABOVE_CAP", "Price_AboveCapRejected",
		basis(longhua("收益分配机制（不高于上限收费标准）"), qinhuangdao("三（三）3（2）")),
		"a filed price may not exceed the cap in force for its class and charging unit (the product's own cap first)")
	RulePriceNoCap = NewRule("PRICE_CAP_MISSING", "Price_NoCapRejected",
		basis(longhua("收益分配机制"), qinhuangdao("三（三）3（2）")),
		"where pricing.price_cap_required, a commercial price can be filed only under a cap the bureau has set")
	RulePriceCapCut = NewRule("PRICE_ABOVE_NEW_CAP", "Price_CapCutFlagsFiling",
		basis(longhua("收益分配机制（超过10%的，由实施机构调整上限收费标准）")),
		"a cap cut below a filed price flags that filing (Price:Flagged) until the operator files a price within the cap or the cap is raised")
	RuleTradeAmountAbovePrice = NewRule("TRADE_AMOUNT_ABOVE_PRICE", "Trade_AmountAbovePriceRejected",
		basis(luohu("八"), futian("第二十一条"), longhua("收益分配机制")),
		"a trade's amount may not exceed the filed price times the quantity")
	RuleTradeNoFiledPrice = NewRule("TRADE_NO_FILED_PRICE", "Trade_WithoutFiledPriceRejected",
		basis(luohu("八（定价依据…应向实施机构进行备案）"), futian("第二十一条")),
		"a commercial product is traded only under an active price filed for its charging unit and scenario")
	RuleTradeOffExchange = NewRule("TRADE_OFF_EXCHANGE", "Trade_OffExchangeRejected",
		basis(qinhuangdao("三（一）2（应在数据交易机构开展交易）"), guangdong("第二十八条")),
		"a trade through an exchange needs the product listed there; where product.exchange_trading_required, every trade goes through one")
	RuleTradeSourceUnitFree = NewRule("TRADE_SOURCE_UNIT_CHARGED", "Trade_SourceUnitChargedRejected",
		basis(luohu("八（数源单位有权无偿使用）")),
		"where pricing.source_unit_free_use, a source unit of the product's resources buys it for 0")
	RuleRevenueDuplicateYear = NewRule("REVENUE_YEAR_REPORTED", "Revenue_SecondReportForYearRejected",
		basis(longhua("收益分配机制（当年实际收入）")),
		"an operator files one revenue report per year; a change is an explicit correction of that report")
	RuleRevenueProfitRate = NewRule("REVENUE_PROFIT_RATE", "Revenue_ProfitRateFromProfileOrPriceAuthority",
		basis(qinhuangdao("三（三）3（2）（10年期国债平均收益率加6个百分点）"), longhua("收益分配机制")),
		"the allowed profit rate is the treasury yield plus pricing.allowed_profit_spread_bp; where the profile sets no spread the report states the rate set by the price authority")
	RuleRevenueDeviation = NewRule("REVENUE_DEVIATION_OBLIGATION", "Revenue_DeviationOpensObligation",
		basis(longhua("收益分配机制（偏离最高准许收入10%及以下…超过10%的…）")),
		"a revenue deviation within pricing.revenue_deviation_bp obliges the operator to adjust its prices; beyond it the bureau must adjust the cap")
	RuleRevenueOverage = NewRule("REVENUE_OVERAGE_CARRIED", "Revenue_OverageCarriedToNextYear",
		basis(longhua("收益分配机制（对运营机构的最高准许收入…进行监督）"), qinhuangdao("三（三）3（2）"), "no document states the carry-over: ledger design"),
		"revenue above the allowed revenue is carried into the next year's report and reduces that year's allowed revenue")
	RuleRevenueEvidence = NewRule("REVENUE_OBLIGATION_EVIDENCE", "Revenue_FulfilmentNeedsNewFilingOrCap",
		basis(longhua("收益分配机制")),
		"an adjustment obligation is met only by its party, with a price filing (operator) or cap (bureau) made after it opened")
)

// SetCapRequest sets the cap for a class and charging unit, optionally for one product
// (bureau). It supersedes the cap in force for the same key.
type SetCapRequest struct {
	Request
	Class       ProductClass `json:"class" pdl:"req"`
	Unit        ChargingUnit `json:"unit" pdl:"req"`
	Product     string       `json:"product,omitempty" pdl:"fmt=id"`
	CapFen      *int64       `json:"capFen" pdl:"req,ge=0,le=1000000000000000"`
	UnitLabel   string       `json:"unitLabel,omitempty" pdl:"max=64"`
	BasisDigest string       `json:"basisDigest,omitempty" pdl:"fmt=digest"`
	Reason      string       `json:"reason" pdl:"req,max=1024"`
}

// FilePriceRequest files a price (operator). It supersedes the price in force for the
// same product, unit and scenario.
type FilePriceRequest struct {
	Request
	Product     string       `json:"product" pdl:"req,fmt=id"`
	Unit        ChargingUnit `json:"unit" pdl:"req"`
	UnitLabel   string       `json:"unitLabel,omitempty" pdl:"max=64"`
	PriceFen    *int64       `json:"priceFen" pdl:"req,ge=0,le=1000000000000000"`
	Scenario    string       `json:"scenario" pdl:"req,max=128"`
	Scope       string       `json:"scope" pdl:"req,max=512"`
	Method      string       `json:"method" pdl:"req,max=256"`
	BasisDigest string       `json:"basisDigest" pdl:"req,fmt=digest"`
}

// FileTradeRequest files a trade (exchange or operator).
type FileTradeRequest struct {
	Request
	Product        string       `json:"product" pdl:"req,fmt=id"`
	Buyer          Buyer        `json:"buyer"`
	Scenario       string       `json:"scenario" pdl:"req,max=128"`
	Quantity       int64        `json:"quantity" pdl:"req,ge=1,le=1000000000000"`
	Unit           ChargingUnit `json:"unit" pdl:"req"`
	AmountFen      *int64       `json:"amountFen" pdl:"req,ge=0,le=1000000000000000"`
	ContractDigest string       `json:"contractDigest" pdl:"req,fmt=digest"`
	Exchange       string       `json:"exchange,omitempty" pdl:"fmt=id"` // when the operator files a trade made on an exchange
}

// ProductTradesRequest asks for one page of a product's trades.
type ProductTradesRequest struct {
	Product string `json:"product" pdl:"req,fmt=id"`
	Page
}

// RevenueInput are the figures an operator reports for a year.
type RevenueInput struct {
	RevenueFen      *int64 `json:"revenueFen" pdl:"req,ge=0,le=1000000000000000"`
	CostFen         *int64 `json:"costFen" pdl:"req,ge=0,le=1000000000000000"`
	TaxFen          *int64 `json:"taxFen" pdl:"req,ge=0,le=1000000000000000"`
	TreasuryYieldBP *int   `json:"treasuryYieldBp" pdl:"req,ge=0,le=2000"`
	// AllowedProfitRateBP is the rate set by the price authority; required where the
	// profile sets no pricing.allowed_profit_spread_bp, and must agree with it otherwise.
	AllowedProfitRateBP *int   `json:"allowedProfitRateBp,omitempty" pdl:"ge=0,le=10000"`
	BasisDigest         string `json:"basisDigest" pdl:"req,fmt=digest"`
}

// ReportRevenueRequest files an operator's annual revenue report. Its id is the report's.
type ReportRevenueRequest struct {
	Request
	Year int `json:"year" pdl:"req,ge=2000,le=2200"`
	RevenueInput
}

// CorrectRevenueRequest corrects a report: a new version of the same record.
type CorrectRevenueRequest struct {
	Request
	Report string `json:"report" pdl:"req,fmt=id"`
	RevenueInput
	Reason string `json:"reason" pdl:"req,max=1024"`
}

// FulfilObligationRequest records that a revenue report's obligation was met, with the
// price filing (operator) or cap (bureau) that met it.
type FulfilObligationRequest struct {
	Request
	Report   string `json:"report" pdl:"req,fmt=id"`
	Evidence string `json:"evidence" pdl:"req,fmt=id"`
	Note     string `json:"note,omitempty" pdl:"max=1024"`
}

// ObligationsRequest lists open revenue obligations, optionally of one party.
type ObligationsRequest struct {
	Party string `json:"party,omitempty" pdl:"fmt=id"`
}

// RevenueObligation is one open obligation, as Revenue:Obligations lists it.
type RevenueObligation struct {
	Report      string           `json:"report"`
	Operator    string           `json:"operator"`
	Year        int              `json:"year"`
	Action      ObligationAction `json:"action"`
	DeviationBP *int64           `json:"deviationBp"`
	Deadline    Deadline         `json:"deadline"`
	Overdue     bool             `json:"overdue"`
}

// FeesRequest asks for the disclosed fees, optionally of one product.
type FeesRequest struct {
	Product string `json:"product,omitempty" pdl:"fmt=id"`
}

// PublicPrice is a filed price as disclosed, with its product's name and status.
type PublicPrice struct {
	*PriceFiling
	ProductName   string        `json:"productName"`
	ProductStatus ProductStatus `json:"productStatus"`
}

// FeesDisclosure answers Disclosure:Fees: the caps and filed prices in force.
type FeesDisclosure struct {
	Caps   []*PriceCap   `json:"caps"`
	Prices []PublicPrice `json:"prices"`
}

// ---- revenue arithmetic (integer fen and basis points; shared with clients) ----

// AllowedProfit is cost × rateBP / 10000 fen, rounded half up to the fen (四舍五入).
func AllowedProfit(costFen int64, rateBP int) int64 {
	p := new(big.Int).Mul(big.NewInt(costFen), big.NewInt(int64(rateBP)))
	p.Add(p, big.NewInt(5000))
	p.Quo(p, big.NewInt(10000))
	if !p.IsInt64() {
		return math.MaxInt64
	}
	return p.Int64()
}

// DeviationBP is (revenue − allowed) / allowed in basis points, rounded half away from
// zero; ok is false when allowed is 0 (the deviation is undefined).
func DeviationBP(revenueFen, allowedFen int64) (bp int64, ok bool) {
	if allowedFen <= 0 {
		return 0, false
	}
	num := new(big.Int).Sub(big.NewInt(revenueFen), big.NewInt(allowedFen))
	num.Mul(num, big.NewInt(10000))
	neg := num.Sign() < 0
	num.Abs(num)
	den := big.NewInt(allowedFen)
	// round half away from zero: (2|n| + d) / 2d
	num.Mul(num, big.NewInt(2)).Add(num, den)
	num.Quo(num, new(big.Int).Mul(den, big.NewInt(2)))
	if neg {
		num.Neg(num)
	}
	if !num.IsInt64() {
		return math.MaxInt64, true
	}
	return num.Int64(), true
}

// WithinDeviation reports exactly (no rounding) whether |revenue − allowed| ≤ allowed ×
// thresholdBP / 10000. With allowed 0 only revenue 0 is within.
func WithinDeviation(revenueFen, allowedFen int64, thresholdBP int) bool {
	diff := new(big.Int).Sub(big.NewInt(revenueFen), big.NewInt(allowedFen))
	diff.Abs(diff).Mul(diff, big.NewInt(10000))
	lim := new(big.Int).Mul(big.NewInt(allowedFen), big.NewInt(int64(thresholdBP)))
	return diff.Cmp(lim) <= 0
}

// ComputeRevenue fills the computed figures: allowed profit, maximum allowed revenue,
// this year's allowed revenue after the carried-in overage, deviation and overage.
func ComputeRevenue(f *RevenueFigures) {
	f.AllowedProfitFen = AllowedProfit(f.CostFen, f.ProfitRateBP)
	f.MaxAllowedFen = satAdd(satAdd(f.CostFen, f.AllowedProfitFen), f.TaxFen)
	f.AllowedFen = f.MaxAllowedFen - f.CarriedInFen
	if f.AllowedFen < 0 {
		f.AllowedFen = 0
	}
	f.DeviationBP = nil
	if bp, ok := DeviationBP(f.RevenueFen, f.AllowedFen); ok {
		f.DeviationBP = &bp
	}
	f.OverageFen = 0
	if f.RevenueFen > f.AllowedFen {
		f.OverageFen = f.RevenueFen - f.AllowedFen
	}
}

// ClassifyDeviation decides the obligation a report opens: none when revenue equals the
// allowed revenue, the operator's price adjustment within the threshold, the bureau's
// cap adjustment beyond it.
func ClassifyDeviation(f *RevenueFigures, thresholdBP int) ObligationAction {
	if f.RevenueFen == f.AllowedFen {
		return ""
	}
	if WithinDeviation(f.RevenueFen, f.AllowedFen, thresholdBP) {
		return AdjustPrices
	}
	return AdjustCap
}

// PriceLimit is priceFen × quantity, or math.MaxInt64 when the product overflows (then
// every int64 amount is within it).
func PriceLimit(priceFen, quantity int64) int64 {
	if priceFen <= 0 || quantity <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(priceFen), uint64(quantity))
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(lo)
}

func satAdd(a, b int64) int64 {
	if a > 0 && b > math.MaxInt64-a {
		return math.MaxInt64
	}
	return a + b
}
