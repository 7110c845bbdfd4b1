package network

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"
)

// Helpers shared by the tests of the CRL update (configupdate_test.go) and of adding and
// removing an org (configupdate_org_test.go).

// ---- Fabric's configtx, restated for the tests ----------------------------------------

// fabElem is one element of a config as common/configtx's mapConfig keys it.
type fabElem struct {
	path      []string // the path of the group holding it ("Channel", ...), the key excluded
	key       string
	version   uint64
	modPolicy string
	group     *common.ConfigGroup // the element: one of group, value and policy
	value     *common.ConfigValue
	policy    *common.ConfigPolicy
}

// fabricMap is mapConfig: every element of the channel group g under its fully
// qualified path ("[Group]  /Channel/Application", "[Value]  ...", "[Policy] ...").
func fabricMap(g *common.ConfigGroup) map[string]fabElem {
	out := map[string]fabElem{}
	var rec func(path []string, key string, g *common.ConfigGroup)
	rec = func(path []string, key string, g *common.ConfigGroup) {
		full := append(slices.Clone(path), key)
		at := "/" + strings.Join(full, "/")
		out["[Group]  "+at] = fabElem{path: path, key: key, version: g.GetVersion(), modPolicy: g.GetModPolicy(), group: g}
		for k, sub := range g.GetGroups() {
			rec(full, k, sub)
		}
		for k, v := range g.GetValues() {
			out["[Value]  "+at+"/"+k] = fabElem{path: full, key: k, version: v.GetVersion(), modPolicy: v.GetModPolicy(), value: v}
		}
		for k, p := range g.GetPolicies() {
			out["[Policy] "+at+"/"+k] = fabElem{path: full, key: k, version: p.GetVersion(), modPolicy: p.GetModPolicy(), policy: p}
		}
	}
	if g != nil {
		rec(nil, "Channel", g)
	}
	return out
}

// fabricDelta applies the structural checks of common/configtx/update.go (authorizeUpdate
// without the policy evaluation, Fabric v2.5) and returns the delta set: every read-set
// element exists at the version read, the delta set (write-set elements whose version
// differs from the read set's) is not empty, and each delta element has a mod_policy and
// is at the existing version+1 (a new one: 0).
func fabricDelta(cfg *common.Config, u *common.ConfigUpdate) (map[string]fabElem, error) {
	cur := fabricMap(cfg.ChannelGroup)
	read := fabricMap(u.ReadSet)
	for k, r := range read {
		e, ok := cur[k]
		if !ok {
			return nil, fmt.Errorf("existing config does not contain element for %s but was in the read set", k)
		}
		if e.version != r.version {
			return nil, fmt.Errorf("proposed update requires that key %s be at version %d, but it is currently at version %d", k, r.version, e.version)
		}
	}
	delta := map[string]fabElem{}
	for k, w := range fabricMap(u.WriteSet) {
		if r, ok := read[k]; ok && r.version == w.version {
			continue
		}
		delta[k] = w
	}
	if len(delta) == 0 {
		return nil, errors.New("delta set was empty -- update would have no effect")
	}
	for k, w := range delta {
		if w.modPolicy == "" {
			return nil, fmt.Errorf("invalid mod_policy for element %s", k)
		}
		e, ok := cur[k]
		if !ok {
			if w.version != 0 {
				return nil, fmt.Errorf("attempted to set key %s to version %d, but key does not exist", k, w.version)
			}
			continue
		}
		if w.version != e.version+1 {
			return nil, fmt.Errorf("attempt to set key %s to version %d, but key is at version %d", k, w.version, e.version)
		}
	}
	return delta, nil
}

// fabricResult is computeUpdateResult plus configMapToConfig: the current config with the
// delta set laid over it, rebuilt from the root along each group's member lists,
// sequence+1.
func fabricResult(cfg *common.Config, delta map[string]fabElem) (*common.Config, error) {
	m := fabricMap(cfg.ChannelGroup)
	for k, w := range delta {
		m[k] = w
	}
	root, err := fabricRebuild(m, "/Channel")
	if err != nil {
		return nil, err
	}
	return &common.Config{Sequence: cfg.Sequence + 1, ChannelGroup: root}, nil
}

