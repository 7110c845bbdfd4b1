package bench

import (
	"context"
	"math"
	"time"
)

// SweepReport is one workload driven at growing load until its committed throughput
// stops rising: every step, the peak, and the step nearest half the peak (latency there
// is the workload's unloaded cost; at the peak it includes queueing).
type SweepReport struct {
	Name  string  `json:"name"`
	Steps []Stats `json:"steps"`
	Peak  Stats   `json:"peak"`
	Half  *Stats  `json:"atHalfPeak,omitempty"`
}

// SweepOptions shape a sweep: closed-loop workers from From, doubling up to Max, each
// step measured for Duration after Warmup; the sweep stops once a step's throughput rises
// less than MinGain (0.05: 5%) over the best before it — the knee — or falls, or when a
// step commits nothing.
type SweepOptions struct {
	From, Max        int
	Duration, Warmup time.Duration
	MinGain          float64
}

// Sweep runs do at each step of o and reports them. Precondition: 1 ≤ o.From ≤ o.Max.
// The load doubles rather than growing linearly because a closed loop's throughput is
// workers ÷ latency until the system saturates: doubling reaches the knee in a few steps
// from any start and then shows it as a flat or falling step.
func Sweep(ctx context.Context, name string, o SweepOptions, do Doer) SweepReport {
	rep := SweepReport{Name: name}
	best := -1
	for w := o.From; w <= o.Max && ctx.Err() == nil; w *= 2 {
		st := Run(ctx, name, w, o.Duration, o.Warmup, do)
		rep.Steps = append(rep.Steps, st)
		if st.Committed == 0 {
			break // nothing commits (the workload is refused): there is no knee to find
		}
		if best >= 0 && st.TPS < rep.Steps[best].TPS*(1+o.MinGain) {
			if st.TPS > rep.Steps[best].TPS {
				best = len(rep.Steps) - 1
			}
			break
		}
		best = len(rep.Steps) - 1
	}
	if best < 0 {
		return rep
	}
	rep.Peak = rep.Steps[best]
	half := -1
	for i, st := range rep.Steps {
		if half < 0 || math.Abs(st.TPS-rep.Peak.TPS/2) < math.Abs(rep.Steps[half].TPS-rep.Peak.TPS/2) {
			half = i
		}
	}
	if half != best {
		rep.Half = &rep.Steps[half]
	}
	return rep
}
