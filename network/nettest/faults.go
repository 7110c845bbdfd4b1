package nettest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gwclient "github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network"
)

// Ops returns the operations-endpoint reader of the network.
func Ops(t testing.TB) *network.Ops {
	t.Helper()
	n := Net(t)
	ops, err := network.NewOps(n.T, n.L)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// Leader returns the current Raft leader, waiting up to timeout for one.
func Leader(t testing.TB, timeout time.Duration) *network.Node {
	t.Helper()
	n, ops := Net(t), Ops(t)
	deadline := time.Now().Add(timeout)
	for {
		for _, o := range n.T.Orderers() {
			if ops.Status(o).Leader {
				return o
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Raft leader within %s", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Kill sends SIGKILL to a node and returns its pid.
func Kill(t testing.TB, name string) int {
	t.Helper()
	p, err := network.ReadProc(Net(t).L, name)
	if err != nil || p == nil || !p.Alive() {
		t.Fatalf("%s is not running (%v)", name, err)
	}
	if err := p.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill %s: %v", name, err)
	}
	for i := 0; i < 100 && p.Alive(); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	return p.Pid
}

// WaitRestarted waits until the supervisor has started name again (a pid other than
// oldPid, alive, healthy).
func WaitRestarted(t testing.TB, name string, oldPid int, timeout time.Duration) {
	t.Helper()
	n, ops := Net(t), Ops(t)
	node := n.T.Node(name)
	deadline := time.Now().Add(timeout)
	for {
		p, _ := network.ReadProc(n.L, name)
		if p != nil && p.Pid != oldPid && p.Alive() && (node == nil || ops.Healthz(node) == nil) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not restarted within %s", name, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WaitCaughtUp waits until the orderer's height equals the highest orderer height and it
// sees the whole Raft cluster active. It returns how long that took.
func WaitCaughtUp(t testing.TB, name string, timeout time.Duration) time.Duration {
	t.Helper()
	n, ops := Net(t), Ops(t)
	node := n.T.Node(name)
	start := time.Now()
	for {
		st := ops.Status(node)
		var max uint64
		others := n.T.Orderers()
		if !node.IsOrderer() {
			others = n.T.Peers()
		}
		for _, o := range others {
			if h := ops.Status(o).Height; h > max {
				max = h
			}
		}
		if st.Up && st.Height >= max && st.Height > 0 && (!node.IsOrderer() || st.ActiveNodes == st.ClusterSize) {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("%s did not catch up within %s: %+v (max height %d)", name, timeout, st, max)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Load is a closed-loop load of idempotent domain transactions (participant
// registrations and complaints, alternately) from several goroutines, recording what
// was acknowledged.
type Load struct {
	mu       sync.Mutex
	Acked    map[string]string // request id → tx id (ids of complaints start with "case-")
	Failures []error
	Attempts int
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// StartLoad starts workers submitting through c until Stop. The workers' writes do not
// depend on each other: give c client.WithSession(nil) so no call waits for peers to
// catch up with the others' commits.
func StartLoad(t testing.TB, c *client.Client, workers int, pause time.Duration) *Load {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Load{Acked: map[string]string{}, cancel: cancel}
	prefix := ID("load")
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go func(w int) {
			defer l.wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				id := fmt.Sprintf("%s-%d-%d", prefix, w, i)
				fn := "Participant:Register"
				var req any = model.RegisterParticipantRequest{Request: model.Request{ID: id}, Role: model.RolePartner,
					Name: "负载测试 " + id, USCC: USCC(), MSPID: "OperatorMSP"}
				if i%2 == 1 {
					id = "case-" + id
					fn = "Supervision:FileCase"
					req = model.FileCaseRequest{Request: model.Request{ID: id}, CaseKind: model.CaseComplaint,
						Title: "负载测试投诉", Description: "故障注入期间的投诉 " + id}
				}
				// Submissions run to completion even after Stop, so nothing is left half-done.
				res, err := c.Submit(context.Background(), fn, req)
				l.mu.Lock()
				if err != nil {
					l.Failures = append(l.Failures, fmt.Errorf("%s: %w", id, err))
				} else {
					l.Acked[id] = res.TxID
					l.Attempts += res.Attempts
				}
				l.mu.Unlock()
				if pause > 0 {
					time.Sleep(pause)
				}
			}
		}(w)
	}
	return l
}

// Stop ends the load and waits for in-flight submissions.
func (l *Load) Stop() {
	l.cancel()
	l.wg.Wait()
}

// VerifyExactlyOnce checks every acknowledged registration on the ledger: the record
// exists, is at version 1, and its history holds exactly one committed write.
func (l *Load) VerifyExactlyOnce(t testing.TB, c *client.Client) {
	t.Helper()
	ctx := context.Background()
	for id := range l.Acked {
		kind, getFn := "participant", "Participant:Get"
		if strings.HasPrefix(id, "case-") {
			kind, getFn = "case", "Supervision:Case"
		}
		var rec struct {
			Version int `json:"version"`
		}
		if err := c.Evaluate(ctx, getFn, model.Ref{ID: id}, &rec); err != nil {
			t.Errorf("acknowledged %s is not on the ledger: %v", id, err)
			continue
		}
		var hist []struct {
			TxID string `json:"txId"`
		}
		if err := c.Evaluate(ctx, "System:History", map[string]string{"kind": kind, "id": id}, &hist); err != nil {
			t.Errorf("history of %s: %v", id, err)
			continue
		}
		if rec.Version != 1 || len(hist) != 1 {
			t.Errorf("%s %s committed %d times (version %d), want exactly once", kind, id, len(hist), rec.Version)
		}
	}
}

// BlockClock records when each new block reaches a peer.
type BlockClock struct {
	mu     sync.Mutex
	times  []time.Time
	cancel context.CancelFunc
}

// WatchBlocks starts recording block arrival times from c's peer.
func WatchBlocks(t testing.TB, c *client.Client) *BlockClock {
	t.Helper()
	info, err := c.ChainInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	events, err := c.Network().BlockEvents(ctx, gwclient.WithStartBlock(info.Height))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	bc := &BlockClock{cancel: cancel}
	go func() {
		for range events {
			bc.mu.Lock()
			bc.times = append(bc.times, time.Now())
			bc.mu.Unlock()
		}
	}()
	t.Cleanup(cancel)
	return bc
}

// FirstAfter returns the first block arrival after t0 (zero if none).
func (bc *BlockClock) FirstAfter(t0 time.Time) time.Time {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	for _, ts := range bc.times {
		if ts.After(t0) {
			return ts
		}
	}
	return time.Time{}
}

// LongestGap returns the longest time without a block between from and to.
func (bc *BlockClock) LongestGap(from, to time.Time) time.Duration {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	prev := from
	var gap time.Duration
	for _, ts := range bc.times {
		if ts.Before(from) || ts.After(to) {
			continue
		}
		if d := ts.Sub(prev); d > gap {
			gap = d
		}
		prev = ts
	}
	if d := to.Sub(prev); d > gap {
		gap = d
	}
	return gap
}
