//go:build drill

// Package drill holds a test that fails on purpose. It is compiled only with the build tag
// "drill", which TestEvidence_FailedMakeTestKeepsItsLogs passes to a nested
// `scripts/test.sh integration` to see what a failed `make test` leaves behind.
package drill

import "testing"

// DrillMessage is what the failing test prints; the outer test looks for it in the
// terminal output and in the kept integration log.
const DrillMessage = "evidence drill: this failure is on purpose"

func TestDrill_FailsOnPurpose(t *testing.T) {
	for i := 0; i < 60; i++ {
		t.Logf("drill line %d", i)
	}
	t.Fatal(DrillMessage)
}
