package contracts

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// The kernel: helpers every contract shares, each defined here once. Contract files keep
// only what belongs to their own records (loadProduct, setAuthStatus, ...); the opening
// steps of a write (role, signature, profile, authorization) are options of Write
// (tx.go).

// dueLayout renders a due time as an index attribute: fixed width, UTC, so that key
// order is time order.
const dueLayout = "2006-01-02T15:04:05.000000000Z"

// dueKey renders a due time so that index order is time order.
func dueKey(t time.Time) string { return t.UTC().Format(dueLayout) }

// passedDue returns the entries of a due-ordered index (due first, then width-1 more
// attributes) whose due time has passed. Index order is due order, so the scan stops at
// the first entry not yet due.
func passedDue(tx *Tx, index string, width int) ([][]string, error) {
	rows, err := tx.Scan(index)
	if err != nil {
		return nil, err
	}
	var out [][]string
	for _, r := range rows {
		if len(r) != width {
			continue
		}
		due, err := time.Parse(dueLayout, r[0])
		if err != nil {
			continue
		}
		if !tx.Now.After(due) {
			break
		}
		out = append(out, r)
	}
	return out, nil
}

// bureauID is the bureau's participant id, written by Participant:Bootstrap.
func bureauID(tx *Tx) (string, error) {
	var cfg model.NetworkConfig
	if err := tx.Get(model.KindConfig, configID, &cfg); err != nil {
		return "", model.Errf(model.CodeNotBootstrap, "the ledger has no bureau yet")
	}
	return cfg.BureauParticipant, nil
}

// nextSeq increments and returns a ledger counter (deterministic numbering: every
// endorsing peer computes the same number from the same state).
func nextSeq(tx *Tx, name, scope string) (int, error) {
	key := tx.Key(model.Kind("counter"), name, scope)
	raw, err := tx.getRaw(key)
	if err != nil {
		return 0, err
	}
	n := 0
	if raw != nil {
		if n, err = strconv.Atoi(string(raw)); err != nil {
			return 0, model.Errf(model.CodeInternal, "counter %s/%s: %v", name, scope, err)
		}
	}
	n++
	return n, tx.putRaw(key, []byte(strconv.Itoa(n)))
}

// requireRole returns the caller if it is an active participant with one of roles; an
// active participant with another role breaks rule (its code is the error code). An
// unbound or suspended caller is refused as Tx.Require refuses it.
func requireRole(tx *Tx, rule model.Rule, roles ...model.Role) (*Caller, error) {
	c, err := tx.Require()
	if err != nil {
		return nil, err
	}
	if !c.Is(roles...) {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		return nil, rule.Violation("%s may not call %s: %s is a %s; allowed: %s", c.Subject, tx.Fn, c.PID(), c.Participant.Role, strings.Join(names, ", "))
	}
	return c, nil
}

// sortedUnique returns the non-empty strings of in, each once, sorted.
func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// pageOf cuts a list (already in its final order) into the page after the bookmark. The
// bookmark is the key of the last item of the previous page.
func pageOf[T any](items []T, pg model.Page, key func(T) string) (*model.PageResult[T], error) {
	size := pg.PageSize
	if size == 0 {
		size = 100
	}
	start := 0
	if pg.Bookmark != "" {
		start = len(items)
		for i, it := range items {
			if key(it) > pg.Bookmark {
				start = i
				break
			}
		}
	}
	end := start + size
	if end > len(items) {
		end = len(items)
	}
	out := &model.PageResult[T]{Records: append([]T{}, items[start:end]...)}
	if end < len(items) && end > start {
		out.Bookmark = key(items[end-1])
	}
	return out, nil
}
