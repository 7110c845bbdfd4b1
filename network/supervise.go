package network

import (
	"github.com/pdledger/pdledger/chaincode/model"

	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// SupervisorName is the supervisor's process name.
const SupervisorName = "supervisor"

// Supervision timing. A restarted orderer catching up moves its height; a hung one does
// not, so "behind and not moving" for FreezeAfter means hung.
const (
	superviseEvery = time.Second
	FreezeAfter    = 12 * time.Second
)

// SupervisorStatus is written to .run/supervisor.json after every round.
type SupervisorStatus struct {
	Time     time.Time             `json:"time"`
	Nodes    map[string]NodeStatus `json:"nodes"`
	Restarts map[string]int        `json:"restarts"`
	Events   []SupervisorEvent     `json:"events"` // newest last, at most 200
}

// SupervisorEvent is one thing the supervisor saw or did.
type SupervisorEvent struct {
	Time   time.Time `json:"time"`
	Node   string    `json:"node"`
	Kind   string    `json:"kind"` // crashed, frozen, restarted, restart-failed
	Detail string    `json:"detail"`
}

func (n *Net) supervisorStatusPath() string { return filepath.Join(n.L.Run, "supervisor.json") }

// LoadSupervisorStatus reads the supervisor's last status.
func (n *Net) LoadSupervisorStatus() (*SupervisorStatus, error) {
	raw, err := os.ReadFile(n.supervisorStatusPath())
	if err != nil {
		return nil, err
	}
	var s SupervisorStatus
	return &s, json.Unmarshal(raw, &s)
}

// HoldPath marks a process the supervisor must leave alone (tests that need a node down).
func (n *Net) HoldPath(name string) string { return filepath.Join(n.L.Run, "hold", name) }

// Hold keeps the supervisor from restarting a process (while a script replaces it).
func (n *Net) Hold(name string) error {
	if err := os.MkdirAll(filepath.Dir(n.HoldPath(name)), 0o755); err != nil {
		return err
	}
	return os.WriteFile(n.HoldPath(name), nil, 0o644)
}

// Release lets the supervisor restart a process again.
func (n *Net) Release(name string) { _ = os.Remove(n.HoldPath(name)) }

// StartSupervisor runs this executable's `supervise` command detached.
func (n *Net) StartSupervisor() error { return n.startSupervisorWith(os.Getenv("PDL_TOPOLOGY")) }

// startSupervisorWith starts the supervisor on topology file t ("" the default one).
func (n *Net) startSupervisorWith(t string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	env := []string{"PDL_RUN=" + n.L.Run, "PDL_HOME=" + filepath.Dir(n.L.FabHome), "PDL_ROOT=" + n.L.Root}
	if t != "" {
		// The supervisor must restart nodes with the same definition they started with.
		env = append(env, "PDL_TOPOLOGY="+t)
	}
	_, err = StartProc(n.L, SupervisorName, exe, []string{"supervise"}, env)
	return err
}

// backoff spaces out restarts of a process that keeps dying right after it starts (a
// crash loop: 1 s, 2 s, 4 s ... 60 s between attempts). A process that ran for a while
// before it died is restarted at once: an operator's kill -9, or the fault tests', must
// not make the next restart wait.
type backoff struct {
	next    time.Time
	delay   time.Duration
	started time.Time
}

// crashLoopWindow: dying sooner than this after a start counts as a crash loop.
const crashLoopWindow = 5 * time.Second

func (b *backoff) ready(now time.Time) bool { return !now.Before(b.next) }

func (b *backoff) start(now time.Time) { b.started = now }

// died notes a death and sets when the next start may happen.
func (b *backoff) died(now time.Time) {
	switch {
	case b.started.IsZero() || now.Sub(b.started) > crashLoopWindow:
		b.delay = 0
	case b.delay == 0:
		b.delay = time.Second
	default:
		if b.delay *= 2; b.delay > time.Minute {
			b.delay = time.Minute
		}
	}
	b.next = now.Add(b.delay)
}

type watch struct {
	height   uint64
	since    time.Time // when height last changed
	inactive time.Time // when active nodes first read 0 (zero time: not inactive)
}

// supervisor is the state of one supervision run: what it has seen of each process and
// what it reports.
type supervisor struct {
	n        *Net
	ops      *Ops
	log      *log.Logger
	st       *SupervisorStatus
	watches  map[string]*watch   // orderer → height progress
	backoffs map[string]*backoff // process → restart spacing
	reported map[string]int      // process → last crashed pid reported
}

// Supervise restarts crashed nodes and chaincode servers, kills and restarts frozen
// orderers, and reports each by name in the log and the status file. It runs until ctx
// ends.
func (n *Net) Supervise(ctx context.Context, logger *log.Logger) error {
	ops, err := NewOps(n.T, n.L)
	if err != nil {
		return err
	}
	s := &supervisor{n: n, ops: ops, log: logger, st: &SupervisorStatus{Nodes: map[string]NodeStatus{}, Restarts: map[string]int{}},
		watches: map[string]*watch{}, backoffs: map[string]*backoff{}, reported: map[string]int{}}
	ticker := time.NewTicker(superviseEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		s.round(time.Now())
	}
}

// round is one pass: crashed processes, node health, frozen orderers, the status file.
func (s *supervisor) round(now time.Time) {
	s.restartCrashedNodes()
	s.restartCrashedChaincodeServers()
	s.restartCrashedCAs()
	statuses := s.nodeStatuses()
	s.st.Nodes = statuses
	s.killFrozenOrderers(statuses, now)
	s.st.Time = now
	raw, _ := json.MarshalIndent(s.st, "", "  ")
	tmp := s.n.supervisorStatusPath() + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err == nil {
		_ = os.Rename(tmp, s.n.supervisorStatusPath())
	}
}

func (s *supervisor) event(node, kind, detail string) {
	e := SupervisorEvent{Time: time.Now(), Node: node, Kind: kind, Detail: detail}
	s.log.Printf("%s %s: %s", strings.ToUpper(kind), node, detail)
	s.st.Events = append(s.st.Events, e)
	if len(s.st.Events) > 200 {
		s.st.Events = s.st.Events[len(s.st.Events)-200:]
	}
}

func (s *supervisor) backoffOf(name string) *backoff {
	b := s.backoffs[name]
	if b == nil {
		b = &backoff{}
		s.backoffs[name] = b
	}
	return b
}

func (s *supervisor) held(name string) bool {
	_, err := os.Stat(s.n.HoldPath(name))
	return err == nil
}

// restart starts a process again unless its crash-loop backoff says wait.
func (s *supervisor) restart(name string, start func() error) {
	b := s.backoffOf(name)
	now := time.Now()
	if !b.ready(now) {
		return
	}
	b.start(now)
	if err := start(); err != nil {
		s.event(name, "restart-failed", err.Error())
		return
	}
	s.st.Restarts[name]++
	msg := fmt.Sprintf("restart #%d", s.st.Restarts[name])
	if b.delay > 0 {
		msg += fmt.Sprintf(" (crash loop: restarts spaced by %s)", b.delay)
	}
	s.event(name, "restarted", msg)
}

// crashed reports (once per pid) and notes a process that is gone; detail is its last words.
func (s *supervisor) crashed(name string, p *Proc, detail string) {
	if s.reported[name] == p.Pid {
		return
	}
	s.reported[name] = p.Pid
	s.backoffOf(name).died(time.Now())
	s.event(name, "crashed", fmt.Sprintf("pid %d is gone%s", p.Pid, detail))
}

func (s *supervisor) nodes() []*Node { return append(s.n.T.Orderers(), s.n.T.Peers()...) }

func (s *supervisor) restartCrashedNodes() {
	for _, node := range s.nodes() {
		p, _ := ReadProc(s.n.L, node.ID())
		if p == nil || p.Alive() || s.held(node.ID()) {
			continue
		}
		s.crashed(node.ID(), p, "; last log line: "+strings.TrimSpace(tail(s.n.L.LogFile(node.ID()), 1)))
		s.restart(node.ID(), func() error { return s.n.StartNode(node) })
		delete(s.watches, node.ID())
	}
}

func (s *supervisor) restartCrashedCAs() {
	for _, org := range s.n.T.CAOrgs() {
		name := CAProcName(org)
		p, _ := ReadProc(s.n.L, name)
		if p == nil || p.Alive() || s.held(name) {
			continue
		}
		s.crashed(name, p, "; last log line: "+strings.TrimSpace(tail(s.n.L.LogFile(name), 1)))
		s.restart(name, func() error { return s.n.StartCA(org) })
	}
}

func (s *supervisor) restartCrashedChaincodeServers() {
	state, _ := s.n.LoadState()
	if state == nil || state.Binary == "" {
		return
	}
	for _, org := range s.n.T.PeerOrgs() {
		name := CCaaSName(org)
		p, _ := ReadProc(s.n.L, name)
		if p == nil || p.Alive() || s.held(name) {
			continue
		}
		s.crashed(name, p, "")
		s.restart(name, func() error { return s.n.StartCCaaS(org, state) })
	}
}

// nodeStatuses reads every node's health and metrics in parallel.
func (s *supervisor) nodeStatuses() map[string]NodeStatus {
	var wg sync.WaitGroup
	var mu sync.Mutex
	out := map[string]NodeStatus{}
	for _, node := range s.nodes() {
		wg.Add(1)
		go func(node *Node) {
			defer wg.Done()
			st := s.ops.Status(node)
			mu.Lock()
			out[node.ID()] = st
			mu.Unlock()
		}(node)
	}
	wg.Wait()
	return out
}

// killFrozenOrderers kills and restarts an orderer whose height stays behind the others
// (or that sees no active Raft node while the others have a leader) for FreezeAfter: a
// hung v2.5.0 orderer still answers /healthz.
func (s *supervisor) killFrozenOrderers(statuses map[string]NodeStatus, now time.Time) {
	var maxOrd uint64
	leaderSeen := false
	for _, o := range s.n.T.Orderers() {
		st := statuses[o.ID()]
		if st.Height > maxOrd {
			maxOrd = st.Height
		}
		leaderSeen = leaderSeen || st.Leader
	}
	for _, o := range s.n.T.Orderers() {
		st := statuses[o.ID()]
		if !st.Up || s.held(o.ID()) {
			delete(s.watches, o.ID())
			continue
		}
		w := s.watches[o.ID()]
		if w == nil {
			w = &watch{height: st.Height, since: now}
			s.watches[o.ID()] = w
		}
		if st.Height != w.height {
			w.height, w.since = st.Height, now
		}
		if st.ActiveNodes == 0 && leaderSeen {
			if w.inactive.IsZero() {
				w.inactive = now
			}
		} else {
			w.inactive = time.Time{}
		}
		frozenBehind := st.Height < maxOrd && now.Sub(w.since) > FreezeAfter
		frozenInactive := !w.inactive.IsZero() && now.Sub(w.inactive) > FreezeAfter
		if !frozenBehind && !frozenInactive {
			continue
		}
		detail := fmt.Sprintf("height %d unchanged for %s while the channel is at %d", st.Height, now.Sub(w.since).Round(time.Second), maxOrd)
		if frozenInactive {
			detail = fmt.Sprintf("sees 0 active Raft nodes for %s while the others have a leader", now.Sub(w.inactive).Round(time.Second))
		}
		s.event(o.ID(), "frozen", detail+"; killing it (a hung orderer costs more than a dead one)")
		if p, _ := ReadProc(s.n.L, o.ID()); p != nil {
			_ = p.Signal(syscall.SIGKILL)
			for i := 0; i < 50 && p.Alive(); i++ {
				time.Sleep(100 * time.Millisecond)
			}
		}
		node := o
		s.restart(o.ID(), func() error { return s.n.StartNode(node) })
		delete(s.watches, o.ID())
	}
}

// Report is the human summary of `pdlnet status`.
func (n *Net) Report() (string, bool) {
	var b strings.Builder
	ok := true
	procs, _ := ListProcs(n.L)
	if len(procs) == 0 {
		return "PDLedger network: not running (no processes under " + n.L.Run + ")\n", false
	}
	ops, err := NewOps(n.T, n.L)
	statuses := map[string]NodeStatus{}
	if err == nil {
		for _, node := range append(n.T.Orderers(), n.T.Peers()...) {
			statuses[node.ID()] = ops.Status(node)
		}
	}
	fmt.Fprintf(&b, "%-20s %-8s %-8s %s\n", "PROCESS", "PID", "STATE", "DETAIL")
	sort.Slice(procs, func(i, j int) bool { return procs[i].Name < procs[j].Name })
	for _, p := range procs {
		state := "running"
		detail := ""
		if !p.Alive() {
			state, ok = "CRASHED", false
			detail = strings.TrimSpace(tail(n.L.LogFile(p.Name), 1))
		} else if s, has := statuses[p.Name]; has {
			if !s.Up {
				state, ok = "UNHEALTHY", false
				detail = s.Err
			} else {
				detail = fmt.Sprintf("height %d", s.Height)
				if n.T.Node(p.Name).IsOrderer() {
					detail += fmt.Sprintf(", raft active %d/%d", s.ActiveNodes, s.ClusterSize)
					if s.Leader {
						detail += ", leader"
					}
				}
			}
		}
		if org := ccaasOrg(n.T, p.Name); org != nil && state == "running" {
			detail = "time window " + org.Window() + ", replay " + orDefault(n.T.Chaincode.Replay, "off")
			if st, _ := n.LoadState(); st != nil && st.Bench {
				detail += ", bench on"
			}
		}
		fmt.Fprintf(&b, "%-20s %-8d %-8s %s\n", p.Name, p.Pid, state, detail)
	}
	// Every channel's height on every node: a node behind on one jurisdiction's channel
	// only shows here.
	if chans, _ := n.Channels(); len(chans) > 1 && err == nil {
		nodes := append(n.T.Orderers(), n.T.Peers()...)
		ms := make([]Metrics, len(nodes))
		for i, node := range nodes {
			ms[i], _ = ops.Metrics(node)
		}
		fmt.Fprintf(&b, "\n%-20s %s\n", "CHANNEL", "HEIGHT PER NODE")
		for _, ch := range chans {
			var parts []string
			low, high := uint64(0), uint64(0)
			for i, node := range nodes {
				h, has := ms[i].Get("ledger_blockchain_height", "channel="+ch)
				if !has {
					parts = append(parts, node.ID()+" -")
					continue
				}
				parts = append(parts, fmt.Sprintf("%s %d", node.ID(), uint64(h)))
				if low == 0 || uint64(h) < low {
					low = uint64(h)
				}
				high = max(high, uint64(h))
			}
			note := ""
			if high > low+5 {
				note = fmt.Sprintf("  (spread %d blocks)", high-low)
			}
			fmt.Fprintf(&b, "%-20s %s%s\n", ch, strings.Join(parts, ", "), note)
		}
	}
	// Certificates about to end: a person's must be reenrolled (pdl-ca reenroll), a
	// node's renewed, before the peers start refusing them.
	exp, read, err := n.ExpiringCertificates(time.Now(), 30*24*time.Hour)
	switch {
	case err != nil:
		fmt.Fprintf(&b, "\ncertificates: cannot check expiry: %v\n", err)
	case len(exp) == 0:
		fmt.Fprintf(&b, "\ncertificates: none of %d expires within 30 days\n", read)
	default:
		fmt.Fprintf(&b, "\ncertificates expiring within 30 days (%d of %d):\n", len(exp), read)
		for _, e := range exp {
			fmt.Fprintf(&b, "  %s  %s  %s\n", e.NotAfter.In(model.CST).Format("2006-01-02 15:04 MST"), e.Subject, e.Path)
		}
	}
	return b.String(), ok
}

// ccaasOrg is the org whose chaincode server is the process name, if it is one.
func ccaasOrg(t *Topology, name string) *Org {
	for _, o := range t.PeerOrgs() {
		if CCaaSName(o) == name {
			return o
		}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
