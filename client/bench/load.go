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

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// Doer submits transaction i of worker w, waits for its commit, and names the function.
type Doer func(ctx context.Context, w, i int) (fn string, err error)

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

// Run drives workers closed-loop (each waits for its commit before the next) for d,
// after a warm-up whose transactions are not counted.
func Run(ctx context.Context, name string, workers int, d, warmup time.Duration, do Doer) Stats {
	var mu sync.Mutex
	var lat []time.Duration
	st := Stats{Name: name, Workers: workers, ByFn: map[string]int{}}
	var measuring atomic.Bool
	deadline := time.Now().Add(warmup + d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				t0 := time.Now()
				fn, err := do(ctx, w, i)
				el := time.Since(t0)
				if !measuring.Load() {
					continue
				}
				mu.Lock()
				if err != nil {
					st.Failed++
					if len(st.Errors) < 5 {
						st.Errors = append(st.Errors, fmt.Sprintf("%s: %v", fn, err))
					}
				} else {
					lat = append(lat, el)
					st.ByFn[fn]++
				}
				mu.Unlock()
			}
		}(w)
	}
	time.Sleep(warmup)
	from := time.Now()
	measuring.Store(true)
	wg.Wait()
	st.Duration = time.Since(from)
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

// Baseline is the bare PutState workload through c (System:BenchPut).
func Baseline(c *client.Client, prefix string) Doer {
	return func(ctx context.Context, w, i int) (string, error) {
		_, err := c.SubmitArgs(ctx, "System:BenchPut", fmt.Sprintf("%s-%d-%d", prefix, w, i), "v")
		return "System:BenchPut", err
	}
}

// PlainPut is the plain Fabric put workload through c (model.BenchPlainPut): the same
// write as Baseline, answered by the chaincode server's shim without contract-api.
func PlainPut(c *client.Client, prefix string) Doer {
	return func(ctx context.Context, w, i int) (string, error) {
		_, err := c.SubmitArgs(ctx, model.BenchPlainPut, fmt.Sprintf("%s-%d-%d", prefix, w, i), "v")
		return model.BenchPlainPut, err
	}
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
