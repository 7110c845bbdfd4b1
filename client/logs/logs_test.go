package logs

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/merkle"
)

// ledgerFake plays the chaincode's part: it verifies every anchor's consistency proof
// against the last anchored root, as Logs:Anchor does on chain.
type ledgerFake struct {
	size   uint64
	root   []byte
	seq    int
	segs   []Segment
	t      *testing.T
	reject bool
}

func (l *ledgerFake) Anchor(_ context.Context, stream string, b Batch, prev Anchored) (Anchored, error) {
	if l.reject {
		return Anchored{}, fmt.Errorf("refused")
	}
	// Errorf, not Fatalf: Ingest calls an Anchorer from its own goroutine
	if b.PrevSize != l.size {
		l.t.Errorf("batch from %d, ledger at %d", b.PrevSize, l.size)
		return Anchored{}, fmt.Errorf("batch from %d, ledger at %d", b.PrevSize, l.size)
	}
	old := l.root
	if l.size == 0 {
		old = merkle.SM3.EmptyRoot()
	}
	if err := merkle.VerifyConsistency(merkle.SM3, l.size, b.Size, b.Proof, old, b.Root); err != nil {
		l.t.Errorf("consistency %d→%d: %v", l.size, b.Size, err)
		return Anchored{}, err
	}
	l.size, l.root = b.Size, b.Root
	l.seq++
	if b.Segment != nil {
		l.segs = append(l.segs, *b.Segment)
	}
	return Anchored{Size: b.Size, Root: hex.EncodeToString(b.Root), Seq: l.seq, Anchor: fmt.Sprintf("%s-%d", stream, l.seq)}, nil
}

func lines(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "2025-09-01T10:00:%02d access user=%d op=query\n", i%60, i)
	}
	return b.String()
}

