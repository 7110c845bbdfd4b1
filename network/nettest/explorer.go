package nettest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pdledger/pdledger/client"
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
	return ExplorerHTTPAs(t, p), p.Explorer
}

// ExplorerHTTPAs is an HTTP client that calls the running explorer with p's certificate
// (a profile of the topology or one enrolled with pdl-ca).
func ExplorerHTTPAs(t testing.TB, p *client.Profile) *http.Client {
	t.Helper()
	n := Net(t)
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
	return &http.Client{Timeout: 30 * time.Second, Transport: tr}
}
