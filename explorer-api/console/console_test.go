package console

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func router() *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	Register(r)
	return r
}

func get(r *gin.Engine, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// Every page path answers the same shell (bookmarkable pages, rendered by the script),
// with headers that keep anything from elsewhere out of it.
func TestConsole_PagesAnswerTheShellWithStrictHeaders(t *testing.T) {
	r := router()
	for _, p := range []string{"/console/", "/console/resources/lh-res-01/provenance", "/console/records/product/lh-prd-01", "/console/check"} {
		w := get(r, p)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `<script type="module" src="/console/assets/app.js">`) {
			t.Fatalf("%s: %d %.200s", p, w.Code, w.Body.String())
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Fatalf("%s: CSP %q", p, csp)
		}
		if w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: headers %v", p, w.Header())
		}
	}
	if w := get(r, "/"); w.Code != http.StatusFound || w.Header().Get("Location") != "/console/" {
		t.Fatalf("/: %d %v", w.Code, w.Header())
	}
}

func TestConsole_AssetsServedAndNothingElse(t *testing.T) {
	r := router()
	for path, ctype := range map[string]string{"/console/assets/app.js": "javascript", "/console/assets/app.css": "text/css", "/console/assets/favicon.svg": "image/svg+xml", "/favicon.ico": "image/svg+xml"} {
		w := get(r, path)
		if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), ctype) {
			t.Fatalf("%s: %d %q", path, w.Code, w.Header().Get("Content-Type"))
		}
	}
	for _, path := range []string{"/console/assets/missing.js", "/console/assets/../console.go", "/console/assets/%2e%2e/console.go", "/console/assets/index.html", "/console/assets/", "/console/assets/vendor/"} {
		if w := get(r, path); w.Code != 404 {
			t.Fatalf("%s: %d, want 404", path, w.Code)
		}
	}
}

// An isolated government network has no CDN: no asset may name another origin (the SVG
// namespace is a name, not a request), and the script writes no markup from data.
func TestConsole_NoExternalRequestsNoInnerHTML(t *testing.T) {
	static, _ := fs.Sub(assets, "assets")
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	err := fs.WalkDir(static, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(path, "vendor/") {
			return nil // pinned by hash below
		}
		raw, _ := fs.ReadFile(static, path)
		for _, m := range url.FindAllString(string(raw), -1) {
			if m != "http://www.w3.org" {
				t.Errorf("%s names another origin: %s", path, m)
			}
		}
		if strings.HasSuffix(path, ".js") && regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write`).Match(raw) {
			t.Errorf("%s writes markup from strings", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Front-end dependencies are pinned: the embedded bundle is the release it says it is
// (npm echarts@6.1.0, dist/echarts.min.js), and nothing else is vendored.
func TestConsole_VendoredBundlesPinned(t *testing.T) {
	pinned := map[string]string{
		"assets/vendor/echarts-6.1.0/echarts.min.js": "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0",
	}
	err := fs.WalkDir(assets, "assets/vendor", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "/LICENSE") || strings.HasSuffix(path, "/NOTICE") {
			return err
		}
		raw, _ := fs.ReadFile(assets, path)
		sum := sha256.Sum256(raw)
		if want, ok := pinned[path]; !ok || hex.EncodeToString(sum[:]) != want {
			t.Errorf("%s: sha256 %x is not pinned here", path, sum)
		}
		delete(pinned, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range pinned {
		t.Errorf("%s is pinned but missing", p)
	}
}
