package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

func newServer(t *testing.T) *httptest.Server {
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer((&Server{Store: st, Chaincode: "pdl"}).Router())
	t.Cleanup(srv.Close)
	return srv
}

func TestAPI_ProtectedNeedsCertificate(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/api/v1/compliance", "/api/v1/resources/r1/provenance", "/api/v1/records/product/p1", "/api/v1/trail?party=x"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var p Problem
		_ = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != 401 || p.Code != "UNAUTHENTICATED" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("%s: %d %+v %s", path, resp.StatusCode, p, resp.Header.Get("Content-Type"))
		}
	}
}

// getProblem GETs url and decodes the answer as a problem.
func getProblem(t *testing.T, url string) (int, Problem) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p Problem
	_ = json.NewDecoder(resp.Body).Decode(&p)
	return resp.StatusCode, p
}

func TestAPI_BadParameterNamed(t *testing.T) {
	srv := newServer(t)
	if st, p := getProblem(t, srv.URL+"/api/v1/public/products?limit=9999"); st != 400 || p.Param != "limit" || !strings.Contains(p.Detail, "500") {
		t.Fatalf("limit=9999: %d %+v", st, p)
	}
}

// A cursor the store did not hand out is the caller's mistake (400 naming the
// parameter), not the index failing (500).
func TestAPI_BadCursorIsABadParameter(t *testing.T) {
	srv := newServer(t)
	if st, p := getProblem(t, srv.URL+"/api/v1/public/products?cursor=nocursorslash"); st != 400 || p.Code != "BAD_PARAMETER" || p.Param != "cursor" {
		t.Fatalf("a bad cursor: %d %+v", st, p)
	}
}

func TestOpenAPI_CoversEveryRoute(t *testing.T) {
	doc := OpenAPI()
	paths := doc["paths"].(map[string]map[string]any)
	for _, rt := range routeTable() {
		path := rt.path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		if paths[path][strings.ToLower(rt.method)] == nil {
			t.Fatalf("%s %s missing from the OpenAPI document", rt.method, path)
		}
	}
}

// A visitor without a certificate is the public, not an error: the console asks on every
// page, and a 401 there would be a failed request in every public page.
func TestAPI_SessionWithoutCertificateIsThePublic(t *testing.T) {
	srv := newServer(t)
	resp, err := http.Get(srv.URL + "/api/v1/public/session")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s Session
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != 200 || s.Authenticated || s.Caller != nil {
		t.Fatalf("session without a certificate: %d %+v %v", resp.StatusCode, s, err)
	}
}

// The console's words are the catalogue's: every kind and code in both languages.
func TestAPI_LabelsAreTheCatalogue(t *testing.T) {
	srv := newServer(t)
	resp, err := http.Get(srv.URL + "/api/v1/public/labels")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var l Labels
	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil || resp.StatusCode != 200 {
		t.Fatalf("labels: %d %v", resp.StatusCode, err)
	}
	if l.Kinds["product"]["zh"] != "数据产品" || l.Kinds["product"]["en"] != "product" || l.Values["listed"] != "已挂牌" {
		t.Fatalf("labels: product %v, listed %q", l.Kinds["product"], l.Values["listed"])
	}
	for code, byLang := range l.Codes {
		if byLang["zh"].Title == "" || byLang["en"].Title == "" {
			t.Fatalf("code %s lacks a title: %+v", code, byLang)
		}
	}
	if l.Codes["ACCESS_DENIED"]["zh"].Title == "" {
		t.Fatal("ACCESS_DENIED is not in the labels")
	}
	if l.Fields["createdAt"] != model.FieldLabel("createdAt", model.ZH) || l.Fields["reviewDeadline"] != "审核期限" {
		t.Fatalf("field labels: createdAt %q, reviewDeadline %q", l.Fields["createdAt"], l.Fields["reviewDeadline"])
	}
}

// The fees answer keeps its shape (a map of lists) unless proofs are asked for.
func TestAPI_FeesProofsOnlyWhenAsked(t *testing.T) {
	srv := newServer(t)
	for q, want := range map[string]bool{"": false, "?proofs=1": true} {
		resp, err := http.Get(srv.URL + "/api/v1/public/fees" + q)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if _, has := body["proofs"]; resp.StatusCode != 200 || has != want {
			t.Fatalf("fees%s: %d, proofs present %v", q, resp.StatusCode, has)
		}
		if _, ok := body["pricecaps"]; !ok {
			t.Fatalf("fees%s: %v", q, body)
		}
	}
}

// A NUL or bytes that are not UTF-8 in a path, query or body parameter name nothing on
// the ledger: 400 naming the parameter, on every store (PostgreSQL's text type would
// refuse the query and the caller would see 500).
func TestAPI_UncleanTextIsABadParameter(t *testing.T) {
	srv := newServer(t)
	for url, param := range map[string]string{
		"/api/v1/public/products?cursor=product%2Fa%00b": "cursor",
		"/api/v1/public/products?cursor=%FF%FE":          "cursor",
		"/api/v1/records/product/p%00x":                  "id",
		"/api/v1/records/product/%C3%28":                 "id",
		"/api/v1/public/products?%00=1":                  "query",
	} {
		if st, p := getProblem(t, srv.URL+url); st != 400 || p.Code != "BAD_PARAMETER" || p.Param != param {
			t.Errorf("%s: %d %+v, want 400 BAD_PARAMETER naming %q", url, st, p, param)
		}
	}
	rec := httptest.NewRecorder()
	c, _ := ginTestContext(rec, "POST", strings.NewReader(`{"ids":["p1","p\u0000"]}`), 1<<20)
	var v struct {
		IDs []string `json:"ids"`
	}
	if bindJSON(c, &v, "{}") || rec.Code != 400 || !strings.Contains(rec.Body.String(), `"param":"body.ids[1]"`) {
		t.Errorf("a body id with NUL: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	c, _ = ginTestContext(rec, "POST", strings.NewReader(`{"ids":["p1","产品2"]}`), 1<<20)
	if !bindJSON(c, &v, "{}") || len(v.IDs) != 2 {
		t.Errorf("a clean body refused: %d %s", rec.Code, rec.Body)
	}
}
