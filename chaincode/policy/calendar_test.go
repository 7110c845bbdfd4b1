package policy

import (
	"strings"
	"testing"
	"time"
)

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func national(t *testing.T) *Calendar {
	t.Helper()
	c, err := LoadCalendar("cn-national")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// endOf is the expected due instant: the last nanosecond of the CST day.
func endOf(t *testing.T, s string) time.Time {
	t.Helper()
	return mustDate(t, s).Add(24*time.Hour - time.Nanosecond)
}

// Transcribed by hand from the two notices, independently of
// calendars/cn-national.json, so a typo in either is caught day by day.
var (
	noticeDaysOff = [][2]string{
		// 国办发明电〔2024〕12号
		{"2025-01-01", "2025-01-01"}, {"2025-01-28", "2025-02-04"}, {"2025-04-04", "2025-04-06"},
		{"2025-05-01", "2025-05-05"}, {"2025-05-31", "2025-06-02"}, {"2025-10-01", "2025-10-08"},
		// 国办发明电〔2025〕7号
		{"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
		{"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
		{"2026-10-01", "2026-10-07"},
	}
	noticeMakeUpDays = []string{
		"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
		"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
	}
)

func TestCalendar_MatchesNoticesEveryDay2025And2026(t *testing.T) {
	c := national(t)
	off := map[string]bool{}
	for _, r := range noticeDaysOff {
		for d := mustDate(t, r[0]); !d.After(mustDate(t, r[1])); d = d.AddDate(0, 0, 1) {
			off[FormatDate(d)] = true
		}
	}
	mk := map[string]bool{}
	for _, d := range noticeMakeUpDays {
		mk[d] = true
	}
	for d := mustDate(t, "2025-01-01"); d.Year() < 2027; d = d.AddDate(0, 0, 1) {
		s := FormatDate(d)
		want := !off[s] && (mk[s] || (d.Weekday() != time.Saturday && d.Weekday() != time.Sunday))
		if got := c.IsWorkingDay(d); got != want {
			t.Errorf("%s (%s): IsWorkingDay = %v, want %v", s, d.Weekday(), got, want)
		}
		if !c.Covered(d) {
			t.Errorf("%s: not covered", s)
		}
	}
}

func TestCalendar_OfficialPeriodLengths(t *testing.T) {
	// The notices state the length of each period (共N天); check the data
	// reproduces it.
	c := national(t)
	tests := []struct {
		name     string
		from, to string
		days     int
	}{
		{"SpringFestival2025_8Days", "2025-01-28", "2025-02-04", 8},
		{"LabourDay2025_5Days", "2025-05-01", "2025-05-05", 5},
		{"NationalDayMidAutumn2025_8Days", "2025-10-01", "2025-10-08", 8},
		{"NewYear2026_3Days", "2026-01-01", "2026-01-03", 3},
		{"SpringFestival2026_9Days", "2026-02-15", "2026-02-23", 9},
		{"NationalDay2026_7Days", "2026-10-01", "2026-10-07", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			for d := mustDate(t, tt.from); !d.After(mustDate(t, tt.to)); d = d.AddDate(0, 0, 1) {
				if c.Kind(d) != Holiday {
					t.Errorf("%s is %v, want holiday", FormatDate(d), c.Kind(d))
				}
				n++
			}
			if n != tt.days {
				t.Errorf("period has %d days, want %d", n, tt.days)
			}
			for _, edge := range []time.Time{mustDate(t, tt.from).AddDate(0, 0, -1), mustDate(t, tt.to).AddDate(0, 0, 1)} {
				if c.Kind(edge) == Holiday {
					t.Errorf("%s is also a holiday: the period is longer than the notice says", FormatDate(edge))
				}
			}
		})
	}
}

func TestCalendar_SpringFestival2026MakeUpSaturdayIsWorkingDay(t *testing.T) {
	c := national(t)
	for _, d := range []string{"2026-02-14", "2026-02-28"} {
		day := mustDate(t, d)
		if day.Weekday() != time.Saturday {
			t.Fatalf("%s is a %s, the notice says 周六", d, day.Weekday())
		}
		if !c.IsWorkingDay(day) || c.Kind(day) != MakeUpWorkingDay {
			t.Errorf("%s: kind %v, want make-up working day", d, c.Kind(day))
		}
		if got := c.HolidayName(day); got != "春节" {
			t.Errorf("%s: HolidayName = %q, want 春节", d, got)
		}
	}
	if c.IsWorkingDay(mustDate(t, "2026-02-21")) {
		t.Error("2026-02-21 (Sat, inside 春节) must not be a working day")
	}
}

func TestCalendar_DayKinds(t *testing.T) {
	c := national(t)
	tests := []struct {
		date string
		want DayKind
	}{
		{"2025-01-01", Holiday},          // 元旦 on a Wednesday, 不调休
		{"2025-01-02", WorkingDay},       // back to work
		{"2025-01-26", MakeUpWorkingDay}, // Sunday before 春节
		{"2025-04-05", Holiday},          // Saturday inside 清明: holiday, not just weekend
		{"2025-04-27", MakeUpWorkingDay}, // Sunday before 劳动节
		{"2025-06-02", Holiday},          // Monday of 端午
		{"2025-09-27", Weekend},          // Saturday before National Day: ordinary weekend
		{"2025-09-28", MakeUpWorkingDay}, // Sunday make-up
		{"2025-10-11", MakeUpWorkingDay}, // Saturday make-up
		{"2025-10-12", Weekend},
		{"2026-01-04", MakeUpWorkingDay}, // Sunday after 元旦
		{"2026-05-09", MakeUpWorkingDay},
		{"2026-09-20", MakeUpWorkingDay},
		{"2026-09-25", Holiday}, // 中秋, separate from 国庆 in 2026
		{"2026-09-28", WorkingDay},
		{"2026-10-10", MakeUpWorkingDay},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			if got := c.Kind(mustDate(t, tt.date)); got != tt.want {
				t.Errorf("Kind(%s) = %v, want %v", tt.date, got, tt.want)
			}
		})
	}
}

