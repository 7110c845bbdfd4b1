package bench

import (
	"context"
	"sync"
	"testing"
	"time"
)

// server is a fake system with a fixed capacity: it serves one request at a time, each
// taking service, so committed throughput rises with the load until 1/service and then
// stays flat while latency grows.
type server struct {
	mu      sync.Mutex
	service time.Duration
}

func (s *server) do(ctx context.Context, w, i int) (string, error) {
	time.Sleep(2 * time.Millisecond) // the client's own round trip, outside the server
	s.mu.Lock()
	time.Sleep(s.service)
	s.mu.Unlock()
	return "op", nil
}

// TestSweep_StopsAtTheKnee: a sweep doubles the load while throughput rises and stops at
// the first step that gains too little; the peak is the best step, below the capacity.
func TestSweep_StopsAtTheKnee(t *testing.T) {
	s := &server{service: 4 * time.Millisecond} // capacity 250/s
	rep := Sweep(context.Background(), "fake", SweepOptions{From: 1, Max: 64, Duration: 300 * time.Millisecond, Warmup: 50 * time.Millisecond, MinGain: 0.05}, s.do)
	if len(rep.Steps) < 2 {
		t.Fatalf("%d steps: one worker cannot saturate it (%+v)", len(rep.Steps), rep.Steps)
	}
	last := rep.Steps[len(rep.Steps)-1]
	if rep.Peak.TPS <= 0 || rep.Peak.TPS > 260 {
		t.Fatalf("peak %.1f/s for a capacity of 250/s", rep.Peak.TPS)
	}
	for _, st := range rep.Steps {
		if st.TPS > rep.Peak.TPS {
			t.Fatalf("a step (%d workers, %.1f/s) beats the peak (%.1f/s)", st.Workers, st.TPS, rep.Peak.TPS)
		}
	}
	if prev := rep.Steps[len(rep.Steps)-2]; last.TPS >= prev.TPS*1.05 && last.Workers < 64 {
		t.Fatalf("stopped at %d workers while still gaining (%.1f → %.1f)", last.Workers, prev.TPS, last.TPS)
	}
	if rep.Half != nil && rep.Half.TPS > rep.Peak.TPS {
		t.Fatalf("half-peak step %.1f above the peak %.1f", rep.Half.TPS, rep.Peak.TPS)
	}
}
