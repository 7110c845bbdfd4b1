package contracts

import (
	"fmt"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// RevenueContract holds the operators' annual revenue reports against their maximum
// allowed revenue (最高准许收入 = 经营成本 + 准许利润 + 税金; 《龙华区…实施方案》收益分配机制,
// 《秦皇岛市…实施方案》定价机制) and the adjustment obligations they open.
//
// Arithmetic: integer fen and basis points throughout. Allowed profit = cost × rate /
// 10000, rounded half up to the fen (四舍五入). This year's allowed revenue = maximum
// allowed revenue − the overage carried in from the previous year's report (at least 0).
// Deviation = (revenue − allowed) / allowed; the threshold test is exact (no rounding);
// the stored deviation in bp is rounded half away from zero, for display.
//
// Obligation (where pricing.revenue_deviation_bp is set): 0 < |deviation| ≤ threshold →
// the operator adjusts its prices; > threshold (or any revenue over an allowed revenue of
// 0) → the bureau adjusts the cap; no deviation → none. Due date: the end of the day
// pricing.price_review_interval_months after the report (Longhua: 每年…指导其合理调整收费
// 标准, so before the next annual review), rolled to a working day; where the profile
// sets no interval, the end of the year after the reported year (the next annual
// measurement of 当年实际收入), and never before the end of the filing year.
type RevenueContract struct {
	base
}

func init() { register("Revenue", &RevenueContract{}) }

const (
	ixRevenueYear = "revenue-year"            // operator, year (4 digits), report
	ixRevenueOpen = "revenue-obligation-open" // party, report: obligations not met
)

func yearKey(y int) string { return fmt.Sprintf("%04d", y) }

// reportFor is an operator's report for a year, or nil.
func reportFor(tx *Tx, operator string, year int) (*model.Revenue, error) {
	ids, err := tx.ScanIDs(ixRevenueYear, operator, yearKey(year))
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var r model.Revenue
	if err := tx.Get(model.KindRevenue, ids[0], &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// profitRate is the allowed profit rate: the treasury yield plus the profile's spread,
// or, where the profile sets none, the rate the report states (set by the price
// authority).
func profitRate(prof *profileView, in *model.RevenueInput) (int, string, error) {
	yield := *in.TreasuryYieldBP
	if spread, ok := prof.P.Pricing.AllowedProfitSpreadBP.Get(); ok {
		rate := yield + spread
		if in.AllowedProfitRateBP != nil && *in.AllowedProfitRateBP != rate {
			return 0, "", model.RuleRevenueProfitRate.ViolationField("allowedProfitRateBp", fmt.Sprintf("%d (or omitted)", rate),
				"under %s the allowed profit rate is the treasury yield %d bp + pricing.allowed_profit_spread_bp %d bp = %d bp; the report states %d bp",
				prof.Ref(), yield, spread, rate, *in.AllowedProfitRateBP)
		}
		return rate, fmt.Sprintf("treasuryYieldBp %d + pricing.allowed_profit_spread_bp %d (%s)", yield, spread, prof.Ref()), nil
	}
	if in.AllowedProfitRateBP == nil {
		return 0, "", model.RuleRevenueProfitRate.ViolationField("allowedProfitRateBp", "required: no pricing.allowed_profit_spread_bp in "+prof.Ref(),
			"%s sets no allowed profit spread; state the allowed profit rate set by the price authority (allowedProfitRateBp)", prof.Ref())
	}
	return *in.AllowedProfitRateBP, "stated by the price authority (no pricing.allowed_profit_spread_bp in " + prof.Ref() + ")", nil
}

func figuresOf(in *model.RevenueInput, rate int, source string, carriedIn int64) model.RevenueFigures {
	return model.RevenueFigures{
		RevenueFen: *in.RevenueFen, CostFen: *in.CostFen, TaxFen: *in.TaxFen, TreasuryYieldBP: *in.TreasuryYieldBP,
		ProfitRateBP: rate, ProfitRateSource: source, CarriedInFen: carriedIn, BasisDigest: in.BasisDigest,
	}
}

// obligationDeadline is when an adjustment obligation opened now is due (see the
// contract's documentation).
func obligationDeadline(tx *Tx, prof *profileView, what, party string, year int) *model.Deadline {
	if n, ok := prof.P.Pricing.PriceReviewIntervalMonths.Get(); ok {
		days := policy.DaysBetween(tx.Now, policy.AddMonths(tx.Now, n))
		if d, err := prof.Cal.DaysDeadline(tx.Now, days); err == nil {
			return &model.Deadline{What: what, Party: party, Due: d.Due.UTC(), Covered: d.Covered,
				Rule: fmt.Sprintf("pricing.price_review_interval_months=%d months (%s)", n, prof.Ref())}
		}
	}
	y := year + 1
	if now := tx.Now.In(model.CST).Year(); now > y {
		y = now
	}
	due := policy.EndOfMonth(y, time.December)
	return &model.Deadline{What: what, Party: party, Due: due.UTC(), Covered: prof.Cal.CoveredRange(tx.Now, due),
		Rule: fmt.Sprintf("no pricing.price_review_interval_months in %s: by the end of %d, before the next annual revenue is measured", prof.Ref(), y)}
}

// evaluate computes a report's figures and sets its obligation. An obligation whose
// action does not change is kept (met or not); otherwise it is retired (waived with
// why, if still open) and the new one opens now.
func evaluate(tx *Tx, prof *profileView, r *model.Revenue, bureau, why string) error {
	model.ComputeRevenue(&r.RevenueFigures)
	var action model.ObligationAction
	threshold, hasThreshold := prof.P.Pricing.RevenueDeviationBP.Get()
	if hasThreshold {
		action = model.ClassifyDeviation(&r.RevenueFigures, threshold)
	}
	if action == r.ObligationAction {
		return nil
	}
	if old := r.Obligation; old != nil {
		if old.Open() {
			old.Waived = why
			if err := tx.Unindex(ixRevenueOpen, old.Party, r.ID); err != nil {
				return err
			}
		}
		r.PastObligations = append(r.PastObligations, *old)
	}
	r.Obligation, r.ObligationAction, r.ObligationOpened, r.ObligationEvidence = nil, "", nil, ""
	if action == "" {
		return nil
	}
	// The obligation is public (who must adjust what, by when); the deviation itself is a
	// commercial figure, so the text names only the threshold it was judged against.
	party, what := r.Operator, fmt.Sprintf("adjust prices within the cap (调整具体收费标准): revenue deviates from the allowed revenue within %d bp", threshold)
	if action == model.AdjustCap {
		party, what = bureau, fmt.Sprintf("adjust the price cap (调整上限收费标准): revenue deviates from the allowed revenue beyond %d bp", threshold)
	}
	now := tx.Now
	r.Obligation = obligationDeadline(tx, prof, what, party, r.Year)
	r.ObligationAction, r.ObligationOpened = action, &now
	return tx.Index(ixRevenueOpen, party, r.ID)
}

// cascade carries a report's overage into the following years' reports already filed
// (after a late filing or a correction), recomputing each while its carried-in amount
// changes.
func cascade(tx *Tx, prof *profileView, prev *model.Revenue, bureau string) error {
	for {
		next, err := reportFor(tx, prev.Operator, prev.Year+1)
		if err != nil || next == nil || next.CarriedInFen == prev.OverageFen {
			return err
		}
		next.CarriedInFen = prev.OverageFen
		if err := evaluate(tx, prof, next, bureau, fmt.Sprintf("recomputed: the %d report changed (tx %s)", prev.Year, tx.TxID)); err != nil {
			return err
		}
		if err := tx.Update(next, "recomputed"); err != nil {
			return err
		}
		prev = next
	}
}

// Report files an operator's annual revenue report: one per year, for a year that has
// ended. The previous year's overage is carried in; the deviation from the allowed
// revenue opens the adjustment obligation.
func (c *RevenueContract) Report(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Revenue:Report", request, func(tx *Tx, req *model.ReportRevenueRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		op := caller.PID()
		if now := tx.Now.In(model.CST).Year(); req.Year >= now {
			return nil, model.FieldErr(model.CodeOutOfRange, "year", fmt.Sprintf("<= %d", now-1), "year %d has not ended; the annual report covers a past year", req.Year)
		}
		if prev, err := reportFor(tx, op, req.Year); err != nil {
			return nil, err
		} else if prev != nil {
			return nil, model.RuleRevenueDuplicateYear.ViolationField("year", "one report per year",
				"%s reported %d already (%s); correct that report with Revenue:Correct", op, req.Year, prev.ID)
		}
		if err := tx.VerifySignature(req, sigProfile, op); err != nil {
			return nil, err
		}
		rate, source, err := profitRate(prof, &req.RevenueInput)
		if err != nil {
			return nil, err
		}
		var carried int64
		if last, err := reportFor(tx, op, req.Year-1); err != nil {
			return nil, err
		} else if last != nil {
			carried = last.OverageFen
		}
		bureau, err := bureauID(tx)
		if err != nil {
			return nil, err
		}
		r := &model.Revenue{
			Meta:     model.Meta{ID: req.ID, Kind: model.KindRevenue},
			Operator: op, Year: req.Year, RevenueFigures: figuresOf(&req.RevenueInput, rate, source, carried),
			Signature: req.Signature, Profile: prof.Ref(),
		}
		if err := evaluate(tx, prof, r, bureau, ""); err != nil {
			return nil, err
		}
		if err := tx.Create(r, "reported"); err != nil {
			return nil, err
		}
		if err := tx.Index(ixRevenueYear, op, yearKey(r.Year), r.ID); err != nil {
			return nil, err
		}
		return r, cascade(tx, prof, r, bureau)
	}, withRoles(model.RoleOperator), withProfile())
}

// Correct replaces a report's figures (its operator), keeping the replaced figures and
// the reason in the record; the obligation and the following years' carried-in
// amounts are recomputed.
func (c *RevenueContract) Correct(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Revenue:Correct", request, func(tx *Tx, req *model.CorrectRevenueRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		var r model.Revenue
		if err := tx.GetField(model.KindRevenue, req.Report, "report", &r); err != nil {
			return nil, err
		}
		if r.Operator != caller.PID() {
			return nil, model.FieldErr(model.CodeAccessDenied, "report", r.Operator, "report %s is %s's; only its operator corrects it", r.ID, r.Operator)
		}
		if err := tx.VerifySignature(req, sigProfile, caller.PID()); err != nil {
			return nil, err
		}
		rate, source, err := profitRate(prof, &req.RevenueInput)
		if err != nil {
			return nil, err
		}
		bureau, err := bureauID(tx)
		if err != nil {
			return nil, err
		}
		replaced := r.RevenueFigures
		r.RevenueFigures = figuresOf(&req.RevenueInput, rate, source, replaced.CarriedInFen)
		r.Corrections = append(r.Corrections, model.RevenueCorrection{At: tx.Now, TxID: tx.TxID, Reason: req.Reason, Replaced: replaced, ReplacedSignature: r.Signature})
		r.Signature = req.Signature
		if err := evaluate(tx, prof, &r, bureau, fmt.Sprintf("replaced by correction %s (tx %s)", req.ID, tx.TxID)); err != nil {
			return nil, err
		}
		if err := tx.Update(&r, "corrected"); err != nil {
			return nil, err
		}
		return &r, cascade(tx, prof, &r, bureau)
	}, withRoles(model.RoleOperator), withProfile())
}

