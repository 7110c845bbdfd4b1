package network

// Adding and removing a peer org of the application channel: a channel config update of
// one group, /Channel/Application/<MSP id>, computed and submitted as for a revocation
// list (configupdate.go).
//
// What Fabric v2.5 demands (common/configtx/update.go): adding or removing a member of
// the Application group bumps that group's version, so the delta set holds the group
// itself (plus, for an addition, every element of the new org's group at version 0,
// which Fabric checks for a mod_policy and version 0 only). The policy evaluated is the
// Application group's existing mod_policy, Admins = MAJORITY of the org groups' Admins of
// the config in force: a majority of the orgs in the channel BEFORE the change. So the
// new org does not sign its own admission, and removing one of k orgs needs
// floor(k/2)+1 signatures of the k orgs — with the removed org excluded, that is every
// remaining org when k is even (removing one of 4 needs 3 of the remaining 3).
//
// The new org's group is shaped after an existing peer org's group of the config in
// force (same policy names, rules, values and mod_policies), with the new org's MSP
// (built from its MSP directory as configtxgen builds it), its anchor peers, and the
// template org's MSP id replaced by the new one in every policy.

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"gopkg.in/yaml.v3"
)

// ErrOrgNotInChannel is returned (wrapped) by RemoveOrgFromChannel when the channel's
// Application group has no such org.
var ErrOrgNotInChannel = errors.New("org is not a member of the channel")

// AddOrgToChannel adds peer org org to the application channel: its group
// /Channel/Application/<MSP id> with its MSP, its anchor peers (every node of org, as
// configtx.yaml lists them for the founding orgs) and the policies of the existing orgs'
// groups. It returns the number of the config block that carries the group once an
// orderer has cut it.
//
// Preconditions: org is a peer org of n.T (the caller put it there) whose crypto material
// is under n.L.CryptoDir() (its verifying MSP: cacerts, tlscacerts, config.yaml); the
// first peer org of n.T other than org is a member of the channel (its admin reads the
// config and submits); the admins of a majority of the channel's current peer orgs are
// in n.T with their crypto material; an orderer is reachable. ctx as for
// UpdateOrgCRL. If the channel has the org already with exactly this MSP, nothing is
// submitted and the number of the config block in force is returned (a retry after a
// lost answer); with another MSP it is an error.
//
// The update is signed by the admins of a majority of the channel's current peer orgs
// (topology order, the submitter first among them) and never by org itself; the orderer
// org's group is not touched.
func (n *Net) AddOrgToChannel(ctx context.Context, org *Org) (block uint64, err error) {
	if org == nil || n.T.Org(org.Name) == nil || n.T.Org(org.Name).Kind != "peer" {
		return 0, fmt.Errorf("add org to channel: %v is not a peer org of the topology", orgName(org))
	}
	org = n.T.Org(org.Name)
	c := NewCrypto(n.T, n.L)
	mspValue, err := verifyingMSPValue(c.OrgMSP(org), org.MSPID)
	if err != nil {
		return 0, fmt.Errorf("%s MSP: %w", org.Name, err)
	}
	anchors, err := anchorPeersValue(org)
	if err != nil {
		return 0, err
	}
	ch := orgChange{
		what:    "add " + org.MSPID + " to channel " + n.T.Channel,
		exclude: org.MSPID,
		change: func(cfg *common.Config) (*common.Config, error) {
			return withOrg(cfg, org.MSPID, mspValue, anchors)
		},
		done: func(cfg *common.Config) bool { return hasOrg(cfg, org.MSPID, mspValue) },
	}
	return n.changeOrgs(ctx, ch)
}

