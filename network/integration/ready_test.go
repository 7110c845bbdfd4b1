//go:build integration

package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/network/nettest"
)

// TestReady_GateWaitsForEveryGateway is the gate of `make up`: with the source unit's
// peer down, WaitReady does not declare the network ready and names that peer; once the
// peer is back, the gate opens and every org's gateway collects an endorsement that
// satisfies the chaincode's policy (how long that took after the restart is reported).
func TestReady_GateWaitsForEveryGateway(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	const victim = "peer0.sourceunit"
	if err := n.Hold(victim); err != nil {
		t.Fatal(err)
	}
	released := false
	defer func() {
		if !released {
			n.Release(victim)
		}
	}()
	nettest.Kill(t, victim)

	err := n.WaitReady(ctx, 3*time.Second)
	if err == nil {
		t.Fatalf("WaitReady passed with %s down", victim)
	}
	if !strings.Contains(err.Error(), victim) {
		t.Fatalf("the gate's failure does not name %s:\n%v", victim, err)
	}
	t.Logf("gate with %s down: %v", victim, err)

	if err := n.StartNode(n.T.Node(victim)); err != nil {
		t.Fatal(err)
	}
	n.Release(victim)
	released = true
	start := time.Now()
	if err := n.WaitReady(ctx, 90*time.Second); err != nil {
		t.Fatalf("gate did not open after %s restarted: %v", victim, err)
	}
	t.Logf("gate open %.1fs after %s restarted", time.Since(start).Seconds(), victim)
	for _, v := range n.Views(ctx) {
		if !v.Ready() || len(v.Endorsers) < 2 {
			t.Errorf("after the gate opened: %s", v)
		}
	}
	nettest.Report(t, "readiness-after-peer-restart", map[string]any{"peer": victim, "openAfterMs": time.Since(start).Milliseconds()})
}
