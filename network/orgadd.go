package network

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

var newOrgName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{1,31}$`)

// NewOrgSpec derives a new peer org's definition from the topology: ports above every
// port in use (the org's listen ports in the next free thousand, as 7051/8051/9051 are,
// its operations and profile ports after the highest ones), a CA, three users, and the
// identity <name> (User1) with role as its hint (profiles <name>-admin and
// <name>-userN exist for every org).
func NewOrgSpec(t *Topology, name, role string) (Org, []Identity, error) {
	if !newOrgName.MatchString(name) {
		return Org{}, nil, fmt.Errorf("org name %q: a capital letter, then 1-31 letters or digits (it names the MSP %sMSP and the domain)", name, name)
	}
	if t.Org(name) != nil {
		return Org{}, nil, fmt.Errorf("org %s exists already", name)
	}
	if !slices.Contains(model.Role("").Values(), role) || role == string(model.RoleBureau) {
		return Org{}, nil, fmt.Errorf("role %q: one of operator, source_unit, partner, regulator, exchange", role)
	}
	maxListen, maxOps, maxProfile := 0, 0, 0
	for i := range t.Orgs {
		o := &t.Orgs[i]
		for j := range o.Nodes {
			n := &o.Nodes[j]
			maxListen = max(maxListen, n.Port, n.ChaincodePort, n.CCaaSPort, n.AdminPort)
			maxOps = max(maxOps, n.OpsPort)
			maxProfile = max(maxProfile, n.ProfilePort)
		}
		if o.CA != nil {
			maxListen = max(maxListen, o.CA.Port)
			maxOps = max(maxOps, o.CA.OpsPort)
		}
	}
	base := (maxListen/1000 + 1) * 1000
	node := Node{Name: "peer0", Port: base + 51, ChaincodePort: base + 52, OpsPort: maxOps + 1, CCaaSPort: base + 59}
	if maxProfile > 0 {
		node.ProfilePort = maxProfile + 1
	}
	o := Org{Name: name, MSPID: name + "MSP", Kind: "peer", Nodes: []Node{node}, Users: 3,
		CA: &CA{Port: base + 54, OpsPort: maxOps + 2}}
	lower := strings.ToLower(name)
	ids := []Identity{{Profile: lower, Org: name, User: "User1", Role: role}}
	return o, ids, nil
}

// orgYAML renders an org and its identities as the topology file writes them.
func orgYAML(o Org, ids []Identity) (org, idents string) {
	n := o.Nodes[0]
	var b strings.Builder
	fmt.Fprintf(&b, "  - name: %s\n    mspId: %s\n    kind: peer\n    nodes:\n", o.Name, o.MSPID)
	fmt.Fprintf(&b, "      - {name: %s, port: %d, chaincodePort: %d, opsPort: %d, ccaasPort: %d", n.Name, n.Port, n.ChaincodePort, n.OpsPort, n.CCaaSPort)
	if n.ProfilePort != 0 {
		fmt.Fprintf(&b, ", profilePort: %d", n.ProfilePort)
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "    ca: {port: %d, opsPort: %d}\n    users: %d\n", o.CA.Port, o.CA.OpsPort, o.Users)
	var ib strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&ib, "  - {profile: %s, org: %s, user: %s, role: %s}\n", id.Profile, id.Org, id.User, id.Role)
	}
	return b.String(), ib.String()
}

// insertInSection inserts text at the end of the top-level YAML list key (a line "key:"
// at column 0): before the next top-level line and the comments and blank lines that
// lead up to it, so the file's comments stay where they were.
func insertInSection(file, key, text string) (string, error) {
	lines := strings.SplitAfter(file, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimRight(l, "\n") == key+":" {
			start = i
			break
		}
	}
	if start < 0 {
		return "", fmt.Errorf("no top-level %q in the topology file", key)
	}
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		l := lines[i]
		if l != "" && l[0] != ' ' && l[0] != '\n' && l[0] != '#' {
			end = i
			break
		}
	}
	// back over the comments and blank lines that belong to the next section
	for end > start+1 {
		l := strings.TrimSpace(lines[end-1])
		if l == "" || strings.HasPrefix(lines[end-1], "#") {
			end--
			continue
		}
		break
	}
	out := strings.Join(lines[:end], "")
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out + text + strings.Join(lines[end:], ""), nil
}

// AddOrgToTopologyFile writes the org and its identities into the topology file and
// returns the reloaded topology.
func AddOrgToTopologyFile(path string, o Org, ids []Identity) (*Topology, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	org, idents := orgYAML(o, ids)
	s, err := insertInSection(string(raw), "orgs", org)
	if err != nil {
		return nil, err
	}
	if s, err = insertInSection(s, "identities", idents); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		return nil, err
	}
	t, err := LoadTopology(tmp)
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("the topology with %s: %w", o.Name, err)
	}
	return t, os.Rename(tmp, path)
}

// AddOrg adds a peer org to the running network, as a real deployment's new operator
// joins: its crypto material and CA, its MSP and anchor peer in the channel (a config
// update signed by a majority of the existing orgs' admins), its peer joined and caught
// up, the chaincode installed, served by its own chaincode server and approved by it,
// with the definition re-committed (sequence+1) so that its records have a guard
// collection, every org's chaincode server restarted with the new org list, and the
// ledger's org list set by the bureau's admin (Participant:SetOrgs). topologyPath is the
// topology file the network runs from; it is rewritten to describe the result, so
// `make up` on a fresh machine recreates the network with the new org.
//
// Every channel changes alike: the org joins each jurisdiction's channel, its peer joins
// each, the definition follows on each (Deploy) and each ledger's org list is set. One
// channel's config update failing stops the steps there; the error names the channel.
func (n *Net) AddOrg(ctx context.Context, topologyPath, name, role string) error {
	if _, err := n.runningState(); err != nil {
		return err
	}
	chans, err := n.Channels()
	if err != nil {
		return err
	}
	spec, ids, err := NewOrgSpec(n.T, name, role)
	if err != nil {
		return err
	}
	host := cmp.Or(spec.Nodes[0].Host, n.T.Host) // the topology's default until it is loaded again
	if busy := WaitPortsFree([]string{fmt.Sprintf("%s:%d", host, spec.Nodes[0].Port), fmt.Sprintf("%s:%d", host, spec.CA.Port)}, 0); len(busy) > 0 {
		return fmt.Errorf("ports for %s are in use: %s", name, strings.Join(busy, ", "))
	}
	t, err := AddOrgToTopologyFile(topologyPath, spec, ids)
	if err != nil {
		return err
	}
	n.T = t
	o := t.Org(name)
	st, err := n.LoadState()
	if err != nil {
		return err
	}
	steps := []struct {
		name string
		f    func() error
	}{
		{"crypto material of " + name + " (cryptogen)", func() error { return GenerateOrgCrypto(t, n.L, o) }},
		{"node configuration", func() error { return WriteConfig(t, n.L) }},
		{"add " + o.MSPID + " to channels " + strings.Join(chans, ", ") + " (config update each, majority of the orgs' admins)", func() error {
			for _, ch := range chans {
				c := n.OnChannel(ch)
				block, err := c.AddOrgToChannel(ctx, o)
				if err != nil {
					return fmt.Errorf("channel %s: %w", ch, err)
				}
				if err := c.waitPeersPast(ctx, c.peersExcept(o), block); err != nil {
					return fmt.Errorf("channel %s: %w", ch, err)
				}
			}
			return nil
		}},
		{"start " + name + "'s certificate authority", func() error { return n.StartCA(o) }},
		{"start " + name + "'s peer and join it to every channel", func() error {
			if err := n.startAll(ctx, orgNodes(o)); err != nil {
				return err
			}
			for _, ch := range chans {
				if err := n.OnChannel(ch).joinCaughtUp(ctx, o); err != nil {
					return fmt.Errorf("channel %s: %w", ch, err)
				}
			}
			return nil
		}},
		{"chaincode for " + name + ": install, its server, every server with the new org list, definition sequence+1", func() error { return n.Deploy(ctx, st, true) }},
		{"write client profiles", func() error { return n.WriteProfiles() }},
		{"ledger org list of every channel (Participant:SetOrgs by the bureau's admin)", func() error {
			return n.onEach(chans, func(c *Net) error { return c.setLedgerOrgs(ctx, "organization "+name+" joined the channel") })
		}},
		{"restart the supervisor with the new topology", func() error { return n.restartSupervisor(topologyPath) }},
	}
	for _, s := range steps {
		if err := n.step(s.name, s.f); err != nil {
			return fmt.Errorf("%s: %w (the topology file names %s already; fix the cause and run the remaining steps, or make down && make up)", s.name, err, name)
		}
	}
	return nil
}

func (n *Net) peersExcept(o *Org) []*Node {
	var out []*Node
	for _, p := range n.T.Peers() {
		if p.Org() != o {
			out = append(out, p)
		}
	}
	return out
}

// waitPeersPast waits until each of peers has committed block.
func (n *Net) waitPeersPast(ctx context.Context, peers []*Node, block uint64) error {
	ops, err := NewOps(n.T, n.L)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(90 * time.Second)
	for _, p := range peers {
		for ops.Status(p).Height <= block {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s has not committed block %d", p.ID(), block)
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

// onEach runs f on every channel of chans, stopping at the first error (named with its
// channel).
func (n *Net) onEach(chans []string, f func(c *Net) error) error {
	for _, ch := range chans {
		if err := f(n.OnChannel(ch)); err != nil {
			return fmt.Errorf("channel %s: %w", ch, err)
		}
	}
	return nil
}

func orgNodes(o *Org) []*Node {
	var nodes []*Node
	for j := range o.Nodes {
		nodes = append(nodes, &o.Nodes[j])
	}
	return nodes
}

// joinCaughtUp joins the org's running peers to n's channel with its genesis block and
// waits until they have caught up with the other orgs' peers.
func (n *Net) joinCaughtUp(ctx context.Context, o *Org) error {
	nodes := orgNodes(o)
	for _, p := range nodes {
		if err := n.joinPeer(p); err != nil {
			return err
		}
	}
	ops, err := NewOps(n.T, n.L)
	if err != nil {
		return err
	}
	var height uint64
	for _, p := range n.peersExcept(o) {
		height = max(height, ops.Status(p).Height)
	}
	if height == 0 {
		return errors.New("no peer of the other orgs reports a height")
	}
	return n.waitPeersPast(ctx, nodes, height-1)
}

// setLedgerOrgs records the topology's peer orgs on the ledger (Participant:SetOrgs, by
// the bureau's admin), after every chaincode server runs with that list.
func (n *Net) setLedgerOrgs(ctx context.Context, reason string) error {
	admin, err := n.Connect(ctx, "bureau-admin")
	if err != nil {
		return err
	}
	defer admin.Close()
	id := fmt.Sprintf("orgs-%d", time.Now().UnixNano())
	_, err = admin.Submit(ctx, "Participant:SetOrgs", map[string]any{"id": id, "orgs": n.T.PeerMSPIDs(), "reason": reason})
	return err
}

// restartSupervisor restarts the supervisor so that it watches the new org's processes.
func (n *Net) restartSupervisor(topologyPath string) error {
	if p, _ := ReadProc(n.L, SupervisorName); p != nil {
		p.Stop(5 * time.Second)
	}
	abs, err := filepath.Abs(topologyPath)
	if err != nil {
		return err
	}
	return n.startSupervisorWith(abs)
}

// removeOrgFromTopologyText drops the org's entry from the orgs list and its identities,
// and names its MSP under retiredOrgs (created at the end of the file if missing).
func removeOrgFromTopologyText(file, name, mspID string) (string, error) {
	lines := strings.SplitAfter(file, "\n")
	var out []string
	inOrg, found := false, false
	entry := regexp.MustCompile(`^  - name: ` + regexp.QuoteMeta(name) + `\s*(#.*)?$`)
	ident := regexp.MustCompile(`\borg: ` + regexp.QuoteMeta(name) + `\s*[,}]`)
	for _, l := range lines {
		bare := strings.TrimRight(l, "\n")
		switch {
		case entry.MatchString(bare):
			inOrg, found = true, true
			continue
		case inOrg && (bare == "" || bare[0] != ' ' || strings.HasPrefix(bare, "  - ")):
			inOrg = false
		case inOrg:
			continue
		}
		if strings.HasPrefix(bare, "  - {") && ident.MatchString(bare) {
			continue
		}
		out = append(out, l)
	}
	if !found {
		return "", fmt.Errorf("org %s is not in the topology file", name)
	}
	s := strings.Join(out, "")
	if s2, err := insertInSection(s, "retiredOrgs", "  - "+mspID+"\n"); err == nil {
		return s2, nil
	}
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s + "\n# Peer orgs removed from the channel (pdlnet org remove): their records stay on the\n# ledger, and their guard collections in the chaincode definition.\nretiredOrgs:\n  - " + mspID + "\n", nil
}

