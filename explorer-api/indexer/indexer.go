// Package indexer follows the channel's blocks from block 0 with fabric-gateway block
// events, verifies each one (previous-hash chain, data hash, orderer signature against
// the orderer organizations of the channel configuration) and stores it with its
// decoded records in one database transaction together with the checkpoint. A crash
// at any point leaves either the whole block or none of it, and the next start resumes
// at the block after the checkpoint: exactly once, no gap, no duplicate.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gwclient "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/explorer-api/domain"
	"github.com/pdledger/pdledger/explorer-api/store"
	"github.com/pdledger/pdledger/explorer-api/verify"
)

// Indexer indexes one channel into a store.
type Indexer struct {
	c         *client.Client
	s         *store.Store
	chaincode string
	log       *slog.Logger

	mu       sync.Mutex                      // serializes building the verifier; guards alarm
	verifier atomic.Pointer[verify.Verifier] // atomic: the API reads its organizations while a replay runs
	alarm    string                          // last verification failure; indexing stops at that block until it clears

	indexed   atomic.Uint64 // blocks indexed by this process
	next      atomic.Uint64 // next block number to index
	height    atomic.Uint64 // ledger height last seen from the peer
	failures  atomic.Uint64 // verification failures
	reconnect atomic.Uint64
	started   time.Time
}

// New returns an indexer reading through c (a least-privilege identity: block events
// need only channel read access).
func New(c *client.Client, s *store.Store, chaincode string, log *slog.Logger) *Indexer {
	if log == nil {
		log = slog.Default()
	}
	return &Indexer{c: c, s: s, chaincode: chaincode, log: log, started: time.Now()}
}

// Status is what /readyz and /metrics report.
type Status struct {
	Next          uint64 `json:"next"`   // next block to index = blocks indexed
	Height        uint64 `json:"height"` // ledger height at the peer
	Lag           uint64 `json:"lag"`    // height - next
	Indexed       uint64 `json:"indexedByThisProcess"`
	Failures      uint64 `json:"verificationFailures"`
	Reconnects    uint64 `json:"reconnects"`
	Alarm         string `json:"alarm,omitempty"`
	UptimeSeconds int64  `json:"uptimeSeconds"`
}

// Status reports progress.
func (ix *Indexer) Status() Status {
	ix.mu.Lock()
	alarm := ix.alarm
	ix.mu.Unlock()
	st := Status{Next: ix.next.Load(), Height: ix.height.Load(), Indexed: ix.indexed.Load(), Failures: ix.failures.Load(),
		Reconnects: ix.reconnect.Load(), Alarm: alarm, UptimeSeconds: int64(time.Since(ix.started).Seconds())}
	if st.Height > st.Next {
		st.Lag = st.Height - st.Next
	}
	return st
}

// checkContiguous is the start-up gap check: the store accepts only the next block, so
// blocks 0..next-1 must all be there; a missing one (rows deleted behind the indexer's
// back) raises the alarm and is named by /api/v1/verify.
func (ix *Indexer) checkContiguous(ctx context.Context) error {
	next, _, err := ix.s.Checkpoint(ctx)
	if err != nil {
		return err
	}
	blocks, _, _, _, err := ix.s.Counts(ctx)
	if err != nil {
		return err
	}
	if uint64(blocks) != next {
		ix.mu.Lock()
		ix.alarm = fmt.Sprintf("index holds %d blocks but its checkpoint is at %d: blocks are missing (see /api/v1/verify)", blocks, next)
		ix.mu.Unlock()
		ix.log.Error("indexer: GAP IN THE INDEX", "blocks", blocks, "next", next)
	}
	return nil
}

