package model

import (
	"strconv"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
)

func init() {
	registerKind(KindLogStream, func() Record { return &LogStream{} })
	registerKind(KindAnchor, func() Record { return &Anchor{} })
}

// LogKind is what a platform log stream records (日志存证: the operation platform's logs).
type LogKind string

// Log kinds.
const (
	LogAccess       LogKind = "access"        // 访问日志
	LogProcessing   LogKind = "processing"    // 加工处理日志
	LogExportReview LogKind = "export_review" // 出域审核日志
	LogModelRelease LogKind = "model_release" // 模型发布日志
	LogOther        LogKind = "other"
)

// Values lists the kinds.
func (LogKind) Values() []string {
	return []string{"access", "processing", "export_review", "model_release", "other"}
}

// LogTreeHash names the tree every stream uses: RFC 6962 §2.1 over SM3 (package merkle).
const LogTreeHash = "RFC6962-SM3"

// MaxLogTreeSize bounds tree sizes to what a JSON number carries exactly in every
// client language (2^53 - 1).
const MaxLogTreeSize = 1<<53 - 1

// LogStream is one log of the operation platform, kept off chain as ONE growing Merkle
// tree (RFC 6962 shape, SM3) whose heads are anchored on the ledger. The stream only
// grows: each anchor proves (RFC 6962 consistency proof, verified on chain) that the
// new tree extends the last anchored one. Opened by its owner, an operator.
type LogStream struct {
	Meta
	Owner         string    `json:"owner"`
	LogKind       LogKind   `json:"logKind"`
	Authorization string    `json:"authorizationId,omitempty" ref:"authorization,under"`
	Description   string    `json:"description,omitempty"`
	TreeHash      string    `json:"treeHash"` // LogTreeHash
	Size          uint64    `json:"size"`     // anchored tree size (0 before the first anchor)
	Root          string    `json:"root"`     // anchored root, hex (the empty-tree root before the first anchor)
	Anchors       uint64    `json:"anchors"`  // number of anchors = seq of the last one
	LastAnchor    string    `json:"lastAnchor,omitempty"`
	LastDigest    string    `json:"lastDigest,omitempty"` // digest of the last anchor ("" before the first)
	WindowEnd     time.Time `json:"windowEnd,omitempty"`  // end of the last anchored time window
	SealedTo      uint64    `json:"sealedTo"`             // leaves [0, SealedTo) are covered by sealed segments
	Profile       string    `json:"profile"`
}

// Parties of a stream: its owner.
func (s *LogStream) Parties() []string { return []string{s.Owner} }

// SealedSegment describes a closed log segment the client sealed (SM4) into an archive:
// leaves [From, To) of the stream, the SM3 of the plaintext segment and the SM3 of the
// sealed archive.
type SealedSegment struct {
	From         uint64 `json:"from" pdl:"le=9007199254740991"`
	To           uint64 `json:"to" pdl:"req,le=9007199254740991"`
	PlainDigest  string `json:"plainDigest" pdl:"req,fmt=digest"`
	SealedDigest string `json:"sealedDigest" pdl:"req,fmt=digest"`
}

// Log retention bases.
const (
	LogRetentionCreation    = "creation"    // counted from when the logs were written (the window end)
	LogRetentionTermination = "termination" // counted from the end of the stream's authorization
	LogRetentionUnset       = "unset"       // the profile sets no period: keep until it does
)

// LogRetention is how long the logs behind an anchor must be kept, from the profile
// (exit.log_retention_years and exit.log_retention_from). Until is the last CST day.
//
// Fallbacks (documented in docs/logs.md): a profile without a period gives basis
// "unset" and no date (keep the logs; no seed says when they may go); a "termination"
// count for a stream tied to no authorization counts from creation instead; while the
// authorization is in force the date counts from its planned end and is Provisional
// (renewal or early termination moves it) — Logs:Anchor recomputes it when read.
type LogRetention struct {
	Basis       string `json:"basis"`
	Years       int    `json:"years,omitempty"`
	Until       string `json:"until,omitempty"`
	Provisional bool   `json:"provisional,omitempty"`
	Rule        string `json:"rule"`
}

