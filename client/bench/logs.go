package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/logs"
)

// LogStats compares end-to-end anchoring with raw hashing of the same lines.
type LogStats struct {
	Lines             int     `json:"lines"`
	Bytes             int64   `json:"bytes"`
	AnchorSeconds     float64 `json:"anchorSeconds"`
	AnchorLinesPerSec float64 `json:"anchorLinesPerSecond"`
	Anchors           int     `json:"anchors"`
	HashSeconds       float64 `json:"hashSeconds"`
	HashLinesPerSec   float64 `json:"rawSm3LinesPerSecond"`
	HashMBPerSec      float64 `json:"rawSm3MBPerSecond"`
	Ratio             float64 `json:"anchorOverRawHash"`
	PeakRSSMB         float64 `json:"peakRssMB,omitempty"`
}

// WriteLogFile writes n realistic platform log lines (access, processing, export review,
// model release), deterministic for a seed, and returns the byte count.
func WriteLogFile(path string, n int, seed int64) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewSource(seed))
	ops := []string{"query", "compute", "export-review", "model-release", "login", "download-result"}
	res := []string{"lh-res-01", "lh-res-02", "lh-res-03", "lh-res-04", "lh-res-07", "lh-res-09", "lh-res-10"}
	t := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var total int64
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(r.Intn(900)) * time.Millisecond)
		k, err := fmt.Fprintf(w, "%s platform=lh-trusted-domain user=u%05d op=%s resource=%s grant=G-app-%02d rows=%d status=%d trace=%016x\n",
			t.Format("2006-01-02T15:04:05.000Z"), r.Intn(20000), ops[r.Intn(len(ops))], res[r.Intn(len(res))], 1+r.Intn(11), r.Intn(100000), 200+r.Intn(3)*100, r.Uint64())
		if err != nil {
			f.Close()
			return 0, err
		}
		total += int64(k)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return total, f.Close()
}

// RawHash measures leaf hashing alone: read the file, SM3(0x00||line) each line.
func RawHash(path string) (lines int, seconds float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	start := time.Now()
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			_ = logs.LeafHash(line[:len(line)-1])
			lines++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, 0, err
		}
	}
	return lines, time.Since(start).Seconds(), nil
}

// AnchorFile ingests a log file into a fresh stream store with anchoring through a, as
// pdl logs anchor does (batches coalesce while the ledger records the previous anchor).
func AnchorFile(ctx context.Context, dir, stream, path string, batch uint64, a logs.Anchorer) (anchors int, seconds float64, err error) {
	st, err := logs.Open(dir, stream)
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	counting := &countingAnchorer{inner: a}
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	start := time.Now()
	if _, err := st.Ingest(ctx, f, counting, logs.IngestOptions{BatchLines: batch, Coalesce: true}); err != nil {
		return 0, 0, err
	}
	return counting.n, time.Since(start).Seconds(), nil
}

type countingAnchorer struct {
	inner logs.Anchorer
	n     int
}

func (c *countingAnchorer) Anchor(ctx context.Context, stream string, b logs.Batch, prev logs.Anchored) (logs.Anchored, error) {
	got, err := c.inner.Anchor(ctx, stream, b, prev)
	if err == nil {
		c.n++
	}
	return got, err
}

// Logs generates a log of n lines in dir, measures raw SM3 leaf hashing of it, then
// anchors it end to end on the ledger (a fresh stream opened by the operator profile,
// one anchor per 100,000 lines) and compares the two rates.
func Logs(ctx context.Context, dir string, n int, prefix string) (*LogStats, error) {
	p, err := client.LoadProfile(filepath.Join(client.ProfileDir(), "operator.json"))
	if err != nil {
		return nil, err
	}
	op, err := client.Connect(ctx, p)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	signer, err := operatorSigner(ctx, op)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "bench.log")
	size, err := WriteLogFile(path, n, 42)
	if err != nil {
		return nil, err
	}
	lines, hashSec, err := RawHash(path)
	if err != nil {
		return nil, err
	}
	stream := prefix + "-logs"
	if _, err := op.Submit(ctx, "Logs:Open", model.OpenLogStreamRequest{Request: model.Request{ID: stream}, LogKind: model.LogAccess, Description: "benchmark"}); err != nil {
		return nil, err
	}
	anchors, anchorSec, err := AnchorFile(ctx, filepath.Join(dir, "state"), stream, path, 100000, logs.NewLedger(op, logs.SignedBy(signer)))
	if err != nil {
		return nil, err
	}
	st := &LogStats{Lines: lines, Bytes: size, AnchorSeconds: anchorSec, Anchors: anchors, HashSeconds: hashSec,
		AnchorLinesPerSec: float64(lines) / anchorSec, HashLinesPerSec: float64(lines) / hashSec,
		HashMBPerSec: float64(size) / hashSec / 1e6, PeakRSSMB: peakRSSMB()}
	st.Ratio = st.AnchorLinesPerSec / st.HashLinesPerSec
	return st, nil
}

// peakRSSMB reads the process's peak resident set size (Linux VmHWM).
func peakRSSMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, ln := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(ln, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(ln, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
