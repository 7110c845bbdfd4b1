package contracts

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
)

// lgOpen opens stream id of op under authorization auth ("" for none).
func lgOpen(h *harness, id, auth string) *model.LogStream {
	h.t.Helper()
	req := map[string]any{"id": id, "logKind": "access"}
	if auth != "" {
		req["authorizationId"] = auth
	}
	var s model.LogStream
	h.okInto(h.as("op"), "Logs:Open", req, &s)
	return &s
}

// lgWindow is a window ending a minute before the ledger clock.
func lgWindow(h *harness, from time.Duration) (time.Time, time.Time) {
	return h.L.Now.Add(-from), h.L.Now.Add(-time.Minute)
}

// lgAnchor anchors tree from prev to size on stream, chained to prevDigest.
func lgAnchor(h *harness, tree *merkle.MemoryTree, id, stream string, prev, size uint64, prevDigest string) *model.Anchor {
	h.t.Helper()
	s, e := lgWindow(h, time.Hour)
	var a model.Anchor
	h.okInto(h.as("op"), "Logs:Append", appendReq(h.t, tree, id, stream, prev, size, prevDigest, s, e), &a)
	h.advance(2 * time.Hour)
	return &a
}

func TestLogs_StreamOpenedByOperator(t *testing.T) {
	h := newSupervision(t, "futian")
	s := lgOpen(h, "s1", "auth1")
	if s.Owner != "op" || s.Size != 0 || s.Root != hex.EncodeToString(merkle.SM3.EmptyRoot()) || s.TreeHash != model.LogTreeHash || s.Public {
		t.Fatalf("stream = %+v", s)
	}
	lgOpen(h, "s2", "") // a stream need not name an authorization
	h.refused(h.as("su1"), "Logs:Open", map[string]any{"id": "s3", "logKind": "access"}, model.RuleLogStreamOperator.Code)
	e := h.refused(h.as("op"), "Logs:Open", map[string]any{"id": "s3", "logKind": "access", "authorizationId": "auth2"}, model.RuleLogStreamOperator.Code)
	if e.Field != "authorizationId" {
		t.Fatalf("field = %q", e.Field)
	}
	a := h.storedAuth("auth1")
	a.Status = model.AuthTerminated
	h.put(a)
	h.refused(h.as("op"), "Logs:Open", map[string]any{"id": "s3", "logKind": "processing", "authorizationId": "auth1"}, model.RuleLogStreamOperator.Code)
	h.refused(h.as("op"), "Logs:Open", map[string]any{"id": "s3", "logKind": "audit"}, model.CodeBadEnum)
}

func TestLogs_OnlyOwnerAnchors(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(5, "a")
	st, en := lgWindow(h, time.Hour)
	h.refused(h.as("op2"), "Logs:Append", appendReq(t, tree, "a1", "s1", 0, 5, "", st, en), model.RuleLogAnchorOwner.Code)
	h.refused(h.Bureau, "Logs:Append", appendReq(t, tree, "a1", "s1", 0, 5, "", st, en), model.RuleLogAnchorOwner.Code)
	a := lgAnchor(h, tree, "a1", "s1", 0, 5, "")
	if a.Seq != 1 || a.Size != 5 || a.Owner != "op" || a.PrevSize != 0 || a.PrevRoot != hex.EncodeToString(merkle.SM3.EmptyRoot()) {
		t.Fatalf("anchor = %+v", a)
	}
}

func TestLogs_AnchorMustGrow(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(8, "a")
	a1 := lgAnchor(h, tree, "a1", "s1", 0, 5, "")
	st, en := lgWindow(h, time.Minute*30)
	h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a2", "s1", 5, 5, a1.Digest, st, en), model.RuleLogAnchorNotGrowing.Code)
	shrink := appendReq(t, tree, "a2", "s1", 3, 3, a1.Digest, st, en)
	shrink.PrevSize = 5
	h.refused(h.as("op"), "Logs:Append", shrink, model.RuleLogAnchorNotGrowing.Code)
	a2 := lgAnchor(h, tree, "a2", "s1", 5, 8, a1.Digest)
	if a2.Seq != 2 || a2.PrevSize != 5 || a2.Size != 8 {
		t.Fatalf("anchor = %+v", a2)
	}
}

