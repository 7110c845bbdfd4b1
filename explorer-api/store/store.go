// Package store is the explorer's database: blocks, transactions, the records the
// chaincode's events carry (current version, every version, parties) and the
// references between records, in SQLite (embedded, pure Go) or PostgreSQL, with one
// schema and ordered migrations.
//
// Exactly-once indexing: ApplyBlock writes a block's rows and the checkpoint in one
// database transaction, and accepts only the block after the checkpoint whose previous
// hash is the checkpoint's hash. A crash at any point leaves the whole block or none of
// it, so a restarted indexer resumes at the checkpoint with no gap and no duplicate.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// ErrNotFound is returned for a missing row.
var ErrNotFound = errors.New("not found")

// ErrBadCursor is a page cursor the store did not hand out.
var ErrBadCursor = errors.New("bad cursor")

// ErrOutOfOrder is returned by ApplyBlock for a block that is not the next one, or
// that does not link to the previous block.
var ErrOutOfOrder = errors.New("block out of order")

// Block is one block as indexed.
type Block struct {
	Number   uint64
	Hash     []byte
	PrevHash []byte
	DataHash []byte
	Time     time.Time
	TxCount  int
	Config   bool   // holds a configuration transaction
	Raw      []byte // the marshalled common.Block
	// Received is when the indexer received the block while following the tip of the
	// ledger (zero for blocks it caught up on): the clock transaction times are held to.
	Received time.Time
	Txs      []Tx
	Edges    []EdgeAt
}

// Tx is one transaction. Fabric keeps invalid transactions (and duplicate tx ids) in
// blocks, so a transaction is keyed by (block, index).
type Tx struct {
	ID             string
	Block          uint64
	Index          int
	Valid          bool
	ValidationCode string
	CreatorMSP     string
	CreatorSubject string
	Endorsers      []string
	Time           time.Time
	Chaincode      string
	Function       string
	EventType      string
	// Replay is the replay session the transaction ran under (its time was not held to
	// the endorsers' clocks); "" for a live transaction.
	Replay  string
	Records []RecordChange
}

// RecordChange is one record a valid transaction changed.
type RecordChange struct {
	Kind    string
	ID      string
	Version int
	Action  string
	Actor   string // participant (or MSP) that made the change
	Public  bool
	Parties []string
	Data    json.RawMessage
}

// Edge is a reference from one record to another.
type Edge struct {
	FromKind, FromID, ToKind, ToID, Rel string
}

// EdgeAt is an edge with the transaction that first set it.
type EdgeAt struct {
	Edge
	TxID string
}

// Record is the current version of a record.
type Record struct {
	Kind    string
	ID      string
	Version int
	Public  bool
	Parties []string
	Data    json.RawMessage
	TxID    string
	Block   uint64
	Time    time.Time
}

// Version is one version of a record.
type Version struct {
	Kind    string
	ID      string
	Version int
	Action  string
	Actor   string
	TxID    string
	Block   uint64
	TxIndex int
	Time    time.Time
	Public  bool
	Parties []string
	Replay  string
	Data    json.RawMessage
}

// Store is an open database.
type Store struct {
	db     *sql.DB
	engine string // "sqlite" | "postgres"
	// statements counts the SQL statements sent (each passes through q).
	statements atomic.Uint64
}

// Open opens (creating and migrating) a store: "sqlite:<file>" or "postgres://...".
func Open(ctx context.Context, dsn string) (*Store, error) {
	var s *Store
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("store: sqlite: needs a file name")
		}
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		s = &Store{db: db, engine: "sqlite"}
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(8)
		s = &Store{db: db, engine: "postgres"}
	default:
		return nil, fmt.Errorf("store: %q: use sqlite:<file> or a postgres:// URL", dsn)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: %s: %w", s.engine, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Engine names the database engine.
func (s *Store) Engine() string { return s.engine }

// DB exposes the database (tests, verification drills).
func (s *Store) DB() *sql.DB { return s.db }

