package model

import (
	"encoding/json"
	"time"
)

// EventSchema versions the chaincode event payload. A consumer that sees another schema
// must not guess.
const EventSchema = "pdl.event/v1"

// Event is the one chaincode event of a transaction (Fabric keeps only one per
// transaction). Its Fabric event name is Type. Records lists every record the
// transaction changed, in the order they were written, with the record as stored.
type Event struct {
	Schema   string        `json:"schema"`
	Type     string        `json:"type"`
	Function string        `json:"function"`
	TxID     string        `json:"txId"`
	Time     time.Time     `json:"time"`
	Actor    Actor         `json:"actor"`
	Records  []EventRecord `json:"records"`
	// Replay names the open replay session (System:OpenReplay) the transaction ran under:
	// its time is the one the replaying client claimed, not checked against the clocks of
	// the endorsers. Every record the transaction changed carries that mark.
	Replay string `json:"replay,omitempty"`
}

// EventRecord is one changed record in an Event.
type EventRecord struct {
	Kind    Kind            `json:"kind"`
	ID      string          `json:"id"`
	Version int             `json:"version"`
	Action  string          `json:"action"` // registered, signed, suspended, ...
	Public  bool            `json:"public"`
	Data    json.RawMessage `json:"data"`
}

// EventType is the event name for an action on a kind: "authorization.signed".
func EventType(k Kind, action string) string { return string(k) + "." + action }

// ParseEvent decodes an event payload and checks its schema.
func ParseEvent(payload []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(payload, &e); err != nil {
		return nil, err
	}
	if e.Schema != EventSchema {
		return nil, Errf(CodeBadFormat, "event schema %q, want %q", e.Schema, EventSchema)
	}
	return &e, nil
}