// RemoveOrgFromChannel removes a peer org's group from the application channel, so that
// peers and orderers no longer know its MSP from the new config block on. name is the
// org's name or MSP id in n.T, or the key of its group under /Channel/Application (for
// an org no longer in the topology). It returns the number of the config block without
// the group once an orderer has cut it.
//
// Preconditions: the org is an application org of the channel (else ErrOrgNotInChannel);
// at least floor(k/2)+1 of the channel's k peer orgs OTHER than it have their admins
// in n.T with crypto material (Fabric counts the removed org in k: see the file comment);
// the first peer org of n.T other than it is a member of the channel and submits; an
// orderer is reachable. ctx as for UpdateOrgCRL.
//
// The removed org's admin never signs (its crypto material may be gone). The update does
// not stop the org's processes nor change n.T or its crypto material.
func (n *Net) RemoveOrgFromChannel(ctx context.Context, name string) (uint64, error) {
	mspID := name
	if o := topologyOrgByName(n.T, name); o != nil {
		mspID = o.MSPID
	}
	var key string
	ch := orgChange{
		what:    "remove " + name + " from channel " + n.T.Channel,
		exclude: mspID,
		change: func(cfg *common.Config) (*common.Config, error) {
			var out *common.Config
			var err error
			key, out, err = withoutOrg(cfg, name, mspID)
			return out, err
		},
		done: func(cfg *common.Config) bool {
			_, ok := cfg.GetChannelGroup().GetGroups()["Application"].GetGroups()[key]
			return !ok
		},
	}
	return n.changeOrgs(ctx, ch)
}

// topologyOrgByName is the org of t named name or with MSP id name, or nil.
func topologyOrgByName(t *Topology, name string) *Org {
	for i := range t.Orgs {
		if t.Orgs[i].Name == name || t.Orgs[i].MSPID == name {
			return &t.Orgs[i]
		}
	}
	return nil
}

// ---- the flow ----------------------------------------------------------------------

// orgChange is one change of the Application group's membership.
type orgChange struct {
	what    string // for the log and errors
	exclude string // MSP id of the org added or removed: it neither signs nor submits
	// change returns the modified copy of the config in force (errAlreadyDone: nothing
	// to do); it must not modify its argument.
	change func(*common.Config) (*common.Config, error)
	done   func(*common.Config) bool // the config carries the change
}

// errAlreadyDone: the config in force has the change already.
var errAlreadyDone = errors.New("the channel config has this change already")

// changeOrgs submits ch as the admin of the first peer org of n.T that ch does not
// exclude, signed by the admins of a majority of the channel's current peer orgs.
func (n *Net) changeOrgs(ctx context.Context, ch orgChange) (uint64, error) {
	c := NewCrypto(n.T, n.L)
	var sub *Org
	for _, o := range n.T.PeerOrgs() {
		if o.MSPID != ch.exclude {
			sub = o
			break
		}
	}
	if sub == nil {
		return 0, fmt.Errorf("%s: no other peer org in the topology to submit it", ch.what)
	}
	subSigner, err := loadAdminSigners(c, []*Org{sub})
	if err != nil {
		return 0, err
	}
	oc := newOrdererClient(n.T, c, sub, subSigner[0])
	pick := func(cfg *common.Config) ([]*mspSigner, error) {
		orgs, err := channelSigningOrgs(n.T, cfg, ch.exclude, sub)
		if err != nil {
			return nil, err
		}
		return loadAdminSigners(c, orgs)
	}
	return applyOrgChange(ctx, oc, ch, pick, n.logf)
}

// applyOrgChange is changeOrgs once the orderers are known: it fetches the config in
// force, computes the update, has pick choose the signers for that config and submits.
// Precondition: oc.signer satisfies the channel's Readers and Writers.
func applyOrgChange(ctx context.Context, oc *ordererClient, ch orgChange,
	pick func(*common.Config) ([]*mspSigner, error), logf func(string, ...any)) (uint64, error) {
	if len(oc.names) == 0 {
		return 0, errors.New("no orderers to submit the config update to")
	}
	cur, err := oc.fetchConfig(ctx)
	if err != nil {
		return 0, err
	}
	updated, err := ch.change(cur.config)
	if errors.Is(err, errAlreadyDone) {
		logf("    %s: config block %d has it already", ch.what, cur.number)
		return cur.number, nil
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", ch.what, err)
	}
	update, err := computeConfigUpdate(oc.channel, cur.config, updated)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", ch.what, err)
	}
	signers, err := pick(cur.config)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", ch.what, err)
	}
	return submitUpdate(ctx, oc, cur, update, signers, ch.what, ch.done, logf)
}