// Anchor records one head of a stream's tree: size and root, the time window its new
// leaves were written in, the link to the previous anchor and the verified consistency
// proof from the previous head. Digest is AnchorDigest over those fields.
type Anchor struct {
	Meta
	Stream        string         `json:"stream" ref:"logstream,of"`
	Owner         string         `json:"owner"`
	Authorization string         `json:"authorizationId,omitempty" ref:"authorization,under"`
	Seq           uint64         `json:"seq"` // 1 for the first anchor of the stream
	PrevSize      uint64         `json:"prevSize"`
	PrevRoot      string         `json:"prevRoot"`
	Size          uint64         `json:"size"`
	Root          string         `json:"root"`
	WindowStart   time.Time      `json:"windowStart"`
	WindowEnd     time.Time      `json:"windowEnd"`
	PrevDigest    string         `json:"prevDigest,omitempty"`
	Proof         []string       `json:"proof"` // RFC 6962 consistency proof (PrevSize, PrevRoot) → (Size, Root), verified on chain
	Segment       *SealedSegment `json:"segment,omitempty"`
	Retention     LogRetention   `json:"retention"`
	Digest        string         `json:"digest"`
	Signature     *Signature     `json:"signature,omitempty"` // the owner's SM2 signature of the request, if given
	Profile       string         `json:"profile"`
}

// Parties of an anchor: the stream's owner.
func (a *Anchor) Parties() []string { return []string{a.Owner} }

// AnchorTimeLayout renders window instants in the anchor digest: CST, milliseconds.
const AnchorTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// AnchorTime truncates an instant to the millisecond and returns it in CST, as the
// ledger stores window bounds.
func AnchorTime(t time.Time) time.Time { return t.Truncate(time.Millisecond).In(CST) }

// AnchorDigest is the SM3 (lower-case hex) of the anchor's canonical encoding, eight
// lines each ending in "\n":
//
//	PDL-ANCHOR-V1
//	stream=<stream id>
//	seq=<decimal>
//	size=<decimal>
//	root=<64 lower-case hex>
//	windowStart=<CST instant, milliseconds: 2025-09-01T09:00:00.000+08:00>
//	windowEnd=<same format>
//	previous=<previous anchor's digest, 64 lower-case hex; empty for the first anchor>
//
// Ids never contain a line break (fmt=id), so the encoding is unambiguous. Clients and
// the explorer recompute it from a stored anchor with this function or by hand.
func AnchorDigest(stream string, seq, size uint64, root string, start, end time.Time, previous string) string {
	var b strings.Builder
	b.WriteString("PDL-ANCHOR-V1\n")
	b.WriteString("stream=" + stream + "\n")
	b.WriteString("seq=" + strconv.FormatUint(seq, 10) + "\n")
	b.WriteString("size=" + strconv.FormatUint(size, 10) + "\n")
	b.WriteString("root=" + root + "\n")
	b.WriteString("windowStart=" + AnchorTime(start).Format(AnchorTimeLayout) + "\n")
	b.WriteString("windowEnd=" + AnchorTime(end).Format(AnchorTimeLayout) + "\n")
	b.WriteString("previous=" + previous + "\n")
	return gm.SumHex([]byte(b.String()))
}

