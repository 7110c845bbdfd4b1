package policy

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Validate checks that every set parameter is within its allowed range and is
// traced to a source, that required metadata is present, and that related
// parameters are consistent (e.g. a filing deadline without the filing being
// required is refused, because rule code would otherwise enforce a deadline
// for an obligation that does not exist).
//
// All problems are reported, joined, in field order; each is a *FieldError
// naming the JSON path.
func (p Profile) Validate() error {
	var errs []error
	errs = append(errs, p.checkMeta()...)
	if p.Calendar == nil {
		errs = append(errs, fieldErr("calendar", "is not set; a profile must name the working-day calendar (e.g. \"cn-national\")"))
	}
	walkParams(reflect.ValueOf(p), "", func(f paramField) {
		if f.Param == nil {
			return
		}
		errs = append(errs, f.Param.checkValue(f.Path, f.Spec)...)
		errs = append(errs, f.Param.src().check(f.Path)...)
	})
	errs = append(errs, p.checkConsistency()...)
	return errors.Join(errs...)
}

func (p Profile) checkMeta() []error {
	var errs []error
	if p.Schema != SchemaV1 {
		errs = append(errs, fieldErr("schema", fmt.Sprintf("%q is not supported; allowed %q", p.Schema, SchemaV1)))
	}
	if !validID(p.ID) {
		errs = append(errs, fieldErr("id", fmt.Sprintf("%q is not a valid id; allowed 1..32 characters of a-z, 0-9, '_' starting with a letter", p.ID)))
	}
	text := func(field, v string, required, han bool) {
		switch {
		case v == "":
			if required {
				errs = append(errs, fieldErr(field, "is empty"))
			}
		case strings.TrimSpace(v) != v:
			errs = append(errs, fieldErr(field, "has leading or trailing white space"))
		case !utf8.ValidString(v):
			errs = append(errs, fieldErr(field, "is not valid UTF-8"))
		case utf8.RuneCountInString(v) > maxTextRunes:
			errs = append(errs, fieldErr(field, fmt.Sprintf("is longer than %d characters", maxTextRunes)))
		case han && !hasHan(v):
			errs = append(errs, fieldErr(field, fmt.Sprintf("%q contains no Chinese text", v)))
		}
	}
	text("jurisdiction.zh", p.Jurisdiction.ZH, true, true)
	text("jurisdiction.en", p.Jurisdiction.EN, true, false)
	switch p.Jurisdiction.Level {
	case "district", "city", "province":
	default:
		errs = append(errs, fieldErr("jurisdiction.level", fmt.Sprintf("%q is not allowed; allowed district, city, province", p.Jurisdiction.Level)))
	}
	d := p.Document
	text("document.seed", d.Seed, true, false)
	text("document.title", d.Title, true, true)
	text("document.issuer", d.Issuer, true, true)
	text("document.number", d.Number, false, true)
	text("document.status", d.Status, true, true)
	if d.Date != "" {
		if _, err := ParseDate(d.Date); err != nil {
			errs = append(errs, fieldErr("document.date", fmt.Sprintf("%q is not a date; expected YYYY-MM-DD or empty when the document is undated", d.Date)))
		}
	}
	return errs
}

func validID(s string) bool {
	if len(s) == 0 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (p Profile) checkConsistency() []error {
	var errs []error
	// needs: when `dep` is set, `on` must be set and true.
	needs := func(depField string, depSet bool, onField string, on *BoolParam) {
		if depSet && !on.True() {
			errs = append(errs, fieldErr(depField, fmt.Sprintf("is set but %s is not true; a deadline or detail needs the obligation it belongs to", onField)))
		}
	}
	both := func(a string, aSet bool, b string, bSet bool) {
		if aSet != bSet {
			errs = append(errs, fieldErr(a, fmt.Sprintf("and %s must be set together (one is meaningless without the other)", b)))
		}
	}

	a := p.Authorization
	needs("authorization.candidate_publicity_min_days", a.CandidatePublicityMinDays != nil, "authorization.candidate_publicity_required", a.CandidatePublicityRequired)
	needs("authorization.agreement_filing_working_days", a.AgreementFilingWorkingDays != nil, "authorization.agreement_filing_required", a.AgreementFilingRequired)
	needs("authorization.change_filing_working_days", a.ChangeFilingWorkingDays != nil, "authorization.change_filing_required", a.ChangeFilingRequired)
	needs("authorization.renewal_window_months", a.RenewalWindowMonths != nil, "authorization.renewal_allowed", a.RenewalAllowed)
	if w, ok := a.RenewalWindowMonths.Get(); ok {
		if t, ok := a.MaxTermMonths.Get(); ok && w >= t {
			errs = append(errs, fieldErr("authorization.renewal_window_months.value", fmt.Sprintf("%d must be shorter than authorization.max_term_months (%d)", w, t)))
		}
	}
	if n, ok := p.Exit.VoluntaryNoticeMonths.Get(); ok {
		if t, ok := a.MaxTermMonths.Get(); ok && n >= t {
			errs = append(errs, fieldErr("exit.voluntary_notice_months.value", fmt.Sprintf("%d must be shorter than authorization.max_term_months (%d)", n, t)))
		}
	}

	u := p.UseApplication
	needs("use_application.source_confirmation_working_days", u.SourceConfirmationWorkingDays != nil, "use_application.source_confirmation_required", u.SourceConfirmationRequired)

	pr := p.Pricing
	needs("pricing.revenue_deviation_bp", pr.RevenueDeviationBP != nil, "pricing.max_allowed_revenue_required", pr.MaxAllowedRevenueRequired)
	needs("pricing.allowed_profit_spread_bp", pr.AllowedProfitSpreadBP != nil, "pricing.max_allowed_revenue_required", pr.MaxAllowedRevenueRequired)

	s := p.Security
	needs("security.emergency_plan_per_authorization", s.EmergencyPlanPerAuthorization.True(), "security.emergency_plan_required", s.EmergencyPlanRequired)
	needs("security.drill_interval_months", s.DrillIntervalMonths != nil, "security.emergency_plan_required", s.EmergencyPlanRequired)

	sv := p.Supervision
	both("supervision.annual_report_due_month", sv.AnnualReportDueMonth != nil, "supervision.annual_report_filer", sv.AnnualReportFiler != nil)

	e := p.Evaluation
	if e.FailuresConsecutive != nil && e.FailuresToTerminate == nil {
		errs = append(errs, fieldErr("evaluation.failures_consecutive", "is set but evaluation.failures_to_terminate is not"))
	}
	if e.FailuresConsecutive.True() {
		if n, ok := e.FailuresToTerminate.Get(); ok && n < 2 {
			errs = append(errs, fieldErr("evaluation.failures_consecutive", fmt.Sprintf("is true but evaluation.failures_to_terminate is %d; consecutive needs at least 2", n)))
		}
	}
	both("evaluation.failures_to_terminate", e.FailuresToTerminate != nil, "evaluation.failure_termination", e.FailureTermination != nil)

	x := p.Exit
	needs("exit.data_deletion_days", x.DataDeletionDays != nil, "exit.data_deletion_required", x.DataDeletionRequired)
	both("exit.log_retention_years", x.LogRetentionYears != nil, "exit.log_retention_from", x.LogRetentionFrom != nil)
	return errs
}
