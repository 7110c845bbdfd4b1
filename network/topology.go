// Package network defines and runs the PDLedger Fabric network as native processes:
// three Raft orderers and one peer per org (Bureau, Operator, SourceUnit, Exchange), chaincode as a
// service with one chaincode server per org, all endpoints on TLS with client
// authentication. The definition is data (topology.yaml); everything else is derived.
package network

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// Topology mirrors network/topology.yaml.
type Topology struct {
	Host       string     `yaml:"host"`
	Domain     string     `yaml:"domain"`
	Region     Region     `yaml:"region"`
	Channel    string     `yaml:"channel"`
	Chaincode  Chaincode  `yaml:"chaincode"`
	Bureau     Bureau     `yaml:"bureau"`
	Orderer    Ordering   `yaml:"orderer"`
	Orgs       []Org      `yaml:"orgs"`
	Identities []Identity `yaml:"identities"`
	Explorer   Explorer   `yaml:"explorer"`
	// RetiredOrgs are the MSP ids of peer orgs removed from the channel (pdlnet org
	// remove). Their guard collections stay in the chaincode definition — Fabric does not
	// let a collection be dropped, and the markers of their records stay readable.
	RetiredOrgs []string `yaml:"retiredOrgs"`
	// Channels are the jurisdictions beyond the first channel, each a ledger of its own
	// with its own policy preset; make up creates them (pdlnet channel add adds one to a
	// running network).
	Channels []JurisdictionChannel `yaml:"channels"`
}

// JurisdictionChannel is one more jurisdiction's channel: same orgs and chaincode, its
// own ledger and policy profile.
type JurisdictionChannel struct {
	Name   string `yaml:"name"`
	Preset string `yaml:"preset"`
	// Bureau is the jurisdiction's implementing body (实施机构), bootstrapped on the
	// channel as its ledger's bureau; its id and its admin's org are the topology's
	// bureau's (one Bureau org runs the network), the name and code are its own. Empty:
	// the topology's bureau.
	Bureau ChannelBureau `yaml:"bureau"`
}

// ChannelBureau names a jurisdiction's implementing body.
type ChannelBureau struct {
	Name string `yaml:"name"`
	USCC string `yaml:"uscc"`
}

// Region is where the network's parties are: the country, province and city every
// certificate's subject names (C, ST, L), as a 政务 CA issues them — what a record's
// createdBy shows.
type Region struct {
	Country  string `yaml:"country"`
	Province string `yaml:"province"`
	City     string `yaml:"city"`
}

// Chaincode names the chaincode definition.
type Chaincode struct {
	Name              string `yaml:"name"`
	Version           string `yaml:"version"`
	EndorsementPolicy string `yaml:"endorsementPolicy"`
	// Replay "allowed" lets the bureau replay dated history (the demo) through a replay
	// session the ledger records; any other network leaves it off.
	Replay string `yaml:"replay"`
	// CommercialOrgs are the peer orgs (names) whose peers hold the commercial fields —
	// trade amounts, revenue figures — in the private data collection "commercial".
	CommercialOrgs []string `yaml:"commercialOrgs"`
}

// Bureau is the participant Participant:Bootstrap registers.
type Bureau struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	USCC string `yaml:"uscc"`
	// Org is the peer org whose Admin bootstraps the ledger (default "Bureau"): every
	// chaincode server refuses Participant:Bootstrap from any other certificate.
	Org string `yaml:"org"`
}

// Ordering holds block cutting and Raft options.
type Ordering struct {
	BatchTimeout      string `yaml:"batchTimeout"`
	MaxMessageCount   int    `yaml:"maxMessageCount"`
	ClusterRPCTimeout string `yaml:"clusterRPCTimeout"`
	AbsoluteMaxBytes  string `yaml:"absoluteMaxBytes"`
	PreferredMaxBytes string `yaml:"preferredMaxBytes"`
	Raft              Raft   `yaml:"raft"`
}

// Raft options written into the channel config.
type Raft struct {
	TickInterval         string `yaml:"tickInterval"`
	ElectionTick         int    `yaml:"electionTick"`
	HeartbeatTick        int    `yaml:"heartbeatTick"`
	MaxInflightBlocks    int    `yaml:"maxInflightBlocks"`
	SnapshotIntervalSize string `yaml:"snapshotIntervalSize"`
}

