package network

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pdledger/pdledger/client"
)

// ReadyTimeout bounds how long `up` waits for every gateway to endorse.
const ReadyTimeout = 90 * time.Second

// PeerView is what one peer's discovery service (and so its gateway) sees of the channel.
type PeerView struct {
	Peer string                  // node id, e.g. peer0.bureau
	Org  string                  // its MSP id
	Seen []client.DiscoveredPeer // peers it knows, itself included
	Err  string                  // discovery failed
	// Endorsers are the orgs whose endorsements its gateway collected for a probe
	// proposal (nil when it could not collect a policy-satisfying set).
	Endorsers   []string
	EndorseErr  string
	MissingOrgs []string // peer orgs with no peer (running the chaincode) in Seen
}

// Ready reports whether the peer's gateway sees every peer org and endorsed.
func (v PeerView) Ready() bool {
	return v.Err == "" && v.EndorseErr == "" && len(v.MissingOrgs) == 0 && len(v.Endorsers) > 0
}

func (v PeerView) String() string {
	switch {
	case v.Err != "":
		return fmt.Sprintf("%s: discovery failed: %s", v.Peer, v.Err)
	case len(v.MissingOrgs) > 0:
		return fmt.Sprintf("%s cannot see %s (it sees: %s)", v.Peer, strings.Join(v.MissingOrgs, ", "), client.FormatPeers(v.Seen))
	case v.EndorseErr != "":
		return fmt.Sprintf("%s sees every org but its gateway could not endorse: %s", v.Peer, v.EndorseErr)
	}
	return fmt.Sprintf("%s: endorsed by %s", v.Peer, strings.Join(v.Endorsers, "+"))
}

// Views asks every peer, as its org's admin, which peers its discovery service knows,
// and has its gateway collect endorsements for a probe proposal (never submitted).
func (n *Net) Views(ctx context.Context) []PeerView {
	profiles := n.Profiles()
	var out []PeerView
	for _, org := range n.T.PeerOrgs() {
		for i := range org.Nodes {
			node := &org.Nodes[i]
			v := PeerView{Peer: node.ID(), Org: org.MSPID}
			p := *profiles[strings.ToLower(org.Name)+"-admin"]
			p.PeerEndpoint = node.Addr()
			c, err := client.Connect(ctx, &p, client.WithTimeouts(client.Timeouts{Evaluate: 3 * time.Second, Endorse: 5 * time.Second,
				Submit: 5 * time.Second, CommitStatus: 5 * time.Second}))
			if err != nil {
				v.Err = err.Error()
				out = append(out, v)
				continue
			}
			if v.Seen, err = c.DiscoverPeers(ctx); err != nil {
				v.Err = err.Error()
			} else {
				v.MissingOrgs = missingOrgs(n.T, v.Seen, n.T.Chaincode.Name)
				if len(v.MissingOrgs) == 0 {
					if v.Endorsers, err = c.Endorsers(ctx, "System:Heartbeat", map[string]string{"note": "readiness probe"}); err != nil {
						v.EndorseErr = err.Error()
					}
				}
			}
			c.Close()
			out = append(out, v)
		}
	}
	return out
}

// missingOrgs lists the peer orgs of the topology without any peer in seen that runs
// the chaincode.
func missingOrgs(t *Topology, seen []client.DiscoveredPeer, chaincode string) []string {
	have := map[string]bool{}
	for _, p := range seen {
		if p.HasChaincode(chaincode) {
			have[p.MSPID] = true
		}
	}
	var miss []string
	for _, org := range t.PeerOrgs() {
		if !have[org.MSPID] {
			miss = append(miss, org.MSPID)
		}
	}
	sort.Strings(miss)
	return miss
}

