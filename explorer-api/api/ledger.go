package api

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client/logs"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// anchorAt finds the indexed anchor of a stream whose tree has exactly size leaves.
func (s *Server) anchorAt(c *gin.Context, stream string, size uint64) (*model.Anchor, bool) {
	sr, ok := s.readable(c, "logstream", stream)
	if !ok {
		return nil, false
	}
	edges, err := s.Store.EdgesTo(c, "logstream", sr.ID)
	if err != nil {
		s.storeErr(c, "anchors", err)
		return nil, false
	}
	for _, e := range edges {
		if e.FromKind != "anchor" {
			continue
		}
		r, err := s.Store.Record(c, "anchor", e.FromID)
		if err != nil {
			continue
		}
		var a model.Anchor
		if json.Unmarshal(r.Data, &a) == nil && a.Size == size {
			return &a, true
		}
	}
	problem(c, http.StatusNotFound, "NOT_FOUND", "size", "stream %s has no anchor of tree size %d", stream, size)
	return nil, false
}

func decodeProof(c *gin.Context, in []string) ([][]byte, bool) {
	out := make([][]byte, len(in))
	for i, h := range in {
		b, ok := hexParam(c, fmt.Sprintf("proof[%d]", i), h)
		if !ok {
			return nil, false
		}
		out[i] = b
	}
	return out, true
}

// bindJSON decodes the body strictly; hint says what was expected.
func bindJSON(c *gin.Context, v any, hint string) bool {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(c, err, maxBody(c)) {
			return false
		}
		badParam(c, "body", "expected %s: %v", hint, err)
		return false
	}
	return true
}

func (s *Server) logInclusion(c *gin.Context) {
	var req struct {
		Stream   string   `json:"stream"`
		Index    *uint64  `json:"index"`
		Size     uint64   `json:"size"`
		Line     *string  `json:"line"`
		LeafHash string   `json:"leafHash"`
		Proof    []string `json:"proof"`
	}
	if !bindJSON(c, &req, `{"stream","index","size","line" or "leafHash","proof":[hex]}`) {
		return
	}
	switch {
	case req.Stream == "":
		badParam(c, "stream", "required")
		return
	case req.Index == nil:
		badParam(c, "index", "required")
		return
	case req.Size == 0 || *req.Index >= req.Size:
		badParam(c, "size", "must be above index %d", *req.Index)
		return
	case (req.Line == nil) == (req.LeafHash == ""):
		badParam(c, "line", "give exactly one of line and leafHash")
		return
	}
	var leaf []byte
	if req.Line != nil {
		leaf = logs.LeafHash([]byte(*req.Line))
	} else if leaf, _ = hexParam(c, "leafHash", req.LeafHash); leaf == nil {
		return
	}
	proof, ok := decodeProof(c, req.Proof)
	if !ok {
		return
	}
	a, ok := s.anchorAt(c, req.Stream, req.Size)
	if !ok {
		return
	}
	root, _ := hex.DecodeString(a.Root)
	err := merkle.VerifyInclusion(merkle.SM3, *req.Index, req.Size, leaf, proof, root)
	out := gin.H{"verified": err == nil, "stream": req.Stream, "index": *req.Index, "size": req.Size, "root": a.Root,
		"anchor": a.ID, "proof": s.proof(c, a.UpdatedTx)}
	if err != nil {
		out["reason"] = err.Error()
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) logConsistency(c *gin.Context) {
	var req struct {
		Stream string   `json:"stream"`
		From   uint64   `json:"from"`
		To     uint64   `json:"to"`
		Proof  []string `json:"proof"`
	}
	if !bindJSON(c, &req, `{"stream","from","to","proof":[hex]}`) {
		return
	}
	if req.Stream == "" {
		badParam(c, "stream", "required")
		return
	}
	if req.From == 0 || req.To < req.From {
		badParam(c, "from", "need 0 < from <= to, got %d..%d", req.From, req.To)
		return
	}
	proof, ok := decodeProof(c, req.Proof)
	if !ok {
		return
	}
	a1, ok := s.anchorAt(c, req.Stream, req.From)
	if !ok {
		return
	}
	a2, ok := s.anchorAt(c, req.Stream, req.To)
	if !ok {
		return
	}
	r1, _ := hex.DecodeString(a1.Root)
	r2, _ := hex.DecodeString(a2.Root)
	err := merkle.VerifyConsistency(merkle.SM3, req.From, req.To, proof, r1, r2)
	out := gin.H{"verified": err == nil, "stream": req.Stream, "from": a1.ID, "to": a2.ID, "fromRoot": a1.Root, "toRoot": a2.Root}
	if err != nil {
		out["reason"] = err.Error()
	}
	c.JSON(http.StatusOK, out)
}

// BlockView is a block with its transactions.
type BlockView struct {
	Number   uint64    `json:"number"`
	Hash     string    `json:"hash"`
	PrevHash string    `json:"previousHash"`
	DataHash string    `json:"dataHash"`
	Time     time.Time `json:"time"`
	TxCount  int       `json:"txCount"`
	Txs      []TxView  `json:"txs,omitempty"`
}

// TxView is a transaction; record data is shown only where the caller may read it.
type TxView struct {
	ID             string    `json:"txId"`
	Block          uint64    `json:"blockNumber"`
	Index          int       `json:"index"`
	Valid          bool      `json:"valid"`
	ValidationCode string    `json:"validationCode"`
	Creator        string    `json:"creatorMsp"`
	CreatorSubject string    `json:"creatorSubject"`
	Endorsers      []string  `json:"endorsingOrgs"`
	Time           time.Time `json:"time"`
	Function       string    `json:"function,omitempty"`
	EventType      string    `json:"eventType,omitempty"`
	// Replay names the replay session the transaction ran under: its time is what the
	// replaying client claimed (dated history), not checked by the endorsers' clocks.
	Replay string `json:"replay,omitempty"`
	// TimeFlag says why the transaction's claimed time is suspect (see Server.timeFlag).
	TimeFlag string  `json:"timeFlag,omitempty"`
	Records  []TxRec `json:"records,omitempty"`
}

// TxRec is a record change of a transaction.
type TxRec struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Version int             `json:"version"`
	Action  string          `json:"action"`
	Data    json.RawMessage `json:"data,omitempty"` // omitted when the caller may not read it
}

