package cli

import (
	"math"
	"testing"

	"github.com/pdledger/pdledger/client/bench"
)

// TestBench_PerTxChargesEachProcessByItsProfile: a process's CPU is split over its phases
// in its profile's proportions, per committed transaction, and summed per kind of process.
func TestBench_PerTxChargesEachProcessByItsProfile(t *testing.T) {
	prof := &bench.Profile{Profiled: []bench.ProcessProfile{
		{Process: "peer0.bureau", CPUSeconds: 2, Phases: []bench.PhaseShare{{Phase: "validation", Share: 0.75}, {Phase: "endorsement", Share: 0.25}}},
		{Process: "peer0.operator", CPUSeconds: 1, Phases: []bench.PhaseShare{{Phase: "validation", Share: 1}}},
		{Process: "ccaas.bureau", CPUSeconds: 0.5, Phases: []bench.PhaseShare{{Phase: "contract Logs.Append", Share: 1}, {Phase: "across: JSON", Share: 0.5}}},
	}}
	got := perTx(prof, 100)
	want := []PhaseCost{
		{"chaincode servers", "contract Logs.Append", 5}, {"chaincode servers", "across: JSON", 2.5},
		{"peers", "validation", 25}, {"peers", "endorsement", 5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i].Processes != want[i].Processes || got[i].Phase != want[i].Phase || math.Abs(got[i].Ms-want[i].Ms) > 1e-9 {
			t.Fatalf("row %d: %+v, want %+v (all %+v)", i, got[i], want[i], got)
		}
	}
	if perTx(prof, 0) != nil {
		t.Fatal("no committed transaction, yet a cost per transaction")
	}
}