// applyDelta is fabricResult for a delta set fabricDelta accepted.
func applyDelta(t *testing.T, cfg *common.Config, delta map[string]fabElem) *common.Config {
	t.Helper()
	out, err := fabricResult(cfg, delta)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// signerSet is who signed a config update: MSP id → the roles of its signers.
type signerSet map[string]map[msp.MSPRole_MSPRoleType]bool

// fabricApply is ValidatorImpl.ProposeConfigUpdate's authorizeUpdate plus
// computeUpdateResult and configMapToConfig (common/configtx, Fabric v2.5): the checks of
// fabricDelta and, when signed is not nil, the mod_policy of each existing delta element
// must be satisfied (fabricPolicy); the result is fabricResult's.
func fabricApply(cfg *common.Config, u *common.ConfigUpdate, signed signerSet) (*common.Config, error) {
	delta, err := fabricDelta(cfg, u)
	if err != nil {
		return nil, err
	}
	if signed != nil {
		cur := fabricMap(cfg.ChannelGroup)
		for k := range delta {
			e, ok := cur[k]
			if !ok {
				continue
			}
			if err := fabricPolicy(cfg, modPolicyPath(e), signed); err != nil {
				return nil, fmt.Errorf("policy for %s not satisfied: %w", k, err)
			}
		}
	}
	return fabricResult(cfg, delta)
}

// fabricRebuild is recurseConfigMap: the group at path with the members its own (possibly
// written) group lists, each taken from the map.
func fabricRebuild(m map[string]fabElem, path string) (*common.ConfigGroup, error) {
	e, ok := m["[Group]  "+path]
	if !ok || e.group == nil {
		return nil, fmt.Errorf("missing group at path: %s", path)
	}
	out := &common.ConfigGroup{Version: e.group.Version, ModPolicy: e.group.ModPolicy,
		Groups: map[string]*common.ConfigGroup{}, Values: map[string]*common.ConfigValue{}, Policies: map[string]*common.ConfigPolicy{}}
	for k := range e.group.Groups {
		g, err := fabricRebuild(m, path+"/"+k)
		if err != nil {
			return nil, err
		}
		out.Groups[k] = g
	}
	for k := range e.group.Values {
		v, ok := m["[Value]  "+path+"/"+k]
		if !ok || v.value == nil {
			return nil, fmt.Errorf("missing value at path: %s/%s", path, k)
		}
		out.Values[k] = proto.Clone(v.value).(*common.ConfigValue)
	}
	for k := range e.group.Policies {
		p, ok := m["[Policy] "+path+"/"+k]
		if !ok || p.policy == nil {
			return nil, fmt.Errorf("missing policy at path: %s/%s", path, k)
		}
		out.Policies[k] = proto.Clone(p.policy).(*common.ConfigPolicy)
	}
	return out, nil
}

// modPolicyPath is policyForItem: the absolute path of an element's mod_policy (a
// relative one is relative to the group holding the element, for a group to itself).
func modPolicyPath(e fabElem) []string {
	mp := e.modPolicy
	if strings.HasPrefix(mp, "/") {
		return strings.Split(strings.TrimPrefix(mp, "/"), "/")
	}
	path := slices.Clone(e.path)
	if e.group != nil {
		path = append(path, e.key)
	}
	return append(path, mp)
}

// fabricPolicy evaluates the policy at path (["Channel", ..., name]) of cfg for signed,
// as common/policies does for IMPLICIT_META and SIGNATURE (n-out-of over ROLE
// principals; MEMBER is any role) policies.
func fabricPolicy(cfg *common.Config, path []string, signed signerSet) error {
	g := cfg.ChannelGroup
	for _, k := range path[1 : len(path)-1] {
		if g = g.Groups[k]; g == nil {
			return fmt.Errorf("no group %s", strings.Join(path, "/"))
		}
	}
	name := path[len(path)-1]
	cp := g.Policies[name]
	if cp == nil {
		return fmt.Errorf("no policy %s", strings.Join(path, "/"))
	}
	switch common.Policy_PolicyType(cp.Policy.Type) {
	case common.Policy_IMPLICIT_META:
		var imp common.ImplicitMetaPolicy
		if err := proto.Unmarshal(cp.Policy.Value, &imp); err != nil {
			return err
		}
		met := 0
		for k := range g.Groups {
			if fabricPolicy(cfg, append(slices.Clone(path[:len(path)-1]), k, imp.SubPolicy), signed) == nil {
				met++
			}
		}
		need := map[common.ImplicitMetaPolicy_Rule]int{common.ImplicitMetaPolicy_ANY: 1,
			common.ImplicitMetaPolicy_ALL: len(g.Groups), common.ImplicitMetaPolicy_MAJORITY: len(g.Groups)/2 + 1}[imp.Rule]
		if len(g.Groups) == 0 {
			need = 0
		}
		if met < need {
			return fmt.Errorf("%s: %d of %d sub-policies satisfied, %d needed", strings.Join(path, "/"), met, len(g.Groups), need)
		}
		return nil
	case common.Policy_SIGNATURE:
		var env common.SignaturePolicyEnvelope
		if err := proto.Unmarshal(cp.Policy.Value, &env); err != nil {
			return err
		}
		if !signatureRule(env.Rule, env.Identities, signed) {
			return fmt.Errorf("%s: signature policy not satisfied", strings.Join(path, "/"))
		}
		return nil
	}
	return fmt.Errorf("policy type %d", cp.Policy.Type)
}

func signatureRule(r *common.SignaturePolicy, ids []*msp.MSPPrincipal, signed signerSet) bool {
	if i, ok := r.Type.(*common.SignaturePolicy_SignedBy); ok {
		var role msp.MSPRole
		if ids[i.SignedBy].PrincipalClassification != msp.MSPPrincipal_ROLE || proto.Unmarshal(ids[i.SignedBy].Principal, &role) != nil {
			return false
		}
		roles := signed[role.MspIdentifier]
		return roles[role.Role] || (role.Role == msp.MSPRole_MEMBER && len(roles) > 0)
	}
	n := r.GetNOutOf()
	met := 0
	for _, sub := range n.GetRules() {
		if signatureRule(sub, ids, signed) {
			met++
		}
	}
	return met >= int(n.GetN())
}

// signersOf is the signer set of a ConfigUpdateEnvelope after checking every signature
// (over signature_header || config_update): the role of a signer is its certificate's
// node OU (cryptogen's admin, client, peer); a signer without one is in the set with no
// role.
func signersOf(cue *common.ConfigUpdateEnvelope) (signerSet, error) {
	out := signerSet{}
	for _, cs := range cue.Signatures {
		var h common.SignatureHeader
		var id msp.SerializedIdentity
		if err := proto.Unmarshal(cs.SignatureHeader, &h); err != nil {
			return nil, err
		}
		if err := proto.Unmarshal(h.Creator, &id); err != nil {
			return nil, err
		}
		if err := verifySig(h.Creator, append(slices.Clone(cs.SignatureHeader), cue.ConfigUpdate...), cs.Signature); err != nil {
			return nil, err
		}
		b, _ := pem.Decode(id.IdBytes)
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		if out[id.Mspid] == nil {
			out[id.Mspid] = map[msp.MSPRole_MSPRoleType]bool{}
		}
		for _, ou := range cert.Subject.OrganizationalUnit {
			if r, ok := map[string]msp.MSPRole_MSPRoleType{"admin": msp.MSPRole_ADMIN, "client": msp.MSPRole_CLIENT, "peer": msp.MSPRole_PEER}[ou]; ok {
				out[id.Mspid][r] = true
			}
		}
	}
	return out, nil
}

// ---- in-process orderers -------------------------------------------------------------

// updateRule decides a config update sent to a fake orderer, given the config in force:
// the config it leads to or, refused, the status to answer and why.
type updateRule func(cfg *common.Config, cue *common.ConfigUpdateEnvelope, u *common.ConfigUpdate) (*common.Config, common.Status, error)

// broadcastUpdate is the Broadcast of the fake orderers: it takes one envelope (answering
// SERVICE_UNAVAILABLE when f has no Raft leader, else handing it to received when that is
// not nil), checks that it is a signed CONFIG_UPDATE of channel pdl, lets rule decide it
// and, accepted, sets the new config and cuts, later, a transaction block and the config
// block.
func (f *fakeOrderer) broadcastUpdate(stream grpc.BidiStreamingServer[common.Envelope, orderer.BroadcastResponse],
	received func(*common.Envelope), rule updateRule) error {
	reply := func(s common.Status, info string) error {
		return stream.Send(&orderer.BroadcastResponse{Status: s, Info: info})
	}
	env, err := stream.Recv()
	if err != nil {
		return err
	}
	if f.unavailable {
		return reply(common.Status_SERVICE_UNAVAILABLE, "no Raft leader")
	}
	if received != nil {
		received(env)
	}
	p, _, err := f.open(env, common.HeaderType_CONFIG_UPDATE)
	if err != nil {
		return reply(common.Status_BAD_REQUEST, err.Error())
	}
	var cue common.ConfigUpdateEnvelope
	var u common.ConfigUpdate
	if err := proto.Unmarshal(p.Data, &cue); err != nil {
		return reply(common.Status_BAD_REQUEST, err.Error())
	}
	if err := proto.Unmarshal(cue.ConfigUpdate, &u); err != nil || u.ChannelId != "pdl" {
		return reply(common.Status_BAD_REQUEST, fmt.Sprintf("config update: %v", err))
	}
	f.l.mu.Lock()
	cfg := f.l.cfg
	f.l.mu.Unlock()
	next, status, err := rule(cfg, &cue, &u)
	if err != nil {
		return reply(status, err.Error())
	}
	f.l.mu.Lock()
	f.l.cfg = next
	f.l.mu.Unlock()
	go func() { // cut later, as an orderer does: accepted is not yet in a block
		time.Sleep(50 * time.Millisecond)
		f.l.addTx(f.t)
		f.l.addConfig(f.t, next)
	}()
	return reply(common.Status_SUCCESS, "")
}

// serveOrdererTLS serves srv on a free loopback port with node's TLS pair, requiring
// client certificates from the network's TLS CAs as the orderers do, and returns the port.
func serveOrdererTLS(t *testing.T, c Crypto, node *Node, srv orderer.AtomicBroadcastServer) int {
	t.Helper()
	cert, key := c.NodeTLS(node)
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	for _, ca := range c.AllTLSCAs() {
		raw, err := os.ReadFile(ca)
		if err != nil || !pool.AppendCertsFromPEM(raw) {
			t.Fatalf("TLS CA %s: %v", ca, err)
		}
	}
	lis, err := net.Listen("tcp", node.Host+":0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{pair},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MinVersion: tls.VersionTLS12})))
	orderer.RegisterAtomicBroadcastServer(s, srv)
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	return lis.Addr().(*net.TCPAddr).Port
}

// ---- the real genesis block ----------------------------------------------------------

// fabricTestLayout is the project's layout with a new run folder of the test's own. It
// needs the Fabric binaries, which make test installs first (make install-fabric).
func fabricTestLayout(t *testing.T) Layout {
	t.Helper()
	root, _ := filepath.Abs("..")
	l := DefaultLayout(root)
	for _, bin := range []string{"cryptogen", "configtxgen"} {
		if _, err := os.Stat(l.Bin(bin)); err != nil {
			t.Fatalf("these tests run Fabric's cryptogen and configtxgen: %v (run make install-fabric)", err)
		}
	}
	l.Run = t.TempDir()
	return l
}

// fabricTestTopology is the project's topology with one user in every peer org but the
// indexer's (fewer certificates, faster cryptogen).
func fabricTestTopology(t *testing.T) *Topology {
	t.Helper()
	top, err := LoadTopology("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	idx, _ := top.IndexerIdentity()
	for i := range top.Orgs {
		if top.Orgs[i].Kind == "peer" && top.Orgs[i].Name != idx.Org {
			top.Orgs[i].Users = 1
		}
	}
	return top
}

// threeOrgTopology is fabricTestTopology without the Exchange org: the org tests count
// majorities over three orgs becoming four (and four becoming three), the smallest case
// in which a majority is not everyone.
func threeOrgTopology(t *testing.T) *Topology {
	t.Helper()
	top := fabricTestTopology(t)
	top.Orgs = slices.DeleteFunc(top.Orgs, func(o Org) bool { return o.Name == "Exchange" })
	top.Identities = slices.DeleteFunc(top.Identities, func(i Identity) bool { return i.Org == "Exchange" })
	top.Chaincode.CommercialOrgs = slices.DeleteFunc(top.Chaincode.CommercialOrgs, func(o string) bool { return o == "Exchange" })
	if err := top.validate(); err != nil {
		t.Fatal(err)
	}
	return top
}

// genesisBlock writes the configtx of top (whose crypto material is generated) and
// returns the channel's genesis block made by configtxgen, and its config.
func genesisBlock(t *testing.T, top *Topology, l Layout) (*common.Block, *common.Config) {
	t.Helper()
	if err := WriteConfig(top, l); err != nil {
		t.Fatal(err)
	}
	path, err := GenerateChannelBlock(top, l)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var genesis common.Block
	if err := proto.Unmarshal(raw, &genesis); err != nil {
		t.Fatal(err)
	}
	cfg, ok, err := configOf(&genesis)
	if err != nil || !ok {
		t.Fatalf("genesis config: %v %v", ok, err)
	}
	return &genesis, cfg
}
