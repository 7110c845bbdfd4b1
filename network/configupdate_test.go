package network

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
)

// ---- test PKI ------------------------------------------------------------------------

type testCA struct {
	cert *x509.Certificate
	pem  []byte
	key  *ecdsa.PrivateKey
}

var testSerial int64 = 100

func nextSerial() *big.Int { testSerial++; return big.NewInt(testSerial) }

// newTestCA is a self-signed ECDSA CA; Go gives it a subject key identifier, as
// cryptogen and fabric-ca do.
func newTestCA(t *testing.T, cn string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key: key}
}

// issue writes a certificate signed by ca and its PKCS#8 key into dir.
func (ca *testCA) issue(t *testing.T, dir, cn string) (certPath, keyPath string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, cn+"-cert.pem"), filepath.Join(dir, cn+"-key.pem")
	writeTestFile(t, certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeTestFile(t, keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}))
	return certPath, keyPath, cert
}

// crl is a PEM CRL of ca revoking serials.
func (ca *testCA) crl(t *testing.T, serials ...*big.Int) []byte {
	t.Helper()
	var revoked []x509.RevocationListEntry
	for _, s := range serials {
		revoked = append(revoked, x509.RevocationListEntry{SerialNumber: s, RevocationTime: time.Now()})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: nextSerial(),
		ThisUpdate: time.Now(), NextUpdate: time.Now().Add(24 * time.Hour), RevokedCertificateEntries: revoked}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}

// userCRL issues a user certificate cn and returns a CRL of ca revoking it.
func (ca *testCA) userCRL(t *testing.T, cn string) []byte {
	t.Helper()
	_, _, user := ca.issue(t, t.TempDir(), cn)
	return ca.crl(t, user.SerialNumber)
}

func writeTestFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ---- a hand-built channel config -----------------------------------------------------

// testOrg is one application org of the hand-built config.
type testOrg struct {
	key, mspID string // group key in Application, MSP id
	ca         *testCA
}

// handConfig builds a channel config shaped like configtxgen's, with distinct versions
// on each level so that a mixed-up version shows: Channel 3, Application 2, org groups 1,
// their MSP values 4.
func handConfig(t *testing.T, orgs []testOrg) *common.Config {
	t.Helper()
	pol := func() map[string]*common.ConfigPolicy {
		return map[string]*common.ConfigPolicy{
			"Admins":  {ModPolicy: "Admins", Policy: &common.Policy{Type: int32(common.Policy_SIGNATURE)}},
			"Readers": {ModPolicy: "Admins", Policy: &common.Policy{Type: int32(common.Policy_SIGNATURE)}},
		}
	}
	app := &common.ConfigGroup{Version: 2, ModPolicy: "Admins", Policies: pol(), Groups: map[string]*common.ConfigGroup{},
		Values: map[string]*common.ConfigValue{"Capabilities": {ModPolicy: "Admins", Value: []byte("V2_5")}}}
	for _, o := range orgs {
		fc := mustMarshal(t, &msp.FabricMSPConfig{Name: o.mspID, RootCerts: [][]byte{o.ca.pem},
			FabricNodeOus: &msp.FabricNodeOUs{Enable: true}})
		app.Groups[o.key] = &common.ConfigGroup{Version: 1, ModPolicy: "Admins", Policies: pol(),
			Values: map[string]*common.ConfigValue{
				"MSP":         {Version: 4, ModPolicy: "Admins", Value: mustMarshal(t, &msp.MSPConfig{Type: 0, Config: fc})},
				"AnchorPeers": {ModPolicy: "Admins", Value: []byte("anchors of " + o.key)},
			}}
	}
	ord := &common.ConfigGroup{ModPolicy: "Admins", Policies: pol(),
		Values: map[string]*common.ConfigValue{"BatchSize": {ModPolicy: "Admins", Value: []byte("200")}}}
	return &common.Config{Sequence: 7, ChannelGroup: &common.ConfigGroup{Version: 3, ModPolicy: "Admins", Policies: pol(),
		Groups: map[string]*common.ConfigGroup{"Application": app, "Orderer": ord},
		Values: map[string]*common.ConfigValue{"HashingAlgorithm": {ModPolicy: "Admins", Value: []byte("SHA256")}}}}
}

func threeOrgs(t *testing.T) []testOrg {
	return []testOrg{
		{key: "BureauMSP", mspID: "BureauMSP", ca: newTestCA(t, "ca.bureau")},
		{key: "OperatorMSP", mspID: "OperatorMSP", ca: newTestCA(t, "ca.operator")},
		// keyed by a name other than its MSP id: the update must find it by MSP
		{key: "SourceUnit", mspID: "SourceUnitMSP", ca: newTestCA(t, "ca.sourceunit")},
	}
}

