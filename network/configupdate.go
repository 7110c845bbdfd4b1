package network

// Channel configuration updates: replacing one peer org's certificate revocation list.
//
// Peers and orderers check every signature against the signer's MSP as the channel
// configuration defines it, revocation list (FabricMSPConfig.revocation_list) included,
// and take a new list from the config block that carries it. So revoking a person's
// certificate is a channel config update of one value, /Channel/Application/<org>/MSP:
//
//   1. fetch the channel's latest config block from an orderer (Deliver);
//   2. compute the ConfigUpdate the way configtxlator's compute_update does;
//   3. collect the admins' ConfigSignatures and Broadcast it to an orderer;
//   4. follow the orderer's blocks until the config block that carries it is cut.
//
// What Fabric v2.5 itself demands (common/configtx/update.go): the only element of the
// update's delta set is the MSP value, and its existing mod_policy "Admins" is relative
// to the org group, i.e. /Channel/Application/<org>/Admins — the org's own admin alone
// satisfies it. The signatures of a majority of the channel's peer orgs that
// UpdateOrgCRL collects are this project's rule, not the orderer's: they record that the
// other orgs agreed, but an org could replace its own list without them.
//
// The protocol code (ordererClient) and the signing code (mspSigner) are kept apart;
// the update itself is a pure function of the current config: crlUpdate makes the
// modified copy, computeConfigUpdate (configtxlator's compute_update) the difference.
// configupdate_org.go adds and removes whole peer orgs the same way.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ErrNoCRLChange is returned (wrapped) when the requested revocation list is the one the
// channel already has: Fabric would refuse the update ("delta set was empty").
var ErrNoCRLChange = errors.New("revocation list unchanged")

const (
	// configWait bounds the wait for the config block when ctx has no deadline of its own.
	configWait = 2 * time.Minute
	// ordererAttempt bounds one call to one orderer: a hung orderer (FABRIC-NOTES: v2.5.0
	// can freeze while still answering /healthz) must not stall the update, the next
	// orderer is tried instead.
	ordererAttempt = 15 * time.Second
)

// UpdateOrgCRL replaces the revocation list of peer org org in the channel configuration
// with crls, so that peers and orderers refuse the revoked certificates from the new
// config block on. It returns the number of that config block once an orderer has cut it
// (peers apply it when they commit the block, normally within a second).
//
// Preconditions: org is a peer org of n.T; every entry of crls is one PEM "X509 CRL"
// signed by a root or intermediate CA of org's MSP, carrying that CA's subject key
// identifier as authority key identifier (checked: Fabric fails every identity of an MSP
// with a CRL lacking it); crls differs from the current list (else ErrNoCRLChange); an
// empty crls clears the list. The crypto material of n.L is the one the network runs with
// and at least one orderer is reachable. ctx bounds the whole call; without a deadline
// the wait for the block is bounded by two minutes.
//
// The update is signed by the admins of ConfigSigningOrgs(n.T, org) and submitted by org's
// admin, over mutual TLS with org's admin TLS pair.
func (n *Net) UpdateOrgCRL(ctx context.Context, org *Org, crls [][]byte) (blockNum uint64, err error) {
	orgs, err := ConfigSigningOrgs(n.T, org)
	if err != nil {
		return 0, err
	}
	org = n.T.Org(org.Name) // the topology's own Org, whatever copy the caller holds
	c := NewCrypto(n.T, n.L)
	signers, err := loadAdminSigners(c, orgs)
	if err != nil {
		return 0, err
	}
	var submitter *mspSigner
	for i, o := range orgs {
		if o == org {
			submitter = signers[i]
		}
	}
	oc := newOrdererClient(n.T, c, org, submitter)
	return updateCRL(ctx, oc, org.MSPID, crls, signers, n.logf)
}

// ConfigSigningOrgs are the peer orgs whose admins sign a config update that concerns
// org: floor(k/2)+1 of the k peer orgs of t, org always among them, the others taken in
// topology order; the result is in topology order. Precondition: org is a peer org of t.
func ConfigSigningOrgs(t *Topology, org *Org) ([]*Org, error) {
	if org == nil || t.Org(org.Name) == nil || t.Org(org.Name).Kind != "peer" {
		return nil, fmt.Errorf("config signers: %v is not a peer org of the topology", orgName(org))
	}
	peers := t.PeerOrgs()
	return pickMajority(peers, len(peers)/2+1, t.Org(org.Name)), nil
}

// pickMajority is need of candidates (need <= len(candidates)): first among them if it
// is a candidate, the others taken in the candidates' order; the result in that order.
func pickMajority(candidates []*Org, need int, first *Org) []*Org {
	chosen := map[*Org]bool{}
	for _, c := range candidates {
		if c == first {
			chosen[c] = true
		}
	}
	for _, c := range candidates {
		if len(chosen) == need {
			break
		}
		chosen[c] = true
	}
	var out []*Org
	for _, c := range candidates {
		if chosen[c] {
			out = append(out, c)
		}
	}
	return out
}

