package network

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// ---- compute_update on a hand-built config -------------------------------------------

// unversioned is a copy of g without versions, to compare configs by content.
func unversioned(g *common.ConfigGroup) *common.ConfigGroup {
	out := proto.Clone(g).(*common.ConfigGroup)
	var rec func(g *common.ConfigGroup)
	rec = func(g *common.ConfigGroup) {
		g.Version = 0
		for _, v := range g.Values {
			v.Version = 0
		}
		for _, p := range g.Policies {
			p.Version = 0
		}
		for _, sub := range g.Groups {
			rec(sub)
		}
	}
	rec(out)
	return out
}

// roundTrip computes the update from cfg to updated, lets Fabric's rules (without
// policies) apply it to cfg, and checks that the result has updated's content.
func roundTrip(t *testing.T, cfg, updated *common.Config) (*common.ConfigUpdate, *common.Config) {
	t.Helper()
	u, err := computeConfigUpdate("pdl", cfg, updated)
	if err != nil {
		t.Fatal(err)
	}
	next, err := fabricApply(cfg, u, nil)
	if err != nil {
		t.Fatalf("Fabric's rules refuse the update: %v", err)
	}
	if !proto.Equal(unversioned(next.ChannelGroup), unversioned(updated.ChannelGroup)) {
		t.Errorf("the update does not lead to the updated config")
	}
	return u, next
}

func deltaPaths(u *common.ConfigUpdate) string {
	var s []string
	for _, d := range updateDelta(u) {
		s = append(s, fmt.Sprintf("%s@%d", d.path, d.version))
	}
	return strings.Join(s, " ")
}

// TestComputeUpdate_AddGroup: an added org group is written whole at version 0; the
// Application group is written at version+1 with its mod_policy, naming every org it
// keeps (version stubs) in both sets, its own values and policies as stubs too; nothing
// else is in the delta set.
func TestComputeUpdate_AddGroup(t *testing.T) {
	orgs := threeOrgs(t)
	cfg := handConfig(t, orgs)
	updated := proto.Clone(cfg).(*common.Config)
	grp := proto.Clone(cfg.ChannelGroup.Groups["Application"].Groups["OperatorMSP"]).(*common.ConfigGroup)
	grp.Version = 5 // versions of the copy must not leak into the update
	updated.ChannelGroup.Groups["Application"].Groups["NewMSP"] = grp

	u, _ := roundTrip(t, cfg, updated)
	for name, set := range map[string]*common.ConfigGroup{"read": u.ReadSet, "write": u.WriteSet} {
		if set.Version != 3 || sortedKeys(set.Groups) != "Application" || len(set.Values)+len(set.Policies) != 0 {
			t.Errorf("%s set channel group: %v", name, set)
		}
	}
	ra, wa := u.ReadSet.Groups["Application"], u.WriteSet.Groups["Application"]
	if ra.Version != 2 || ra.ModPolicy != "" || sortedKeys(ra.Groups) != "BureauMSP OperatorMSP SourceUnit" {
		t.Errorf("read set Application: version %d mod_policy %q groups %s", ra.Version, ra.ModPolicy, sortedKeys(ra.Groups))
	}
	if wa.Version != 3 || wa.ModPolicy != "Admins" || sortedKeys(wa.Groups) != "BureauMSP NewMSP OperatorMSP SourceUnit" {
		t.Errorf("write set Application: version %d mod_policy %q groups %s", wa.Version, wa.ModPolicy, sortedKeys(wa.Groups))
	}
	for _, set := range []*common.ConfigGroup{ra, wa} {
		if sortedKeys(set.Values) != "Capabilities" || sortedKeys(set.Policies) != "Admins Readers" {
			t.Errorf("Application members kept: values %s policies %s", sortedKeys(set.Values), sortedKeys(set.Policies))
		}
		for k, g := range set.Groups {
			if k != "NewMSP" && !proto.Equal(g, &common.ConfigGroup{Version: 1}) {
				t.Errorf("kept org %s is not a version stub: %v", k, g)
			}
		}
	}
	added := wa.Groups["NewMSP"]
	if added.Version != 0 || added.ModPolicy != "Admins" || added.Values["MSP"].Version != 0 ||
		!bytes.Equal(added.Values["MSP"].Value, grp.Values["MSP"].Value) {
		t.Errorf("added group: %v", added)
	}
	want := "[Group] /Channel/Application@3 [Group] /Channel/Application/NewMSP@0 " +
		"[Policy] /Channel/Application/NewMSP/Admins@0 [Policy] /Channel/Application/NewMSP/Readers@0 " +
		"[Value] /Channel/Application/NewMSP/AnchorPeers@0 [Value] /Channel/Application/NewMSP/MSP@0"
	if got := deltaPaths(u); got != want {
		t.Errorf("delta\n got %s\nwant %s", got, want)
	}
}