func blockView(b *store.Block) BlockView {
	return BlockView{Number: b.Number, Hash: hex.EncodeToString(b.Hash), PrevHash: hex.EncodeToString(b.PrevHash),
		DataHash: hex.EncodeToString(b.DataHash), Time: b.Time, TxCount: b.TxCount}
}

func (s *Server) txView(caller *Caller, t *store.Tx, b *store.Block) TxView {
	v := TxView{ID: t.ID, Block: t.Block, Index: t.Index, Valid: t.Valid, ValidationCode: t.ValidationCode, Creator: t.CreatorMSP,
		CreatorSubject: t.CreatorSubject, Endorsers: t.Endorsers, Time: t.Time, Function: t.Function, EventType: t.EventType,
		Replay: t.Replay, TimeFlag: s.timeFlag(t, b)}
	for _, r := range t.Records {
		tr := TxRec{Kind: r.Kind, ID: r.ID, Version: r.Version, Action: r.Action}
		if canRead(caller, &store.Record{Public: r.Public, Parties: r.Parties}) {
			tr.Data = r.Data
		}
		v.Records = append(v.Records, tr)
	}
	return v
}

func (s *Server) blockWithTxs(c *gin.Context, b *store.Block) {
	v := blockView(b)
	txs, err := s.Store.TxsOfBlock(c, b.Number)
	if err != nil {
		s.storeErr(c, "transactions", err)
		return
	}
	for i := range txs {
		v.Txs = append(v.Txs, s.txView(callerOf(c), &txs[i], b))
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) blockByNumber(c *gin.Context) {
	n, err := strconv.ParseUint(c.Param("number"), 10, 64)
	if err != nil {
		badParam(c, "number", "%q is not a block number", c.Param("number"))
		return
	}
	b, err := s.Store.Block(c, n)
	if err != nil {
		s.storeErr(c, "block "+c.Param("number"), err)
		return
	}
	s.blockWithTxs(c, b)
}

func (s *Server) blockByHash(c *gin.Context) {
	h, ok := hexParam(c, "hash", c.Param("hash"))
	if !ok {
		return
	}
	b, err := s.Store.BlockByHash(c, h)
	if err != nil {
		s.storeErr(c, "block "+c.Param("hash"), err)
		return
	}
	s.blockWithTxs(c, b)
}

func (s *Server) blocks(c *gin.Context) {
	limit, ok := limitParam(c, 20, 500)
	if !ok {
		return
	}
	next, _, err := s.Store.Checkpoint(c)
	if err != nil {
		s.storeErr(c, "checkpoint", err)
		return
	}
	top := next
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			badParam(c, "before", "%q is not a block number", v)
			return
		}
		if n < top {
			top = n
		}
	}
	out := []BlockView{}
	for n := top; n > 0 && len(out) < limit; n-- {
		b, err := s.Store.Block(c, n-1)
		if err != nil {
			s.storeErr(c, "block", err)
			return
		}
		out = append(out, blockView(b))
	}
	c.JSON(http.StatusOK, gin.H{"height": next, "blocks": out})
}

