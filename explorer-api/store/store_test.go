package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// engines runs f against SQLite and, when PDL_TEST_POSTGRES names a server, PostgreSQL
// (a fresh database per test). make test starts one (scripts/pg.sh); without it the
// PostgreSQL half fails under CI and is reported as not run elsewhere.
// TestMain gives the PostgreSQL half a server: PDL_TEST_POSTGRES when set (make test
// sets it), else a throwaway cluster started with scripts/pg.sh for this run.
func TestMain(m *testing.M) {
	stop := func() {}
	if os.Getenv("PDL_TEST_POSTGRES") == "" {
		dsn, s, err := startPostgres()
		if err != nil {
			fmt.Fprintf(os.Stderr, "store tests need PostgreSQL (scripts/ci-deps.sh installs it): %v\n", err)
			os.Exit(1)
		}
		os.Setenv("PDL_TEST_POSTGRES", dsn)
		stop = s
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

func startPostgres() (string, func(), error) {
	root, err := os.Getwd()
	if err != nil {
		return "", nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "scripts", "pg.sh")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", nil, fmt.Errorf("scripts/pg.sh not found above the test directory")
		}
		root = parent
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	env := append(os.Environ(), "PDL_PG_DIR="+filepath.Join(os.TempDir(), "pdledger-pg-store-"+strconv.Itoa(os.Getpid())), "PDL_PG_PORT="+port)
	run := func(arg string) (string, error) {
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "pg.sh"), arg)
		cmd.Env = env
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	dsn, err := run("start")
	if err != nil {
		return "", nil, fmt.Errorf("scripts/pg.sh start: %w", err)
	}
	return dsn, func() { run("stop") }, nil
}

func engines(t *testing.T, f func(t *testing.T, s *Store)) {
	enginesDSN(t, func(t *testing.T, s *Store, _ string) { f(t, s) })
}

// enginesDSN is engines with the store's DSN (to open it again).
func enginesDSN(t *testing.T, f func(t *testing.T, s *Store, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "index.db")
		s, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		f(t, s, dsn)
	})
	t.Run("postgres", func(t *testing.T) {
		s, dsn := openPostgresDSN(t)
		defer s.Close()
		f(t, s, dsn)
	})
}

func openPostgres(t testing.TB) *Store {
	s, _ := openPostgresDSN(t)
	return s
}

func openPostgresDSN(t testing.TB) (*Store, string) {
	base := os.Getenv("PDL_TEST_POSTGRES") // set by TestMain when the caller gave none
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("pdl_test_%d", time.Now().UnixNano())
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + name
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			a.Close()
		}
	})
	s, err := Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, u.String()
}

func hash(n uint64) []byte {
	h := sha256.Sum256([]byte(fmt.Sprint("block", n)))
	return h[:]
}

func rec(kind model.Kind, id string, version int, public bool, parties ...string) RecordChange {
	data, _ := json.Marshal(map[string]any{"id": id, "kind": kind, "version": version})
	return RecordChange{Kind: string(kind), ID: id, Version: version, Action: "changed", Actor: "op", Public: public, Parties: parties, Data: data}
}

// edge is a reference set by transaction tx.
func edge(from model.Kind, fromID string, to model.Kind, toID, rel, tx string) EdgeAt {
	return EdgeAt{Edge{string(from), fromID, string(to), toID, rel}, tx}
}

// block n with one valid transaction per record change given.
func block(n uint64, changes ...RecordChange) *Block {
	b := &Block{Number: n, Hash: hash(n), DataHash: hash(n + 1000), Time: time.Unix(1700000000+int64(n), 0).UTC(), Raw: []byte{byte(n)}}
	if n > 0 {
		b.PrevHash = hash(n - 1)
	}
	for i, c := range changes {
		b.Txs = append(b.Txs, Tx{ID: fmt.Sprintf("tx-%d-%d", n, i), Block: n, Index: i, Valid: true, ValidationCode: "VALID", CreatorMSP: "OperatorMSP",
			Endorsers: []string{"BureauMSP", "OperatorMSP"}, Time: b.Time, Chaincode: "pdl", Function: "F", EventType: c.Kind + ".changed", Records: []RecordChange{c}})
	}
	b.TxCount = len(b.Txs)
	return b
}

