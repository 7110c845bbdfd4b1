package client

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

func TestExportPKCS12_RoundTripsAndRefusesShortPasswords(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "User1@sourceunit.pdl.example"},
		Issuer: pkix.Name{CommonName: "ca"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	p := &Profile{Name: "t", Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "priv_sk")}
	_ = os.WriteFile(p.Cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(p.Key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)

	if _, _, err := ExportPKCS12(p, "short"); err == nil {
		t.Fatal("a 5-character password was accepted")
	}
	p12, cert, err := ExportPKCS12(p, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	gotKey, gotCert, err := pkcs12.Decode(p12, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !gotCert.Equal(cert) || !gotKey.(*ecdsa.PrivateKey).Equal(key) {
		t.Fatal("the file does not hold the profile's certificate and key")
	}
	if _, _, err := pkcs12.Decode(p12, "wrong password"); err == nil {
		t.Fatal("the file opened with a wrong password")
	}
}
