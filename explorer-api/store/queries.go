package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

const blockCols = `number, hash, prev_hash, data_hash, time, tx_count, config, raw, received`

func scanBlock(row *sql.Row) (*Block, error) {
	var b Block
	var n int64
	var t, received string
	var cfg int
	if err := row.Scan(&n, &b.Hash, &b.PrevHash, &b.DataHash, &t, &b.TxCount, &cfg, &b.Raw, &received); err != nil {
		return nil, notFound(err)
	}
	b.Number, b.Time, b.Config = uint64(n), parseTS(t), cfg == 1
	if received != "" {
		b.Received = parseTS(received)
	}
	return &b, nil
}

// Block returns block n (without its transactions; see TxsOfBlock).
func (s *Store) Block(ctx context.Context, n uint64) (*Block, error) {
	return scanBlock(s.db.QueryRowContext(ctx, s.q(`SELECT `+blockCols+` FROM blocks WHERE number = ?`), int64(n)))
}

// BlockByHash returns the block with that header hash.
func (s *Store) BlockByHash(ctx context.Context, hash []byte) (*Block, error) {
	return scanBlock(s.db.QueryRowContext(ctx, s.q(`SELECT `+blockCols+` FROM blocks WHERE hash = ?`), hash))
}

const txCols = `block, idx, id, valid, validation_code, creator_msp, creator_subject, endorsers, time, chaincode, function, event_type, replay`

func scanTx(sc interface{ Scan(...any) error }) (*Tx, error) {
	var t Tx
	var block int64
	var valid int
	var endorsers, tm string
	if err := sc.Scan(&block, &t.Index, &t.ID, &valid, &t.ValidationCode, &t.CreatorMSP, &t.CreatorSubject, &endorsers, &tm, &t.Chaincode, &t.Function, &t.EventType, &t.Replay); err != nil {
		return nil, notFound(err)
	}
	t.Block, t.Valid, t.Time = uint64(block), valid == 1, parseTS(tm)
	_ = json.Unmarshal([]byte(endorsers), &t.Endorsers)
	return &t, nil
}

func (s *Store) txRecords(ctx context.Context, t *Tx) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT kind, id, version, action, actor, public, parties, data FROM record_versions
		WHERE block = ? AND tx_index = ? ORDER BY kind, id`), int64(t.Block), t.Index)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r RecordChange
		var pub int
		var parties, data string
		if err := rows.Scan(&r.Kind, &r.ID, &r.Version, &r.Action, &r.Actor, &pub, &parties, &data); err != nil {
			return err
		}
		r.Public, r.Data = pub == 1, json.RawMessage(data)
		_ = json.Unmarshal([]byte(parties), &r.Parties)
		t.Records = append(t.Records, r)
	}
	return rows.Err()
}

// Tx returns a transaction by id with its record changes: the valid one when the id
// occurs more than once (Fabric invalidates duplicates but keeps them in blocks).
func (s *Store) Tx(ctx context.Context, id string) (*Tx, error) {
	t, err := scanTx(s.db.QueryRowContext(ctx, s.q(`SELECT `+txCols+` FROM txs WHERE id = ? ORDER BY valid DESC, block, idx LIMIT 1`), id))
	if err != nil {
		return nil, err
	}
	return t, s.txRecords(ctx, t)
}

// TxsOfBlock returns a block's transactions in order, with their record changes.
func (s *Store) TxsOfBlock(ctx context.Context, n uint64) ([]Tx, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+txCols+` FROM txs WHERE block = ? ORDER BY idx`), int64(n))
	if err != nil {
		return nil, err
	}
	var out []Tx
	for rows.Next() {
		t, err := scanTx(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.txRecords(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) parties(ctx context.Context, kind, id string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT party FROM record_parties WHERE kind = ? AND id = ? ORDER BY party`), kind, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Record returns the current version of a record. Its row and its parties are two
// statements, one round trip on PostgreSQL (queryEach); a product check reads several
// records and a provenance tree starts with one.
func (s *Store) Record(ctx context.Context, kind, id string) (*Record, error) {
	var r *Record
	parties := []string{}
	err := s.queryEach(ctx, []statement{
		{`SELECT kind, id, version, public, data, tx_id, block, time FROM records WHERE kind = ? AND id = ?`, []any{kind, id}, func(sc scanner) error {
			var err error
			r, err = scanRecord(sc)
			return err
		}},
		{`SELECT party FROM record_parties WHERE kind = ? AND id = ? ORDER BY party`, []any{kind, id}, func(sc scanner) error {
			var p string
			if err := sc.Scan(&p); err != nil {
				return err
			}
			parties = append(parties, p)
			return nil
		}},
	})
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, ErrNotFound
	}
	r.Parties = parties
	return r, nil
}

