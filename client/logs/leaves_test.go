package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

// referenceLeaves is the definition readLeaves must meet: split at '\n' (a final line
// without one counts, an empty input has no lines), LeafHash each line, and the bytes
// through the end of each line.
func referenceLeaves(data []byte) (leaves [][]byte, ends []int64) {
	pos := int64(0)
	for len(data) > 0 {
		line, next := data, len(data)
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, next = data[:i], i+1
		}
		leaves = append(leaves, LeafHash(line))
		pos += int64(next)
		ends = append(ends, pos)
		data = data[next:]
	}
	return leaves, ends
}

func collectLeaves(t testing.TB, r io.Reader) (leaves [][]byte, ends []int64, total int64, err error) {
	total = -1
	err = readLeaves(context.Background(), r, func(h []byte, e []int64) error {
		if len(h) != len(e)*HashSize {
			t.Errorf("%d bytes of hashes for %d lines", len(h), len(e))
		}
		for i := range e {
			leaves = append(leaves, bytes.Clone(h[i*HashSize:(i+1)*HashSize]))
		}
		ends = append(ends, e...)
		return nil
	}, func(n int64) { total = n })
	return leaves, ends, total, err
}

func checkLeaves(t testing.TB, name string, data []byte, r io.Reader) {
	t.Helper()
	want, wantEnds := referenceLeaves(data)
	got, gotEnds, total, err := collectLeaves(t, r)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(got) != len(want) || total != int64(len(data)) {
		t.Fatalf("%s: %d leaves, %d bytes; want %d leaves, %d bytes", name, len(got), total, len(want), len(data))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) || gotEnds[i] != wantEnds[i] {
			t.Fatalf("%s: line %d: leaf %x at %d, want %x at %d", name, i+1, got[i], gotEnds[i], want[i], wantEnds[i])
		}
	}
}

// TestReadLeaves_MatchesLineByLineHashing: the parallel reader gives every line's leaf
// in order, whatever the line lengths and wherever lines fall against its chunks — lines
// ending exactly at a chunk's end, lines longer than a chunk (also the last one, with and
// without '\n'), empty lines, no final '\n' — and whatever sizes the reads come in.
func TestReadLeaves_MatchesLineByLineHashing(t *testing.T) {
	long := strings.Repeat("x", 3*chunkSize+17)
	cases := map[string]string{
		"empty":                 "",
		"one newline":           "\n",
		"no final newline":      "a\nbb\nccc",
		"empty lines":           "\n\n\na\n\n",
		"line ends at chunk":    strings.Repeat("y", chunkSize-1) + "\n" + "next\n",
		"line one past chunk":   strings.Repeat("y", chunkSize) + "\n" + "next",
		"long line first":       long + "\nshort\n",
		"long line last":        "short\n" + long,
		"long line then more":   "a\n" + long + "\n" + long + "\nb\n",
		"exactly one chunk":     strings.Repeat("z", chunkSize),
		"chunk of newlines":     strings.Repeat("\n", chunkSize+3),
		"crlf kept in the line": "a\r\nb\r\n",
	}
	rng := rand.New(rand.NewSource(7))
	var b strings.Builder
	for b.Len() < 5*chunkSize {
		b.WriteString(strings.Repeat("l", rng.Intn(300)))
		b.WriteByte('\n')
	}
	cases["many lines over chunks"] = b.String()
	for name, data := range cases {
		checkLeaves(t, name, []byte(data), strings.NewReader(data))
		checkLeaves(t, name+" (one byte reads)", []byte(data), iotest.OneByteReader(strings.NewReader(data)))
		checkLeaves(t, name+" (half reads)", []byte(data), iotest.HalfReader(strings.NewReader(data)))
	}
}