// ---- the update ----------------------------------------------------------------------

// TestCRLUpdate_ReadWriteSets: the update names Channel, Application and the org group
// at their current versions in both sets, writes only the MSP value at version+1 with
// mod_policy Admins, leaves every other org out, and Fabric's rules see exactly one
// changed element whose new MSP config differs from the old in the revocation list only.
func TestCRLUpdate_ReadWriteSets(t *testing.T) {
	orgs := threeOrgs(t)
	cfg := handConfig(t, orgs)
	su := orgs[2]
	crl := su.ca.userCRL(t, "User1")

	u, err := crlUpdate(cfg, "pdl", su.mspID, [][]byte{crl})
	if err != nil {
		t.Fatal(err)
	}
	if u.ChannelId != "pdl" {
		t.Errorf("channel id %q", u.ChannelId)
	}
	for name, set := range map[string]*common.ConfigGroup{"read": u.ReadSet, "write": u.WriteSet} {
		if set.Version != 3 || len(set.Values) != 0 || len(set.Policies) != 0 || set.ModPolicy != "" {
			t.Errorf("%s set channel group: %v", name, set)
		}
		if sortedKeys(set.Groups) != "Application" {
			t.Fatalf("%s set channel groups: %s, want only Application", name, sortedKeys(set.Groups))
		}
		app := set.Groups["Application"]
		if app.Version != 2 || len(app.Values) != 0 || len(app.Policies) != 0 || app.ModPolicy != "" {
			t.Errorf("%s set Application: %v", name, app)
		}
		if sortedKeys(app.Groups) != "SourceUnit" {
			t.Fatalf("%s set Application groups: %s, want only SourceUnit (unchanged orgs absent)", name, sortedKeys(app.Groups))
		}
		org := app.Groups["SourceUnit"]
		if org.Version != 1 || len(org.Policies) != 0 || len(org.Groups) != 0 || org.ModPolicy != "" {
			t.Errorf("%s set org group: %v", name, org)
		}
	}
	if v := u.ReadSet.Groups["Application"].Groups["SourceUnit"].Values; len(v) != 0 {
		t.Errorf("read set names org values %s: compute_update reads no changed value", sortedKeys(v))
	}
	wv := u.WriteSet.Groups["Application"].Groups["SourceUnit"].Values
	if sortedKeys(wv) != "MSP" {
		t.Fatalf("write set org values %s, want only MSP", sortedKeys(wv))
	}
	if m := wv["MSP"]; m.Version != 5 || m.ModPolicy != "Admins" {
		t.Errorf("written MSP value version %d mod_policy %q, want 5 Admins", m.Version, m.ModPolicy)
	}

	delta, err := fabricDelta(cfg, u)
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(delta); got != "[Value]  /Channel/Application/SourceUnit/MSP" {
		t.Errorf("delta set %s", got)
	}
	_, before, _ := decodeMSP(cfg.ChannelGroup.Groups["Application"].Groups["SourceUnit"].Values["MSP"])
	after := applyDelta(t, cfg, delta)
	_, now, err := decodeMSP(after.ChannelGroup.Groups["Application"].Groups["SourceUnit"].Values["MSP"])
	if err != nil {
		t.Fatal(err)
	}
	if len(now.RevocationList) != 1 || !bytes.Equal(now.RevocationList[0], crl) {
		t.Errorf("revocation list after the update: %q", now.RevocationList)
	}
	now.RevocationList = nil
	if !proto.Equal(before, now) {
		t.Errorf("the update changed more than the revocation list:\nbefore %v\nafter  %v", before, now)
	}
	for _, o := range orgs[:2] {
		a, b := cfg.ChannelGroup.Groups["Application"].Groups[o.key], after.ChannelGroup.Groups["Application"].Groups[o.key]
		if !proto.Equal(a, b) {
			t.Errorf("org %s changed", o.key)
		}
	}
}

