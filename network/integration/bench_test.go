//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client/bench"
	"github.com/pdledger/pdledger/network/nettest"
)

// TestBench_ProfilesEveryNodeThenBackToService: bench mode restarts every peer, orderer
// and chaincode server with its profile server, one node at a time; under load each of
// the nine is profiled; and bench mode off restarts them without it, withdraws their
// addresses, and leaves a network on which every org's transaction commits.
func TestBench_ProfilesEveryNodeThenBackToService(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	start := time.Now()
	if err := n.SetBench(ctx, true); err != nil {
		t.Fatal(err)
	}
	on := time.Since(start)
	off := false
	defer func() {
		if !off {
			_ = n.SetBench(ctx, false)
		}
	}()
	c := nettest.Client(t, "bureau-admin")
	plainKey := fmt.Sprintf("it-%d", time.Now().UnixNano())
	if _, err := c.SubmitArgs(ctx, model.BenchPlainPut, plainKey, "v"); err != nil {
		t.Fatalf("the plain put in bench mode: %v", err)
	}
	out := t.TempDir()
	prof, err := bench.ProfileServers(ctx, n.L.Run, out, 2*time.Second, func() {
		for end := time.Now().Add(3 * time.Second); time.Now().Before(end); {
			register(t, ctx, c, model.RoleOperator, "OperatorMSP")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range prof.Profiled {
		got = append(got, p.Process)
		if fi, err := os.Stat(p.File); err != nil || fi.Size() == 0 {
			t.Errorf("%s: profile %s: %v", p.Process, p.File, err)
		}
		if strings.HasPrefix(p.Process, "peer") && len(p.Phases) == 0 {
			t.Errorf("%s endorsed and validated under load, yet its profile has no samples", p.Process)
		}
	}
	sort.Strings(got)
	var want []string
	for _, node := range append(n.T.Orderers(), n.T.Peers()...) {
		want = append(want, node.ID())
	}
	for _, org := range n.T.PeerOrgs() {
		want = append(want, "ccaas."+strings.ToLower(org.Name))
	}
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("profiled %v, want every node and chaincode server %v", got, want)
	}

	start = time.Now()
	if err := n.SetBench(ctx, false); err != nil {
		t.Fatal(err)
	}
	off = true
	if left, _ := filepath.Glob(filepath.Join(n.L.Run, "pprof", "*.addr")); len(left) > 0 {
		t.Fatalf("bench mode is off, yet profile addresses are still announced: %v", left)
	}
	if _, err := c.SubmitArgs(ctx, model.BenchPlainPut, plainKey+"-off", "v"); model.CodeOf(err) != model.CodeDisabled {
		t.Fatalf("the plain put after bench mode: %v, want %s", err, model.CodeDisabled)
	}
	res, err := n.Smoke(ctx)
	if err != nil {
		t.Fatalf("after bench mode: %v", err)
	}
	nettest.Report(t, "bench-mode-restarts", map[string]any{"onSeconds": on.Seconds(), "offSeconds": time.Since(start).Seconds(), "smoke": len(res)})
}
