package model

import (
	"time"

	"github.com/pdledger/pdledger/chaincode/policy"
)

// KindCalendar is a ledger's working-day calendar: the years of holidays and make-up
// working days the bureau filed from the State Council's yearly 放假调休 notices.
const KindCalendar Kind = "calendar"

func init() { registerKind(KindCalendar, func() Record { return &CalendarRecord{} }) }

// CalendarRecord is the ledger's own part of the working-day calendar its deadlines
// count on: the years the bureau filed, on top of the years shipped with the chaincode
// (policy.LoadCalendar). A filed year replaces the shipped one of the same year. Its id
// is the calendar's (the profile's calendar, "cn-national"); each filing is a new
// version, so the record's history is the calendar's. Public: everyone must be able to
// check how a deadline was counted.
type CalendarRecord struct {
	Meta
	Years []policy.CalendarYear `json:"years"` // ascending
	// Reason is why the last filing was made: required when it replaced a year (a
	// correction), optional for a new year.
	Reason string `json:"reason,omitempty"`
}

// Parties of a calendar: none (public).
func (c *CalendarRecord) Parties() []string { return nil }

// FileCalendarYearRequest files one year's arrangement from its notice: the notice
// (title, number, date issued, address) and each holiday with its make-up working days.
type FileCalendarYearRequest struct {
	Request
	Year policy.CalendarYear `json:"year"`
	// Reason: required when the year is already known (shipped or filed): a correction
	// must say why.
	Reason string `json:"reason,omitempty" pdl:"max=1024"`
}

// CalendarDeadlineRequest asks when a period from From ends on the ledger's calendar:
// WorkingDays working days ("N个工作日内") or Days calendar days ("N日内"), exactly one.
type CalendarDeadlineRequest struct {
	From        time.Time `json:"from"`
	WorkingDays *int      `json:"workingDays,omitempty" pdl:"ge=0,le=36500"`
	Days        *int      `json:"days,omitempty" pdl:"ge=0,le=36500"`
}

// Check requires exactly one of WorkingDays and Days, and a From.
func (r *CalendarDeadlineRequest) Check() error {
	if r.From.IsZero() {
		return FieldErr(CodeMissingField, "from", "RFC 3339 time", "from is required")
	}
	if (r.WorkingDays == nil) == (r.Days == nil) {
		return FieldErr(CodeBadFormat, "workingDays", "workingDays or days", "give exactly one of workingDays and days")
	}
	return nil
}

// CalendarView is the calendar in force on the ledger: every year it covers, each with
// its notice and whether the bureau filed it on this ledger (else it was shipped).
type CalendarView struct {
	ID      string              `json:"id"`
	Name    policy.LocalName    `json:"name"`
	Version int                 `json:"version"` // the ledger record's version, 0 when nothing was filed
	Years   []CalendarYearEntry `json:"years"`
}

// CalendarYearEntry is one covered year of a CalendarView.
type CalendarYearEntry struct {
	policy.CalendarYear
	Filed bool `json:"filed"` // filed on this ledger (else shipped with the chaincode)
}

// CalendarDeadline is a period's end on the ledger's calendar; Covered is false when a
// date of the period lies in a year no notice covers (then the count used weekends only,
// and the due time is provisional).
type CalendarDeadline struct {
	From     time.Time `json:"from"`
	Due      time.Time `json:"due"`
	Covered  bool      `json:"calendarCovered"`
	Calendar string    `json:"calendar"`
	Version  int       `json:"version"`
}

// Rules of the calendar.
var (
	RuleCalendarBureauOnly = NewRule("CALENDAR_BUREAU_ONLY", "Calendar_OnlyBureauFilesAYear",
		basis(guangdong("第二十三条（10个工作日内备案）"), futian("第十八条（5个工作日内）"), "working days per the State Council's yearly notice on holidays (国务院办公厅部分节假日安排的通知)"),
		"only the bureau files a year's holidays and make-up working days on the ledger")
	RuleCalendarCorrectionReason = NewRule("CALENDAR_CORRECTION_NEEDS_REASON", "Calendar_CorrectionNeedsAReason",
		basis(guangdong("第二十三条"), "a filed year replaces the one deadlines were counted on"),
		"filing a year the calendar already covers is a correction and must give its reason")
)

func init() {
	RegisterFuncs(
		W[FileCalendarYearRequest, CalendarRecord]("Calendar:FileYear", "file a year's holidays and make-up working days from its notice (bureau)"),
		R[Empty, CalendarView]("Calendar:Get", "the working-day calendar in force: every covered year and its notice (public)"),
		R[CalendarDeadlineRequest, CalendarDeadline]("Calendar:Deadline", "when a period of working days or days from a time ends on the calendar in force (public)"),
	)
}