// RemoveOrg removes a peer org from the running network: every remaining chaincode
// server restarted with the org list without it, each channel's ledger org list set, its
// group removed from every channel by a config update signed by a majority of the orgs'
// admins, and its processes stopped. Its records stay on the ledger as they are, readable and
// verifiable; its guard collection stays in the chaincode definition (retiredOrgs).
// The bureau's org and the commercial collection's orgs cannot be removed.
func (n *Net) RemoveOrg(ctx context.Context, topologyPath, name string) error {
	if _, err := n.runningState(); err != nil {
		return err
	}
	chans, err := n.Channels()
	if err != nil {
		return err
	}
	o := n.T.Org(name)
	switch {
	case o == nil || o.Kind != "peer":
		return fmt.Errorf("%s is not a peer org of the topology", name)
	case o.Name == n.T.BureauOrg().Name:
		return fmt.Errorf("%s is the bureau's org: it cannot leave its own ledger", name)
	case slices.Contains(n.T.Chaincode.CommercialOrgs, o.Name):
		return fmt.Errorf("%s holds the commercial collection (chaincode.commercialOrgs): take it out of that list and upgrade the chaincode first", name)
	case len(n.T.PeerOrgs()) <= 2:
		return fmt.Errorf("the channel needs at least two peer orgs")
	}
	old := n.T
	var procs []string
	for _, p := range old.Peers() {
		if p.Org() == o {
			procs = append(procs, p.ID())
		}
	}
	procs = append(procs, CCaaSName(o), CAProcName(o))
	raw, err := os.ReadFile(topologyPath)
	if err != nil {
		return err
	}
	text, err := removeOrgFromTopologyText(string(raw), name, o.MSPID)
	if err != nil {
		return err
	}
	tmp := topologyPath + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	t, err := LoadTopology(tmp)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("the topology without %s: %w", name, err)
	}
	if err := os.Rename(tmp, topologyPath); err != nil {
		return err
	}
	n.T = t
	st, err := n.LoadState()
	if err != nil {
		return err
	}
	// The supervisor runs on the old definition: it must not restart a chaincode server
	// with the old org list while they are replaced, nor the removed org's processes.
	held := append([]string(nil), procs...)
	for _, org := range t.PeerOrgs() {
		held = append(held, CCaaSName(org))
	}
	for _, h := range held {
		if err := n.Hold(h); err != nil {
			return err
		}
	}
	defer func() {
		for _, h := range held {
			n.Release(h)
		}
	}()
	steps := []struct {
		name string
		f    func() error
	}{
		{"every remaining chaincode server with the org list without " + name, func() error {
			for _, org := range t.PeerOrgs() {
				if err := n.StartCCaaS(org, st); err != nil {
					return err
				}
			}
			return nil
		}},
		{"ledger org list of every channel (Participant:SetOrgs by the bureau's admin)", func() error {
			return n.onEach(chans, func(c *Net) error { return c.setLedgerOrgs(ctx, "organization "+name+" left the channel") })
		}},
		{"remove " + o.MSPID + " from channels " + strings.Join(chans, ", ") + " (config update each, majority of the orgs' admins)", func() error {
			return n.onEach(chans, func(c *Net) error {
				block, err := c.RemoveOrgFromChannel(ctx, o.MSPID)
				if err != nil {
					return err
				}
				return c.waitPeersPast(ctx, t.Peers(), block)
			})
		}},
		{"stop " + name + "'s processes (" + strings.Join(procs, ", ") + ")", func() error {
			for _, name := range procs {
				if p, _ := ReadProc(n.L, name); p != nil {
					p.Stop(10 * time.Second)
					_ = os.Remove(n.L.PidFile(name))
				}
			}
			return nil
		}},
		{"remove " + name + "'s client profiles", func() error { return n.removeProfiles(old, o) }},
		{"restart the supervisor with the new topology", func() error { return n.restartSupervisor(topologyPath) }},
	}
	for _, s := range steps {
		if err := n.step(s.name, s.f); err != nil {
			return fmt.Errorf("%s: %w (the topology file no longer names %s; fix the cause and run the remaining steps, or make down && make up)", s.name, err, name)
		}
	}
	return nil
}

// removeProfiles deletes the profile files of org's identities (its MSP is gone from the
// channel: they can no longer act).
func (n *Net) removeProfiles(old *Topology, o *Org) error {
	was := &Net{T: old, L: n.L}
	for name, p := range was.Profiles() {
		if p.Org != o.Name {
			continue
		}
		if err := os.Remove(filepath.Join(n.L.ProfilesDir(), name+".json")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