// Statements is how many SQL statements the store has sent since it was opened. Tests
// hold a question to a number of round trips with it (a provenance tree must not cost
// one per record).
func (s *Store) Statements() uint64 { return s.statements.Load() }

// q rewrites ? placeholders as $n for PostgreSQL, and counts the statement: every
// statement the store sends after opening passes through here.
func (s *Store) q(query string) string {
	s.statements.Add(1)
	if s.engine != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

const timeLayout = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTS(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// migrations are applied in order, each once; never edit one that shipped.
var migrations = []string{
	`CREATE TABLE blocks (
		number BIGINT PRIMARY KEY, hash {{BYTES}} NOT NULL, prev_hash {{BYTES}}, data_hash {{BYTES}},
		time TEXT NOT NULL, tx_count INTEGER NOT NULL, config INTEGER NOT NULL, raw {{BYTES}} NOT NULL);
	CREATE INDEX blocks_hash ON blocks (hash);
	CREATE TABLE txs (
		block BIGINT NOT NULL, idx INTEGER NOT NULL, id TEXT NOT NULL, valid INTEGER NOT NULL, validation_code TEXT NOT NULL,
		creator_msp TEXT NOT NULL, creator_subject TEXT NOT NULL, endorsers TEXT NOT NULL, time TEXT NOT NULL,
		chaincode TEXT NOT NULL, function TEXT NOT NULL, event_type TEXT NOT NULL, PRIMARY KEY (block, idx));
	CREATE INDEX txs_id ON txs (id);
	CREATE TABLE records (
		kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, public INTEGER NOT NULL, data TEXT NOT NULL,
		tx_id TEXT NOT NULL, block BIGINT NOT NULL, time TEXT NOT NULL, PRIMARY KEY (kind, id));
	CREATE INDEX records_public ON records (kind, public, id);
	CREATE TABLE record_parties (kind TEXT NOT NULL, id TEXT NOT NULL, party TEXT NOT NULL, PRIMARY KEY (party, kind, id));
	CREATE INDEX record_parties_rec ON record_parties (kind, id);
	CREATE TABLE record_versions (
		kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL,
		tx_id TEXT NOT NULL, block BIGINT NOT NULL, tx_index INTEGER NOT NULL, time TEXT NOT NULL, public INTEGER NOT NULL,
		parties TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id, tx_id));
	CREATE INDEX record_versions_order ON record_versions (block, tx_index, kind, id);
	CREATE INDEX record_versions_actor ON record_versions (actor, block, tx_index);
	CREATE TABLE edges (
		from_kind TEXT NOT NULL, from_id TEXT NOT NULL, to_kind TEXT NOT NULL, to_id TEXT NOT NULL, rel TEXT NOT NULL,
		tx_id TEXT NOT NULL, block BIGINT NOT NULL, PRIMARY KEY (from_kind, from_id, to_kind, to_id, rel));
	CREATE INDEX edges_to ON edges (to_kind, to_id);
	CREATE TABLE checkpoint (id INTEGER PRIMARY KEY, next BIGINT NOT NULL, hash {{BYTES}}, updated TEXT NOT NULL)`,
	// 2: when a block was received live; the replay session of a transaction and of the
	// record versions it wrote
	`ALTER TABLE blocks ADD COLUMN received TEXT NOT NULL DEFAULT '';
	ALTER TABLE txs ADD COLUMN replay TEXT NOT NULL DEFAULT '';
	ALTER TABLE record_versions ADD COLUMN replay TEXT NOT NULL DEFAULT ''`,
	// 3: which channel's ledger the store indexes (store.OpenChannel)
	`CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	bytesType := "BLOB"
	if s.engine == "postgres" {
		bytesType = "BYTEA"
	}
	for i, m := range migrations {
		v := i + 1
		var n int
		if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range strings.Split(strings.ReplaceAll(m, "{{BYTES}}", bytesType), ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: migration %d: %w", v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`), v, ts(time.Now())); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %d: %w", v, err)
		}
	}
	return nil
}