// RecordVersions returns every version of a record, oldest first.
func (s *Store) RecordVersions(ctx context.Context, kind, id string) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+versionCols("v")+` FROM record_versions v
		WHERE v.kind = ? AND v.id = ? ORDER BY v.block, v.tx_index`), kind, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out, nil
}

// RecordQuery selects current records.
type RecordQuery struct {
	Kind       string // "" = every kind
	Party      string // records this participant is a party to
	PublicOnly bool
	Limit      int    // 1..500, default 100
	After      string // cursor: the last "kind/id" of the previous page
	NoParties  bool   // leave Record.Parties empty (one query less per record)
	// Blocks keeps the records whose current version was written in these blocks.
	Blocks *BlockRange
}

// BlockRange is the blocks From up to (not including) To.
type BlockRange struct{ From, To uint64 }

// Records returns a page of current records ordered by kind and id, and the cursor of
// the next page ("" at the end).
func (s *Store) Records(ctx context.Context, q RecordQuery) ([]Record, string, error) {
	limit := clampLimit(q.Limit)
	var where []string
	var args []any
	from := `records r`
	if q.Party != "" {
		from = `records r JOIN record_parties p ON p.kind = r.kind AND p.id = r.id AND p.party = ?`
		args = append(args, q.Party)
	}
	if q.Kind != "" {
		where, args = append(where, `r.kind = ?`), append(args, q.Kind)
	}
	if q.PublicOnly {
		where = append(where, `r.public = 1`)
	}
	if q.Blocks != nil {
		where, args = append(where, `r.block >= ? AND r.block < ?`), append(args, int64(q.Blocks.From), int64(q.Blocks.To))
	}
	if q.After != "" {
		k, id, ok := strings.Cut(q.After, "/")
		// PostgreSQL's text refuses NUL and invalid UTF-8; no cursor handed out has them
		if !ok || !utf8.ValidString(q.After) || strings.ContainsRune(q.After, 0) {
			return nil, "", fmt.Errorf("%w %q", ErrBadCursor, q.After)
		}
		where, args = append(where, `(r.kind > ? OR (r.kind = ? AND r.id > ?))`), append(args, k, k, id)
	}
	query := `SELECT r.kind, r.id, r.version, r.public, r.data, r.tx_id, r.block, r.time FROM ` + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += fmt.Sprintf(` ORDER BY r.kind, r.id LIMIT %d`, limit+1)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, "", err
	}
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, *r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Kind + "/" + out[limit-1].ID
	}
	for i := range out {
		if q.NoParties {
			break
		}
		if out[i].Parties, err = s.parties(ctx, out[i].Kind, out[i].ID); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 500:
		return 500
	}
	return n
}

