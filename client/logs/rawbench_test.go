package logs

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// platformLines are n lines shaped like a trusted data platform's access log (the
// benchmark's, about 170 bytes each).
func platformLines(n int) []byte {
	r := rand.New(rand.NewSource(42))
	var b bytes.Buffer
	t := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(r.Intn(900)) * time.Millisecond)
		fmt.Fprintf(&b, "%s platform=lh-trusted-domain user=u%05d op=query resource=lh-res-%02d grant=G-app-%02d rows=%d status=200 trace=%016x\n",
			t.Format("2006-01-02T15:04:05.000Z"), r.Intn(20000), 1+r.Intn(10), 1+r.Intn(11), r.Intn(100000), r.Uint64())
	}
	return b.Bytes()
}

// BenchmarkLeafHashing is the baseline of BenchmarkIngestPlatformLog: reading the same
// lines and SM3-hashing each as a leaf, on one core.
func BenchmarkLeafHashing(b *testing.B) {
	data := platformLines(200000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := bufio.NewReaderSize(bytes.NewReader(data), 1<<20)
		for {
			line, err := r.ReadSlice('\n')
			if len(line) > 0 {
				_ = LeafHash(line[:len(line)-1])
			}
			if err != nil {
				break
			}
		}
	}
}

// BenchmarkIngestPlatformLog: the whole local side of anchoring (reading, leaf hashing on
// every core, the tree and its files) for the lines of BenchmarkLeafHashing.
func BenchmarkIngestPlatformLog(b *testing.B) {
	data := platformLines(200000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.TempDir(), "bench")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Ingest(context.Background(), bytes.NewReader(data), &ledgerFake{t: &testing.T{}}, IngestOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
