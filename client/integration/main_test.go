//go:build integration

// Package integration drives the pdl CLI and the client library against the live
// network: every CLI verb, log anchoring at 1 GB, exactly-once under leader failover.
package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pdledger/pdledger/client/demo"
	"github.com/pdledger/pdledger/network/nettest"
)

var pdlBin string

// sessionFile is the PDL_SESSION file every pdl run of the tests shares with the tests'
// own clients (nettest.Session): a run as one party reads what the run before it, as
// another party, committed.
var sessionFile string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pdl-it")
	if err != nil {
		panic(err)
	}
	pdlBin = filepath.Join(dir, "pdl")
	sessionFile = filepath.Join(dir, "session")
	root, err := nettest.Root()
	if err != nil {
		panic(err)
	}
	// pdl-ca beside pdl, as make puts both into .bin: pdl identity ... runs it
	for bin, pkg := range map[string]string{pdlBin: "./client/cmd/pdl", filepath.Join(dir, "pdl-ca"): "./client/cmd/pdl-ca"} {
		cmd := exec.Command("go", "build", "-o", bin, pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ensureDemo loads the demo ledger (idempotent) so the tests find the profile set and
// the demo's participants bound.
func ensureDemo(t *testing.T) {
	t.Helper()
	n := nettest.Net(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := demo.Load(ctx, demo.Env{ProfilesDir: n.L.ProfilesDir(), LogsDir: filepath.Join(n.L.Run, "demo-logs")}); err != nil {
		t.Fatalf("demo: %v", err)
	}
}

// result of one pdl run.
type result struct {
	code           int
	stdout, stderr string
	maxRSSKB       int64
}

// pdl runs the CLI as profile (empty: none) with args.
func pdl(t *testing.T, profile string, args ...string) result {
	t.Helper()
	n := nettest.Net(t)
	full := args
	if profile != "" {
		full = append([]string{"-p", profile}, args...)
	}
	cmd := exec.Command(pdlBin, full...)
	cmd.Env = append(os.Environ(), "PDL_PROFILES="+n.L.ProfilesDir(), "PDL_SESSION="+sessionFile)
	if b, ok := nettest.Session.Block(); ok {
		if raw, err := os.ReadFile(sessionFile); err != nil || parseBlock(raw) < b {
			_ = os.WriteFile(sessionFile, []byte(strconv.FormatUint(b, 10)), 0o644)
		}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if raw, rerr := os.ReadFile(sessionFile); rerr == nil {
		nettest.Session.Observe(parseBlock(raw))
	}
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("pdl %s: %v", strings.Join(args, " "), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSSKB = ru.Maxrss
	}
	return r
}

func parseBlock(raw []byte) uint64 {
	n, _ := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	return n
}

// ok runs pdl and fails the test unless it exits 0.
func ok(t *testing.T, profile string, args ...string) string {
	t.Helper()
	r := pdl(t, profile, args...)
	if r.code != 0 {
		t.Fatalf("pdl %s exited %d:\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}