func (s *Server) txByID(c *gin.Context) {
	t, err := s.Store.Tx(c, c.Param("id"))
	if err != nil {
		s.storeErr(c, "transaction "+c.Param("id"), err)
		return
	}
	b, err := s.Store.Block(c, t.Block)
	if err != nil {
		s.storeErr(c, "block of transaction "+t.ID, err)
		return
	}
	v := s.txView(callerOf(c), t, b)
	c.JSON(http.StatusOK, gin.H{"tx": v, "proof": s.proof(c, t.ID)})
}

func (s *Server) healthz(c *gin.Context) {
	if err := s.Store.DB().PingContext(c); err != nil {
		problem(c, http.StatusServiceUnavailable, "DB_DOWN", "", "database: %v", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "store": s.Store.Engine()})
}

func (s *Server) readyz(c *gin.Context) {
	if s.Indexer == nil {
		c.JSON(http.StatusOK, gin.H{"status": "ready", "indexer": "off"})
		return
	}
	st := s.Indexer.Status()
	if s.Ledger != nil {
		if info, err := s.Ledger.ChainInfo(c); err == nil && info.Height > st.Height {
			st.Height = info.Height
			st.Lag = st.Height - st.Next
		}
	}
	if st.Alarm != "" || st.Lag > s.MaxLag || st.Height == 0 {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "indexer": st})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "indexer": st})
}

// latencies keeps a bounded sample of request durations per route for p50/p99.
type latencies struct {
	mu sync.Mutex
	m  map[string][]float64
	n  map[string]uint64
}

func (l *latencies) add(route string, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m, l.n = map[string][]float64{}, map[string]uint64{}
	}
	l.n[route]++
	s := l.m[route]
	if len(s) >= 1024 {
		s = s[1:]
	}
	l.m[route] = append(s, d.Seconds())
}

func (s *Server) metrics(c *gin.Context) {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("# HELP pdl_explorer_requests_total HTTP requests served.")
	w("# TYPE pdl_explorer_requests_total counter")
	w("pdl_explorer_requests_total %d", s.requests.Load())
	w("# TYPE pdl_explorer_request_errors_total counter")
	w(`pdl_explorer_request_errors_total{class="4xx"} %d`, s.errors4.Load())
	w(`pdl_explorer_request_errors_total{class="5xx"} %d`, s.errors5.Load())
	if s.Indexer != nil {
		st := s.Indexer.Status()
		w("# HELP pdl_explorer_index_next_block Next block the indexer will store (= blocks indexed).")
		w("# TYPE pdl_explorer_index_next_block gauge")
		w("pdl_explorer_index_next_block %d", st.Next)
		w("# TYPE pdl_explorer_ledger_height gauge")
		w("pdl_explorer_ledger_height %d", st.Height)
		w("# TYPE pdl_explorer_index_lag_blocks gauge")
		w("pdl_explorer_index_lag_blocks %d", st.Lag)
		w("# HELP pdl_explorer_verification_failures_total Blocks refused by verification (alarm).")
		w("# TYPE pdl_explorer_verification_failures_total counter")
		w("pdl_explorer_verification_failures_total %d", st.Failures)
		w("# TYPE pdl_explorer_reconnects_total counter")
		w("pdl_explorer_reconnects_total %d", st.Reconnects)
	}
	if blocks, txs, records, versions, err := s.Store.Counts(c); err == nil {
		w("# TYPE pdl_explorer_index_rows gauge")
		w(`pdl_explorer_index_rows{table="blocks"} %d`, blocks)
		w(`pdl_explorer_index_rows{table="txs"} %d`, txs)
		w(`pdl_explorer_index_rows{table="records"} %d`, records)
		w(`pdl_explorer_index_rows{table="record_versions"} %d`, versions)
	}
	s.latency.mu.Lock()
	w("# HELP pdl_explorer_request_seconds Request latency quantiles over the last 1024 requests per route.")
	w("# TYPE pdl_explorer_request_seconds summary")
	for _, route := range sortedKeys(s.latency.m) {
		xs := append([]float64{}, s.latency.m[route]...)
		sort.Float64s(xs)
		for _, q := range []float64{0.5, 0.99} {
			w(`pdl_explorer_request_seconds{route=%q,quantile="%g"} %g`, route, q, xs[int(q*float64(len(xs)-1))])
		}
		w(`pdl_explorer_request_seconds_count{route=%q} %d`, route, s.latency.n[route])
	}
	s.latency.mu.Unlock()
	c.Data(http.StatusOK, "text/plain; version=0.0.4", []byte(b.String()))
}

