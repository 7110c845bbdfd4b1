package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func preset(t *testing.T, name string) Profile {
	t.Helper()
	p, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// presetTree returns a preset's canonical JSON as a generic tree to mutate.
func presetTree(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := preset(t, name).CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// setPath sets (or, with del, removes) a dotted path in a JSON tree.
func setPath(t *testing.T, m map[string]any, path string, v any, del bool) {
	t.Helper()
	parts := strings.Split(path, ".")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			t.Fatalf("path %s: %s is not an object", path, p)
		}
		cur = next
	}
	if del {
		delete(cur, parts[len(parts)-1])
	} else {
		cur[parts[len(parts)-1]] = v
	}
}

func encode(t *testing.T, m map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func src(doc string) map[string]any {
	return map[string]any{"doc": doc, "article": "第一条", "quote": "测试"}
}

func TestProfile_PresetsSortedAndComplete(t *testing.T) {
	want := []string{"futian", "guangdong", "longhua", "luohu", "qinhuangdao"}
	if got := Presets(); !reflect.DeepEqual(got, want) {
		t.Errorf("Presets() = %v, want %v", got, want)
	}
}

func TestProfile_PresetsValidate(t *testing.T) {
	seeds := map[string]string{}
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			p := preset(t, name)
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			if p.ID != name {
				t.Errorf("id %q in file %s.json", p.ID, name)
			}
			if other, dup := seeds[p.Document.Seed]; dup {
				t.Errorf("seed %s also used by %s", p.Document.Seed, other)
			}
			seeds[p.Document.Seed] = name
			if _, err := p.WorkingCalendar(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestProfile_DocumentNamedByOfficialTitle(t *testing.T) {
	for _, d := range Docs() {
		p := preset(t, d.Profile)
		if p.Document.Seed != d.Title {
			t.Errorf("%s: document.seed %q, want the official title %q", d.Profile, p.Document.Seed, d.Title)
		}
		if got, ok := DocByTitle(d.Title); !ok || got != d {
			t.Errorf("DocByTitle(%q) = %+v, %v", d.Title, got, ok)
		}
		if _, ok := policyTextFiles[d.Title]; !ok {
			t.Errorf("no text file for %s", d.Quoted())
		}
	}
	if len(Docs()) != len(Presets()) {
		t.Errorf("%d documents for %d presets", len(Docs()), len(Presets()))
	}
}

func TestProfile_UnknownPresetRejected(t *testing.T) {
	for _, name := range []string{"shenzhen", "../profiles/luohu", "", "Luohu"} {
		_, err := Preset(name)
		if !errors.Is(err, ErrUnknownPreset) || !strings.Contains(err.Error(), "futian") {
			t.Errorf("Preset(%q): error %v, want ErrUnknownPreset listing the presets", name, err)
		}
	}
}

func TestProfile_PresetReturnsIndependentCopy(t *testing.T) {
	p := preset(t, "longhua")
	p.Authorization.MaxTermMonths.Value = 1
	p.Evaluation.Grades.Value[0] = "x"
	q := preset(t, "longhua")
	if q.Authorization.MaxTermMonths.Value != 60 || q.Evaluation.Grades.Value[0] != "优秀" {
		t.Error("mutating one Preset result changed another")
	}
}

// countParamFields counts parameter fields by plain reflection, independently
// of walkParams, so a group walkParams failed to descend into is noticed.
func countParamFields(t reflect.Type) int {
	n := 0
	for i := 0; i < t.NumField(); i++ {
		ft := t.Field(i).Type
		switch {
		case ft.Kind() == reflect.Pointer && strings.HasSuffix(ft.Elem().Name(), "Param"):
			n++
		case ft.Kind() == reflect.Struct:
			n += countParamFields(ft)
		}
	}
	return n
}

func TestProfile_EveryValueTraced(t *testing.T) {
	want := countParamFields(reflect.TypeOf(Profile{}))
	calendarDoc := regexp.MustCompile(`^国办发明电〔\d{4}〕\d+号(; 国办发明电〔\d{4}〕\d+号)*$`)
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			p := preset(t, name)
			seen, set := 0, 0
			walkParams(reflect.ValueOf(p), "", func(f paramField) {
				seen++
				if f.Param == nil {
					return
				}
				set++
				s := f.Param.src()
				if s.Doc == "" || s.Article == "" || s.Quote == "" {
					t.Errorf("%s = %s has no complete source: %+v", f.Path, f.Param.display(), s)
				}
				if !hasHan(s.Quote) {
					t.Errorf("%s: quote %q is not Chinese", f.Path, s.Quote)
				}
				switch {
				case s.Doc == p.Document.Seed:
				case f.Path == "calendar" && calendarDoc.MatchString(s.Doc):
				default:
					t.Errorf("%s: source doc %q is neither the seed %s nor (for calendar) a State Council notice", f.Path, s.Doc, p.Document.Seed)
				}
			})
			if seen != want {
				t.Errorf("walked %d parameters, the type has %d", seen, want)
			}
			if set < 10 {
				t.Errorf("only %d parameters set; suspicious", set)
			}
			// The exported view agrees with the internal walk.
			params := p.Parameters()
			if len(params) != want {
				t.Errorf("Parameters() lists %d, want %d", len(params), want)
			}
			n := 0
			for _, pr := range params {
				if pr.Set != (pr.Src != nil) || pr.Set != (pr.Value != nil) {
					t.Errorf("%s: inconsistent Parameter %+v", pr.Path, pr)
				}
				if pr.Set {
					n++
				}
			}
			if n != set {
				t.Errorf("Parameters() has %d set, walk found %d", n, set)
			}
		})
	}
}

