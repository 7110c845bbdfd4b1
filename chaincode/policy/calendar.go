package policy

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Calendar is a working-day calendar: Monday to Friday are working days,
// except the holidays (放假) of the years it covers; Saturdays and Sundays are
// rest days, except the make-up working days (调休上班). It is immutable after
// ParseCalendar/LoadCalendar and safe for concurrent use.
//
// Outside the covered years the calendar knows no holidays and falls back to
// weekends only. That fallback is deliberate (a deadline must always be
// computable inside a transaction) but never silent: Covered and
// Deadline.Covered report it, so the chaincode can record that a deadline was
// computed without holiday data and recompute it once the year's notice is
// loaded.
type Calendar struct {
	id       string
	name     LocalName
	years    []CalendarYear
	yearSet  map[int]bool
	holidays map[civil]string // date -> holiday name
	makeUps  map[civil]string // date -> holiday name the make-up day belongs to
	holList  []civil          // sorted, for span counting without map iteration
	makeList []civil          // sorted
}

// LocalName is a name in Chinese and English.
type LocalName struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// CalendarYear is one year's official arrangement and where it comes from.
type CalendarYear struct {
	Year     int             `json:"year"`
	Source   CalendarSource  `json:"source"`
	Holidays []HolidayPeriod `json:"holidays" pdl:"n=40"`
}

// CalendarSource identifies the official notice for one year.
type CalendarSource struct {
	Title  string `json:"title"`  // e.g. 国务院办公厅关于2026年部分节假日安排的通知
	Number string `json:"number"` // e.g. 国办发明电〔2025〕7号
	Issued string `json:"issued"` // YYYY-MM-DD
	URL    string `json:"url"`
	// Verified says how the dates were checked against the notice.
	Verified string `json:"verified" pdl:"max=2048"`
}

// HolidayPeriod is one numbered item of a notice: a run of days off and the
// make-up working days that pay for it.
type HolidayPeriod struct {
	Name              string   `json:"name"`
	NameEN            string   `json:"name_en"`
	From              string   `json:"from"`
	To                string   `json:"to"`
	MakeUpWorkingDays []string `json:"make_up_working_days"`
	// Text is the item's sentence in the notice, kept for audit.
	Text string `json:"text" pdl:"max=2048"`
}

type calendarFile struct {
	ID        string         `json:"id"`
	Name      LocalName      `json:"name"`
	UTCOffset string         `json:"utc_offset"`
	Note      string         `json:"note"`
	Years     []CalendarYear `json:"years"`
}

