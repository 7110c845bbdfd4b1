package network

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// withSignatureS re-encodes a certificate's ECDSA signature with S or N-S (both verify
// mathematically; Fabric and fabric-sdk-go accept only the low one).
func withSignatureS(t *testing.T, der []byte, high bool) []byte {
	t.Helper()
	var cert struct {
		TBS  asn1.RawValue
		Alg  asn1.RawValue
		Sig  asn1.BitString
		Rest asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(der, &cert); err != nil {
		t.Fatal(err)
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(cert.Sig.Bytes, &sig); err != nil {
		t.Fatal(err)
	}
	n := elliptic.P256().Params().N
	half := new(big.Int).Rsh(n, 1)
	if (sig.S.Cmp(half) > 0) != high {
		sig.S = new(big.Int).Sub(n, sig.S)
	}
	raw, err := asn1.Marshal(sig)
	if err != nil {
		t.Fatal(err)
	}
	cert.Sig = asn1.BitString{Bytes: raw, BitLength: 8 * len(raw)}
	out, err := asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}{cert.TBS, cert.Alg, cert.Sig})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCA_HighSCertificateDetected(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca.test"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, high := range []bool{false, true} {
		d := withSignatureS(t, der, high)
		c, err := x509.ParseCertificate(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.CheckSignatureFrom(c); err != nil {
			t.Fatalf("high=%v: the re-encoded signature must still verify: %v", high, err)
		}
		low, err := lowSSignature(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d}))
		if err != nil || low == high {
			t.Fatalf("high=%v: lowSSignature = %v, %v", high, low, err)
		}
	}
	if _, err := lowSSignature([]byte("not a certificate")); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestCA_ServerConfigNamesBothInstancesAndPorts(t *testing.T) {
	top, err := LoadTopology("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n := &Net{T: top, L: Layout{Run: "/run"}}
	o := top.Org("SourceUnit")
	if o.CA == nil || o.CAAddr() != "127.0.0.1:9054" {
		t.Fatalf("SourceUnit CA = %+v", o.CA)
	}
	main := n.caServerConfig(o, CAName, "s3cret", true)
	tls := n.caServerConfig(o, TLSCAName, "s3cret", false)
	for _, want := range []string{"port: 9054", `listenAddress: "127.0.0.1:9451"`, "name: ca\n", "ca.sourceunit.pdl.example-cert.pem", "tlsca/fabric-ca-config.yaml", `pass: "s3cret"`, "hf.Revoker: true", "sourceunit: []"} {
		if !strings.Contains(main, want) {
			t.Errorf("server config lacks %q:\n%s", want, main)
		}
	}
	for _, want := range []string{"name: tlsca\n", "tlsca.sourceunit.pdl.example-cert.pem", "tlsca.db"} {
		if !strings.Contains(tls, want) {
			t.Errorf("tlsca config lacks %q:\n%s", want, tls)
		}
	}
	if strings.Contains(tls, "port:") {
		t.Error("the second instance must not name a listener")
	}
	ports := strings.Join(top.AllPorts(), " ")
	for _, p := range []string{"127.0.0.1:7054", "127.0.0.1:8054", "127.0.0.1:9054", "127.0.0.1:9449"} {
		if !strings.Contains(ports, p) {
			t.Errorf("AllPorts lacks the CA port %s", p)
		}
	}
}

func TestStatus_ListsCertificatesExpiringWithin30Days(t *testing.T) {
	run := t.TempDir()
	n := &Net{L: Layout{Run: run}}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	write := func(path, cn string, notAfter time.Time) {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn}, NotBefore: now.Add(-time.Hour), NotAfter: notAfter}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(run, "crypto", "peerOrganizations", "x", "ca", "ca.x-cert.pem"), "ca.x", now.AddDate(10, 0, 0))
	write(filepath.Join(run, "identities", "su-a", "cert.pem"), "soon", now.AddDate(0, 0, 29))
	write(filepath.Join(run, "identities", "su-b", "tls.crt"), "expired", now.AddDate(0, 0, -1))
	write(filepath.Join(run, "identities", "su-c", "cert.pem"), "later", now.AddDate(0, 0, 31))
	write(filepath.Join(run, "identities", "su-a", "sdk-ca", "state", "x-cert.pem"), "sdk copy", now.AddDate(0, 0, 1))
	got, read, err := n.ExpiringCertificates(now, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if read != 4 || len(got) != 2 || got[0].Subject != "CN=expired" || got[1].Subject != "CN=soon" {
		t.Fatalf("read %d, expiring %+v; want 4 read (the SDK's store copies skipped), expired then soon", read, got)
	}
}