// TestComputeUpdate_RemoveGroup: the parent is written at version+1 without the removed
// org, which Fabric then drops; the delta set is the parent alone.
func TestComputeUpdate_RemoveGroup(t *testing.T) {
	orgs := threeOrgs(t)
	cfg := handConfig(t, orgs)
	updated := proto.Clone(cfg).(*common.Config)
	delete(updated.ChannelGroup.Groups["Application"].Groups, "SourceUnit")

	u, next := roundTrip(t, cfg, updated)
	if got := deltaPaths(u); got != "[Group] /Channel/Application@3" {
		t.Errorf("delta %s", got)
	}
	if got := sortedKeys(u.WriteSet.Groups["Application"].Groups); got != "BureauMSP OperatorMSP" {
		t.Errorf("write set Application groups %s", got)
	}
	if got := sortedKeys(u.ReadSet.Groups["Application"].Groups); got != "BureauMSP OperatorMSP" {
		t.Errorf("read set Application groups %s", got)
	}
	app := next.ChannelGroup.Groups["Application"]
	if app.Version != 3 || sortedKeys(app.Groups) != "BureauMSP OperatorMSP" {
		t.Errorf("after Fabric applied it: version %d groups %s", app.Version, sortedKeys(app.Groups))
	}
	for _, k := range []string{"BureauMSP", "OperatorMSP"} {
		if !proto.Equal(app.Groups[k], cfg.ChannelGroup.Groups["Application"].Groups[k]) {
			t.Errorf("org %s changed", k)
		}
	}
}

// TestComputeUpdate_Modifications: a changed policy, a changed mod_policy (the group is
// written at version+1) and a removed value each round-trip through Fabric's rules with
// exactly the expected delta; no change and a written element without mod_policy are
// refused.
func TestComputeUpdate_Modifications(t *testing.T) {
	orgs := threeOrgs(t)
	cfg := handConfig(t, orgs)
	for name, tc := range map[string]struct {
		edit  func(app *common.ConfigGroup)
		delta string
	}{
		"policy": {func(app *common.ConfigGroup) {
			app.Groups["BureauMSP"].Policies["Readers"].Policy.Value = []byte("x")
		}, "[Policy] /Channel/Application/BureauMSP/Readers@1"},
		"mod_policy": {func(app *common.ConfigGroup) {
			app.Groups["OperatorMSP"].ModPolicy = "Readers"
		}, "[Group] /Channel/Application/OperatorMSP@2"},
		"removed value": {func(app *common.ConfigGroup) {
			delete(app.Groups["OperatorMSP"].Values, "AnchorPeers")
		}, "[Group] /Channel/Application/OperatorMSP@2"},
		"value and group": {func(app *common.ConfigGroup) {
			app.Values["Capabilities"].Value = []byte("V3")
			delete(app.Groups, "BureauMSP")
		}, "[Group] /Channel/Application@3 [Value] /Channel/Application/Capabilities@1"},
	} {
		updated := proto.Clone(cfg).(*common.Config)
		tc.edit(updated.ChannelGroup.Groups["Application"])
		u, _ := roundTrip(t, cfg, updated)
		if got := deltaPaths(u); got != tc.delta {
			t.Errorf("%s: delta %s, want %s", name, got, tc.delta)
		}
	}
	if _, err := computeConfigUpdate("pdl", cfg, proto.Clone(cfg).(*common.Config)); !errors.Is(err, errNoConfigChange) {
		t.Errorf("no change: %v", err)
	}
	updated := proto.Clone(cfg).(*common.Config)
	updated.ChannelGroup.Groups["Application"].Groups["BureauMSP"].Values["MSP"].ModPolicy = ""
	if _, err := computeConfigUpdate("pdl", cfg, updated); err == nil || !strings.Contains(err.Error(), "without mod_policy") {
		t.Errorf("a value without mod_policy: %v", err)
	}
}

