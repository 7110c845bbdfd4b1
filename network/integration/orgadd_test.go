//go:build integration

package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network"
	"github.com/pdledger/pdledger/network/nettest"
)

// jurisdictionChannels is the topology's channels block.
var jurisdictionChannels = regexp.MustCompile(`(?m)^channels:\n(?:  - .*\n)+`)

// withoutChannels drops the jurisdiction channels from a topology: a second network for
// a test of something else starts faster without them.
func withoutChannels(topology string) string {
	return jurisdictionChannels.ReplaceAllString(topology, "")
}

// onlyLuohu keeps one jurisdiction channel of the topology's, luohu.
func onlyLuohu(topology string) string {
	return jurisdictionChannels.ReplaceAllStringFunc(topology, func(block string) string {
		out := "channels:\n"
		for _, l := range strings.SplitAfter(block, "\n") {
			if strings.Contains(l, "{name: luohu,") {
				out += l
			}
		}
		return out
	})
}

var portKey = regexp.MustCompile(`\b((?:port|adminPort|opsPort|profilePort|chaincodePort|ccaasPort|metricsPort): )(\d+)`)

// secondNetwork starts a network of its own beside the main one: the default topology
// with every port moved by offset (then rewritten by edit, if any), its own run
// directory, stopped when the test ends. It returns the network and a function running
// pdlnet against it.
func secondNetwork(t *testing.T, offset int, edit ...func(topology string) string) (*network.Net, string, func(args ...string) string) {
	t.Helper()
	main := nettest.Net(t)
	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(main.L.Root, "network", "topology.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	shifted := portKey.ReplaceAllStringFunc(string(raw), func(m string) string {
		g := portKey.FindStringSubmatch(m)
		p, _ := strconv.Atoi(g[2])
		return g[1] + strconv.Itoa(p+offset)
	})
	for _, e := range edit {
		shifted = e(shifted)
	}
	topo := filepath.Join(dir, "topology.yaml")
	if err := os.WriteFile(topo, []byte(shifted), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "pdlnet")
	build := exec.Command("go", "build", "-o", bin, "./network/cmd/pdlnet")
	build.Dir = main.L.Root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build pdlnet: %v\n%s", err, out)
	}
	run := filepath.Join(dir, "run")
	pdlnet := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = main.L.Root
		cmd.Env = append(os.Environ(), "PDL_RUN="+run, "PDL_TOPOLOGY="+topo, "PDL_ROOT="+main.L.Root, "PDL_HOME="+filepath.Dir(main.L.FabHome))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pdlnet %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	t.Cleanup(func() {
		cmd := exec.Command(bin, "down")
		cmd.Dir = main.L.Root
		cmd.Env = append(os.Environ(), "PDL_RUN="+run, "PDL_TOPOLOGY="+topo, "PDL_ROOT="+main.L.Root, "PDL_HOME="+filepath.Dir(main.L.FabHome))
		if t.Failed() {
			// keep the second network's logs where the failure message says
			ev := filepath.Join(main.L.EvidenceDir(), strings.ToLower(strings.TrimPrefix(strings.SplitN(t.Name(), "_", 2)[0], "Test"))+"-"+time.Now().UTC().Format("20060102T150405"))
			_ = os.MkdirAll(ev, 0o755)
			_ = exec.Command("cp", "-r", filepath.Join(run, "logs"), topo, ev).Run()
			t.Logf("the second network's logs: %s", ev)
		}
		_, _ = cmd.CombinedOutput()
	})
	pdlnet("up")
	load := func() *network.Net {
		top, err := network.LoadTopology(topo)
		if err != nil {
			t.Fatal(err)
		}
		l := main.L
		l.Run = run
		return &network.Net{T: top, L: l}
	}
	return load(), topo, pdlnet
}