// Run indexes until ctx ends, reconnecting with backoff after any failure.
func (ix *Indexer) Run(ctx context.Context) error {
	if err := ix.checkContiguous(ctx); err != nil {
		return err
	}
	backoff := 500 * time.Millisecond
	for {
		err := ix.follow(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ix.reconnect.Add(1)
		ix.log.Warn("indexer: reconnecting", "err", err, "next", ix.next.Load(), "in", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		if backoff < 10*time.Second {
			backoff *= 2
		}
	}
}

// CatchUp indexes until the checkpoint reaches the ledger height seen at the start.
func (ix *Indexer) CatchUp(ctx context.Context) error {
	info, err := ix.c.ChainInfo(ctx)
	if err != nil {
		return err
	}
	for {
		next, _, err := ix.s.Checkpoint(ctx)
		if err != nil {
			return err
		}
		if next >= info.Height {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("catch up to %d: at %d: %w", info.Height, next, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (ix *Indexer) follow(ctx context.Context) error {
	next, last, err := ix.s.Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	ix.next.Store(next)
	if info, err := ix.c.ChainInfo(ctx); err == nil {
		ix.height.Store(info.Height)
	}
	if err := ix.ensureVerifier(ctx, next); err != nil {
		return err
	}
	sub, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := ix.c.Network().BlockEvents(sub, gwclient.WithStartBlock(next))
	if err != nil {
		return fmt.Errorf("block events from %d: %w", next, err)
	}
	for b := range events {
		n := b.GetHeader().GetNumber()
		if n+1 > ix.height.Load() {
			ix.height.Store(n + 1)
		}
		if n < next {
			continue // delivered again after a reconnect: already indexed
		}
		if n > next {
			return fmt.Errorf("block %d arrived while %d is next: gap, resubscribing", n, next)
		}
		// At the tip, the time a block arrives is the clock its transactions' claimed
		// times are held to (the explorer flags those far from it).
		var received time.Time
		if n+1 >= ix.height.Load() {
			received = time.Now()
		}
		if err := ix.index(ctx, b, last, received); err != nil {
			return err
		}
		last = verify.HeaderHash(b.GetHeader())
		next++
		ix.next.Store(next)
	}
	return errors.New("block event stream closed")
}

// LoadConfig reads the channel configuration as of the index's checkpoint (the genesis
// block and the config blocks already indexed) so that Orgs answers before Run has
// connected; Run does it itself when it was not called.
func (ix *Indexer) LoadConfig(ctx context.Context) error {
	next, _, err := ix.s.Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return ix.ensureVerifier(ctx, next)
}

// Orgs is the channel's organizations (MSP roots and revocation lists) as of the newest
// config block indexed or being indexed, for authenticating API callers; nil until the
// configuration was read. A config block's organizations apply once it verified, just
// before it is stored.
func (ix *Indexer) Orgs() *verify.Orgs {
	v := ix.verifier.Load()
	if v == nil {
		return nil
	}
	return v.Orgs()
}

// ensureVerifier builds the verifier from the genesis block and, on a resumed index,
// lets it see the configuration blocks already indexed so it knows the current
// organizations (the orderers for block signatures, every org for API callers).
// configBlock returns block n if it is a config block (nil if it is not), from the store,
// or from the peer when the store has lost the row: a gap in the index (which the
// verification reports) must not leave the explorer without the channel's organizations,
// or nobody, overseers included, could sign in to see the gap.
func (ix *Indexer) configBlock(ctx context.Context, n uint64) (blk *common.Block, fromPeer bool, err error) {
	b, err := ix.s.Block(ctx, n)
	if err != nil {
		got, perr := ix.c.Block(ctx, n)
		if perr != nil {
			return nil, false, fmt.Errorf("block %d: not in the index (%v) and not from the peer: %w", n, err, perr)
		}
		if !verify.IsConfig(got) {
			return nil, true, nil
		}
		return got, true, nil
	}
	if !b.Config {
		return nil, false, nil
	}
	blk = &common.Block{}
	if err := proto.Unmarshal(b.Raw, blk); err != nil {
		return nil, false, fmt.Errorf("stored block %d: %w", n, err)
	}
	return blk, false, nil
}

func (ix *Indexer) ensureVerifier(ctx context.Context, next uint64) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.verifier.Load() != nil {
		return nil
	}
	genesis, err := ix.c.Block(ctx, 0)
	if err != nil {
		return fmt.Errorf("genesis block: %w", err)
	}
	v, err := verify.NewVerifier(genesis)
	if err != nil {
		return fmt.Errorf("channel configuration: %w", err)
	}
	for n := uint64(1); n < next; n++ {
		blk, fromPeer, err := ix.configBlock(ctx, n)
		if err != nil {
			return err
		}
		if blk == nil {
			continue
		}
		if fromPeer {
			// not verified when it was indexed: its orderer signature must hold now
			if err := v.Orgs().CheckSignature(blk); err != nil {
				return fmt.Errorf("config block %d from the peer: %w", n, err)
			}
		}
		if err := v.Observe(blk); err != nil {
			return fmt.Errorf("config block %d: %w", n, err)
		}
	}
	ix.verifier.Store(v)
	return nil
}

func (ix *Indexer) index(ctx context.Context, b *common.Block, prev []byte, received time.Time) error {
	n := b.GetHeader().GetNumber()
	if n > 0 {
		if err := ix.verifier.Load().Verify(b, prev); err != nil {
			ix.failures.Add(1)
			ix.mu.Lock()
			ix.alarm = fmt.Sprintf("block %d refused: %v", n, err)
			ix.mu.Unlock()
			ix.log.Error("indexer: BLOCK VERIFICATION FAILED; not indexed", "block", n, "err", err)
			return err
		}
		if verify.IsConfig(b) {
			for _, why := range ix.verifier.Load().Orgs().Ignored {
				// the peers skip such a list too; an org's admins should replace it
				ix.log.Warn("indexer: revocation list does not verify; it revokes nothing", "list", why)
			}
		}
	}
	row, err := Convert(b, ix.chaincode)
	if err != nil {
		return fmt.Errorf("block %d: %w", n, err)
	}
	row.Received = received
	if err := ix.s.ApplyBlock(ctx, row); err != nil {
		return fmt.Errorf("store block %d: %w", n, err)
	}
	ix.mu.Lock()
	if strings.HasPrefix(ix.alarm, "block ") { // a refused block that now verified; a gap alarm stays
		ix.alarm = ""
	}
	ix.mu.Unlock()
	ix.indexed.Add(1)
	return nil
}

// Convert parses a block into the store's rows (pure: the verification endpoint
// re-derives rows with it to compare against the index).
func Convert(b *common.Block, chaincode string) (*store.Block, error) {
	info, err := client.ParseBlock(b)
	if err != nil {
		return nil, err
	}
	raw, err := proto.Marshal(b)
	if err != nil {
		return nil, err
	}
	row := &store.Block{Number: info.Number, Hash: info.HeaderHash, PrevHash: info.PreviousHash, DataHash: info.DataHash,
		TxCount: len(info.Txs), Raw: raw}
	var times []time.Time
	for _, t := range info.Txs {
		times = append(times, t.Timestamp)
		if t.Type == common.HeaderType_CONFIG.String() {
			row.Config = true
		}
		d := domain.Decode(t, chaincode)
		tx := store.Tx{ID: t.ID, Block: info.Number, Index: t.Index, Valid: t.Valid, ValidationCode: t.ValidationCode,
			CreatorMSP: t.Creator.MSPID, CreatorSubject: t.Creator.Subject, Time: t.Timestamp, Chaincode: t.Chaincode,
			Function: t.Function, EventType: d.EventType, Endorsers: []string{}, Replay: d.Replay}
		if tx.ID == "" { // config transactions carry no tx id
			tx.ID = fmt.Sprintf("block-%d-tx-%d", info.Number, t.Index)
		}
		for _, e := range t.Endorsers {
			tx.Endorsers = append(tx.Endorsers, e.MSPID)
		}
		for _, c := range d.Changes {
			tx.Records = append(tx.Records, store.RecordChange{Kind: c.Kind, ID: c.ID, Version: c.Version, Action: c.Action,
				Actor: c.Actor, Public: c.Public, Parties: c.Parties, Data: c.Data})
		}
		for _, e := range d.Edges {
			row.Edges = append(row.Edges, store.EdgeAt{Edge: store.Edge{FromKind: e.FromKind, FromID: e.FromID, ToKind: e.ToKind, ToID: e.ToID, Rel: e.Rel}, TxID: tx.ID})
		}
		row.Txs = append(row.Txs, tx)
	}
	row.Time = median(times)
	return row, nil
}

// median is a block's time: the median of the times its transactions claim (each chosen
// by its client), so that one transaction stamped far off does not move it.
func median(ts []time.Time) time.Time {
	if len(ts) == 0 {
		return time.Time{}
	}
	sorted := append([]time.Time(nil), ts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Before(sorted[j]) })
	return sorted[len(sorted)/2]
}
