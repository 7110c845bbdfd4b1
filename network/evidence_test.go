package network

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestEvidence_CopiesLogsAndPrunes: KeepEvidence copies the run's logs, reports and state
// plus extra files next to a status report, works without a run directory, and keeps
// only the newest EvidenceKeep directories.
func TestEvidence_CopiesLogsAndPrunes(t *testing.T) {
	root := t.TempDir()
	top, err := LoadTopology(filepath.Join("topology.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := &Net{T: top, L: Layout{Root: root, Run: filepath.Join(root, ".run")}}
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(n.L.Run, "logs", "peer0.bureau.log"), "peer log\n")
	write(filepath.Join(n.L.Run, "reports", "bench.json"), "{}")
	write(filepath.Join(n.L.Run, "state.json"), `{"ready":true}`)
	extra := filepath.Join(root, "integration.log")
	write(extra, "--- FAIL: TestX\n")

	dir, err := n.KeepEvidence("", "unit")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, n.L.EvidenceDir()) {
		t.Fatalf("evidence in %s, want under %s", dir, n.L.EvidenceDir())
	}
	dir2, err := n.KeepEvidence(filepath.Join(root, "reports", "test-x"), "unit", extra)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"status.txt", "network/logs/peer0.bureau.log", "network/reports/bench.json", "network/state.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s not kept: %v", p, err)
		}
	}
	if raw, err := os.ReadFile(filepath.Join(dir2, "integration.log")); err != nil || string(raw) != "--- FAIL: TestX\n" {
		t.Errorf("extra file: %q %v", raw, err)
	}
	if st, _ := os.ReadFile(filepath.Join(dir, "status.txt")); !strings.Contains(string(st), n.L.Run) {
		t.Errorf("status.txt does not report on the run directory:\n%s", st)
	}

	// without a run directory: a status that says so
	if err := os.RemoveAll(n.L.Run); err != nil {
		t.Fatal(err)
	}
	dir3, err := n.KeepEvidence(filepath.Join(root, "reports", "20990101T000000Z-none"), "none")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.ReadFile(filepath.Join(dir3, "status.txt")); !strings.Contains(string(st), "no run directory") {
		t.Errorf("status without a run: %q", st)
	}

	// pruning keeps the newest EvidenceKeep time-named directories
	for i := 0; i < EvidenceKeep+5; i++ {
		if err := os.MkdirAll(filepath.Join(root, "reports", fmt.Sprintf("test-203001%02dT000000Z", i+1)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	timedNames := func() []string {
		ents, _ := os.ReadDir(filepath.Join(root, "reports"))
		var out []string
		for _, e := range ents {
			if evidenceTime.MatchString(e.Name()) {
				out = append(out, e.Name())
			}
		}
		sort.Slice(out, func(i, j int) bool { return evidenceTime.FindString(out[i]) < evidenceTime.FindString(out[j]) })
		return out
	}
	before := timedNames()
	pruneEvidence(filepath.Join(root, "reports"), EvidenceKeep)
	if got, want := strings.Join(timedNames(), " "), strings.Join(before[len(before)-EvidenceKeep:], " "); got != want {
		t.Errorf("after pruning:\n%s\nwant the newest %d:\n%s", got, EvidenceKeep, want)
	}
	if _, err := os.Stat(filepath.Join(root, "reports", "test-x")); err != nil {
		t.Errorf("pruning removed a directory that is not time-named: %v", err)
	}
}