// policyTextFiles maps each policy document (official title) to the file of its text
// in the policy-texts directory. The texts are not part of the repository.
var policyTextFiles = map[string]string{
	DocLuohu.Title:       "000_2eca4d9804ef0ff6.txt",
	DocFutian.Title:      "001_cc580e9d1ee73dd7.txt",
	DocLonghua.Title:     "002_6d2b700af3253213.txt",
	DocQinhuangdao.Title: "003_0e3db3a44dcd072e.txt",
	DocGuangdong.Title:   "004_c306402d6cc1940b.txt",
}

func TestProfile_LonghuaMaxTermFiveYears(t *testing.T) {
	p := preset(t, "longhua")
	if n, ok := p.Authorization.MaxTermMonths.Get(); !ok || n != 60 {
		t.Errorf("max term = %d (set %v), want 60 months", n, ok)
	}
	if !strings.Contains(p.Authorization.MaxTermMonths.Source.Quote, "5年") {
		t.Errorf("source %+v", p.Authorization.MaxTermMonths.Source)
	}
}

// TestProfile_SeedValues pins every headline value of the five seeds; each
// case is named after the rule it encodes.
func TestProfile_SeedValues(t *testing.T) {
	type intCase struct {
		name, preset string
		get          func(Profile) *IntParam
		want         int
	}
	ints := []intCase{
		{"LuohuMaxTermTwoYears", "luohu", func(p Profile) *IntParam { return p.Authorization.MaxTermMonths }, 24},
		{"FutianMaxTermTwoYears", "futian", func(p Profile) *IntParam { return p.Authorization.MaxTermMonths }, 24},
		{"QinhuangdaoMaxTermThreeYears", "qinhuangdao", func(p Profile) *IntParam { return p.Authorization.MaxTermMonths }, 36},
		{"GuangdongMaxTermFiveYears", "guangdong", func(p Profile) *IntParam { return p.Authorization.MaxTermMonths }, 60},
		{"QinhuangdaoSingleOperator", "qinhuangdao", func(p Profile) *IntParam { return p.Authorization.MaxConcurrentOperators }, 1},
		{"GuangdongPublicityAtLeastFiveDays", "guangdong", func(p Profile) *IntParam { return p.Authorization.CandidatePublicityMinDays }, 5},
		{"GuangdongAgreementFilingTenWorkingDays", "guangdong", func(p Profile) *IntParam { return p.Authorization.AgreementFilingWorkingDays }, 10},
		{"GuangdongChangeFilingTenWorkingDays", "guangdong", func(p Profile) *IntParam { return p.Authorization.ChangeFilingWorkingDays }, 10},
		{"GuangdongPlanFilingTenWorkingDays", "guangdong", func(p Profile) *IntParam { return p.Authorization.PlanFilingWorkingDays }, 10},
		{"QinhuangdaoRenewalInLastThreeMonths", "qinhuangdao", func(p Profile) *IntParam { return p.Authorization.RenewalWindowMonths }, 3},
		{"GuangdongDataCollectionTwentyWorkingDays", "guangdong", func(p Profile) *IntParam { return p.DataSupply.CollectionWorkingDays }, 20},
		{"FutianPartnerReviewFiveWorkingDays", "futian", func(p Profile) *IntParam { return p.UseApplication.PartnerReviewWorkingDays }, 5},
		{"FutianBureauReviewFiveWorkingDays", "futian", func(p Profile) *IntParam { return p.UseApplication.BureauReviewWorkingDays }, 5},
		{"FutianSourceConfirmationFiveWorkingDays", "futian", func(p Profile) *IntParam { return p.UseApplication.SourceConfirmationWorkingDays }, 5},
		{"GuangdongBureauReviewTenWorkingDays", "guangdong", func(p Profile) *IntParam { return p.UseApplication.BureauReviewWorkingDays }, 10},
		{"GuangdongProductReviewTenWorkingDays", "guangdong", func(p Profile) *IntParam { return p.Product.ReviewWorkingDays }, 10},
		{"LonghuaVoluntaryExitThreeMonthsNotice", "longhua", func(p Profile) *IntParam { return p.Exit.VoluntaryNoticeMonths }, 3},
		{"QinhuangdaoVoluntaryExitThreeMonthsNotice", "qinhuangdao", func(p Profile) *IntParam { return p.Exit.VoluntaryNoticeMonths }, 3},
		{"LonghuaDataDeletionThirtyDays", "longhua", func(p Profile) *IntParam { return p.Exit.DataDeletionDays }, 30},
		{"FutianLogRetentionTwoYears", "futian", func(p Profile) *IntParam { return p.Exit.LogRetentionYears }, 2},
		{"GuangdongLogRetentionFiveYears", "guangdong", func(p Profile) *IntParam { return p.Exit.LogRetentionYears }, 5},
		{"FutianOneFailedEvaluationRemoves", "futian", func(p Profile) *IntParam { return p.Evaluation.FailuresToTerminate }, 1},
		{"LonghuaThreeFailedEvaluationsRevoke", "longhua", func(p Profile) *IntParam { return p.Evaluation.FailuresToTerminate }, 3},
		{"LonghuaBlacklistFiveYears", "longhua", func(p Profile) *IntParam { return p.Exit.BlacklistYears }, 5},
		{"LonghuaRevenueDeviationTenPercent", "longhua", func(p Profile) *IntParam { return p.Pricing.RevenueDeviationBP }, 1000},
		{"QinhuangdaoProfitTreasuryPlusSixPoints", "qinhuangdao", func(p Profile) *IntParam { return p.Pricing.AllowedProfitSpreadBP }, 600},
		{"LonghuaPrivacyComputingFromGradeThree", "longhua", func(p Profile) *IntParam { return p.Security.PrivacyComputingMinGrade }, 3},
		{"LuohuSecurityReportEverySixMonths", "luohu", func(p Profile) *IntParam { return p.Security.OperatorReportIntervalMonths }, 6},
		{"LuohuQuarterlyInspection", "luohu", func(p Profile) *IntParam { return p.Supervision.InspectionIntervalMonths }, 3},
		{"FutianQuarterlyInspection", "futian", func(p Profile) *IntParam { return p.Supervision.InspectionIntervalMonths }, 3},
		{"FutianMonthlyPartnerReport", "futian", func(p Profile) *IntParam { return p.Supervision.PartnerReportIntervalMonths }, 1},
		{"GuangdongAnnualReportByEndOfMarch", "guangdong", func(p Profile) *IntParam { return p.Supervision.AnnualReportDueMonth }, 3},
		{"FutianAnnualEvaluation", "futian", func(p Profile) *IntParam { return p.Evaluation.IntervalMonths }, 12},
		{"LonghuaAnnualEvaluation", "longhua", func(p Profile) *IntParam { return p.Evaluation.IntervalMonths }, 12},
	}
	for _, tt := range ints {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.get(preset(t, tt.preset)).Get()
			if !ok || got != tt.want {
				t.Errorf("%s: got %d (set %v), want %d", tt.preset, got, ok, tt.want)
			}
		})
	}

	type boolCase struct {
		name, preset string
		get          func(Profile) *BoolParam
		want         bool
	}
	bools := []boolCase{
		{"LuohuNoRenewalReselectAtExpiry", "luohu", func(p Profile) *BoolParam { return p.Authorization.RenewalAllowed }, false},
		{"QinhuangdaoRenewalAllowed", "qinhuangdao", func(p Profile) *BoolParam { return p.Authorization.RenewalAllowed }, true},
		{"QinhuangdaoAgreementFiledWithProvince", "qinhuangdao", func(p Profile) *BoolParam { return p.Authorization.AgreementFilingRequired }, true},
		{"QinhuangdaoCandidatePublicized", "qinhuangdao", func(p Profile) *BoolParam { return p.Authorization.CandidatePublicityRequired }, true},
		{"LonghuaSM2SignatureRequired", "longhua", func(p Profile) *BoolParam { return p.Security.SM2SignatureRequired }, true},
		{"QinhuangdaoRedevelopmentBanned", "qinhuangdao", func(p Profile) *BoolParam { return p.Product.OperatorRedevelopmentBanned }, true},
		{"GuangdongRedevelopmentBanned", "guangdong", func(p Profile) *BoolParam { return p.Product.OperatorRedevelopmentBanned }, true},
		{"LuohuRectificationSuspends", "luohu", func(p Profile) *BoolParam { return p.Supervision.RectificationSuspends }, true},
		{"FutianRectificationSuspends", "futian", func(p Profile) *BoolParam { return p.Supervision.RectificationSuspends }, true},
		{"LuohuOnePlanPerAuthorization", "luohu", func(p Profile) *BoolParam { return p.Security.EmergencyPlanPerAuthorization }, true},
		{"LonghuaFailuresConsecutive", "longhua", func(p Profile) *BoolParam { return p.Evaluation.FailuresConsecutive }, true},
		{"FutianFailuresNotConsecutive", "futian", func(p Profile) *BoolParam { return p.Evaluation.FailuresConsecutive }, false},
		{"LuohuPublicInterestFree", "luohu", func(p Profile) *BoolParam { return p.Pricing.PublicInterestFree }, true},
		{"LonghuaPublicInterestFree", "longhua", func(p Profile) *BoolParam { return p.Pricing.PublicInterestFree }, true},
		{"QinhuangdaoPublicInterestFree", "qinhuangdao", func(p Profile) *BoolParam { return p.Pricing.PublicInterestFree }, true},
		{"GuangdongPublicInterestFree", "guangdong", func(p Profile) *BoolParam { return p.Pricing.PublicInterestFree }, true},
		{"GuangdongTradesOnExchangeOnly", "guangdong", func(p Profile) *BoolParam { return p.Product.ExchangeTradingRequired }, true},
	}
	for _, tt := range bools {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.get(preset(t, tt.preset)).Get()
			if !ok || got != tt.want {
				t.Errorf("%s: got %v (set %v), want %v", tt.preset, got, ok, tt.want)
			}
		})
	}

	type textCase struct {
		name, preset string
		get          func(Profile) *TextParam
		want         string
	}
	texts := []textCase{
		{"LuohuWholeAuthorization", "luohu", func(p Profile) *TextParam { return p.Authorization.Mode }, ModeWhole},
		{"LonghuaWholeAuthorization", "longhua", func(p Profile) *TextParam { return p.Authorization.Mode }, ModeWhole},
		{"QinhuangdaoWholeAuthorization", "qinhuangdao", func(p Profile) *TextParam { return p.Authorization.Mode }, ModeWhole},
		{"GuangdongPerScenarioAuthorization", "guangdong", func(p Profile) *TextParam { return p.Authorization.Mode }, ModePerScenario},
		{"FutianLogsKeptFromTermination", "futian", func(p Profile) *TextParam { return p.Exit.LogRetentionFrom }, RetentionFromTermination},
		{"FutianFailedEvaluationMandatoryRemoval", "futian", func(p Profile) *TextParam { return p.Evaluation.FailureTermination }, TerminationMandatory},
		{"GuangdongAnnualReportByBureau", "guangdong", func(p Profile) *TextParam { return p.Supervision.AnnualReportFiler }, FilerBureau},
		{"LuohuOverdueRectificationTerminates", "luohu", func(p Profile) *TextParam { return p.Supervision.OverdueRectification }, TerminationMandatory},
	}
	for _, tt := range texts {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.get(preset(t, tt.preset)).Get()
			if !ok || got != tt.want {
				t.Errorf("%s: got %q (set %v), want %q", tt.preset, got, ok, tt.want)
			}
		})
	}
}

