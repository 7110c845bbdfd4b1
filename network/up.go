package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Net is a topology bound to a run directory.
type Net struct {
	T   *Topology
	L   Layout
	Out io.Writer
}

// State is what `up` and `deploy` record in the run directory.
type State struct {
	StartedAt  time.Time         `json:"startedAt"`
	Version    string            `json:"version"`
	Sequence   int               `json:"sequence"`
	Label      string            `json:"label"`
	PackageIDs map[string]string `json:"packageIds"` // org → package id
	Binary     string            `json:"binary"`
	Ready      bool              `json:"ready"`
	// Bench: the chaincode servers run with System:BenchPut enabled (pdlnet bench on).
	Bench bool `json:"bench,omitempty"`
	// Channels added to the running network (pdlnet channel add): name → policy preset.
	Channels map[string]string `json:"channels,omitempty"`
}

// runningState is the state of a network that is up, or an error saying it is not.
func (n *Net) runningState() (*State, error) {
	st, err := n.LoadState()
	if err != nil || st == nil || !st.Ready {
		return nil, fmt.Errorf("the network is not up (state %v, %v)", st, err)
	}
	return st, nil
}

func (n *Net) statePath() string { return filepath.Join(n.L.Run, "state.json") }

// LoadState reads the run state (nil if the network was never started here).
func (n *Net) LoadState() (*State, error) {
	raw, err := os.ReadFile(n.statePath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	return &s, json.Unmarshal(raw, &s)
}

// SaveState writes the run state.
func (n *Net) SaveState(s *State) error {
	raw, _ := json.MarshalIndent(s, "", "  ")
	return os.WriteFile(n.statePath(), raw, 0o644)
}

func (n *Net) logf(format string, a ...any) {
	if n.Out != nil {
		fmt.Fprintf(n.Out, format+"\n", a...)
	}
}

// step runs one named phase and reports its duration.
func (n *Net) step(name string, f func() error) error {
	start := time.Now()
	n.logf("==> %s", name)
	if err := f(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	n.logf("    %s done in %.1fs", name, time.Since(start).Seconds())
	return nil
}

// Running lists processes with pid files that are alive, and those that died.
func (n *Net) Running() (alive, dead []*Proc, err error) {
	procs, err := ListProcs(n.L)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range procs {
		if p.Alive() {
			alive = append(alive, p)
		} else {
			dead = append(dead, p)
		}
	}
	return alive, dead, nil
}

// ErrAlreadyUp is returned by Up when the network runs already.
var ErrAlreadyUp = errors.New("the network is already up")

// Up starts everything from nothing: crypto material, orderers, peers, the channel,
// the chaincode servers and definition, and waits until the network is healthy,
// including a Raft snapshot on every orderer.
func (n *Net) Up(ctx context.Context) error {
	alive, dead, err := n.Running()
	if err != nil {
		return err
	}
	if len(alive) > 0 {
		names := make([]string, len(alive))
		for i, p := range alive {
			names[i] = p.Name
		}
		msg := fmt.Sprintf("%v: running %s (run `make down` first)", ErrAlreadyUp, strings.Join(names, ", "))
		if len(dead) > 0 {
			msg += "; crashed: " + procNames(dead)
		}
		return errors.New(msg)
	}
	if _, err := os.Stat(n.L.Run); err == nil {
		n.logf("    removing stale run directory %s (no process of it is alive)", n.L.Run)
		if err := os.RemoveAll(n.L.Run); err != nil {
			return err
		}
	}
	if busy := WaitPortsFree(n.T.AllPorts(), 0); len(busy) > 0 {
		return fmt.Errorf("ports in use by another program: %s (see README, Troubleshooting)", strings.Join(busy, ", "))
	}
	if err := os.MkdirAll(n.L.Run, 0o755); err != nil {
		return err
	}
	st := &State{StartedAt: time.Now(), Version: n.T.Chaincode.Version, PackageIDs: map[string]string{}}
	steps := []struct {
		name string
		f    func() error
	}{
		{"crypto material (cryptogen)", func() error { return GenerateCrypto(n.T, n.L) }},
		{"node configuration", func() error { return WriteConfig(n.T, n.L) }},
		{"channel genesis block", func() error { _, err := GenerateChannelBlock(n.T, n.L); return err }},
		{"start certificate authorities (one fabric-ca-server per peer org)", func() error { return n.startCAs() }},
		{"build chaincode server", func() error {
			st.Binary = filepath.Join(n.L.Run, "bin", "pdlcc")
			return BuildChaincode(n.L, st.Binary)
		}},
		{"start orderers", func() error { return n.startAll(ctx, n.T.Orderers()) }},
		{"join orderers to channel " + n.T.Channel, func() error { return n.joinOrderers(ctx) }},
		{"start peers", func() error { return n.startAll(ctx, n.T.Peers()) }},
		{"join peers to channel " + n.T.Channel, func() error { return n.joinPeers(ctx) }},
		{"deploy chaincode (CCaaS, one server per org)", func() error { return n.Deploy(ctx, st, false) }},
		{"wait until every gateway endorses", func() error { return n.WaitReady(ctx, ReadyTimeout) }},
		{"bootstrap ledger and wait for Raft snapshots", func() error { return n.bootstrapAndSnapshot(ctx) }},
		{"write client profiles", func() error { return n.WriteProfiles() }},
		{fmt.Sprintf("channels per jurisdiction (%d)", len(n.T.Channels)), func() error {
			for _, ch := range n.T.Channels {
				if err := n.addChannel(ctx, st, ch); err != nil {
					return err
				}
			}
			return nil
		}},
		{"start supervisor", func() error { return n.StartSupervisor() }},
	}
	for _, s := range steps {
		if err := n.step(s.name, s.f); err != nil {
			return err
		}
	}
	st.Ready = true
	return n.SaveState(st)
}

func procNames(ps []*Proc) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// StartNode starts one orderer or peer process; in bench mode (the run state's Bench) with
// Go's profile server on its ProfileAddr, announced in <run>/pprof/<node>.addr for pdl
// bench.
func (n *Net) StartNode(node *Node) error {
	if err := os.MkdirAll(n.L.DataDir(node.ID()), 0o755); err != nil {
		return err
	}
	profile, err := n.profileEnv(node)
	if err != nil {
		return err
	}
	c, err := n.ProcessCommand(node.ID())
	if err != nil {
		return err
	}
	_, err = StartProcIn(n.L, c.Netns, c.Name, c.Exe, c.Args, append(c.Env, profile...))
	return err
}

// profileEnv is what turns a node's profile server on in bench mode, and keeps the
// node's announcement file in <run>/pprof in step with it.
func (n *Net) profileEnv(node *Node) ([]string, error) {
	announce := filepath.Join(n.L.Run, "pprof", node.ID()+".addr")
	st, err := n.LoadState()
	if err != nil {
		return nil, err
	}
	if st == nil || !st.Bench || node.ProfileAddr() == "" {
		if err := os.Remove(announce); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Dir(announce), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(announce, []byte(node.ProfileAddr()+"\n"), 0o600); err != nil {
		return nil, err
	}
	if node.IsOrderer() {
		return []string{"ORDERER_GENERAL_PROFILE_ENABLED=true", "ORDERER_GENERAL_PROFILE_ADDRESS=" + node.ProfileAddr()}, nil
	}
	return []string{"CORE_PEER_PROFILE_ENABLED=true", "CORE_PEER_PROFILE_LISTENADDRESS=" + node.ProfileAddr()}, nil
}

func (n *Net) startAll(ctx context.Context, nodes []*Node) error {
	for _, node := range nodes {
		if err := n.StartNode(node); err != nil {
			return err
		}
	}
	ops, err := NewOps(n.T, n.L)
	if err != nil {
		return err
	}
	return n.waitHealthy(ctx, ops, nodes, 60*time.Second)
}

func (n *Net) waitHealthy(ctx context.Context, ops *Ops, nodes []*Node, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, node := range nodes {
		for {
			p, _ := ReadProc(n.L, node.ID())
			if !p.Alive() {
				return fmt.Errorf("%s exited at start; last log lines:\n%s", node.ID(), tail(n.L.LogFile(node.ID()), 15))
			}
			if err := ops.Healthz(node); err == nil {
				break
			} else if time.Now().After(deadline) {
				return fmt.Errorf("%s not healthy after %s: %v", node.ID(), timeout, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

func tail(path string, lines int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	ls := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return "    " + strings.Join(ls, "\n    ")
}

func (n *Net) osnadmin(node *Node, args ...string) ([]byte, error) {
	c := NewCrypto(n.T, n.L)
	cert, key := c.UserTLS(node.Org(), "Admin")
	full := append(args, "-o", node.AdminAddr(), "--ca-file", c.TLSCA(node.Org()), "--client-cert", cert, "--client-key", key)
	cmd := exec.Command(n.L.Bin("osnadmin"), full...)
	cmd.Env = baseEnv()
	return cmd.CombinedOutput()
}

func (n *Net) joinOrderers(ctx context.Context) error {
	block := filepath.Join(n.L.Run, "channel", n.T.Channel+".block")
	for _, o := range n.T.Orderers() {
		out, err := n.osnadmin(o, "channel", "join", "--channelID", n.T.Channel, "--config-block", block)
		if err != nil && !strings.Contains(string(out), "already exists") {
			return fmt.Errorf("osnadmin join %s: %v: %s", o.ID(), err, out)
		}
	}
	// "active" in osnadmin comes before a leader exists; lifecycle calls need a leader.
	return n.WaitForLeader(ctx, 60*time.Second)
}

// WaitForLeader waits until one orderer reports being Raft leader and all report the
// full cluster active.
func (n *Net) WaitForLeader(ctx context.Context, timeout time.Duration) error {
	ops, err := NewOps(n.T, n.L)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		leaders := 0
		for _, o := range n.T.Orderers() {
			if st := ops.Status(o); st.Leader {
				leaders++
			}
		}
		if leaders == 1 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no Raft leader after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// joinPeer joins a started peer to the channel with the genesis block (a peer that has
// joined already counts as joined); it retries while the peer is still coming up.
func (n *Net) joinPeer(p *Node) error {
	block := filepath.Join(n.L.Run, "channel", n.T.Channel+".block")
	var err error
	var out []byte
	for attempt := 0; attempt < 20; attempt++ {
		out, err = runPeer(n.L, AdminEnv(n.T, n.L, p), "channel", "join", "-b", block)
		if err == nil || strings.Contains(string(out), "already exists") {
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("%s: join: %w\n%s", p.ID(), err, out)
}

func (n *Net) joinPeers(ctx context.Context) error {
	for _, p := range n.T.Peers() {
		if err := n.joinPeer(p); err != nil {
			return err
		}
	}
	// Wait until every peer has the genesis block.
	ops, err := NewOps(n.T, n.L)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, p := range n.T.Peers() {
		for ops.Status(p).Height < 1 {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not receive the genesis block", p.ID())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return nil
}

// Deploy packages the chaincode per org, installs it on every peer, (re)starts each
// org's chaincode server with its package id, approves for every org and commits. With
// upgrade it builds a fresh binary and commits sequence+1, keeping state.
func (n *Net) Deploy(ctx context.Context, st *State, upgrade bool) error {
	seq, curVersion, err := CommittedSequence(n.T, n.L)
	if err != nil {
		return err
	}
	version := n.T.Chaincode.Version
	if upgrade {
		if st.Binary == "" {
			st.Binary = filepath.Join(n.L.Run, "bin", "pdlcc")
		}
		if err := BuildChaincode(n.L, st.Binary); err != nil {
			return err
		}
		version = fmt.Sprintf("%s.%d", n.T.Chaincode.Version, seq+1)
		n.logf("    upgrading %s from version %s sequence %d", n.T.Chaincode.Name, curVersion, seq)
	} else if seq > 0 {
		n.logf("    definition committed already (sequence %d)", seq)
		return nil
	}
	seq++
	// The supervisor restarts a chaincode server it sees die; while this deploy replaces
	// them (and before state.json names the new package ids) it must keep its hands off.
	for _, org := range n.T.PeerOrgs() {
		if err := n.Hold(CCaaSName(org)); err != nil {
			return err
		}
		defer n.Release(CCaaSName(org))
	}
	label := fmt.Sprintf("%s_%s", n.T.Chaincode.Name, version)
	st.Label, st.Sequence, st.Version = label, seq, version
	if st.PackageIDs == nil {
		st.PackageIDs = map[string]string{}
	}
	for _, org := range n.T.PeerOrgs() {
		peer := &org.Nodes[0]
		pkg, err := BuildPackage(n.T, n.L, peer, label)
		if err != nil {
			return err
		}
		for j := range org.Nodes {
			if err := InstallPackage(n.T, n.L, &org.Nodes[j], pkg); err != nil {
				return err
			}
		}
		st.PackageIDs[org.Name] = pkg.ID
		if err := n.StartCCaaS(org, st); err != nil {
			return err
		}
	}
	if err := n.SaveState(st); err != nil {
		return err
	}
	if err := n.define(st, version, seq); err != nil {
		return err
	}
	n.logf("    committed %s version %s sequence %d", n.T.Chaincode.Name, version, seq)
	// The jurisdiction channels run the same chaincode servers, which now serve the new
	// package ids only: each channel's definition follows, or its chaincode stops.
	for _, ch := range slices.Sorted(maps.Keys(st.Channels)) {
		c := n.OnChannel(ch)
		cseq, _, err := CommittedSequence(c.T, c.L)
		if err != nil {
			return fmt.Errorf("channel %s: %w", ch, err)
		}
		cseq++
		if err := c.define(st, version, cseq); err != nil {
			return fmt.Errorf("channel %s: %w", ch, err)
		}
		n.logf("    committed %s version %s sequence %d on channel %s", n.T.Chaincode.Name, version, cseq, ch)
	}
	return n.SaveState(st)
}

// define has every peer org approve the definition (st's package ids, version, seq) on
// n's channel, all at once (each approval waits for its own block), then commits it.
func (n *Net) define(st *State, version string, seq int) error {
	var wg sync.WaitGroup
	errs := make([]error, len(n.T.PeerOrgs()))
	for i, org := range n.T.PeerOrgs() {
		wg.Add(1)
		go func(i int, org *Org) {
			defer wg.Done()
			if err := Approve(n.T, n.L, &org.Nodes[0], st.PackageIDs[org.Name], version, seq); err != nil {
				errs[i] = fmt.Errorf("approve for %s: %w", org.Name, err)
			}
		}(i, org)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return Commit(n.T, n.L, version, seq)
}

// StartCCaaS (re)starts an org's chaincode server with its current package id.
func (n *Net) StartCCaaS(org *Org, st *State) error {
	name := CCaaSName(org)
	if p, _ := ReadProc(n.L, name); p.Alive() {
		p.Stop(5 * time.Second)
	}
	node := &org.Nodes[0]
	if busy := WaitPortsFree([]string{node.CCaaSAddr()}, 10*time.Second); len(busy) > 0 {
		return fmt.Errorf("%s: port %s is held by a process that is not ours (find it with ss -ltnp)", name, node.CCaaSAddr())
	}
	env, err := CCaaSEnv(n.T, n.L, node, st)
	if err != nil {
		return err
	}
	if _, err := StartProcIn(n.L, org.Netns, name, st.Binary, nil, env); err != nil {
		return err
	}
	deadline := time.Now().Add(20 * time.Second)
	for PortFree(node.CCaaSAddr()) {
		if p, _ := ReadProc(n.L, name); !p.Alive() {
			return fmt.Errorf("%s exited at start:\n%s", name, tail(n.L.LogFile(name), 10))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s is not listening on %s", name, node.CCaaSAddr())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// SnapshotCounts returns, per orderer, how many Raft snapshot files it holds for the
// channel.
func (n *Net) SnapshotCounts() map[string]int {
	out := map[string]int{}
	for _, o := range n.T.Orderers() {
		dir := filepath.Join(n.L.DataDir(o.ID()), "etcdraft", "snap", n.T.Channel)
		ents, _ := os.ReadDir(dir)
		c := 0
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".snap") {
				c++
			}
		}
		out[o.ID()] = c
	}
	return out
}

// Stop stops every process the scripts started (supervisor first, so nothing is
// restarted behind our back), then waits for every port to be free.
func (n *Net) Stop() error {
	if p, _ := ReadProc(n.L, SupervisorName); p != nil {
		p.Stop(5 * time.Second)
	}
	procs, err := ListProcs(n.L)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func(p *Proc) {
			defer wg.Done()
			p.Stop(10 * time.Second)
		}(p)
	}
	wg.Wait()
	var stuck []string
	for _, p := range procs {
		if p.Alive() {
			stuck = append(stuck, fmt.Sprintf("%s (pid %d)", p.Name, p.Pid))
		}
	}
	if len(stuck) > 0 {
		return fmt.Errorf("could not stop: %s", strings.Join(stuck, ", "))
	}
	if busy := WaitPortsFree(n.T.AllPorts(), 10*time.Second); len(busy) > 0 {
		return fmt.Errorf("ports still in use after stopping: %s", strings.Join(busy, ", "))
	}
	return nil
}