func orgName(o *Org) string {
	if o == nil {
		return "<nil>"
	}
	return o.Name
}

// updateCRL is UpdateOrgCRL once the signers and the orderers are known.
// Preconditions: oc.signer is the admin of the org whose MSP is mspID (it reads blocks and
// submits); signers are the admins whose ConfigSignatures the update carries.
func updateCRL(ctx context.Context, oc *ordererClient, mspID string, crls [][]byte, signers []*mspSigner,
	logf func(string, ...any)) (uint64, error) {
	if len(oc.names) == 0 {
		return 0, errors.New("no orderers to submit the config update to")
	}
	cur, err := oc.fetchConfig(ctx)
	if err != nil {
		return 0, err
	}
	update, err := crlUpdate(cur.config, oc.channel, mspID, crls)
	if err != nil {
		return 0, err
	}
	want := writtenMSP(update)
	return submitUpdate(ctx, oc, cur, update, signers, fmt.Sprintf("%s revocation list (%d CRLs)", mspID, len(crls)),
		func(cfg *common.Config) bool {
			_, grp, err := appOrgGroup(cfg, mspID)
			return err == nil && bytes.Equal(grp.GetValues()["MSP"].GetValue(), want)
		}, logf)
}

// submitUpdate signs update (computed from cur) by signers, submits it through oc and
// waits for the first config block after cur.newest whose config satisfies done; what
// names the change in the log and in errors. Preconditions: oc.signer satisfies the
// channel's Writers; ctx without a deadline gets configWait for the wait.
func submitUpdate(ctx context.Context, oc *ordererClient, cur *channelConfig, update *common.ConfigUpdate,
	signers []*mspSigner, what string, done func(*common.Config) bool, logf func(string, ...any)) (uint64, error) {
	env, err := configUpdateEnvelope(update, oc.channel, signers, oc.signer)
	if err != nil {
		return 0, err
	}
	var names []string
	for _, s := range signers {
		names = append(names, s.mspID)
	}
	logf("    %s: update of config block %d signed by the admins of %s", what, cur.number, strings.Join(names, ", "))
	via, err := oc.broadcast(ctx, env)
	if err != nil {
		return 0, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, configWait)
		defer cancel()
	}
	num, err := oc.waitConfig(ctx, cur.newest+1, done)
	if err != nil {
		return 0, fmt.Errorf("%s accepted by %s, but: %w", what, via, err)
	}
	logf("    %s in config block %d", what, num)
	return num, nil
}

// ---- the update --------------------------------------------------------------------

// crlUpdate computes the ConfigUpdate that replaces the revocation list of the
// application org whose MSP is mspID with crls, as configtxlator's compute_update would
// for a config differing in that one value: the read set holds the groups Channel,
// Application and the org at their current versions and nothing else (a concurrent change
// to their membership or mod policies makes the orderer refuse it instead of overwriting
// it); the write set holds the same groups at the same versions (so they are not part of
// the delta) plus the MSP value at version+1 with its current mod_policy.
// Preconditions: cfg is the channel's current config; crls as for UpdateOrgCRL.
func crlUpdate(cfg *common.Config, channel, mspID string, crls [][]byte) (*common.ConfigUpdate, error) {
	key, grp, err := appOrgGroup(cfg, mspID)
	if err != nil {
		return nil, err
	}
	mc, fc, err := decodeMSP(grp.GetValues()["MSP"])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mspID, err)
	}
	list, err := checkCRLs(fc, crls)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mspID, err)
	}
	if sameCRLs(fc.RevocationList, list) {
		return nil, fmt.Errorf("%s: %w: the channel has these %d CRLs already, the update would have no effect",
			mspID, ErrNoCRLChange, len(list))
	}
	fc.RevocationList = list
	value, err := encodeMSP(mc, fc)
	if err != nil {
		return nil, err
	}
	updated := proto.Clone(cfg).(*common.Config)
	// the clone's MSP value exists: appOrgGroup decoded it above
	updated.ChannelGroup.Groups["Application"].Groups[key].Values["MSP"].Value = value
	u, err := computeConfigUpdate(channel, cfg, updated)
	if errors.Is(err, errNoConfigChange) {
		return nil, fmt.Errorf("%w: %w", ErrNoCRLChange, err)
	}
	return u, err
}

// ---- compute_update ------------------------------------------------------------------

// errNoConfigChange: the modified config equals the current one (Fabric would refuse the
// update: "delta set was empty").
var errNoConfigChange = errors.New("no differences between the current and the updated config")

