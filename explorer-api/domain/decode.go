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

// refs maps a record field to the kind it refers to and the relation's name.
var refs = map[string]struct{ kind, rel string }{
	"resourceIds":      {"resource", "uses"},
	"resource":         {"resource", "concerns"},
	"authorizationId":  {"authorization", "under"},
	"authorizationIds": {"authorization", "under"},
	"authorization":    {"authorization", "under"},
	"grantIds":         {"grant", "made_under"},
	"grantId":          {"grant", "became"},
	"applicationId":    {"application", "from"},
	"product":          {"product", "of"},
	"derivedFrom":      {"product", "derived_from"},
	"stream":           {"logstream", "of"},
	"emergencyPlan":    {"emergencyplan", "has"},
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
		}
		out.Changes = append(out.Changes, c)
		out.Edges = append(out.Edges, Edges(string(r.Kind), r.ID, r.Data)...)
	}
	return out
}

// Edges extracts the references a record's data holds.
func Edges(kind, id string, data json.RawMessage) []Edge {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return nil
	}
	var out []Edge
	add := func(toKind, toID, rel string) {
		if toID != "" && !(toKind == kind && toID == id) {
			out = append(out, Edge{FromKind: kind, FromID: id, ToKind: toKind, ToID: toID, Rel: rel})
		}
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		ref, ok := refs[name]
		if !ok {
			continue
		}
		var one string
		var many []string
		switch {
		case json.Unmarshal(fields[name], &one) == nil:
			add(ref.kind, one, ref.rel)
		case json.Unmarshal(fields[name], &many) == nil:
			for _, v := range many {
				add(ref.kind, v, ref.rel)
			}
		}
	}
	// An application's data list names its resources.
	if kind == string(model.KindApplication) {
		var a struct {
			DataList []struct {
				Resource string `json:"resource"`
			} `json:"dataList"`
		}
		if json.Unmarshal(data, &a) == nil {
			for _, d := range a.DataList {
				add("resource", d.Resource, "requests")
			}
		}
	}
	return dedupe(out)
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

func dedupe(in []Edge) []Edge {
	seen := map[Edge]bool{}
	out := in[:0]
	for _, e := range in {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}