// Fulfil records that a report's obligation was met: by the operator with a price filing
// of its own, or by the bureau with a cap, made after the obligation opened.
func (c *RevenueContract) Fulfil(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Revenue:Fulfil", request, func(tx *Tx, req *model.FulfilObligationRequest) (model.Record, error) {
		caller := tx.Who()
		var r model.Revenue
		if err := tx.GetField(model.KindRevenue, req.Report, "report", &r); err != nil {
			return nil, err
		}
		if !r.Obligation.Open() || r.ObligationOpened == nil {
			return nil, model.FieldErr(model.CodeBadState, "report", "an open obligation", "report %s has no open obligation", r.ID)
		}
		if caller.PID() != r.Obligation.Party {
			return nil, model.RuleRevenueEvidence.ViolationField("report", r.Obligation.Party, "the obligation of report %s (%s) is %s's to meet, not %s's", r.ID, r.ObligationAction, r.Obligation.Party, caller.PID())
		}
		opened := *r.ObligationOpened
		var made time.Time
		switch r.ObligationAction {
		case model.AdjustPrices:
			var f model.PriceFiling
			if err := tx.GetField(model.KindPriceFiling, req.Evidence, "evidence", &f); err != nil {
				return nil, err
			}
			if f.Operator != r.Operator {
				return nil, model.RuleRevenueEvidence.ViolationField("evidence", "a price filing of "+r.Operator, "price filing %s is %s's, not %s's", f.ID, f.Operator, r.Operator)
			}
			made = f.CreatedAt
		default:
			var pc model.PriceCap
			if err := tx.GetField(model.KindPriceCap, req.Evidence, "evidence", &pc); err != nil {
				return nil, err
			}
			made = pc.CreatedAt
		}
		if made.Before(opened) {
			return nil, model.RuleRevenueEvidence.ViolationField("evidence", "made after "+opened.Format(time.RFC3339),
				"%s was made at %s, before the obligation opened at %s; it cannot be the adjustment", req.Evidence, made.Format(time.RFC3339), opened.Format(time.RFC3339))
		}
		now := tx.Now
		r.Obligation.Met, r.Obligation.MetTx, r.ObligationEvidence = &now, tx.TxID, req.Evidence
		if err := tx.Unindex(ixRevenueOpen, r.Obligation.Party, r.ID); err != nil {
			return nil, err
		}
		return &r, tx.Update(&r, "obligation-met")
	}, withRoles(model.RoleOperator, model.RoleBureau))
}