// WaitReady is the gate of `up`: it returns when every peer's gateway sees a peer of
// every org running the chaincode (gossip and discovery have converged) and has collected
// endorsements that satisfy the chaincode's policy. Until then it prints what is missing
// every few seconds; after timeout it fails naming which peer cannot see which.
func (n *Net) WaitReady(ctx context.Context, timeout time.Duration) error {
	start := time.Now()
	deadline := start.Add(timeout)
	lastReport := time.Time{}
	for {
		views := n.Views(ctx)
		var waiting []string
		for _, v := range views {
			if !v.Ready() {
				waiting = append(waiting, v.String())
			}
		}
		if len(waiting) == 0 {
			for _, v := range views {
				n.logf("    %s", v)
			}
			n.logf("    every gateway endorses (after %.1fs)", time.Since(start).Seconds())
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not every gateway can collect an endorsement after %s:\n    %s", timeout, strings.Join(waiting, "\n    "))
		}
		if time.Since(lastReport) >= 3*time.Second {
			n.logf("    waiting for endorsement readiness (%.0fs): %s", time.Since(start).Seconds(), strings.Join(waiting, "; "))
			lastReport = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// SmokeResult is one org's smoke transaction.
type SmokeResult struct {
	Org     string
	TxID    string
	Block   uint64
	Latency time.Duration
}

// Smoke commits one System:Heartbeat through each peer org's own gateway, as that org's
// admin, in one read-your-writes session (each sees the one before it).
func (n *Net) Smoke(ctx context.Context) ([]SmokeResult, error) {
	session := client.NewSession()
	var out []SmokeResult
	for _, org := range n.T.PeerOrgs() {
		c, err := n.Connect(ctx, strings.ToLower(org.Name)+"-admin", client.WithSession(session))
		if err != nil {
			return out, fmt.Errorf("%s: %w", org.Name, err)
		}
		start := time.Now()
		res, err := c.Submit(ctx, "System:Heartbeat", map[string]string{"note": "smoke " + org.Name})
		c.Close()
		if err != nil {
			return out, fmt.Errorf("%s: %w", org.Name, err)
		}
		out = append(out, SmokeResult{Org: org.Name, TxID: res.TxID, Block: res.BlockNumber, Latency: time.Since(start)})
	}
	return out, nil
}

// SetBench restarts every org's chaincode server with the benchmark baseline
// (System:BenchPut) and its profile socket on or off, and every peer and orderer with its
// profile server on or off (one node at a time, each healthy again before the next, so
// the channel keeps its endorsers and its Raft quorum), then waits until every gateway
// endorses again. The setting is kept in the run state, so the supervisor restarts a
// crashed process the same way.
func (n *Net) SetBench(ctx context.Context, on bool) error {
	st, err := n.LoadState()
	if err != nil {
		return err
	}
	if st == nil {
		return fmt.Errorf("network is not up")
	}
	if st.Bench == on {
		return nil
	}
	st.Bench = on
	for _, org := range n.T.PeerOrgs() {
		if err := n.Hold(CCaaSName(org)); err != nil {
			return err
		}
	}
	defer func() {
		for _, org := range n.T.PeerOrgs() {
			n.Release(CCaaSName(org))
		}
	}()
	if on {
		var addrs []string
		for _, node := range append(n.T.Orderers(), n.T.Peers()...) {
			if a := node.ProfileAddr(); a != "" {
				addrs = append(addrs, a)
			}
		}
		if busy := WaitPortsFree(addrs, 0); len(busy) > 0 {
			return fmt.Errorf("profile ports in use by another program: %s", strings.Join(busy, ", "))
		}
	}
	if err := n.SaveState(st); err != nil {
		return err
	}
	for _, org := range n.T.PeerOrgs() {
		if err := n.StartCCaaS(org, st); err != nil {
			return err
		}
	}
	n.logf("    chaincode servers restarted with bench %v", on)
	ops, err := NewOps(n.T, n.L)
	if err != nil {
		return err
	}
	// the Raft leader last, and each node caught up before the next goes down: a lagging
	// follower plus a restarted leader can leave Raft without a quorum that agrees
	var orderers []*Node
	var leader *Node
	for _, o := range n.T.Orderers() {
		if leader == nil && ops.Status(o).Leader {
			leader = o
			continue
		}
		orderers = append(orderers, o)
	}
	if leader != nil {
		orderers = append(orderers, leader)
	}
	for _, node := range append(orderers, n.T.Peers()...) {
		if err := n.restartNode(ctx, ops, node); err != nil {
			return err
		}
		if node.IsOrderer() {
			if err := n.WaitForLeader(ctx, ReadyTimeout); err != nil {
				return err
			}
		}
	}
	n.logf("    peers and orderers restarted with their profile servers %v", on)
	return n.WaitReady(ctx, ReadyTimeout)
}

// restartNode stops a peer or orderer and starts it again, held from the supervisor
// meanwhile, and waits until it reports healthy.
func (n *Net) restartNode(ctx context.Context, ops *Ops, node *Node) error {
	if err := n.Hold(node.ID()); err != nil {
		return err
	}
	defer n.Release(node.ID())
	if p, _ := ReadProc(n.L, node.ID()); p.Alive() {
		p.Stop(15 * time.Second)
	}
	ports := []string{node.Addr(), node.OpsAddr()}
	if node.IsOrderer() {
		ports = append(ports, node.AdminAddr())
	} else {
		ports = append(ports, fmt.Sprintf("%s:%d", node.Host, node.ChaincodePort))
	}
	if a := node.ProfileAddr(); a != "" {
		ports = append(ports, a)
	}
	if busy := WaitPortsFree(ports, 10*time.Second); len(busy) > 0 {
		return fmt.Errorf("%s: ports %s still held after it stopped", node.ID(), strings.Join(busy, ", "))
	}
	if err := n.StartNode(node); err != nil {
		return err
	}
	if err := n.waitHealthy(ctx, ops, []*Node{node}, ReadyTimeout); err != nil {
		return err
	}
	return n.waitCaughtUp(ctx, ops, node, ReadyTimeout)
}

// waitCaughtUp waits until a node's channel height reaches the highest of its kind (and
// an orderer sees its whole Raft cluster active).
func (n *Net) waitCaughtUp(ctx context.Context, ops *Ops, node *Node, timeout time.Duration) error {
	peersOf := n.T.Peers()
	if node.IsOrderer() {
		peersOf = n.T.Orderers()
	}
	deadline := time.Now().Add(timeout)
	for {
		st := ops.Status(node)
		var top uint64
		for _, o := range peersOf {
			if h := ops.Status(o).Height; h > top {
				top = h
			}
		}
		raftOK := !node.IsOrderer() || st.ClusterSize > 0 && st.ActiveNodes == st.ClusterSize
		if st.Up && st.Height >= top && raftOK {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not catch up after its restart in %s: height %d of %d, raft active %d/%d", node.ID(), timeout, st.Height, top, st.ActiveNodes, st.ClusterSize)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