// computeConfigUpdate is the ConfigUpdate that turns original into updated, computed as
// configtxlator's compute_update does (internal/configtxlator/update, Fabric v2.5), with
// channel as channel id:
//   - a changed value or policy is written at its version+1 with its new mod_policy, an
//     added one at version 0; the read set never holds them;
//   - a group whose members or mod_policy are unchanged keeps its version and is written
//     only for its changed descendants;
//   - a group that gains or loses a member, or changes mod_policy, is written at
//     version+1 with its new mod_policy, listing every member it keeps at its current
//     version in both sets (an omitted member is removed: Fabric rebuilds the group from
//     the written member list); its parent's mod_policy then governs the change;
//   - an added group is written whole, every element at version 0.
//
// It refuses a change that Fabric would refuse for its form alone: no difference
// (errNoConfigChange) and an element written without mod_policy. Preconditions: original
// is the channel's current config and updated a modified copy of it (the caller's
// copies are not modified).
func computeConfigUpdate(channel string, original, updated *common.Config) (*common.ConfigUpdate, error) {
	if original.GetChannelGroup() == nil || updated.GetChannelGroup() == nil {
		return nil, errors.New("config has no channel group")
	}
	read, write, changed := groupUpdate(original.ChannelGroup, updated.ChannelGroup)
	if !changed {
		return nil, errNoConfigChange
	}
	u := &common.ConfigUpdate{ChannelId: channel, ReadSet: read, WriteSet: write}
	for _, d := range updateDelta(u) {
		if d.modPolicy == "" {
			// Fabric: "invalid mod_policy for element": the element could never change again
			return nil, fmt.Errorf("config element %s would be written without mod_policy", d.path)
		}
	}
	return u, nil
}

// groupUpdate is compute_update's computeGroupUpdate: the read and write sets of group
// original turned into updated, and whether anything in it changed.
func groupUpdate(original, updated *common.ConfigGroup) (read, write *common.ConfigGroup, changed bool) {
	pWrite, pSame, pMembers := mapUpdate(original.GetPolicies(), updated.GetPolicies(), policyKind)
	vWrite, vSame, vMembers := mapUpdate(original.GetValues(), updated.GetValues(), valueKind)
	gRead, gWrite, gSame, gMembers := groupsUpdate(original.GetGroups(), updated.GetGroups())
	if !pMembers && !vMembers && !gMembers && original.GetModPolicy() == updated.GetModPolicy() {
		if len(pWrite) == 0 && len(vWrite) == 0 && len(gRead) == 0 && len(gWrite) == 0 {
			return &common.ConfigGroup{Version: original.GetVersion()}, &common.ConfigGroup{Version: original.GetVersion()}, false
		}
		// the group itself stays; only what changed below it is written
		return &common.ConfigGroup{Version: original.GetVersion(), Policies: map[string]*common.ConfigPolicy{},
				Values: map[string]*common.ConfigValue{}, Groups: gRead},
			&common.ConfigGroup{Version: original.GetVersion(), Policies: pWrite, Values: vWrite, Groups: gWrite}, true
	}
	// The group itself is written: Fabric rebuilds it from the written member lists, so
	// every member it keeps is named, at its version, in both sets.
	pRead, vRead := map[string]*common.ConfigPolicy{}, map[string]*common.ConfigValue{}
	for k, p := range pSame {
		pRead[k], pWrite[k] = p, p
	}
	for k, v := range vSame {
		vRead[k], vWrite[k] = v, v
	}
	for k, g := range gSame {
		gRead[k], gWrite[k] = g, g
	}
	return &common.ConfigGroup{Version: original.GetVersion(), Policies: pRead, Values: vRead, Groups: gRead},
		&common.ConfigGroup{Version: original.GetVersion() + 1, ModPolicy: updated.GetModPolicy(),
			Policies: pWrite, Values: vWrite, Groups: gWrite}, true
}

// groupsUpdate is compute_update's computeGroupsMapUpdate: the changed groups' read and
// write sets, the unchanged ones as version stubs, and whether a group was added or
// removed.
func groupsUpdate(original, updated map[string]*common.ConfigGroup) (read, write, same map[string]*common.ConfigGroup, members bool) {
	read, write, same = map[string]*common.ConfigGroup{}, map[string]*common.ConfigGroup{}, map[string]*common.ConfigGroup{}
	for name, o := range original {
		u, ok := updated[name]
		if !ok {
			members = true
			continue
		}
		r, w, changed := groupUpdate(o, u)
		if !changed {
			same[name] = r
			continue
		}
		read[name], write[name] = r, w
	}
	for name, u := range updated {
		if _, ok := original[name]; ok {
			continue
		}
		members = true
		_, w, _ := groupUpdate(&common.ConfigGroup{}, u)
		// a new group starts at version 0 (compared with an empty group it would be 1)
		write[name] = &common.ConfigGroup{Version: 0, ModPolicy: u.GetModPolicy(),
			Policies: w.Policies, Values: w.Values, Groups: w.Groups}
	}
	return read, write, same, members
}