func TestStore_ApplyBlocksInOrderOnly(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if next, _, _ := s.Checkpoint(ctx); next != 0 {
			t.Fatalf("empty store next %d", next)
		}
		if err := s.ApplyBlock(ctx, block(1)); !errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("block 1 first: %v", err)
		}
		for n := uint64(0); n < 3; n++ {
			if err := s.ApplyBlock(ctx, block(n, rec(model.KindResource, fmt.Sprint("r", n), 1, true, "su1"))); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ApplyBlock(ctx, block(2)); !errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("duplicate block 2: %v", err)
		}
		bad := block(3)
		bad.PrevHash = hash(99)
		if err := s.ApplyBlock(ctx, bad); !errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("wrong previous hash: %v", err)
		}
		next, last, err := s.Checkpoint(ctx)
		if err != nil || next != 3 || string(last) != string(hash(2)) {
			t.Fatalf("checkpoint %d %x %v", next, last, err)
		}
		b, err := s.BlockByHash(ctx, hash(1))
		if err != nil || b.Number != 1 || b.TxCount != 1 {
			t.Fatalf("block by hash: %+v %v", b, err)
		}
	})
}

func TestStore_FailedBlockLeavesNothing(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.ApplyBlock(ctx, block(0, rec(model.KindResource, "r0", 1, true))); err != nil {
			t.Fatal(err)
		}
		// the same record twice in one transaction violates the version key mid-block
		b := block(1, rec(model.KindProduct, "p1", 1, true), rec(model.KindProduct, "p2", 1, true))
		b.Txs[1].Records = append(b.Txs[1].Records, rec(model.KindProduct, "p2", 1, true))
		if err := s.ApplyBlock(ctx, b); err == nil {
			t.Fatal("a block failing mid-way was stored")
		}
		bl, txs, records, versions, err := s.Counts(ctx)
		if err != nil || bl != 1 || txs != 1 || records != 1 || versions != 1 {
			t.Fatalf("after the failed block: %d blocks %d txs %d records %d versions %v", bl, txs, records, versions, err)
		}
		if _, err := s.Record(ctx, string(model.KindProduct), "p1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("p1 of the failed block: %v", err)
		}
		if next, _, _ := s.Checkpoint(ctx); next != 1 {
			t.Fatalf("checkpoint moved to %d", next)
		}
		if err := s.ApplyBlock(ctx, block(1, rec(model.KindProduct, "p1", 1, true))); err != nil {
			t.Fatalf("the block again, fixed: %v", err)
		}
	})
}

func TestStore_InvalidTxChangesNoRecord(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := block(0, rec(model.KindResource, "r1", 1, true), rec(model.KindResource, "r2", 1, true))
		b.Txs[1].Valid, b.Txs[1].ValidationCode = false, "MVCC_READ_CONFLICT"
		b.Txs[1].ID = b.Txs[0].ID // Fabric keeps duplicate tx ids, invalidated
		if err := s.ApplyBlock(ctx, b); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Record(ctx, string(model.KindResource), "r2"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("invalid tx changed r2: %v", err)
		}
		tx, err := s.Tx(ctx, b.Txs[0].ID)
		if err != nil || !tx.Valid || len(tx.Records) != 1 {
			t.Fatalf("tx by id: %+v %v", tx, err)
		}
		txs, _ := s.TxsOfBlock(ctx, 0)
		if len(txs) != 2 || txs[1].ValidationCode != "MVCC_READ_CONFLICT" {
			t.Fatalf("txs of block: %+v", txs)
		}
	})
}

