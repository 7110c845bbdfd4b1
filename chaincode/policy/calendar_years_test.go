package policy

import (
	"strings"
	"testing"
	"time"
)

// year2027 is a test arrangement for 2027: New Year's Day alone (a statutory holiday
// every year), with a made-up notice — test data, not the State Council's.
func year2027() CalendarYear {
	return CalendarYear{Year: 2027,
		Source:   CalendarSource{Title: "测试用通知（非官方）", Number: "测试〔2026〕1号", Issued: "2026-11-20", URL: "https://example.invalid/2027"},
		Holidays: []HolidayPeriod{{Name: "元旦", NameEN: "New Year's Day", From: "2027-01-01", To: "2027-01-01"}}}
}

// TestCalendar_FiledYearMovesADeadline: a 30-day period from 2026-12-02 ends on
// 2027-01-01. Without 2027's arrangement that Friday counts as a working day and the
// deadline is marked uncovered; with it, the deadline moves to Monday 2027-01-04 and is
// covered. The shipped calendar itself is unchanged.
func TestCalendar_FiledYearMovesADeadline(t *testing.T) {
	shipped, err := LoadCalendar("cn-national")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 12, 2, 10, 0, 0, 0, cst)
	before, err := shipped.DaysDeadline(from, 30)
	if err != nil {
		t.Fatal(err)
	}
	if got := before.Due.In(cst).Format("2006-01-02"); got != "2027-01-01" || before.Covered {
		t.Fatalf("without 2027: due %s covered %v, want 2027-01-01 uncovered", got, before.Covered)
	}
	filed, err := shipped.WithYears([]CalendarYear{year2027()})
	if err != nil {
		t.Fatal(err)
	}
	after, err := filed.DaysDeadline(from, 30)
	if err != nil {
		t.Fatal(err)
	}
	if got := after.Due.In(cst).Format("2006-01-02"); got != "2027-01-04" || !after.Covered {
		t.Fatalf("with 2027: due %s covered %v, want 2027-01-04 covered", got, after.Covered)
	}
	if shipped.Covered(time.Date(2027, 1, 1, 0, 0, 0, 0, cst)) {
		t.Fatal("filing a year changed the shipped calendar")
	}
	if y, ok := filed.YearOf(2027); !ok || y.Source.Number != "测试〔2026〕1号" {
		t.Fatalf("year 2027: %+v %v", y, ok)
	}
	// a filed year replaces the shipped one of the same year
	y26, _ := shipped.YearOf(2026)
	y26.Source.Verified = "corrected"
	again, err := filed.WithYears([]CalendarYear{y26})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := again.YearOf(2026); got.Source.Verified != "corrected" || len(again.Years()) != len(filed.Years()) {
		t.Fatalf("replacing 2026: %+v, years %v", got.Source, again.Years())
	}
}

// TestCalendar_FiledYearCheckedLikeAFile: a year with a weekday make-up day, a date of
// another year or no notice is refused, and the error names the year's own field.
func TestCalendar_FiledYearCheckedLikeAFile(t *testing.T) {
	if err := CheckYear(year2027()); err != nil {
		t.Fatalf("a good year: %v", err)
	}
	for name, c := range map[string]struct {
		edit  func(*CalendarYear)
		field string
	}{
		"weekday make-up": {func(y *CalendarYear) { y.Holidays[0].MakeUpWorkingDays = []string{"2027-01-05"} }, "holidays[0].make_up_working_days[0]"},
		"other year":      {func(y *CalendarYear) { y.Holidays[0].To = "2028-01-02" }, "holidays[0].to"},
		"no notice":       {func(y *CalendarYear) { y.Source.URL = "" }, "source"},
	} {
		y := year2027()
		c.edit(&y)
		err := CheckYear(y)
		if err == nil || !strings.Contains(err.Error(), "policy: "+c.field+":") {
			t.Errorf("%s: %v, want an error on %s", name, err, c.field)
		}
		if _, err := (&Calendar{id: "x", name: LocalName{"x", "x"}}).WithYears([]CalendarYear{y}); err == nil {
			t.Errorf("%s: WithYears took it", name)
		}
	}
}
