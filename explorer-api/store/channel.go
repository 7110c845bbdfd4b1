package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/pdledger/pdledger/chaincode/model"
)

// OpenChannel opens the store of one channel of the network the explorer indexes. Each
// channel is a ledger of its own (a jurisdiction's), so each gets its own tables and its
// own checkpoint, verified block by block like any other: nothing of one channel's index
// can stand in for another's.
//
// The first channel's store is dsn itself, so an index built before the network had
// jurisdiction channels stays where it was. Any other channel's store is a SQLite file
// beside the first (index.db → index.luohu.db) or a PostgreSQL schema of its own in the
// same database (pdl_ch_luohu). Another channel's name must match model.ChannelName:
// that rule is what makes it safe in a file name and a schema identifier (the first may
// carry any name Fabric allows).
//
// A store records the channel it indexes the first time it is opened for one, and is
// never opened for another: an index of one jurisdiction's ledger cannot be served as
// another's (a topology whose first channel was renamed, a DSN copied between
// explorers).
func OpenChannel(ctx context.Context, dsn, channel string, first bool) (*Store, error) {
	if !first && !model.ChannelName.MatchString(channel) {
		return nil, fmt.Errorf("store: channel %q: not a channel name (%s)", channel, model.ChannelName)
	}
	if first {
		s, err := Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return s, s.claim(ctx, channel)
	}
	d, err := ChannelDSN(dsn, channel)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(d, "postgres") {
		// the schema must exist before search_path can name it
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		_, err = db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS "`+Schema(channel)+`"`)
		db.Close()
		if err != nil {
			return nil, fmt.Errorf("store: postgres schema for channel %s: %w", channel, err)
		}
	}
	s, err := Open(ctx, d)
	if err != nil {
		return nil, err
	}
	return s, s.claim(ctx, channel)
}

// claim records channel as the store's, or refuses a store that holds another channel's
// index (closing it).
func (s *Store) claim(ctx context.Context, channel string) error {
	var have string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT value FROM store_meta WHERE key = 'channel'`)).Scan(&have)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO store_meta (key, value) VALUES ('channel', ?)`), channel)
	case err == nil && have != channel:
		err = fmt.Errorf("store: it holds the index of channel %q, not %q; give this channel a store of its own", have, channel)
	}
	if err != nil {
		s.Close()
		return err
	}
	return nil
}

// Schema is the PostgreSQL schema of a channel other than the first.
func Schema(channel string) string { return "pdl_ch_" + strings.ReplaceAll(channel, "-", "_") }

// ChannelDSN is the DSN of a channel other than the first (see OpenChannel).
func ChannelDSN(dsn, channel string) (string, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
			return "", fmt.Errorf("store: %q: a store per channel needs a file name of its own for the first channel's index", dsn)
		}
		ext := filepath.Ext(path)
		return "sqlite:" + strings.TrimSuffix(path, ext) + "." + channel + ext, nil
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("store: %w", err)
		}
		q := u.Query()
		if q.Get("search_path") != "" {
			return "", fmt.Errorf("store: the DSN sets search_path; the explorer sets it per channel")
		}
		q.Set("search_path", Schema(channel))
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return "", fmt.Errorf("store: %q: use sqlite:<file> or a postgres:// URL", dsn)
}
