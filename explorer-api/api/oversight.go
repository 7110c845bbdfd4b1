package api

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/indexer"
	"github.com/pdledger/pdledger/explorer-api/store"
)

func sortStrings(s []string) { sort.Strings(s) }

func timeParam(c *gin.Context, name string) (time.Time, bool) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		badParam(c, name, "%q is not an RFC 3339 time (2026-09-01T00:00:00+08:00)", v)
		return time.Time{}, false
	}
	return t, true
}

func (s *Server) trail(c *gin.Context) {
	limit, ok := limitParam(c, 100, 500)
	if !ok {
		return
	}
	from, ok := timeParam(c, "from")
	if !ok {
		return
	}
	to, ok := timeParam(c, "to")
	if !ok {
		return
	}
	q := store.TrailQuery{Kinds: splitList(c.Query("kinds")), Party: c.Query("party"), Kind: c.Query("kind"), ID: c.Query("id"),
		From: from, To: to, Limit: limit, Cursor: c.Query("cursor")}
	if (q.Kind == "") != (q.ID == "") {
		badParam(c, "kind", "kind and id go together (the subject record)")
		return
	}
	if q.Kind == "" && q.Party == "" {
		badParam(c, "party", "give a subject (kind and id) or a party")
		return
	}
	for _, k := range append(append([]string{}, q.Kinds...), q.Kind) {
		if k != "" && model.NewRecord(model.Kind(k)) == nil {
			badParam(c, "kinds", "unknown record kind %q", k)
			return
		}
	}
	entries, next, err := s.Store.Trail(c, q)
	if err != nil {
		if errBad, ok := err.(interface{ BadCursor() bool }); ok && errBad.BadCursor() {
			badParam(c, "cursor", "%v", err)
			return
		}
		s.storeErr(c, "trail", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": entries, "next": next})
}

// Finding is one item of the compliance report.
type Finding struct {
	Category string    `json:"category"`
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	Detail   string    `json:"detail"`
	Party    string    `json:"party,omitempty"`
	Due      time.Time `json:"due,omitempty"`
	Rule     string    `json:"rule,omitempty"`
}

// deadlines finds every open obligation in a record's data (model.Deadline objects at
// any depth), so new record types with deadlines are covered without code here.
func deadlines(v any, path string, visit func(path string, d model.Deadline)) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["due"]; ok {
			if _, ok := x["rule"]; ok {
				raw, _ := json.Marshal(x)
				var d model.Deadline
				if json.Unmarshal(raw, &d) == nil {
					visit(path, d)
				}
				return
			}
		}
		for _, k := range sortedKeys(x) {
			deadlines(x[k], path+"."+k, visit)
		}
	case []any:
		for i, e := range x {
			deadlines(e, fmt.Sprintf("%s[%d]", path, i), visit)
		}
	}
}