// TestCRLUpdate_NoChangeRefused: the list the channel has already — also stored with other
// PEM text around the same DER — is refused with ErrNoCRLChange before anything is signed.
func TestCRLUpdate_NoChangeRefused(t *testing.T) {
	orgs := threeOrgs(t)
	cfg := handConfig(t, orgs)
	bu := orgs[0]
	crl := bu.ca.userCRL(t, "User2")
	if _, err := crlUpdate(cfg, "pdl", bu.mspID, nil); !errors.Is(err, ErrNoCRLChange) {
		t.Errorf("empty list onto an empty list: %v, want ErrNoCRLChange", err)
	}
	u, err := crlUpdate(cfg, "pdl", bu.mspID, [][]byte{crl})
	if err != nil {
		t.Fatal(err)
	}
	delta, err := fabricDelta(cfg, u)
	if err != nil {
		t.Fatal(err)
	}
	cfg = applyDelta(t, cfg, delta)
	_, err = crlUpdate(cfg, "pdl", bu.mspID, [][]byte{crl})
	if !errors.Is(err, ErrNoCRLChange) || !strings.Contains(err.Error(), "BureauMSP") || !strings.Contains(err.Error(), "no effect") {
		t.Errorf("same list again: %v", err)
	}
	reworded := append([]byte("\n"), crl...) // same DER, other PEM text
	if _, err := crlUpdate(cfg, "pdl", bu.mspID, [][]byte{reworded}); !errors.Is(err, ErrNoCRLChange) {
		t.Errorf("same CRL in other PEM text: %v", err)
	}
	// clearing the list is a change
	if u, err = crlUpdate(cfg, "pdl", bu.mspID, nil); err != nil {
		t.Fatalf("clearing the list: %v", err)
	}
	if _, err := fabricDelta(cfg, u); err != nil {
		t.Errorf("clearing the list: %v", err)
	}
}

// TestCRLUpdate_BadCRLsRefused: CRLs the org's MSP would not use, or that would lock the
// org out, are refused, as is an MSP the channel does not have.
func TestCRLUpdate_BadCRLsRefused(t *testing.T) {
	orgs := threeOrgs(t)
	cfg := handConfig(t, orgs)
	op := orgs[1]
	other := newTestCA(t, "ca.stranger")
	noAKI := *op.ca.cert
	noAKI.SubjectKeyId = nil // CreateCRL writes an authority key identifier only from it
	der, err := noAKI.CreateCRL(rand.Reader, op.ca.key, []pkix.RevokedCertificate{{SerialNumber: big.NewInt(7), RevocationTime: time.Now()}},
		time.Now(), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// same issuer name and key id as the operator's CA, another key
	impostor := &testCA{cert: op.ca.cert, key: other.key}
	for name, tc := range map[string]struct {
		crls [][]byte
		want string
	}{
		"other CA":        {[][]byte{other.crl(t, big.NewInt(1))}, "no CA of MSP OperatorMSP"},
		"forged":          {[][]byte{impostor.crl(t, big.NewInt(1))}, "not signed by CA"},
		"no AKI":          {[][]byte{pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})}, "no authority key identifier"},
		"not PEM":         {[][]byte{der}, "PEM"},
		"certificate":     {[][]byte{op.ca.pem}, "X509 CRL"},
		"two in one":      {[][]byte{append(op.ca.crl(t, big.NewInt(1)), op.ca.crl(t, big.NewInt(2))...)}, "exactly one"},
		"second is wrong": {[][]byte{op.ca.crl(t, big.NewInt(1)), other.crl(t, big.NewInt(1))}, "crls[1]"},
	} {
		if _, err := crlUpdate(cfg, "pdl", op.mspID, tc.crls); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, tc.want)
		}
	}
	if _, err := crlUpdate(cfg, "pdl", "NobodyMSP", nil); err == nil || !strings.Contains(err.Error(), "no org with MSP NobodyMSP") {
		t.Errorf("unknown MSP: %v", err)
	}
}

// ---- signers and signatures ----------------------------------------------------------

// TestConfigSigningOrgs_Majority: floor(k/2)+1 peer orgs, the org always among them, in
// topology order; an orderer org or a stranger is refused.
func TestConfigSigningOrgs_Majority(t *testing.T) {
	top, err := LoadTopology("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Bureau": "Bureau Operator SourceUnit", "Operator": "Bureau Operator SourceUnit", "SourceUnit": "Bureau Operator SourceUnit", "Exchange": "Bureau Operator Exchange"}
	for _, org := range top.PeerOrgs() {
		got, err := ConfigSigningOrgs(top, org)
		if err != nil {
			t.Fatal(err)
		}
		if orgNames(got) != want[org.Name] {
			t.Errorf("%s: signers %s, want %s", org.Name, orgNames(got), want[org.Name])
		}
	}
	for k, size := range map[int]int{1: 1, 2: 2, 4: 3, 5: 3, 6: 4} {
		tk := &Topology{}
		for i := 0; i < k; i++ {
			tk.Orgs = append(tk.Orgs, Org{Name: fmt.Sprintf("O%d", i), Kind: "peer"})
		}
		last := &tk.Orgs[k-1]
		got, err := ConfigSigningOrgs(tk, last)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != size || got[len(got)-1] != last {
			t.Errorf("%d orgs: signers %s, want %d ending with %s", k, orgNames(got), size, last.Name)
		}
	}
	if _, err := ConfigSigningOrgs(top, top.OrdererOrg()); err == nil {
		t.Error("the orderer org was accepted")
	}
	if _, err := ConfigSigningOrgs(top, &Org{Name: "Stranger", Kind: "peer"}); err == nil {
		t.Error("an org outside the topology was accepted")
	}
}