// ParseCalendar decodes a calendar strictly (the same rules as Parse) and
// checks it: years unique and ascending, every date real and within its
// notice's year or the year before (a New Year holiday may start on 31
// December), no date both a holiday and a make-up day, make-up days only on
// weekends (a make-up "working day" on a weekday would change nothing and is
// a typo).
func ParseCalendar(data []byte) (*Calendar, error) {
	var f calendarFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, err
	}
	c := &Calendar{
		id: f.ID, name: f.Name, years: f.Years,
		yearSet:  make(map[int]bool),
		holidays: make(map[civil]string),
		makeUps:  make(map[civil]string),
	}
	var errs []error
	if !validCalendarID(f.ID) {
		errs = append(errs, fieldErr("id", fmt.Sprintf("%q is not a valid calendar id; allowed 1..32 characters of a-z, 0-9, '-'", f.ID)))
	}
	if f.UTCOffset != "+08:00" {
		errs = append(errs, fieldErr("utc_offset", fmt.Sprintf("%q is not supported; allowed \"+08:00\" (China Standard Time)", f.UTCOffset)))
	}
	if f.Name.ZH == "" || f.Name.EN == "" {
		errs = append(errs, fieldErr("name", "needs both zh and en"))
	}
	if len(f.Years) == 0 {
		errs = append(errs, fieldErr("years", "is empty"))
	}
	for i, y := range f.Years {
		yp := fmt.Sprintf("years[%d]", i)
		if y.Year < 1990 || y.Year > 2200 {
			errs = append(errs, fieldErr(yp+".year", fmt.Sprintf("%d is out of range; allowed 1990..2200", y.Year)))
			continue
		}
		if i > 0 && y.Year <= f.Years[i-1].Year {
			errs = append(errs, fieldErr(yp+".year", fmt.Sprintf("%d is not after %d; years must be unique and ascending", y.Year, f.Years[i-1].Year)))
		}
		c.yearSet[y.Year] = true
		if y.Source.Title == "" || y.Source.URL == "" || y.Source.Issued == "" {
			errs = append(errs, fieldErr(yp+".source", "needs title, issued and url: every holiday must be traceable to its notice"))
		}
		inYear := func(field string, s string) (civil, bool) {
			t, err := ParseDate(s)
			if err != nil {
				errs = append(errs, fieldErr(field, fmt.Sprintf("%q is not a date; expected YYYY-MM-DD", s)))
				return civil{}, false
			}
			d := civilOf(t)
			if d.y != y.Year && d.y != y.Year-1 {
				errs = append(errs, fieldErr(field, fmt.Sprintf("%s is outside the notice's year; allowed %d-01-01..%d-12-31", d, y.Year-1, y.Year)))
				return civil{}, false
			}
			return d, true
		}
		for j, h := range y.Holidays {
			hp := fmt.Sprintf("%s.holidays[%d]", yp, j)
			if h.Name == "" {
				errs = append(errs, fieldErr(hp+".name", "is empty"))
			}
			from, ok1 := inYear(hp+".from", h.From)
			to, ok2 := inYear(hp+".to", h.To)
			if ok1 && ok2 {
				span := to.dayNumber() - from.dayNumber()
				if span < 0 || span > 14 {
					errs = append(errs, fieldErr(hp, fmt.Sprintf("runs %s..%s; allowed 1..15 days with from <= to", from, to)))
				} else {
					for d := from; !to.before(d); d = d.addDays(1) {
						if prev, dup := c.holidays[d]; dup {
							errs = append(errs, fieldErr(hp, fmt.Sprintf("%s is already a holiday (%s)", d, prev)))
						}
						c.holidays[d] = h.Name
					}
				}
			}
			for k, s := range h.MakeUpWorkingDays {
				mp := fmt.Sprintf("%s.make_up_working_days[%d]", hp, k)
				d, ok := inYear(mp, s)
				if !ok {
					continue
				}
				if wd := d.weekday(); wd != time.Saturday && wd != time.Sunday {
					errs = append(errs, fieldErr(mp, fmt.Sprintf("%s is a %s; a make-up working day must be a Saturday or Sunday", d, wd)))
				}
				if prev, dup := c.makeUps[d]; dup {
					errs = append(errs, fieldErr(mp, fmt.Sprintf("%s is already a make-up day (%s)", d, prev)))
				}
				c.makeUps[d] = h.Name
			}
		}
	}
	// Checked after all periods are read so the order of items in the file
	// does not matter.
	for _, d := range sortedCivils(c.makeUps) {
		if h, clash := c.holidays[d]; clash {
			errs = append(errs, fieldErr("years", fmt.Sprintf("%s is both a holiday (%s) and a make-up working day", d, h)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c.holList = sortedCivils(c.holidays)
	c.makeList = sortedCivils(c.makeUps)
	return c, nil
}

func sortedCivils(m map[civil]string) []civil {
	out := make([]civil, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].before(out[j]) })
	return out
}

func validCalendarID(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

//go:embed calendars/*.json
var calendarFS embed.FS

var (
	calOnce   sync.Once
	calByID   map[string]*Calendar
	calErr    error
	calSorted []string
)

func loadCalendars() {
	calByID = make(map[string]*Calendar)
	entries, err := calendarFS.ReadDir("calendars")
	if err != nil {
		calErr = err
		return
	}
	for _, e := range entries {
		data, err := calendarFS.ReadFile("calendars/" + e.Name())
		if err != nil {
			calErr = err
			return
		}
		c, err := ParseCalendar(data)
		if err != nil {
			calErr = fmt.Errorf("policy: calendar file %s: %w", e.Name(), err)
			return
		}
		if want := strings.TrimSuffix(e.Name(), ".json"); c.id != want {
			calErr = fmt.Errorf("policy: calendar file %s declares id %q", e.Name(), c.id)
			return
		}
		calByID[c.id] = c
		calSorted = append(calSorted, c.id)
	}
	sort.Strings(calSorted)
}

// Calendars returns the ids of the shipped calendars, sorted.
func Calendars() []string {
	calOnce.Do(loadCalendars)
	return append([]string(nil), calSorted...)
}

// LoadCalendar returns a shipped calendar by id ("cn-national").
func LoadCalendar(id string) (*Calendar, error) {
	calOnce.Do(loadCalendars)
	if calErr != nil {
		return nil, calErr
	}
	c, ok := calByID[id]
	if !ok {
		return nil, fmt.Errorf("policy: unknown calendar %q; allowed %s", id, strings.Join(calSorted, ", "))
	}
	return c, nil
}

// WorkingCalendar loads the calendar the profile names.
func (p Profile) WorkingCalendar() (*Calendar, error) {
	id, ok := p.Calendar.Get()
	if !ok {
		return nil, fieldErr("calendar", "is not set")
	}
	return LoadCalendar(id)
}

// ID returns the calendar id.
func (c *Calendar) ID() string { return c.id }

// Name returns the calendar's display name.
func (c *Calendar) Name() LocalName { return c.name }

// Years returns the years whose official arrangement is loaded, ascending.
func (c *Calendar) Years() []int {
	out := make([]int, len(c.years))
	for i, y := range c.years {
		out[i] = y.Year
	}
	return out
}

// Sources returns the official notice behind each covered year.
func (c *Calendar) Sources() []CalendarSource {
	out := make([]CalendarSource, len(c.years))
	for i, y := range c.years {
		out[i] = y.Source
	}
	return out
}

// Covered reports whether t's CST date lies in a year whose official holiday
// arrangement is loaded. For an uncovered date IsWorkingDay answers from
// weekends alone.
func (c *Calendar) Covered(t time.Time) bool { return c.yearSet[civilOf(t).y] }

// CoveredRange reports whether every date from a to b (CST, inclusive, either
// order) is covered.
func (c *Calendar) CoveredRange(a, b time.Time) bool {
	ya, yb := civilOf(a).y, civilOf(b).y
	if ya > yb {
		ya, yb = yb, ya
	}
	for y := ya; y <= yb; y++ {
		if !c.yearSet[y] {
			return false
		}
	}
	return true
}

// DayKind classifies a date.
type DayKind int

// The kinds of day. A make-up working day is a working day; a holiday that
// falls on a weekend is reported as a holiday.
const (
	WorkingDay DayKind = iota
	Weekend
	Holiday
	MakeUpWorkingDay
)

func (k DayKind) String() string {
	switch k {
	case WorkingDay:
		return "working_day"
	case Weekend:
		return "weekend"
	case Holiday:
		return "holiday"
	case MakeUpWorkingDay:
		return "make_up_working_day"
	}
	return fmt.Sprintf("DayKind(%d)", int(k))
}

func (c *Calendar) kind(d civil) DayKind {
	if _, ok := c.makeUps[d]; ok {
		return MakeUpWorkingDay
	}
	if _, ok := c.holidays[d]; ok {
		return Holiday
	}
	if wd := d.weekday(); wd == time.Saturday || wd == time.Sunday {
		return Weekend
	}
	return WorkingDay
}

// Kind classifies t's CST date.
func (c *Calendar) Kind(t time.Time) DayKind { return c.kind(civilOf(t)) }

// HolidayName returns the holiday (or, for a make-up working day, the holiday
// it belongs to) that t's CST date is part of, and "" otherwise.
func (c *Calendar) HolidayName(t time.Time) string {
	d := civilOf(t)
	if n, ok := c.makeUps[d]; ok {
		return n
	}
	return c.holidays[d]
}

// IsWorkingDay reports whether t's CST date is a working day: a make-up
// working day, or a Monday-Friday that is not a holiday.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.isWorking(civilOf(t)) }

func (c *Calendar) isWorking(d civil) bool {
	k := c.kind(d)
	return k == WorkingDay || k == MakeUpWorkingDay
}

// MaxSpanDays bounds the working-day and calendar-day counts accepted by the
// deadline functions (about 100 years): a deadline is computed inside a
// transaction, and an absurd count from a request must not stall a peer.
const MaxSpanDays = 36600

// AddWorkingDays implements "自收到之日起N个工作日内": the day of from (its CST
// date) is not counted, whatever the time of day and whether or not it is a
// working day; counting starts the next day and only working days count; the
// result is the END (23:59:59.999999999 CST) of the Nth working day.
//
// Example: received Friday 2025-09-26, 5 working days: Sat 27 is skipped, Sun
// 28 is a make-up working day (1), Mon 29 (2), Tue 30 (3), 1–8 October are the
// National Day holiday, Thu 9 (4), Fri 10 (5): due 2025-10-10 23:59:59.999999999.
//
// n = 0 returns the end of from's own day. n < 0 counts backwards and returns
// the end of the |n|th working day before from's date (for reminders). It
// panics if |n| > MaxSpanDays; use Deadline for counts from untrusted input.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	if n > MaxSpanDays || n < -MaxSpanDays {
		panic(fmt.Sprintf("policy: AddWorkingDays: n=%d; allowed -%d..%d", n, MaxSpanDays, MaxSpanDays))
	}
	d := civilOf(from)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.addDays(step)
		if c.isWorking(d) {
			n--
		}
	}
	return EndOfDay(d.start())
}