func TestLogs_GapRejected(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(10, "a")
	st, en := lgWindow(h, time.Hour)
	// the first anchor starts from the empty tree
	h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a1", "s1", 2, 5, "", st, en), model.RuleLogAnchorGap.Code)
	a1 := lgAnchor(h, tree, "a1", "s1", 0, 5, "")
	st, en = lgWindow(h, time.Hour)
	e := h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a2", "s1", 4, 10, a1.Digest, st, en), model.RuleLogAnchorGap.Code)
	if e.Field != "prevSize" || e.Limit != "5" {
		t.Fatalf("refusal = %+v", e)
	}
	h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a2", "s1", 6, 10, a1.Digest, st, en), model.RuleLogAnchorGap.Code)
	lgAnchor(h, tree, "a2", "s1", 5, 10, a1.Digest)
}

func TestLogs_RewrittenHistoryRejected(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(8, "a")
	st, en := lgWindow(h, time.Hour)
	// a first anchor carries no proof (the empty tree extends to any tree)
	bad := appendReq(t, tree, "a1", "s1", 0, 5, "", st, en)
	bad.Proof = []string{digest("x")}
	h.refused(h.as("op"), "Logs:Append", bad, model.RuleLogAnchorConsistency.Code)
	a1 := lgAnchor(h, tree, "a1", "s1", 0, 5, "")

	// leaf 2 rewritten, then the tree grown: its own proof does not lead from the anchored root
	forged := merkle.NewMemoryTree(merkle.SM3)
	for i := uint64(0); i < 8; i++ {
		leaf, _ := tree.Node(0, i)
		if i == 2 {
			leaf = merkle.SM3.HashLeaf([]byte("2025-09-01T09:00:02 a op=delete line=2 (rewritten)"))
		}
		if err := forged.AppendHash(leaf); err != nil {
			t.Fatal(err)
		}
	}
	st, en = lgWindow(h, time.Hour)
	e := h.refused(h.as("op"), "Logs:Append", appendReq(t, forged, "a2", "s1", 5, 8, a1.Digest, st, en), model.RuleLogAnchorConsistency.Code)
	if e.Field != "proof" || !strings.Contains(e.Message, "does not extend") {
		t.Fatalf("refusal = %+v", e)
	}
	// a genuine tree with a tampered proof
	tampered := appendReq(t, tree, "a2", "s1", 5, 8, a1.Digest, st, en)
	p, _ := hex.DecodeString(tampered.Proof[0])
	p[0] ^= 1
	tampered.Proof[0] = hex.EncodeToString(p)
	h.refused(h.as("op"), "Logs:Append", tampered, model.RuleLogAnchorConsistency.Code)
	// a proof of the wrong length
	short := appendReq(t, tree, "a2", "s1", 5, 8, a1.Digest, st, en)
	short.Proof = short.Proof[1:]
	h.refused(h.as("op"), "Logs:Append", short, model.RuleLogAnchorConsistency.Code)
	lgAnchor(h, tree, "a2", "s1", 5, 8, a1.Digest)
}

func TestLogs_BrokenLinkRejected(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(9, "a")
	st, en := lgWindow(h, time.Hour)
	h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a1", "s1", 0, 3, digest("nothing"), st, en), model.RuleLogAnchorLink.Code)
	a1 := lgAnchor(h, tree, "a1", "s1", 0, 3, "")
	st, en = lgWindow(h, time.Hour)
	h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a2", "s1", 3, 6, "", st, en), model.RuleLogAnchorLink.Code)
	e := h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a2", "s1", 3, 6, digest("other"), st, en), model.RuleLogAnchorLink.Code)
	if e.Field != "prevDigest" || e.Limit != a1.Digest {
		t.Fatalf("refusal = %+v", e)
	}
	a2 := lgAnchor(h, tree, "a2", "s1", 3, 6, a1.Digest)
	// a retry of an earlier anchor's link, after the chain moved on
	st, en = lgWindow(h, time.Hour)
	h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a3", "s1", 6, 9, a1.Digest, st, en), model.RuleLogAnchorLink.Code)
	lgAnchor(h, tree, "a3", "s1", 6, 9, a2.Digest)
}