func orgNames(orgs []*Org) string {
	var s []string
	for _, o := range orgs {
		s = append(s, o.Name)
	}
	return strings.Join(s, " ")
}

func sortedKeys[V any](m map[string]V) string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// verifySig checks a Fabric signature by the identity creator over msg: ECDSA over
// SHA-256, ASN.1, low S.
func verifySig(creator, msg, sig []byte) error {
	var id msp.SerializedIdentity
	if err := proto.Unmarshal(creator, &id); err != nil {
		return err
	}
	b, _ := pem.Decode(id.IdBytes)
	if b == nil {
		return errors.New("creator has no PEM certificate")
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return err
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) > 0 {
		return fmt.Errorf("signature is not one ASN.1 (r, s): %v", err)
	}
	pub := cert.PublicKey.(*ecdsa.PublicKey)
	if rs.S.Cmp(new(big.Int).Rsh(pub.Curve.Params().N, 1)) > 0 {
		return errors.New("high S")
	}
	digest := sha256.Sum256(msg)
	if !ecdsa.Verify(pub, digest[:], rs.R, rs.S) {
		return fmt.Errorf("signature does not verify against %s", cert.Subject)
	}
	return nil
}

// testSigners issues an admin certificate per org and loads it as a signer.
func testSigners(t *testing.T, orgs []testOrg) []*mspSigner {
	var out []*mspSigner
	dir := t.TempDir()
	for _, o := range orgs {
		cert, key, _ := o.ca.issue(t, dir, "Admin."+o.key)
		s, err := loadSigner(o.mspID, cert, key)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestConfigUpdateEnvelope_SignaturesVerify: the envelope is a CONFIG_UPDATE on the
// channel signed by the submitter; it carries the update unchanged and one signature per
// admin over signature_header || config_update that verifies against that admin's
// certificate.
func TestConfigUpdateEnvelope_SignaturesVerify(t *testing.T) {
	orgs := threeOrgs(t)
	cfg := handConfig(t, orgs)
	signers := testSigners(t, orgs[:2])
	u, err := crlUpdate(cfg, "pdl", "OperatorMSP", [][]byte{orgs[1].ca.userCRL(t, "User3")})
	if err != nil {
		t.Fatal(err)
	}
	env, err := configUpdateEnvelope(u, "pdl", signers, signers[1])
	if err != nil {
		t.Fatal(err)
	}
	var payload common.Payload
	var ch common.ChannelHeader
	var sh common.SignatureHeader
	var cue common.ConfigUpdateEnvelope
	// each layer only once the one around it is decoded
	for _, step := range []func() error{
		func() error { return proto.Unmarshal(env.Payload, &payload) },
		func() error { return proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch) },
		func() error { return proto.Unmarshal(payload.GetHeader().GetSignatureHeader(), &sh) },
		func() error { return proto.Unmarshal(payload.GetData(), &cue) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if ch.Type != int32(common.HeaderType_CONFIG_UPDATE) || ch.ChannelId != "pdl" || ch.Timestamp == nil {
		t.Errorf("channel header %v", &ch)
	}
	if err := verifySig(sh.Creator, env.Payload, env.Signature); err != nil {
		t.Errorf("envelope signature: %v", err)
	}
	if c, _ := signers[1].creator(); !bytes.Equal(sh.Creator, c) {
		t.Error("the envelope is not signed by the submitter")
	}
	var got common.ConfigUpdate
	if err := proto.Unmarshal(cue.ConfigUpdate, &got); err != nil || !proto.Equal(&got, u) {
		t.Errorf("config update changed on the way: %v", err)
	}
	if len(cue.Signatures) != 2 {
		t.Fatalf("%d config signatures, want 2", len(cue.Signatures))
	}
	for i, cs := range cue.Signatures {
		var h common.SignatureHeader
		if err := proto.Unmarshal(cs.SignatureHeader, &h); err != nil {
			t.Fatal(err)
		}
		var id msp.SerializedIdentity
		_ = proto.Unmarshal(h.Creator, &id)
		if id.Mspid != orgs[i].mspID || !bytes.Equal(id.IdBytes, signers[i].cert) || len(h.Nonce) == 0 {
			t.Errorf("signature %d names %s (nonce %d bytes)", i, id.Mspid, len(h.Nonce))
		}
		if err := verifySig(h.Creator, append(append([]byte{}, cs.SignatureHeader...), cue.ConfigUpdate...), cs.Signature); err != nil {
			t.Errorf("config signature %d (%s): %v", i, id.Mspid, err)
		}
		if err := verifySig(h.Creator, cue.ConfigUpdate, cs.Signature); err == nil {
			t.Errorf("config signature %d verifies over the update alone: the header is not signed", i)
		}
	}
}

// TestSigner_LowSAndKeys: every signature has a low S (64 in a row: a missing
// normalization would show with probability 1-2^-64); SEC 1 keys load too; a key that is
// not the certificate's is refused.
func TestSigner_LowSAndKeys(t *testing.T) {
	ca := newTestCA(t, "ca")
	dir := t.TempDir()
	cert, key, _ := ca.issue(t, dir, "Admin")
	s, err := loadSigner("XMSP", cert, key)
	if err != nil {
		t.Fatal(err)
	}
	creator, _ := s.creator()
	for i := 0; i < 64; i++ {
		msg := []byte(fmt.Sprintf("message %d", i))
		sig, err := s.sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if err := verifySig(creator, msg, sig); err != nil {
			t.Fatalf("signature %d: %v", i, err)
		}
	}
	sec1, err := x509.MarshalECPrivateKey(s.key)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(dir, "sec1.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}))
	if _, err := loadSigner("XMSP", cert, filepath.Join(dir, "sec1.pem")); err != nil {
		t.Errorf("SEC 1 key: %v", err)
	}
	_, otherKey, _ := ca.issue(t, dir, "Other")
	if _, err := loadSigner("XMSP", cert, otherKey); err == nil || !strings.Contains(err.Error(), "is not the key of") {
		t.Errorf("mismatched key: %v", err)
	}
}

// ---- the protocol, against in-process orderers ---------------------------------------

// fakeLedger is a channel's chain shared by the fake orderers.
type fakeLedger struct {
	mu     sync.Mutex
	blocks []*common.Block
	cfg    *common.Config
	last   uint64        // last config block
	grown  chan struct{} // closed when a block is added
}

func newFakeLedger(t *testing.T, cfg *common.Config, txBlocks int) *fakeLedger {
	l := &fakeLedger{cfg: cfg, grown: make(chan struct{})}
	l.addConfig(t, cfg)
	for i := 0; i < txBlocks; i++ {
		l.addTx(t)
	}
	return l
}

func (l *fakeLedger) add(t *testing.T, env *common.Envelope, isConfig bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	num := uint64(len(l.blocks))
	if isConfig {
		l.last = num
	}
	md := make([][]byte, len(common.BlockMetadataIndex_name))
	md[common.BlockMetadataIndex_SIGNATURES] = mustMarshal(t, &common.Metadata{
		Value: mustMarshal(t, &common.OrdererBlockMetadata{LastConfig: &common.LastConfig{Index: l.last}})})
	l.blocks = append(l.blocks, &common.Block{Header: &common.BlockHeader{Number: num},
		Data: &common.BlockData{Data: [][]byte{mustMarshal(t, env)}}, Metadata: &common.BlockMetadata{Metadata: md}})
	close(l.grown)
	l.grown = make(chan struct{})
}

func (l *fakeLedger) addConfig(t *testing.T, cfg *common.Config) {
	ch := mustMarshal(t, &common.ChannelHeader{Type: int32(common.HeaderType_CONFIG), ChannelId: "pdl"})
	l.add(t, &common.Envelope{Payload: mustMarshal(t, &common.Payload{Header: &common.Header{ChannelHeader: ch},
		Data: mustMarshal(t, &common.ConfigEnvelope{Config: cfg})})}, true)
}

func (l *fakeLedger) addTx(t *testing.T) {
	ch := mustMarshal(t, &common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), ChannelId: "pdl"})
	l.add(t, &common.Envelope{Payload: mustMarshal(t, &common.Payload{Header: &common.Header{ChannelHeader: ch}})}, false)
}

// block waits for block n.
func (l *fakeLedger) block(ctx context.Context, n uint64) (*common.Block, error) {
	for {
		l.mu.Lock()
		if n < uint64(len(l.blocks)) {
			b := l.blocks[n]
			l.mu.Unlock()
			return b, nil
		}
		grown := l.grown
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-grown:
		}
	}
}

// fakeOrderer serves a fakeLedger: it checks seek requests as Fabric's Deliver does
// (timestamp, TLS binding, signature) and config updates by fabricDelta plus the
// signatures, then cuts a transaction block and the config block.
type fakeOrderer struct {
	orderer.UnimplementedAtomicBroadcastServer
	t           *testing.T
	l           *fakeLedger
	tlsHash     []byte // the TLS binding seek requests must carry; nil: the real client certificate's
	unavailable bool   // Broadcast answers SERVICE_UNAVAILABLE, like a node without a Raft leader
}

// boundHash is the TLS binding a seek request on stream must carry: the SHA-256 of the
// client's TLS certificate, as Fabric's common/deliver computes it.
func (f *fakeOrderer) boundHash(ctx context.Context) []byte {
	if f.tlsHash != nil {
		return f.tlsHash
	}
	p, ok := peer.FromContext(ctx)
	if !ok {
		return nil
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.PeerCertificates) == 0 {
		return nil
	}
	sum := sha256.Sum256(info.State.PeerCertificates[0].Raw)
	return sum[:]
}

func (f *fakeOrderer) open(env *common.Envelope, typ common.HeaderType) (*common.Payload, *common.ChannelHeader, error) {
	var p common.Payload
	var ch common.ChannelHeader
	var sh common.SignatureHeader
	if err := proto.Unmarshal(env.GetPayload(), &p); err != nil {
		return nil, nil, err
	}
	if err := proto.Unmarshal(p.GetHeader().GetChannelHeader(), &ch); err != nil {
		return nil, nil, err
	}
	if err := proto.Unmarshal(p.GetHeader().GetSignatureHeader(), &sh); err != nil {
		return nil, nil, err
	}
	if ch.Type != int32(typ) || ch.ChannelId != "pdl" || ch.Timestamp == nil {
		return nil, nil, fmt.Errorf("channel header %v", &ch)
	}
	return &p, &ch, verifySig(sh.Creator, env.Payload, env.Signature)
}

func (f *fakeOrderer) Deliver(stream grpc.BidiStreamingServer[common.Envelope, orderer.DeliverResponse]) error {
	status := func(s common.Status) error {
		return stream.Send(&orderer.DeliverResponse{Type: &orderer.DeliverResponse_Status{Status: s}})
	}
	env, err := stream.Recv()
	if err != nil {
		return err
	}
	p, ch, err := f.open(env, common.HeaderType_DELIVER_SEEK_INFO)
	if want := f.boundHash(stream.Context()); err != nil || len(want) == 0 || !bytes.Equal(ch.TlsCertHash, want) {
		f.t.Errorf("seek refused: %v (tls hash %x, want %x)", err, ch.GetTlsCertHash(), want)
		return status(common.Status_FORBIDDEN)
	}
	var seek orderer.SeekInfo
	if err := proto.Unmarshal(p.Data, &seek); err != nil || seek.Behavior != orderer.SeekInfo_BLOCK_UNTIL_READY {
		return status(common.Status_BAD_REQUEST)
	}
	f.l.mu.Lock()
	newest := uint64(len(f.l.blocks) - 1)
	f.l.mu.Unlock()
	pos := func(sp *orderer.SeekPosition) uint64 {
		if sp.GetNewest() != nil {
			return newest
		}
		return sp.GetSpecified().GetNumber()
	}
	for n := pos(seek.Start); n <= pos(seek.Stop); n++ {
		b, err := f.l.block(stream.Context(), n)
		if err != nil {
			return err
		}
		if err := stream.Send(&orderer.DeliverResponse{Type: &orderer.DeliverResponse_Block{Block: b}}); err != nil {
			return err
		}
	}
	return status(common.Status_SUCCESS)
}

func (f *fakeOrderer) Broadcast(stream grpc.BidiStreamingServer[common.Envelope, orderer.BroadcastResponse]) error {
	return f.broadcastUpdate(stream, nil, func(cfg *common.Config, cue *common.ConfigUpdateEnvelope, u *common.ConfigUpdate) (*common.Config, common.Status, error) {
		signed, err := signersOf(cue)
		if err != nil {
			return nil, common.Status_BAD_REQUEST, err
		}
		delta, err := fabricDelta(cfg, u)
		if err != nil {
			return nil, common.Status_BAD_REQUEST, err
		}
		for k := range delta {
			// the org whose MSP changes must have signed (its Admins is the mod_policy)
			var mspID string
			key := strings.TrimSuffix(strings.TrimPrefix(k, "[Value]  /Channel/Application/"), "/MSP")
			if _, fc, err := decodeMSP(cfg.ChannelGroup.Groups["Application"].Groups[key].Values["MSP"]); err == nil {
				mspID = fc.Name
			}
			if signed[mspID] == nil {
				return nil, common.Status_FORBIDDEN, errors.New("policy for " + k + " not satisfied")
			}
		}
		next, err := fabricResult(cfg, delta)
		if err != nil {
			return nil, common.Status_BAD_REQUEST, err
		}
		return next, common.Status_SUCCESS, nil
	})
}

// fakeOrderers starts one in-process orderer per entry (nil: a dead one) and returns the
// client that reaches them.
func fakeOrderers(t *testing.T, signer *mspSigner, servers ...*fakeOrderer) *ordererClient {
	oc := &ordererClient{channel: "pdl", signer: signer}
	lis := make([]*bufconn.Listener, len(servers))
	for i, f := range servers {
		oc.names = append(oc.names, fmt.Sprintf("orderer%d", i))
		if f == nil {
			continue
		}
		lis[i] = bufconn.Listen(1 << 20)
		srv := grpc.NewServer()
		orderer.RegisterAtomicBroadcastServer(srv, f)
		go srv.Serve(lis[i])
		t.Cleanup(srv.Stop)
	}
	hash := sha256.Sum256([]byte("client TLS certificate"))
	oc.dial = func(i int) (*abConn, error) {
		if lis[i] == nil {
			return nil, errors.New("connection refused")
		}
		conn, err := grpc.NewClient("passthrough:///"+oc.names[i], grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis[i].DialContext(ctx) }))
		if err != nil {
			return nil, err
		}
		return &abConn{ab: orderer.NewAtomicBroadcastClient(conn), tlsHash: hash[:], close: conn.Close}, nil
	}
	for _, f := range servers {
		if f != nil {
			f.tlsHash = hash[:]
		}
	}
	return oc
}