// channelSigningOrgs are the peer orgs of t whose admins sign a change of the channel's
// org list: floor(k/2)+1 of the k application orgs of cfg (the threshold of the
// Application group's Admins, MAJORITY, as Fabric evaluates it on the config in force),
// chosen among the orgs of cfg that t knows, other than the one with MSP id exclude;
// first (when eligible) always among them, the others in topology order; the result is
// in topology order.
func channelSigningOrgs(t *Topology, cfg *common.Config, exclude string, first *Org) ([]*Org, error) {
	members := appOrgMSPIDs(cfg)
	var eligible []*Org
	for _, o := range t.PeerOrgs() {
		if members[o.MSPID] && o.MSPID != exclude {
			eligible = append(eligible, o)
		}
	}
	need := len(members)/2 + 1
	if len(eligible) < need {
		return nil, fmt.Errorf("%d of the channel's %d orgs must sign, but only %d other than %s are orgs of the topology: %s",
			need, len(members), len(eligible), exclude, orgList(eligible))
	}
	return pickMajority(eligible, need, first), nil
}

// appOrgMSPIDs is the set of the MSP ids of cfg's application orgs (an org whose MSP
// does not decode counts under its group key: Fabric counts it too).
func appOrgMSPIDs(cfg *common.Config) map[string]bool {
	out := map[string]bool{}
	for key, grp := range cfg.GetChannelGroup().GetGroups()["Application"].GetGroups() {
		if _, fc, err := decodeMSP(grp.GetValues()["MSP"]); err == nil {
			out[fc.Name] = true
		} else {
			out[key] = true
		}
	}
	return out
}

// orgList names orgs for messages.
func orgList(orgs []*Org) string {
	var s []string
	for _, o := range orgs {
		s = append(s, o.Name)
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// ---- the modified config -----------------------------------------------------------

// withOrg is a copy of cfg whose Application group also has the org mspID, keyed by its
// MSP id (as configtx.yaml names the founding orgs), shaped after an existing org's group
// (orgTemplate). errAlreadyDone if cfg has the org with exactly mspValue.
func withOrg(cfg *common.Config, mspID string, mspValue, anchors []byte) (*common.Config, error) {
	if _, grp, err := appOrgGroup(cfg, mspID); err == nil {
		if bytes.Equal(grp.GetValues()["MSP"].GetValue(), mspValue) {
			return nil, errAlreadyDone
		}
		return nil, fmt.Errorf("the channel has an org with MSP %s already, with other certificates", mspID)
	}
	app := cfg.GetChannelGroup().GetGroups()["Application"]
	if app == nil {
		return nil, errors.New("config has no Application group")
	}
	if _, ok := app.Groups[mspID]; ok {
		return nil, fmt.Errorf("the Application group has a group %s already", mspID)
	}
	grp, err := orgTemplate(app, mspID, mspValue, anchors)
	if err != nil {
		return nil, err
	}
	out := proto.Clone(cfg).(*common.Config)
	out.ChannelGroup.Groups["Application"].Groups[mspID] = grp
	return out, nil
}

// withoutOrg is a copy of cfg without the application org named name (its group key) or
// whose MSP id is mspID, and that org's group key.
func withoutOrg(cfg *common.Config, name, mspID string) (string, *common.Config, error) {
	app := cfg.GetChannelGroup().GetGroups()["Application"]
	key := name
	if _, ok := app.GetGroups()[key]; !ok {
		var err error
		if key, _, err = appOrgGroup(cfg, mspID); err != nil {
			return "", nil, fmt.Errorf("%w: %s (%v)", ErrOrgNotInChannel, name, err)
		}
	}
	out := proto.Clone(cfg).(*common.Config)
	delete(out.ChannelGroup.Groups["Application"].Groups, key)
	return key, out, nil
}

// hasOrg reports whether cfg has the application org mspID with exactly mspValue.
func hasOrg(cfg *common.Config, mspID string, mspValue []byte) bool {
	_, grp, err := appOrgGroup(cfg, mspID)
	return err == nil && bytes.Equal(grp.GetValues()["MSP"].GetValue(), mspValue)
}

// orgTemplate is the new org's group made from the first existing org group of app (by
// key) that can serve as template (newOrgGroup): an org whose policies name a single
// certificate (the bureau's Readers names the indexer's) cannot, the next one is used.
func orgTemplate(app *common.ConfigGroup, mspID string, mspValue, anchors []byte) (*common.ConfigGroup, error) {
	keys := make([]string, 0, len(app.GetGroups()))
	for k := range app.GetGroups() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		tpl := app.Groups[k]
		_, fc, err := decodeMSP(tpl.GetValues()["MSP"])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, err))
			continue
		}
		grp, err := newOrgGroup(tpl, fc.Name, mspID, mspValue, anchors)
		if err == nil {
			return grp, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", k, err))
	}
	return nil, fmt.Errorf("no org of the channel can serve as template for %s: %w", mspID, errors.Join(errs...))
}

