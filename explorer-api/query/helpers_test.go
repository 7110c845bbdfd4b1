package query

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/domain"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// ledger indexes model records the way the indexer does (one transaction per record,
// parties and edges derived by package domain), without Fabric blocks.
type ledger struct {
	t    *testing.T
	st   *store.Store
	next uint64
	prev []byte
}

func newLedger(t *testing.T) *ledger {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &ledger{t: t, st: st}
}

func (l *ledger) index() *Index { return &Index{Store: l.st, Chaincode: "pdl"} }

// put stores one block with a transaction per record, each record at its next version.
func (l *ledger) put(recs ...model.Record) {
	l.t.Helper()
	n := l.next
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
	b := &store.Block{Number: n, Hash: []byte(fmt.Sprintf("hash-%d", n)), PrevHash: l.prev, DataHash: []byte{1}, Time: at, Raw: []byte{1}, TxCount: len(recs)}
	for i, r := range recs {
		m := r.GetMeta()
		m.Version++
		if m.UpdatedBy.Participant == "" {
			m.UpdatedBy = model.Actor{MSPID: "OperatorMSP", Participant: "op"}
		}
		data, err := json.Marshal(r)
		if err != nil {
			l.t.Fatal(err)
		}
		tx := store.Tx{ID: fmt.Sprintf("tx-%d-%d", n, i), Block: n, Index: i, Valid: true, ValidationCode: "VALID", CreatorMSP: "OperatorMSP",
			Endorsers: []string{"BureauMSP", "OperatorMSP"}, Time: at, Chaincode: "pdl", EventType: string(m.Kind) + ".put",
			Records: []store.RecordChange{{Kind: string(m.Kind), ID: m.ID, Version: m.Version, Action: "put", Actor: m.UpdatedBy.Participant,
				Public: m.Public, Parties: r.Parties(), Data: data}}}
		b.Txs = append(b.Txs, tx)
		for _, e := range domain.Edges(r) {
			b.Edges = append(b.Edges, store.EdgeAt{Edge: store.Edge{FromKind: e.FromKind, FromID: e.FromID, ToKind: e.ToKind, ToID: e.ToID, Rel: e.Rel}, TxID: tx.ID})
		}
	}
	if err := l.st.ApplyBlock(context.Background(), b); err != nil {
		l.t.Fatal(err)
	}
	l.next, l.prev = n+1, b.Hash
}

func meta(kind model.Kind, id string, public bool) model.Meta {
	return model.Meta{Kind: kind, ID: id, Public: public}
}

// render writes a tree as kind/id, "+N" for N hidden children, and children in
// parentheses, so a test compares a whole tree at once.
func render(n *Node) string {
	var b strings.Builder
	var walk func(n *Node)
	walk = func(n *Node) {
		b.WriteString(n.Kind + "/" + n.ID)
		if n.Hidden > 0 {
			fmt.Fprintf(&b, "+%d", n.Hidden)
		}
		if len(n.Children) > 0 {
			b.WriteString("(")
			for i, c := range n.Children {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(c)
			}
			b.WriteString(")")
		}
	}
	walk(n)
	return b.String()
}