// TestUpdateCRL_FakeOrderers: against a dead orderer, one without a Raft leader and a
// working one, the update reads the config block the newest block names, is submitted to
// the working orderer, and returns the config block cut after a transaction block; the
// next identical update is refused as no change.
func TestUpdateCRL_FakeOrderers(t *testing.T) {
	orgs := threeOrgs(t)
	ledger := newFakeLedger(t, handConfig(t, orgs), 2) // config block 0, transactions 1 and 2
	signers := testSigners(t, orgs[:2])
	submitter := signers[0]
	good := &fakeOrderer{t: t, l: ledger}
	oc := fakeOrderers(t, submitter, nil, &fakeOrderer{t: t, l: ledger, unavailable: true}, good)
	_, _, user := orgs[0].ca.issue(t, t.TempDir(), "User1")
	crls := [][]byte{orgs[0].ca.crl(t, user.SerialNumber)}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var log []string
	logf := func(f string, a ...any) { log = append(log, fmt.Sprintf(f, a...)) }
	num, err := updateCRL(ctx, oc, "BureauMSP", crls, signers, logf)
	if err != nil {
		t.Fatal(err)
	}
	if num != 4 {
		t.Errorf("config block %d, want 4 (3 is the transaction block cut before it)", num)
	}
	_, fc, _ := decodeMSP(ledger.cfg.ChannelGroup.Groups["Application"].Groups["BureauMSP"].Values["MSP"])
	if len(fc.RevocationList) != 1 || !bytes.Equal(fc.RevocationList[0], crls[0]) {
		t.Errorf("ledger revocation list %q", fc.RevocationList)
	}
	if !strings.Contains(strings.Join(log, "\n"), "signed by the admins of BureauMSP, OperatorMSP") {
		t.Errorf("log does not name the signers:\n%s", strings.Join(log, "\n"))
	}
	if _, err := updateCRL(ctx, oc, "BureauMSP", crls, signers, logf); !errors.Is(err, ErrNoCRLChange) {
		t.Errorf("the same list again: %v", err)
	}

	// without the org's own admin the (fake) orderer refuses it, on every orderer
	_, _, user2 := orgs[0].ca.issue(t, t.TempDir(), "User2")
	_, err = updateCRL(ctx, oc, "BureauMSP", [][]byte{orgs[0].ca.crl(t, user.SerialNumber, user2.SerialNumber)}, signers[1:], logf)
	if err == nil || !strings.Contains(err.Error(), "FORBIDDEN") || !strings.Contains(err.Error(), "orderer0: connection refused") {
		t.Errorf("update without the org's admin: %v", err)
	}
}