// newOrgGroup is a copy of the org group tpl (whose MSP id is tplMSP) for the org mspID:
// every version 0, the same mod_policies, the MSP value mspValue, the AnchorPeers value
// anchors (added with mod_policy Admins, as configtxgen does, if tpl has none), and each
// policy with tplMSP replaced by mspID. It refuses a template with sub-groups or other
// values, or whose policies name anything but roles of tplMSP: none of them could be
// carried over to another org.
func newOrgGroup(tpl *common.ConfigGroup, tplMSP, mspID string, mspValue, anchors []byte) (*common.ConfigGroup, error) {
	if len(tpl.GetGroups()) > 0 {
		return nil, errors.New("the org group has sub-groups")
	}
	out := &common.ConfigGroup{ModPolicy: tpl.GetModPolicy(), Groups: map[string]*common.ConfigGroup{},
		Values: map[string]*common.ConfigValue{}, Policies: map[string]*common.ConfigPolicy{}}
	for k, v := range tpl.GetValues() {
		switch k {
		case "MSP":
			out.Values[k] = &common.ConfigValue{ModPolicy: v.GetModPolicy(), Value: mspValue}
		case "AnchorPeers":
			out.Values[k] = &common.ConfigValue{ModPolicy: v.GetModPolicy(), Value: anchors}
		default:
			return nil, fmt.Errorf("value %s: not derivable for another org", k)
		}
	}
	if out.Values["MSP"] == nil {
		return nil, errors.New("no MSP value")
	}
	if out.Values["AnchorPeers"] == nil {
		out.Values["AnchorPeers"] = &common.ConfigValue{ModPolicy: "Admins", Value: anchors}
	}
	for k, p := range tpl.GetPolicies() {
		pol, err := policyFor(p.GetPolicy(), tplMSP, mspID)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", k, err)
		}
		out.Policies[k] = &common.ConfigPolicy{ModPolicy: p.GetModPolicy(), Policy: pol}
	}
	return out, nil
}

