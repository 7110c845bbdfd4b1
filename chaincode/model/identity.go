package model

import (
	"crypto/x509"
	"strings"

	"github.com/pdledger/pdledger/chaincode/gm"
)

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
