package client

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

// CertNames reads a PEM certificate file and returns the subject and issuer names the
// chaincode binds identities by (Go's pkix.Name rendering, as the chaincode computes
// them from the transaction creator).
func CertNames(path string) (subject, issuer string, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	cert, err := ParseCertPEM(raw)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	return cert.Subject.String(), cert.Issuer.String(), nil
}

// ParseCertPEM parses the first certificate of a PEM text.
func ParseCertPEM(raw []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(raw)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("no PEM certificate")
	}
	return x509.ParseCertificate(b.Bytes)
}