// policyFor is policy p of org from rewritten for org to: a signature policy's role
// principals of from name to instead (the rule is kept); an implicit meta policy names
// no org and is kept as it is.
func policyFor(p *common.Policy, from, to string) (*common.Policy, error) {
	switch common.Policy_PolicyType(p.GetType()) {
	case common.Policy_IMPLICIT_META:
		return proto.Clone(p).(*common.Policy), nil
	case common.Policy_SIGNATURE:
	default:
		return nil, fmt.Errorf("policy type %d", p.GetType())
	}
	var env common.SignaturePolicyEnvelope
	if err := proto.Unmarshal(p.GetValue(), &env); err != nil {
		return nil, err
	}
	for i, id := range env.Identities {
		if id.GetPrincipalClassification() != msp.MSPPrincipal_ROLE {
			// an IDENTITY or OU principal names one certificate or CA of the template org
			return nil, fmt.Errorf("principal %d is a %s principal, not a role", i, id.GetPrincipalClassification())
		}
		var role msp.MSPRole
		if err := proto.Unmarshal(id.GetPrincipal(), &role); err != nil {
			return nil, fmt.Errorf("principal %d: %w", i, err)
		}
		if role.MspIdentifier != from {
			return nil, fmt.Errorf("principal %d names MSP %s, not the org's own %s", i, role.MspIdentifier, from)
		}
		role.MspIdentifier = to
		raw, err := deterministic(&role)
		if err != nil {
			return nil, err
		}
		env.Identities[i] = &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: raw}
	}
	raw, err := deterministic(&env)
	if err != nil {
		return nil, err
	}
	return &common.Policy{Type: p.GetType(), Value: raw}, nil
}

func deterministic(m proto.Message) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// anchorPeersValue is the AnchorPeers value of org: every node, as configtx.yaml lists
// the founding orgs' anchor peers (config.go), so an org added later has the config it
// would have had from the start.
func anchorPeersValue(org *Org) ([]byte, error) {
	if len(org.Nodes) == 0 {
		return nil, fmt.Errorf("org %s has no peers to announce as anchor peers", org.Name)
	}
	var ap peer.AnchorPeers
	for _, node := range org.Nodes {
		ap.AnchorPeers = append(ap.AnchorPeers, &peer.AnchorPeer{Host: node.Host, Port: int32(node.Port)})
	}
	return deterministic(&ap)
}

// ---- the MSP, as configtxgen reads it ----------------------------------------------

// verifyingMSPValue is the MSP value configtxgen writes for the verifying MSP in dir with
// id mspID (Fabric v2.5 msp/configbuilder.go, GetVerifyingMspConfig of type FABRIC):
// cacerts (required), admincerts, intermediatecerts, tlscacerts, tlsintermediatecerts
// (read only when there are tlscacerts), crls — each the PEM files of the folder in name
// order, files without PEM skipped — and config.yaml's OU identifiers and NodeOUs, with
// crypto config SHA2 / SHA256. Unlike configtxgen, an OU certificate that config.yaml
// names but that cannot be read is an error, not a warning.
func verifyingMSPValue(dir, mspID string) ([]byte, error) {
	fc := &msp.FabricMSPConfig{Name: mspID,
		CryptoConfig: &msp.FabricCryptoConfig{SignatureHashFamily: "SHA2", IdentityIdentifierHashFunction: "SHA256"}}
	var err error
	if fc.RootCerts, err = pemFiles(filepath.Join(dir, "cacerts")); err != nil {
		return nil, err
	}
	if len(fc.RootCerts) == 0 {
		return nil, fmt.Errorf("no CA certificate in %s", filepath.Join(dir, "cacerts"))
	}
	for _, f := range []struct {
		dst  *[][]byte
		name string
	}{{&fc.Admins, "admincerts"}, {&fc.IntermediateCerts, "intermediatecerts"}, {&fc.TlsRootCerts, "tlscacerts"}, {&fc.RevocationList, "crls"}} {
		if *f.dst, err = pemFiles(filepath.Join(dir, f.name)); err != nil {
			return nil, err
		}
	}
	if len(fc.TlsRootCerts) > 0 {
		if fc.TlsIntermediateCerts, err = pemFiles(filepath.Join(dir, "tlsintermediatecerts")); err != nil {
			return nil, err
		}
	}
	if err := readMSPDirConfig(dir, fc); err != nil {
		return nil, err
	}
	raw, err := deterministic(fc)
	if err != nil {
		return nil, err
	}
	return deterministic(&msp.MSPConfig{Type: 0, Config: raw}) // type FABRIC
}

