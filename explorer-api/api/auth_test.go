package api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/pdledger/pdledger/explorer-api/store"
	"github.com/pdledger/pdledger/explorer-api/verify"
	"github.com/pdledger/pdledger/explorer-api/verify/verifytest"
)

func newStore(t *testing.T) *store.Store {
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// revocationChannel is a channel of one orderer org and Org1MSP, whose CA issued alice's
// and bob's certificates, followed by a verifier the way the indexer follows it.
type revocationChannel struct {
	orderer, org1 *verifytest.CA
	alice, bob    *x509.Certificate
	v             *verify.Verifier
}

func newRevocationChannel(t *testing.T) *revocationChannel {
	ch := &revocationChannel{orderer: verifytest.NewCA(t, "orderer"), org1: verifytest.NewCA(t, "org1")}
	_, ch.alice = ch.org1.Issue(t, "alice")
	_, ch.bob = ch.org1.Issue(t, "bob")
	v, err := verify.NewVerifier(ch.config(0))
	if err != nil {
		t.Fatal(err)
	}
	ch.v = v
	return ch
}

// config is config block n with Org1MSP carrying crls.
func (ch *revocationChannel) config(n uint64, crls ...[]byte) *common.Block {
	return verifytest.ConfigBlock(n, nil, verifytest.MSP{ID: "OrdererMSP", Roots: [][]byte{ch.orderer.PEM}},
		verifytest.MSP{ID: "Org1MSP", Roots: [][]byte{ch.org1.PEM}, CRLs: crls})
}

// whoami asks /api/v1/whoami with cert as the mutual-TLS client certificate.
func whoami(t *testing.T, r *gin.Engine, cert *x509.Certificate, lang string) (int, Caller, Problem) {
	t.Helper()
	req := httptest.NewRequest("GET", "/api/v1/whoami", nil)
	req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}
	req.Header.Set("Accept-Language", lang)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	var c Caller
	var p Problem
	if w.Code == 200 {
		_ = json.Unmarshal(w.Body.Bytes(), &c)
	} else {
		_ = json.Unmarshal(w.Body.Bytes(), &p)
	}
	return w.Code, c, p
}

// TestAuth_RevokedCertificateRefused: from the config block that adds the CA's
// revocation list to Org1MSP on, alice's certificate gets 401 CERT_REVOKED while bob's,
// from the same CA, still authenticates; the server learns the list from the verifier
// the indexer feeds, without a restart.
func TestAuth_RevokedCertificateRefused(t *testing.T) {
	ch := newRevocationChannel(t)
	r := (&Server{Store: newStore(t), Chaincode: "pdl", Orgs: ch.v.Orgs}).Router()

	if st, c, p := whoami(t, r, ch.alice, "en"); st != 200 || c.MSPID != "Org1MSP" {
		t.Fatalf("alice before the revocation list: %d %+v %+v", st, c, p)
	}
	if err := ch.v.Observe(ch.config(1, ch.org1.CRL(t, ch.alice))); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "zh-CN"} {
		st, _, p := whoami(t, r, ch.alice, lang)
		if st != 401 || p.Code != "CERT_REVOKED" || p.Status != 401 || !strings.Contains(p.Detail, fmt.Sprintf("0x%x", ch.alice.SerialNumber)) {
			t.Fatalf("alice after the revocation list (%s): %d %+v", lang, st, p)
		}
	}
	if st, c, p := whoami(t, r, ch.bob, "en"); st != 200 || c.MSPID != "Org1MSP" {
		t.Fatalf("bob, a colleague under the same CA: %d %+v %+v", st, c, p)
	}

	// the newest config decides: one without the list lets alice in again
	if err := ch.v.Observe(ch.config(2)); err != nil {
		t.Fatal(err)
	}
	if st, _, p := whoami(t, r, ch.alice, "en"); st != 200 {
		t.Fatalf("alice after a config without the list: %d %+v", st, p)
	}
}

// TestAuth_ForeignRevocationListRevokesNothing: a revocation list claiming Org1's CA but
// signed by another key revokes nothing, as in the peers' MSP, and it does not stop the
// explorer following the configuration.
func TestAuth_ForeignRevocationListRevokesNothing(t *testing.T) {
	ch := newRevocationChannel(t)
	r := (&Server{Store: newStore(t), Chaincode: "pdl", Orgs: ch.v.Orgs}).Router()
	if err := ch.v.Observe(ch.config(1, ch.org1.Impostor(t).CRL(t, ch.alice))); err != nil {
		t.Fatalf("forged list: %v", err)
	}
	if ig := ch.v.Orgs().Ignored; len(ig) != 1 || !strings.Contains(ig[0], "Org1MSP") {
		t.Fatalf("ignored lists = %q", ig)
	}
	if st, _, p := whoami(t, r, ch.alice, "en"); st != 200 {
		t.Fatalf("alice refused by a list that did not verify: %d %+v", st, p)
	}
}

// TestAuth_NoConfigurationNoCaller: before the configuration is read, nobody
// authenticates (rather than everybody).
func TestAuth_NoConfigurationNoCaller(t *testing.T) {
	ch := newRevocationChannel(t)
	r := (&Server{Store: newStore(t), Chaincode: "pdl", Orgs: func() *verify.Orgs { return nil }}).Router()
	if st, _, p := whoami(t, r, ch.alice, "en"); st != 401 || p.Code != "UNAUTHENTICATED" {
		t.Fatalf("%d %+v", st, p)
	}
}