var netnsName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,14}$`)

// Org is an orderer or peer organization.
type Org struct {
	Name  string `yaml:"name"`
	MSPID string `yaml:"mspId"`
	Kind  string `yaml:"kind"` // orderer | peer
	Nodes []Node `yaml:"nodes"`
	Users int    `yaml:"users"`
	// TimeWindow is how far a proposal's timestamp may be from this org's chaincode
	// server's clock (default 5m): each org decides for its own endorsements.
	TimeWindow string `yaml:"timeWindow"`
	// CA: the org's fabric-ca-server for person identities (peer orgs; nil: none).
	CA *CA `yaml:"ca"`
	// Netns: the Linux network namespace the org's processes (nodes, chaincode server,
	// CA) run in, so one machine can stand in for one host per org (the multi-host test);
	// "" (a real deployment): the namespace pdlnet runs in.
	Netns string `yaml:"netns"`
}

// Node is one orderer or peer process (plus, for peers, its org's chaincode server).
type Node struct {
	Name          string `yaml:"name"`
	Host          string `yaml:"host"`
	Port          int    `yaml:"port"`
	AdminPort     int    `yaml:"adminPort"`
	OpsPort       int    `yaml:"opsPort"`
	ChaincodePort int    `yaml:"chaincodePort"`
	CCaaSPort     int    `yaml:"ccaasPort"`
	// ProfilePort: in bench mode (pdlnet bench on) the node serves Go's profiles here,
	// on its host's loopback only; 0: never.
	ProfilePort int `yaml:"profilePort"`

	org *Org
}

// Identity maps a client profile name to a certificate.
type Identity struct {
	Profile string `yaml:"profile"`
	Org     string `yaml:"org"`
	User    string `yaml:"user"`
	Role    string `yaml:"role"`
}

// Explorer ports.
type Explorer struct {
	Port        int `yaml:"port"`
	MetricsPort int `yaml:"metricsPort"`
	// Identity is the profile the indexer reads blocks as (default "indexer"): the one
	// certificate besides org admins and peers that the channel lets read raw blocks.
	Identity string `yaml:"identity"`
}

// IndexerIdentity is the topology identity the explorer's indexer acts as.
func (t *Topology) IndexerIdentity() (*Identity, error) {
	name := t.Explorer.Identity
	if name == "" {
		name = "indexer"
	}
	for i := range t.Identities {
		if t.Identities[i].Profile == name {
			return &t.Identities[i], nil
		}
	}
	return nil, fmt.Errorf("explorer.identity %q names no identity of the topology", name)
}

// LoadTopology reads and validates a topology file.
func LoadTopology(path string) (*Topology, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Topology
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := t.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &t, nil
}

func (t *Topology) validate() error {
	if t.Host == "" || t.Domain == "" || t.Channel == "" {
		return fmt.Errorf("host, domain and channel are required")
	}
	if r := t.Region; len(r.Country) != 2 || r.Country != strings.ToUpper(r.Country) || r.Province == "" || r.City == "" {
		return fmt.Errorf("region: country (two capital letters, e.g. CN), province and city are required; got %+v", r)
	}
	if _, err := time.ParseDuration(t.Orderer.BatchTimeout); err != nil {
		return fmt.Errorf("orderer.batchTimeout: %w", err)
	}
	switch t.Chaincode.Replay {
	case "", "off", "allowed":
	default:
		return fmt.Errorf("chaincode.replay: %q, want allowed or off", t.Chaincode.Replay)
	}
	seen := map[string]bool{t.Channel: true}
	for i, c := range t.Channels {
		if !model.ChannelName.MatchString(c.Name) {
			return fmt.Errorf("channels[%d]: name %q: a lower-case letter, then lower-case letters, digits or '-', at most 49", i, c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("channels[%d]: channel %s named twice (or as the first channel)", i, c.Name)
		}
		seen[c.Name] = true
		if _, err := policy.Preset(c.Preset); err != nil {
			return fmt.Errorf("channels[%d] (%s): %w", i, c.Name, err)
		}
		if (c.Bureau.Name == "") != (c.Bureau.USCC == "") {
			return fmt.Errorf("channels[%d] (%s): bureau: name and uscc go together", i, c.Name)
		}
	}
	for i := range t.Orgs {
		if w := t.Orgs[i].TimeWindow; w != "" {
			if d, err := time.ParseDuration(w); err != nil || d < time.Second || d > 24*time.Hour {
				return fmt.Errorf("orgs[%d].timeWindow: %q, want a duration between 1s and 24h", i, w)
			}
		}
	}
	if len(t.Chaincode.CommercialOrgs) == 0 {
		return fmt.Errorf("chaincode.commercialOrgs: name the peer orgs that hold commercial fields (the bureau's and the operators')")
	}
	for _, name := range t.Chaincode.CommercialOrgs {
		if o := t.Org(name); o == nil || o.Kind != "peer" {
			return fmt.Errorf("chaincode.commercialOrgs: %q is not a peer org of the topology", name)
		}
	}
	if t.Orderer.ClusterRPCTimeout == "" {
		t.Orderer.ClusterRPCTimeout = "7s"
	}
	if _, err := time.ParseDuration(t.Orderer.ClusterRPCTimeout); err != nil {
		return fmt.Errorf("orderer.clusterRPCTimeout: %w", err)
	}
	if _, err := time.ParseDuration(t.Orderer.Raft.TickInterval); err != nil {
		return fmt.Errorf("orderer.raft.tickInterval: %w", err)
	}
	ports := map[string]string{}
	claim := func(node string, host string, port int, what string) error {
		if port <= 0 || port > 65535 {
			return fmt.Errorf("%s: %s port %d out of range 1..65535", node, what, port)
		}
		k := fmt.Sprintf("%s:%d", host, port)
		if other, ok := ports[k]; ok {
			return fmt.Errorf("%s: %s port %s already used by %s", node, what, k, other)
		}
		ports[k] = node + " " + what
		return nil
	}
	orderers := 0
	for i := range t.Orgs {
		o := &t.Orgs[i]
		if o.Netns != "" && !netnsName.MatchString(o.Netns) {
			return fmt.Errorf("org %s: netns %q: lower-case letters, digits and '-', at most 15 characters", o.Name, o.Netns)
		}
		if o.Kind != "orderer" && o.Kind != "peer" {
			return fmt.Errorf("org %s: kind %q must be orderer or peer", o.Name, o.Kind)
		}
		for j := range o.Nodes {
			n := &o.Nodes[j]
			n.org = o
			if n.Host == "" {
				n.Host = t.Host
			}
			if err := claim(n.ID(), n.Host, n.Port, "listen"); err != nil {
				return err
			}
			if err := claim(n.ID(), n.Host, n.OpsPort, "operations"); err != nil {
				return err
			}
			if n.ProfilePort != 0 {
				if err := claim(n.ID(), n.Host, n.ProfilePort, "profile"); err != nil {
					return err
				}
			}
			if o.Kind == "orderer" {
				orderers++
				if err := claim(n.ID(), n.Host, n.AdminPort, "admin"); err != nil {
					return err
				}
			} else {
				if err := claim(n.ID(), n.Host, n.ChaincodePort, "chaincode"); err != nil {
					return err
				}
				if err := claim(n.ID(), n.Host, n.CCaaSPort, "chaincode server"); err != nil {
					return err
				}
			}
		}
	}
	if orderers == 0 {
		return fmt.Errorf("no orderer nodes")
	}
	for i := range t.Orgs {
		o := &t.Orgs[i]
		if o.CA == nil {
			continue
		}
		if o.Kind != "peer" {
			return fmt.Errorf("org %s: only peer orgs run a CA for person identities", o.Name)
		}
		if o.CA.Host == "" && len(o.Nodes) > 0 {
			o.CA.Host = o.Nodes[0].Host
		}
		if err := claim(CAProcName(o), o.CA.Host, o.CA.Port, "listen"); err != nil {
			return err
		}
		if err := claim(CAProcName(o), o.CA.Host, o.CA.OpsPort, "operations"); err != nil {
			return err
		}
	}
	if err := claim("explorer", t.Host, t.Explorer.Port, "api"); err != nil {
		return err
	}
	if err := claim("explorer", t.Host, t.Explorer.MetricsPort, "metrics"); err != nil {
		return err
	}
	for _, id := range t.Identities {
		if t.Org(id.Org) == nil {
			return fmt.Errorf("identity %s: unknown org %s", id.Profile, id.Org)
		}
	}
	return nil
}

// Org returns the org with the given name, or nil.
func (t *Topology) Org(name string) *Org {
	for i := range t.Orgs {
		if t.Orgs[i].Name == name {
			return &t.Orgs[i]
		}
	}
	return nil
}

// OrdererOrg returns the (single) orderer organization.
func (t *Topology) OrdererOrg() *Org {
	for i := range t.Orgs {
		if t.Orgs[i].Kind == "orderer" {
			return &t.Orgs[i]
		}
	}
	return nil
}

// BureauOrg is the org whose admin bootstraps the ledger.
func (t *Topology) BureauOrg() *Org {
	name := t.Bureau.Org
	if name == "" {
		name = "Bureau"
	}
	return t.Org(name)
}

// CommercialMSPIDs are the MSP ids of the commercial collection's members, sorted.
func (t *Topology) CommercialMSPIDs() []string {
	var out []string
	for _, name := range t.Chaincode.CommercialOrgs {
		if o := t.Org(name); o != nil {
			out = append(out, o.MSPID)
		}
	}
	sort.Strings(out)
	return out
}

// PeerMSPIDs are the MSP ids of the peer orgs, sorted.
func (t *Topology) PeerMSPIDs() []string {
	var out []string
	for _, o := range t.PeerOrgs() {
		out = append(out, o.MSPID)
	}
	sort.Strings(out)
	return out
}

// BootstrapAdminSHA256 is the SHA-256 (hex) of the bureau admin's certificate (DER): the
// one certificate every chaincode server lets bootstrap the ledger.
func (t *Topology) BootstrapAdminSHA256(l Layout) (string, error) {
	return certSHA256(NewCrypto(t, l).UserCert(t.BureauOrg(), "Admin"))
}

// IndexerSHA256 is the SHA-256 (hex) of the explorer indexer's certificate: an auditor
// the chaincode servers let compare world state with the index.
func (t *Topology) IndexerSHA256(l Layout) (string, error) {
	id, err := t.IndexerIdentity()
	if err != nil {
		return "", err
	}
	return certSHA256(NewCrypto(t, l).UserCert(t.Org(id.Org), id.User))
}

func certSHA256(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("certificate: %w", err)
	}
	b, _ := pem.Decode(raw)
	if b == nil {
		return "", fmt.Errorf("certificate %s: no PEM block", path)
	}
	sum := sha256.Sum256(b.Bytes)
	return hex.EncodeToString(sum[:]), nil
}

// PeerOrgs returns the peer organizations in file order.
func (t *Topology) PeerOrgs() []*Org {
	var out []*Org
	for i := range t.Orgs {
		if t.Orgs[i].Kind == "peer" {
			out = append(out, &t.Orgs[i])
		}
	}
	return out
}

// Orderers returns all orderer nodes.
func (t *Topology) Orderers() []*Node {
	var out []*Node
	for _, o := range t.Orgs {
		if o.Kind == "orderer" {
			for j := range o.Nodes {
				out = append(out, &o.Nodes[j])
			}
		}
	}
	return out
}

// Peers returns all peer nodes.
func (t *Topology) Peers() []*Node {
	var out []*Node
	for _, o := range t.PeerOrgs() {
		for j := range o.Nodes {
			out = append(out, &o.Nodes[j])
		}
	}
	return out
}

// Node finds a node by its ID (orderer0, peer0.bureau, ...).
func (t *Topology) Node(id string) *Node {
	for _, n := range append(t.Orderers(), t.Peers()...) {
		if n.ID() == id {
			return n
		}
	}
	return nil
}

// Domain of an org: <org>.<topology domain>, lower case.
func (t *Topology) OrgDomain(o *Org) string {
	return strings.ToLower(o.Name) + "." + t.Domain
}

// Org returns the node's organization.
func (n *Node) Org() *Org { return n.org }

// ID is the short process name: orderer0 for orderers, peer0.bureau for peers.
func (n *Node) ID() string {
	if n.org.Kind == "orderer" {
		return n.Name
	}
	return n.Name + "." + strings.ToLower(n.org.Name)
}

// IsOrderer reports whether this is an orderer node.
func (n *Node) IsOrderer() bool { return n.org.Kind == "orderer" }

// Addr is host:port of the node's main listener.
func (n *Node) Addr() string { return fmt.Sprintf("%s:%d", n.Host, n.Port) }

// OpsAddr is host:port of the operations (health, metrics) endpoint.
func (n *Node) OpsAddr() string { return fmt.Sprintf("%s:%d", n.Host, n.OpsPort) }

// AdminAddr is the orderer's channel participation endpoint.
func (n *Node) AdminAddr() string { return fmt.Sprintf("%s:%d", n.Host, n.AdminPort) }

// ProfileAddr is where the node serves Go's profiles in bench mode: the loopback of its
// own host, never a routable address (the profile server has no authentication), or ""
// when it has no profile port.
func (n *Node) ProfileAddr() string {
	if n.ProfilePort == 0 {
		return ""
	}
	return fmt.Sprintf("127.0.0.1:%d", n.ProfilePort)
}

// CCaaSAddr is the address of the org's chaincode server.
func (n *Node) CCaaSAddr() string { return fmt.Sprintf("%s:%d", n.Host, n.CCaaSPort) }

// AllPorts lists every host:port the network binds, for the port-in-use check.
func (t *Topology) AllPorts() []string {
	var out []string
	for _, n := range append(t.Orderers(), t.Peers()...) {
		out = append(out, n.Addr(), n.OpsAddr())
		if n.IsOrderer() {
			out = append(out, n.AdminAddr())
		} else {
			out = append(out, fmt.Sprintf("%s:%d", n.Host, n.ChaincodePort), n.CCaaSAddr())
		}
	}
	for _, o := range t.CAOrgs() {
		out = append(out, o.CAAddr(), o.CAOpsAddr())
	}
	out = append(out, fmt.Sprintf("%s:%d", t.Host, t.Explorer.Port), fmt.Sprintf("%s:%d", t.Host, t.Explorer.MetricsPort))
	sort.Strings(out)
	return out
}

// Layout locates everything a running network keeps on disk.
type Layout struct {
	Root    string // repository root
	Run     string // run directory (.run by default)
	FabBin  string // Fabric binaries
	FabHome string // Fabric install dir (binaries + sampleconfig)
}

// DefaultLayout derives the layout from the repository root and the environment
// (PDL_RUN, PDL_HOME).
func DefaultLayout(root string) Layout {
	run := os.Getenv("PDL_RUN")
	if run == "" {
		run = filepath.Join(root, ".run")
	}
	home := os.Getenv("PDL_HOME")
	if home == "" {
		h, _ := os.UserHomeDir()
		home = filepath.Join(h, ".cache", "pdledger")
	}
	fab := filepath.Join(home, "fabric-2.5.0")
	return Layout{Root: root, Run: run, FabBin: filepath.Join(fab, "bin"), FabHome: fab}
}

func (l Layout) path(p ...string) string { return filepath.Join(append([]string{l.Run}, p...)...) }

// CryptoDir is cryptogen's output.
func (l Layout) CryptoDir() string { return l.path("crypto") }

// ConfigDir is FABRIC_CFG_PATH for every node and CLI call.
func (l Layout) ConfigDir() string { return l.path("config") }

// LogFile of a process.
func (l Layout) LogFile(name string) string { return l.path("logs", name+".log") }

// PidFile of a process.
func (l Layout) PidFile(name string) string { return l.path("pids", name+".pid") }

// DataDir of a node.
func (l Layout) DataDir(name string) string { return l.path("data", name) }

// ProfilesDir holds client connection profiles.
func (l Layout) ProfilesDir() string { return l.path("profiles") }

// Bin is the Fabric binary path.
func (l Layout) Bin(name string) string { return filepath.Join(l.FabBin, name) }
