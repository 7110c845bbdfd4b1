package verify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/explorer-api/verify/verifytest"
)

// signer is an orderer identity issued by a CA.
type signer struct {
	msp  string
	key  *ecdsa.PrivateKey
	cert []byte
}

func newCA(t *testing.T, name string) *verifytest.CA { return verifytest.NewCA(t, name) }

func issue(t *testing.T, c *verifytest.CA, mspID, cn string) *signer {
	key, cert := c.Issue(t, cn)
	return &signer{msp: mspID, key: key, cert: verifytest.PEMOf(cert)}
}

var mustMarshal = verifytest.Marshal

// configBlock builds a config block with one orderer org and one application org.
func configBlock(n uint64, prev []byte, ordererMSP string, ordererRoot []byte, appRoot []byte) *common.Block {
	return verifytest.ConfigBlock(n, prev, verifytest.MSP{ID: ordererMSP, Roots: [][]byte{ordererRoot}},
		verifytest.MSP{ID: "Org1MSP", Roots: [][]byte{appRoot}})
}

var newBlock = verifytest.Block

// sign signs the block the way Fabric v2.5's block writer does.
func (s *signer) sign(t *testing.T, b *common.Block) {
	sh := mustMarshal(&common.SignatureHeader{Creator: mustMarshal(&msp.SerializedIdentity{Mspid: s.msp, IdBytes: s.cert}), Nonce: []byte("nonce")})
	value := mustMarshal(&common.OrdererBlockMetadata{LastConfig: &common.LastConfig{Index: 0}})
	digest := sha256.Sum256(append(append(append([]byte{}, value...), sh...), HeaderBytes(b.Header)...))
	sig, err := ecdsa.SignASN1(rand.Reader, s.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	b.Metadata.Metadata[common.BlockMetadataIndex_SIGNATURES] = mustMarshal(&common.Metadata{Value: value,
		Signatures: []*common.MetadataSignature{{SignatureHeader: sh, Signature: sig}}})
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// TestVerify_ExpiredSignerStillVerifies: re-indexing history after an orderer's
// certificate expired must not stop at its old blocks (Fabric checks at NotBefore).
func TestVerify_ExpiredSignerStillVerifies(t *testing.T) {
	oca, aca := newCA(t, "orderer"), newCA(t, "org1")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "orderer-old"}, NotBefore: time.Now().Add(-48 * time.Hour),
		NotAfter: time.Now().Add(-24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, oca.Cert, &key.PublicKey, oca.Key)
	if err != nil {
		t.Fatal(err)
	}
	old := &signer{msp: "OrdererMSP", key: key, cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	genesis := configBlock(0, nil, "OrdererMSP", oca.PEM, aca.PEM)
	v, err := NewVerifier(genesis)
	if err != nil {
		t.Fatal(err)
	}
	b := newBlock(1, HeaderHash(genesis.Header), []byte("tx"))
	old.sign(t, b)
	if err := v.Verify(b, HeaderHash(genesis.Header)); err != nil {
		t.Fatalf("expired orderer certificate: %v", err)
	}
}

func TestVerify_ChainOfSignedBlocks(t *testing.T) {
	oca, aca, other := newCA(t, "orderer"), newCA(t, "org1"), newCA(t, "rogue")
	ord := issue(t, oca, "OrdererMSP", "orderer0")
	genesis := configBlock(0, nil, "OrdererMSP", oca.PEM, aca.PEM)
	v, err := NewVerifier(genesis)
	if err != nil {
		t.Fatal(err)
	}
	roots, _ := OrgRoots(genesis)
	if roots["Org1MSP"] == nil || roots["OrdererMSP"] == nil {
		t.Fatalf("org roots: %v", roots)
	}
	prev := HeaderHash(genesis.Header)
	good := newBlock(1, prev, []byte("tx-a"), []byte("tx-b"))
	ord.sign(t, good)
	if err := v.Verify(good, prev); err != nil {
		t.Fatalf("good block: %v", err)
	}

	flipped := proto.Clone(good).(*common.Block)
	flipped.Data.Data[0] = []byte("tx-A")
	if c := code(v.Verify(flipped, prev)); c != DataHashMismatch {
		t.Fatalf("flipped data: %s", c)
	}
	if c := code(v.Verify(good, HeaderHash(good.Header))); c != PrevHashMismatch {
		t.Fatalf("wrong previous hash: %s", c)
	}
	unsigned := newBlock(1, prev, []byte("tx-a"))
	if c := code(v.Verify(unsigned, prev)); c != Unsigned {
		t.Fatalf("unsigned: %s", c)
	}
	rogue := newBlock(1, prev, []byte("tx-a"))
	issue(t, other, "OrdererMSP", "orderer0").sign(t, rogue)
	if c := code(v.Verify(rogue, prev)); c != SignerUnknown {
		t.Fatalf("signed under another CA: %s", c)
	}
	caSigned := newBlock(1, prev, []byte("tx-a"))
	(&signer{msp: "OrdererMSP", key: oca.Key, cert: oca.PEM}).sign(t, caSigned)
	if c := code(v.Verify(caSigned, prev)); c != SignerUnknown {
		t.Fatalf("signed by the CA itself: %s", c)
	}
	peerSigned := newBlock(1, prev, []byte("tx-a"))
	issue(t, aca, "Org1MSP", "peer0").sign(t, peerSigned)
	if c := code(v.Verify(peerSigned, prev)); c != SignerUnknown {
		t.Fatalf("signed by a peer org: %s", c)
	}
	tampered := newBlock(1, prev, []byte("tx-a"))
	ord.sign(t, tampered)
	var m common.Metadata
	_ = proto.Unmarshal(tampered.Metadata.Metadata[common.BlockMetadataIndex_SIGNATURES], &m)
	m.Signatures[0].Signature[len(m.Signatures[0].Signature)-3] ^= 0xff
	tampered.Metadata.Metadata[common.BlockMetadataIndex_SIGNATURES] = mustMarshal(&m)
	if c := code(v.Verify(tampered, prev)); c != SignatureInvalid {
		t.Fatalf("tampered signature: %s", c)
	}

	// a config block moves the ordering service to a new CA: blocks after it must be
	// signed under the new one
	nca := newCA(t, "orderer2")
	cfg := configBlock(2, HeaderHash(good.Header), "OrdererMSP", nca.PEM, aca.PEM)
	ord.sign(t, cfg)
	if err := v.Verify(cfg, HeaderHash(good.Header)); err != nil {
		t.Fatalf("config block: %v", err)
	}
	after := newBlock(3, HeaderHash(cfg.Header), []byte("tx-c"))
	ord.sign(t, after)
	if c := code(v.Verify(after, HeaderHash(cfg.Header))); c != SignerUnknown {
		t.Fatalf("old orderer after the config change: %s", c)
	}
	issue(t, nca, "OrdererMSP", "orderer9").sign(t, after)
	if err := v.Verify(after, HeaderHash(cfg.Header)); err != nil {
		t.Fatalf("new orderer: %v", err)
	}
}

// crlConfig is config block n where Org1MSP (CA org1, intermediates inter) carries crls.
func crlConfig(n uint64, oca, org1 *verifytest.CA, inter [][]byte, crls ...[]byte) *common.Block {
	return verifytest.ConfigBlock(n, nil, verifytest.MSP{ID: "OrdererMSP", Roots: [][]byte{oca.PEM}},
		verifytest.MSP{ID: "Org1MSP", Roots: [][]byte{org1.PEM}, Intermediates: inter, CRLs: crls})
}

// TestOrgs_RevokedByTheIssuersCRL: a certificate is revoked by a verified list of its own
// CA, from the config block that carries the list; a colleague's certificate, the same
// serial under another CA, and another MSP are not.
func TestOrgs_RevokedByTheIssuersCRL(t *testing.T) {
	oca, org1, org2 := newCA(t, "orderer"), newCA(t, "org1"), newCA(t, "org2")
	_, alice := org1.Issue(t, "alice")
	_, bob := org1.Issue(t, "bob")
	before, err := OrgsOf(crlConfig(0, oca, org1, nil))
	if err != nil {
		t.Fatal(err)
	}
	if r, why := before.Revoked("Org1MSP", alice); r {
		t.Fatalf("revoked without a list: %s", why)
	}
	after, err := OrgsOf(crlConfig(1, oca, org1, nil, org1.CRL(t, alice)))
	if err != nil {
		t.Fatalf("config with the CA's own list: %v", err)
	}
	r, why := after.Revoked("Org1MSP", alice)
	if !r || !strings.Contains(why, fmt.Sprintf("0x%x", alice.SerialNumber)) || !strings.Contains(why, "ca.org1") {
		t.Fatalf("alice after the list: %v %q", r, why)
	}
	if r, why := after.Revoked("Org1MSP", bob); r {
		t.Fatalf("colleague refused: %s", why)
	}
	if r, _ := after.Revoked("OrdererMSP", alice); r {
		t.Fatal("another MSP's lists revoke nothing of Org1MSP")
	}
	// the same serial number under another CA is another certificate
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: alice.SerialNumber, Subject: alice.Subject,
		NotBefore: alice.NotBefore, NotAfter: alice.NotAfter}, org2.Cert, &key.PublicKey, org2.Key)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := x509.ParseCertificate(der)
	if r, _ := after.Revoked("Org1MSP", stranger); r {
		t.Fatal("a certificate of another CA revoked by org1's list")
	}
	if chains := after.ClientChains("Org1MSP", []*x509.Certificate{alice}); len(chains) == 0 {
		t.Fatal("alice no longer chains: revocation is Revoked's answer, not the chain's")
	}
}

