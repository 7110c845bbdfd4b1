package model

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"

	"github.com/pdledger/pdledger/chaincode/gm"
)

// AttrParticipant is the Fabric CA attribute naming the participant a certificate is
// issued for: an organization's CA registers a person with
// --id.attrs 'pdl.participant=su-zjj:ecert', and the enrollment certificate carries it in
// the attribute extension (OID 1.2.3.4.5.6.7.8.1, {"attrs":{"pdl.participant":"su-zjj"}}).
// A certificate carrying it acts only through a binding to that participant
// (RuleIdentityAttribute); one without it (cryptogen's) acts through its binding alone.
const AttrParticipant = "pdl.participant"

// CertIdentity is what the ledger binds a certificate by: its MSP, subject and issuer
// names (Go's pkix.Name rendering), and the SM3 digest of its public key. The key is
// part of the identity so that a CA issuing a second certificate with another party's
// names cannot act for that party.
type CertIdentity struct {
	MSPID     string `json:"mspId"`
	Subject   string `json:"subject"`
	Issuer    string `json:"issuer"`
	KeyDigest string `json:"keyDigest"` // SM3 (hex) of the SubjectPublicKeyInfo DER
	Admin     bool   `json:"admin"`     // the certificate carries the admin OU
}

// IdentityOf reads a certificate's identity for an MSP.
func IdentityOf(msp string, cert *x509.Certificate) CertIdentity {
	id := CertIdentity{MSPID: msp, Subject: cert.Subject.String(), Issuer: cert.Issuer.String(), KeyDigest: gm.SumHex(cert.RawSubjectPublicKeyInfo)}
	for _, ou := range cert.Subject.OrganizationalUnit {
		if strings.EqualFold(ou, "admin") {
			id.Admin = true
		}
	}
	return id
}

// Key is the binding key of the identity: the id of its IdentityBinding record.
func (c CertIdentity) Key() string {
	return IdentityKey(c.MSPID, c.Subject, c.Issuer, c.KeyDigest)
}

// IdentityKey derives a binding key. The chaincode, the client and the explorer all
// compute it with this function.
func IdentityKey(msp, subject, issuer, keyDigest string) string {
	return gm.SumHex([]byte(msp + "\x00" + subject + "\x00" + issuer + "\x00" + keyDigest))
}

// ParseCertificatePEM parses a PEM text holding exactly one certificate (a chain, a key
// or anything after the block is refused).
func ParseCertificatePEM(s string) (*x509.Certificate, error) {
	block, rest := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if block.Type != "CERTIFICATE" {
		return nil, errors.New("the PEM block is a " + block.Type + ", not a CERTIFICATE")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("more than one PEM block: give the one certificate, not a chain")
	}
	return x509.ParseCertificate(block.Bytes)
}

// CertAttribute reads a Fabric CA attribute of a certificate exactly as the chaincode's
// cid does for the transaction's creator (attrmgr): found is false when the certificate
// has no attribute extension or the extension has no such attribute; an extension that
// is not the attributes' JSON is an error.
func CertAttribute(cert *x509.Certificate, name string) (value string, found bool, err error) {
	attrs, err := attrmgr.New().GetAttributesFromCert(cert)
	if err != nil {
		return "", false, err
	}
	return attrs.Value(name)
}
