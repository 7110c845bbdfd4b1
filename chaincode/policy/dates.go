package policy

import (
	"fmt"
	"time"
)

// cst is China Standard Time. A fixed zone rather than time.LoadLocation
// ("Asia/Shanghai"): peers must not depend on the host's tzdata, and China
// has had no DST since 1991, so the two agree for every date the ledger sees.
var cst = time.FixedZone("CST", 8*3600)

// CST returns the fixed UTC+8 zone all policy dates are interpreted in.
func CST() *time.Location { return cst }

// civil is a calendar date in CST; comparable, so it can key lookups.
type civil struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civil {
	y, m, d := t.In(cst).Date()
	return civil{y, m, d}
}

func (c civil) start() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, cst) }

func (c civil) addDays(n int) civil { return civilOf(c.start().AddDate(0, 0, n)) }

func (c civil) weekday() time.Weekday { return c.start().Weekday() }

// dayNumber counts days since 1970-01-01; used to measure spans without
// walking them.
func (c civil) dayNumber() int64 {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func (c civil) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.y, int(c.m), c.d) }

func (c civil) before(o civil) bool { return c.dayNumber() < o.dayNumber() }

// ParseDate parses "YYYY-MM-DD" as the start of that day in CST. It refuses
// dates that do not exist (2025-02-29) rather than normalizing them.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		return time.Time{}, fmt.Errorf("policy: bad date %q: expected YYYY-MM-DD", s)
	}
	return t, nil
}

// FormatDate renders the CST calendar date of t as "YYYY-MM-DD".
func FormatDate(t time.Time) string { return civilOf(t).String() }

// StartOfDay returns 00:00:00 CST of t's CST date.
func StartOfDay(t time.Time) time.Time { return civilOf(t).start() }

// EndOfDay returns the last instant (23:59:59.999999999 CST) of t's CST date.
// Deadlines are ends of days because Chinese administrative and civil law
// counts a period's last day in full (民法典 第二百零三条: 期间的最后一日的截止
// 时间为二十四时).
func EndOfDay(t time.Time) time.Time {
	return civilOf(t).start().AddDate(0, 0, 1).Add(-time.Nanosecond)
}

// EndOfMonth returns the last instant of the given month in CST, e.g. the
// due time of a report "每年3月底前" is EndOfMonth(year, time.March).
func EndOfMonth(year int, month time.Month) time.Time {
	return time.Date(year, month+1, 1, 0, 0, 0, 0, cst).Add(-time.Nanosecond)
}

// AddDays moves t by n calendar days, keeping the CST time of day.
func AddDays(t time.Time, n int) time.Time { return t.In(cst).AddDate(0, 0, n) }

// AddMonths moves t by n months (negative allowed), keeping the CST time of
// day and clamping the day to the end of a shorter month:
// AddMonths(2025-01-31, 1) = 2025-02-28, AddMonths(2024-03-31, -1) =
// 2024-02-29. time.AddDate would instead overflow into the next month
// (2025-03-03), which would silently lengthen terms and notice periods.
// The clamp matches 民法典 第二百零二条: 没有对应日的，月末日为期间的最后一日.
func AddMonths(t time.Time, n int) time.Time {
	t = t.In(cst)
	y, m, d := t.Date()
	total := int(m) - 1 + n
	ny := y + floorDiv(total, 12)
	nm := time.Month(total - floorDiv(total, 12)*12 + 1)
	if last := daysIn(ny, nm); d > last {
		d = last
	}
	return time.Date(ny, nm, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), cst)
}

// AddYears moves t by n years with the same end-of-month clamp
// (AddYears(2024-02-29, 1) = 2025-02-28).
func AddYears(t time.Time, n int) time.Time { return AddMonths(t, 12*n) }

// TermEnd returns the last instant of a period of n months that starts at
// start: the end of the corresponding day n months later. Per 民法典 第二百零
// 一条 the starting day is not counted, so a 24-month term from 2025-03-01
// may run to the end of 2027-03-01; an agreement stating "2025-03-01 至
// 2027-02-28" is within it. Use it for terms, renewal windows and retention.
func TermEnd(start time.Time, months int) time.Time {
	return EndOfDay(AddMonths(start, months))
}

// DaysBetween returns the number of calendar days from a's CST date to b's
// (negative when b is earlier). Times of day are ignored.
func DaysBetween(a, b time.Time) int {
	return int(civilOf(b).dayNumber() - civilOf(a).dayNumber())
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
