// Package domain turns a block's transactions into what the explorer indexes: the
// records each valid transaction changed (from the chaincode's typed pdl.event/v1
// payload), who may read them, and the references between records that provenance
// questions walk. It re-parses nothing at query time.
package domain

import (
	"encoding/json"
	"sort"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// Change is one record a transaction changed.
type Change struct {
	Kind    string
	ID      string
	Version int
	Action  string
	Public  bool
	Parties []string
	Actor   string // participant that made the change (its MSP when unbound)
	Data    json.RawMessage
}

// Edge is a reference from one record to another, written by the transaction that set it.
type Edge struct {
	FromKind, FromID, ToKind, ToID, Rel string
}

// Tx is the explorer's view of one transaction.
type Tx struct {
	client.TxInfo
	EventType string
	Changes   []Change
	Edges     []Edge
	// EventError is set when a valid transaction of the chaincode carried an event the
	// explorer cannot read (a schema it does not know): indexed, and reported.
	EventError string
	// Replay is the replay session the transaction ran under (model.Event.Replay).
	Replay string
}

// Decode builds the explorer's transaction from a parsed one. Invalid transactions
// change nothing, so they carry no changes or edges.
func Decode(t client.TxInfo, chaincode string) Tx {
	out := Tx{TxInfo: t, EventType: t.EventName}
	if !t.Valid || t.Chaincode != chaincode || len(t.EventPayload) == 0 {
		return out
	}
	ev, err := model.ParseEvent(t.EventPayload)
	if err != nil {
		out.EventError = err.Error()
		return out
	}
	out.EventType, out.Replay = ev.Type, ev.Replay
	for _, r := range ev.Records {
		c := Change{Kind: string(r.Kind), ID: r.ID, Version: r.Version, Action: r.Action, Public: r.Public, Data: r.Data, Parties: []string{}}
		if rec := model.NewRecord(r.Kind); rec != nil && json.Unmarshal(r.Data, rec) == nil {
			c.Parties = uniq(rec.Parties())
			by := rec.GetMeta().UpdatedBy
			c.Actor = by.Participant
			if c.Actor == "" {
				c.Actor = by.MSPID
			}
			out.Edges = append(out.Edges, Edges(rec)...)
		}
		out.Changes = append(out.Changes, c)
	}
	return out
}

// Edges are the references a record holds (model.References), as the explorer stores
// them.
func Edges(rec model.Record) []Edge {
	m := rec.GetMeta()
	var out []Edge
	for _, r := range model.References(rec) {
		out = append(out, Edge{FromKind: string(m.Kind), FromID: m.ID, ToKind: string(r.Kind), ToID: r.ID, Rel: r.Rel})
	}
	return out
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
