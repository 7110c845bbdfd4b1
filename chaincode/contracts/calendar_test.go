package contracts

import (
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// testYear2027 is New Year's Day 2027 alone (a statutory holiday every year) under a
// made-up notice: test data, not the State Council's.
func testYear2027() policy.CalendarYear {
	return policy.CalendarYear{Year: 2027,
		Source:   policy.CalendarSource{Title: "测试用通知（非官方）", Number: "测试〔2026〕1号", Issued: "2026-11-20", URL: "https://example.invalid/2027"},
		Holidays: []policy.HolidayPeriod{{Name: "元旦", NameEN: "New Year's Day", From: "2027-01-01", To: "2027-01-01", MakeUpWorkingDays: []string{}}}}
}

func (h *harness) calendarDeadline(from time.Time, days int) model.CalendarDeadline {
	h.t.Helper()
	var d model.CalendarDeadline
	h.okInto(h.as("reg"), "Calendar:Deadline", map[string]any{"from": from, "days": days}, &d)
	return d
}

// TestCalendar_OnlyBureauFilesAYear: an operator cannot file a year; the bureau's filing
// makes 2027 part of the calendar in force, and a 30-day period ending on New Year's Day
// 2027 moves to the next working day and stops being provisional.
func TestCalendar_OnlyBureauFilesAYear(t *testing.T) {
	h := newParties(t, "guangdong")
	h.at("2026-12-02 10:00")
	from := h.L.Now
	before := h.calendarDeadline(from, 30)
	if got := before.Due.In(model.CST).Format("2006-01-02"); got != "2027-01-01" || before.Covered || before.Version != 0 {
		t.Fatalf("before filing: %+v (due %s), want 2027-01-01, provisional, version 0", before, got)
	}
	req := map[string]any{"id": h.id("cal"), "year": testYear2027()}
	h.refused(h.as("op"), "Calendar:FileYear", req, model.RuleCalendarBureauOnly.Code)
	var rec model.CalendarRecord
	h.okInto(h.Bureau, "Calendar:FileYear", req, &rec)
	if rec.ID != "cn-national" || rec.Version != 1 || len(rec.Years) != 1 || !rec.Public {
		t.Fatalf("filed: %+v", rec)
	}
	after := h.calendarDeadline(from, 30)
	if got := after.Due.In(model.CST).Format("2006-01-02"); got != "2027-01-04" || !after.Covered || after.Version != 1 {
		t.Fatalf("after filing: %+v (due %s), want 2027-01-04, covered, version 1", after, got)
	}
	var view model.CalendarView
	h.okInto(h.as("op"), "Calendar:Get", map[string]any{}, &view)
	filed := map[int]bool{}
	for _, y := range view.Years {
		filed[y.Year] = y.Filed
	}
	if len(view.Years) < 3 || !filed[2027] || filed[2026] || view.Version != 1 {
		t.Fatalf("calendar in force: %+v", view)
	}
}

// TestCalendar_CorrectionNeedsAReason: filing a year the calendar covers (shipped or
// filed) replaces what deadlines counted on, so it needs a reason; a year that a calendar
// file could not hold is refused with the year's field named.
func TestCalendar_CorrectionNeedsAReason(t *testing.T) {
	h := newParties(t, "guangdong")
	shipped, err := policy.LoadCalendar("cn-national")
	if err != nil {
		t.Fatal(err)
	}
	y26, _ := shipped.YearOf(2026)
	h.refused(h.Bureau, "Calendar:FileYear", map[string]any{"id": h.id("cal"), "year": y26}, model.RuleCalendarCorrectionReason.Code)
	h.ok(h.Bureau, "Calendar:FileYear", map[string]any{"id": h.id("cal"), "year": testYear2027()})
	h.refused(h.Bureau, "Calendar:FileYear", map[string]any{"id": h.id("cal"), "year": testYear2027()}, model.RuleCalendarCorrectionReason.Code)
	var rec model.CalendarRecord
	h.okInto(h.Bureau, "Calendar:FileYear", map[string]any{"id": h.id("cal"), "year": y26, "reason": "更正通知（测试）"}, &rec)
	if rec.Version != 2 || len(rec.Years) != 2 || rec.Years[0].Year != 2026 || rec.Reason == "" {
		t.Fatalf("corrected: %+v", rec)
	}
	bad := testYear2027()
	bad.Year = 2028
	bad.Holidays[0].MakeUpWorkingDays = []string{"2028-01-04"} // a Tuesday
	e := h.refused(h.Bureau, "Calendar:FileYear", map[string]any{"id": h.id("cal"), "year": bad}, model.CodeBadFormat)
	if e.Field != "year.holidays[0]" && e.Field != "year.holidays[0].from" && e.Field != "year.holidays[0].make_up_working_days[0]" {
		t.Fatalf("refusal names %q", e.Field)
	}
}

// TestCalendar_FiledYearMovesADomainDeadline: an agreement signed late in December 2026
// is due for filing within 10 working days (Guangdong). Before 2027 is filed, the count
// treats New Year's Day as a working day and marks the deadline provisional; an agreement
// signed after the filing counts on the filed holiday.
func TestCalendar_FiledYearMovesADomainDeadline(t *testing.T) {
	h := newParties(t, "guangdong")
	h.catalogued("su1", "r1", 2)
	h.catalogued("su1", "r2", 2)
	shipped, _ := policy.LoadCalendar("cn-national")
	h.at("2026-12-18 09:00")
	a1 := h.authorize("a1", "op", "r1")
	if a1.Filing == nil || a1.Filing.Covered {
		t.Fatalf("a1's filing deadline %+v, want a provisional one", a1.Filing)
	}
	if want, _ := shipped.Deadline(later(a1.BureauSigning.At, a1.OperatorSigning.At), 10); !a1.Filing.Due.Equal(want.Due) {
		t.Fatalf("a1 due %s, weekends-only count gives %s", a1.Filing.Due, want.Due)
	}
	h.ok(h.Bureau, "Calendar:FileYear", map[string]any{"id": h.id("cal"), "year": testYear2027()})
	a2 := h.authorize("a2", "op", "r2")
	merged, _ := shipped.WithYears([]policy.CalendarYear{testYear2027()})
	from := later(a2.BureauSigning.At, a2.OperatorSigning.At)
	want, _ := merged.Deadline(from, 10)
	weekendsOnly, _ := shipped.Deadline(from, 10)
	if a2.Filing == nil || !a2.Filing.Covered || !a2.Filing.Due.Equal(want.Due) || a2.Filing.Due.Equal(weekendsOnly.Due) {
		t.Fatalf("a2's filing deadline %+v, want %s (not %s)", a2.Filing, want.Due, weekendsOnly.Due)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