// elemKind tells mapUpdate how to compare, stub and write one kind of config element.
type elemKind[E any] struct {
	equal   func(a, b E) bool // same mod_policy and content
	version func(E) uint64
	stub    func(version uint64) E
	written func(e E, version uint64) E // e's mod_policy and content at version
}

var valueKind = elemKind[*common.ConfigValue]{
	equal: func(a, b *common.ConfigValue) bool {
		return a.GetModPolicy() == b.GetModPolicy() && bytes.Equal(a.GetValue(), b.GetValue())
	},
	version: (*common.ConfigValue).GetVersion,
	stub:    func(v uint64) *common.ConfigValue { return &common.ConfigValue{Version: v} },
	written: func(e *common.ConfigValue, v uint64) *common.ConfigValue {
		return &common.ConfigValue{Version: v, ModPolicy: e.GetModPolicy(), Value: e.GetValue()}
	},
}

var policyKind = elemKind[*common.ConfigPolicy]{
	equal: func(a, b *common.ConfigPolicy) bool {
		return a.GetModPolicy() == b.GetModPolicy() && proto.Equal(a.GetPolicy(), b.GetPolicy())
	},
	version: (*common.ConfigPolicy).GetVersion,
	stub:    func(v uint64) *common.ConfigPolicy { return &common.ConfigPolicy{Version: v} },
	written: func(e *common.ConfigPolicy, v uint64) *common.ConfigPolicy {
		return &common.ConfigPolicy{Version: v, ModPolicy: e.GetModPolicy(), Policy: e.GetPolicy()}
	},
}

// mapUpdate is compute_update's computeValuesMapUpdate / computePoliciesMapUpdate: the
// changed (version+1) and added (version 0) elements, the unchanged ones as version
// stubs, and whether an element was added or removed.
func mapUpdate[E any](original, updated map[string]E, k elemKind[E]) (write, same map[string]E, members bool) {
	write, same = map[string]E{}, map[string]E{}
	for name, o := range original {
		u, ok := updated[name]
		switch {
		case !ok:
			members = true
		case k.equal(o, u):
			same[name] = k.stub(k.version(o))
		default:
			write[name] = k.written(u, k.version(o)+1)
		}
	}
	for name, u := range updated {
		if _, ok := original[name]; !ok {
			members = true
			write[name] = k.written(u, 0)
		}
	}
	return write, same, members
}

// deltaElem is one element of an update's delta set.
type deltaElem struct {
	path      string // "[Group] /Channel/Application/X", "[Value] ...", "[Policy] ..."
	version   uint64
	modPolicy string
}

