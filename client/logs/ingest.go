package logs

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
)

// Batch is one anchor's worth of tree growth.
type Batch struct {
	PrevSize    uint64
	Size        uint64
	PrevRoot    []byte
	Root        []byte
	Proof       [][]byte // consistency proof from (PrevSize, PrevRoot) to (Size, Root)
	WindowStart time.Time
	WindowEnd   time.Time
	Segment     *Segment
}

// Segment describes a sealed log segment recorded with an anchor.
type Segment struct {
	From         uint64 // first leaf index
	To           uint64 // one past the last leaf index
	PlainDigest  string // SM3 of the plaintext segment (hex)
	SealedDigest string // SM3 of the sealed archive (hex)
}

// Anchorer submits a batch to the ledger and answers the recorded anchor.
type Anchorer interface {
	Anchor(ctx context.Context, stream string, b Batch, prev Anchored) (Anchored, error)
}

// LeafHash computes the RFC 6962 leaf hash of a line read from r without holding the
// line in memory: SM3(0x00 || line).
func LeafHash(line []byte) []byte {
	h := gm.New()
	h.Write([]byte{0})
	h.Write(line)
	return h.Sum(nil)
}

// Progress receives bytes and lines consumed so far.
type Progress func(bytes int64, lines uint64)

// IngestOptions tune Ingest.
type IngestOptions struct {
	BatchLines uint64 // anchor every this many lines (0: once at the end)
	// Coalesce: when a batch is full while the ledger is still recording the anchor
	// before it, hash on and anchor everything since as soon as that one is recorded,
	// instead of waiting for it. Anchors then come at least BatchLines apart and as often
	// as the ledger takes them, so a fast reader is not held to the ledger's round trip.
	Coalesce bool
	Progress Progress // called about every 64 KiB
	Segment  *Segment // recorded with the final anchor of this ingest (sealing)
	Now      func() time.Time
}

// Ingest streams r line by line into the tree and anchors the growth. A line is its
// bytes up to (not including) '\n'; a final line without '\n' counts too. Each line's
// leaf hash is computed while reading, so a line of any length costs constant memory.
// It returns the number of lines appended.
func (s *Store) Ingest(ctx context.Context, r io.Reader, a Anchorer, opt IngestOptions) (uint64, error) {
	_, appended, err := s.ingest(ctx, r, a, opt, placement{at: s.Size()})
	return appended, err
}

// placement says where a reader's lines go: its first line is leaf at; lines at positions
// the tree already holds are compared with the stored leaves (compare) instead of being
// appended; the first line appended is announced to beforeAppend (the file journal).
type placement struct {
	at           uint64
	compare      bool
	beforeAppend func(pos uint64, leaf []byte)
}

// ingest reads r's lines into the tree as p places them and anchors what it appended.
// It returns the lines read and the lines appended; a stored leaf that differs from the
// line at its position stops it with a *ContentDiffersError (nothing appended before it).
func (s *Store) ingest(ctx context.Context, r io.Reader, a Anchorer, opt IngestOptions, p placement) (read, appended uint64, err error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	if err := s.Flush(); err != nil {
		return 0, 0, err
	}
	var stored *leafReader
	if p.compare && p.at < s.Size() {
		if stored, err = s.openLeaves(p.at); err != nil {
			return 0, 0, err
		}
		defer stored.Close()
	}
	windowStart := now()
	pending := uint64(0)
	var inflight *anchoring // the last batch's anchor, recorded while the next is hashed
	pos := p.at
	var lastReport int64
	err = readLeaves(ctx, r, func(hashes []byte, ends []int64) error {
		for j := 0; j < len(ends); {
			leaf := hashes[j*HashSize : (j+1)*HashSize]
			if stored != nil && pos < stored.end {
				got, err := stored.next()
				if err != nil {
					return err
				}
				if !bytes.Equal(got, leaf) {
					return &ContentDiffersError{Stream: s.meta.Stream, Line: read + 1, Leaf: pos, Anchored: hex.EncodeToString(got), Got: hex.EncodeToString(leaf)}
				}
				pos, read, j = pos+1, read+1, j+1
			} else {
				// a run of new leaves, up to the end of the chunk or of the batch
				run := uint64(len(ends) - j)
				if opt.BatchLines > 0 && pending < opt.BatchLines {
					run = min(run, opt.BatchLines-pending)
				}
				if appended == 0 && p.beforeAppend != nil {
					p.beforeAppend(pos, leaf)
				}
				if err := s.AppendLeafHashes(hashes[j*HashSize : (j+int(run))*HashSize]); err != nil {
					return err
				}
				appended, pending, pos, read, j = appended+run, pending+run, pos+run, read+run, j+int(run)
			}
			if bytesRead := ends[j-1]; opt.Progress != nil && bytesRead-lastReport >= 64<<10 {
				opt.Progress(bytesRead, read)
				lastReport = bytesRead
			}
			if opt.BatchLines > 0 && pending >= opt.BatchLines && !(opt.Coalesce && inflight.busy()) {
				if err := inflight.wait(); err != nil {
					return err
				}
				b, prev, ok, err := s.prepareAnchor(windowStart, now(), nil)
				if err != nil {
					return err
				}
				inflight = nil
				if ok {
					inflight = s.startAnchor(ctx, a, b, prev)
				}
				windowStart = now()
				pending = 0
			}
		}
		return nil
	}, func(bytesRead int64) {
		if opt.Progress != nil {
			opt.Progress(bytesRead, read)
		}
	})
	if werr := inflight.wait(); err == nil {
		err = werr
	}
	if err != nil {
		return read, appended, err
	}
	if pending > 0 || opt.Segment != nil {
		if err := s.anchorNow(ctx, a, windowStart, now(), opt.Segment); err != nil {
			return read, appended, err
		}
	}
	return read, appended, s.Flush()
}