// openapi serves the OpenAPI 3 document generated from the route table.
func (s *Server) openapi(c *gin.Context) {
	c.JSON(http.StatusOK, OpenAPI())
}

// OpenAPI builds the document.
func OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range routeTable() {
		path := rt.path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		params := []map[string]any{}
		for _, p := range rt.params {
			params = append(params, map[string]any{"name": p.name, "in": p.in, "required": p.required, "description": p.desc, "schema": map[string]any{"type": "string"}})
		}
		op := map[string]any{"summary": rt.summary, "tags": []string{rt.group}, "parameters": params,
			"responses": map[string]any{
				"200":     map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{}}},
				"default": map[string]any{"description": "problem details", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			}}
		switch rt.access {
		case public:
			op["security"] = []any{}
		case overseer:
			op["description"] = "bureau and regulators only"
		}
		if rt.body != "" {
			op["requestBody"] = map[string]any{"required": true, "description": rt.body, "content": map[string]any{"application/json": map[string]any{}}}
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "PDLedger explorer API", "version": "1",
			"description": "Traceability of public data authorized operation with proofs. Protected endpoints need a client certificate of one of the channel's organizations (mutual TLS)."},
		"paths":    paths,
		"security": []any{map[string]any{"mutualTLS": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"mutualTLS": map[string]any{"type": "mutualTLS"}},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "properties": map[string]any{
				"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
				"detail": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"}, "param": map[string]any{"type": "string"}}}},
		},
	}
}

// DefaultTimeWindow is how far a transaction's claimed time may be from its block's
// before the explorer flags it (the chaincode servers' default window).
const DefaultTimeWindow = 5 * time.Minute

// timeFlag says why a transaction's time is suspect, "" when it is not. A transaction's
// time is chosen by its client; every org's chaincode server refuses one outside its
// window, so a flagged transaction means an endorser's clock or window is off (or a
// majority agreed to a forged time). The reference is when the explorer received the
// block at the tip of the ledger, else the block's median claimed time. Replayed
// transactions are marked by their session instead.
func (s *Server) timeFlag(t *store.Tx, b *store.Block) string {
	if t.Replay != "" || !t.Valid || t.Time.IsZero() || b == nil {
		return ""
	}
	window := s.TimeWindow
	if window == 0 {
		window = DefaultTimeWindow
	}
	ref, what := b.Time, "the median time of its block"
	if !b.Received.IsZero() {
		ref, what = b.Received, "when the explorer received its block"
	}
	if d := t.Time.Sub(ref); d > window || d < -window {
		return fmt.Sprintf("TX_TIME_FAR_FROM_BLOCK: claimed %s, %s off %s (%s)", t.Time.In(cst).Format(time.RFC3339), d.Round(time.Second), what, ref.In(cst).Format(time.RFC3339))
	}
	return ""
}

var cst = time.FixedZone("CST", 8*3600)