// updateDelta is the delta set Fabric derives from u (common/configtx computeDeltaSet):
// the write-set elements the read set does not hold at the same version, sorted by path.
func updateDelta(u *common.ConfigUpdate) []deltaElem {
	read := map[string]uint64{}
	walkConfig(u.GetReadSet(), func(d deltaElem) { read[d.path] = d.version })
	var out []deltaElem
	walkConfig(u.GetWriteSet(), func(d deltaElem) {
		if v, ok := read[d.path]; !ok || v != d.version {
			out = append(out, d)
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// walkConfig calls f for the channel group g and every group, value and policy below it,
// named by path as Fabric's configtx map names them.
func walkConfig(g *common.ConfigGroup, f func(deltaElem)) {
	var rec func(path string, g *common.ConfigGroup)
	rec = func(path string, g *common.ConfigGroup) {
		f(deltaElem{"[Group] " + path, g.GetVersion(), g.GetModPolicy()})
		for k, sub := range g.GetGroups() {
			rec(path+"/"+k, sub)
		}
		for k, v := range g.GetValues() {
			f(deltaElem{"[Value] " + path + "/" + k, v.GetVersion(), v.GetModPolicy()})
		}
		for k, p := range g.GetPolicies() {
			f(deltaElem{"[Policy] " + path + "/" + k, p.GetVersion(), p.GetModPolicy()})
		}
	}
	if g != nil {
		rec("/Channel", g)
	}
}

// writtenMSP is the MSP value an update from crlUpdate writes.
func writtenMSP(u *common.ConfigUpdate) []byte {
	for _, app := range u.GetWriteSet().GetGroups() {
		for _, org := range app.GetGroups() {
			return org.GetValues()["MSP"].GetValue()
		}
	}
	return nil
}

// appOrgGroup finds the application org group whose MSP is mspID (configtxgen keys it by
// the org's Name in configtx.yaml, which need not be the MSP id).
func appOrgGroup(cfg *common.Config, mspID string) (string, *common.ConfigGroup, error) {
	app := cfg.GetChannelGroup().GetGroups()["Application"]
	if app == nil {
		return "", nil, errors.New("config has no Application group")
	}
	for key, grp := range app.Groups {
		if _, fc, err := decodeMSP(grp.GetValues()["MSP"]); err == nil && fc.Name == mspID {
			return key, grp, nil
		}
	}
	return "", nil, fmt.Errorf("the channel's Application group has no org with MSP %s", mspID)
}

func decodeMSP(v *common.ConfigValue) (*msp.MSPConfig, *msp.FabricMSPConfig, error) {
	if v == nil {
		return nil, nil, errors.New("org group has no MSP value")
	}
	var mc msp.MSPConfig
	if err := proto.Unmarshal(v.Value, &mc); err != nil {
		return nil, nil, fmt.Errorf("MSP value: %w", err)
	}
	if mc.Type != 0 { // FABRIC; idemix MSPs have no X.509 revocation list
		return nil, nil, fmt.Errorf("MSP of type %d is not an X.509 (FABRIC) MSP", mc.Type)
	}
	var fc msp.FabricMSPConfig
	if err := proto.Unmarshal(mc.Config, &fc); err != nil {
		return nil, nil, fmt.Errorf("MSP config: %w", err)
	}
	return &mc, &fc, nil
}

func encodeMSP(mc *msp.MSPConfig, fc *msp.FabricMSPConfig) ([]byte, error) {
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(fc)
	if err != nil {
		return nil, err
	}
	out := proto.Clone(mc).(*msp.MSPConfig)
	out.Config = raw
	return proto.MarshalOptions{Deterministic: true}.Marshal(out)
}

// checkCRLs verifies each CRL against the MSP's CAs the way Fabric's MSP will use it
// (msp/mspimplvalidate.go: the CRL is found by authority key identifier = the issuing
// CA's subject key identifier, then its signature is checked) and returns them in a
// canonical PEM encoding.
func checkCRLs(fc *msp.FabricMSPConfig, crls [][]byte) ([][]byte, error) {
	var cas []*x509.Certificate
	for _, p := range append(append([][]byte{}, fc.RootCerts...), fc.IntermediateCerts...) {
		if b, _ := pem.Decode(p); b != nil {
			if c, err := x509.ParseCertificate(b.Bytes); err == nil {
				cas = append(cas, c)
			}
		}
	}
	out := make([][]byte, 0, len(crls))
	for i, raw := range crls {
		b, rest := pem.Decode(raw)
		if b == nil || b.Type != "X509 CRL" || len(bytes.TrimSpace(rest)) > 0 {
			return nil, fmt.Errorf("crls[%d]: want exactly one PEM block of type X509 CRL", i)
		}
		rl, err := x509.ParseRevocationList(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("crls[%d]: %w", i, err)
		}
		if len(rl.AuthorityKeyId) == 0 {
			return nil, fmt.Errorf("crls[%d]: no authority key identifier (Fabric's MSP would then refuse every identity of the org)", i)
		}
		ca := caWithKeyID(cas, rl.AuthorityKeyId)
		if ca == nil {
			return nil, fmt.Errorf("crls[%d]: issued by %s, which is no CA of MSP %s", i, rl.Issuer, fc.Name)
		}
		if err := rl.CheckSignatureFrom(ca); err != nil {
			return nil, fmt.Errorf("crls[%d]: not signed by CA %s: %w", i, ca.Subject, err)
		}
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: b.Bytes}))
	}
	return out, nil
}

func caWithKeyID(cas []*x509.Certificate, keyID []byte) *x509.Certificate {
	for _, c := range cas {
		if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, keyID) {
			return c
		}
	}
	return nil
}

// sameCRLs compares two revocation lists by their DER contents, so that a list stored
// with other PEM line breaks or headers still counts as the same.
func sameCRLs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	der := func(p []byte) []byte {
		if blk, _ := pem.Decode(p); blk != nil {
			return blk.Bytes
		}
		return p
	}
	for i := range a {
		if !bytes.Equal(der(a[i]), der(b[i])) {
			return false
		}
	}
	return true
}

// ---- envelopes -----------------------------------------------------------------------

// configUpdateEnvelope wraps update in a ConfigUpdateEnvelope with one ConfigSignature per
// signer (over signature_header || config_update, protoutil.ConfigUpdateEnvelopeAsSignedData)
// and that in an Envelope of type CONFIG_UPDATE signed by submitter, who must also satisfy
// the channel's Writers (the orderer's first filter).
func configUpdateEnvelope(update *common.ConfigUpdate, channel string, signers []*mspSigner, submitter *mspSigner) (*common.Envelope, error) {
	raw, err := proto.Marshal(update)
	if err != nil {
		return nil, err
	}
	cue := &common.ConfigUpdateEnvelope{ConfigUpdate: raw}
	for _, s := range signers {
		hdr, err := s.signatureHeader()
		if err != nil {
			return nil, err
		}
		sig, err := s.sign(append(append([]byte{}, hdr...), raw...))
		if err != nil {
			return nil, err
		}
		cue.Signatures = append(cue.Signatures, &common.ConfigSignature{SignatureHeader: hdr, Signature: sig})
	}
	return signedEnvelope(common.HeaderType_CONFIG_UPDATE, channel, submitter, nil, cue)
}