func TestCalendar_DeadlineSkipsNationalDay2025(t *testing.T) {
	c := national(t)
	from := mustDate(t, "2025-09-26").Add(15 * time.Hour) // Friday afternoon
	if c.IsWorkingDay(mustDate(t, "2025-09-27")) {
		t.Error("Sat 2025-09-27 must not count")
	}
	if !c.IsWorkingDay(mustDate(t, "2025-09-28")) {
		t.Error("Sun 2025-09-28 is a make-up working day and must count")
	}
	for d := mustDate(t, "2025-10-01"); !d.After(mustDate(t, "2025-10-08")); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			t.Errorf("%s must be skipped", FormatDate(d))
		}
	}
	// 28 (1), 29 (2), 30 (3), 1-8 Oct off, 9 (4), 10 (5).
	got := c.AddWorkingDays(from, 5)
	if want := endOf(t, "2025-10-10"); !got.Equal(want) {
		t.Errorf("AddWorkingDays(2025-09-26, 5) = %v, want %v", got, want)
	}
	dl, err := c.Deadline(from, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !dl.Covered || dl.Unit != "working_days" || dl.Calendar != "cn-national" || !dl.Due.Equal(got) {
		t.Errorf("Deadline = %+v", dl)
	}
	if dl.Overdue(endOf(t, "2025-10-10")) {
		t.Error("the last nanosecond of the 5th working day is still on time")
	}
	if !dl.Overdue(mustDate(t, "2025-10-11")) {
		t.Error("00:00 on the day after is overdue")
	}
}

func TestCalendar_AddWorkingDaysSemantics(t *testing.T) {
	c := national(t)
	tests := []struct {
		name string
		from time.Time
		n    int
		want string
	}{
		// Receipt day never counts, whatever the hour.
		{"ReceiptAtMidnightNotCounted", mustDate(t, "2025-03-03"), 1, "2025-03-04"},
		{"ReceiptLateEveningNotCounted", mustDate(t, "2025-03-03").Add(23*time.Hour + 59*time.Minute), 1, "2025-03-04"},
		// Receipt on a rest day: counting starts at the next working day.
		{"ReceiptOnSaturday", mustDate(t, "2025-03-08"), 1, "2025-03-10"},
		{"ReceiptOnHoliday", mustDate(t, "2025-10-03"), 1, "2025-10-09"},
		// 《福田区…暂行管理办法》第十八条: 5 working days spanning the 2026 Spring Festival:
		// Thu 12 Feb -> Fri 13 (1), Sat 14 make-up (2), 15-23 off,
		// Tue 24 (3), Wed 25 (4), Thu 26 (5).
		{"FutianReviewAcrossSpringFestival2026", mustDate(t, "2026-02-12"), 5, "2026-02-26"},
		// 《广东省…管理办法》第二十三条: 10 working days from signing on 2025-12-25
		// (Thu): 26, 29, 30, 31, [1-3 Jan off], Sun 4 (make-up), 5, 6, 7, 8, 9.
		{"GuangdongFilingAcrossNewYear2026", mustDate(t, "2025-12-25"), 10, "2026-01-09"},
		{"ZeroIsEndOfReceiptDay", mustDate(t, "2025-10-03").Add(9 * time.Hour), 0, "2025-10-03"},
		{"NegativeCountsBackwards", mustDate(t, "2025-10-09"), -1, "2025-09-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingDays(tt.from, tt.n)
			if want := endOf(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.from, tt.n, got, want)
			}
		})
	}
}