func TestStore_VersionsPartiesVisibilityEdges(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b0 := block(0, rec(model.KindApplication, "a1", 1, false, "op", "su1"), rec(model.KindResource, "r1", 1, true, "su1"))
		b0.Edges = []EdgeAt{edge(model.KindApplication, "a1", model.KindResource, "r1", "requests", b0.Txs[0].ID)}
		b1 := block(1, rec(model.KindApplication, "a1", 2, false, "op", "su1", "su2"))
		b1.Edges = []EdgeAt{edge(model.KindApplication, "a1", model.KindResource, "r1", "requests", b1.Txs[0].ID), edge(model.KindGrant, "g1", model.KindResource, "r1", "uses", b1.Txs[0].ID)}
		for _, b := range []*Block{b0, b1} {
			if err := s.ApplyBlock(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		r, err := s.Record(ctx, string(model.KindApplication), "a1")
		if err != nil || r.Version != 2 || len(r.Parties) != 3 || r.Public || r.Block != 1 {
			t.Fatalf("current a1: %+v %v", r, err)
		}
		vs, err := s.RecordVersions(ctx, string(model.KindApplication), "a1")
		if err != nil || len(vs) != 2 || vs[0].Version != 1 || vs[1].TxID != b1.Txs[0].ID {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		mine, _, err := s.Records(ctx, RecordQuery{Party: "su2"})
		if err != nil || len(mine) != 1 || mine[0].ID != "a1" {
			t.Fatalf("records of su2: %+v %v", mine, err)
		}
		pub, _, _ := s.Records(ctx, RecordQuery{PublicOnly: true})
		if len(pub) != 1 || pub[0].ID != "r1" {
			t.Fatalf("public records: %+v", pub)
		}
		to, err := s.EdgesTo(ctx, string(model.KindResource), "r1")
		if err != nil || len(to) != 2 || to[0].TxID != b0.Txs[0].ID {
			t.Fatalf("edges to r1 (first setter kept): %+v %v", to, err)
		}
		from, _ := s.EdgesFrom(ctx, string(model.KindGrant), "g1")
		if len(from) != 1 || from[0].ToID != "r1" {
			t.Fatalf("edges from g1: %+v", from)
		}
	})
}

func TestStore_TrailPagesCoverEveryEntryOnce(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		total := 0
		for n := uint64(0); n < 12; n++ {
			var cs []RecordChange
			for i := 0; i < 3; i++ {
				cs = append(cs, rec(model.KindProduct, fmt.Sprintf("p%d", i), int(n)+1, false, "op"))
			}
			if err := s.ApplyBlock(ctx, block(n, cs...)); err != nil {
				t.Fatal(err)
			}
			total += len(cs)
		}
		seen := map[string]bool{}
		cursor, pages := "", 0
		var lastBlock uint64
		for {
			page, next, err := s.Trail(ctx, TrailQuery{Party: "op", Limit: 5, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, e := range page {
				k := e.TxID + e.Kind + e.ID
				if seen[k] || e.Block < lastBlock {
					t.Fatalf("entry %s repeated or out of order", k)
				}
				seen[k], lastBlock = true, e.Block
				if len(e.Endorsers) != 2 {
					t.Fatalf("entry without endorsers: %+v", e)
				}
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != total || pages != (total+4)/5 {
			t.Fatalf("%d entries in %d pages, want %d", len(seen), pages, total)
		}
		one, _, _ := s.Trail(ctx, TrailQuery{Kind: string(model.KindProduct), ID: "p1", From: time.Unix(1700000005, 0)})
		if len(one) != 7 {
			t.Fatalf("trail of p1 from block 5: %d", len(one))
		}
		if _, _, err := s.Trail(ctx, TrailQuery{Party: "op", Cursor: "not-a-cursor"}); err == nil {
			t.Fatal("a forged cursor was accepted")
		}
	})
}

func BenchmarkApplyBlock(b *testing.B) {
	for _, eng := range []string{"sqlite", "postgres"} {
		b.Run(eng, func(b *testing.B) {
			var s *Store
			if eng == "sqlite" {
				var err error
				if s, err = Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "i.db")); err != nil {
					b.Fatal(err)
				}
			} else {
				s = openPostgres(b)
			}
			defer s.Close()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				var cs []RecordChange
				for i := 0; i < 100; i++ {
					cs = append(cs, rec(model.KindProduct, fmt.Sprintf("p%d-%d", n, i), 1, true, "op"))
				}
				if err := s.ApplyBlock(context.Background(), block(uint64(n), cs...)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
}

func TestStore_RecordChangedTwiceInOneBlock(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := block(0, rec(model.KindAuthorization, "a1", 1, false, "op"), rec(model.KindAuthorization, "a1", 2, true, "op", "su9"))
		if err := s.ApplyBlock(ctx, b); err != nil {
			t.Fatal(err)
		}
		r, err := s.Record(ctx, string(model.KindAuthorization), "a1")
		if err != nil || r.Version != 2 || !r.Public || len(r.Parties) != 2 || r.TxID != b.Txs[1].ID {
			t.Fatalf("current after two changes in a block: %+v %v", r, err)
		}
		if vs, _ := s.RecordVersions(ctx, string(model.KindAuthorization), "a1"); len(vs) != 2 {
			t.Fatalf("versions: %d", len(vs))
		}
	})
}

func TestStore_GapAfterBlocksRefused(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for n := uint64(0); n < 3; n++ {
			if err := s.ApplyBlock(ctx, block(n, rec(model.KindResource, fmt.Sprint("r", n), 1, true))); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ApplyBlock(ctx, block(4, rec(model.KindResource, "r4", 1, true))); !errors.Is(err, ErrOutOfOrder) {
			t.Fatalf("block 4 after 2 (gap): %v", err)
		}
		if _, err := s.Block(ctx, 4); !errors.Is(err, ErrNotFound) {
			t.Fatalf("gapped block stored: %v", err)
		}
		if _, err := s.Record(ctx, string(model.KindResource), "r4"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("record of the gapped block: %v", err)
		}
		if next, _, _ := s.Checkpoint(ctx); next != 3 {
			t.Fatalf("checkpoint %d after a refused gap", next)
		}
		if _, err := s.Tx(ctx, "no-such-tx"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing tx: %v", err)
		}
		if _, err := s.Block(ctx, 2); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStore_InvalidTxSetsNoEdge(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b := block(0, rec(model.KindGrant, "g1", 1, true), rec(model.KindGrant, "g2", 1, true))
		b.Txs[1].Valid, b.Txs[1].ValidationCode = false, "ENDORSEMENT_POLICY_FAILURE"
		b.Edges = []EdgeAt{
			edge(model.KindGrant, "g1", model.KindResource, "r1", "uses", b.Txs[0].ID),
			edge(model.KindGrant, "g2", model.KindResource, "r1", "uses", b.Txs[1].ID),
		}
		if err := s.ApplyBlock(ctx, b); err != nil {
			t.Fatal(err)
		}
		to, err := s.EdgesTo(ctx, string(model.KindResource), "r1")
		if err != nil || len(to) != 1 || to[0].FromID != "g1" {
			t.Fatalf("edges to r1 (only the valid tx's): %+v %v", to, err)
		}
		if from, _ := s.EdgesFrom(ctx, string(model.KindGrant), "g2"); len(from) != 0 {
			t.Fatalf("edge of an invalid tx stored: %+v", from)
		}
	})
}

func TestStore_RecordsPages(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var cs []RecordChange
		for i := 0; i < 7; i++ {
			cs = append(cs, rec(model.KindProduct, fmt.Sprintf("p%d", i), 1, i%2 == 0, "su1"))
		}
		cs = append(cs, rec(model.KindResource, "r0", 1, true, "su2"))
		if err := s.ApplyBlock(ctx, block(0, cs...)); err != nil {
			t.Fatal(err)
		}
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("records paging does not end")
			}
			page, next, err := s.Records(ctx, RecordQuery{Party: "su1", Limit: 3, After: after})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				got = append(got, r.ID)
				if len(r.Parties) != 1 || r.Parties[0] != "su1" {
					t.Fatalf("parties of %s: %v", r.ID, r.Parties)
				}
			}
			if next == "" {
				break
			}
			after = next
		}
		if fmt.Sprint(got) != "[p0 p1 p2 p3 p4 p5 p6]" {
			t.Fatalf("records of su1 across pages: %v", got)
		}
		pub, _, err := s.Records(ctx, RecordQuery{Kind: string(model.KindProduct), PublicOnly: true})
		if err != nil || len(pub) != 4 {
			t.Fatalf("public products: %d %v", len(pub), err)
		}
		for _, r := range pub {
			if !r.Public {
				t.Fatalf("non-public %s in a public-only page", r.ID)
			}
		}
	})
}

