//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network/nettest"
)

// chromiumPath is Debian's chromium binary itself: the /usr/bin/chromium wrapper script
// misbehaves on machines that mount /dev/shm twice, and chromium-headless-shell sends no
// client certificate.
const chromiumPath = "/usr/lib/chromium/chromium"

// page is a headless Chromium tab logged in as one identity (or none) the way a user's
// browser is: the explorer's CA trusted in NSS, the identity imported from a PKCS#12
// file and chosen automatically for the explorer's origin. It records every console
// error and failed request; a test fails on any it did not expect.
type page struct {
	t         *testing.T
	e         *explorer
	ctx       context.Context
	downloads string

	mu       sync.Mutex
	problems []string
	allowed  map[int]bool // response statuses the test expects (e.g. 403)
}

// newPage starts a browser for profile ("" = a visitor without a certificate).
func (e *explorer) newPage(t *testing.T, profile string) *page {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the console tests need Debian's chromium (%s): apt-get install chromium libnss3-tools fonts-noto-cjk (scripts/ci-deps.sh does): %v", chromiumPath, err)
	}
	home, data, downloads := t.TempDir(), t.TempDir(), t.TempDir()
	nss := "sql:" + filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(filepath.Join(home, ".pki", "nssdb"), 0o700); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) {
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("certutil", "-d", nss, "-N", "--empty-password")
	run("certutil", "-d", nss, "-A", "-n", "pdl-explorer-ca", "-t", "C,,", "-i", filepath.Join(e.dir, "tls", "ca.pem"))
	if profile != "" {
		p12, issuer := identityP12(t, profile, "pdl-test-password")
		f := filepath.Join(home, "id.p12")
		if err := os.WriteFile(f, p12, 0o600); err != nil {
			t.Fatal(err)
		}
		run("pk12util", "-d", nss, "-i", f, "-W", "pdl-test-password")
		// the browser picks this identity for the explorer without asking (a headless
		// browser would otherwise wait forever on an invisible certificate dialog)
		prefs := map[string]any{"profile": map[string]any{"content_settings": map[string]any{"exceptions": map[string]any{
			"auto_select_certificate": map[string]any{"https://127.0.0.1,*": map[string]any{"setting": map[string]any{
				"filters": []any{map[string]any{"ISSUER": map[string]any{"CN": issuer}}}}}}}}}}
		raw, _ := json.Marshal(prefs)
		if err := os.MkdirAll(filepath.Join(data, "Default"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, "Default", "Preferences"), raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pg := &page{t: t, e: e, downloads: downloads, allowed: map[int]bool{}}
	// A browser that dies before it serves DevTools has not met the console yet, so that
	// is no finding about the console; it gets two more tries, each failure logged in
	// full (with --disable-breakpad a crash prints its own stack). Such starts were seen
	// in CI: 3 starts in three full runs crashed ~70 ms in, right after Chromium's D-Bus
	// thread gave up on the missing session bus, and never on a quiet machine.
	var errs []string
	for attempt := 1; attempt <= 3; attempt++ {
		ctx, stop, err := startBrowser(home, data, downloads, pg.listen)
		if err == nil {
			t.Cleanup(stop)
			pg.ctx = ctx
			if len(errs) > 0 {
				// line by line: make test's terminal shows only lines naming a test file
				t.Logf("chromium started at attempt %d; the failed starts:", attempt)
				for _, line := range strings.Split(strings.Join(errs, "\n"), "\n") {
					t.Logf("  %s", line)
				}
			}
			return pg
		}
		stop()
		// a crashed browser leaves its profile locked to a dead process
		for _, f := range []string{"SingletonLock", "SingletonSocket", "SingletonCookie"} {
			os.Remove(filepath.Join(data, f))
		}
		errs = append(errs, fmt.Sprintf("attempt %d: %v", attempt, err))
		if !strings.Contains(err.Error(), "chrome failed to start") {
			break
		}
	}
	t.Fatalf("start chromium:\n%s", strings.Join(errs, "\n"))
	return nil
}

// startBrowser starts headless Chromium with HOME (its NSS database), its profile in data,
// and downloads allowed into downloads; stop ends it.
func startBrowser(home, data, downloads string, listen func(any)) (context.Context, func(), error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath), chromedp.Env("HOME=" + home), chromedp.UserDataDir(data),
		chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.NoSandbox,
		// this machine's network is closed: no background requests to Google's hosts
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"), chromedp.Flag("window-size", "1366,768"),
		// no keyring over D-Bus (there is no session bus here), no extensions, no crash
		// reporter (a crash prints its stack to stderr, which a failed start reports), and
		// shared memory in /tmp, not a possibly small /dev/shm
		chromedp.Flag("password-store", "basic"), chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true), chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	stop := func() { cancel(); cancelA() }
	// the first Run starts the browser; no timeout on it (it would stop the browser)
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	}))
	return ctx, stop, err
}