// Get returns a revenue report to its operator, the bureau and regulators.
func (c *RevenueContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Revenue:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Revenue](tx, model.KindRevenue, req.ID)
	})
}

// Obligations lists the open adjustment obligations the caller may see, optionally of
// one party, with whether each is overdue now.
func (c *RevenueContract) Obligations(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Revenue:Obligations", request, func(tx *Tx, req *model.ObligationsRequest) (any, error) {
		var prefix []string
		if req.Party != "" {
			prefix = []string{req.Party}
		}
		rows, err := tx.Scan(ixRevenueOpen, prefix...)
		if err != nil {
			return nil, err
		}
		out := []model.RevenueObligation{}
		for _, row := range rows {
			if len(row) != 2 {
				continue
			}
			var r model.Revenue
			ok, err := tx.GetIf(model.KindRevenue, row[1], &r)
			if err != nil {
				return nil, err
			}
			if !ok || !r.Obligation.Open() || !tx.CanRead(&r) {
				continue
			}
			out = append(out, model.RevenueObligation{Report: r.ID, Operator: r.Operator, Year: r.Year, Action: r.ObligationAction,
				DeviationBP: r.DeviationBP, Deadline: *r.Obligation, Overdue: r.Obligation.Overdue(tx.Now)})
		}
		return out, nil
	})
}
