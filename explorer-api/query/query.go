// Package query answers the explorer's questions from the index: may the caller read a
// record, where did a resource go (provenance), may a product be traded (product check),
// what is overdue or out of bounds (compliance), and does the index still equal the
// ledger (verification). It is the one place these answers are computed; the REST API
// (package api) only parses requests and serializes what it returns.
//
// Functions take a context.Context and plain inputs — the caller as a model.Reader, ids,
// a clock reading — and return plain structs; they know nothing of HTTP. Domain rules come
// from chaincode/model (visibility, provenance relations, record types), never from a
// copy here.
package query

import (
	"context"
	"errors"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Ledger is what the explorer reads from the peer (for verification and readiness).
type Ledger interface {
	ChainInfo(ctx context.Context) (*client.ChainInfo, error)
	BlockBytes(ctx context.Context, n uint64) ([]byte, error)
	// StateDigests answers System:Digests: each record's version and the SM3 of the
	// bytes world state holds for it.
	StateDigests(ctx context.Context, refs []model.RecordRef) ([]model.StateDigest, error)
}

// Index is the explorer's index as its questions see it.
type Index struct {
	Store *store.Store
	// Ledger is the peer verification re-reads blocks and world state from; nil compares
	// the index with the raw blocks it stored.
	Ledger Ledger
	// Chaincode is the chaincode whose events the index holds (verification re-derives
	// each block's rows for it).
	Chaincode string
	// TimeWindow: transactions whose claimed time is farther than this from their block's
	// are flagged (DefaultTimeWindow when zero).
	TimeWindow time.Duration
	// VerifyBlocks is the most blocks one Verify checks (DefaultVerifyBlocks when zero).
	VerifyBlocks int
}

// ErrAccessDenied is a record the caller may not read. It is distinct from
// store.ErrNotFound: hiding a record's existence would claim more secrecy than the
// chaincode, which answers ACCESS_DENIED too.
var ErrAccessDenied = errors.New("access denied")

// CanRead is the chaincode's visibility rule (model.CanReadVersion) applied to an
// indexed record version.
func CanRead(who model.Reader, r *store.Record) bool {
	return model.CanReadVersion(r.Public, r.Parties, who)
}

// Readable returns the current version of a record the caller may read:
// store.ErrNotFound when it is not indexed, ErrAccessDenied when the caller may not
// read it.
func (ix *Index) Readable(ctx context.Context, who model.Reader, kind model.Kind, id string) (*store.Record, error) {
	r, err := ix.Store.Record(ctx, string(kind), id)
	if err != nil {
		return nil, err
	}
	if !CanRead(who, r) {
		return nil, ErrAccessDenied
	}
	return r, nil
}

// pages reads the records q selects a page (q.Limit records) at a time and hands each
// page to page, until the last page or until page returns false.
func (ix *Index) pages(ctx context.Context, q store.RecordQuery, page func([]store.Record) bool) error {
	for {
		rs, next, err := ix.Store.Records(ctx, q)
		if err != nil {
			return err
		}
		if !page(rs) || next == "" {
			return nil
		}
		q.After = next
	}
}