// signedEnvelope is an Envelope of type typ on channel carrying data, signed by s. The
// orderer's Deliver refuses a header without a timestamp, and under mutual TLS one whose
// tls_cert_hash is not the SHA-256 of the client's TLS certificate (common/deliver).
func signedEnvelope(typ common.HeaderType, channel string, s *mspSigner, tlsHash []byte, data proto.Message) (*common.Envelope, error) {
	ch, err := proto.Marshal(&common.ChannelHeader{Type: int32(typ), ChannelId: channel,
		Timestamp: timestamppb.Now(), TlsCertHash: tlsHash})
	if err != nil {
		return nil, err
	}
	sh, err := s.signatureHeader()
	if err != nil {
		return nil, err
	}
	body, err := proto.Marshal(data)
	if err != nil {
		return nil, err
	}
	payload, err := proto.Marshal(&common.Payload{Header: &common.Header{ChannelHeader: ch, SignatureHeader: sh}, Data: body})
	if err != nil {
		return nil, err
	}
	sig, err := s.sign(payload)
	if err != nil {
		return nil, err
	}
	return &common.Envelope{Payload: payload, Signature: sig}, nil
}

// ---- blocks --------------------------------------------------------------------------

// lastConfigIndex is the number of the config block in force at b: since Fabric 1.4.1
// in the SIGNATURES metadata (OrdererBlockMetadata.last_config), before that in the
// LAST_CONFIG metadata (protoutil.GetLastConfigIndexFromBlock).
func lastConfigIndex(b *common.Block) (uint64, error) {
	md := b.GetMetadata().GetMetadata()
	at := func(i common.BlockMetadataIndex) (*common.Metadata, error) {
		var m common.Metadata
		if int(i) >= len(md) {
			return &m, nil
		}
		return &m, proto.Unmarshal(md[i], &m)
	}
	m, err := at(common.BlockMetadataIndex_SIGNATURES)
	if err != nil {
		return 0, fmt.Errorf("block %d: signatures metadata: %w", b.GetHeader().GetNumber(), err)
	}
	if len(m.Value) > 0 {
		var obm common.OrdererBlockMetadata
		if err := proto.Unmarshal(m.Value, &obm); err != nil {
			return 0, fmt.Errorf("block %d: orderer metadata: %w", b.GetHeader().GetNumber(), err)
		}
		return obm.GetLastConfig().GetIndex(), nil
	}
	// Fabric 2.x orderers always write it there; the older LAST_CONFIG slot is deprecated
	// and this network never had blocks that use it.
	return 0, fmt.Errorf("block %d has no orderer metadata naming its last config block", b.GetHeader().GetNumber())
}

// configOf returns the channel config a config block carries; ok is false for a block
// of ordinary transactions.
func configOf(b *common.Block) (cfg *common.Config, ok bool, err error) {
	data := b.GetData().GetData()
	if len(data) != 1 {
		return nil, false, nil // a config block holds exactly one envelope
	}
	var env common.Envelope
	var payload common.Payload
	var ch common.ChannelHeader
	if err := proto.Unmarshal(data[0], &env); err != nil {
		return nil, false, err
	}
	if err := proto.Unmarshal(env.Payload, &payload); err != nil {
		return nil, false, err
	}
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return nil, false, err
	}
	if ch.Type != int32(common.HeaderType_CONFIG) {
		return nil, false, nil
	}
	var ce common.ConfigEnvelope
	if err := proto.Unmarshal(payload.Data, &ce); err != nil {
		return nil, false, err
	}
	if ce.Config == nil {
		return nil, false, fmt.Errorf("config block %d has no config", b.GetHeader().GetNumber())
	}
	return ce.Config, true, nil
}

// ---- orderer protocol ----------------------------------------------------------------

// abConn is one AtomicBroadcast connection and the TLS binding its seek requests carry.
type abConn struct {
	ab      orderer.AtomicBroadcastClient
	tlsHash []byte
	close   func() error
}

// ordererClient reads and writes one channel through the topology's orderers, trying
// the next orderer when one fails.
type ordererClient struct {
	channel string
	signer  *mspSigner // signs seek requests and submits updates
	names   []string   // orderer ids, for messages
	dial    func(i int) (*abConn, error)
}

// newOrdererClient connects to t's orderers with mutual TLS as org's admin.
func newOrdererClient(t *Topology, c Crypto, org *Org, signer *mspSigner) *ordererClient {
	nodes := t.Orderers()
	oc := &ordererClient{channel: t.Channel, signer: signer}
	for _, n := range nodes {
		oc.names = append(oc.names, n.ID())
	}
	cert, key := c.UserTLS(org, "Admin")
	oc.dial = func(i int) (*abConn, error) {
		return dialOrderer(nodes[i].Addr(), c.TLSCA(nodes[i].Org()), cert, key)
	}
	return oc
}

