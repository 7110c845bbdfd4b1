package network

import (
	"log"
	"strings"
	"testing"
	"time"
)

func TestBackoff_KillAfterRunningRestartsAtOnce(t *testing.T) {
	var b backoff
	t0 := time.Unix(1000, 0)
	b.start(t0)
	b.died(t0.Add(30 * time.Second)) // ran 30 s, then killed
	if !b.ready(t0.Add(30 * time.Second)) {
		t.Fatal("a process that ran for a while must restart at once")
	}
}

func TestBackoff_CrashLoopSpacesRestarts(t *testing.T) {
	var b backoff
	now := time.Unix(1000, 0)
	var delays []time.Duration
	for i := 0; i < 9; i++ {
		b.start(now)
		now = now.Add(time.Second) // dies one second after each start
		b.died(now)
		delays = append(delays, b.next.Sub(now))
		now = b.next
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute, time.Minute}
	for i := range want {
		if delays[i] != want[i] {
			t.Fatalf("delays = %v, want %v", delays, want)
		}
	}
}

// TestSupervisor_FrozenOrdererKilled: an orderer whose height stays behind the others
// for FreezeAfter is reported frozen (and restarted); one that keeps moving is not.
func TestSupervisor_FrozenOrdererKilled(t *testing.T) {
	top, err := LoadTopology("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	s := &supervisor{n: &Net{T: top, L: Layout{Root: t.TempDir(), Run: t.TempDir()}}, log: log.New(&logs, "", 0),
		st: &SupervisorStatus{Nodes: map[string]NodeStatus{}, Restarts: map[string]int{}}, watches: map[string]*watch{},
		backoffs: map[string]*backoff{}, reported: map[string]int{}}
	o := top.Orderers()
	statuses := func(h0, h1 uint64) map[string]NodeStatus {
		return map[string]NodeStatus{
			o[0].ID(): {Up: true, Height: h0, ActiveNodes: 3},
			o[1].ID(): {Up: true, Height: h1, ActiveNodes: 3, Leader: true},
			o[2].ID(): {Up: true, Height: h1, ActiveNodes: 3},
		}
	}
	t0 := time.Unix(1000, 0)
	s.killFrozenOrderers(statuses(5, 10), t0)
	s.killFrozenOrderers(statuses(6, 12), t0.Add(FreezeAfter/2)) // catching up: moving
	s.killFrozenOrderers(statuses(6, 14), t0.Add(FreezeAfter))
	if len(s.st.Events) != 0 {
		t.Fatalf("a moving orderer was reported: %+v", s.st.Events)
	}
	s.killFrozenOrderers(statuses(6, 20), t0.Add(FreezeAfter/2+FreezeAfter+time.Second))
	if len(s.st.Events) == 0 || s.st.Events[0].Kind != "frozen" || s.st.Events[0].Node != o[0].ID() {
		t.Fatalf("events %+v, want %s frozen", s.st.Events, o[0].ID())
	}
}
