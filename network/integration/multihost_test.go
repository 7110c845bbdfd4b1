//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network"
	"github.com/pdledger/pdledger/network/nettest"
)

// The multi-host stand-in: one Linux network namespace per organization, each with its own
// address on a bridge, as if each org ran its nodes on a machine of its own. The names
// are fixed so that a run killed half-way is cleaned up by the next one.
const (
	hostBridge = "pdlt-br0"
	hostSubnet = "10.177.77"
)

// hostsOnABridge gives each org a network namespace pdlt-<org> with address
// 10.177.77.(10+i) on a bridge whose host side is 10.177.77.1 (the test and the explorer
// reach every org through it). It returns org name → address. Everything is removed when
// the test ends; the caller must stop the processes inside first (register this before
// starting them: cleanups run last-in first-out).
func hostsOnABridge(t *testing.T, orgs []string) map[string]string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the multi-host test creates network namespaces and needs root (CI and the development machine run as root)")
	}
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	teardown := func() {
		for _, o := range orgs {
			_ = exec.Command("ip", "netns", "del", netnsOf(o)).Run()
			_ = exec.Command("ip", "link", "del", vethOf(o)).Run()
		}
		_ = exec.Command("ip", "link", "del", hostBridge).Run()
	}
	teardown()
	t.Cleanup(teardown)
	ip("link", "add", hostBridge, "type", "bridge")
	ip("addr", "add", hostSubnet+".1/24", "dev", hostBridge)
	ip("link", "set", hostBridge, "up")
	addrs := map[string]string{}
	for i, o := range orgs {
		ns, veth, addr := netnsOf(o), vethOf(o), fmt.Sprintf("%s.%d", hostSubnet, 10+i)
		ip("netns", "add", ns)
		ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
		ip("link", "set", veth, "master", hostBridge)
		ip("link", "set", veth, "up")
		ip("-n", ns, "addr", "add", addr+"/24", "dev", "eth0")
		ip("-n", ns, "link", "set", "eth0", "up")
		ip("-n", ns, "link", "set", "lo", "up")
		addrs[o] = addr
	}
	return addrs
}

func netnsOf(org string) string { return "pdlt-" + strings.ToLower(org) }
func vethOf(org string) string  { return "pdlv-" + strings.ToLower(org) }

var (
	orgHeader = regexp.MustCompile(`^  - name: (\w+)`)
	nodeLine  = regexp.MustCompile(`^(\s+- \{)(name: )`)
	mspIDLine = regexp.MustCompile(`^    mspId: `)
)

// onHosts rewrites a topology so that each org's nodes (and so its CA and chaincode
// server) bind and advertise its own address and run in its own namespace. Only the
// explorer keeps the topology's default host.
func onHosts(addrs map[string]string) func(string) string {
	return func(topo string) string {
		lines := strings.Split(topo, "\n")
		out := make([]string, 0, len(lines)+len(addrs))
		org, inOrgs := "", false
		for _, l := range lines {
			if strings.HasPrefix(l, "orgs:") {
				inOrgs = true
			} else if l != "" && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "#") {
				inOrgs = false
			}
			if m := orgHeader.FindStringSubmatch(l); inOrgs && m != nil {
				org = m[1]
			}
			addr, ok := addrs[org]
			if inOrgs && ok && nodeLine.MatchString(l) {
				l = nodeLine.ReplaceAllString(l, "${1}host: "+addr+", ${2}")
			}
			out = append(out, l)
			if inOrgs && ok && mspIDLine.MatchString(l) {
				out = append(out, "    netns: "+netnsOf(org))
			}
		}
		return strings.Join(out, "\n")
	}
}

// inNetns tells whether process pid runs in the named network namespace.
func inNetns(t *testing.T, pid int, ns string) bool {
	t.Helper()
	var want syscall.Stat_t
	if err := syscall.Stat("/run/netns/"+ns, &want); err != nil {
		t.Fatal(err)
	}
	got, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		t.Fatal(err)
	}
	return got == fmt.Sprintf("net:[%d]", want.Ino)
}

