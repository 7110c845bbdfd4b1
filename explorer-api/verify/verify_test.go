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
	"math/big"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// ca is a test certificate authority of one MSP.
type ca struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
	pem  []byte
}

func newCA(t *testing.T, name string) *ca {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + name}, NotBefore: time.Now().Add(-72 * time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &ca{key: key, cert: cert, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// signer is an orderer identity issued by a CA.
type signer struct {
	msp  string
	key  *ecdsa.PrivateKey
	cert []byte
}

func (c *ca) issue(t *testing.T, mspID, cn string) *signer {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{msp: mspID, key: key, cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func mustMarshal(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func mspGroup(id string, root []byte) *common.ConfigGroup {
	fc := mustMarshal(&msp.FabricMSPConfig{Name: id, RootCerts: [][]byte{root}})
	return &common.ConfigGroup{Values: map[string]*common.ConfigValue{"MSP": {Value: mustMarshal(&msp.MSPConfig{Type: 0, Config: fc})}}}
}

// configBlock builds a config block with one orderer org and one application org.
func configBlock(n uint64, prev []byte, ordererMSP string, ordererRoot []byte, appRoot []byte) *common.Block {
	cfg := &common.Config{ChannelGroup: &common.ConfigGroup{Groups: map[string]*common.ConfigGroup{
		"Orderer":     {Groups: map[string]*common.ConfigGroup{"OrdererOrg": mspGroup(ordererMSP, ordererRoot)}},
		"Application": {Groups: map[string]*common.ConfigGroup{"Org1": mspGroup("Org1MSP", appRoot)}},
	}}}
	ch := mustMarshal(&common.ChannelHeader{Type: int32(common.HeaderType_CONFIG), ChannelId: "pdl"})
	env := mustMarshal(&common.Envelope{Payload: mustMarshal(&common.Payload{Header: &common.Header{ChannelHeader: ch},
		Data: mustMarshal(&common.ConfigEnvelope{Config: cfg})})})
	return newBlock(n, prev, env)
}

func newBlock(n uint64, prev []byte, envs ...[]byte) *common.Block {
	b := &common.Block{Header: &common.BlockHeader{Number: n, PreviousHash: prev}, Data: &common.BlockData{Data: envs},
		Metadata: &common.BlockMetadata{Metadata: make([][]byte, 5)}}
	b.Header.DataHash = DataHash(b.Data)
	return b
}

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
	der, err := x509.CreateCertificate(rand.Reader, tmpl, oca.cert, &key.PublicKey, oca.key)
	if err != nil {
		t.Fatal(err)
	}
	old := &signer{msp: "OrdererMSP", key: key, cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	genesis := configBlock(0, nil, "OrdererMSP", oca.pem, aca.pem)
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
	ord := oca.issue(t, "OrdererMSP", "orderer0")
	genesis := configBlock(0, nil, "OrdererMSP", oca.pem, aca.pem)
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
	other.issue(t, "OrdererMSP", "orderer0").sign(t, rogue)
	if c := code(v.Verify(rogue, prev)); c != SignerUnknown {
		t.Fatalf("signed under another CA: %s", c)
	}
	caSigned := newBlock(1, prev, []byte("tx-a"))
	(&signer{msp: "OrdererMSP", key: oca.key, cert: oca.pem}).sign(t, caSigned)
	if c := code(v.Verify(caSigned, prev)); c != SignerUnknown {
		t.Fatalf("signed by the CA itself: %s", c)
	}
	peerSigned := newBlock(1, prev, []byte("tx-a"))
	aca.issue(t, "Org1MSP", "peer0").sign(t, peerSigned)
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
	cfg := configBlock(2, HeaderHash(good.Header), "OrdererMSP", nca.pem, aca.pem)
	ord.sign(t, cfg)
	if err := v.Verify(cfg, HeaderHash(good.Header)); err != nil {
		t.Fatalf("config block: %v", err)
	}
	after := newBlock(3, HeaderHash(cfg.Header), []byte("tx-c"))
	ord.sign(t, after)
	if c := code(v.Verify(after, HeaderHash(cfg.Header))); c != SignerUnknown {
		t.Fatalf("old orderer after the config change: %s", c)
	}
	nca.issue(t, "OrdererMSP", "orderer9").sign(t, after)
	if err := v.Verify(after, HeaderHash(cfg.Header)); err != nil {
		t.Fatalf("new orderer: %v", err)
	}
}
