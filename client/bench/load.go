// Package bench measures the live network: closed-loop load from N concurrent clients for
// a fixed time, committed transactions per second and latency percentiles, always
// reported next to a baseline measured in the same run.
package bench

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pdledger/pdledger/client"
)

// Op is one transaction a worker submits: a function and its arguments.
type Op struct {
	Fn   string
	Args []string
}

// Workload produces the next transaction of worker w (its i-th).
type Workload func(w, i int) (Op, error)

// Stats summarises one run.
type Stats struct {
	Name      string         `json:"name"`
	Workers   int            `json:"workers"`
	Duration  time.Duration  `json:"-"`
	Seconds   float64        `json:"seconds"`
	Committed int            `json:"committed"`
	Failed    int            `json:"failed"`
	TPS       float64        `json:"committedPerSecond"`
	P50Ms     float64        `json:"p50Ms"`
	P95Ms     float64        `json:"p95Ms"`
	P99Ms     float64        `json:"p99Ms"`
	MaxMs     float64        `json:"maxMs"`
	ByFn      map[string]int `json:"byFunction,omitempty"`
	Errors    []string       `json:"errors,omitempty"` // first few
}

// Run drives workers closed-loop (each waits for its commit before the next) through
// clients (round-robin) for d, after a warm-up.
func Run(ctx context.Context, name string, clients []*client.Client, workers int, d, warmup time.Duration, wl Workload) Stats {
	var mu sync.Mutex
	var lat []time.Duration
	st := Stats{Name: name, Workers: workers, ByFn: map[string]int{}}
	var measuring atomic.Bool
	start := time.Now()
	deadline := start.Add(warmup + d)
	var measuredFrom time.Time
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := clients[w%len(clients)]
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				op, err := wl(w, i)
				if err != nil {
					mu.Lock()
					st.Failed++
					if len(st.Errors) < 5 {
						st.Errors = append(st.Errors, err.Error())
					}
					mu.Unlock()
					continue
				}
				t0 := time.Now()
				_, err = c.SubmitArgs(ctx, op.Fn, op.Args...)
				el := time.Since(t0)
				if !measuring.Load() {
					continue
				}
				mu.Lock()
				if err != nil {
					st.Failed++
					if len(st.Errors) < 5 {
						st.Errors = append(st.Errors, fmt.Sprintf("%s: %v", op.Fn, err))
					}
				} else {
					lat = append(lat, el)
					st.ByFn[op.Fn]++
				}
				mu.Unlock()
			}
		}(w)
	}
	time.Sleep(warmup)
	measuredFrom = time.Now()
	measuring.Store(true)
	wg.Wait()
	st.Duration = time.Since(measuredFrom)
	st.Seconds = st.Duration.Seconds()
	st.Committed = len(lat)
	st.TPS = float64(st.Committed) / st.Seconds
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	st.P50Ms, st.P95Ms, st.P99Ms = pct(lat, 50), pct(lat, 95), pct(lat, 99)
	if len(lat) > 0 {
		st.MaxMs = ms(lat[len(lat)-1])
	}
	return st
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

func pct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return ms(sorted[i])
}

// Percentile exposes the percentile computation for tests.
func Percentile(sorted []time.Duration, p float64) float64 { return pct(sorted, p) }
