package logs

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeLines(t *testing.T, path string, from, to int) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(lines(from, to)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestIngestFile_AnchorsEachLineOnce: a file anchored again changes nothing and says so;
// a grown file adds only its new lines; a changed file is refused with both digests
// and nothing appended; a file that grew after another was anchored behind it is
// refused; a new file reusing an anchored name is refused unless rotated.
func TestIngestFile_AnchorsEachLineOnce(t *testing.T) {
	dir := t.TempDir()
	led := &ledgerFake{t: t}
	s, err := Open(filepath.Join(dir, "state"), "access")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	a := writeLines(t, filepath.Join(dir, "a.log"), 0, 100)
	ingest := func(path string, opt FileOptions) (FileResult, error) { return s.IngestFile(ctx, path, led, opt) }

	if r, err := ingest(a, FileOptions{}); err != nil || r.Outcome != FileAnchored || r.New != 100 || r.From != 0 {
		t.Fatalf("first anchor: %+v %v", r, err)
	}
	seq := led.seq
	if r, err := ingest(a, FileOptions{}); err != nil || r.Outcome != FileAlreadyAnchored || r.New != 0 || r.Lines != 100 {
		t.Fatalf("again: %+v %v", r, err)
	}
	if led.seq != seq || s.Size() != 100 {
		t.Fatalf("anchoring the same file again anchored (%d anchors, %d leaves)", led.seq, s.Size())
	}

	writeLines(t, a, 0, 150) // the log grew
	if r, err := ingest(a, FileOptions{}); err != nil || r.Outcome != FileContinued || r.New != 50 || s.Size() != 150 {
		t.Fatalf("grown: %+v %v (size %d)", r, err, s.Size())
	}
	if f := s.Files(); len(f) != 1 || f[0].Lines != 150 {
		t.Fatalf("journal %+v", f)
	}

	changed := strings.Replace(lines(0, 150), "user=9 ", "user=999 ", 1)
	if err := os.WriteFile(a, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ingest(a, FileOptions{})
	var cd *ContentDiffersError
	if !errors.As(err, &cd) || cd.Line != 10 || cd.Leaf != 9 || cd.Anchored == cd.Got || len(cd.Anchored) != 64 || len(cd.Got) != 64 {
		t.Fatalf("changed line 10: %v", err)
	}
	if s.Size() != 150 {
		t.Fatalf("a refused file appended lines: size %d", s.Size())
	}

	writeLines(t, a, 0, 150)
	b := writeLines(t, filepath.Join(dir, "b.log"), 1000, 1040)
	if r, err := ingest(b, FileOptions{}); err != nil || r.Outcome != FileAnchored || r.From != 150 {
		t.Fatalf("b: %+v %v", r, err)
	}
	writeLines(t, a, 0, 160)
	if _, err := ingest(a, FileOptions{}); !errors.As(err, &cd) || !cd.GrewPast {
		t.Fatalf("a grew after b: %v", err)
	}

	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeLines(t, filepath.Join(dir, "sub", "b.log"), 5000, 5010)
	if _, err := ingest(filepath.Join(dir, "sub", "b.log"), FileOptions{}); !errors.As(err, &cd) || !cd.NameOnly {
		t.Fatalf("new content under an anchored name: %v", err)
	}
	if r, err := ingest(filepath.Join(dir, "sub", "b.log"), FileOptions{Rotated: true}); err != nil || r.Outcome != FileAnchored || r.From != 190 {
		t.Fatalf("rotated: %+v %v", r, err)
	}
	if _, err := ingest(b, FileOptions{IngestOptions: IngestOptions{}, RequireNew: true}); !errors.As(err, new(*AlreadyAnchoredError)) {
		t.Fatalf("sealing an anchored file: %v", err)
	}

	// The journal survives a reopen.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(filepath.Join(dir, "state"), "access")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := ingest(b, FileOptions{}); err != nil || r.Outcome != FileAlreadyAnchored {
		t.Fatalf("b after reopen: %+v %v", r, err)
	}
}

// TestIngestFile_StoreWithoutJournal: lines anchored before the journal existed (or
// through Ingest) are recognized at leaf 0 and where the run's previous file ended.
func TestIngestFile_StoreWithoutJournal(t *testing.T) {
	dir := t.TempDir()
	led := &ledgerFake{t: t}
	s, _ := Open(filepath.Join(dir, "state"), "access")
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Ingest(ctx, strings.NewReader(lines(0, 70)), led, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	a := writeLines(t, filepath.Join(dir, "a.log"), 0, 30)
	b := writeLines(t, filepath.Join(dir, "b.log"), 30, 80)
	ra, err := s.IngestFile(ctx, a, led, FileOptions{})
	if err != nil || ra.Outcome != FileAlreadyAnchored {
		t.Fatalf("a: %+v %v", ra, err)
	}
	end := ra.From + ra.Lines
	rb, err := s.IngestFile(ctx, b, led, FileOptions{After: &end})
	if err != nil || rb.Outcome != FileContinued || rb.From != 30 || rb.New != 10 || s.Size() != 80 {
		t.Fatalf("b: %+v %v (size %d)", rb, err, s.Size())
	}
}

// TestProof_OneSchema: a proof from the store decodes with the shared decoder (strictly),
// keeps the older treeSize name equal to size, verifies for its line and not for another.
func TestProof_OneSchema(t *testing.T) {
	led := &ledgerFake{t: t}
	s, _ := Open(t.TempDir(), "access")
	defer s.Close()
	if _, err := s.Ingest(context.Background(), strings.NewReader(lines(0, 500)), led, IngestOptions{BatchLines: 200}); err != nil {
		t.Fatal(err)
	}
	p, err := s.Prove(123, 0)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(p)
	got, err := DecodeInclusionProof(raw)
	if err != nil || got.Size != 500 || got.TreeSize != 500 || got.Anchor == "" {
		t.Fatalf("decode %s: %+v %v", raw, got, err)
	}
	line := strings.Split(lines(123, 124), "\n")[0]
	got.Line = &line
	leaf, err := got.Leaf()
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Verify(leaf, led.root); err != nil {
		t.Fatalf("verify: %v", err)
	}
	other := line + "x"
	got.Line = &other
	if _, err := got.Leaf(); err == nil {
		t.Fatal("a line that is not the proved one was accepted next to its leafHash")
	}
	if _, err := DecodeInclusionProof([]byte(`{"stream":"s","index":1,"size":2,"proof":[],"colour":1}`)); err == nil {
		t.Fatal("unknown field accepted")
	}
	if _, err := DecodeInclusionProof([]byte(`{"stream":"s","index":2,"size":2,"proof":[]}`)); err == nil {
		t.Fatal("index at size accepted")
	}
}
