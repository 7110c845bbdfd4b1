//go:build integration

package integration

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/network/nettest"
)

// TestEvidence_FailedMakeTestKeepsItsLogs runs `scripts/test.sh integration` against the
// running network with one test that fails on purpose (package drill): the run exits 1,
// names a reports/ directory, prints the failing test's last lines, and that directory
// holds the integration log, every process's log and the status report. The network it
// did not start stays up.
func TestEvidence_FailedMakeTestKeepsItsLogs(t *testing.T) {
	n := nettest.Net(t)
	cmd := exec.Command("bash", "scripts/test.sh", "integration")
	cmd.Dir = n.L.Root
	cmd.Env = append(os.Environ(), "PDL_IT_PKGS=./network/integration/drill", "PDL_IT_TAGS=drill")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("drill run: %v (want exit 1)\n%s", err, out.String())
	}
	text := out.String()
	m := regexp.MustCompile(`evidence kept in (reports/test-[0-9TZ]+)/`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the failure message names no evidence directory:\n%s", text)
	}
	dir := filepath.Join(n.L.Root, m[1])
	defer os.RemoveAll(dir)
	_, tail, found := strings.Cut(text, "----- TestDrill_FailsOnPurpose (last 40 lines) -----")
	if !found || !strings.Contains(tail, "drill line 59") || !strings.Contains(tail, "evidence drill: this failure is on purpose") {
		t.Errorf("the terminal does not show the failing test's last lines:\n%s", text)
	}
	if strings.Contains(tail, "drill line 0\n") {
		t.Errorf("the failing test's tail holds more than its last 40 lines:\n%s", tail)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "integration.log"))
	if err != nil || !bytes.Contains(raw, []byte("this failure is on purpose")) {
		t.Errorf("integration.log not kept with the failure (%v)", err)
	}
	if st, err := os.ReadFile(filepath.Join(dir, "status.txt")); err != nil || !bytes.Contains(st, []byte("peer0.bureau")) {
		t.Errorf("status.txt missing or without the nodes (%v):\n%s", err, st)
	}
	for _, node := range append(n.T.Orderers(), n.T.Peers()...) {
		if _, err := os.Stat(filepath.Join(dir, "network", "logs", node.ID()+".log")); err != nil {
			t.Errorf("log of %s not kept: %v", node.ID(), err)
		}
	}
	if _, err := n.LoadState(); err != nil {
		t.Fatal(err)
	}
	if alive, _, _ := n.Running(); len(alive) == 0 {
		t.Fatal("the drill stopped the network it did not start")
	}
}
