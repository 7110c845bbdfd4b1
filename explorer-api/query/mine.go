package query

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Mine is a page of the current records of kind that who is a party to, ordered by id,
// with the cursor of the next page. Only versions who may read come back (the same rule
// as the chaincode's, model.CanReadVersion); an identity bound to no active participant
// has no records (ErrUnbound).
func (ix *Index) Mine(ctx context.Context, who model.Reader, kind model.Kind, limit int, after string) ([]store.Record, string, error) {
	if who.Participant == "" || !who.Active {
		return nil, "", ErrUnbound
	}
	rs, next, err := ix.Store.Records(ctx, store.RecordQuery{Kind: string(kind), Party: who.Participant, Limit: limit, After: after})
	if err != nil {
		return nil, "", err
	}
	out := rs[:0]
	for _, r := range rs {
		if model.CanReadVersion(r.Public, r.Parties, who) {
			out = append(out, r)
		}
	}
	return out, next, nil
}

// Obligation is an open deadline a participant must meet: an agreement to file, a report
// to hand in, a review to decide, a rectification, a deletion to confirm.
type Obligation struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Path is where the deadline stands in the record (e.g. "steps[1].deadline").
	Path    string    `json:"path"`
	What    string    `json:"what"`
	Due     time.Time `json:"due"`
	Rule    string    `json:"rule"`
	Overdue bool      `json:"overdue"`
	// CalendarCovered is false when the due date was computed with weekends only (the
	// ledger had no holiday calendar for that year), so it may fall on a holiday.
	CalendarCovered bool   `json:"calendarCovered"`
	TxID            string `json:"txId"`
}

// MaxObligationRecords bounds the records Obligations reads for one caller.
const MaxObligationRecords = 20000

// Obligations lists the open deadlines (model.Deadline.Open) that who must meet — its
// participant is the deadline's party — in the records who may read, the earliest
// due first; Overdue is judged at now. complete is false when more than
// MaxObligationRecords records of the kinds that hold deadlines were to be read. An
// identity bound to no active participant has none (ErrUnbound).
func (ix *Index) Obligations(ctx context.Context, who model.Reader, now time.Time) (obligations []Obligation, complete bool, err error) {
	if who.Participant == "" || !who.Active {
		return nil, false, ErrUnbound
	}
	// the records who may read — its own, or every record for the bureau and regulators,
	// whose reviews stand in records they are not a party to — of the kinds that can hold
	// a deadline (a trade or a log anchor never does, and there are many of them)
	party := who.Participant
	if who.Role == model.RoleBureau || who.Role == model.RoleRegulator {
		party = ""
	}
	out := []Obligation{}
	read := 0
	for _, kind := range model.DeadlineKinds() {
		if read >= MaxObligationRecords {
			break
		}
		q := store.RecordQuery{Kind: string(kind), Party: party, Limit: 500, NoParties: true}
		err := ix.pages(ctx, q, func(rs []store.Record) bool {
			read += len(rs)
			for _, r := range rs {
				var v any
				if json.Unmarshal(r.Data, &v) != nil {
					continue
				}
				deadlines(v, "", func(path string, d model.Deadline) {
					// a deadline is a field of a record, never the record itself
					if path == "" || d.Party != who.Participant || !d.Open() {
						return
					}
					out = append(out, Obligation{Kind: r.Kind, ID: r.ID, Path: path[1:], What: d.What, Due: d.Due, Rule: d.Rule,
						Overdue: d.Overdue(now), CalendarCovered: d.Covered, TxID: r.TxID})
				})
			}
			return read < MaxObligationRecords
		})
		if err != nil {
			return nil, false, err
		}
	}
	// by due time; equal ones keep their record order
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out, read < MaxObligationRecords, nil
}
