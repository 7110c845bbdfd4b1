package client

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// MinP12Password is the shortest password ExportPKCS12 accepts: the file holds the
// identity's private key and is meant to be carried to a browser.
const MinP12Password = 8

// P12Iterations is the PBKDF2-SHA256 round count of exported files (OWASP's 2023 figure).
const P12Iterations = 600000

// ExportPKCS12 is the profile's enrollment certificate and private key as a
// password-protected PKCS#12 file (AES-256 and PBKDF2, the 2023 profile every current
// browser and NSS import), for logging in to the web console with the identity, the way
// a government U-Key certificate is installed. It also returns the certificate, whose
// issuer the browser shows when it asks which certificate to present.
func ExportPKCS12(p *Profile, password string) ([]byte, *x509.Certificate, error) {
	if len([]rune(password)) < MinP12Password {
		return nil, nil, fmt.Errorf("the PKCS#12 password must have at least %d characters", MinP12Password)
	}
	certPEM, err := os.ReadFile(p.Cert)
	if err != nil {
		return nil, nil, fmt.Errorf("profile %s: certificate: %w", p.Name, err)
	}
	keyPEM, err := os.ReadFile(p.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("profile %s: key: %w", p.Name, err)
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, errors.New("profile " + p.Name + ": the certificate or the key is not PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("profile %s: certificate: %w", p.Name, err)
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("profile %s: key: %w", p.Name, err)
	}
	// far more PBKDF2 rounds than the profile's default 2048: the file holds a private key
	// and may be carried around, and its password is typed by a person
	der, err := pkcs12.Modern2023.WithIterations(P12Iterations).Encode(key, cert, nil, password)
	if err != nil {
		return nil, nil, fmt.Errorf("profile %s: PKCS#12: %w", p.Name, err)
	}
	return der, cert, nil
}
