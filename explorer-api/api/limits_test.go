package api

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/explorer-api/store"
)

func newLimitedServer(t *testing.T, l Limits) *httptest.Server {
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer((&Server{Store: st, Chaincode: "pdl", Limits: l}).Router())
	t.Cleanup(srv.Close)
	return srv
}

// TestLimits_BodyTooLarge413: a body over the limit is refused with 413 and the limit in
// the problem, whether it declares its length or streams it.
func TestLimits_BodyTooLarge413(t *testing.T) {
	srv := newLimitedServer(t, Limits{MaxBody: 1024, Rate: 1000, Burst: 1000})
	big := `{"ids":["` + strings.Repeat("a", 2000) + `"]}`
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/logs/inclusion", strings.NewReader(big))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p Problem
	_ = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || p.Code != "BODY_TOO_LARGE" || !strings.Contains(p.Detail, "1024") {
		t.Fatalf("declared body over the limit: %d %+v", resp.StatusCode, p)
	}
	// a body without a declared length is cut off while it is read
	rec := httptest.NewRecorder()
	c, _ := ginTestContext(rec, "POST", bytes.NewReader([]byte(big)), 1024)
	var v map[string]any
	if bindJSON(c, &v, "{}") || rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("streamed body over the limit: %d %s", rec.Code, rec.Body)
	}
}

// TestLimits_RateLimited429WithRetryAfter: a caller over its burst gets 429 with
// Retry-After; another caller is not affected; after the wait the first is served.
func TestLimits_RateLimited429WithRetryAfter(t *testing.T) {
	srv := newLimitedServer(t, Limits{MaxBody: 1 << 20, Rate: 2, Burst: 3})
	get := func() *http.Response {
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := 0; i < 3; i++ {
		if r := get(); r.StatusCode != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i, r.StatusCode)
		}
	}
	r := get()
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("over the burst: %d", r.StatusCode)
	}
	wait, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || wait < 1 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	b := newBuckets(2, 3)
	now := time.Now()
	for i := 0; i < 3; i++ {
		b.take("a", now)
	}
	if _, ok := b.take("a", now); ok {
		t.Fatal("bucket a not empty")
	}
	if _, ok := b.take("b", now); !ok {
		t.Fatal("caller b limited by a's requests")
	}
	if _, ok := b.take("a", now.Add(time.Duration(wait)*time.Second)); !ok {
		t.Fatal("caller a still limited after Retry-After")
	}
}

func ginTestContext(w http.ResponseWriter, method string, body io.Reader, limit int64) (*gin.Context, *gin.Engine) {
	c, e := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(method, "/", body)
	c.Request.ContentLength = -1
	c.Request.Body = http.MaxBytesReader(w, c.Request.Body, limit)
	c.Set(maxBodyKey, limit)
	return c, e
}

// TestLimits_UnverifiedCertificateKeyedByAddress: a certificate no organization of the
// channel issued does not get a bucket of its own (a fresh self-signed one per request
// would otherwise escape the limit); the bucket map stays bounded.
func TestLimits_UnverifiedCertificateKeyedByAddress(t *testing.T) {
	s := &Server{}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(1), NotAfter: time.Now().Add(time.Hour)},
		&x509.Certificate{SerialNumber: big.NewInt(1)}, &k.PublicKey, k)
	cert, _ := x509.ParseCertificate(der)
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.7:5555"
	r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}
	if got := s.callerID(r); got != "addr:10.0.0.7" {
		t.Fatalf("self-signed certificate keyed as %q", got)
	}
	b := newBuckets(1, 1)
	now := time.Now()
	for i := 0; i < maxBuckets+10; i++ {
		b.take(fmt.Sprintf("c%d", i), now)
	}
	if len(b.m) > maxBuckets+1 {
		t.Fatalf("%d buckets, the cap is %d and one shared by the overflow", len(b.m), maxBuckets)
	}
	if _, ok := b.m["overflow"]; !ok {
		t.Fatal("callers beyond the cap do not share the overflow bucket")
	}
}