// TestChannelSigningOrgs: floor(k/2)+1 of the k orgs of the config in force, the
// excluded org never among them, the submitter always; too few eligible orgs is an error.
func TestChannelSigningOrgs(t *testing.T) {
	top := &Topology{}
	for _, n := range []string{"A", "B", "C", "D"} {
		top.Orgs = append(top.Orgs, Org{Name: n, MSPID: n + "MSP", Kind: "peer"})
	}
	cfgOf := func(mspIDs ...string) *common.Config {
		var orgs []testOrg
		for _, m := range mspIDs {
			orgs = append(orgs, testOrg{key: m, mspID: m, ca: newTestCA(t, m)})
		}
		return handConfig(t, orgs)
	}
	for _, tc := range []struct {
		members []string
		exclude string
		first   string
		want    string
	}{
		{[]string{"AMSP", "BMSP", "CMSP"}, "DMSP", "A", "A B"},               // adding D to 3: 2
		{[]string{"AMSP", "BMSP", "CMSP"}, "DMSP", "C", "A C"},               // the submitter signs
		{[]string{"AMSP", "BMSP", "CMSP", "DMSP"}, "DMSP", "A", "A B C"},     // removing D of 4: 3
		{[]string{"AMSP", "BMSP", "CMSP", "DMSP"}, "AMSP", "B", "B C D"},     // removing A of 4
		{[]string{"AMSP", "BMSP", "CMSP"}, "CMSP", "A", "A B"},               // removing C of 3: 2
		{[]string{"AMSP", "BMSP", "CMSP", "XMSP"}, "DMSP", "A", "A B C"},     // X counts, cannot sign
		{[]string{"AMSP", "BMSP", "CMSP", "XMSP", "YMSP"}, "", "A", "A B C"}, // 3 of 5
	} {
		got, err := channelSigningOrgs(top, cfgOf(tc.members...), tc.exclude, top.Org(tc.first))
		if err != nil || orgNames(got) != tc.want {
			t.Errorf("%v without %s: %s %v, want %s", tc.members, tc.exclude, orgNames(got), err, tc.want)
		}
	}
	if _, err := channelSigningOrgs(top, cfgOf("AMSP", "BMSP"), "BMSP", top.Org("A")); err == nil ||
		!strings.Contains(err.Error(), "2 of the channel's 2 orgs must sign") {
		t.Errorf("removing one of two orgs: %v", err)
	}
	if _, err := channelSigningOrgs(top, cfgOf("AMSP", "XMSP", "YMSP"), "", top.Org("A")); err == nil {
		t.Error("one known org of three was enough")
	}
}

// ---- the real genesis block ----------------------------------------------------------

// orgTestEnv is a channel's genesis config generated by cryptogen and configtxgen for the
// project's topology (three peer orgs), and the crypto material of that topology plus a
// fourth peer org, Operator2, that is not in the channel.
type orgTestEnv struct {
	before, after *Topology // without and with Operator2
	l             Layout
	c             Crypto // of after
	genesis       *common.Config
	newOrg        *Org // Operator2, in after
}

// newOrgTestEnv builds the environment in a temporary directory; it skips the test
// without the Fabric binaries or with -short.
func newOrgTestEnv(t *testing.T) *orgTestEnv {
	t.Helper()
	l := fabricTestLayout(t)
	e := &orgTestEnv{before: threeOrgTopology(t), after: threeOrgTopology(t), l: l}
	e.after.Orgs = append(e.after.Orgs, Org{Name: "Operator2", MSPID: "Operator2MSP", Kind: "peer", Users: 1,
		Nodes: []Node{{Name: "peer0", Port: 10051, ChaincodePort: 10052, OpsPort: 9452, CCaaSPort: 10059}}})
	if err := e.after.validate(); err != nil { // also points the nodes at their (moved) orgs
		t.Fatal(err)
	}
	e.newOrg = e.after.Org("Operator2")
	e.c = NewCrypto(e.after, l)
	if err := GenerateCrypto(e.after, l); err != nil {
		t.Fatal(err)
	}
	_, e.genesis = genesisBlock(t, e.before, l)
	return e
}

