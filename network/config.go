package network

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// configtx renders configtxgen's input: one application channel created through the
// channel participation API (no system channel), the peer orgs with anchor peers so the
// gateway can discover and collect endorsements across orgs, and an etcdraft orderer.
func (t *Topology) configtx(c Crypto) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	anchor := func(o *Org) string { return strings.ToLower(o.Name) }
	w("Organizations:\n")
	for i := range t.Orgs {
		o := &t.Orgs[i]
		m := o.MSPID
		w("  - &%s\n    Name: %s\n    ID: %s\n    MSPDir: %s\n    Policies:\n", anchor(o), m, m, c.OrgMSP(o))
		if o.Kind == "orderer" {
			w("      Readers: {Type: Signature, Rule: \"OR('%s.member')\"}\n", m)
			w("      Writers: {Type: Signature, Rule: \"OR('%s.member')\"}\n", m)
			w("      Admins: {Type: Signature, Rule: \"OR('%s.admin')\"}\n", m)
			w("    OrdererEndpoints:\n")
			for _, n := range o.Nodes {
				w("      - %s\n", n.Addr())
			}
			continue
		}
		// raw blocks for admins and peers only (see acl.go)
		w("      Readers: {Type: Signature, Rule: \"OR('%s.admin', '%s.peer')\"}\n", m, m)
		w("      Writers: {Type: Signature, Rule: \"OR('%s.admin', '%s.client')\"}\n", m, m)
		w("      Admins: {Type: Signature, Rule: \"OR('%s.admin')\"}\n", m)
		w("      Endorsement: {Type: Signature, Rule: \"OR('%s.peer')\"}\n", m)
		w("    AnchorPeers:\n")
		for _, n := range o.Nodes {
			w("      - {Host: %s, Port: %d}\n", n.Host, n.Port)
		}
	}
	r := t.Orderer.Raft
	w(`Capabilities:
  Channel: &ChannelCapabilities {V2_0: true}
  Orderer: &OrdererCapabilities {V2_0: true}
  Application: &ApplicationCapabilities {V2_5: true}
Application: &ApplicationDefaults
  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
    Endorsement: {Type: ImplicitMeta, Rule: "%s Endorsement"}
  Capabilities: *ApplicationCapabilities
%sOrderer: &OrdererDefaults
  OrdererType: etcdraft
  BatchTimeout: %s
  BatchSize:
    MaxMessageCount: %d
    AbsoluteMaxBytes: %s
    PreferredMaxBytes: %s
  EtcdRaft:
    Options:
      TickInterval: %s
      ElectionTick: %d
      HeartbeatTick: %d
      MaxInflightBlocks: %d
      SnapshotIntervalSize: %s
    Consenters:
`, t.Chaincode.EndorsementPolicy, aclSection(), t.Orderer.BatchTimeout, t.Orderer.MaxMessageCount,
		t.Orderer.AbsoluteMaxBytes, t.Orderer.PreferredMaxBytes,
		r.TickInterval, r.ElectionTick, r.HeartbeatTick, r.MaxInflightBlocks, r.SnapshotIntervalSize)
	for _, n := range t.Orderers() {
		cert, _ := c.NodeTLS(n)
		w("      - {Host: %s, Port: %d, ClientTLSCert: %s, ServerTLSCert: %s}\n", n.Host, n.Port, cert, cert)
	}
	w(`  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
  Capabilities: *OrdererCapabilities
Channel: &ChannelDefaults
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
  Capabilities: *ChannelCapabilities
Profiles:
  PDLChannel:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      Organizations:
`)
	w("        - *%s\n", anchor(t.OrdererOrg()))
	w("    Application:\n      <<: *ApplicationDefaults\n      Organizations:\n")
	for _, o := range t.PeerOrgs() {
		w("        - *%s\n", anchor(o))
	}
	return b.String()
}

// WriteConfig writes FABRIC_CFG_PATH: configtx.yaml, and core.yaml / orderer.yaml derived
// from Fabric's sample configs with the project's external builder. Per-node settings are
// passed as environment variables when each process starts.
func WriteConfig(t *Topology, l Layout) error {
	dir := l.ConfigDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c := NewCrypto(t, l)
	if err := os.WriteFile(filepath.Join(dir, "configtx.yaml"), []byte(t.configtx(c)), 0o644); err != nil {
		return err
	}
	sample := filepath.Join(l.FabHome, "sampleconfig")
	core, err := os.ReadFile(filepath.Join(sample, "core.yaml"))
	if err != nil {
		return fmt.Errorf("read sample core.yaml (run scripts/install-fabric.sh): %w", err)
	}
	patched, err := replaceExternalBuilders(string(core), filepath.Join(l.Root, "network", "builder"))
	if err != nil {
		return err
	}
	// No Docker here: an empty vm.endpoint turns the Docker VM (and its health check,
	// which would fail /healthz) off. An empty environment variable cannot do it: viper
	// ignores empty values.
	const docker = "endpoint: unix:///var/run/docker.sock"
	if !strings.Contains(patched, docker) {
		return fmt.Errorf("core.yaml: vm.endpoint not found")
	}
	patched = strings.Replace(patched, docker, `endpoint: ""`, 1)
	if err := os.WriteFile(filepath.Join(dir, "core.yaml"), []byte(patched), 0o644); err != nil {
		return err
	}
	ord, err := os.ReadFile(filepath.Join(sample, "orderer.yaml"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "orderer.yaml"), ord, 0o644)
}

// replaceExternalBuilders swaps the sample's builder list for ours. The list cannot be set
// through environment variables, so the one file edit lives here.
func replaceExternalBuilders(core, builderPath string) (string, error) {
	lines := strings.Split(core, "\n")
	start := -1
	for i, ln := range lines {
		if strings.TrimSpace(ln) == "externalBuilders:" {
			start = i
			break
		}
	}
	if start < 0 {
		return "", fmt.Errorf("core.yaml: externalBuilders not found")
	}
	indent := len(lines[start]) - len(strings.TrimLeft(lines[start], " "))
	end := start + 1
	for end < len(lines) {
		ln := lines[end]
		if strings.TrimSpace(ln) != "" && !strings.HasPrefix(strings.TrimSpace(ln), "#") &&
			len(ln)-len(strings.TrimLeft(ln, " ")) <= indent {
			break
		}
		end++
	}
	pad := strings.Repeat(" ", indent+4)
	repl := []string{
		lines[start],
		pad + "- name: pdl-ccaas",
		pad + "  path: " + builderPath,
		"",
	}
	out := append(append(append([]string{}, lines[:start]...), repl...), lines[end:]...)
	return strings.Join(out, "\n"), nil
}

// GenerateChannelBlock writes the application channel's genesis block.
func GenerateChannelBlock(t *Topology, l Layout) (string, error) {
	block := filepath.Join(l.Run, "channel", t.Channel+".block")
	if err := os.MkdirAll(filepath.Dir(block), 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command(l.Bin("configtxgen"), "-profile", "PDLChannel", "-outputBlock", block, "-channelID", t.Channel)
	cmd.Env = append(os.Environ(), "FABRIC_CFG_PATH="+l.ConfigDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("configtxgen: %v\n%s", err, out)
	}
	id, err := t.IndexerIdentity()
	if err != nil {
		return "", err
	}
	org := t.Org(id.Org)
	if err := addIdentityToReaders(block, org.MSPID, org.MSPID, NewCrypto(t, l).UserCert(org, id.User)); err != nil {
		return "", fmt.Errorf("channel ACLs: %w", err)
	}
	return block, nil
}