// TestOrgs_RevokedIntermediate: a list of the root revokes an intermediate CA of the MSP.
func TestOrgs_RevokedIntermediate(t *testing.T) {
	oca, org1 := newCA(t, "orderer"), newCA(t, "org1")
	ica := org1.Intermediate(t, "org1")
	_, carol := ica.Issue(t, "carol")
	o, err := OrgsOf(crlConfig(1, oca, org1, [][]byte{ica.PEM}, org1.CRL(t, ica.Cert), ica.CRL(t)))
	if err != nil {
		t.Fatal(err)
	}
	chains := o.ClientChains("Org1MSP", []*x509.Certificate{carol})
	if len(chains) != 1 || len(chains[0]) != 3 {
		t.Fatalf("carol's chain through the MSP's intermediate: %v", chains)
	}
	if r, _ := o.Revoked("Org1MSP", carol); r {
		t.Fatal("carol herself is not on a list")
	}
	if r, _ := o.Revoked("Org1MSP", chains[0][1]); !r {
		t.Fatal("the revoked intermediate")
	}
}

// TestOrgsOf_ForeignCRLRevokesNothing: a list claiming the org's CA as issuer (same name,
// same key id) but signed by another key, or by a CA of no MSP of the org, or no CRL at
// all, revokes nothing (Fabric's MSP skips it too) and is named in Ignored; a later valid
// list is followed.
func TestOrgsOf_ForeignCRLRevokesNothing(t *testing.T) {
	oca, org1, org2 := newCA(t, "orderer"), newCA(t, "org1"), newCA(t, "org2")
	_, alice := org1.Issue(t, "alice")
	for _, c := range []struct {
		name, why string
		list      []byte
	}{
		{"impostor of the org's CA", "signature does not verify", org1.Impostor(t).CRL(t, alice)},
		{"another org's CA", "none of the MSP's", org2.CRL(t, alice)},
		{"not a CRL", "revocation list 0", org1.PEM},
	} {
		o, err := OrgsOf(crlConfig(1, oca, org1, nil, c.list))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(o.Ignored) != 1 || !strings.Contains(o.Ignored[0], "Org1MSP") || !strings.Contains(o.Ignored[0], c.why) {
			t.Fatalf("%s: ignored = %q", c.name, o.Ignored)
		}
		if r, _ := o.Revoked("Org1MSP", alice); r {
			t.Fatalf("%s: revoked alice", c.name)
		}
	}
	v, err := NewVerifier(crlConfig(0, oca, org1, nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Observe(crlConfig(1, oca, org1, nil, org2.CRL(t, alice))); err != nil {
		t.Fatal(err)
	}
	if err := v.Observe(crlConfig(2, oca, org1, nil, org1.CRL(t, alice))); err != nil {
		t.Fatal(err)
	}
	if r, _ := v.Orgs().Revoked("Org1MSP", alice); !r {
		t.Fatal("the verifier's organizations do not follow the newest config")
	}
}
