package model

// FindingCategory is the category of a compliance finding: what the explorer's compliance
// report (and the provincial oversight report built on it) says is wrong on a ledger.
// The explorer answers these values; the console and pdl show their labels, so the
// words a regulator reads are the same in both.
type FindingCategory string

const (
	// FindingOverdue: an open obligation (any model.Deadline on any record) past its due time.
	FindingOverdue FindingCategory = "overdue"
	// FindingExpiredNotRecorded: an active authorization past its term whose expiry no
	// transaction has recorded yet.
	FindingExpiredNotRecorded FindingCategory = "expired_not_recorded"
	// FindingTerminatedButUsed: a trade or price filing dated after its product's
	// authorization ended.
	FindingTerminatedButUsed FindingCategory = "terminated_but_used"
	// FindingPriceAboveCap: a price filing in force above its cap.
	FindingPriceAboveCap FindingCategory = "price_above_cap"
	// FindingRevenueDeviation: a revenue deviation whose obligation is still open.
	FindingRevenueDeviation FindingCategory = "revenue_deviation"
	// FindingLogGap: a log stream with no anchored window for seven days.
	FindingLogGap FindingCategory = "log_gap"
	// FindingUnansweredCase: a complaint, objection or dispute not answered.
	FindingUnansweredCase FindingCategory = "unanswered_case"
	// FindingNoEmergencyPlan: where the profile requires an emergency plan
	// (security.emergency_plan_required), an authorization in force without one.
	FindingNoEmergencyPlan FindingCategory = "no_emergency_plan"
)

// Values lists the categories in the order the report sorts them.
func (FindingCategory) Values() []string {
	return []string{string(FindingExpiredNotRecorded), string(FindingLogGap), string(FindingNoEmergencyPlan), string(FindingOverdue),
		string(FindingPriceAboveCap), string(FindingRevenueDeviation), string(FindingTerminatedButUsed), string(FindingUnansweredCase)}
}
