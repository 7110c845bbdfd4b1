package cli

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

func TestIdentity_BindRequestCarriesTheCertificate(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "zhang.san", OrganizationalUnit: []string{"client"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	certFile := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	p := &client.Profile{Name: "su-zhang", Org: "SourceUnit", MSPID: "SourceUnitMSP", User: "zhang.san", PeerEndpoint: "127.0.0.1:9051",
		TLSRootCert: certFile, TLSClientCert: certFile, TLSClientKey: certFile, Cert: certFile, Key: certFile, Channel: "pdl", Chaincode: "pdl"}
	raw, _ := json.Marshal(p)
	profile := filepath.Join(dir, "su-zhang.json")
	if err := os.WriteFile(profile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := Execute(t.Context(), &App{Lang: model.EN, Stdout: &out, Stderr: &errb}, []string{"-p", profile, "identity", "bind-request", "--participant", "su-fgj"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var req model.BindIdentityRequest
	if err := json.Unmarshal(out.Bytes(), &req); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	id, err := client.IdentityOf(p)
	if err != nil {
		t.Fatal(err)
	}
	if req.Participant != "su-fgj" || req.MSPID != "SourceUnitMSP" || req.Subject != id.Subject || req.KeyDigest != id.KeyDigest || req.Certificate != string(certPEM) {
		t.Fatalf("request %+v", req)
	}
	if err := req.Check(); err != nil {
		t.Fatalf("the request does not pass the chaincode's own check: %v", err)
	}
	out.Reset()
	errb.Reset()
	if code := Execute(t.Context(), &App{Lang: model.EN, Stdout: &out, Stderr: &errb}, []string{"-p", profile, "identity", "bind-request"}); code != 2 {
		t.Fatalf("without --participant: exit %d, want 2 (%s)", code, errb.String())
	}
}
