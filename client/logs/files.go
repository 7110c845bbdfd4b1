package logs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Anchoring a file twice must not put its lines in the tree twice: the tree is the
// stream's history, and a duplicated day of logs is a false one. So the store keeps a
// journal of where each file's lines went (FileSegment), and IngestFile places a file
// by its content: a file whose first line starts a journaled segment is that file again
// — its lines are compared with the anchored ones, and only lines beyond the tree's end
// are appended (a grown log). A file whose lines differ at anchored positions is refused
// with both digests. A file seen for the first time is appended at the end.

// FileSegment records where a file's lines went in the tree.
type FileSegment struct {
	Name  string `json:"name"`      // the file's base name when it was anchored
	From  uint64 `json:"from"`      // leaf index of its first line
	Lines uint64 `json:"lines"`     // lines appended from it, in order
	First string `json:"firstLeaf"` // hex leaf hash of its first line
}

// End is one past the segment's last leaf.
func (f FileSegment) End() uint64 { return f.From + f.Lines }

// Files is the store's file journal.
func (s *Store) Files() []FileSegment { return append([]FileSegment(nil), s.meta.Files...) }

// clipJournal cuts journal segments back to the tree's saved size (Open's repair after a
// crash between appending and saving).
func (s *Store) clipJournal() {
	size := s.meta.Size
	out := s.meta.Files[:0]
	for _, f := range s.meta.Files {
		if f.From >= size {
			continue
		}
		if f.End() > size {
			f.Lines = size - f.From
		}
		out = append(out, f)
	}
	s.meta.Files = out
}

// ContentDiffersError is a file whose line differs from the leaf anchored at its
// position: the file changed after it was anchored, or another file took its name.
type ContentDiffersError struct {
	Stream   string
	File     string
	Line     uint64 // 1-based line of the file
	Leaf     uint64 // leaf index in the stream's tree
	Anchored string // hex leaf hash in the tree
	Got      string // hex leaf hash of the file's line
	// NameOnly: the file was matched by its name alone (its first line starts no
	// journaled file); a new file after log rotation is anchored with Rotated.
	NameOnly bool
	// GrewPast: the file has more lines than were anchored from it, but other lines
	// were anchored after it, so its new lines have no place at the end.
	GrewPast bool
}

func (e *ContentDiffersError) Error() string {
	s := fmt.Sprintf("%s line %d (leaf %d of stream %s) differs from what was anchored: anchored leaf hash %s, the file's %s",
		e.File, e.Line, e.Leaf, e.Stream, e.Anchored, e.Got)
	switch {
	case e.NameOnly:
		s += "; a file of that name was anchored with other content (if this is a new file after log rotation, anchor it with --rotated)"
	case e.GrewPast:
		s += "; the file grew after other lines were anchored behind it, so its new lines cannot be placed after its old ones"
	}
	return s
}

// AlreadyAnchoredError is a file that must be new (a segment to seal) but whose lines
// are anchored already.
type AlreadyAnchoredError struct {
	Stream  string
	File    string
	Segment FileSegment
}

func (e *AlreadyAnchoredError) Error() string {
	return fmt.Sprintf("%s is anchored already as leaves %d..%d of stream %s (from %s); a segment is sealed as it is anchored, so seal a file before anchoring it",
		e.File, e.Segment.From, e.Segment.End()-1, e.Stream, e.Segment.Name)
}

// leafReader reads stored leaf hashes in order from a position.
type leafReader struct {
	f   *os.File
	r   *bufio.Reader
	end uint64 // the tree's size when opened
}

