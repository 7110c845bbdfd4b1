// Package console is PDLedger's web console: pages for the public, source units,
// regulators, data exchanges and operators, served by the explorer itself (same process,
// port and certificate login). The pages are static files embedded in the binary — no CDN,
// no request leaves the explorer, as government networks are often isolated — and read
// the same /api/v1 the CLI and the tests use; there is no second data path.
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

//go:embed assets
var assets embed.FS

// Prefix is where the console lives; every page below it is bookmarkable (the record id
// is in the path) and answered with the same shell, whose script renders the page.
const Prefix = "/console"

// Register adds the console's routes: the shell for every page under Prefix, its
// assets under Prefix/assets/, and "/" redirecting to the console.
func Register(r *gin.Engine) {
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	shell, err := fs.ReadFile(static, "index.html")
	if err != nil {
		panic(err)
	}
	files := http.FileServer(http.FS(static))
	serve := func(c *gin.Context) {
		secure(c)
		p := c.Param("path")
		if rest, ok := strings.CutPrefix(p, "/assets/"); ok {
			name := path.Clean(rest)
			if fi, err := fs.Stat(static, name); err != nil || fi.IsDir() || name == "index.html" {
				c.Status(http.StatusNotFound)
				return
			}
			if strings.HasPrefix(name, "vendor/") {
				// a vendored release lives under its version: it never changes at that path
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				c.Header("Cache-Control", "no-cache") // revalidated: a new explorer build ships new assets
			}
			c.Request.URL.Path = "/" + name
			files.ServeHTTP(c.Writer, c.Request)
			return
		}
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "text/html; charset=utf-8", shell)
	}
	r.GET(Prefix+"/*path", serve)
	r.HEAD(Prefix+"/*path", serve)
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, Prefix+"/") })
	// browsers ask for /favicon.ico on every origin they visit
	icon, err := fs.ReadFile(static, "favicon.svg")
	if err != nil {
		panic(err)
	}
	r.GET("/favicon.ico", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=86400")
		c.Data(http.StatusOK, "image/svg+xml", icon)
	})
}

// secure sets the headers a government security review asks for: nothing is loaded or
// framed from elsewhere, and no inline script runs.
func secure(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}