// TestReadLeaves_StopsOnCallerErrorAndReadError: an error from the leaf callback stops
// the reading and is returned; so is an error of the reader, with nothing after it.
func TestReadLeaves_StopsOnCallerErrorAndReadError(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 200000; i++ {
		b.WriteString("line of a log that goes on for a while\n")
	}
	stop := errors.New("enough")
	calls, seen := 0, 0
	err := readLeaves(context.Background(), strings.NewReader(b.String()), func(_ []byte, e []int64) error {
		calls++
		seen += len(e)
		if calls == 2 {
			return stop
		}
		return nil
	}, func(int64) { t.Fatal("done after an error") })
	if !errors.Is(err, stop) || calls != 2 || seen >= 200000 {
		t.Fatalf("caller error: %v after %d calls, %d lines", err, calls, seen)
	}
	broken := errors.New("disk gone")
	err = readLeaves(context.Background(), io.MultiReader(strings.NewReader("a\nb\n"), iotest.ErrReader(broken)), func([]byte, []int64) error { return nil },
		func(int64) { t.Fatal("done after a read error") })
	if !errors.Is(err, broken) {
		t.Fatalf("read error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := readLeaves(ctx, strings.NewReader(b.String()), func([]byte, []int64) error { return nil }, func(int64) {}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func FuzzReadLeaves(f *testing.F) {
	f.Add([]byte("a\nb\n"), uint8(1))
	f.Add([]byte("\n\nx"), uint8(3))
	f.Add([]byte(""), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		var r io.Reader = bytes.NewReader(data)
		switch mode % 3 {
		case 1:
			r = iotest.OneByteReader(r)
		case 2:
			r = iotest.HalfReader(r)
		}
		checkLeaves(t, "fuzz", data, r)
	})
}

// slowLedger is a ledgerFake whose anchors take a while, counting how many are under way
// at once, and failing the anchor numbered failAt (from 1; 0: none).
type slowLedger struct {
	ledgerFake
	mu              sync.Mutex
	busy, most, num int
	failAt          int
}

func (l *slowLedger) Anchor(ctx context.Context, stream string, b Batch, prev Anchored) (Anchored, error) {
	l.mu.Lock()
	l.busy++
	l.num++
	l.most = max(l.most, l.busy)
	fail := l.num == l.failAt
	l.mu.Unlock()
	defer func() { l.mu.Lock(); l.busy--; l.mu.Unlock() }()
	time.Sleep(5 * time.Millisecond)
	if fail {
		return Anchored{}, errors.New("orderer unavailable")
	}
	return l.ledgerFake.Anchor(ctx, stream, b, prev)
}

// TestIngest_AnchorsOverlapHashingOneAtATime: a batch's anchor is recorded while the next
// lines are hashed, but never two at once (each names the one before), every batch
// extends the last one recorded, and a failed anchor fails the ingest with the anchors
// before it kept.
func TestIngest_AnchorsOverlapHashingOneAtATime(t *testing.T) {
	led := &slowLedger{ledgerFake: ledgerFake{t: t}}
	s, err := Open(t.TempDir(), "access")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Ingest(context.Background(), strings.NewReader(lines(0, 5000)), led, IngestOptions{BatchLines: 400}); err != nil || n != 5000 {
		t.Fatalf("ingest: %d %v", n, err)
	}
	if led.most != 1 || led.seq != 13 || led.size != 5000 || s.Anchored().Size != 5000 || !bytes.Equal(led.root, s.Root()) {
		t.Fatalf("at most %d at once, %d anchors, ledger at %d, store anchored %d", led.most, led.seq, led.size, s.Anchored().Size)
	}

	bad := &slowLedger{ledgerFake: ledgerFake{t: t}, failAt: 2}
	s2, err := Open(t.TempDir(), "access")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Ingest(context.Background(), strings.NewReader(lines(0, 5000)), bad, IngestOptions{BatchLines: 400}); err == nil || !strings.Contains(err.Error(), "orderer unavailable") {
		t.Fatalf("a failed anchor: %v", err)
	}
	if s2.Anchored().Size != 400 || bad.seq != 1 {
		t.Fatalf("after the failed second anchor: anchored %d, %d recorded; want the first (400)", s2.Anchored().Size, bad.seq)
	}
}

// heldLedger records its first anchor only once the store holds `until` leaves: the
// ledger is slow while the reader runs ahead.
type heldLedger struct {
	ledgerFake
	s     *Store
	until uint64
	calls int
}

func (l *heldLedger) Anchor(ctx context.Context, stream string, b Batch, prev Anchored) (Anchored, error) {
	l.calls++
	if l.calls == 1 {
		for l.s.Size() < l.until {
			time.Sleep(time.Millisecond)
		}
	}
	return l.ledgerFake.Anchor(ctx, stream, b, prev)
}

// TestIngest_CoalesceAnchorsWhileTheLedgerIsBusy: with Coalesce, batches that fill while
// an anchor is under way are not waited for but folded into the next anchor, which
// covers everything since; without it every batch is its own anchor.
func TestIngest_CoalesceAnchorsWhileTheLedgerIsBusy(t *testing.T) {
	s, err := Open(t.TempDir(), "access")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	led := &heldLedger{ledgerFake: ledgerFake{t: t}, s: s, until: 5000}
	if n, err := s.Ingest(context.Background(), strings.NewReader(lines(0, 5000)), led, IngestOptions{BatchLines: 400, Coalesce: true}); err != nil || n != 5000 {
		t.Fatalf("ingest: %d %v", n, err)
	}
	// the first batch (400) was under way until all 5000 were in: one more anchor for the rest
	if led.seq != 2 || led.size != 5000 || s.Anchored().Size != 5000 || !bytes.Equal(led.root, s.Root()) {
		t.Fatalf("%d anchors, ledger at %d, store anchored %d; want 2 up to 5000", led.seq, led.size, s.Anchored().Size)
	}
}

// TestStore_AppendLeafHashesSameAsOneByOne: appending a run of leaves at once (inner
// nodes of whole subtrees hashed on several cores) writes the same level files and gives
// the same roots and proofs as appending them one by one, from any starting size.
func TestStore_AppendLeafHashesSameAsOneByOne(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	leaf := func(i int) []byte { return LeafHash([]byte(fmt.Sprintf("line %d", i))) }
	for trial := 0; trial < 8; trial++ {
		dirA, dirB := t.TempDir(), t.TempDir()
		a, err := Open(dirA, "s")
		if err != nil {
			t.Fatal(err)
		}
		b, err := Open(dirB, "s")
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for run := 0; run < 4; run++ {
			n := rng.Intn(3000)
			var bulk []byte
			for i := total; i < total+n; i++ {
				if err := a.AppendLeafHash(leaf(i)); err != nil {
					t.Fatal(err)
				}
				bulk = append(bulk, leaf(i)...)
			}
			if err := b.AppendLeafHashes(bulk); err != nil {
				t.Fatal(err)
			}
			total += n
			if a.Size() != b.Size() || !bytes.Equal(a.Root(), b.Root()) {
				t.Fatalf("trial %d run %d: size %d/%d, roots differ", trial, run, a.Size(), b.Size())
			}
		}
		if err := a.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		for level := 0; ; level++ {
			fa, errA := os.ReadFile(a.levelPath(uint(level)))
			fb, errB := os.ReadFile(b.levelPath(uint(level)))
			if errA != nil || errB != nil {
				if (errA == nil) != (errB == nil) {
					t.Fatalf("trial %d: level %d exists in one store only", trial, level)
				}
				break
			}
			if !bytes.Equal(fa, fb) {
				t.Fatalf("trial %d: level %d files differ (%d vs %d bytes)", trial, level, len(fa), len(fb))
			}
		}
		if total > 0 {
			i := uint64(rng.Intn(total))
			pa, errA := a.InclusionProof(i, uint64(total))
			pb, errB := b.InclusionProof(i, uint64(total))
			if errA != nil || errB != nil || len(pa) != len(pb) {
				t.Fatalf("trial %d: proofs of %d: %v %v", trial, i, errA, errB)
			}
		}
		a.Close()
		b.Close()
	}
}
