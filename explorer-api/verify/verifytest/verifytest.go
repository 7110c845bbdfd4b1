// Package verifytest builds what the explorer's unit tests need to exercise package
// verify without a network: ECDSA P-256 certificate authorities, certificates they
// issue, revocation lists, and Fabric v2.5 config blocks carrying organizations' MSPs.
// It imports the client's block hashes, not package verify, so that verify's own
// (internal) tests can use it.
package verifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/client"
)

// CA is a test certificate authority of one MSP.
type CA struct {
	Key  *ecdsa.PrivateKey
	Cert *x509.Certificate
	PEM  []byte
}

// NewCA makes a self-signed CA that may sign certificates and revocation lists (as
// cryptogen's and Fabric CA's do).
func NewCA(t testing.TB, name string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + name}, NotBefore: time.Now().Add(-72 * time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	return sign(t, tmpl, tmpl, key, key)
}

// Impostor makes a CA with c's name and key id but a key of its own: what it signs
// claims to come from c.
func (c *CA) Impostor(t testing.TB) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := *c.Cert
	tmpl.PublicKey = &key.PublicKey // the parent's key, checked against the signing key
	return sign(t, &tmpl, &tmpl, key, key)
}

// Intermediate makes a CA that c issued.
func (c *CA) Intermediate(t testing.TB, name string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: serial(t), Subject: pkix.Name{CommonName: "ica." + name}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	return sign(t, tmpl, c.Cert, key, c.Key)
}

// Issue makes an end-entity certificate for cn (a person's enrollment certificate, a
// peer's or an orderer's), with a random serial number.
func (c *CA) Issue(t testing.TB, cn string) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: serial(t), Subject: pkix.Name{CommonName: cn}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	return key, sign(t, tmpl, c.Cert, key, c.Key).Cert
}

// CRL is a PEM revocation list signed by c revoking certs.
func (c *CA) CRL(t testing.TB, certs ...*x509.Certificate) []byte {
	t.Helper()
	tmpl := &x509.RevocationList{Number: serial(t), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(24 * time.Hour)}
	for _, r := range certs {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: r.SerialNumber, RevocationTime: time.Now().Add(-time.Minute), ReasonCode: 1})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, c.Cert, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der})
}

// PEMOf encodes a certificate.
func PEMOf(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// MSP is one organization's MSP in a config block.
type MSP struct {
	ID            string
	Roots         [][]byte // PEM
	Intermediates [][]byte // PEM
	CRLs          [][]byte // PEM
}

// Group is the organization's config group: its MSP value.
func (m MSP) Group() *common.ConfigGroup {
	fc := Marshal(&msp.FabricMSPConfig{Name: m.ID, RootCerts: m.Roots, IntermediateCerts: m.Intermediates, RevocationList: m.CRLs})
	return &common.ConfigGroup{Values: map[string]*common.ConfigValue{"MSP": {Value: Marshal(&msp.MSPConfig{Type: 0, Config: fc})}}}
}

// ConfigBlock is config block n of channel "pdl" with orderer organization orderer and
// the application organizations apps; each org's group is named after its MSP id.
func ConfigBlock(n uint64, prev []byte, orderer MSP, apps ...MSP) *common.Block {
	app := map[string]*common.ConfigGroup{}
	for _, m := range apps {
		app[m.ID] = m.Group()
	}
	cfg := &common.Config{ChannelGroup: &common.ConfigGroup{Groups: map[string]*common.ConfigGroup{
		"Orderer":     {Groups: map[string]*common.ConfigGroup{orderer.ID: orderer.Group()}},
		"Application": {Groups: app},
	}}}
	ch := Marshal(&common.ChannelHeader{Type: int32(common.HeaderType_CONFIG), ChannelId: "pdl"})
	env := Marshal(&common.Envelope{Payload: Marshal(&common.Payload{Header: &common.Header{ChannelHeader: ch},
		Data: Marshal(&common.ConfigEnvelope{Config: cfg})})})
	return Block(n, prev, env)
}

// Block is an unsigned block n holding envs, its data hash set.
func Block(n uint64, prev []byte, envs ...[]byte) *common.Block {
	b := &common.Block{Header: &common.BlockHeader{Number: n, PreviousHash: prev}, Data: &common.BlockData{Data: envs},
		Metadata: &common.BlockMetadata{Metadata: make([][]byte, 5)}}
	b.Header.DataHash = client.DataHash(b.Data)
	return b
}

// Marshal marshals m, panicking on failure (test fixtures only).
func Marshal(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// serial is a random 128-bit serial number: revocation tests need distinct ones.
func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func sign(t testing.TB, tmpl, parent *x509.Certificate, key, parentKey *ecdsa.PrivateKey) *CA {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &CA{Key: key, Cert: cert, PEM: PEMOf(cert)}
}