// waitCaughtUpIn waits until peer has the height of the highest peer of n.
func waitCaughtUpIn(t *testing.T, n *network.Net, peer *network.Node) {
	t.Helper()
	ops, err := network.NewOps(n.T, n.L)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var top uint64
		for _, p := range n.T.Peers() {
			top = max(top, ops.Status(p).Height)
		}
		if h := ops.Status(peer).Height; h > 0 && h >= top {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has not caught up", peer.ID())
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func connectTo(t *testing.T, n *network.Net, profile string) *client.Client {
	t.Helper()
	return connectIn(t, n, profile, client.NewSession())
}

// connectIn connects as profile in session sess: a later call waits for the blocks the
// session's earlier commits made (one session per channel: block numbers are a channel's).
func connectIn(t *testing.T, n *network.Net, profile string, sess *client.Session) *client.Client {
	t.Helper()
	c, err := n.Connect(context.Background(), profile, client.WithSession(sess))
	if err != nil {
		t.Fatalf("connect as %s: %v", profile, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A second operator organization joins a running network (pdlnet org add): its peer
// endorses and it files its own records, and with five orgs (MAJORITY is three) the
// ledger keeps accepting writes while any one org's peer is down. Then it leaves (pdlnet
// org remove): its records stay readable, its identities act no more, and the four
// remaining orgs keep writing. The network has a jurisdiction channel besides the first
// (luohu): the org joins and leaves it too, and files records there.
func TestOrgAdd_SecondOperatorJoinsTheRunningNetwork(t *testing.T) {
	ctx := context.Background()
	_, topo, pdlnet := secondNetwork(t, 20000, onlyLuohu)
	out := pdlnet("org", "add", "Operator2", "--role", "operator")
	t.Log(out)
	top, err := network.LoadTopology(topo)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(top.PeerMSPIDs(), ","); !strings.Contains(got, "Operator2MSP") {
		t.Fatalf("the topology file after org add names %s", got)
	}
	n := &network.Net{T: top, L: nettest.Net(t).L}
	n.L.Run = filepath.Join(filepath.Dir(topo), "run")

	// the new org's peer may be behind the bureau's right after the bureau's binding:
	// the operator's calls read their writes through one session
	sess := client.NewSession()
	bureau := connectIn(t, n, "bureau-admin", sess)
	var cfg model.NetworkConfig
	if err := bureau.Evaluate(ctx, "Participant:Config", nil, &cfg); err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Orgs, ",") != "BureauMSP,ExchangeMSP,Operator2MSP,OperatorMSP,SourceUnitMSP" {
		t.Fatalf("ledger orgs %v", cfg.Orgs)
	}
	if _, err := bureau.Submit(ctx, "Profile:Set", map[string]any{"id": nettest.ID("profile"), "preset": "longhua", "reason": "第二网络：适用龙华区实施方案"}); err != nil {
		t.Fatalf("set the policy profile: %v", err)
	}
	// the bureau binds the new operator's participant to the org's identity
	op := register(t, ctx, bureau, model.RoleOperator, "Operator2MSP")
	op2Profile := n.Profiles()["operator2"]
	req, err := client.BindRequest(op2Profile, op.ID, nettest.ID("bind"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bureau.Submit(ctx, "Participant:BindIdentity", req); err != nil {
		t.Fatalf("bind operator2: %v", err)
	}
	op2 := connectIn(t, n, "operator2", sess)
	open := func(c *client.Client) error {
		_, err := c.Submit(ctx, "Logs:Open", map[string]any{"id": nettest.ID("op2-stream"), "logKind": "access", "description": "第二运营机构的访问日志"})
		return err
	}
	streamID := nettest.ID("op2-stream")
	if _, err := op2.Submit(ctx, "Logs:Open", map[string]any{"id": streamID, "logKind": "access", "description": "第二运营机构的访问日志"}); err != nil {
		t.Fatalf("the new operator files its own record: %v", err)
	}

	// the jurisdiction channel changed alike: its ledger lists the org and the operator
	// files a record on it
	luohu := n.OnChannel("luohu")
	lsess := client.NewSession()
	lbureau := connectIn(t, luohu, "bureau-admin", lsess)
	var lcfg model.NetworkConfig
	if err := lbureau.Evaluate(ctx, "Participant:Config", nil, &lcfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(lcfg.Orgs, "Operator2MSP") {
		t.Fatalf("luohu's ledger orgs after org add: %v", lcfg.Orgs)
	}
	lop := register(t, ctx, lbureau, model.RoleOperator, "Operator2MSP")
	lreq, err := client.BindRequest(op2Profile, lop.ID, nettest.ID("bind"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lbureau.Submit(ctx, "Participant:BindIdentity", lreq); err != nil {
		t.Fatalf("bind operator2 on luohu: %v", err)
	}
	lop2 := connectIn(t, luohu, "operator2", lsess)
	lstream := nettest.ID("op2-luohu")
	// the channel's MSP set must know Operator2MSP for its creator's signature to be valid
	if _, err := lop2.Submit(ctx, "Logs:Open", map[string]any{"id": lstream, "logKind": "access", "description": "第二运营机构在罗湖的访问日志"}); err != nil {
		t.Fatalf("the new operator files a record on luohu: %v", err)
	}

	// Any one org's peer down: writes that do not need that org still commit.
	for _, down := range top.Peers() {
		t.Run("without "+down.ID(), func(t *testing.T) {
			pdlnet("hold", down.ID())
			pdlnet("kill", down.ID())
			defer func() {
				pdlnet("start", down.ID())
				pdlnet("release", down.ID())
				waitCaughtUpIn(t, n, down)
			}()
			writer := op2
			if down.Org().Name == "Operator2" {
				writer = bureau
			}
			var err error
			if writer == op2 {
				err = open(op2)
			} else {
				_, err = bureau.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{Request: model.Request{ID: nettest.ID("x")},
					Role: model.RoleSourceUnit, Name: "测试单位", USCC: nettest.USCC(), MSPID: "SourceUnitMSP"})
			}
			if err != nil {
				t.Fatalf("a write with %s down: %v", down.ID(), err)
			}
		})
	}

	t.Log(pdlnet("org", "remove", "Operator2"))
	top, err = network.LoadTopology(topo)
	if err != nil {
		t.Fatal(err)
	}
	if top.Org("Operator2") != nil || strings.Join(top.RetiredOrgs, ",") != "Operator2MSP" {
		t.Fatalf("topology after remove: orgs %v retired %v", top.PeerMSPIDs(), top.RetiredOrgs)
	}
	n.T = top
	bureau = connectTo(t, n, "bureau-admin")
	if err := bureau.Evaluate(ctx, "Participant:Config", nil, &cfg); err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Orgs, ",") != "BureauMSP,ExchangeMSP,OperatorMSP,SourceUnitMSP" {
		t.Fatalf("ledger orgs after remove %v", cfg.Orgs)
	}
	luohu = n.OnChannel("luohu")
	lbureau = connectTo(t, luohu, "bureau-admin")
	if err := lbureau.Evaluate(ctx, "Participant:Config", nil, &lcfg); err != nil {
		t.Fatal(err)
	}
	if strings.Join(lcfg.Orgs, ",") != "BureauMSP,ExchangeMSP,OperatorMSP,SourceUnitMSP" {
		t.Fatalf("luohu's ledger orgs after remove %v", lcfg.Orgs)
	}
	var lst model.LogStream
	if err := lbureau.Evaluate(ctx, "Logs:Stream", model.Ref{ID: lstream}, &lst); err != nil || lst.Owner != lop.ID {
		t.Fatalf("the removed org's record on luohu: %+v, %v", lst, err)
	}
	var stream model.LogStream
	if err := bureau.Evaluate(ctx, "Logs:Stream", model.Ref{ID: streamID}, &stream); err != nil || stream.Owner != op.ID {
		t.Fatalf("the removed org's record: %+v, %v", stream, err)
	}
	if _, err := bureau.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{Request: model.Request{ID: nettest.ID("x")},
		Role: model.RoleSourceUnit, Name: "测试单位", USCC: nettest.USCC(), MSPID: "SourceUnitMSP"}); err != nil {
		t.Fatalf("a write after the removal: %v", err)
	}
	// the removed org's identity, aimed at a remaining peer, is refused
	gone := *op2Profile
	other := top.Org("Operator").Nodes[0]
	c := network.NewCrypto(top, n.L)
	gone.PeerEndpoint, gone.PeerHostname, gone.TLSRootCert = other.Addr(), c.NodeHost(&other), c.TLSCA(top.Org("Operator"))
	gc, err := client.Connect(ctx, &gone, client.WithSession(client.NewSession()))
	if err != nil {
		t.Fatal(err)
	}
	defer gc.Close()
	var who model.WhoAmI
	if err := gc.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err == nil {
		t.Fatalf("the removed org's identity still evaluates: %+v", who)
	}
}