func TestLogs_WindowOutOfBoundsRejected(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(9, "a")
	now := h.L.Now
	h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a1", "s1", 0, 3, "", now.Add(-time.Hour), now.Add(time.Hour)), model.RuleLogAnchorWindow.Code)
	e := h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a1", "s1", 0, 3, "", now.Add(-time.Minute), now.Add(-time.Hour)), model.RuleLogAnchorWindow.Code)
	if e.Field != "windowEnd" {
		t.Fatalf("field = %q", e.Field)
	}
	var a1 model.Anchor
	h.okInto(h.as("op"), "Logs:Append", appendReq(t, tree, "a1", "s1", 0, 3, "", now.Add(-2*time.Hour), now.Add(-time.Hour)), &a1)
	// the next window may not start before the previous one ended
	now = h.L.Now
	e = h.refused(h.as("op"), "Logs:Append", appendReq(t, tree, "a2", "s1", 3, 6, a1.Digest, now.Add(-90*time.Minute), now), model.RuleLogAnchorWindow.Code)
	if e.Field != "windowStart" {
		t.Fatalf("field = %q", e.Field)
	}
	// windows are kept to the millisecond, in CST; one may start where the last ended
	var a2 model.Anchor
	h.okInto(h.as("op"), "Logs:Append", appendReq(t, tree, "a2", "s1", 3, 6, a1.Digest, a1.WindowEnd.Add(999*time.Microsecond), now.Add(-time.Second)), &a2)
	if !a2.WindowStart.Equal(a1.WindowEnd) || a2.WindowStart.Nanosecond()%int(time.Millisecond) != 0 {
		t.Fatalf("window start %v, previous end %v", a2.WindowStart, a1.WindowEnd)
	}
}

func TestLogs_SealedSegmentContiguous(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(12, "a")
	seg := func(from, to uint64) *model.SealedSegment {
		return &model.SealedSegment{From: from, To: to, PlainDigest: digest("plain"), SealedDigest: digest("sealed")}
	}
	st, en := lgWindow(h, time.Hour)
	req := appendReq(t, tree, "a1", "s1", 0, 5, "", st, en)
	req.Segment = seg(1, 5)
	h.refused(h.as("op"), "Logs:Append", req, model.RuleLogSegment.Code)
	req.Segment = seg(0, 6)
	h.refused(h.as("op"), "Logs:Append", req, model.RuleLogSegment.Code)
	req.Segment = seg(0, 5)
	var a1 model.Anchor
	h.okInto(h.as("op"), "Logs:Append", req, &a1)
	if a1.Segment == nil || a1.Segment.To != 5 {
		t.Fatalf("segment = %+v", a1.Segment)
	}
	h.advance(2 * time.Hour)
	st, en = lgWindow(h, time.Hour)
	req = appendReq(t, tree, "a2", "s1", 5, 12, a1.Digest, st, en)
	req.Segment = seg(6, 12) // a hole at leaf 5
	h.refused(h.as("op"), "Logs:Append", req, model.RuleLogSegment.Code)
	req.Segment = seg(5, 5) // empty
	h.refused(h.as("op"), "Logs:Append", req, model.RuleLogSegment.Code)
	req.Segment = seg(5, 10) // a segment may close before the tree's end
	h.ok(h.as("op"), "Logs:Append", req)
	var s model.LogStream
	h.okInto(h.as("op"), "Logs:Stream", map[string]any{"id": "s1"}, &s)
	if s.SealedTo != 10 || s.Size != 12 || s.Anchors != 2 {
		t.Fatalf("stream = %+v", s)
	}
}

