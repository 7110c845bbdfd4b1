package network

import (
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