func (s *Store) openLeaves(from uint64) (*leafReader, error) {
	f, err := os.Open(s.levelPath(0))
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(int64(from*HashSize), io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &leafReader{f: f, r: bufio.NewReaderSize(f, 1<<16), end: s.Size()}, nil
}

func (l *leafReader) next() ([]byte, error) {
	b := make([]byte, HashSize)
	if _, err := io.ReadFull(l.r, b); err != nil {
		return nil, fmt.Errorf("stored leaves: %w", err)
	}
	return b, nil
}

func (l *leafReader) Close() error { return l.f.Close() }

// Outcomes of IngestFile.
const (
	FileAnchored        = "anchored"         // a new file: every line appended
	FileAlreadyAnchored = "already-anchored" // every line is in the tree at its place: nothing done
	FileContinued       = "continued"        // its anchored lines matched; only the new ones appended
	FileEmpty           = "empty"            // no lines
)

// FileResult says what IngestFile did with a file.
type FileResult struct {
	File    string `json:"file"`
	Outcome string `json:"outcome"`
	From    uint64 `json:"from"`  // leaf index of its first line
	Lines   uint64 `json:"lines"` // lines in the file
	New     uint64 `json:"new"`   // lines this run appended
}

// FileOptions tune IngestFile.
type FileOptions struct {
	IngestOptions
	// Rotated: a file whose name was anchored before with other content is a new file
	// (log rotation reuses names), not a changed one.
	Rotated bool
	// RequireNew refuses a file any of whose lines are anchored already (sealing
	// records a segment as it anchors it).
	RequireNew bool
	// After is where the previous file of the same run ended (nil for the first): a file
	// starting there is found even where the journal does not know it.
	After *uint64
}

// Locate finds where the file at path was anchored, by its first line: the journaled
// segment it starts (nil when none), and the file's first leaf hash (nil when empty).
func (s *Store) Locate(path string) (*FileSegment, []byte, error) {
	first, err := firstLeaf(path)
	if err != nil || first == nil {
		return nil, first, err
	}
	seg, _ := s.locate(filepath.Base(path), first, nil)
	return seg, first, nil
}

// locate finds the segment a file whose first leaf hash is first starts: a journaled
// one (the same name preferred, then the latest), else — for lines anchored before the
// journal existed, or through Ingest — the one starting at hint (where the previous
// file of the same run ended) or at leaf 0 of a journal-less store, if that leaf is the
// file's first line. synth reports a segment found in the tree but not in the journal.
func (s *Store) locate(name string, first []byte, hint *uint64) (seg *FileSegment, synth bool) {
	want := hex.EncodeToString(first)
	var best *FileSegment
	for i := range s.meta.Files {
		f := &s.meta.Files[i]
		if f.First != want {
			continue
		}
		if best == nil || (f.Name == name && best.Name != name) || (f.Name == name) == (best.Name == name) && f.From > best.From {
			best = f
		}
	}
	if best != nil {
		cp := *best
		return &cp, false
	}
	try := func(at uint64) *FileSegment {
		if at >= s.Size() {
			return nil
		}
		if leaf, err := s.LeafHash(at); err == nil && bytes.Equal(leaf, first) {
			return &FileSegment{Name: name, From: at, Lines: s.Size() - at, First: want}
		}
		return nil
	}
	if hint != nil {
		if f := try(*hint); f != nil {
			return f, true
		}
	}
	if len(s.meta.Files) == 0 {
		if f := try(0); f != nil {
			return f, true
		}
	}
	return nil, false
}

// firstLeaf is the leaf hash of a file's first line (nil for an empty file).
func firstLeaf(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var first []byte
	stop := errors.New("stop")
	err = readLeaves(context.Background(), f, func(h []byte, _ []int64) error { first = bytes.Clone(h[:HashSize]); return stop }, func(int64) {})
	if err != nil && !errors.Is(err, stop) {
		return nil, err
	}
	return first, nil
}

// IngestFile anchors a file's lines idempotently (see the comment at the top of this
// file): lines already anchored at the file's place are checked, not added again.
func (s *Store) IngestFile(ctx context.Context, path string, a Anchorer, opt FileOptions) (FileResult, error) {
	name := filepath.Base(path)
	res := FileResult{File: path}
	first, err := firstLeaf(path)
	if err != nil {
		return res, err
	}
	if first == nil {
		res.Outcome = FileEmpty
		return res, nil
	}
	if err := s.Flush(); err != nil {
		return res, err
	}
	seg, synth := s.locate(name, first, opt.After)
	p := placement{at: s.Size()}
	switch {
	case seg != nil && opt.RequireNew:
		return res, &AlreadyAnchoredError{Stream: s.meta.Stream, File: path, Segment: *seg}
	case seg != nil:
		p = placement{at: seg.From, compare: true}
		if synth {
			s.journal(*seg)
		}
	case !opt.Rotated:
		for _, f := range s.meta.Files {
			if f.Name == name {
				return res, &ContentDiffersError{Stream: s.meta.Stream, File: path, Line: 1, Leaf: f.From, Anchored: f.First, Got: hex.EncodeToString(first), NameOnly: true}
			}
		}
	}
	p.beforeAppend = func(pos uint64, leaf []byte) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if seg != nil {
			for i, f := range s.meta.Files {
				if f.From == seg.From && f.End() == pos {
					s.current = i // the file's own segment grows
					return
				}
			}
		}
		s.meta.Files = append(s.meta.Files, FileSegment{Name: name, From: pos, First: hex.EncodeToString(leaf)})
		s.current = len(s.meta.Files) - 1
	}
	defer func() { s.mu.Lock(); s.current = -1; s.mu.Unlock() }()
	fh, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer fh.Close()
	read, appended, err := s.ingest(ctx, fh, a, opt.IngestOptions, p)
	res.From, res.Lines, res.New = p.at, read, appended
	var cd *ContentDiffersError
	if errors.As(err, &cd) {
		cd.File = path
		cd.GrewPast = seg != nil && cd.Leaf >= seg.From+seg.Lines && !synth
		return res, cd
	}
	if err != nil {
		return res, err
	}
	if synth && appended == 0 {
		// a file found in the tree: the journal now knows exactly how long it is
		s.mu.Lock()
		for i, f := range s.meta.Files {
			if f.From == seg.From {
				s.meta.Files[i].Lines = read
			}
		}
		s.mu.Unlock()
		if err := s.Flush(); err != nil {
			return res, err
		}
	}
	switch {
	case seg == nil:
		res.Outcome = FileAnchored
	case appended == 0:
		res.Outcome = FileAlreadyAnchored
	default:
		res.Outcome = FileContinued
	}
	return res, nil
}

// journal records a segment found in the tree, in leaf order.
func (s *Store) journal(f FileSegment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := sort.Search(len(s.meta.Files), func(i int) bool { return s.meta.Files[i].From >= f.From })
	s.meta.Files = append(s.meta.Files, FileSegment{})
	copy(s.meta.Files[i+1:], s.meta.Files[i:])
	s.meta.Files[i] = f
}
