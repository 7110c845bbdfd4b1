package contracts

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// CalendarContract keeps the working-day calendar on the ledger: the bureau files each
// year's holidays and make-up working days from the State Council's notice, and every
// deadline counted after that counts on them (Tx.Profile merges the filed years into the
// profile's calendar). A deadline that reaches a year no notice covers is still computed
// — from weekends alone — and marked provisional (calendarCovered false).
type CalendarContract struct {
	base
}

func init() { register("Calendar", &CalendarContract{}) }

// FileYear files one year's arrangement, or corrects a year the calendar covers (with a
// reason). The year is checked as a calendar file is (dates real and in the year, make-up
// days on weekends, no day both), and so is the calendar it makes.
func (c *CalendarContract) FileYear(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Calendar:FileYear", request, func(tx *Tx, req *model.FileCalendarYearRequest) (model.Record, error) {
		if err := policy.CheckYear(req.Year); err != nil {
			return nil, calendarErr(err)
		}
		prof := tx.Policy()
		shipped, err := prof.P.WorkingCalendar()
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "profile calendar: %v", err)
		}
		if _, known := prof.Cal.YearOf(req.Year.Year); known && req.Reason == "" {
			return nil, model.RuleCalendarCorrectionReason.ViolationField("reason", "required for a correction",
				"the calendar covers %d already; a correction must give its reason", req.Year.Year)
		}
		var rec model.CalendarRecord
		exists, err := tx.GetIf(model.KindCalendar, shipped.ID(), &rec)
		if err != nil {
			return nil, err
		}
		years := []policy.CalendarYear{req.Year}
		for _, y := range rec.Years {
			if y.Year != req.Year.Year {
				years = append(years, y)
			}
		}
		sort.Slice(years, func(i, j int) bool { return years[i].Year < years[j].Year })
		if _, err := shipped.WithYears(years); err != nil {
			return nil, calendarErr(err)
		}
		rec.Years, rec.Reason = years, req.Reason
		tx.prof = nil // deadlines later in this transaction count on the new year
		if !exists {
			rec.Meta = model.Meta{ID: shipped.ID(), Kind: model.KindCalendar, Public: true}
			return &rec, tx.Create(&rec, "filed")
		}
		return &rec, tx.Update(&rec, "filed")
	}, withRoleRule(model.RuleCalendarBureauOnly, model.RoleBureau), withProfile())
}

// Get answers the calendar in force: the profile's calendar with the filed years.
func (c *CalendarContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Calendar:Get", request, func(tx *Tx, _ *model.Empty) (any, error) {
		prof, err := tx.Profile()
		if err != nil {
			return nil, err
		}
		out := &model.CalendarView{ID: prof.Cal.ID(), Name: prof.Cal.Name(), Version: prof.CalVersion, Years: []model.CalendarYearEntry{}}
		for _, y := range prof.Cal.Years() {
			cy, _ := prof.Cal.YearOf(y)
			out.Years = append(out.Years, model.CalendarYearEntry{CalendarYear: cy, Filed: prof.filed[y]})
		}
		return out, nil
	})
}

// Deadline answers when a period ends on the calendar in force.
func (c *CalendarContract) Deadline(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Calendar:Deadline", request, func(tx *Tx, req *model.CalendarDeadlineRequest) (any, error) {
		prof, err := tx.Profile()
		if err != nil {
			return nil, err
		}
		var d policy.Deadline
		if req.WorkingDays != nil {
			d, err = prof.Cal.Deadline(req.From, *req.WorkingDays)
		} else {
			d, err = prof.Cal.DaysDeadline(req.From, *req.Days)
		}
		if err != nil {
			return nil, model.Errf(model.CodeOutOfRange, "%v", err)
		}
		return &model.CalendarDeadline{From: req.From, Due: d.Due.UTC(), Covered: d.Covered, Calendar: prof.Cal.ID(), Version: prof.CalVersion}, nil
	})
}

// calendarErr is a calendar check's error as a request error naming the year's field.
func calendarErr(err error) error {
	var fe *policy.FieldError
	if errors.As(err, &fe) {
		field := "year"
		if fe.Field != "" {
			field = "year." + fe.Field
		}
		return model.FieldErr(model.CodeBadFormat, field, "", "%v", err)
	}
	return model.FieldErr(model.CodeBadFormat, "year", "", "%v", err)
}

// ledgerCalendars holds calendars merged with a ledger's filed years, by calendar id and
// the filing's version and transaction: merging is a pure function of those, and checking
// the merged calendar costs more than the rest of a simple filing.
var ledgerCalendars = struct {
	sync.Mutex
	m map[string]*policy.Calendar
}{m: map[string]*policy.Calendar{}}

// withFiledYears is the profile's calendar with the years filed on the ledger, and the
// filing record's version (0: none filed), and which years were filed.
func (tx *Tx) withFiledYears(shipped *policy.Calendar) (*policy.Calendar, int, map[int]bool, error) {
	var rec model.CalendarRecord
	ok, err := tx.GetIf(model.KindCalendar, shipped.ID(), &rec)
	if err != nil || !ok {
		return shipped, 0, nil, err
	}
	filed := map[int]bool{}
	for _, y := range rec.Years {
		filed[y.Year] = true
	}
	key := fmt.Sprintf("%s#%d#%s", shipped.ID(), rec.Version, rec.UpdatedTx)
	ledgerCalendars.Lock()
	cal, hit := ledgerCalendars.m[key]
	ledgerCalendars.Unlock()
	if hit {
		return cal, rec.Version, filed, nil
	}
	cal, err = shipped.WithYears(rec.Years)
	if err != nil {
		return nil, 0, nil, model.Errf(model.CodeInternal, "filed calendar %s v%d: %v", rec.ID, rec.Version, err)
	}
	ledgerCalendars.Lock()
	if len(ledgerCalendars.m) >= maxParsedProfiles {
		clear(ledgerCalendars.m)
	}
	ledgerCalendars.m[key] = cal
	ledgerCalendars.Unlock()
	return cal, rec.Version, filed, nil
}
