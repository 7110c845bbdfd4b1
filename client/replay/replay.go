// Package replay loads dated history into a ledger — the demo's three months of the
// Longhua pilot — through a replay session the ledger itself records.
//
// Fabric takes a transaction's time from the client's proposal; every org's chaincode
// server refuses a time outside its window of its own clock (TX_TIME_SKEW). Only while the
// bureau has a replay session open (System:OpenReplay), and only on servers whose operator
// allows replay (a network started for a demo), are other times accepted — and every
// transaction of the session is marked with it on the ledger and in the explorer.
package replay

import (
	"context"
	"fmt"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/internal/stamp"
)

// Session is an open replay session.
type Session struct {
	ID     string
	bureau *client.Client
}

// Open opens a replay session as the bureau (the client must act for it).
func Open(ctx context.Context, bureau *client.Client, id, reason string) (*Session, error) {
	if _, err := bureau.Submit(ctx, "System:OpenReplay", model.OpenReplayRequest{Request: model.Request{ID: id}, Reason: reason}); err != nil {
		return nil, fmt.Errorf("open replay session %s: %w", id, err)
	}
	return &Session{ID: id, bureau: bureau}, nil
}

// At returns a context under which any client's submissions carry transaction time t.
// The ledger accepts them only while this session is open.
func (s *Session) At(ctx context.Context, t time.Time) context.Context { return At(ctx, t) }

// At stamps submissions under ctx with time t, session or not: every org's chaincode
// server refuses a time outside its window unless a replay session is open (tests of
// that refusal use it).
func At(ctx context.Context, t time.Time) context.Context { return stamp.With(ctx, t) }

// Close closes the session: from then on every proposal is held to the endorsers' clocks.
func (s *Session) Close(ctx context.Context) error {
	if _, err := s.bureau.Submit(ctx, "System:CloseReplay", model.CloseReplayRequest{Request: model.Request{ID: s.ID + "-close"}, Replay: s.ID}); err != nil {
		return fmt.Errorf("close replay session %s: %w", s.ID, err)
	}
	return nil
}