// Silence is "not set", never a made-up default.
func TestProfile_SilentSeedsLeaveParametersUnset(t *testing.T) {
	tests := []struct {
		name   string
		preset string
		get    func(Profile) any
	}{
		{"FutianModeNotStated", "futian", func(p Profile) any { return p.Authorization.Mode }},
		{"QinhuangdaoPublicityDaysNotStated", "qinhuangdao", func(p Profile) any { return p.Authorization.CandidatePublicityMinDays }},
		{"QinhuangdaoFilingDeadlineNotStated", "qinhuangdao", func(p Profile) any { return p.Authorization.AgreementFilingWorkingDays }},
		{"LuohuNoBlacklist", "luohu", func(p Profile) any { return p.Exit.BlacklistYears }},
		{"LonghuaNoLogRetention", "longhua", func(p Profile) any { return p.Exit.LogRetentionYears }},
		{"GuangdongNoSM2Requirement", "guangdong", func(p Profile) any { return p.Security.SM2SignatureRequired }},
		{"FutianRenewalNotStated", "futian", func(p Profile) any { return p.Authorization.RenewalAllowed }},
		{"LonghuaUndatedDraft", "longhua", func(p Profile) any { return p.Document.EffectiveFrom }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v := reflect.ValueOf(tt.get(preset(t, tt.preset))); !v.IsNil() {
				t.Errorf("expected not set, got %+v", v.Interface())
			}
		})
	}
	// Nil-safe accessors: rule code must be able to ask without nil checks.
	var nb *BoolParam
	var ni *IntParam
	if nb.True() || nb.False() || func() bool { _, ok := ni.Get(); return ok }() {
		t.Error("nil parameter must read as not set")
	}
}

