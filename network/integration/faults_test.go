//go:build integration

package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network/nettest"
)

// TestFaults_OrdererKillUnderLoad kills a Raft follower, then the leader, with SIGKILL
// under load: no acknowledged transaction is lost, none commits twice, commits resume,
// and the leader failover stall is measured.
func TestFaults_OrdererKillUnderLoad(t *testing.T) {
	n := nettest.Net(t)
	loader := nettest.Client(t, "bureau-admin", client.WithSession(nil)) // independent writes: no read-your-writes waits
	clock := nettest.WatchBlocks(t, nettest.Client(t, "operator-admin"))
	load := nettest.StartLoad(t, loader, 16, 0)
	time.Sleep(3 * time.Second)

	leader := nettest.Leader(t, 10*time.Second)
	var follower string
	for _, o := range n.T.Orderers() {
		if o.ID() != leader.ID() {
			follower = o.ID()
			break
		}
	}
	t0 := time.Now()
	pid := nettest.Kill(t, follower)
	nettest.WaitRestarted(t, follower, pid, 30*time.Second)
	catchUp := nettest.WaitCaughtUp(t, follower, 90*time.Second)
	followerGap := clock.LongestGap(t0, time.Now())
	t.Logf("follower %s killed: longest commit gap %s, caught up %s after restart", follower, followerGap.Round(time.Millisecond), catchUp.Round(time.Millisecond))

	time.Sleep(2 * time.Second)
	leader = nettest.Leader(t, 10*time.Second)
	t1 := time.Now()
	pid = nettest.Kill(t, leader.ID())
	newLeader := nettest.Leader(t, 60*time.Second)
	elected := time.Since(t1)
	// Commits resume: the first block after the kill.
	deadline := time.Now().Add(60 * time.Second)
	for clock.FirstAfter(t1.Add(elected)).IsZero() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	resumed := clock.FirstAfter(t1.Add(elected))
	if resumed.IsZero() {
		t.Fatalf("no block committed within 60s of electing %s", newLeader.ID())
	}
	stall := clock.LongestGap(t1, resumed)
	nettest.WaitRestarted(t, leader.ID(), pid, 30*time.Second)
	time.Sleep(3 * time.Second)
	load.Stop()
	nettest.WaitCaughtUp(t, leader.ID(), 90*time.Second)

	t.Logf("leader %s killed: %s elected after %s; commits stalled %s; %d acknowledged, %d failed, %.2f attempts per tx",
		leader.ID(), newLeader.ID(), elected.Round(time.Millisecond), stall.Round(time.Millisecond),
		len(load.Acked), len(load.Failures), float64(load.Attempts)/float64(max(1, len(load.Acked))))
	nettest.Report(t, "orderer-failover", map[string]any{
		"followerCommitGapMs": followerGap.Milliseconds(), "followerCatchUpMs": catchUp.Milliseconds(),
		"leaderElectedMs": elected.Milliseconds(), "leaderStallMs": stall.Milliseconds(),
		"acknowledged": len(load.Acked), "failed": len(load.Failures),
		"raftTick": n.T.Orderer.Raft.TickInterval, "electionTick": n.T.Orderer.Raft.ElectionTick,
	})
	for _, f := range load.Failures {
		t.Errorf("submission failed for good despite retries: %v", f)
	}
	if len(load.Acked) == 0 {
		t.Fatal("no transaction acknowledged under load")
	}
	load.VerifyExactlyOnce(t, nettest.Client(t, "bureau-admin"))
}

// TestFaults_PeerKillCatchUp kills a peer under light load: the others keep committing
// (MAJORITY endorsement), and the restarted peer catches up to the same block hash.
func TestFaults_PeerKillCatchUp(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin", client.WithSession(nil))
	load := nettest.StartLoad(t, bureau, 2, 100*time.Millisecond)
	time.Sleep(time.Second)
	pid := nettest.Kill(t, "peer0.operator")
	before := len(load.Acked)
	time.Sleep(3 * time.Second)
	nettest.WaitRestarted(t, "peer0.operator", pid, 30*time.Second)
	time.Sleep(2 * time.Second)
	load.Stop()
	if len(load.Acked) <= before {
		t.Fatalf("no commits while peer0.operator was down (%d before, %d after)", before, len(load.Acked))
	}
	info, err := bureau.ChainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := nettest.WaitHeights(t, info.Height, 60*time.Second)
	var want string
	for _, prof := range []string{"bureau-admin", "operator-admin", "sourceunit-admin"} {
		b, err := nettest.Client(t, prof).Block(ctx, h-1)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%x", b.GetHeader().GetDataHash())
		if want == "" {
			want = got
		} else if got != want {
			t.Fatalf("%s block %d data hash %s, want %s", prof, h-1, got, want)
		}
	}
	for _, f := range load.Failures {
		t.Errorf("submission failed: %v", f)
	}
}

