package query

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Proof locates a record version on the ledger: the transaction that wrote it, its
// block and block hash, the organizations whose peers endorsed it, and its time.
type Proof struct {
	TxID       string    `json:"txId"`
	Block      uint64    `json:"blockNumber"`
	BlockHash  string    `json:"blockHash"`
	Endorsers  []string  `json:"endorsingOrgs"`
	Time       time.Time `json:"time"`
	Validation string    `json:"validationCode"`
	Replay     string    `json:"replay,omitempty"`   // the replay session that wrote this version
	TimeFlag   string    `json:"timeFlag,omitempty"` // why its time is suspect (Index.TimeFlag)
}

// Proof is the proof of the transaction txID, nil when it is not indexed: an answer
// without its proof is still an answer.
func (ix *Index) Proof(ctx context.Context, txID string) *Proof {
	tx, err := ix.Store.Tx(ctx, txID)
	if err != nil {
		return nil
	}
	b, err := ix.Store.Block(ctx, tx.Block)
	if err != nil {
		return nil
	}
	return &Proof{TxID: tx.ID, Block: tx.Block, BlockHash: hex.EncodeToString(b.Hash), Endorsers: tx.Endorsers, Time: tx.Time, Validation: tx.ValidationCode,
		Replay: tx.Replay, TimeFlag: ix.TimeFlag(tx, b)}
}

// DefaultTimeWindow is how far a transaction's claimed time may be from its block's
// before the explorer flags it (the chaincode servers' default window).
const DefaultTimeWindow = 5 * time.Minute

// TimeFlag says why a transaction's time is suspect, "" when it is not. A transaction's
// time is chosen by its client; every org's chaincode server refuses one outside its
// window, so a flagged transaction means an endorser's clock or window is off (or a
// majority agreed to a forged time). The reference is when the explorer received the
// block at the tip of the ledger, else the block's median claimed time. Replayed
// transactions are marked by their session instead.
func (ix *Index) TimeFlag(t *store.Tx, b *store.Block) string {
	if t.Replay != "" || !t.Valid || t.Time.IsZero() || b == nil {
		return ""
	}
	window := ix.TimeWindow
	if window == 0 {
		window = DefaultTimeWindow
	}
	ref, what := b.Time, "the median time of its block"
	if !b.Received.IsZero() {
		ref, what = b.Received, "when the explorer received its block"
	}
	if d := t.Time.Sub(ref); d > window || d < -window {
		return fmt.Sprintf("TX_TIME_FAR_FROM_BLOCK: claimed %s, %s off %s (%s)", t.Time.In(model.CST).Format(time.RFC3339), d.Round(time.Second), what, ref.In(model.CST).Format(time.RFC3339))
	}
	return ""
}