// dialOrderer opens a mutual-TLS connection to an orderer. Preconditions: root is the
// orderer org's TLS CA (PEM file), cert/key a client TLS pair its ClientRootCAs accept.
func dialOrderer(addr, root, cert, key string) (*abConn, error) {
	rootPEM, err := os.ReadFile(root)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(rootPEM) {
		return nil, fmt.Errorf("no certificate in %s", root)
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pair.Certificate[0])
	conn, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair},
			MinVersion: tls.VersionTLS12})),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(100<<20)))
	if err != nil {
		return nil, err
	}
	return &abConn{ab: orderer.NewAtomicBroadcastClient(conn), tlsHash: sum[:], close: conn.Close}, nil
}

// try runs f against orderer i with a per-attempt timeout (0: none).
func (oc *ordererClient) try(ctx context.Context, i int, timeout time.Duration, f func(context.Context, *abConn) error) error {
	c, err := oc.dial(i)
	if err != nil {
		return fmt.Errorf("%s: %w", oc.names[i], err)
	}
	defer c.close()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if err := f(ctx, c); err != nil {
		return fmt.Errorf("%s: %w", oc.names[i], err)
	}
	return nil
}

// each runs f against the orderers in turn until one succeeds; it returns the one that
// did, or every orderer's error.
func (oc *ordererClient) each(ctx context.Context, what string, f func(context.Context, *abConn) error) (string, error) {
	var errs []error
	for i := range oc.names {
		err := oc.try(ctx, i, ordererAttempt, f)
		if err == nil {
			return oc.names[i], nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return "", fmt.Errorf("%s: %w", what, errors.Join(errs...))
}

// channelConfig is the config in force at the newest block of the channel.
type channelConfig struct {
	newest uint64 // the newest block when it was read
	number uint64 // the config block
	config *common.Config
}

// fetchConfig reads the newest block, then the config block its metadata names.
func (oc *ordererClient) fetchConfig(ctx context.Context) (*channelConfig, error) {
	var out *channelConfig
	_, err := oc.each(ctx, "fetch the channel config", func(ctx context.Context, c *abConn) error {
		newest, err := oc.deliverOne(ctx, c, &orderer.SeekPosition{Type: &orderer.SeekPosition_Newest{Newest: &orderer.SeekNewest{}}})
		if err != nil {
			return err
		}
		idx, err := lastConfigIndex(newest)
		if err != nil {
			return err
		}
		blk := newest
		if idx != newest.GetHeader().GetNumber() {
			if blk, err = oc.deliverOne(ctx, c, specified(idx)); err != nil {
				return err
			}
		}
		cfg, ok, err := configOf(blk)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("block %d, named last config by block %d, is no config block", idx, newest.GetHeader().GetNumber())
		}
		out = &channelConfig{newest: newest.GetHeader().GetNumber(), number: idx, config: cfg}
		return nil
	})
	return out, err
}

func specified(n uint64) *orderer.SeekPosition {
	return &orderer.SeekPosition{Type: &orderer.SeekPosition_Specified{Specified: &orderer.SeekSpecified{Number: n}}}
}

// deliverOne fetches the one block at pos.
func (oc *ordererClient) deliverOne(ctx context.Context, c *abConn, pos *orderer.SeekPosition) (*common.Block, error) {
	var got *common.Block
	err := oc.deliver(ctx, c, pos, pos, func(b *common.Block) (bool, error) {
		got = b
		return true, nil
	})
	if err == nil && got == nil {
		err = errors.New("deliver ended without a block")
	}
	return got, err
}

// deliver streams the blocks from start to stop (waiting for blocks not cut yet) to f
// until f says done or the stream ends.
func (oc *ordererClient) deliver(ctx context.Context, c *abConn, start, stop *orderer.SeekPosition,
	f func(*common.Block) (done bool, err error)) error {
	seek := &orderer.SeekInfo{Start: start, Stop: stop, Behavior: orderer.SeekInfo_BLOCK_UNTIL_READY}
	env, err := signedEnvelope(common.HeaderType_DELIVER_SEEK_INFO, oc.channel, oc.signer, c.tlsHash, seek)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx) // ends the stream when f is done
	defer cancel()
	stream, err := c.ab.Deliver(ctx)
	if err != nil {
		return err
	}
	if err := stream.Send(env); err != nil {
		return err
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	for {
		resp, err := stream.Recv()
		if err != nil {
			return err
		}
		if b := resp.GetBlock(); b != nil {
			if done, err := f(b); done || err != nil {
				return err
			}
			continue
		}
		if st := resp.GetStatus(); st != common.Status_SUCCESS {
			return fmt.Errorf("deliver: %s", st)
		}
		return nil // SUCCESS: the stop position was delivered
	}
}

// broadcast submits env to the first orderer that accepts it and names it. Accepted
// means ordered, not yet in a block: see waitConfig.
func (oc *ordererClient) broadcast(ctx context.Context, env *common.Envelope) (string, error) {
	return oc.each(ctx, "submit the config update", func(ctx context.Context, c *abConn) error {
		stream, err := c.ab.Broadcast(ctx)
		if err != nil {
			return err
		}
		if err := stream.Send(env); err != nil {
			return err
		}
		resp, err := stream.Recv()
		if err != nil {
			return err
		}
		_ = stream.CloseSend()
		if resp.Status != common.Status_SUCCESS {
			return fmt.Errorf("%s: %s", resp.Status, resp.Info)
		}
		return nil
	})
}

// waitConfig follows the channel's blocks from block from on and returns the number of
// the first config block whose config satisfies want. An orderer that fails or shows
// nothing new for an attempt's time is left for the next one, round robin, until ctx ends
// (a frozen orderer keeps serving old blocks but never the new one).
func (oc *ordererClient) waitConfig(ctx context.Context, from uint64, want func(*common.Config) bool) (uint64, error) {
	next := from
	var found *uint64
	var last error
	for i := 0; ctx.Err() == nil; i = (i + 1) % len(oc.names) {
		before := next
		err := oc.try(ctx, i, ordererAttempt, func(ctx context.Context, c *abConn) error {
			return oc.deliver(ctx, c, specified(next), specified(math.MaxUint64), func(b *common.Block) (bool, error) {
				next = b.GetHeader().GetNumber() + 1
				cfg, ok, err := configOf(b)
				if err != nil || !ok || !want(cfg) {
					return false, err
				}
				num := b.GetHeader().GetNumber()
				found = &num
				return true, nil
			})
		})
		if found != nil {
			return *found, nil
		}
		if err != nil && next == before {
			// nothing new from this orderer: do not spin through dead ones
			last = err
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return 0, fmt.Errorf("no config block with the update from block %d to %d: %w (last orderer error: %v)", from, next-1, ctx.Err(), last)
}

// ---- signing -------------------------------------------------------------------------

// mspSigner is an MSP identity that signs: a certificate (PEM, as the MSP serializes it)
// and its ECDSA key.
type mspSigner struct {
	mspID string
	cert  []byte
	key   *ecdsa.PrivateKey
}

// loadAdminSigners loads the Admin identity of each org.
func loadAdminSigners(c Crypto, orgs []*Org) ([]*mspSigner, error) {
	var out []*mspSigner
	for _, o := range orgs {
		s, err := loadSigner(o.MSPID, c.UserCert(o, "Admin"), c.UserKey(o, "Admin"))
		if err != nil {
			return nil, fmt.Errorf("%s admin: %w", o.Name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// loadSigner reads a PEM certificate and its PEM ECDSA key (PKCS#8 as cryptogen and
// fabric-ca write it, or SEC 1) and checks that they belong together.
func loadSigner(mspID, certPath, keyPath string) (*mspSigner, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(certPEM)
	if b == nil {
		return nil, fmt.Errorf("%s: no PEM certificate", certPath)
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certPath, err)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, err
	}
	key, err := parseECKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return nil, fmt.Errorf("%s is not the key of %s", keyPath, certPath)
	}
	return &mspSigner{mspID: mspID, cert: certPEM, key: key}, nil
}

func parseECKey(keyPEM []byte) (*ecdsa.PrivateKey, error) {
	b, _ := pem.Decode(keyPEM)
	if b == nil {
		return nil, errors.New("no PEM key")
	}
	if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key is %T, want ECDSA", k)
	}
	return ec, nil
}

// creator is the SerializedIdentity Fabric reads the signer from.
func (s *mspSigner) creator() ([]byte, error) {
	return proto.Marshal(&msp.SerializedIdentity{Mspid: s.mspID, IdBytes: s.cert})
}

// signatureHeader is a SignatureHeader naming s, with a fresh nonce.
func (s *mspSigner) signatureHeader() ([]byte, error) {
	creator, err := s.creator()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 24)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return proto.Marshal(&common.SignatureHeader{Creator: creator, Nonce: nonce})
}

// sign is Fabric's ECDSA signature of msg: over SHA-256(msg), S in the lower half of the
// curve order (Fabric's BCCSP refuses high-S signatures as malleable), ASN.1 encoded.
func (s *mspSigner) sign(msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	r, sv, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct{ R, S *big.Int }{r, lowS(s.key.Curve, sv)})
}

// lowS maps s to N-s when it is above N/2: both verify, Fabric accepts only the low one.
func lowS(c elliptic.Curve, s *big.Int) *big.Int {
	n := c.Params().N
	if s.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		return new(big.Int).Sub(n, s)
	}
	return s
}
