//go:build integration

package integration

import (
	"bufio"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/client/bench"
	"github.com/pdledger/pdledger/network/nettest"
)

// TestLogs_OneGigabyteAnchorsInBoundedMemory anchors a 1 GB generated log through the
// CLI (one anchor per 500,000 lines), reports the CLI's peak RSS, and checks a random
// line's proof verifies while a modified line fails.
func TestLogs_OneGigabyteAnchorsInBoundedMemory(t *testing.T) {
	ensureDemo(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "platform.log")
	const lines = 7_200_000 // ~1 GB of ~140-byte lines
	size, err := bench.WriteLogFile(file, lines, 7)
	if err != nil {
		t.Fatal(err)
	}
	if size < 900<<20 {
		t.Fatalf("generated %d bytes, want about 1 GB", size)
	}
	stream := nettest.ID("gb")
	state := filepath.Join(dir, "state")
	ok(t, "operator", "logs", "open", "--id", stream, "--log-kind", "access", "--description", "1 GB test")
	r := pdl(t, "operator", "logs", "anchor", "--stream", stream, "--state", state, "--batch", "500000", "-o", "json", file)
	if r.code != 0 {
		t.Fatalf("anchor exited %d: %s", r.code, r.stderr)
	}
	var out struct {
		Lines    uint64 `json:"lines"`
		TreeSize uint64 `json:"treeSize"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Lines != lines {
		t.Fatalf("anchor answered %q (%v)", r.stdout, err)
	}
	rssMB := float64(r.maxRSSKB) / 1024
	t.Logf("anchored %d lines (%.0f MB) with peak RSS %.1f MB", lines, float64(size)/(1<<20), rssMB)
	nettest.Report(t, "logs-1gb", map[string]any{"lines": lines, "bytes": size, "peakRssMB": rssMB})
	if rssMB > 256 {
		t.Fatalf("peak RSS %.1f MB: memory is not bounded by the file size", rssMB)
	}

	idx := rand.New(rand.NewSource(int64(size))).Intn(lines)
	proof := ok(t, "", "logs", "prove", "--stream", stream, "--state", state, "--index", strconv.Itoa(idx))
	proofFile := filepath.Join(dir, "proof.json")
	if err := os.WriteFile(proofFile, []byte(proof), 0o600); err != nil {
		t.Fatal(err)
	}
	line := nthLine(t, file, idx)
	ok(t, "regulator", "logs", "verify", "--proof", proofFile, "--line", line)
	bad := pdl(t, "regulator", "logs", "verify", "--proof", proofFile, "--line", strings.Replace(line, "user=", "user=9", 1))
	if bad.code != 1 || !strings.Contains(bad.stderr, "PROOF_INVALID") {
		t.Fatalf("modified line: exit %d, %s", bad.code, bad.stderr)
	}
}

func nthLine(t *testing.T, path string, n int) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		if i == n {
			return sc.Text()
		}
	}
	t.Fatalf("file has no line %d", n)
	return ""
}