// WorkingDaysBetween counts the working days after a's CST date up to and
// including b's (negative, counted the same way, when b is before a). It is
// the inverse of AddWorkingDays: WorkingDaysBetween(from,
// AddWorkingDays(from, n)) == n for n >= 0, so "how many working days has this
// review taken so far" and "when is it due" agree.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	da, db := civilOf(a), civilOf(b)
	if db.before(da) {
		return -c.workingIn(db, da)
	}
	return c.workingIn(da, db)
}

// workingIn counts working days d with lo < d <= hi by arithmetic on weeks
// plus a pass over the (short, sorted) exception lists, so it is cheap for any
// span.
func (c *Calendar) workingIn(lo, hi civil) int {
	span := int(hi.dayNumber() - lo.dayNumber())
	n := span / 7 * 5
	w := int(lo.weekday())
	for i := 1; i <= span%7; i++ {
		if wd := time.Weekday((w + i) % 7); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	in := func(d civil) bool { return lo.before(d) && !hi.before(d) }
	for _, d := range c.holList {
		if wd := d.weekday(); in(d) && wd != time.Saturday && wd != time.Sunday {
			n-- // a weekday holiday; holidays and make-up days never overlap (ParseCalendar)
		}
	}
	for _, d := range c.makeList {
		if in(d) {
			n++ // validated to fall on a weekend
		}
	}
	return n
}

// Deadline is a computed due time, with what it was computed from, ready to
// be stored in a ledger record.
type Deadline struct {
	From     time.Time `json:"from"`     // the triggering instant (receipt, signing), in CST
	Count    int       `json:"count"`    // N
	Unit     string    `json:"unit"`     // "working_days" or "days"
	Due      time.Time `json:"due"`      // last instant that is still on time
	Calendar string    `json:"calendar"` // calendar id
	// Covered is false when some date from From to Due lies outside the
	// calendar's years, i.e. the due time ignored holidays there and may be
	// too early.
	Covered bool `json:"covered"`
}

// Overdue reports whether at is after the due time.
func (d Deadline) Overdue(at time.Time) bool { return at.After(d.Due) }

// Deadline is AddWorkingDays for rule code: it refuses n < 0 or n >
// MaxSpanDays instead of panicking, and reports coverage.
func (c *Calendar) Deadline(from time.Time, n int) (Deadline, error) {
	if n < 0 || n > MaxSpanDays {
		return Deadline{}, fmt.Errorf("policy: deadline of %d working days; allowed 0..%d", n, MaxSpanDays)
	}
	due := c.AddWorkingDays(from, n)
	return Deadline{
		From: from.In(cst), Count: n, Unit: "working_days", Due: due,
		Calendar: c.id, Covered: c.CoveredRange(from, due),
	}, nil
}

// DaysDeadline is the deadline of a period of n calendar days ("30日内"): the
// day of from is not counted (民法典 第二百零一条) and the due time is the end
// of the nth day after it; if that day is not a working day the period ends
// at the end of the next working day instead (民法典 第二百零三条: 期间的最后
// 一日是法定休假日的，以法定休假日结束的次日为期间的最后一日; weekends count as
// 法定休假日 in that rule). For a plain "n days later" without that
// extension use EndOfDay(AddDays(from, n)).
func (c *Calendar) DaysDeadline(from time.Time, n int) (Deadline, error) {
	if n < 0 || n > MaxSpanDays {
		return Deadline{}, fmt.Errorf("policy: deadline of %d days; allowed 0..%d", n, MaxSpanDays)
	}
	d := civilOf(from).addDays(n)
	if n > 0 {
		for !c.isWorking(d) {
			d = d.addDays(1)
		}
	}
	due := EndOfDay(d.start())
	return Deadline{
		From: from.In(cst), Count: n, Unit: "days", Due: due,
		Calendar: c.id, Covered: c.CoveredRange(from, due),
	}, nil
}

// WithYears is the calendar with the given years' arrangements in place of (or added to)
// its own: how a ledger's calendar is the shipped one plus the years the bureau filed
// from their notices. The result is checked as ParseCalendar checks a file, so a filed
// year cannot smuggle in a date a calendar file could not hold; c is unchanged.
func (c *Calendar) WithYears(years []CalendarYear) (*Calendar, error) {
	byYear := map[int]CalendarYear{}
	for _, y := range c.years {
		byYear[y.Year] = y
	}
	for _, y := range years {
		byYear[y.Year] = normalYear(y)
	}
	f := calendarFile{ID: c.id, Name: c.name, UTCOffset: "+08:00", Years: make([]CalendarYear, 0, len(byYear))}
	for _, y := range byYear {
		f.Years = append(f.Years, y)
	}
	sort.Slice(f.Years, func(i, j int) bool { return f.Years[i].Year < f.Years[j].Year })
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return ParseCalendar(raw)
}

// CheckYear checks one year's arrangement by itself, with the rules of ParseCalendar;
// errors name fields from the year ("holidays[1].from").
func CheckYear(y CalendarYear) error {
	f := calendarFile{ID: "check", Name: LocalName{ZH: "检查", EN: "check"}, UTCOffset: "+08:00", Years: []CalendarYear{normalYear(y)}}
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = ParseCalendar(raw)
	var errs []error
	for _, e := range unjoin(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			e = fieldErr(strings.TrimPrefix(strings.TrimPrefix(fe.Field, "years[0]"), "."), fe.Msg)
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

// normalYear gives absent lists as empty ones, as a calendar file writes them (the
// strict decoder refuses null for a list); y's own slices are not touched.
func normalYear(y CalendarYear) CalendarYear {
	hs := make([]HolidayPeriod, len(y.Holidays))
	for i, h := range y.Holidays {
		if h.MakeUpWorkingDays == nil {
			h.MakeUpWorkingDays = []string{}
		}
		hs[i] = h
	}
	y.Holidays = hs
	return y
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// YearOf returns the arrangement the calendar holds for year y.
func (c *Calendar) YearOf(y int) (CalendarYear, bool) {
	for _, cy := range c.years {
		if cy.Year == y {
			return cy, true
		}
	}
	return CalendarYear{}, false
}
