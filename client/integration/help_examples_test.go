//go:build integration

package integration

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client/cli"
	"github.com/pdledger/pdledger/network/nettest"
)

// logsExampleOrder runs the hand-written logs examples as one story: a key, a sealed
// segment (leaves 0..11), its restoration, anchoring both files (the sealed one is found
// anchored already), a proof, its verification online and offline, and consistency.
var logsExampleOrder = map[string]int{"logs keygen": 0, "logs seal": 1, "logs unseal": 2, "logs anchor": 3, "logs prove": 4, "logs verify": 5, "logs consistency": 6}

// TestHelp_EveryExampleRuns runs every example of `pdl ... --help` against the live
// network with the demo ledger loaded, as printed — writes with --dry-run, so the ledger
// is left as it was — and holds each to its mark (client/cli/examples.go): exit 0;
// "needs: STATE" exit 0, or 1 (refused, with a code) where the demo ledger lacks STATE;
// "refused: CODE" exit 1 naming CODE. The logs examples run for real on a stream of
// their own (ex-access becomes a fresh id), in a work directory of their own.
func TestHelp_EveryExampleRuns(t *testing.T) {
	ensureDemo(t)
	n := nettest.Net(t)
	root, err := nettest.Root()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	stream := "ex-access-" + strconv.FormatInt(time.Now().UnixNano()/1e6, 36)
	// the stream the logs examples use, opened as the logs open example would (that
	// example's dry run then answers the same request idempotently)
	ok(t, "operator", "logs", "open", "--id", stream, "--log-kind", "access", "--authorization-id", "lh-auth-2026", "--description", "示例访问日志")

	exs := cli.HelpExamples(cli.Root(&cli.App{Lang: model.EN}))
	sort.SliceStable(exs, func(i, j int) bool {
		oi, iok := logsExampleOrder[exs[i].Command]
		oj, jok := logsExampleOrder[exs[j].Command]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok // the logs story first
		}
		return false
	})
	streamID := regexp.MustCompile(`\bex-access\b`)
	codeRe := regexp.MustCompile(`^(refused|用法错误|拒绝|usage error|network error|local error) ([A-Z_]+)`)
	ran := 0
	for _, ex := range exs {
		args := make([]string, 0, len(ex.Args)+2)
		for _, a := range ex.Args {
			a = strings.ReplaceAll(a, "docs/examples/", filepath.Join(root, "docs", "examples")+"/")
			args = append(args, streamID.ReplaceAllString(a, stream))
		}
		if ex.Write && !contains(args, "--dry-run") {
			args = append(args, "--dry-run")
		}
		cmd := exec.Command(pdlBin, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "PDL_PROFILES="+n.L.ProfilesDir(), "PDL_SESSION="+sessionFile, "PDL_RUN="+n.L.Run,
			"PDL_LOGS_DIR="+filepath.Join(work, "logs"), "LANG=C", "LC_ALL=")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		runErr := cmd.Run()
		code := 0
		if ee, isExit := runErr.(*exec.ExitError); isExit {
			code = ee.ExitCode()
		} else if runErr != nil {
			t.Fatalf("pdl %s: %v", strings.Join(args, " "), runErr)
		}
		if ex.Output != "" {
			if err := os.WriteFile(filepath.Join(work, ex.Output), out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		ran++
		line := "pdl " + strings.Join(args, " ")
		m := codeRe.FindStringSubmatch(errb.String())
		switch {
		case ex.Refused != "":
			if code != 1 || m == nil || m[2] != ex.Refused {
				t.Errorf("%s: exit %d, want 1 refused %s:\n%s", line, code, ex.Refused, errb.String())
			}
		case ex.Needs != "":
			if code != 0 && (code != 1 || m == nil) {
				t.Errorf("%s (needs %s): exit %d, want 0 or a refusal:\n%s%s", line, ex.Needs, code, out.String(), errb.String())
			} else if code == 1 {
				t.Logf("%s: refused %s (it needs %s)", line, m[2], ex.Needs)
			}
		case code != 0:
			t.Errorf("%s: exit %d, want 0:\n%s%s", line, code, out.String(), errb.String())
		}
	}
	t.Logf("ran %d help examples", ran)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
