package api

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// healthz is liveness: the process and every channel's database answer.
func (h *Hub) healthz(c *gin.Context) {
	engine := ""
	for _, ch := range h.Channels() {
		s := h.Server(ch)
		if err := s.Store.DB().PingContext(c.Request.Context()); err != nil {
			problem(c, http.StatusServiceUnavailable, "DB_DOWN", "", "database of channel %s: %v", ch, err)
			return
		}
		engine = s.Store.Engine()
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "store": engine})
}

// readiness is a channel's index status against its ledger's height, and whether it is
// ready: within MaxLag blocks and no block refused.
func (s *Server) readiness(ctx context.Context) (gin.H, bool) {
	if s.Indexer == nil {
		return gin.H{"status": "ready", "indexer": "off"}, true
	}
	st := s.Indexer.Status()
	if s.Ledger != nil {
		if info, err := s.Ledger.ChainInfo(ctx); err == nil && info.Height > st.Height {
			st.Height = info.Height
			st.Lag = st.Height - st.Next
		}
	}
	if st.Alarm != "" || st.Lag > s.MaxLag || st.Height == 0 {
		return gin.H{"status": "not ready", "indexer": st}, false
	}
	return gin.H{"status": "ready", "indexer": st}, true
}

// readyz is readiness of one channel (?channel=) or of all: 503 while any is not ready.
// "indexer" is the named channel's status, or the default channel's.
func (h *Hub) readyz(c *gin.Context) {
	if c.Query("channel") != "" {
		s := h.pick(c)
		if s == nil {
			return
		}
		body, ok := s.readiness(c.Request.Context())
		body["channel"] = s.Channel
		c.JSON(map[bool]int{true: http.StatusOK, false: http.StatusServiceUnavailable}[ok], body)
		return
	}
	all, ready := gin.H{}, true
	var body gin.H
	for i, ch := range h.Channels() {
		b, ok := h.Server(ch).readiness(c.Request.Context())
		ready = ready && ok
		all[ch] = b
		if i == 0 {
			body = gin.H{"indexer": b["indexer"]}
		}
	}
	body["channels"] = all
	body["status"] = map[bool]string{true: "ready", false: "not ready"}[ready]
	c.JSON(map[bool]int{true: http.StatusOK, false: http.StatusServiceUnavailable}[ready], body)
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

// metrics serves the Prometheus text format: the process's requests, and each
// channel's index labelled with its channel.
func (h *Hub) metrics(c *gin.Context) {
	s := h.first()
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("# HELP pdl_explorer_requests_total HTTP requests served.")
	w("# TYPE pdl_explorer_requests_total counter")
	w("pdl_explorer_requests_total %d", s.requests.Load())
	w("# TYPE pdl_explorer_request_errors_total counter")
	w(`pdl_explorer_request_errors_total{class="4xx"} %d`, s.errors4.Load())
	w(`pdl_explorer_request_errors_total{class="5xx"} %d`, s.errors5.Load())
	type gauge struct{ name, help, typ string }
	series := map[string][]string{}
	for _, ch := range h.Channels() {
		cs := h.Server(ch)
		add := func(name, labels string, v uint64) {
			series[name] = append(series[name], fmt.Sprintf("%s{channel=%q%s} %d", name, ch, labels, v))
		}
		if cs.Indexer != nil {
			st := cs.Indexer.Status()
			add("pdl_explorer_index_next_block", "", st.Next)
			add("pdl_explorer_ledger_height", "", st.Height)
			add("pdl_explorer_index_lag_blocks", "", st.Lag)
			add("pdl_explorer_verification_failures_total", "", st.Failures)
			add("pdl_explorer_reconnects_total", "", st.Reconnects)
		}
		if blocks, txs, records, versions, err := cs.Store.Counts(c.Request.Context()); err == nil {
			add("pdl_explorer_index_rows", `,table="blocks"`, uint64(blocks))
			add("pdl_explorer_index_rows", `,table="txs"`, uint64(txs))
			add("pdl_explorer_index_rows", `,table="records"`, uint64(records))
			add("pdl_explorer_index_rows", `,table="record_versions"`, uint64(versions))
		}
	}
	for _, g := range []gauge{
		{"pdl_explorer_index_next_block", "Next block the indexer will store (= blocks indexed).", "gauge"},
		{"pdl_explorer_ledger_height", "Height of the channel's ledger at the peer.", "gauge"},
		{"pdl_explorer_index_lag_blocks", "Blocks the index is behind the ledger.", "gauge"},
		{"pdl_explorer_verification_failures_total", "Blocks refused by verification (alarm).", "counter"},
		{"pdl_explorer_reconnects_total", "Reconnections to the peer.", "counter"},
		{"pdl_explorer_index_rows", "Rows of the index by table.", "gauge"},
	} {
		if len(series[g.name]) == 0 {
			continue
		}
		w("# HELP %s %s", g.name, g.help)
		w("# TYPE %s %s", g.name, g.typ)
		for _, line := range series[g.name] {
			w("%s", line)
		}
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