// TestLogs_DigestRecomputable: the documented encoding, recomputed by hand, gives the
// stored digest, and each anchor links to the one before.
func TestLogs_DigestRecomputable(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(7, "a")
	a1 := lgAnchor(h, tree, "a1", "s1", 0, 4, "")
	a2 := lgAnchor(h, tree, "a2", "s1", 4, 7, a1.Digest)
	text := "PDL-ANCHOR-V1\nstream=s1\nseq=2\nsize=7\nroot=" + a2.Root +
		"\nwindowStart=" + a2.WindowStart.In(model.CST).Format("2006-01-02T15:04:05.000+08:00") +
		"\nwindowEnd=" + a2.WindowEnd.In(model.CST).Format("2006-01-02T15:04:05.000+08:00") +
		"\nprevious=" + a1.Digest + "\n"
	if got := gm.SumHex([]byte(text)); got != a2.Digest {
		t.Fatalf("hand-computed digest %s, stored %s", got, a2.Digest)
	}
	if model.AnchorDigest("s1", 1, 4, a1.Root, a1.WindowStart, a1.WindowEnd, "") != a1.Digest || a2.PrevDigest != a1.Digest {
		t.Fatal("first anchor digest or link does not recompute")
	}
	// the stored proof re-verifies offline
	var proof [][]byte
	for _, p := range a2.Proof {
		b, _ := hex.DecodeString(p)
		proof = append(proof, b)
	}
	r1, _ := hex.DecodeString(a2.PrevRoot)
	r2, _ := hex.DecodeString(a2.Root)
	if err := merkle.VerifyConsistency(merkle.SM3, a2.PrevSize, a2.Size, proof, r1, r2); err != nil {
		t.Fatal(err)
	}
	if e := h.lastEvent(); e.Type != "anchor.anchored" || e.Records[0].Public {
		t.Fatalf("event %s, records %+v", e.Type, e.Records)
	}
}

func TestLogs_AnchorAtAndPaging(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	tree := logTree(10, "a")
	prev, digest := uint64(0), ""
	for i, size := range []uint64{2, 4, 6, 8, 10} {
		a := lgAnchor(h, tree, "a"+string(rune('1'+i)), "s1", prev, size, digest)
		prev, digest = size, a.Digest
	}
	for size, seq := range map[uint64]uint64{1: 1, 2: 1, 3: 2, 5: 3, 6: 3, 9: 5, 10: 5} {
		var a model.Anchor
		h.okInto(h.Bureau, "Logs:AnchorAt", map[string]any{"stream": "s1", "size": size}, &a)
		if a.Seq != seq {
			t.Errorf("AnchorAt(%d) = seq %d, want %d", size, a.Seq, seq)
		}
	}
	h.refused(h.Bureau, "Logs:AnchorAt", map[string]any{"stream": "s1", "size": 11}, model.CodeNotFound)
	// a client proves leaf 4 against the anchor covering it
	var a model.Anchor
	h.okInto(h.as("reg"), "Logs:AnchorAt", map[string]any{"stream": "s1", "size": 5}, &a)
	path, _ := merkle.InclusionProof(tree, merkle.SM3, 4, a.Size)
	leaf, _ := tree.Node(0, 4)
	root, _ := hex.DecodeString(a.Root)
	if err := merkle.VerifyInclusion(merkle.SM3, 4, a.Size, leaf, path, root); err != nil {
		t.Fatal(err)
	}
	var page model.PageResult[*model.Anchor]
	h.okInto(h.as("op"), "Logs:Anchors", map[string]any{"stream": "s1", "pageSize": 2}, &page)
	if len(page.Records) != 2 || page.Records[0].Seq != 1 || page.Bookmark != "3" {
		t.Fatalf("page 1 = %d records, bookmark %q", len(page.Records), page.Bookmark)
	}
	page = model.PageResult[*model.Anchor]{}
	h.okInto(h.as("op"), "Logs:Anchors", map[string]any{"stream": "s1", "pageSize": 2, "bookmark": "5"}, &page)
	if len(page.Records) != 1 || page.Records[0].Seq != 5 || page.Bookmark != "" {
		t.Fatalf("last page = %d records, bookmark %q", len(page.Records), page.Bookmark)
	}
	h.refused(h.as("op"), "Logs:Anchors", map[string]any{"stream": "s1", "bookmark": "x"}, model.CodeBadFormat)
	var streams model.PageResult[*model.LogStream]
	h.okInto(h.as("reg"), "Logs:Streams", map[string]any{"owner": "op"}, &streams)
	if len(streams.Records) != 1 || streams.Records[0].ID != "s1" {
		t.Fatalf("streams = %+v", streams)
	}
}