func TestStore_MigrationsIdempotentOnReopen(t *testing.T) {
	enginesDSN(t, func(t *testing.T, s *Store, dsn string) {
		ctx := context.Background()
		if err := s.ApplyBlock(ctx, block(0, rec(model.KindResource, "r0", 1, true))); err != nil {
			t.Fatal(err)
		}
		s2, err := Open(ctx, dsn)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s2.Close()
		var n int
		if err := s2.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(migrations) {
			t.Fatalf("schema_migrations rows %d (want %d) %v", n, len(migrations), err)
		}
		next, last, err := s2.Checkpoint(ctx)
		if err != nil || next != 1 || string(last) != string(hash(0)) {
			t.Fatalf("checkpoint after reopen: %d %x %v", next, last, err)
		}
		if s2.Engine() != s.Engine() {
			t.Fatalf("engine %s vs %s", s2.Engine(), s.Engine())
		}
	})
}

// A cursor with NUL or bytes that are not UTF-8 is one the store never handed out: both
// engines answer ErrBadCursor (PostgreSQL would otherwise fail the query itself).
func TestStore_UncleanCursorIsBadCursor(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		for _, after := range []string{"product/a\x00b", "product/\xff\xfe", "pro\x00duct/a"} {
			if _, _, err := s.Records(context.Background(), RecordQuery{Kind: "product", After: after}); !errors.Is(err, ErrBadCursor) {
				t.Errorf("cursor %q: %v, want ErrBadCursor", after, err)
			}
		}
		if _, _, err := s.Records(context.Background(), RecordQuery{Kind: "product", After: "product/是"}); err != nil {
			t.Errorf("a clean cursor: %v", err)
		}
	})
}