func TestStore_IngestAnchorsInBatchesAndResumes(t *testing.T) {
	dir := t.TempDir()
	led := &ledgerFake{t: t}
	s, err := Open(dir, "access")
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Ingest(context.Background(), strings.NewReader(lines(0, 1000)), led, IngestOptions{BatchLines: 300})
	if err != nil || n != 1000 {
		t.Fatalf("ingest: %d %v", n, err)
	}
	if led.seq != 4 || led.size != 1000 {
		t.Fatalf("anchors %d, size %d; want 4 batches up to 1000", led.seq, led.size)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A later run extends the same tree.
	s, err = Open(dir, "access")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Size() != 1000 || s.Anchored().Size != 1000 {
		t.Fatalf("reopened size %d anchored %d", s.Size(), s.Anchored().Size)
	}
	if _, err := s.Ingest(context.Background(), strings.NewReader(lines(1000, 1500)), led, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	// The store's tree equals an in-memory tree of the same lines.
	mt := merkle.NewMemoryTree(merkle.SM3)
	for _, ln := range strings.Split(strings.TrimSuffix(lines(0, 1500), "\n"), "\n") {
		mt.Append([]byte(ln))
	}
	if !bytes.Equal(mt.Root(), s.Root()) || !bytes.Equal(led.root, s.Root()) {
		t.Fatal("store root differs from the reference tree")
	}
	// Every 97th line proves against the anchored root; a modified line does not.
	for i := uint64(0); i < 1500; i += 97 {
		proof, err := s.InclusionProof(i, 1500)
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("2025-09-01T10:00:%02d access user=%d op=query", i%60, i)
		if err := merkle.VerifyInclusion(merkle.SM3, i, 1500, LeafHash([]byte(line)), proof, led.root); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if err := merkle.VerifyInclusion(merkle.SM3, i, 1500, LeafHash([]byte(line+" ")), proof, led.root); err == nil {
			t.Fatalf("modified line %d verified", i)
		}
	}
}

func TestStore_RepairsLevelFilesAfterCrash(t *testing.T) {
	dir := t.TempDir()
	led := &ledgerFake{t: t}
	s, _ := Open(dir, "s")
	if _, err := s.Ingest(context.Background(), strings.NewReader(lines(0, 100)), led, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	// Append more leaves and flush node files, but "crash" before the frontier is saved.
	for i := 0; i < 37; i++ {
		if err := s.AppendLine([]byte("lost")); err != nil {
			t.Fatal(err)
		}
	}
	for _, lf := range s.levels {
		lf.w.Flush()
	}
	s.release()
	s, err := Open(dir, "s")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Size() != 100 {
		t.Fatalf("size after repair %d", s.Size())
	}
	st, _ := os.Stat(filepath.Join(dir, "s", "level-00.hashes"))
	if st.Size() != 100*HashSize {
		t.Fatalf("level 0 has %d bytes after repair", st.Size())
	}
	if _, err := s.Ingest(context.Background(), strings.NewReader(lines(100, 150)), led, IngestOptions{}); err != nil {
		t.Fatalf("consistency broke after repair: %v", err)
	}
}

func TestStore_LongLineAndMissingFinalNewline(t *testing.T) {
	s, _ := Open(t.TempDir(), "s")
	defer s.Close()
	long := strings.Repeat("x", 3<<20)
	input := "a\n\n" + long + "\nlast"
	led := &ledgerFake{t: t}
	n, err := s.Ingest(context.Background(), strings.NewReader(input), led, IngestOptions{})
	if err != nil || n != 4 {
		t.Fatalf("%d lines, %v", n, err)
	}
	mt := merkle.NewMemoryTree(merkle.SM3)
	for _, ln := range []string{"a", "", long, "last"} {
		mt.Append([]byte(ln))
	}
	if !bytes.Equal(mt.Root(), s.Root()) {
		t.Fatal("roots differ")
	}
}

func TestSeal_RoundTripAndTamper(t *testing.T) {
	dir := t.TempDir()
	plainPath := filepath.Join(dir, "seg.log")
	data := []byte(lines(0, 40000)) // > 2 chunks
	if err := os.WriteFile(plainPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	digest, size, err := PlainDigest(plainPath)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := NewKey()
	var sealed bytes.Buffer
	f, _ := os.Open(plainPath)
	sealedSum, err := Seal(&sealed, f, key, SealHeader{Stream: "s", From: 0, To: 40000, PlainSM3: digest, PlainBytes: size})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed.Bytes(), data[:64]) {
		t.Fatal("plaintext visible in the archive")
	}
	if len(sealedSum) != 64 {
		t.Fatalf("sealed digest %q", sealedSum)
	}
	var out bytes.Buffer
	hdr, err := Unseal(&out, bytes.NewReader(sealed.Bytes()), key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), data) || hdr.To != 40000 {
		t.Fatal("unsealed data differs")
	}
	tampered := bytes.Clone(sealed.Bytes())
	tampered[len(tampered)/2] ^= 1
	if _, err := Unseal(&bytes.Buffer{}, bytes.NewReader(tampered), key); err == nil {
		t.Fatal("tampered archive opened")
	}
	// Truncation at a chunk boundary is caught by the final-chunk marker.
	headerLen := bytes.IndexByte(sealed.Bytes()[len(sealMagic):], '\n') + len(sealMagic) + 1
	cut := sealed.Bytes()[:headerLen+ChunkSize+16]
	if _, err := Unseal(&bytes.Buffer{}, bytes.NewReader(cut), key); err == nil {
		t.Fatal("truncated archive opened")
	}
	other, _ := NewKey()
	if _, err := Unseal(&bytes.Buffer{}, bytes.NewReader(sealed.Bytes()), other); err == nil || !strings.Contains(err.Error(), "wrong key") {
		t.Fatalf("wrong key: %v", err)
	}
}

func BenchmarkIngest(b *testing.B) {
	data := []byte(lines(0, 100000))
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		s, _ := Open(b.TempDir(), "bench")
		led := &ledgerFake{t: &testing.T{}}
		start := time.Now()
		if _, err := s.Ingest(context.Background(), bytes.NewReader(data), led, IngestOptions{}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(100000)/time.Since(start).Seconds(), "lines/s")
		s.Close()
	}
}