func TestLogs_VisibleToOwnerAndSupervisors(t *testing.T) {
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	a := lgAnchor(h, logTree(3, "a"), "a1", "s1", 0, 3, "")
	for _, who := range []string{"op", "reg", "bureau"} {
		h.ok(h.as(who), "Logs:Anchor", map[string]any{"id": a.ID})
	}
	h.refused(h.as("op2"), "Logs:Anchor", map[string]any{"id": a.ID}, model.CodeAccessDenied)
	h.refused(stubtest.NewIdentity("OperatorMSP", "public", "client"), "Logs:Stream", map[string]any{"id": "s1"}, model.CodeAccessDenied)
	var streams model.PageResult[*model.LogStream]
	h.okInto(h.as("op2"), "Logs:Streams", "{}", &streams)
	if len(streams.Records) != 0 {
		t.Fatalf("op2 sees %d streams", len(streams.Records))
	}
}

func TestLogs_RetentionFromProfile(t *testing.T) {
	// 《福田区…暂行管理办法》第十四条: ≥ 2 years after the authorization ends; provisional while in force.
	h := newSupervision(t, "futian")
	lgOpen(h, "s1", "auth1")
	a := lgAnchor(h, logTree(3, "a"), "a1", "s1", 0, 3, "")
	if r := a.Retention; r.Basis != model.LogRetentionTermination || r.Years != 2 || r.Until != "2029-08-31" || !r.Provisional {
		t.Fatalf("retention = %+v", r)
	}
	auth := h.storedAuth("auth1")
	auth.Status = model.AuthTerminated
	auth.Termination = &model.Termination{At: time.Date(2026, 3, 10, 15, 0, 0, 0, model.CST), Ground: model.GroundBreach, TxID: "x"}
	h.put(auth)
	var got model.Anchor
	h.okInto(h.as("reg"), "Logs:Anchor", map[string]any{"id": "a1"}, &got)
	if r := got.Retention; r.Until != "2028-03-10" || r.Provisional {
		t.Fatalf("retention after termination = %+v", r)
	}
	// a stream tied to no authorization counts from creation (the window's end)
	lgOpen(h, "s2", "")
	b := lgAnchor(h, logTree(3, "b"), "b1", "s2", 0, 3, "")
	if r := b.Retention; r.Basis != model.LogRetentionCreation || r.Until != model.DateOf(b.WindowEnd.AddDate(2, 0, 0)) || !strings.Contains(r.Rule, "no authorization") {
		t.Fatalf("retention without authorization = %+v", r)
	}

	// 《广东省…管理办法》第三十九条: ≥ 5 years.
	g := newSupervision(t, "guangdong")
	lgOpen(g, "s1", "auth1")
	if r := lgAnchor(g, logTree(3, "a"), "a1", "s1", 0, 3, "").Retention; r.Years != 5 || r.Until != "2032-08-31" {
		t.Fatalf("guangdong retention = %+v", r)
	}

	// Luohu sets no period: no date, keep the logs.
	l := newSupervision(t, "luohu")
	lgOpen(l, "s1", "auth1")
	if r := lgAnchor(l, logTree(3, "a"), "a1", "s1", 0, 3, "").Retention; r.Basis != model.LogRetentionUnset || r.Until != "" || r.Years != 0 {
		t.Fatalf("luohu retention = %+v", r)
	}
}

func TestLogs_SignatureRequiredUnderLonghua(t *testing.T) {
	h := newSupervision(t, "longhua")
	lgOpen(h, "s1", "auth1")
	tree := logTree(4, "a")
	st, en := lgWindow(h, time.Hour)
	req := appendReq(t, tree, "a1", "s1", 0, 4, "", st, en)
	h.refused(h.as("op"), "Logs:Append", req, model.CodeSignature)
	h.sign("Logs:Append", "op", req)
	var a model.Anchor
	h.okInto(h.as("op"), "Logs:Append", req, &a)
	if a.Seq != 1 || a.Signature == nil || a.Signature.Signer != "op" {
		t.Fatalf("signed anchor: %+v", a)
	}
}