// Rules of log anchoring.
var (
	RuleLogStreamOperator = NewRule("LOG_STREAM_OPERATOR_ONLY", "Logs_StreamOpenedByOperator",
		basis(futian("第十六条（全流程操作可追踪）"), luohu("十（二）6（日志审计）"), longhua("安全保障 1.数据安全（安全日志审计技术）")),
		"a log stream is opened by an operator for itself, under one of its own authorizations in force if it names one")
	RuleLogAnchorOwner = NewRule("LOG_ANCHOR_OWNER_ONLY", "Logs_OnlyOwnerAnchors",
		basis(futian("第十六条（全流程操作可追踪，数据可溯源）")),
		"only the stream's owner anchors its tree heads")
	RuleLogAnchorNotGrowing = NewRule("LOG_ANCHOR_NOT_GROWING", "Logs_AnchorMustGrow",
		basis(guangdong("第三十九条（网络日志应全量保存）")),
		"an anchor's tree size must exceed the stream's anchored size: a stream is only ever appended to")
	RuleLogAnchorGap = NewRule("LOG_ANCHOR_GAP", "Logs_GapRejected",
		basis(guangdong("第三十九条（网络日志应全量保存）")),
		"an anchor's stated previous size must be the stream's anchored size")
	RuleLogAnchorConsistency = NewRule("LOG_ANCHOR_INCONSISTENT", "Logs_RewrittenHistoryRejected",
		basis(futian("第十四条（留存网络日志）"), guangdong("第三十九条")),
		"the RFC 6962 consistency proof from the anchored head to the new head must verify (SM3): earlier leaves cannot change")
	RuleLogAnchorLink = NewRule("LOG_ANCHOR_BROKEN_LINK", "Logs_BrokenLinkRejected",
		basis(futian("第十六条（数据可溯源）")),
		"an anchor's previous digest must be the digest of the stream's last anchor (empty for the first)")
	RuleLogAnchorWindow = NewRule("LOG_ANCHOR_WINDOW", "Logs_WindowOutOfBoundsRejected",
		basis(longhua("数据质量要求 3.时效性要求（基于区块链技术的时间戳认证）")),
		"an anchor's time window starts no earlier than the previous window's end, ends no earlier than it starts and no later than the transaction time")
	RuleLogSegment = NewRule("LOG_SEGMENT_RANGE", "Logs_SealedSegmentContiguous",
		basis(guangdong("第三十九条（全量保存）")),
		"a sealed segment starts where the stream's sealed coverage ends and lies within the anchored tree")
)

// OpenLogStreamRequest opens a stream (operator). The request id is the stream id.
type OpenLogStreamRequest struct {
	Request
	LogKind       LogKind `json:"logKind" pdl:"req"`
	Authorization string  `json:"authorizationId,omitempty" pdl:"fmt=id"`
	Description   string  `json:"description,omitempty" pdl:"max=512"`
}

// AppendLogRequest anchors the stream's next tree head (owner). The request id is the
// anchor id. PrevSize must be the stream's anchored size; Proof is the RFC 6962
// consistency proof from (PrevSize, anchored root) to (Size, Root), empty for the first
// anchor (PrevSize 0: the empty tree).
type AppendLogRequest struct {
	Request
	Stream      string         `json:"stream" pdl:"req,fmt=id"`
	PrevSize    uint64         `json:"prevSize" pdl:"le=9007199254740991"`
	Size        uint64         `json:"size" pdl:"req,le=9007199254740991"`
	Root        string         `json:"root" pdl:"req,fmt=digest"`
	WindowStart time.Time      `json:"windowStart" pdl:"req"`
	WindowEnd   time.Time      `json:"windowEnd" pdl:"req"`
	PrevDigest  string         `json:"prevDigest,omitempty" pdl:"fmt=digest"`
	Proof       []string       `json:"proof,omitempty" pdl:"n=128,fmt=digest"`
	Segment     *SealedSegment `json:"segment,omitempty"`
}

// LogAnchorsRequest pages a stream's anchors in sequence order. Bookmark is the next
// sequence number, as answered.
type LogAnchorsRequest struct {
	Stream string `json:"stream" pdl:"req,fmt=id"`
	Page
}

// LogAnchorAtRequest asks for the first anchor whose tree has at least Size leaves (the
// one to verify an inclusion proof for leaf Size-1 against).
type LogAnchorAtRequest struct {
	Stream string `json:"stream" pdl:"req,fmt=id"`
	Size   uint64 `json:"size" pdl:"req,le=9007199254740991"`
}

// LogStreamsRequest lists streams, optionally of one owner.
type LogStreamsRequest struct {
	Page
	Owner string `json:"owner,omitempty" pdl:"fmt=id"`
}