func TestProfile_UnknownFieldRejected(t *testing.T) {
	good, err := preset(t, "luohu").CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	s := string(good)
	tests := []struct {
		name, doc, wantField, wantMsg string
	}{
		{"TopLevel", strings.Replace(s, `"id":"luohu"`, `"id":"luohu","version":2`, 1), "version", "unknown field"},
		{"Nested", strings.Replace(s, `"max_term_months":`, `"max_term_month":`, 1), "authorization.max_term_month", "unknown field"},
		{"CaseVariantKey", strings.Replace(s, `"max_term_months":`, `"Max_Term_Months":`, 1), "authorization.Max_Term_Months", "unknown field"},
		{"InsideSource", strings.Replace(s, `"quote":"本方案采用整体授权运营模式"`, `"quote":"本方案采用整体授权运营模式","url":"x"`, 1), "authorization.mode.source.url", "unknown field"},
		{"DuplicateKey", strings.Replace(s, `"id":"luohu"`, `"id":"luohu","id":"futian"`, 1), "id", "appears twice"},
		{"TrailingData", s + `{}`, "(document)", "after the top-level object"},
		{"StringForInteger", strings.Replace(s, `"max_term_months":{"value":24`, `"max_term_months":{"value":"24"`, 1), "authorization.max_term_months.value", "expected an integer"},
		{"FractionalInteger", strings.Replace(s, `"max_term_months":{"value":24`, `"max_term_months":{"value":24.5`, 1), "authorization.max_term_months.value", "not an integer"},
		{"ExponentInteger", strings.Replace(s, `"max_term_months":{"value":24`, `"max_term_months":{"value":2.4e1`, 1), "authorization.max_term_months.value", "not an integer"},
		{"NullGroup", strings.Replace(s, `"exit":{`, `"exit":null,"x":{`, 1), "exit", "is null"},
		{"Truncated", `{"schema":`, "schema", "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want *FieldError", err)
			}
			if fe.Field != tt.wantField || !strings.Contains(fe.Msg, tt.wantMsg) {
				t.Errorf("got field %q msg %q; want field %q msg containing %q", fe.Field, fe.Msg, tt.wantField, tt.wantMsg)
			}
		})
	}
}

