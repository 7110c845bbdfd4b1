package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/indexer"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// ErrBadRange is a verification range that names no indexed block.
var ErrBadRange = errors.New("bad block range")

// Mismatch is one difference between the index and the ledger.
type Mismatch = model.VerifyMismatch

// Verification is a chain verification report over blocks [From, To).
type Verification = model.VerifyReport

func mismatch(block uint64, code, detail string) Mismatch {
	return Mismatch{Block: block, Code: code, Detail: detail}
}

// DefaultVerifyBlocks is the most blocks one Verify checks unless Index.VerifyBlocks says
// otherwise.
const DefaultVerifyBlocks = model.DefaultVerifyBlocks

// Verify re-reads each block from the peer and compares it with the index: the block
// hash, the hash chain, and every row derived from it (transactions, record versions),
// so a changed row in the index is found; then it holds the records last written in
// those blocks against world state.
//
// It checks blocks first through last, never past the last indexed block and at most
// VerifyBlocks of them: with first nil, the range ends at last (nil: the last indexed
// block) and starts VerifyBlocks before, so the default is the newest page; with first
// set, a longer range stops early and Next names where the next page starts. Only the
// checkpoint read and a range that names no indexed block (ErrBadRange) fail it: every
// other difference or failure is a Mismatch of the report. The first block of a range is
// linked to the block before it, so pages verified one after another check every link.
func (ix *Index) Verify(ctx context.Context, first, last *uint64) (*Verification, error) {
	next, _, err := ix.Store.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	if first != nil && last != nil && *last < *first {
		return nil, fmt.Errorf("%w: the last block %d comes before the first %d", ErrBadRange, *last, *first)
	}
	if first != nil && *first >= next {
		return nil, fmt.Errorf("%w: block %d is not indexed yet (the index holds blocks below %d)", ErrBadRange, *first, next)
	}
	end := next
	if last != nil && *last < next {
		end = *last + 1
	}
	page := uint64(DefaultVerifyBlocks)
	if ix.VerifyBlocks > 0 {
		page = uint64(ix.VerifyBlocks)
	}
	from := uint64(0)
	if first != nil {
		from = *first
	} else if end > page {
		from = end - page
	}
	to := end
	var more *uint64
	if to > from && to-from > page {
		to = from + page
		more = &to
	}
	if from > to {
		to = from
	}
	started := time.Now()
	problems := []Mismatch{}
	var prevHash []byte
	linked := false // prevHash holds the stored hash of block n-1
	if from > 0 {
		if prev, err := ix.Store.Block(ctx, from-1); err == nil {
			prevHash, linked = prev.Hash, true
		}
	}
	for n := from; n < to; n++ {
		stored, err := ix.Store.Block(ctx, n)
		if err != nil {
			problems = append(problems, mismatch(n, "INDEX_BLOCK_MISSING", err.Error()))
			continue
		}
		if (n > from || linked) && !bytes.Equal(stored.PrevHash, prevHash) {
			problems = append(problems, mismatch(n, "INDEX_CHAIN_BROKEN", "stored previous hash does not match the stored hash of block "+strconv.FormatUint(n-1, 10)))
		}
		prevHash = stored.Hash
		raw := stored.Raw
		source := "index"
		if ix.Ledger != nil {
			if raw, err = ix.Ledger.BlockBytes(ctx, n); err != nil {
				problems = append(problems, mismatch(n, "LEDGER_UNREADABLE", err.Error()))
				continue
			}
			source = "ledger"
		}
		var b common.Block
		if err := proto.Unmarshal(raw, &b); err != nil {
			problems = append(problems, mismatch(n, "BLOCK_UNREADABLE", source+": "+err.Error()))
			continue
		}
		want, err := indexer.Convert(&b, ix.Chaincode)
		if err != nil {
			problems = append(problems, mismatch(n, "BLOCK_UNREADABLE", err.Error()))
			continue
		}
		if !bytes.Equal(want.Hash, stored.Hash) {
			problems = append(problems, mismatch(n, "INDEX_BLOCK_HASH_DIFFERS", fmt.Sprintf("index has %x, %s has %x", stored.Hash, source, want.Hash)))
		}
		problems = append(problems, ix.compareRows(ctx, n, want)...)
	}
	stateChecked := 0
	if ix.Ledger != nil {
		var sp []Mismatch
		stateChecked, sp = ix.compareState(ctx, from, to)
		problems = append(problems, sp...)
	}
	return &Verification{From: from, To: to, BlocksChecked: to - from, Next: more, OK: len(problems) == 0,
		ComparedWith: map[bool]string{true: "ledger (peer)", false: "stored raw blocks"}[ix.Ledger != nil],
		Mismatches:   problems, StateChecked: stateChecked, Seconds: time.Since(started).Seconds()}, nil
}

