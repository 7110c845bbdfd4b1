package client

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/pdledger/pdledger/chaincode/model"
)

// IdentityOf reads the profile's certificate and returns the identity the ledger binds
// it by (the same model.IdentityOf the chaincode applies to the transaction's creator).
func IdentityOf(p *Profile) (model.CertIdentity, error) {
	raw, err := os.ReadFile(p.Cert)
	if err != nil {
		return model.CertIdentity{}, err
	}
	cert, err := ParseCertPEM(raw)
	if err != nil {
		return model.CertIdentity{}, fmt.Errorf("%s: %w", p.Cert, err)
	}
	return model.IdentityOf(p.MSPID, cert), nil
}

// BindRequest is the bureau's request to let the profile's certificate act for
// participant (Participant:BindIdentity) under request id.
func BindRequest(p *Profile, participant, id string) (model.BindIdentityRequest, error) {
	ident, err := IdentityOf(p)
	if err != nil {
		return model.BindIdentityRequest{}, err
	}
	raw, err := os.ReadFile(p.Cert)
	if err != nil {
		return model.BindIdentityRequest{}, err
	}
	// The certificate goes along, so a binding to another participant than the one its
	// CA attribute names is refused when it is made (IDENTITY_ATTRIBUTE_MISMATCH).
	b, _ := pem.Decode(raw)
	return model.BindIdentityRequest{Request: model.Request{ID: id}, Participant: participant, MSPID: ident.MSPID,
		Subject: ident.Subject, Issuer: ident.Issuer, KeyDigest: ident.KeyDigest, Certificate: string(pem.EncodeToMemory(b))}, nil
}

// ParseCertPEM parses the first certificate of a PEM text.
func ParseCertPEM(raw []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(raw)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("no PEM certificate")
	}
	return x509.ParseCertificate(b.Bytes)
}