// TestMultiHost_EachOrgOnItsOwnHostAndALinkCut runs a whole network with every org on a
// "host" of its own (its own network namespace and address; only the bridge joins them),
// commits a transaction through each org's gateway, then cuts the source unit's link: the
// three other orgs (a MAJORITY of four) keep committing, and once the link is back the
// source unit's peer catches up and answers for what was written without it.
func TestMultiHost_EachOrgOnItsOwnHostAndALinkCut(t *testing.T) {
	ctx := context.Background()
	main := nettest.Net(t)
	var orgs []string
	for _, o := range main.T.Orgs {
		orgs = append(orgs, o.Name)
	}
	addrs := hostsOnABridge(t, orgs)
	n, _, _ := secondNetwork(t, 10000, withoutChannels, onHosts(addrs))

	// every process of an org runs in its namespace and listens on its address only
	for i := range n.T.Orgs {
		o := &n.T.Orgs[i]
		if o.Netns != netnsOf(o.Name) {
			t.Fatalf("org %s: netns %q in the topology", o.Name, o.Netns)
		}
		names := []string{}
		for j := range o.Nodes {
			if o.Nodes[j].Host != addrs[o.Name] {
				t.Fatalf("%s: host %s, want %s", o.Nodes[j].ID(), o.Nodes[j].Host, addrs[o.Name])
			}
			names = append(names, o.Nodes[j].ID())
		}
		if o.Kind == "peer" {
			names = append(names, network.CCaaSName(o))
		}
		if o.CA != nil {
			names = append(names, network.CAProcName(o))
		}
		for _, name := range names {
			p, err := network.ReadProc(n.L, name)
			if err != nil || !p.Alive() {
				t.Fatalf("%s is not running: %v", name, err)
			}
			if !inNetns(t, p.Pid, o.Netns) {
				t.Fatalf("%s (pid %d) is not in network namespace %s", name, p.Pid, o.Netns)
			}
		}
		t.Logf("%-10s %-15s %s: %s", o.Name, addrs[o.Name], o.Netns, strings.Join(names, ", "))
	}
	for i := range n.T.Orgs {
		for _, nd := range n.T.Orgs[i].Nodes {
			if !network.PortFree(fmt.Sprintf("127.0.0.1:%d", nd.Port)) {
				t.Fatalf("%s answers on 127.0.0.1: it should listen on its own address only", nd.ID())
			}
		}
	}

	// the normal smoke test: one heartbeat through each org's gateway, across the hosts
	res, err := n.Smoke(ctx)
	if err != nil {
		t.Fatalf("smoke across hosts: %v", err)
	}
	for _, r := range res {
		t.Logf("smoke %+v", r)
	}

	bureau := connectTo(t, n, "bureau-admin")
	if _, err := bureau.Submit(ctx, "Profile:Set", map[string]any{"id": nettest.ID("profile"), "preset": "longhua", "reason": "多主机网络：适用龙华区实施方案"}); err != nil {
		t.Fatalf("set the policy profile: %v", err)
	}
	others := map[string]*client.Client{"OperatorMSP": connectTo(t, n, "operator-admin"), "ExchangeMSP": connectTo(t, n, "exchange-admin")}
	su := connectTo(t, n, "sourceunit-admin")

	// cut the source unit's host off the network
	cut := "SourceUnit"
	link := func(state string) {
		if out, err := exec.Command("ip", "link", "set", vethOf(cut), state).CombinedOutput(); err != nil {
			t.Fatalf("ip link set %s %s: %v\n%s", vethOf(cut), state, err, out)
		}
	}
	link("down")
	restored := false
	defer func() {
		if !restored {
			link("up")
		}
	}()
	// the gateways find out on their own that the source unit is gone (no pinning):
	// the first writes may wait for an endorsement timeout, later ones must not fail
	var during []string
	for round := 0; round < 3; round++ {
		id := nettest.ID("mh")
		cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		t0 := time.Now()
		r, err := bureau.Submit(cctx, "Participant:Register", model.RegisterParticipantRequest{Request: model.Request{ID: id},
			Role: model.RoleSourceUnit, Name: "链路中断期间登记的单位", USCC: nettest.USCC(), MSPID: "SourceUnitMSP"})
		if err != nil {
			cancel()
			t.Fatalf("round %d: the bureau's write with %s cut off: %v", round, cut, err)
		}
		during = append(during, id)
		t.Logf("round %d: BureauMSP committed block %d in %v with %s cut off", round, r.BlockNumber, time.Since(t0).Round(time.Millisecond), cut)
		for _, msp := range []string{"OperatorMSP", "ExchangeMSP"} {
			t0 := time.Now()
			r, err := others[msp].Submit(cctx, "System:Heartbeat", map[string]string{"note": "during the cut"})
			if err != nil {
				cancel()
				t.Fatalf("round %d: %s's write with %s cut off: %v", round, msp, cut, err)
			}
			t.Logf("round %d: %s committed block %d in %v with %s cut off", round, msp, r.BlockNumber, time.Since(t0).Round(time.Millisecond), cut)
		}
		cancel()
	}

	link("up")
	restored = true
	t0 := time.Now()
	waitCaughtUpIn(t, n, &n.T.Org(cut).Nodes[0])
	t.Logf("%s caught up %v after its link came back", cut, time.Since(t0).Round(time.Millisecond))

	// its own peer now answers for what was written while it was away
	for _, id := range during {
		var p model.Participant
		if err := su.Evaluate(client.EndorsedBy(ctx, "SourceUnitMSP"), "Participant:Get", model.Ref{ID: id}, &p); err != nil || p.ID != id {
			t.Fatalf("%s's peer after the cut: participant %s: %+v, %v", cut, id, p, err)
		}
	}
	// and it writes again
	if _, err := su.Submit(ctx, "System:Heartbeat", map[string]string{"note": "source unit back"}); err != nil {
		t.Fatalf("%s writes after its link came back: %v", cut, err)
	}
}