// addUpdate is the update AddOrgToChannel computes for org against cfg.
func (e *orgTestEnv) addUpdate(t *testing.T, cfg *common.Config, org *Org) (*common.ConfigUpdate, *common.ConfigGroup) {
	t.Helper()
	mspValue, err := verifyingMSPValue(e.c.OrgMSP(org), org.MSPID)
	if err != nil {
		t.Fatal(err)
	}
	anchors, err := anchorPeersValue(org)
	if err != nil {
		t.Fatal(err)
	}
	updated, err := withOrg(cfg, org.MSPID, mspValue, anchors)
	if err != nil {
		t.Fatal(err)
	}
	u, err := computeConfigUpdate(e.after.Channel, cfg, updated)
	if err != nil {
		t.Fatal(err)
	}
	return u, updated.ChannelGroup.Groups["Application"].Groups[org.MSPID]
}

// removeUpdate is the update RemoveOrgFromChannel computes for name against cfg.
func (e *orgTestEnv) removeUpdate(t *testing.T, cfg *common.Config, name, mspID string) *common.ConfigUpdate {
	t.Helper()
	_, updated, err := withoutOrg(cfg, name, mspID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := computeConfigUpdate(e.after.Channel, cfg, updated)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signed is the signer set of update signed by the admins of orgs (the signatures made
// and checked as the orderer would).
func (e *orgTestEnv) signed(t *testing.T, u *common.ConfigUpdate, orgs ...string) signerSet {
	t.Helper()
	var list []*Org
	for _, o := range orgs {
		list = append(list, e.after.Org(o))
	}
	signers, err := loadAdminSigners(e.c, list)
	if err != nil {
		t.Fatal(err)
	}
	env, err := configUpdateEnvelope(u, e.after.Channel, signers, signers[0])
	if err != nil {
		t.Fatal(err)
	}
	var p common.Payload
	var cue common.ConfigUpdateEnvelope
	if err := proto.Unmarshal(env.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(p.Data, &cue); err != nil {
		t.Fatal(err)
	}
	s, err := signersOf(&cue)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOrgMSP_AsConfigtxgen: the MSP value built from each founding org's MSP folder is
// byte for byte the one configtxgen put in the genesis block, and so are the anchor
// peers; the group made for SourceUnit from Operator's group as template is exactly
// SourceUnit's genesis group (policies with the MSP id replaced included). The bureau's
// group cannot be a template: its Readers policy names the indexer's certificate.
func TestOrgMSP_AsConfigtxgen(t *testing.T) {
	e := newOrgTestEnv(t)
	app := e.genesis.ChannelGroup.Groups["Application"]
	for _, o := range e.before.PeerOrgs() {
		grp := app.Groups[o.MSPID]
		if grp == nil {
			t.Fatalf("genesis has no group %s: %s", o.MSPID, sortedKeys(app.Groups))
		}
		v, err := verifyingMSPValue(e.c.OrgMSP(o), o.MSPID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(v, grp.Values["MSP"].Value) {
			_, want, _ := decodeMSP(grp.Values["MSP"])
			_, got, _ := decodeMSP(&common.ConfigValue{Value: v})
			t.Errorf("%s MSP differs from configtxgen's:\n got %v\nwant %v", o.MSPID, got, want)
		}
		a, err := anchorPeersValue(o)
		if err != nil || !bytes.Equal(a, grp.Values["AnchorPeers"].Value) {
			t.Errorf("%s anchor peers differ from configtxgen's (%v)", o.MSPID, err)
		}
	}
	su := e.before.Org("SourceUnit")
	mspValue, _ := verifyingMSPValue(e.c.OrgMSP(su), su.MSPID)
	anchors, _ := anchorPeersValue(su)
	made, err := newOrgGroup(app.Groups["OperatorMSP"], "OperatorMSP", su.MSPID, mspValue, anchors)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(made, app.Groups[su.MSPID]) {
		t.Errorf("SourceUnit's group made from Operator's differs from configtxgen's:\n got %v\nwant %v", made, app.Groups[su.MSPID])
	}
	if _, err := newOrgGroup(app.Groups["BureauMSP"], "BureauMSP", su.MSPID, mspValue, anchors); err == nil ||
		!strings.Contains(err.Error(), "IDENTITY principal") {
		t.Errorf("the bureau's group as template: %v", err)
	}
}

// TestAddOrg_GenesisBlock: adding Operator2 to the real genesis config writes
// /Channel/Application at version 1 (mod_policy Admins) naming the three orgs as
// version-0 stubs, and Operator2's group at version 0, shaped as the founding orgs'
// groups (same policy names, rules, values and mod_policies) with Operator2's MSP id,
// certificates and anchor peer; the orderer group is untouched. Fabric's rules accept it
// signed by two of the three admins, refuse it signed by one or by Operator2's admin, and
// the result has the four orgs, the three old ones unchanged.
func TestAddOrg_GenesisBlock(t *testing.T) {
	e := newOrgTestEnv(t)
	u, grp := e.addUpdate(t, e.genesis, e.newOrg)
	if got := sortedKeys(u.WriteSet.Groups); got != "Application" {
		t.Errorf("write set channel groups %s (the orderer group must stay out)", got)
	}
	wa, ra := u.WriteSet.Groups["Application"], u.ReadSet.Groups["Application"]
	if wa.Version != 1 || wa.ModPolicy != "Admins" || ra.Version != 0 {
		t.Errorf("Application: read version %d, write version %d mod_policy %q", ra.Version, wa.Version, wa.ModPolicy)
	}
	if got := sortedKeys(ra.Groups); got != "BureauMSP OperatorMSP SourceUnitMSP" {
		t.Errorf("read set orgs %s", got)
	}
	if got := sortedKeys(wa.Groups); got != "BureauMSP Operator2MSP OperatorMSP SourceUnitMSP" {
		t.Errorf("write set orgs %s", got)
	}
	want := "[Group] /Channel/Application@1 [Group] /Channel/Application/Operator2MSP@0 " +
		"[Policy] /Channel/Application/Operator2MSP/Admins@0 [Policy] /Channel/Application/Operator2MSP/Endorsement@0 " +
		"[Policy] /Channel/Application/Operator2MSP/Readers@0 [Policy] /Channel/Application/Operator2MSP/Writers@0 " +
		"[Value] /Channel/Application/Operator2MSP/AnchorPeers@0 [Value] /Channel/Application/Operator2MSP/MSP@0"
	if got := deltaPaths(u); got != want {
		t.Errorf("delta\n got %s\nwant %s", got, want)
	}
	checkOrgGroupShape(t, e, e.genesis.ChannelGroup.Groups["Application"].Groups["OperatorMSP"], wa.Groups["Operator2MSP"])
	if !proto.Equal(grp, wa.Groups["Operator2MSP"]) {
		t.Error("the written group is not the group of the updated config")
	}

	for _, who := range [][]string{{"Bureau"}, {"Operator2"}, {"SourceUnit", "Operator2"}} {
		if _, err := fabricApply(e.genesis, u, e.signed(t, u, who...)); err == nil ||
			!strings.Contains(err.Error(), "policy for [Group]  /Channel/Application not satisfied") {
			t.Errorf("signed by %v: %v, want the Application's Admins unsatisfied", who, err)
		}
	}
	next, err := fabricApply(e.genesis, u, e.signed(t, u, "Bureau", "Operator"))
	if err != nil {
		t.Fatalf("signed by two of three: %v", err)
	}
	app := next.ChannelGroup.Groups["Application"]
	if got := sortedKeys(app.Groups); got != "BureauMSP Operator2MSP OperatorMSP SourceUnitMSP" || app.Version != 1 {
		t.Errorf("after: Application version %d orgs %s", app.Version, got)
	}
	for k, g := range e.genesis.ChannelGroup.Groups["Application"].Groups {
		if !proto.Equal(g, app.Groups[k]) {
			t.Errorf("org %s changed", k)
		}
	}
	if !proto.Equal(next.ChannelGroup.Groups["Orderer"], e.genesis.ChannelGroup.Groups["Orderer"]) {
		t.Error("the orderer group changed")
	}
	// the new org's own admin now satisfies its group's Admins, and its peer its Endorsement
	adm := signerSet{"Operator2MSP": {msp.MSPRole_ADMIN: true}}
	if err := fabricPolicy(next, []string{"Channel", "Application", "Operator2MSP", "Admins"}, adm); err != nil {
		t.Error(err)
	}
	if err := fabricPolicy(next, []string{"Channel", "Application", "Operator2MSP", "Endorsement"}, adm); err == nil {
		t.Error("an admin satisfies the new org's Endorsement (peers only)")
	}
}

// checkOrgGroupShape: got has tpl's policy names, rules, value keys and mod_policies,
// every version 0, principals naming Operator2MSP only, and Operator2's MSP (its name,
// its CA and TLS CA certificates, NodeOUs with its CA) and anchor peer.
func checkOrgGroupShape(t *testing.T, e *orgTestEnv, tpl, got *common.ConfigGroup) {
	t.Helper()
	if got.Version != 0 || got.ModPolicy != tpl.ModPolicy || len(got.Groups) != 0 {
		t.Errorf("group: version %d mod_policy %q groups %d", got.Version, got.ModPolicy, len(got.Groups))
	}
	if sortedKeys(got.Values) != sortedKeys(tpl.Values) || sortedKeys(got.Policies) != sortedKeys(tpl.Policies) {
		t.Errorf("values %s policies %s, want %s and %s", sortedKeys(got.Values), sortedKeys(got.Policies), sortedKeys(tpl.Values), sortedKeys(tpl.Policies))
	}
	for k, v := range got.Values {
		if v.Version != 0 || v.ModPolicy != tpl.Values[k].ModPolicy {
			t.Errorf("value %s: version %d mod_policy %q", k, v.Version, v.ModPolicy)
		}
	}
	for k, p := range got.Policies {
		tp := tpl.Policies[k]
		if p.Version != 0 || p.ModPolicy != tp.ModPolicy || p.Policy.Type != tp.Policy.Type {
			t.Errorf("policy %s: version %d mod_policy %q type %d", k, p.Version, p.ModPolicy, p.Policy.Type)
		}
		var ge, te common.SignaturePolicyEnvelope
		_ = proto.Unmarshal(p.Policy.Value, &ge)
		_ = proto.Unmarshal(tp.Policy.Value, &te)
		if !proto.Equal(ge.Rule, te.Rule) || len(ge.Identities) != len(te.Identities) {
			t.Errorf("policy %s: rule %v, want %v", k, ge.Rule, te.Rule)
		}
		for i, id := range ge.Identities {
			var r, tr msp.MSPRole
			_ = proto.Unmarshal(id.Principal, &r)
			_ = proto.Unmarshal(te.Identities[i].Principal, &tr)
			if id.PrincipalClassification != msp.MSPPrincipal_ROLE || r.MspIdentifier != "Operator2MSP" || r.Role != tr.Role {
				t.Errorf("policy %s principal %d: %v %v", k, i, id.PrincipalClassification, &r)
			}
		}
	}
	_, fc, err := decodeMSP(got.Values["MSP"])
	if err != nil {
		t.Fatal(err)
	}
	_, tfc, _ := decodeMSP(tpl.Values["MSP"])
	dir := e.c.OrgMSP(e.newOrg)
	ca, _ := os.ReadFile(filepath.Join(dir, "cacerts", "ca.operator2.pdl.example-cert.pem"))
	tlsca, _ := os.ReadFile(e.c.TLSCA(e.newOrg))
	if fc.Name != "Operator2MSP" || len(fc.RootCerts) != 1 || !bytes.Equal(fc.RootCerts[0], ca) ||
		len(fc.TlsRootCerts) != 1 || !bytes.Equal(fc.TlsRootCerts[0], tlsca) {
		t.Errorf("MSP: name %s, %d roots, %d TLS roots (not Operator2's)", fc.Name, len(fc.RootCerts), len(fc.TlsRootCerts))
	}
	ous := fc.FabricNodeOus
	for role, id := range map[string]*msp.FabricOUIdentifier{"client": ous.GetClientOuIdentifier(), "peer": ous.GetPeerOuIdentifier(),
		"admin": ous.GetAdminOuIdentifier(), "orderer": ous.GetOrdererOuIdentifier()} {
		if !ous.GetEnable() || id.GetOrganizationalUnitIdentifier() != role || !bytes.Equal(id.GetCertificate(), ca) {
			t.Errorf("NodeOU %s: %v", role, id)
		}
	}
	if !proto.Equal(fc.CryptoConfig, tfc.CryptoConfig) || len(fc.Admins)+len(fc.IntermediateCerts)+len(fc.RevocationList) != 0 {
		t.Errorf("MSP crypto config %v, admins %d intermediates %d CRLs %d", fc.CryptoConfig, len(fc.Admins), len(fc.IntermediateCerts), len(fc.RevocationList))
	}
	var ap peer.AnchorPeers
	if err := proto.Unmarshal(got.Values["AnchorPeers"].Value, &ap); err != nil || len(ap.AnchorPeers) != 1 ||
		ap.AnchorPeers[0].Host != "127.0.0.1" || ap.AnchorPeers[0].Port != 10051 {
		t.Errorf("anchor peers %v %v", ap.AnchorPeers, err)
	}
}

// TestRemoveOrg_GenesisBlock: removing Operator2 from the four-org config writes
// /Channel/Application at version 2 without it and nothing else; Fabric's rules need three
// of the four orgs (two of the three remaining are refused), and the result is the
// genesis config's orgs again. Removing SourceUnit from the three-org genesis needs two.
func TestRemoveOrg_GenesisBlock(t *testing.T) {
	e := newOrgTestEnv(t)
	add, _ := e.addUpdate(t, e.genesis, e.newOrg)
	four, err := fabricApply(e.genesis, add, nil)
	if err != nil {
		t.Fatal(err)
	}
	u := e.removeUpdate(t, four, "Operator2", "Operator2MSP")
	if got := deltaPaths(u); got != "[Group] /Channel/Application@2" {
		t.Errorf("delta %s", got)
	}
	if got := sortedKeys(u.WriteSet.Groups["Application"].Groups); got != "BureauMSP OperatorMSP SourceUnitMSP" {
		t.Errorf("write set orgs %s", got)
	}
	if u.WriteSet.Groups["Application"].ModPolicy != "Admins" {
		t.Errorf("write set Application mod_policy %q", u.WriteSet.Groups["Application"].ModPolicy)
	}
	if _, err := fabricApply(four, u, e.signed(t, u, "Bureau", "Operator")); err == nil || !strings.Contains(err.Error(), "2 of 4 sub-policies") {
		t.Errorf("two of the three remaining orgs: %v, want refused (MAJORITY of 4 is 3)", err)
	}
	next, err := fabricApply(four, u, e.signed(t, u, "Bureau", "Operator", "SourceUnit"))
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(unversioned(next.ChannelGroup), unversioned(e.genesis.ChannelGroup)) {
		t.Error("adding and removing Operator2 does not give the genesis config back")
	}
	if _, _, err := withoutOrg(next, "Operator2", "Operator2MSP"); !errors.Is(err, ErrOrgNotInChannel) {
		t.Errorf("removing it again: %v", err)
	}

	u3 := e.removeUpdate(t, e.genesis, "SourceUnitMSP", "SourceUnitMSP")
	if _, err := fabricApply(e.genesis, u3, e.signed(t, u3, "Bureau")); err == nil {
		t.Error("removing SourceUnit signed by the bureau alone was accepted")
	}
	if _, err := fabricApply(e.genesis, u3, e.signed(t, u3, "Bureau", "Operator")); err != nil {
		t.Errorf("removing SourceUnit signed by two of three: %v", err)
	}
}

// ---- end to end, against in-process orderers -----------------------------------------

// orgFakeOrderer is a fakeOrderer whose Broadcast takes any config update that Fabric's
// rules and policies (fabricApply) accept, and records the envelopes it was sent.
type orgFakeOrderer struct {
	*fakeOrderer
	mu  sync.Mutex
	got []*common.Envelope
}

func (f *orgFakeOrderer) Broadcast(stream grpc.BidiStreamingServer[common.Envelope, orderer.BroadcastResponse]) error {
	record := func(env *common.Envelope) {
		f.mu.Lock()
		f.got = append(f.got, env)
		f.mu.Unlock()
	}
	return f.broadcastUpdate(stream, record, func(cfg *common.Config, cue *common.ConfigUpdateEnvelope, u *common.ConfigUpdate) (*common.Config, common.Status, error) {
		signed, err := signersOf(cue)
		if err != nil {
			return nil, common.Status_BAD_REQUEST, err
		}
		next, err := fabricApply(cfg, u, signed)
		if err != nil {
			return nil, common.Status_FORBIDDEN, err
		}
		return next, common.Status_SUCCESS, nil
	})
}

// sent is the envelopes Broadcast was sent so far.
func (f *orgFakeOrderer) sent() []*common.Envelope {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.got)
}

// TestAddRemoveOrg_FakeOrderers: AddOrgToChannel and RemoveOrgFromChannel against
// in-process orderers on the real crypto material (mutual TLS, TLS binding, Fabric's
// rules and policies restated): the add is signed by Bureau and Operator and submitted by
// Bureau's admin, the first orderer has no Raft leader; a second add returns the config
// block in force without submitting; the remove is signed by the three founding orgs;
// a second remove is ErrOrgNotInChannel; a minority's update is refused by every orderer.
func TestAddRemoveOrg_FakeOrderers(t *testing.T) {
	e := newOrgTestEnv(t)
	ledger := newFakeLedger(t, e.genesis, 2)
	var servers []*orgFakeOrderer
	for i, node := range e.after.Orderers() {
		f := &orgFakeOrderer{fakeOrderer: &fakeOrderer{t: t, l: ledger, unavailable: i == 0}}
		servers = append(servers, f)
		node.Port = serveOrdererTLS(t, e.c, node, f) // the topology is this test's own copy
	}
	var out bytes.Buffer
	n := &Net{T: e.after, L: e.l, Out: &out}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	op2 := *e.newOrg
	num, err := n.AddOrgToChannel(ctx, &op2)
	if err != nil || num != 4 {
		t.Fatalf("AddOrgToChannel: block %d, %v\n%s", num, err, out.String())
	}
	if !strings.Contains(out.String(), "add Operator2MSP to channel pdl: update of config block 0 signed by the admins of BureauMSP, OperatorMSP") {
		t.Errorf("log:\n%s", out.String())
	}
	app := ledger.cfg.ChannelGroup.Groups["Application"]
	if got := sortedKeys(app.Groups); got != "BureauMSP Operator2MSP OperatorMSP SourceUnitMSP" {
		t.Fatalf("ledger orgs %s", got)
	}
	checkOrgGroupShape(t, e, app.Groups["OperatorMSP"], app.Groups["Operator2MSP"])
	if creatorMSP(t, servers[1].sent()[0]) != "BureauMSP" {
		t.Error("the add was not submitted by the bureau's admin")
	}
	if again, err := n.AddOrgToChannel(ctx, &op2); err != nil || again != num {
		t.Errorf("adding it again: block %d %v, want %d", again, err, num)
	}
	if got := len(servers[1].sent()) + len(servers[2].sent()); got != 1 {
		t.Errorf("%d updates submitted, want 1", got)
	}

	num2, err := n.RemoveOrgFromChannel(ctx, "Operator2")
	if err != nil || num2 <= num {
		t.Fatalf("RemoveOrgFromChannel: block %d, %v\n%s", num2, err, out.String())
	}
	if !strings.Contains(out.String(), "signed by the admins of BureauMSP, OperatorMSP, SourceUnitMSP") {
		t.Errorf("log:\n%s", out.String())
	}
	if !proto.Equal(unversioned(ledger.cfg.ChannelGroup), unversioned(e.genesis.ChannelGroup)) {
		t.Error("after adding and removing Operator2 the config is not the genesis config")
	}
	if _, err := n.RemoveOrgFromChannel(ctx, "Operator2"); !errors.Is(err, ErrOrgNotInChannel) {
		t.Errorf("removing it again: %v", err)
	}

	// a minority's update: every orderer refuses it (the first has no leader)
	c := NewCrypto(e.after, e.l)
	signers, err := loadAdminSigners(c, []*Org{e.after.Org("Bureau")})
	if err != nil {
		t.Fatal(err)
	}
	oc := newOrdererClient(e.after, c, e.after.Org("Bureau"), signers[0])
	ch := orgChange{what: "add Operator2MSP", exclude: "Operator2MSP",
		change: func(cfg *common.Config) (*common.Config, error) {
			mspValue, _ := verifyingMSPValue(c.OrgMSP(e.newOrg), "Operator2MSP")
			anchors, _ := anchorPeersValue(e.newOrg)
			return withOrg(cfg, "Operator2MSP", mspValue, anchors)
		},
		done: func(*common.Config) bool { return false }}
	_, err = applyOrgChange(ctx, oc, ch, func(*common.Config) ([]*mspSigner, error) { return signers, nil }, func(string, ...any) {})
	if err == nil || !strings.Contains(err.Error(), "FORBIDDEN") || !strings.Contains(err.Error(), "/Channel/Application not satisfied") {
		t.Errorf("signed by the bureau alone: %v", err)
	}
	t.Logf("the calls said:\n%s", out.String())
}

func creatorMSP(t *testing.T, env *common.Envelope) string {
	t.Helper()
	var p common.Payload
	var sh common.SignatureHeader
	var id msp.SerializedIdentity
	if proto.Unmarshal(env.Payload, &p) != nil || proto.Unmarshal(p.Header.SignatureHeader, &sh) != nil || proto.Unmarshal(sh.Creator, &id) != nil {
		t.Fatal("envelope does not decode")
	}
	return id.Mspid
}
