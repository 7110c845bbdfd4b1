package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// applyPostgres writes a block on PostgreSQL in four round trips whatever its size:
// begin, the checkpoint read, one pipelined batch of every write, commit. Each table's
// rows go as one array per column through unnest, so a statement's text (and its
// prepared plan) does not depend on the number of rows and its parameters are a dozen
// arrays rather than thousands of scalars. Through database/sql the same block took a
// round trip per statement and a fresh multi-row VALUES list to parse each time; on a
// loaded machine each round trip waits for the backend to be scheduled.
func (s *Store) applyPostgres(ctx context.Context, b *Block, w *blockRows) error {
	return s.withPgx(ctx, func(c *pgx.Conn) error { return s.applyPgx(ctx, c, b, w) })
}

// withPgx runs f on one of the pool's connections as pgx sees it, for what database/sql
// cannot say: pipelined batches.
func (s *Store) withPgx(ctx context.Context, f func(*pgx.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: postgres: driver connection is %T, not pgx", dc)
		}
		return f(sc.Conn())
	})
}

func (s *Store) applyPgx(ctx context.Context, c *pgx.Conn, b *Block, w *blockRows) (err error) {
	tx, err := c.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback(ctx)
		}
	}()
	var next int64
	var last []byte
	err = tx.QueryRow(ctx, s.q(`SELECT next, hash FROM checkpoint WHERE id = 1`)).Scan(&next, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		next, last, err = 0, nil, nil
	}
	if err != nil {
		return err
	}
	if err = inOrder(b, uint64(next), last); err != nil {
		return err
	}

	batch := &pgx.Batch{}
	var what []string // what each queued statement writes, for its error
	queue := func(label, query string, args ...any) {
		batch.Queue(s.q(query), args...)
		what = append(what, label)
	}
	queue(fmt.Sprintf("block %d", b.Number), blockHead+` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.block...)
	unnest := func(label, head string, rows [][]any, tail string) {
		if len(rows) > 0 {
			from, args := unnestRows(rows)
			queue(fmt.Sprintf("block %d %s", b.Number, label), head+` SELECT * FROM `+from+tail, args...)
		}
	}
	unnest("transactions", txHead, w.txs, ``)
	unnest("record versions", versionHead, w.versions, ``)
	unnest("records", recordHead, w.records, recordTail)
	if len(w.changed) > 0 {
		kinds, ids := make([]string, len(w.changed)), make([]string, len(w.changed))
		for i, k := range w.changed {
			kinds[i], ids[i] = k.Kind, k.ID
		}
		queue(fmt.Sprintf("block %d old parties", b.Number), `DELETE FROM record_parties p USING unnest($1::text[], $2::text[]) AS c (kind, id)
			WHERE p.kind = c.kind AND p.id = c.id`, kinds, ids)
	}
	unnest("parties", partyHead, w.parties, ``)
	unnest("edges", edgeHead, w.edges, edgeTail)
	queue("checkpoint", checkpointUpsert, int64(b.Number+1), b.Hash, ts(time.Now()))

	br := tx.SendBatch(ctx, batch)
	for _, label := range what {
		if _, err = br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", label, err)
		}
	}
	if err = br.Close(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// unnestRows turns rows into one array per column and the unnest call that reads them
// back as rows: text[] for strings, int8[] for integers (PostgreSQL casts them to an
// INTEGER column on insert).
func unnestRows(rows [][]any) (string, []any) {
	cols := len(rows[0])
	args := make([]any, cols)
	types := make([]string, cols)
	for c := range cols {
		switch rows[0][c].(type) {
		case string:
			col := make([]string, len(rows))
			for i, r := range rows {
				col[i] = r[c].(string)
			}
			args[c], types[c] = col, "text[]"
		case int, int64:
			col := make([]int64, len(rows))
			for i, r := range rows {
				switch v := r[c].(type) {
				case int:
					col[i] = int64(v)
				case int64:
					col[i] = v
				}
			}
			args[c], types[c] = col, "int8[]"
		default:
			panic(fmt.Sprintf("store: no array type for column %d (%T)", c, rows[0][c]))
		}
	}
	var b strings.Builder
	b.WriteString("unnest(")
	for c, t := range types {
		if c > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(c+1) + "::" + t)
	}
	b.WriteString(")")
	return b.String(), args
}

// statement is a query, its arguments, and what to do with each row it returns.
type statement struct {
	query string
	args  []any
	row   func(scanner) error
}

// queryEach runs the statements in order and hands each one's rows to its row function.
// On PostgreSQL they go as one pipelined batch: one round trip instead of one each, which
// is most of a small query's latency when the machine is busy and every round trip waits
// for the backend to be scheduled.
func (s *Store) queryEach(ctx context.Context, stmts []statement) error {
	if s.engine != "postgres" {
		for _, st := range stmts {
			rows, err := s.db.QueryContext(ctx, s.q(st.query), st.args...)
			if err != nil {
				return err
			}
			err = eachRow(rows, st.row)
			rows.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	return s.withPgx(ctx, func(c *pgx.Conn) error {
		batch := &pgx.Batch{}
		for _, st := range stmts {
			batch.Queue(s.q(st.query), st.args...)
		}
		br := c.SendBatch(ctx, batch)
		defer br.Close()
		for _, st := range stmts {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			err = eachRow(rows, st.row)
			rows.Close()
			if err != nil {
				return err
			}
		}
		return br.Close()
	})
}

// rowSource is what database/sql's and pgx's rows have in common.
type rowSource interface {
	Next() bool
	Scan(...any) error
	Err() error
}

// eachRow hands every row to row, then reports the rows' own error; the caller closes.
func eachRow(rs rowSource, row func(scanner) error) error {
	for rs.Next() {
		if err := row(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}
