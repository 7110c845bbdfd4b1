package query

import (
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/explorer-api/store"
)

// TestTimeFlag_FarFromBlockFlagged: a transaction claiming a time more than the window
// from when its block was received (or, for a block indexed while catching up, from the
// block's median time) is flagged; a replayed one is marked by its session instead.
func TestTimeFlag_FarFromBlockFlagged(t *testing.T) {
	ix := &Index{}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	live := &store.Block{Time: now, Received: now.Add(time.Second)}
	caught := &store.Block{Time: now}
	cases := []struct {
		name string
		tx   store.Tx
		b    *store.Block
		flag bool
	}{
		{"on time", store.Tx{Valid: true, Time: now}, live, false},
		{"4 min early", store.Tx{Valid: true, Time: now.Add(-4 * time.Minute)}, live, false},
		{"1 hour ahead", store.Tx{Valid: true, Time: now.Add(time.Hour)}, live, true},
		{"1 hour behind the block's median", store.Tx{Valid: true, Time: now.Add(-time.Hour)}, caught, true},
		{"replayed", store.Tx{Valid: true, Time: now.AddDate(0, -3, 0), Replay: "demo-replay-1"}, live, false},
		{"invalid", store.Tx{Valid: false, Time: now.Add(time.Hour)}, live, false},
	}
	for _, c := range cases {
		got := ix.TimeFlag(&c.tx, c.b)
		if (got != "") != c.flag {
			t.Errorf("%s: flag %q, want flagged %v", c.name, got, c.flag)
		}
		if c.flag && !strings.HasPrefix(got, "TX_TIME_FAR_FROM_BLOCK") {
			t.Errorf("%s: flag %q has no code", c.name, got)
		}
	}
}