func TestProfile_OutOfRangeRejected(t *testing.T) {
	tests := []struct {
		path  string
		value any
		want  string
	}{
		{"authorization.max_term_months.value", 600, "authorization.max_term_months.value: 600 is out of range; allowed 1..120 months"},
		{"authorization.max_term_months.value", 0, "allowed 1..120 months"},
		{"authorization.max_term_months.value", -24, "allowed 1..120 months"},
		{"exit.blacklist_years.value", 99, "exit.blacklist_years.value: 99 is out of range; allowed 1..20 years"},
		{"pricing.revenue_deviation_bp.value", 10001, "allowed 1..10000 bp"},
		{"security.privacy_computing_min_grade.value", 6, "allowed 1..5 grade"},
		{"exit.data_deletion_days.value", 400, "allowed 1..365 days"},
		{"authorization.mode.value", "hybrid", `authorization.mode.value: "hybrid" is not allowed; allowed whole, per_scenario`},
		{"calendar.value", "cn-mars", `calendar.value: "cn-mars" is not a known calendar; allowed cn-national`},
		{"evaluation.grades.value", []any{"优秀", "优秀"}, `evaluation.grades.value[1]: "优秀" is listed twice`},
		{"evaluation.grades.value", []any{}, "evaluation.grades.value: is empty"},
		{"authorization.selection_methods.value", []any{"lottery"}, `"lottery" is not allowed`},
		{"schema", "pdledger.policy.profile/v0", `schema: "pdledger.policy.profile/v0" is not supported`},
		{"id", "Long Hua", "id: \"Long Hua\" is not a valid id"},
		{"jurisdiction.level", "county", `jurisdiction.level: "county" is not allowed`},
		{"document.date", "2025-02-30", "document.date"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			m := presetTree(t, "longhua")
			setPath(t, m, tt.path, tt.value, false)
			_, err := Parse(encode(t, m))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestProfile_UntracedValueRejected(t *testing.T) {
	tests := []struct {
		path  string
		value any
		want  string
	}{
		{"authorization.max_term_months.source.quote", "", "authorization.max_term_months.source.quote: is empty; every set value must be traced"},
		{"authorization.max_term_months.source.doc", "", "authorization.max_term_months.source.doc: is empty"},
		{"authorization.max_term_months.source.article", "", "source.article: is empty"},
		{"authorization.max_term_months.source.quote", "five years", "contains no Chinese text"},
		{"authorization.max_term_months.source.quote", " 期限为5年", "leading or trailing white space"},
		{"authorization.max_term_months.source.quote", strings.Repeat("长", 201), "allowed at most 200"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			m := presetTree(t, "longhua")
			setPath(t, m, tt.path, tt.value, false)
			_, err := Parse(encode(t, m))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
	// A value without any source object at all is refused too.
	m := presetTree(t, "longhua")
	setPath(t, m, "exit.blacklist_years", map[string]any{"value": 5}, false)
	if _, err := Parse(encode(t, m)); err == nil || !strings.Contains(err.Error(), "exit.blacklist_years.source.doc: is empty") {
		t.Errorf("value without source: error %v", err)
	}
}

func TestProfile_InconsistentParametersRejected(t *testing.T) {
	tests := []struct {
		name, preset, path string
		value              any
		want               string
	}{
		{"PublicityDaysWithoutPublicity", "luohu", "authorization.candidate_publicity_min_days",
			map[string]any{"value": 5, "source": src("x")}, "authorization.candidate_publicity_min_days: is set but authorization.candidate_publicity_required is not true"},
		{"RenewalWindowWhenRenewalForbidden", "luohu", "authorization.renewal_window_months",
			map[string]any{"value": 3, "source": src("x")}, "authorization.renewal_window_months: is set but authorization.renewal_allowed is not true"},
		{"RenewalWindowLongerThanTerm", "qinhuangdao", "authorization.renewal_window_months.value", 36, "must be shorter than authorization.max_term_months (36)"},
		{"ConsecutiveWithSingleFailure", "longhua", "evaluation.failures_to_terminate.value", 1, "consecutive needs at least 2"},
		{"RetentionYearsWithoutAnchor", "futian", "exit.log_retention_from", nil, "exit.log_retention_years: and exit.log_retention_from must be set together"},
		{"AnnualReportMonthWithoutFiler", "guangdong", "supervision.annual_report_filer", nil, "supervision.annual_report_due_month: and supervision.annual_report_filer must be set together"},
		{"DeletionDaysWithoutDeletion", "longhua", "exit.data_deletion_required.value", false, "exit.data_deletion_days: is set but exit.data_deletion_required is not true"},
		{"MissingCalendar", "luohu", "calendar", nil, "calendar: is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := presetTree(t, tt.preset)
			setPath(t, m, tt.path, tt.value, false)
			_, err := Parse(encode(t, m))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestProfile_ValidateReportsAllProblems(t *testing.T) {
	p := preset(t, "longhua")
	p.Authorization.MaxTermMonths.Value = 0
	p.Exit.BlacklistYears.Value = 0
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "max_term_months") || !strings.Contains(err.Error(), "blacklist_years") {
		t.Errorf("error %v should name both fields", err)
	}
	if _, err := p.CanonicalJSON(); err == nil {
		t.Error("CanonicalJSON of an invalid profile must fail")
	}
}

func TestProfile_CanonicalEncodingStable(t *testing.T) {
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			c1, err := preset(t, name).CanonicalJSON()
			if err != nil {
				t.Fatal(err)
			}
			// Round trip.
			p2, err := Parse(c1)
			if err != nil {
				t.Fatal(err)
			}
			c2, _ := p2.CanonicalJSON()
			if !bytes.Equal(c1, c2) {
				t.Fatal("canonical encoding changed after a round trip")
			}
			// Same content, different key order (json.Marshal of a map sorts
			// keys) and indentation: same canonical bytes.
			var tree map[string]any
			_ = json.Unmarshal(c1, &tree)
			reordered, _ := json.MarshalIndent(tree, "", "    ")
			if bytes.Equal(reordered, c1) {
				t.Fatal("test did not reorder anything")
			}
			p3, err := Parse(reordered)
			if err != nil {
				t.Fatal(err)
			}
			if c3, _ := p3.CanonicalJSON(); !bytes.Equal(c1, c3) {
				t.Error("canonical encoding depends on input key order or white space")
			}
			// Canonical form is compact, keeps Chinese unescaped, and shows
			// unset parameters explicitly.
			if bytes.ContainsAny(c1, "\n\t") || bytes.Contains(c1, []byte(`\u`)) {
				t.Error("canonical encoding is not compact UTF-8")
			}
			if !bytes.Contains(c1, []byte(`:null`)) {
				t.Error("unset parameters should appear as null")
			}
			if !bytes.HasPrefix(c1, []byte(`{"schema":"`+SchemaV1+`","id":"`+name+`"`)) {
				t.Errorf("unexpected field order: %.60s", c1)
			}
		})
	}
}

func TestProfile_AbsentParameterEqualsNull(t *testing.T) {
	m := presetTree(t, "luohu")
	setPath(t, m, "exit.blacklist_years", nil, true)
	setPath(t, m, "security.sm2_signature_required", nil, true)
	p, err := Parse(encode(t, m))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := p.CanonicalJSON()
	b, _ := preset(t, "luohu").CanonicalJSON()
	if !bytes.Equal(a, b) {
		t.Error("omitting a null parameter changed the canonical encoding")
	}
}

func TestProfile_OversizedDocumentRejected(t *testing.T) {
	big := bytes.Repeat([]byte(" "), MaxDocumentBytes+1)
	if _, err := Parse(big); err == nil || !strings.Contains(err.Error(), "allowed at most") {
		t.Errorf("error %v", err)
	}
}

func TestProfile_NoSpecTagIsMalformed(t *testing.T) {
	// Every parameter tag must parse; walkParams panics otherwise.
	walkParams(reflect.ValueOf(Profile{}), "", func(f paramField) {
		if strings.HasSuffix(f.Path, "_months") || strings.HasSuffix(f.Path, "_days") || strings.HasSuffix(f.Path, "_years") {
			if !f.Spec.hasRange {
				t.Errorf("%s has no range", f.Path)
			}
		}
	})
}