func TestCalendar_DeadlineIsEndOfDayInCST(t *testing.T) {
	c := national(t)
	// 16:30 UTC on 25 Sep is 00:30 CST on Fri 26 Sep: the CST date decides.
	from := time.Date(2025, 9, 25, 16, 30, 0, 0, time.UTC)
	got := c.AddWorkingDays(from, 5)
	if _, off := got.Zone(); off != 8*3600 {
		t.Errorf("result zone offset %d, want +8h", off)
	}
	if h, m, s := got.Clock(); h != 23 || m != 59 || s != 59 || got.Nanosecond() != 999999999 {
		t.Errorf("due %v is not 23:59:59.999999999", got)
	}
	if !got.Equal(endOf(t, "2025-10-10")) {
		t.Errorf("due %v, want 2025-10-10 end of day", got)
	}
}

func TestCalendar_WorkingDaysBetweenInvertsAddWorkingDays(t *testing.T) {
	c := national(t)
	for d := mustDate(t, "2024-12-20"); d.Before(mustDate(t, "2027-01-10")); d = d.AddDate(0, 0, 1) {
		for n := 0; n <= 25; n++ {
			due := c.AddWorkingDays(d, n)
			if got := c.WorkingDaysBetween(d, due); got != n {
				t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(+%d)=%s) = %d", FormatDate(d), n, FormatDate(due), got)
			}
		}
	}
}

func TestCalendar_WorkingDaysBetweenMatchesDayByDayCount(t *testing.T) {
	c := national(t)
	start := mustDate(t, "2024-12-01")
	for _, span := range []int{0, 1, 6, 7, 8, 30, 100, 400, 800} {
		for off := 0; off < 14; off++ {
			a := start.AddDate(0, 0, off*23)
			b := a.AddDate(0, 0, span)
			want := 0
			for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
				if c.IsWorkingDay(d) {
					want++
				}
			}
			if got := c.WorkingDaysBetween(a, b); got != want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", FormatDate(a), FormatDate(b), got, want)
			}
			if got := c.WorkingDaysBetween(b, a); got != -want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", FormatDate(b), FormatDate(a), got, -want)
			}
		}
	}
}

func TestCalendar_UncoveredYearFallsBackToWeekendsAndSaysSo(t *testing.T) {
	c := national(t)
	// 2027-10-01 is a Friday; without the 2027 notice it is a working day.
	oct1 := mustDate(t, "2027-10-01")
	if c.Covered(oct1) {
		t.Fatal("2027 must not be covered")
	}
	if !c.IsWorkingDay(oct1) {
		t.Error("uncovered weekday must fall back to working day")
	}
	if c.IsWorkingDay(mustDate(t, "2027-10-02")) {
		t.Error("uncovered Saturday must still be a rest day")
	}
	dl, err := c.Deadline(mustDate(t, "2026-12-28"), 5)
	if err != nil {
		t.Fatal(err)
	}
	if dl.Covered {
		t.Errorf("deadline %v runs into 2027 and must be reported as not covered", dl.Due)
	}
	if want := endOf(t, "2027-01-04"); !dl.Due.Equal(want) {
		t.Errorf("due %v, want %v (weekends-only fallback)", dl.Due, want)
	}
	if dl, _ := c.Deadline(mustDate(t, "2026-12-01"), 5); !dl.Covered {
		t.Error("deadline inside 2026 must be covered")
	}
	if got := c.Years(); len(got) != 2 || got[0] != 2025 || got[1] != 2026 {
		t.Errorf("Years() = %v", got)
	}
}

func TestCalendar_DeadlineRejectsBadCounts(t *testing.T) {
	c := national(t)
	for _, n := range []int{-1, MaxSpanDays + 1} {
		if _, err := c.Deadline(mustDate(t, "2025-01-02"), n); err == nil {
			t.Errorf("Deadline(n=%d) accepted", n)
		}
		if _, err := c.DaysDeadline(mustDate(t, "2025-01-02"), n); err == nil {
			t.Errorf("DaysDeadline(n=%d) accepted", n)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("AddWorkingDays beyond MaxSpanDays must panic")
		}
	}()
	c.AddWorkingDays(mustDate(t, "2025-01-02"), MaxSpanDays+1)
}

