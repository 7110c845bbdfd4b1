package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// The two engines write a block by different paths (multi-row VALUES through
// database/sql on SQLite, a pipelined pgx batch of unnest arrays on PostgreSQL): the
// same blocks must leave the same rows in every table.
func TestStore_EnginesWriteTheSameRows(t *testing.T) {
	ctx := context.Background()
	lite, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := openPostgres(t)

	var blocks []*Block
	// block 0: many records (more than one VALUES chunk on SQLite), each with parties
	var cs []RecordChange
	for i := 0; i < 1700; i++ {
		cs = append(cs, rec(model.KindProduct, fmt.Sprint("p", i), 1, i%2 == 0, "op", "su"+fmt.Sprint(i%3)))
	}
	b := block(0, cs...)
	for i := 0; i < 1700; i += 2 {
		b.Edges = append(b.Edges, edge(model.KindProduct, fmt.Sprint("p", i), model.KindResource, "r1", "uses", b.Txs[i].ID))
	}
	b.Txs[5].Replay = "session-1"
	blocks = append(blocks, b)
	// block 1: records changed again (new parties, twice in the block: the last wins),
	// an invalid duplicate tx id, an edge set twice and an edge already stored
	b = block(1, rec(model.KindProduct, "p1", 2, true, "op"), rec(model.KindProduct, "p2", 2, false), rec(model.KindProduct, "p1", 3, false, "su9", "su9", ""),
		rec(model.KindGrant, "g1", 1, false, "op"))
	b.Txs[3].Valid, b.Txs[3].ValidationCode, b.Txs[3].ID = false, "DUPLICATE_TXID", b.Txs[0].ID
	b.Txs[1].Endorsers = nil
	b.Received = time.Unix(1700000100, 0)
	b.Edges = []EdgeAt{
		edge(model.KindGrant, "g9", model.KindResource, "r1", "uses", b.Txs[1].ID),
		edge(model.KindGrant, "g9", model.KindResource, "r1", "uses", b.Txs[2].ID),
		edge(model.KindProduct, "p0", model.KindResource, "r1", "uses", b.Txs[0].ID),
	}
	blocks = append(blocks, b)
	blocks = append(blocks, block(2)) // no transactions

	for _, s := range []*Store{lite, pg} {
		for _, b := range blocks {
			if err := s.ApplyBlock(ctx, b); err != nil {
				t.Fatalf("%s: block %d: %v", s.Engine(), b.Number, err)
			}
		}
	}
	for _, q := range []string{
		`SELECT number, hash, prev_hash, data_hash, time, tx_count, config, raw, received FROM blocks ORDER BY number`,
		`SELECT block, idx, id, valid, validation_code, creator_msp, creator_subject, endorsers, time, chaincode, function, event_type, replay FROM txs ORDER BY block, idx`,
		`SELECT kind, id, version, action, actor, tx_id, block, tx_index, time, public, parties, data, replay FROM record_versions ORDER BY kind, id, tx_id`,
		`SELECT kind, id, version, public, data, tx_id, block, time FROM records ORDER BY kind, id`,
		`SELECT party, kind, id FROM record_parties ORDER BY party, kind, id`,
		`SELECT from_kind, from_id, to_kind, to_id, rel, tx_id, block FROM edges ORDER BY from_kind, from_id, to_kind, to_id, rel`,
		`SELECT id, next, hash FROM checkpoint`,
	} {
		a, b := dump(t, lite, q), dump(t, pg, q)
		if a != b {
			t.Errorf("%s\nsqlite:\n%.2000s\npostgres:\n%.2000s", q, a, b)
		}
		if strings.Count(a, "\n") < 1 {
			t.Errorf("%s: no rows", q)
		}
	}
}

func dump(t *testing.T, s *Store, q string) string {
	rows, err := s.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				out.WriteString("|")
			}
			switch v := v.(type) {
			case []byte:
				fmt.Fprintf(&out, "%x", v)
			case nil:
				out.WriteString("NULL")
			default:
				fmt.Fprint(&out, v)
			}
		}
		out.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