// TestWaitConfig_GivesUp: when no config block with the update comes, the wait ends with
// ctx and says which blocks it saw.
func TestWaitConfig_GivesUp(t *testing.T) {
	orgs := threeOrgs(t)
	ledger := newFakeLedger(t, handConfig(t, orgs), 1)
	oc := fakeOrderers(t, testSigners(t, orgs[:1])[0], &fakeOrderer{t: t, l: ledger})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	go ledger.addConfig(t, ledger.cfg) // a config block, but not the one waited for
	_, err := oc.waitConfig(ctx, 1, func(*common.Config) bool { return false })
	if err == nil || !strings.Contains(err.Error(), "from block 1 to 2") {
		t.Errorf("wait: %v", err)
	}
}

// ---- the real genesis block ----------------------------------------------------------

// TestCRLUpdate_GenesisBlock runs cryptogen and configtxgen (skipped without the Fabric
// binaries or with -short) and checks the update against the channel's real genesis
// config: the org group is keyed by its MSP id, every version is 0, the MSP value's
// mod_policy is Admins with the org's own Admins policy beside it; a CRL signed by the
// org's cryptogen CA passes; the admins' cryptogen keys sign verifiable signatures; and
// UpdateOrgCRL, dialing in-process orderers that serve the orderers' cryptogen TLS
// certificates on free loopback ports and require the clients' (mutual TLS, TLS binding
// checked against the real client certificate), returns the config block.
func TestCRLUpdate_GenesisBlock(t *testing.T) {
	l := fabricTestLayout(t)
	top := fabricTestTopology(t)
	if err := GenerateCrypto(top, l); err != nil {
		t.Fatal(err)
	}
	genesis, cfg := genesisBlock(t, top, l)
	if idx, err := lastConfigIndex(genesis); err != nil || idx != 0 {
		t.Errorf("genesis last config %d %v", idx, err)
	}

	c := NewCrypto(top, l)
	op := top.Org("Operator")
	caDir := filepath.Join(c.orgDir(op), "ca")
	caSigner, err := loadSigner(op.MSPID, filepath.Join(caDir, "ca."+top.OrgDomain(op)+"-cert.pem"), filepath.Join(caDir, "priv_sk"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(caSigner.cert)
	caCert, _ := x509.ParseCertificate(b.Bytes)
	ca := &testCA{cert: caCert, key: caSigner.key}
	userPEM, err := os.ReadFile(c.UserCert(op, "User1"))
	if err != nil {
		t.Fatal(err)
	}
	ub, _ := pem.Decode(userPEM)
	user, _ := x509.ParseCertificate(ub.Bytes)
	crls := [][]byte{ca.crl(t, user.SerialNumber)}

	u, err := crlUpdate(cfg, top.Channel, op.MSPID, crls)
	if err != nil {
		t.Fatal(err)
	}
	org := u.WriteSet.GetGroups()["Application"].GetGroups()[op.MSPID]
	if org == nil {
		t.Fatalf("write set Application groups %s, want %s", sortedKeys(u.WriteSet.GetGroups()["Application"].GetGroups()), op.MSPID)
	}
	if m := org.Values["MSP"]; m.Version != 1 || m.ModPolicy != "Admins" {
		t.Errorf("written MSP value version %d mod_policy %q, want 1 Admins", m.Version, m.ModPolicy)
	}
	delta, err := fabricDelta(cfg, u)
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(delta); got != "[Value]  /Channel/Application/"+op.MSPID+"/MSP" {
		t.Errorf("delta %s", got)
	}
	admins := cfg.ChannelGroup.Groups["Application"].Groups[op.MSPID].Policies["Admins"]
	if admins.GetPolicy().GetType() != int32(common.Policy_SIGNATURE) {
		t.Errorf("%s Admins policy: %v", op.MSPID, admins)
	}

	orgs, err := ConfigSigningOrgs(top, op)
	if err != nil {
		t.Fatal(err)
	}
	signers, err := loadAdminSigners(c, orgs)
	if err != nil {
		t.Fatal(err)
	}
	env, err := configUpdateEnvelope(u, top.Channel, signers, signers[1])
	if err != nil {
		t.Fatal(err)
	}
	var p common.Payload
	var cue common.ConfigUpdateEnvelope
	_ = proto.Unmarshal(env.Payload, &p)
	_ = proto.Unmarshal(p.Data, &cue)
	for i, cs := range cue.Signatures {
		var h common.SignatureHeader
		_ = proto.Unmarshal(cs.SignatureHeader, &h)
		if err := verifySig(h.Creator, append(append([]byte{}, cs.SignatureHeader...), cue.ConfigUpdate...), cs.Signature); err != nil {
			t.Errorf("signature of %s: %v", orgs[i].Name, err)
		}
	}

	ledger := newFakeLedger(t, cfg, 3)
	for i, node := range top.Orderers() {
		// the topology is this test's own copy: its orderers move to free ports
		node.Port = serveOrdererTLS(t, c, node, &fakeOrderer{t: t, l: ledger, unavailable: i == 0})
	}
	var out bytes.Buffer
	n := &Net{T: top, L: l, Out: &out}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opCopy := *op
	num, err := n.UpdateOrgCRL(ctx, &opCopy, crls)
	if err != nil || num != 5 {
		t.Fatalf("UpdateOrgCRL: block %d, %v", num, err)
	}
	_, fc, _ := decodeMSP(ledger.cfg.ChannelGroup.Groups["Application"].Groups[op.MSPID].Values["MSP"])
	if len(fc.RevocationList) != 1 || !bytes.Equal(fc.RevocationList[0], crls[0]) {
		t.Errorf("ledger revocation list %q", fc.RevocationList)
	}
	t.Logf("UpdateOrgCRL said:\n%s", out.String())
}
