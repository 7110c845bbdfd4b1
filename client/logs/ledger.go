package logs

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// Ledger anchors a stream's growth on the ledger through a client (Logs:Append): the
// Anchorer that Ingest and AnchorPending use against the real network, and the one place
// where a Batch becomes the chaincode's request (pdl logs and the benchmarks use it).
type Ledger struct {
	c        *client.Client
	signer   *client.SM2Signer
	anchored func(stream string, b Batch, a Anchored)
}

// LedgerOption configures a Ledger.
type LedgerOption func(*Ledger)

// SignedBy makes every anchor carry the participant's SM2 signature, which some policy
// profiles require of log anchors. A nil signer leaves anchors unsigned.
func SignedBy(s *client.SM2Signer) LedgerOption { return func(l *Ledger) { l.signer = s } }

// OnAnchored is called after each anchor commits (progress output).
func OnAnchored(f func(stream string, b Batch, a Anchored)) LedgerOption {
	return func(l *Ledger) { l.anchored = f }
}

// NewLedger anchors through c, acting as the stream's owner.
func NewLedger(c *client.Client, opts ...LedgerOption) *Ledger {
	l := &Ledger{c: c}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Anchor submits a batch of tree growth: the chaincode verifies the consistency proof
// from the stream's anchored head. The anchor id is derived from the stream and the new
// size, so a retried batch is the same request.
func (l *Ledger) Anchor(ctx context.Context, stream string, b Batch, prev Anchored) (Anchored, error) {
	req := model.AppendLogRequest{
		Request:     model.Request{ID: fmt.Sprintf("%s-%d", stream, b.Size)},
		Stream:      stream,
		PrevSize:    b.PrevSize,
		Size:        b.Size,
		Root:        hex.EncodeToString(b.Root),
		WindowStart: model.AnchorTime(b.WindowStart),
		WindowEnd:   model.AnchorTime(b.WindowEnd),
		PrevDigest:  prev.Digest,
	}
	for _, p := range b.Proof {
		req.Proof = append(req.Proof, hex.EncodeToString(p))
	}
	if b.Segment != nil {
		req.Segment = &model.SealedSegment{From: b.Segment.From, To: b.Segment.To, PlainDigest: b.Segment.PlainDigest, SealedDigest: b.Segment.SealedDigest}
	}
	var payload any = &req
	if l.signer != nil {
		f, _ := model.Function("Logs:Append")
		signed, err := client.SignRequest(f, &req, l.signer.Participant, l.signer.Key)
		if err != nil {
			return Anchored{}, err
		}
		payload = signed
	}
	res, err := l.c.Submit(ctx, "Logs:Append", payload)
	if err != nil {
		return Anchored{}, err
	}
	var a model.Anchor
	if err := res.Decode(&a); err != nil {
		return Anchored{}, err
	}
	got := Anchored{Size: a.Size, Root: a.Root, Anchor: a.ID, Digest: a.Digest, Seq: int(a.Seq), TxID: res.TxID, End: a.WindowEnd, Block: res.BlockNumber}
	if l.anchored != nil {
		l.anchored(stream, b, got)
	}
	return got, nil
}

// SyncAnchored reconciles a local stream store with the ledger before new anchors: if an
// anchor committed but the client never recorded it (a crash after submitting), the
// store learns it from the ledger; a ledger behind the store, or a root that differs at
// the same size, is an error to look at, not something to paper over.
func SyncAnchored(ctx context.Context, c *client.Client, st *Store, stream string) error {
	var s model.LogStream
	if err := c.Evaluate(ctx, "Logs:Stream", &model.Ref{ID: stream}, &s); err != nil {
		var re *client.RefusedError
		if errors.As(err, &re) && re.Code() == model.CodeNotFound {
			return fmt.Errorf("stream %s is not open on the ledger: open it first (pdl logs open --id %s --log-kind access): %w", stream, stream, err)
		}
		return err
	}
	local := st.Anchored()
	switch {
	case s.Size == local.Size && s.Size > 0 && s.Root != local.Root:
		return stateErrf("stream %s: the ledger's root at size %d is %s, the local store's is %s", stream, s.Size, s.Root, local.Root)
	case s.Size == local.Size:
		if local.End.IsZero() && !s.WindowEnd.IsZero() {
			local.End = s.WindowEnd
			return st.SetAnchored(local)
		}
		return nil
	case s.Size < local.Size:
		return stateErrf("stream %s: the local store says %d leaves are anchored, the ledger only %d (wrong network, or a store copied from elsewhere?)", stream, local.Size, s.Size)
	case s.Size > st.Size():
		return stateErrf("stream %s: the ledger has %d leaves anchored but the store in %s holds %d (wrong --state directory?)", stream, s.Size, st.dir, st.Size())
	}
	root, err := st.RootAt(s.Size)
	if err != nil {
		return err
	}
	if hex.EncodeToString(root) != s.Root {
		return stateErrf("stream %s: the ledger's root at size %d does not match the local tree in %s", stream, s.Size, st.dir)
	}
	return st.SetAnchored(Anchored{Size: s.Size, Root: s.Root, Anchor: s.LastAnchor, Digest: s.LastDigest, Seq: int(s.Anchors), End: s.WindowEnd})
}

// StateError is a local store that disagrees with the ledger (or is damaged): nothing
// to retry, the local state needs looking at.
type StateError struct{ Msg string }

func (e *StateError) Error() string { return e.Msg }

func stateErrf(format string, a ...any) error { return &StateError{Msg: fmt.Sprintf(format, a...)} }

// anchorAt is the first anchor of stream whose tree has at least size leaves.
func anchorAt(ctx context.Context, c *client.Client, stream string, size uint64) (*model.Anchor, error) {
	var a model.Anchor
	if err := c.Evaluate(ctx, "Logs:AnchorAt", &model.LogAnchorAtRequest{Stream: stream, Size: size}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// AnchoredRoot returns the root the ledger anchored for exactly size leaves of stream.
func AnchoredRoot(ctx context.Context, c *client.Client, stream string, size uint64) ([]byte, string, error) {
	a, err := anchorAt(ctx, c, stream, size)
	if err != nil {
		return nil, "", err
	}
	if a.Size != size {
		return nil, "", &client.RefusedError{Err: model.Errf(model.CodeNotFound, "stream %s has no anchor at size %d (the next one is at %d); prove against an anchored size", stream, size, a.Size)}
	}
	root, err := hex.DecodeString(a.Root)
	return root, a.ID, err
}

// AnchorRootFromFile reads an anchor record saved as JSON (offline verification) and
// checks that its digest matches its content.
func AnchorRootFromFile(path string) ([]byte, uint64, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	var a model.Anchor
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, 0, err
	}
	if d := model.AnchorDigest(a.Stream, a.Seq, a.Size, a.Root, a.WindowStart, a.WindowEnd, a.PrevDigest); d != a.Digest {
		return nil, 0, fmt.Errorf("anchor %s: digest %s does not match its content (%s)", a.ID, a.Digest, d)
	}
	root, err := hex.DecodeString(a.Root)
	return root, a.Size, err
}

// SegmentAnchored reports whether the ledger recorded a sealed segment [from, to) of
// stream with the given plaintext digest, and in which anchor.
func SegmentAnchored(ctx context.Context, c *client.Client, stream string, from, to uint64, plainDigest string) (bool, string, error) {
	a, err := anchorAt(ctx, c, stream, to)
	if err != nil {
		return false, "", err
	}
	if a.Segment == nil || a.Segment.From != from || a.Segment.To != to {
		return false, a.ID, nil
	}
	return a.Segment.PlainDigest == plainDigest, a.ID, nil
}
