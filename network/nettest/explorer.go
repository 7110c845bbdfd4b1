package nettest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// ExplorerHTTP is an HTTP client that calls the running explorer as profile (mutual TLS
// with the profile's certificate, the explorer's CA trusted), and the explorer's base URL.
func ExplorerHTTP(t testing.TB, profile string) (*http.Client, string) {
	t.Helper()
	n := Net(t)
	p, ok := n.Profiles()[profile]
	if !ok {
		t.Fatalf("no profile %q", profile)
	}
	pair, err := tls.LoadX509KeyPair(p.Cert, p.Key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(filepath.Join(n.L.Run, "explorer", "tls", "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}
	return &http.Client{Timeout: 30 * time.Second, Transport: tr}, p.Explorer
}