// identityP12 is what `pdl identity export --p12` gives a user (client.ExportPKCS12):
// profile's certificate and key in a password-protected PKCS#12 file, and the CN of the
// certificate's issuer.
func identityP12(t *testing.T, profile, password string) ([]byte, string) {
	t.Helper()
	p, err := client.LoadProfile(filepath.Join(nettest.Net(t).L.ProfilesDir(), profile+".json"))
	if err != nil {
		t.Fatal(err)
	}
	der, cert, err := client.ExportPKCS12(p, password)
	if err != nil {
		t.Fatal(err)
	}
	return der, cert.Issuer.CommonName
}

func (pg *page) listen(ev any) {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		desc := d.Text
		if d.Exception != nil {
			desc += " " + d.Exception.Description
		}
		pg.problems = append(pg.problems, fmt.Sprintf("exception: %s (%s:%d)", desc, d.URL, d.LineNumber))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			pg.problems = append(pg.problems, "console.error: "+strings.Join(parts, " "))
		}
	case *cdplog.EventEntryAdded:
		// a failed request is logged here too; those with an expected status are let be
		if ev.Entry.Level == cdplog.EntryLevelError && !pg.expectedStatus(ev.Entry.Text) {
			pg.problems = append(pg.problems, "browser log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventLoadingFailed:
		if !ev.Canceled {
			pg.problems = append(pg.problems, "request failed: "+ev.ErrorText)
		}
	case *network.EventResponseReceived:
		if st := int(ev.Response.Status); st >= 400 && !pg.allowed[st] {
			pg.problems = append(pg.problems, fmt.Sprintf("HTTP %d %s", st, ev.Response.URL))
		}
	}
}

func (pg *page) expectedStatus(text string) bool {
	for st := range pg.allowed {
		if strings.Contains(text, fmt.Sprintf("status of %d", st)) {
			return true
		}
	}
	return false
}

// allow lets the page meet a response status the test expects.
func (pg *page) allow(status int) {
	pg.mu.Lock()
	pg.allowed[status] = true
	pg.mu.Unlock()
}

// check fails the test on any console error or failed request so far.
func (pg *page) check() {
	pg.t.Helper()
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if len(pg.problems) > 0 {
		pg.t.Fatalf("the browser reported:\n  %s", strings.Join(pg.problems, "\n  "))
	}
}

// open navigates to the console path and waits until the page has rendered.
func (pg *page) open(path string) {
	pg.t.Helper()
	pg.do(chromedp.Navigate("https://"+pg.e.addr+path), pg.ready(path))
}

// ready waits for the console's own signal that a page has rendered (main[data-ready]).
func (pg *page) ready(path string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](fmt.Sprintf(`document.getElementById('main') && document.getElementById('main').getAttribute('data-ready') === %q`, path),
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second))(ctx, tg)
		return err
	})
}

// do runs actions with a deadline: a browser waiting on something that never comes
// must fail the test, not hang it.
func (pg *page) do(actions ...chromedp.Action[chromedp.Void]) {
	pg.t.Helper()
	ctx, cancel := context.WithTimeout(pg.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		pg.t.Fatalf("browser: %v (page %s)", err, pg.eval(`location.href`))
	}
}

// eval evaluates a JavaScript expression whose value is JSON-decoded into T.
func evalAs[T any](pg *page, expr string) T {
	pg.t.Helper()
	ctx, cancel := context.WithTimeout(pg.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		pg.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (pg *page) eval(expr string) string {
	ctx, cancel := context.WithTimeout(pg.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		return "?"
	}
	return v
}

// screenshot saves the page to .run/reports/ui/<name>.png.
func (pg *page) screenshot(name string) {
	pg.t.Helper()
	ctx, cancel := context.WithTimeout(pg.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		pg.t.Fatalf("screenshot: %v", err)
	}
	dir := filepath.Join(nettest.Net(pg.t).L.Run, "reports", "ui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		pg.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		pg.t.Fatal(err)
	}
}
