package api

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// healthz is liveness: the process and its database answer.
func (s *Server) healthz(c *gin.Context) {
	if err := s.Store.DB().PingContext(c.Request.Context()); err != nil {
		problem(c, http.StatusServiceUnavailable, "DB_DOWN", "", "database: %v", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "store": s.Store.Engine()})
}

// readyz is readiness: the index is within MaxLag blocks of the ledger and no block was
// refused.
func (s *Server) readyz(c *gin.Context) {
	if s.Indexer == nil {
		c.JSON(http.StatusOK, gin.H{"status": "ready", "indexer": "off"})
		return
	}
	st := s.Indexer.Status()
	if s.Ledger != nil {
		if info, err := s.Ledger.ChainInfo(c.Request.Context()); err == nil && info.Height > st.Height {
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

// metrics serves the Prometheus text format.
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
	if blocks, txs, records, versions, err := s.Store.Counts(c.Request.Context()); err == nil {
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