func TestCalendar_DaysDeadlineLonghuaThirtyDays(t *testing.T) {
	c := national(t)
	tests := []struct {
		name, from, want string
	}{
		// 30 days after 3 Sep 2025 is 3 Oct, inside the holiday: the period
		// ends on the next working day (民法典 第二百零三条).
		{"LastDayInNationalDayRollsForward", "2025-09-03", "2025-10-09"},
		// 30 days after 29 Aug is Sun 28 Sep, a make-up working day: no roll.
		{"LastDayOnMakeUpSundayStays", "2025-08-29", "2025-09-28"},
		{"LastDayOnWeekdayStays", "2025-03-01", "2025-03-31"},
		{"LastDayOnSaturdayRollsToMonday", "2025-02-06", "2025-03-10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl, err := c.DaysDeadline(mustDate(t, tt.from), 30)
			if err != nil {
				t.Fatal(err)
			}
			if want := endOf(t, tt.want); !dl.Due.Equal(want) {
				t.Errorf("DaysDeadline(%s, 30) = %v, want %v", tt.from, dl.Due, want)
			}
			if dl.Unit != "days" {
				t.Errorf("unit %q", dl.Unit)
			}
		})
	}
}

func TestCalendar_SourcesNameTheNotices(t *testing.T) {
	c := national(t)
	want := map[int]string{2025: "国办发明电〔2024〕12号", 2026: "国办发明电〔2025〕7号"}
	for i, s := range c.Sources() {
		y := c.Years()[i]
		if s.Number != want[y] || !strings.Contains(s.Title, "部分节假日安排的通知") || !strings.HasPrefix(s.URL, "https://www.gov.cn/") {
			t.Errorf("%d: source %+v", y, s)
		}
	}
}

func TestCalendar_ParseRejectsBadData(t *testing.T) {
	base := func(holidays string) string {
		return `{"id":"test","name":{"zh":"测试","en":"test"},"utc_offset":"+08:00","note":"",
			"years":[{"year":2025,"source":{"title":"t","number":"n","issued":"2024-11-12","url":"https://example"},
			"holidays":[` + holidays + `]}]}`
	}
	ok := `{"name":"元旦","name_en":"","from":"2025-01-01","to":"2025-01-01","make_up_working_days":[],"text":""}`
	if _, err := ParseCalendar([]byte(base(ok))); err != nil {
		t.Fatalf("valid calendar refused: %v", err)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"MakeUpDayOnWeekday", base(`{"name":"春节","name_en":"","from":"2025-01-28","to":"2025-02-04","make_up_working_days":["2025-01-27"],"text":""}`), "must be a Saturday or Sunday"},
		{"MakeUpDayIsHoliday", base(`{"name":"春节","name_en":"","from":"2025-01-28","to":"2025-02-04","make_up_working_days":["2025-02-01"],"text":""}`), "and a make-up working day"},
		{"OverlappingPeriods", base(ok + `,` + ok), "already a holiday"},
		{"ReversedPeriod", base(`{"name":"x","name_en":"","from":"2025-02-04","to":"2025-01-28","make_up_working_days":[],"text":""}`), "from <= to"},
		{"DateOutsideYear", base(`{"name":"x","name_en":"","from":"2027-01-01","to":"2027-01-01","make_up_working_days":[],"text":""}`), "outside the notice's year"},
		{"ImpossibleDate", base(`{"name":"x","name_en":"","from":"2025-02-29","to":"2025-02-29","make_up_working_days":[],"text":""}`), "is not a date"},
		{"UnknownField", strings.Replace(base(ok), `"note":""`, `"note":"","extra":1`, 1), "extra: unknown field"},
		{"WrongZone", strings.Replace(base(ok), `+08:00`, `+09:00`, 1), "utc_offset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCalendar([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestCalendar_UnknownIDRejected(t *testing.T) {
	if _, err := LoadCalendar("cn-shenzhen"); err == nil || !strings.Contains(err.Error(), "cn-national") {
		t.Errorf("error %v should list the known calendars", err)
	}
	if got := Calendars(); len(got) != 1 || got[0] != "cn-national" {
		t.Errorf("Calendars() = %v", got)
	}
}