func (s *Server) allRecords(c *gin.Context, kind string) ([]store.Record, error) {
	var out []store.Record
	cursor := ""
	for {
		rs, next, err := s.Store.Records(c, store.RecordQuery{Kind: kind, Limit: 500, After: cursor})
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

func (s *Server) compliance(c *gin.Context) {
	now := s.now()
	findings := []Finding{}
	add := func(f Finding) { findings = append(findings, f) }
	kinds := []string{"authorization", "application", "product", "pricefiling", "revenue", "rectification", "case", "logstream", "trade", "incident"}
	byKind := map[string][]store.Record{}
	for _, k := range kinds {
		rs, err := s.allRecords(c, k)
		if err != nil {
			s.storeErr(c, "records", err)
			return
		}
		byKind[k] = rs
		for _, r := range rs {
			var v any
			if json.Unmarshal(r.Data, &v) != nil {
				continue
			}
			deadlines(v, "", func(path string, d model.Deadline) {
				if d.Overdue(now) {
					add(Finding{Category: "overdue", Kind: r.Kind, ID: r.ID, Detail: d.What + " overdue (" + path[1:] + ")", Party: d.Party, Due: d.Due, Rule: d.Rule})
				}
			})
		}
	}
	// terminated but still used: a trade or price filing dated after its product's
	// authorization ended
	ended := map[string]time.Time{}
	for _, r := range byKind["authorization"] {
		var a model.Authorization
		if json.Unmarshal(r.Data, &a) == nil && a.Termination != nil {
			ended[a.ID] = a.Termination.At
		} else if a.Status == model.AuthActive && a.TermEnd != "" && model.DateOf(now) > a.TermEnd {
			add(Finding{Category: "expired_not_recorded", Kind: "authorization", ID: a.ID, Detail: "term ended " + a.TermEnd + "; the next transaction touching it records the expiry", Party: a.Operator})
		}
	}
	productAuths := map[string][]string{}
	for _, r := range byKind["product"] {
		var p model.Product
		if json.Unmarshal(r.Data, &p) == nil {
			productAuths[p.ID] = p.Authorizations
		}
	}
	for _, k := range []string{"trade", "pricefiling"} {
		for _, r := range byKind[k] {
			var x struct {
				Product   string    `json:"product"`
				CreatedAt time.Time `json:"createdAt"`
			}
			if json.Unmarshal(r.Data, &x) != nil {
				continue
			}
			for _, a := range productAuths[x.Product] {
				if at, ok := ended[a]; ok && x.CreatedAt.After(at) {
					add(Finding{Category: "terminated_but_used", Kind: k, ID: r.ID, Detail: fmt.Sprintf("%s of product %s on %s after authorization %s ended %s", k, x.Product, x.CreatedAt.Format(time.RFC3339), a, at.Format(time.RFC3339))})
				}
			}
		}
	}
	for _, r := range byKind["pricefiling"] {
		var f model.PriceFiling
		if json.Unmarshal(r.Data, &f) == nil && f.SupersededBy == "" && (f.Flag != nil || (f.CapFen != nil && f.PriceFen > *f.CapFen)) {
			cap := int64(0)
			if f.Flag != nil {
				cap = f.Flag.CapFen
			} else {
				cap = *f.CapFen
			}
			add(Finding{Category: "price_above_cap", Kind: "pricefiling", ID: f.ID, Party: f.Operator, Detail: fmt.Sprintf("product %s filed at %d fen, cap %d fen", f.Product, f.PriceFen, cap)})
		}
	}
	for _, r := range byKind["revenue"] {
		var rv model.Revenue
		if json.Unmarshal(r.Data, &rv) == nil && rv.ObligationAction != "" && rv.Obligation.Open() {
			add(Finding{Category: "revenue_deviation", Kind: "revenue", ID: rv.ID, Party: rv.Obligation.Party, Due: rv.Obligation.Due,
				Detail: fmt.Sprintf("%d revenue deviates from the maximum allowed: %s pending", rv.Year, rv.ObligationAction)})
		}
	}
	for _, r := range byKind["logstream"] {
		var ls model.LogStream
		if json.Unmarshal(r.Data, &ls) != nil {
			continue
		}
		last := ls.WindowEnd
		if ls.Anchors == 0 {
			last = ls.CreatedAt
		}
		if now.Sub(last) > 7*24*time.Hour {
			add(Finding{Category: "log_gap", Kind: "logstream", ID: ls.ID, Party: ls.Owner, Detail: fmt.Sprintf("no anchored log window since %s (%d anchors)", last.Format(time.RFC3339), ls.Anchors)})
		}
	}
	for _, r := range byKind["case"] {
		var cs model.Case
		if json.Unmarshal(r.Data, &cs) == nil && cs.Status == model.CaseOpen {
			add(Finding{Category: "unanswered_case", Kind: "case", ID: cs.ID, Party: cs.Addressee, Detail: string(cs.CaseKind) + ": " + cs.Title})
		}
	}
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].Category != findings[j].Category {
			return findings[i].Category < findings[j].Category
		}
		return findings[i].Kind+"/"+findings[i].ID < findings[j].Kind+"/"+findings[j].ID
	})
	counts := map[string]int{}
	for _, f := range findings {
		counts[f.Category]++
	}
	c.JSON(http.StatusOK, gin.H{"at": now.UTC(), "counts": counts, "findings": findings})
}