// pemFiles are the files of dir that hold a PEM block, whole, in name order; a missing
// dir is none.
func pemFiles(dir string) ([][]byte, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if st, err := os.Stat(path); err != nil || st.IsDir() {
			continue // as Fabric: a dangling link or a folder is skipped
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if b, _ := pem.Decode(raw); b != nil {
			out = append(out, raw)
		}
	}
	return out, nil
}

// mspDirConfig is an MSP folder's config.yaml (Fabric's msp.Configuration).
type mspDirConfig struct {
	OrganizationalUnitIdentifiers []*ouConfig `yaml:"OrganizationalUnitIdentifiers"`
	NodeOUs                       *struct {
		Enable              bool      `yaml:"Enable"`
		ClientOUIdentifier  *ouConfig `yaml:"ClientOUIdentifier"`
		PeerOUIdentifier    *ouConfig `yaml:"PeerOUIdentifier"`
		AdminOUIdentifier   *ouConfig `yaml:"AdminOUIdentifier"`
		OrdererOUIdentifier *ouConfig `yaml:"OrdererOUIdentifier"`
	} `yaml:"NodeOUs"`
}

type ouConfig struct {
	Certificate                  string `yaml:"Certificate"`
	OrganizationalUnitIdentifier string `yaml:"OrganizationalUnitIdentifier"`
}

// readMSPDirConfig sets fc's OU identifiers and NodeOUs from dir/config.yaml, if any.
func readMSPDirConfig(dir string, fc *msp.FabricMSPConfig) error {
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var conf mspDirConfig
	if err := yaml.Unmarshal(raw, &conf); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "config.yaml"), err)
	}
	for _, ou := range conf.OrganizationalUnitIdentifiers {
		cert, err := os.ReadFile(filepath.Join(dir, ou.Certificate))
		if err != nil {
			return fmt.Errorf("OU %s: %w", ou.OrganizationalUnitIdentifier, err)
		}
		fc.OrganizationalUnitIdentifiers = append(fc.OrganizationalUnitIdentifiers,
			&msp.FabricOUIdentifier{Certificate: cert, OrganizationalUnitIdentifier: ou.OrganizationalUnitIdentifier})
	}
	if conf.NodeOUs == nil || !conf.NodeOUs.Enable {
		return nil
	}
	n := conf.NodeOUs
	fc.FabricNodeOus = &msp.FabricNodeOUs{Enable: true}
	for _, f := range []struct {
		dst **msp.FabricOUIdentifier
		src *ouConfig
	}{{&fc.FabricNodeOus.ClientOuIdentifier, n.ClientOUIdentifier}, {&fc.FabricNodeOus.PeerOuIdentifier, n.PeerOUIdentifier},
		{&fc.FabricNodeOus.AdminOuIdentifier, n.AdminOUIdentifier}, {&fc.FabricNodeOus.OrdererOuIdentifier, n.OrdererOUIdentifier}} {
		if f.src == nil || f.src.OrganizationalUnitIdentifier == "" {
			continue // as Fabric: an identifier without an OU name is left out
		}
		id := &msp.FabricOUIdentifier{OrganizationalUnitIdentifier: f.src.OrganizationalUnitIdentifier}
		if f.src.Certificate != "" {
			if id.Certificate, err = os.ReadFile(filepath.Join(dir, f.src.Certificate)); err != nil {
				return fmt.Errorf("NodeOUs %s: %w", f.src.OrganizationalUnitIdentifier, err)
			}
		}
		*f.dst = id
	}
	return nil
}