// compareState holds every indexed record last written in blocks [from, to) against world
// state (System:Digests): a record whose latest indexed version differs from what the
// ledger holds was changed without an event the index saw (INDEX_STATE_DIFFERS).
func (ix *Index) compareState(ctx context.Context, from, to uint64) (int, []Mismatch) {
	var out []Mismatch
	checked := 0
	q := store.RecordQuery{Limit: 500, NoParties: true, Blocks: &store.BlockRange{From: from, To: to}}
	err := ix.pages(ctx, q, func(batch []store.Record) bool {
		for i := 0; i < len(batch); i += 200 {
			part := batch[i:min(i+200, len(batch))]
			refs := make([]model.RecordRef, len(part))
			for j, r := range part {
				refs[j] = model.RecordRef{Kind: model.Kind(r.Kind), ID: r.ID}
			}
			ds, err := ix.Ledger.StateDigests(ctx, refs)
			if err != nil || len(ds) != len(part) {
				out = append(out, mismatch(part[0].Block, "LEDGER_UNREADABLE", fmt.Sprintf("state digests: %v (%d answers for %d records)", err, len(ds), len(part))))
				return false
			}
			for j, r := range part {
				checked++
				d := ds[j]
				switch {
				case d.Missing:
					out = append(out, mismatch(r.Block, "INDEX_STATE_DIFFERS", fmt.Sprintf("%s %s v%d is indexed but not in world state", r.Kind, r.ID, r.Version)))
				case d.Version != r.Version || d.Digest != gm.SumHex(r.Data):
					out = append(out, mismatch(r.Block, "INDEX_STATE_DIFFERS", fmt.Sprintf("%s %s: index has v%d (tx %s), world state has v%d with other content", r.Kind, r.ID, r.Version, r.TxID, d.Version)))
				}
			}
		}
		return true
	})
	if err != nil {
		out = append(out, mismatch(0, "INDEX_UNREADABLE", err.Error()))
	}
	return checked, out
}

// compareRows holds the rows indexed for block n against want, the rows the block
// derives (indexer.Convert).
func (ix *Index) compareRows(ctx context.Context, n uint64, want *store.Block) []Mismatch {
	var out []Mismatch
	got, err := ix.Store.TxsOfBlock(ctx, n)
	if err != nil {
		return []Mismatch{mismatch(n, "INDEX_TXS_UNREADABLE", err.Error())}
	}
	if len(got) != len(want.Txs) {
		return []Mismatch{mismatch(n, "INDEX_TX_COUNT_DIFFERS", fmt.Sprintf("index has %d transactions, the block %d", len(got), len(want.Txs)))}
	}
	for i, w := range want.Txs {
		g := got[i]
		if g.ID != w.ID || g.Valid != w.Valid || g.ValidationCode != w.ValidationCode || g.EventType != w.EventType || g.CreatorMSP != w.CreatorMSP {
			out = append(out, mismatch(n, "INDEX_TX_DIFFERS", fmt.Sprintf("tx %d: index (%s %s %s) vs block (%s %s %s)", i, g.ID, g.ValidationCode, g.EventType, w.ID, w.ValidationCode, w.EventType)))
			continue
		}
		for _, rc := range w.Records {
			vs, err := ix.Store.RecordVersions(ctx, rc.Kind, rc.ID)
			if err != nil {
				out = append(out, mismatch(n, "INDEX_RECORD_MISSING", fmt.Sprintf("%s %s: %v", rc.Kind, rc.ID, err)))
				continue
			}
			found := false
			for _, v := range vs {
				if v.TxID == w.ID {
					found = true
					if !jsonEqual(v.Data, rc.Data) || v.Version != rc.Version {
						out = append(out, mismatch(n, "INDEX_RECORD_DIFFERS", fmt.Sprintf("%s %s v%d written by tx %s differs from the ledger", rc.Kind, rc.ID, rc.Version, w.ID)))
					}
				}
			}
			if !found {
				out = append(out, mismatch(n, "INDEX_RECORD_MISSING", fmt.Sprintf("%s %s v%d of tx %s is not indexed", rc.Kind, rc.ID, rc.Version, w.ID)))
			}
		}
	}
	// the current version of each record must equal its latest indexed version
	for _, w := range want.Txs {
		for _, rc := range w.Records {
			cur, err := ix.Store.Record(ctx, rc.Kind, rc.ID)
			if err != nil {
				continue
			}
			vs, err := ix.Store.RecordVersions(ctx, rc.Kind, rc.ID)
			if err != nil || len(vs) == 0 {
				continue
			}
			last := vs[len(vs)-1]
			if cur.TxID == last.TxID && !jsonEqual(cur.Data, last.Data) {
				out = append(out, mismatch(n, "INDEX_RECORD_DIFFERS", fmt.Sprintf("current %s %s differs from its last indexed version", rc.Kind, rc.ID)))
			}
		}
	}
	return out
}

// jsonEqual compares JSON by value: the database may store it with other spacing or key
// order than the block carries.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}