// Mismatch is one difference between the index and the ledger.
type Mismatch struct {
	Block  uint64 `json:"block"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// verifyChain re-reads each block from the peer and compares it with the index: the
// block hash, the hash chain, and every row derived from it (transactions, record
// versions), so a changed row in the index is found.
func (s *Server) verifyChain(c *gin.Context) {
	next, _, err := s.Store.Checkpoint(c)
	if err != nil {
		s.storeErr(c, "checkpoint", err)
		return
	}
	from, to := uint64(0), next
	if v := c.Query("from"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			badParam(c, "from", "%q is not a block number", v)
			return
		}
		from = n
	}
	if v := c.Query("to"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			badParam(c, "to", "%q is not a block number", v)
			return
		}
		to = n + 1
	}
	if to > next {
		to = next
	}
	started := time.Now()
	problems := []Mismatch{}
	var prevHash []byte
	for n := from; n < to; n++ {
		stored, err := s.Store.Block(c, n)
		if err != nil {
			problems = append(problems, Mismatch{n, "INDEX_BLOCK_MISSING", err.Error()})
			continue
		}
		if n > from && !bytes.Equal(stored.PrevHash, prevHash) {
			problems = append(problems, Mismatch{n, "INDEX_CHAIN_BROKEN", "stored previous hash does not match the stored hash of block " + strconv.FormatUint(n-1, 10)})
		}
		prevHash = stored.Hash
		raw := stored.Raw
		source := "index"
		if s.Ledger != nil {
			if raw, err = s.Ledger.BlockBytes(c, n); err != nil {
				problems = append(problems, Mismatch{n, "LEDGER_UNREADABLE", err.Error()})
				continue
			}
			source = "ledger"
		}
		var b common.Block
		if err := proto.Unmarshal(raw, &b); err != nil {
			problems = append(problems, Mismatch{n, "BLOCK_UNREADABLE", source + ": " + err.Error()})
			continue
		}
		want, err := indexer.Convert(&b, s.Chaincode)
		if err != nil {
			problems = append(problems, Mismatch{n, "BLOCK_UNREADABLE", err.Error()})
			continue
		}
		if !bytes.Equal(want.Hash, stored.Hash) {
			problems = append(problems, Mismatch{n, "INDEX_BLOCK_HASH_DIFFERS", fmt.Sprintf("index has %x, %s has %x", stored.Hash, source, want.Hash)})
		}
		problems = append(problems, s.compareRows(c, n, want)...)
	}
	stateChecked := 0
	if s.Ledger != nil {
		var sp []Mismatch
		stateChecked, sp = s.compareState(c, from, to)
		problems = append(problems, sp...)
	}
	c.JSON(http.StatusOK, gin.H{"from": from, "to": to, "blocksChecked": to - from, "ok": len(problems) == 0,
		"comparedWith": map[bool]string{true: "ledger (peer)", false: "stored raw blocks"}[s.Ledger != nil],
		"mismatches":   problems, "recordsComparedWithState": stateChecked, "seconds": time.Since(started).Seconds()})
}

// compareState holds every indexed record last written in blocks [from, to) against world
// state (System:Digests): a record whose latest indexed version differs from what the
// ledger holds was changed without an event the index saw (INDEX_STATE_DIFFERS).
func (s *Server) compareState(c *gin.Context, from, to uint64) (int, []Mismatch) {
	var out []Mismatch
	checked := 0
	after := ""
	for {
		rs, next, err := s.Store.Records(c, store.RecordQuery{Limit: 500, After: after, NoParties: true})
		if err != nil {
			return checked, append(out, Mismatch{0, "INDEX_UNREADABLE", err.Error()})
		}
		var batch []store.Record
		for _, r := range rs {
			if r.Block >= from && r.Block < to {
				batch = append(batch, r)
			}
		}
		for i := 0; i < len(batch); i += 200 {
			part := batch[i:min(i+200, len(batch))]
			refs := make([]model.RecordRef, len(part))
			for j, r := range part {
				refs[j] = model.RecordRef{Kind: model.Kind(r.Kind), ID: r.ID}
			}
			ds, err := s.Ledger.StateDigests(c, refs)
			if err != nil || len(ds) != len(part) {
				return checked, append(out, Mismatch{part[0].Block, "LEDGER_UNREADABLE", fmt.Sprintf("state digests: %v (%d answers for %d records)", err, len(ds), len(part))})
			}
			for j, r := range part {
				checked++
				d := ds[j]
				switch {
				case d.Missing:
					out = append(out, Mismatch{r.Block, "INDEX_STATE_DIFFERS", fmt.Sprintf("%s %s v%d is indexed but not in world state", r.Kind, r.ID, r.Version)})
				case d.Version != r.Version || d.Digest != gm.SumHex(r.Data):
					out = append(out, Mismatch{r.Block, "INDEX_STATE_DIFFERS", fmt.Sprintf("%s %s: index has v%d (tx %s), world state has v%d with other content", r.Kind, r.ID, r.Version, r.TxID, d.Version)})
				}
			}
		}
		if next == "" {
			return checked, out
		}
		after = next
	}
}

func (s *Server) compareRows(c *gin.Context, n uint64, want *store.Block) []Mismatch {
	var out []Mismatch
	got, err := s.Store.TxsOfBlock(c, n)
	if err != nil {
		return []Mismatch{{n, "INDEX_TXS_UNREADABLE", err.Error()}}
	}
	if len(got) != len(want.Txs) {
		return []Mismatch{{n, "INDEX_TX_COUNT_DIFFERS", fmt.Sprintf("index has %d transactions, the block %d", len(got), len(want.Txs))}}
	}
	for i, w := range want.Txs {
		g := got[i]
		if g.ID != w.ID || g.Valid != w.Valid || g.ValidationCode != w.ValidationCode || g.EventType != w.EventType || g.CreatorMSP != w.CreatorMSP {
			out = append(out, Mismatch{n, "INDEX_TX_DIFFERS", fmt.Sprintf("tx %d: index (%s %s %s) vs block (%s %s %s)", i, g.ID, g.ValidationCode, g.EventType, w.ID, w.ValidationCode, w.EventType)})
			continue
		}
		for _, rc := range w.Records {
			vs, err := s.Store.RecordVersions(c, rc.Kind, rc.ID)
			if err != nil {
				out = append(out, Mismatch{n, "INDEX_RECORD_MISSING", fmt.Sprintf("%s %s: %v", rc.Kind, rc.ID, err)})
				continue
			}
			found := false
			for _, v := range vs {
				if v.TxID == w.ID {
					found = true
					if !jsonEqual(v.Data, rc.Data) || v.Version != rc.Version {
						out = append(out, Mismatch{n, "INDEX_RECORD_DIFFERS", fmt.Sprintf("%s %s v%d written by tx %s differs from the ledger", rc.Kind, rc.ID, rc.Version, w.ID)})
					}
				}
			}
			if !found {
				out = append(out, Mismatch{n, "INDEX_RECORD_MISSING", fmt.Sprintf("%s %s v%d of tx %s is not indexed", rc.Kind, rc.ID, rc.Version, w.ID)})
			}
		}
	}
	// the current version of each record must equal its latest indexed version
	for _, w := range want.Txs {
		for _, rc := range w.Records {
			cur, err := s.Store.Record(c, rc.Kind, rc.ID)
			if err != nil {
				continue
			}
			vs, err := s.Store.RecordVersions(c, rc.Kind, rc.ID)
			if err != nil || len(vs) == 0 {
				continue
			}
			last := vs[len(vs)-1]
			if cur.TxID == last.TxID && !jsonEqual(cur.Data, last.Data) {
				out = append(out, Mismatch{n, "INDEX_RECORD_DIFFERS", fmt.Sprintf("current %s %s differs from its last indexed version", rc.Kind, rc.ID)})
			}
		}
	}
	return out
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

func hexParam(c *gin.Context, name, v string) ([]byte, bool) {
	b, err := hex.DecodeString(v)
	if err != nil || len(b) == 0 {
		badParam(c, name, "%q is not hex", v)
		return nil, false
	}
	return b, true
}
