package api

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestProblem_LocalizedByAcceptLanguage: title and detail follow Accept-Language (from
// the message catalogue); code, status and param do not change.
func TestProblem_LocalizedByAcceptLanguage(t *testing.T) {
	srv := newServer(t)
	get := func(lang string) (Problem, http.Header) {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/public/products?limit=9999", nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p Problem
		_ = json.NewDecoder(resp.Body).Decode(&p)
		return p, resp.Header
	}
	zh, h := get("zh-CN,zh;q=0.9,en;q=0.8")
	en, _ := get("en-US")
	def, _ := get("")
	if zh.Title != "参数错误" || !strings.Contains(zh.Detail, "limit") || !strings.Contains(zh.Detail, "修正") || h.Get("Content-Language") != "zh" {
		t.Fatalf("zh: %+v %v", zh, h)
	}
	if en.Title != "Bad parameter" || def.Title != en.Title {
		t.Fatalf("en: %+v; default: %+v", en, def)
	}
	for _, p := range []Problem{zh, en, def} {
		if p.Code != "BAD_PARAMETER" || p.Param != "limit" || p.Status != 400 || p.Type != "https://pdledger.example/problems/bad_parameter" {
			t.Fatalf("machine fields changed with the language: %+v", p)
		}
	}
}

// TestProblem_EveryExplorerCodeCatalogued: every code the explorer answers with (problem
// details, verification mismatches, block checks) has catalogue entries in both
// languages.
func TestProblem_EveryExplorerCodeCatalogued(t *testing.T) {
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`problem\(c, [^,]+, "([A-Z_]+)"`),
		regexp.MustCompile(`Mismatch\{[^,]+, "([A-Z_]+)"`),
		regexp.MustCompile(`= "([A-Z][A-Z_]+_[A-Z_]+)"`),
	}
	var files []string
	for _, dir := range []string{".", "../query", "../verify"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		files = append(files, m...)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
				found++
				for _, lang := range model.Langs() {
					if _, ok := model.Describe(model.Code(m[1]), lang); !ok {
						t.Errorf("%s: code %s has no %s catalogue entry", f, m[1], lang)
					}
				}
			}
		}
	}
	if found < 20 {
		t.Fatalf("found only %d codes: the scan is broken", found)
	}
}