// Checkpoint returns the next block to index (0 on an empty store) and the hash of the
// last indexed block.
func (s *Store) Checkpoint(ctx context.Context) (uint64, []byte, error) {
	return s.checkpoint(ctx, s.db)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) checkpoint(ctx context.Context, q querier) (uint64, []byte, error) {
	var next int64
	var hash []byte
	err := q.QueryRowContext(ctx, s.q(`SELECT next, hash FROM checkpoint WHERE id = 1`)).Scan(&next, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return uint64(next), hash, nil
}

// ApplyBlock stores a block, its transactions, record changes and edges, and moves the
// checkpoint, all in one database transaction.
func (s *Store) ApplyBlock(ctx context.Context, b *Block) error {
	w := rowsOf(b)
	if s.engine == "postgres" {
		return s.applyPostgres(ctx, b, w)
	}
	return s.applySQL(ctx, b, w)
}

// blockRows are the rows a block writes, table by table, in the order of the columns
// the insert heads below name.
type blockRows struct {
	block                                  []any
	txs, versions, records, parties, edges [][]any
	changed                                []RecordKey // records in order of first change
}

const (
	blockHead   = `INSERT INTO blocks (number, hash, prev_hash, data_hash, time, tx_count, config, raw, received)`
	txHead      = `INSERT INTO txs (block, idx, id, valid, validation_code, creator_msp, creator_subject, endorsers, time, chaincode, function, event_type, replay)`
	versionHead = `INSERT INTO record_versions (kind, id, version, action, actor, tx_id, block, tx_index, time, public, parties, data, replay)`
	recordHead  = `INSERT INTO records (kind, id, version, public, data, tx_id, block, time)`
	recordTail  = ` ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, public = excluded.public, data = excluded.data,
		tx_id = excluded.tx_id, block = excluded.block, time = excluded.time`
	partyHead        = `INSERT INTO record_parties (kind, id, party)`
	edgeHead         = `INSERT INTO edges (from_kind, from_id, to_kind, to_id, rel, tx_id, block)`
	edgeTail         = ` ON CONFLICT (from_kind, from_id, to_kind, to_id, rel) DO NOTHING`
	checkpointUpsert = `INSERT INTO checkpoint (id, next, hash, updated) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET next = excluded.next, hash = excluded.hash, updated = excluded.updated`
)

func rowsOf(b *Block) *blockRows {
	received := ""
	if !b.Received.IsZero() {
		received = ts(b.Received)
	}
	w := &blockRows{block: []any{int64(b.Number), b.Hash, b.PrevHash, b.DataHash, ts(b.Time), b.TxCount, b2i(b.Config), b.Raw, received}}
	type change struct {
		r  RecordChange
		tx Tx
	}
	latest := map[RecordKey]change{} // the block's last change of each record wins
	// An edge set by an invalid transaction is not on the ledger either. (Tx ids can
	// repeat in a block, invalidated as duplicates: an id with a valid tx keeps its edges.)
	validID, invalidID := map[string]bool{}, map[string]bool{}
	for _, t := range b.Txs {
		endorsers, _ := json.Marshal(nonNil(t.Endorsers))
		w.txs = append(w.txs, []any{int64(b.Number), t.Index, t.ID, b2i(t.Valid), t.ValidationCode, t.CreatorMSP, t.CreatorSubject,
			string(endorsers), ts(t.Time), t.Chaincode, t.Function, t.EventType, t.Replay})
		if !t.Valid {
			invalidID[t.ID] = true
			continue // an invalid transaction changed nothing on the ledger
		}
		validID[t.ID] = true
		for _, r := range t.Records {
			parties, _ := json.Marshal(nonNil(r.Parties))
			w.versions = append(w.versions, []any{r.Kind, r.ID, r.Version, r.Action, r.Actor, t.ID, int64(b.Number), t.Index, ts(t.Time),
				b2i(r.Public), string(parties), string(r.Data), t.Replay})
			k := RecordKey{r.Kind, r.ID}
			if _, seen := latest[k]; !seen {
				w.changed = append(w.changed, k)
			}
			latest[k] = change{r, t}
		}
	}
	for _, k := range w.changed {
		c := latest[k]
		w.records = append(w.records, []any{k.Kind, k.ID, c.r.Version, b2i(c.r.Public), string(c.r.Data), c.tx.ID, int64(b.Number), ts(c.tx.Time)})
		for _, p := range uniq(c.r.Parties) {
			w.parties = append(w.parties, []any{k.Kind, k.ID, p})
		}
	}
	seenEdge := map[Edge]bool{}
	for _, e := range b.Edges {
		if invalidID[e.TxID] && !validID[e.TxID] {
			continue
		}
		if !seenEdge[e.Edge] {
			seenEdge[e.Edge] = true
			w.edges = append(w.edges, []any{e.FromKind, e.FromID, e.ToKind, e.ToID, e.Rel, e.TxID, int64(b.Number)})
		}
	}
	return w
}

// inOrder refuses a block that is not the checkpoint's next or does not link to the
// checkpoint's hash.
func inOrder(b *Block, next uint64, last []byte) error {
	if b.Number != next {
		return fmt.Errorf("%w: block %d offered, %d is next", ErrOutOfOrder, b.Number, next)
	}
	if next > 0 && !bytes.Equal(b.PrevHash, last) {
		return fmt.Errorf("%w: block %d previous hash %x is not the hash %x of block %d", ErrOutOfOrder, b.Number, b.PrevHash, last, next-1)
	}
	return nil
}

// applySQL writes a block through database/sql (SQLite).
func (s *Store) applySQL(ctx context.Context, b *Block, w *blockRows) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	next, last, err := s.checkpoint(ctx, tx)
	if err != nil {
		return err
	}
	if err = inOrder(b, next, last); err != nil {
		return err
	}
	exec := func(query string, args ...any) error {
		_, e := tx.ExecContext(ctx, s.q(query), args...)
		return e
	}
	if err = exec(blockHead+` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.block...); err != nil {
		return fmt.Errorf("block %d: %w", b.Number, err)
	}
	// Rows go in multi-row statements, a few per block rather than several per record.
	if err = s.insertRows(ctx, tx, txHead, w.txs, ``); err != nil {
		return fmt.Errorf("block %d transactions: %w", b.Number, err)
	}
	if err = s.insertRows(ctx, tx, versionHead, w.versions, ``); err != nil {
		return fmt.Errorf("block %d record versions: %w", b.Number, err)
	}
	if err = s.insertRows(ctx, tx, recordHead, w.records, recordTail); err != nil {
		return fmt.Errorf("block %d records: %w", b.Number, err)
	}
	for i := 0; i < len(w.changed); i += 400 {
		j := min(i+400, len(w.changed))
		var args []any
		for _, k := range w.changed[i:j] {
			args = append(args, k.Kind, k.ID)
		}
		if err = exec(`DELETE FROM record_parties WHERE (kind, id) IN (`+strings.TrimSuffix(strings.Repeat("(?, ?),", j-i), ",")+`)`, args...); err != nil {
			return err
		}
	}
	if err = s.insertRows(ctx, tx, partyHead, w.parties, ``); err != nil {
		return fmt.Errorf("block %d parties: %w", b.Number, err)
	}
	if err = s.insertRows(ctx, tx, edgeHead, w.edges, edgeTail); err != nil {
		return fmt.Errorf("block %d edges: %w", b.Number, err)
	}
	if err = exec(checkpointUpsert, int64(b.Number+1), b.Hash, ts(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// insertRows runs head VALUES (...), (...) suffix over rows in chunks (bounded by the
// engines' parameter limits).
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, head string, rows [][]any, suffix string) error {
	if len(rows) == 0 {
		return nil
	}
	cols := len(rows[0])
	per := 20000 / cols
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for i := 0; i < len(rows); i += per {
		j := min(i+per, len(rows))
		args := make([]any, 0, (j-i)*cols)
		for _, r := range rows[i:j] {
			args = append(args, r...)
		}
		query := head + " VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", j-i), ", ") + suffix
		if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
