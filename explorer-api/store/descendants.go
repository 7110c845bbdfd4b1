package store

import (
	"context"
	"encoding/json"
	"strings"
)

// RecordKey names a record.
type RecordKey struct{ Kind, ID string }

// KindPair says that records of kind Child may descend from records of kind Parent
// (model.ProvenanceChildren, as the caller computes it; the store knows no domain rule).
type KindPair struct{ Parent, Child string }

// Descent is what a walk down the references from some roots reached.
type Descent struct {
	// Edges holds, for each reached record fewer than depth references below a root,
	// the edges to it from records of a kind paired with its own, in EdgesTo's order
	// (block, then the referring record, then the relation).
	Edges map[RecordKey][]EdgeAt
	// Records holds the current version, with its parties, of every reached record
	// (the roots included) that is indexed.
	Records map[RecordKey]*Record
	// Versions holds every version of each reached record, oldest first.
	Versions map[RecordKey][]Version
}

// Descendants walks the edges backwards from roots: from a record to the records that
// refer to it and whose kind is paired with its own in pairs, down to depth references
// below a root. It answers in four statements whatever the number of records reached
// (the edges, the records, their parties, their versions), so a provenance tree costs
// the same number of round trips at ten records as at ten thousand (on PostgreSQL the
// four go pipelined, in one round trip). Each statement
// derives the reached set with the same recursive CTE (SQLite and PostgreSQL alike)
// instead of sending a list of reached records back to the database.
//
// The walk does not apply visibility: it reaches the records below one the caller may
// not read too, and the caller leaves them out.
func (s *Store) Descendants(ctx context.Context, roots []RecordKey, pairs []KindPair, depth int) (*Descent, error) {
	d := &Descent{Edges: map[RecordKey][]EdgeAt{}, Records: map[RecordKey]*Record{}, Versions: map[RecordKey][]Version{}}
	if len(roots) == 0 {
		return d, nil
	}
	with, args := descentCTE(roots, pairs, depth)
	edgeArgs := append(append(make([]any, 0, len(args)+1), args...), depth)
	err := s.queryEach(ctx, []statement{
		{with + `
		SELECT e.from_kind, e.from_id, e.to_kind, e.to_id, e.rel, e.tx_id
		FROM (SELECT DISTINCT kind, id FROM walk WHERE depth < ?) w
		JOIN edges e ON e.to_kind = w.kind AND e.to_id = w.id
		WHERE e.from_kind IN (SELECT child FROM pairs WHERE parent = w.kind)
		ORDER BY e.to_kind, e.to_id, e.block, e.from_kind, e.from_id, e.rel`, edgeArgs, func(sc scanner) error {
			var e EdgeAt
			if err := sc.Scan(&e.FromKind, &e.FromID, &e.ToKind, &e.ToID, &e.Rel, &e.TxID); err != nil {
				return err
			}
			k := RecordKey{e.ToKind, e.ToID}
			d.Edges[k] = append(d.Edges[k], e)
			return nil
		}},
		{with + `
		SELECT r.kind, r.id, r.version, r.public, r.data, r.tx_id, r.block, r.time
		FROM (SELECT DISTINCT kind, id FROM walk) w JOIN records r ON r.kind = w.kind AND r.id = w.id`, args, func(sc scanner) error {
			r, err := scanRecord(sc)
			if err != nil {
				return err
			}
			r.Parties = []string{}
			d.Records[RecordKey{r.Kind, r.ID}] = r
			return nil
		}},
		// after the records: a party is added to the record read above
		{with + `
		SELECT p.kind, p.id, p.party
		FROM (SELECT DISTINCT kind, id FROM walk) w JOIN record_parties p ON p.kind = w.kind AND p.id = w.id
		ORDER BY p.kind, p.id, p.party`, args, func(sc scanner) error {
			var k RecordKey
			var party string
			if err := sc.Scan(&k.Kind, &k.ID, &party); err != nil {
				return err
			}
			if r := d.Records[k]; r != nil {
				r.Parties = append(r.Parties, party)
			}
			return nil
		}},
		{with + `
		SELECT ` + versionCols("v") + `
		FROM (SELECT DISTINCT kind, id FROM walk) w JOIN record_versions v ON v.kind = w.kind AND v.id = w.id
		ORDER BY v.kind, v.id, v.block, v.tx_index`, args, func(sc scanner) error {
			v, err := scanVersion(sc)
			if err != nil {
				return err
			}
			k := RecordKey{v.Kind, v.ID}
			d.Versions[k] = append(d.Versions[k], *v)
			return nil
		}},
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// descentCTE is the WITH clause the statements of Descendants share: the roots, the
// kind pairs, and walk (kind, id, depth), every record reached and how many references
// below a root. UNION (not UNION ALL) keeps each record once per depth, so a cycle of
// references ends at depth and a record reached twice is walked on once.
func descentCTE(roots []RecordKey, pairs []KindPair, depth int) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(roots)+2*len(pairs)+1)
	values := func(n int, row func(i int) (string, string)) {
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(CAST(? AS TEXT), CAST(? AS TEXT))")
			x, y := row(i)
			args = append(args, x, y)
		}
	}
	b.WriteString("WITH RECURSIVE roots (kind, id) AS (VALUES ")
	values(len(roots), func(i int) (string, string) { return roots[i].Kind, roots[i].ID })
	b.WriteString("),\n\tpairs (parent, child) AS (")
	if len(pairs) == 0 {
		// VALUES needs a row; an empty pair list walks nowhere
		b.WriteString("SELECT CAST(NULL AS TEXT), CAST(NULL AS TEXT) WHERE 1 = 0")
	} else {
		b.WriteString("VALUES ")
		values(len(pairs), func(i int) (string, string) { return pairs[i].Parent, pairs[i].Child })
	}
	b.WriteString(`),
	walk (kind, id, depth) AS (
		SELECT kind, id, 0 FROM roots
		UNION
		SELECT e.from_kind, e.from_id, w.depth + 1 FROM walk w
		JOIN edges e ON e.to_kind = w.kind AND e.to_id = w.id
		WHERE w.depth < ? AND e.from_kind IN (SELECT child FROM pairs WHERE parent = w.kind))`)
	args = append(args, depth)
	return b.String(), args
}

type scanner interface{ Scan(...any) error }

func scanRecord(sc scanner) (*Record, error) {
	var r Record
	var pub int
	var data, tm string
	var block int64
	if err := sc.Scan(&r.Kind, &r.ID, &r.Version, &pub, &data, &r.TxID, &block, &tm); err != nil {
		return nil, err
	}
	r.Public, r.Data, r.Block, r.Time = pub == 1, json.RawMessage(data), uint64(block), parseTS(tm)
	return &r, nil
}

// versionCols are the record_versions columns scanVersion reads, qualified by alias.
func versionCols(alias string) string {
	cols := []string{"kind", "id", "version", "action", "actor", "tx_id", "block", "tx_index", "time", "public", "parties", "replay", "data"}
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

func scanVersion(sc scanner) (*Version, error) {
	var v Version
	var block int64
	var pub int
	var tm, parties, data string
	if err := sc.Scan(&v.Kind, &v.ID, &v.Version, &v.Action, &v.Actor, &v.TxID, &block, &v.TxIndex, &tm, &pub, &parties, &v.Replay, &data); err != nil {
		return nil, err
	}
	v.Block, v.Time, v.Public, v.Data = uint64(block), parseTS(tm), pub == 1, json.RawMessage(data)
	_ = json.Unmarshal([]byte(parties), &v.Parties)
	return &v, nil
}