// TestFaults_OrdererRestartLoop restarts orderers with SIGKILL twenty times under light
// load, leader included, and shows that every one rejoins. The network keeps a Raft
// snapshot on every orderer, which is what avoids the v2.5.0 restart deadlock.
func TestFaults_OrdererRestartLoop(t *testing.T) {
	n := nettest.Net(t)
	load := nettest.StartLoad(t, nettest.Client(t, "bureau-admin", client.WithSession(nil)), 2, 200*time.Millisecond)
	defer load.Stop()
	var worst time.Duration
	var total time.Duration
	const rounds = 20
	for i := 0; i < rounds; i++ {
		var victim string
		if i%4 == 3 {
			victim = nettest.Leader(t, 30*time.Second).ID()
		} else {
			victim = n.T.Orderers()[i%len(n.T.Orderers())].ID()
		}
		pid := nettest.Kill(t, victim)
		nettest.WaitRestarted(t, victim, pid, 60*time.Second)
		d := nettest.WaitCaughtUp(t, victim, 120*time.Second)
		total += d
		if d > worst {
			worst = d
		}
		t.Logf("round %2d: %s rejoined, caught up in %s", i+1, victim, d.Round(time.Millisecond))
	}
	st, err := n.LoadSupervisorStatus()
	if err != nil {
		t.Fatal(err)
	}
	frozen := 0
	for _, e := range st.Events {
		if e.Kind == "frozen" {
			frozen++
		}
	}
	t.Logf("%d restarts: mean catch-up %s, worst %s, frozen orderers killed by the supervisor: %d", rounds, (total / rounds).Round(time.Millisecond), worst.Round(time.Millisecond), frozen)
	nettest.Report(t, "orderer-restart-loop", map[string]any{"rounds": rounds, "meanCatchUpMs": (total / rounds).Milliseconds(), "worstCatchUpMs": worst.Milliseconds(), "frozenKilled": frozen})
	load.Stop()
	for _, f := range load.Failures {
		t.Errorf("submission failed: %v", f)
	}
}

// TestFaults_FollowerRestartThenLeaderKill is the liveness trap FABRIC-NOTES saw once: a
// follower restarted (and possibly lagging), then the leader killed. The channel must
// elect a leader and commit.
func TestFaults_FollowerRestartThenLeaderKill(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin", client.WithSession(nil))
	load := nettest.StartLoad(t, bureau, 4, 50*time.Millisecond)
	leader := nettest.Leader(t, 10*time.Second)
	var follower string
	for _, o := range n.T.Orderers() {
		if o.ID() != leader.ID() {
			follower = o.ID()
		}
	}
	pid := nettest.Kill(t, follower)
	nettest.WaitRestarted(t, follower, pid, 30*time.Second)
	nettest.WaitCaughtUp(t, follower, 120*time.Second)
	lpid := nettest.Kill(t, leader.ID())
	start := time.Now()
	newLeader := nettest.Leader(t, 60*time.Second)
	res, err := bureau.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{
		Request: model.Request{ID: nettest.ID("after")}, Role: model.RolePartner, Name: "选主之后", USCC: nettest.USCC(), MSPID: "OperatorMSP"})
	if err != nil {
		t.Fatalf("channel not working after follower restart + leader kill: %v", err)
	}
	t.Logf("new leader %s; a write committed in block %d %s after the leader kill", newLeader.ID(), res.BlockNumber, time.Since(start).Round(time.Millisecond))
	nettest.WaitRestarted(t, leader.ID(), lpid, 30*time.Second)
	load.Stop()
	nettest.WaitCaughtUp(t, leader.ID(), 120*time.Second)
	for _, f := range load.Failures {
		t.Errorf("submission failed: %v", f)
	}
}
