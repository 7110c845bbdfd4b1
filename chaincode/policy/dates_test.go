package policy

import (
	"testing"
	"time"
)

func TestDates_AddMonthsClampsToMonthEnd(t *testing.T) {
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"Jan31PlusOneIsFeb28", "2025-01-31", 1, "2025-02-28"},
		{"Jan31PlusOneLeapIsFeb29", "2024-01-31", 1, "2024-02-29"},
		{"Mar31MinusOneIsFeb28", "2025-03-31", -1, "2025-02-28"},
		{"Aug31PlusOneIsSep30", "2025-08-31", 1, "2025-09-30"},
		{"AcrossYearEnd", "2025-12-15", 1, "2026-01-15"},
		{"BackAcrossYearEnd", "2025-01-15", -1, "2024-12-15"},
		{"MinusThirteen", "2025-01-15", -13, "2023-12-15"},
		{"Luohu24MonthTerm", "2025-11-25", 24, "2027-11-25"},
		{"RenewalWindowThreeMonthsBeforeExpiry", "2028-05-31", -3, "2028-02-29"},
		{"Zero", "2025-05-31", 0, "2025-05-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AddMonths(mustDate(t, tt.from).Add(10*time.Hour+30*time.Minute), tt.n)
			if want := mustDate(t, tt.want).Add(10*time.Hour + 30*time.Minute); !got.Equal(want) {
				t.Errorf("AddMonths(%s, %d) = %v, want %v (time of day kept)", tt.from, tt.n, got, want)
			}
		})
	}
}

func TestDates_AddYearsLeapDay(t *testing.T) {
	if got := AddYears(mustDate(t, "2024-02-29"), 1); FormatDate(got) != "2025-02-28" {
		t.Errorf("AddYears(2024-02-29, 1) = %s", FormatDate(got))
	}
	if got := AddYears(mustDate(t, "2024-02-29"), 4); FormatDate(got) != "2028-02-29" {
		t.Errorf("AddYears(2024-02-29, 4) = %s", FormatDate(got))
	}
}

func TestDates_TermEndIsEndOfCorrespondingDay(t *testing.T) {
	got := TermEnd(mustDate(t, "2025-01-31").Add(9*time.Hour), 1)
	if want := endOf(t, "2025-02-28"); !got.Equal(want) {
		t.Errorf("TermEnd = %v, want %v", got, want)
	}
	// A Longhua 5-year term signed 2025-03-01 may run to the end of 2030-03-01.
	if got := TermEnd(mustDate(t, "2025-03-01"), 60); !got.Equal(endOf(t, "2030-03-01")) {
		t.Errorf("TermEnd 60 months = %v", got)
	}
}

func TestDates_EndOfMonthForAnnualReport(t *testing.T) {
	// 《广东省…管理办法》第三十七条: previous year's report due 每年3月底前.
	got := EndOfMonth(2026, time.March)
	if want := endOf(t, "2026-03-31"); !got.Equal(want) {
		t.Errorf("EndOfMonth(2026, March) = %v, want %v", got, want)
	}
	if got := EndOfMonth(2025, time.December); !got.Equal(endOf(t, "2025-12-31")) {
		t.Errorf("EndOfMonth(2025, December) = %v", got)
	}
}

func TestDates_DayBoundariesUseCST(t *testing.T) {
	utc := time.Date(2025, 9, 30, 16, 0, 0, 0, time.UTC) // 2025-10-01 00:00 CST
	if FormatDate(utc) != "2025-10-01" {
		t.Errorf("FormatDate = %s, want 2025-10-01", FormatDate(utc))
	}
	if !StartOfDay(utc).Equal(utc) {
		t.Errorf("StartOfDay = %v", StartOfDay(utc))
	}
	if !EndOfDay(utc).Equal(endOf(t, "2025-10-01")) {
		t.Errorf("EndOfDay = %v", EndOfDay(utc))
	}
	if name, off := mustDate(t, "2025-01-01").Zone(); name != "CST" || off != 8*3600 {
		t.Errorf("zone %s %d", name, off)
	}
}

func TestDates_DaysBetweenIgnoresTimeOfDay(t *testing.T) {
	a := mustDate(t, "2025-02-27").Add(23 * time.Hour)
	b := mustDate(t, "2025-03-01").Add(1 * time.Hour)
	if got := DaysBetween(a, b); got != 2 {
		t.Errorf("DaysBetween = %d, want 2", got)
	}
	if got := DaysBetween(b, a); got != -2 {
		t.Errorf("DaysBetween reversed = %d, want -2", got)
	}
	if got := DaysBetween(a, AddDays(a, 5)); got != 5 {
		t.Errorf("DaysBetween(a, AddDays(a,5)) = %d", got)
	}
}

func TestDates_ParseDateRejectsImpossibleDates(t *testing.T) {
	for _, s := range []string{"2025-02-29", "2025-13-01", "2025-1-1", "20250101", "", "2025-01-01T00:00:00Z"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
}