// AnchorPending anchors whatever the tree holds beyond the last anchor.
func (s *Store) AnchorPending(ctx context.Context, a Anchorer, windowStart, windowEnd time.Time) error {
	return s.anchorNow(ctx, a, windowStart, windowEnd, nil)
}

func (s *Store) anchorNow(ctx context.Context, a Anchorer, start, end time.Time, seg *Segment) error {
	b, prev, ok, err := s.prepareAnchor(start, end, seg)
	if err != nil || !ok {
		return err
	}
	return s.submitAnchor(ctx, a, b, prev)
}

// prepareAnchor flushes the tree and computes the batch that anchors its growth since the
// last anchor: sizes, roots, the consistency proof and the time window. ok is false when
// there is nothing to anchor.
func (s *Store) prepareAnchor(start, end time.Time, seg *Segment) (b Batch, prev Anchored, ok bool, err error) {
	if err := s.Flush(); err != nil {
		return b, prev, false, err
	}
	prev = s.Anchored()
	size := s.Size()
	if size == prev.Size {
		if seg != nil {
			return b, prev, false, fmt.Errorf("nothing new to anchor with the sealed segment: the tree has %d leaves, all anchored", size)
		}
		return b, prev, false, nil
	}
	prevRoot, err := hex.DecodeString(prev.Root)
	if err != nil || (prev.Size > 0 && len(prevRoot) != HashSize) {
		return b, prev, false, fmt.Errorf("stored anchored root %q: %v", prev.Root, err)
	}
	if prev.Size == 0 {
		prevRoot = s.h.EmptyRoot()
	}
	proof, err := s.ConsistencyProof(prev.Size, size)
	if err != nil {
		return b, prev, false, err
	}
	b = Batch{PrevSize: prev.Size, Size: size, PrevRoot: prevRoot, Root: s.Root(), Proof: proof, WindowStart: start, WindowEnd: end, Segment: seg}
	if !prev.End.IsZero() && b.WindowStart.Before(prev.End) {
		// windows may not overlap (the chaincode refuses it): start where the last ended
		b.WindowStart = prev.End
	}
	if b.WindowEnd.Before(b.WindowStart) {
		b.WindowEnd = b.WindowStart
	}
	return b, prev, true, nil
}

// submitAnchor records batch b on the ledger and, once it is there, as the last anchor.
func (s *Store) submitAnchor(ctx context.Context, a Anchorer, b Batch, prev Anchored) error {
	got, err := a.Anchor(ctx, s.meta.Stream, b, prev)
	if err != nil {
		return err
	}
	got.End = b.WindowEnd
	return s.SetAnchored(got)
}

// anchoring is an anchor transaction under way while the next lines are hashed: the
// ledger's round trip (endorsement, ordering, commit) overlaps the local work instead of
// adding to it. An anchor names the one before it, so at most one is under way.
type anchoring struct {
	done chan struct{}
	err  error
}

func (s *Store) startAnchor(ctx context.Context, a Anchorer, b Batch, prev Anchored) *anchoring {
	an := &anchoring{done: make(chan struct{})}
	go func() {
		defer close(an.done)
		an.err = s.submitAnchor(ctx, a, b, prev)
	}()
	return an
}

// busy reports whether the anchor is still under way.
func (an *anchoring) busy() bool {
	if an == nil {
		return false
	}
	select {
	case <-an.done:
		return false
	default:
		return true
	}
}

// wait answers the anchor's outcome once it is recorded (nil for no anchor).
func (an *anchoring) wait() error {
	if an == nil {
		return nil
	}
	<-an.done
	return an.err
}