func (s *Store) edges(ctx context.Context, query string, args ...any) ([]EdgeAt, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EdgeAt
	for rows.Next() {
		var e EdgeAt
		if err := rows.Scan(&e.FromKind, &e.FromID, &e.ToKind, &e.ToID, &e.Rel, &e.TxID); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EdgesFrom lists the references a record holds.
func (s *Store) EdgesFrom(ctx context.Context, kind, id string) ([]EdgeAt, error) {
	return s.edges(ctx, `SELECT from_kind, from_id, to_kind, to_id, rel, tx_id FROM edges WHERE from_kind = ? AND from_id = ? ORDER BY block, to_kind, to_id`, kind, id)
}

// EdgesTo lists the records referring to a record.
func (s *Store) EdgesTo(ctx context.Context, kind, id string) ([]EdgeAt, error) {
	return s.edges(ctx, `SELECT from_kind, from_id, to_kind, to_id, rel, tx_id FROM edges WHERE to_kind = ? AND to_id = ? ORDER BY block, from_kind, from_id`, kind, id)
}

// TrailQuery selects record versions: of one record (Kind+ID), or of every record a
// party is a party to or changed; optionally only some kinds and a time window.
type TrailQuery struct {
	Kind, ID string
	Party    string
	Kinds    []string
	From, To time.Time
	Limit    int
	Cursor   string
}

// TrailEntry is one step of a trail.
type TrailEntry struct {
	Kind       string          `json:"kind"`
	ID         string          `json:"id"`
	Version    int             `json:"version"`
	Action     string          `json:"action"`
	Actor      string          `json:"actor"`
	TxID       string          `json:"txId"`
	Block      uint64          `json:"blockNumber"`
	TxIndex    int             `json:"txIndex"`
	Time       time.Time       `json:"time"`
	CreatorMSP string          `json:"creatorMsp"`
	Endorsers  []string        `json:"endorsingOrgs"`
	Data       json.RawMessage `json:"data"`
}

// CursorError is a cursor the store did not issue.
type CursorError struct{ Cursor string }

func (e *CursorError) Error() string {
	return fmt.Sprintf("cursor %q was not issued by this API", e.Cursor)
}

// BadCursor marks the error for the API (400).
func (e *CursorError) BadCursor() bool { return true }

type cursor struct {
	B uint64 `json:"b"`
	I int    `json:"i"`
	K string `json:"k"`
	D string `json:"d"`
}

// Trail returns a page of the trail in ledger order and the next cursor.
func (s *Store) Trail(ctx context.Context, q TrailQuery) ([]TrailEntry, string, error) {
	limit := clampLimit(q.Limit)
	var where []string
	var args []any
	if q.Kind != "" {
		where, args = append(where, `v.kind = ? AND v.id = ?`), append(args, q.Kind, q.ID)
	}
	if q.Party != "" {
		where = append(where, `(v.actor = ? OR EXISTS (SELECT 1 FROM record_parties p WHERE p.party = ? AND p.kind = v.kind AND p.id = v.id))`)
		args = append(args, q.Party, q.Party)
	}
	if len(q.Kinds) > 0 {
		where = append(where, `v.kind IN (`+strings.TrimSuffix(strings.Repeat("?,", len(q.Kinds)), ",")+`)`)
		for _, k := range q.Kinds {
			args = append(args, k)
		}
	}
	if !q.From.IsZero() {
		where, args = append(where, `v.time >= ?`), append(args, ts(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, `v.time < ?`), append(args, ts(q.To))
	}
	if q.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		var c cursor
		if err != nil || json.Unmarshal(raw, &c) != nil {
			return nil, "", &CursorError{q.Cursor}
		}
		where = append(where, `(v.block > ? OR (v.block = ? AND (v.tx_index > ? OR (v.tx_index = ? AND (v.kind > ? OR (v.kind = ? AND v.id > ?))))))`)
		args = append(args, int64(c.B), int64(c.B), c.I, c.I, c.K, c.K, c.D)
	}
	query := `SELECT v.kind, v.id, v.version, v.action, v.actor, v.tx_id, v.block, v.tx_index, v.time, v.data, t.creator_msp, t.endorsers
		FROM record_versions v JOIN txs t ON t.block = v.block AND t.idx = v.tx_index`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += fmt.Sprintf(` ORDER BY v.block, v.tx_index, v.kind, v.id LIMIT %d`, limit+1)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []TrailEntry{}
	for rows.Next() {
		var e TrailEntry
		var block int64
		var tm, data, endorsers string
		if err := rows.Scan(&e.Kind, &e.ID, &e.Version, &e.Action, &e.Actor, &e.TxID, &block, &e.TxIndex, &tm, &data, &e.CreatorMSP, &endorsers); err != nil {
			return nil, "", err
		}
		e.Block, e.Time, e.Data = uint64(block), parseTS(tm), json.RawMessage(data)
		_ = json.Unmarshal([]byte(endorsers), &e.Endorsers)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		l := out[limit-1]
		raw, _ := json.Marshal(cursor{B: l.Block, I: l.TxIndex, K: l.Kind, D: l.ID})
		next = base64.RawURLEncoding.EncodeToString(raw)
	}
	return out, next, nil
}

// Counts returns the row counts of the main tables.
func (s *Store) Counts(ctx context.Context) (blocks, txs, records, versions int64, err error) {
	for _, p := range []struct {
		table string
		n     *int64
	}{{"blocks", &blocks}, {"txs", &txs}, {"records", &records}, {"record_versions", &versions}} {
		if err = s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM `+p.table)).Scan(p.n); err != nil {
			return
		}
	}
	return
}
