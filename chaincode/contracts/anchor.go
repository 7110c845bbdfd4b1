package contracts

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// LogsContract anchors the operation platform's log trees (日志存证; 《福田区…暂行管理办法》第十六条:
// 全流程操作可追踪，数据可溯源; 《广东省…管理办法》第三十九条: 网络日志应全量保存). The
// logs stay off chain; each stream is one RFC 6962 Merkle tree over SM3 whose heads are
// anchored here. Every anchor carries the consistency proof from the previous anchored
// head, verified on chain, so an anchored stream can only ever be appended to.
type LogsContract struct {
	base
}

func init() { register("Logs", &LogsContract{}) }

const (
	ixLogStreamOwner = "log-stream-owner" // owner, stream
	ixLogAnchorSeq   = "log-anchor-seq"   // stream, seq (20 digits) → {"id","size"}
)

// logSeqPointer is the value of an ixLogAnchorSeq entry: lookups by sequence number and
// the binary search of Logs:AnchorAt read it without loading the anchor.
type logSeqPointer struct {
	ID   string `json:"id"`
	Size uint64 `json:"size"`
}

func logSeqKey(tx *Tx, stream string, seq uint64) string {
	return tx.Key(model.Kind("ix~"+ixLogAnchorSeq), stream, fmt.Sprintf("%020d", seq))
}

func logSeqAt(tx *Tx, stream string, seq uint64) (*logSeqPointer, error) {
	raw, err := tx.getRaw(logSeqKey(tx, stream, seq))
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, model.Errf(model.CodeInternal, "stream %s has no anchor %d in its sequence index", stream, seq)
	}
	var p logSeqPointer
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, model.Errf(model.CodeInternal, "sequence index of %s: %v", stream, err)
	}
	return &p, nil
}

var lgEmptyRoot = hex.EncodeToString(merkle.SM3.EmptyRoot())

// Open opens a log stream (operator, for itself). The request id is the stream id.
func (c *LogsContract) Open(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Logs:Open", request, func(tx *Tx, req *model.OpenLogStreamRequest) (model.Record, error) {
		caller, prof := tx.Who(), tx.Policy()
		if req.Authorization != "" {
			a, err := loadAuthorization(tx, req.Authorization, "authorizationId")
			if err != nil {
				return nil, err
			}
			if a.Operator != caller.PID() {
				return nil, model.RuleLogStreamOperator.ViolationField("authorizationId", "own authorization",
					"authorization %s is %s's, not %s's", a.ID, a.Operator, caller.PID())
			}
			if a.Status != model.AuthActive && a.Status != model.AuthSuspended {
				return nil, model.RuleLogStreamOperator.ViolationField("authorizationId", "active or suspended",
					"authorization %s is %s; a stream is opened under an authorization in force", a.ID, a.Status)
			}
		}
		s := &model.LogStream{
			Meta:  model.Meta{ID: req.ID, Kind: model.KindLogStream},
			Owner: caller.PID(), LogKind: req.LogKind, Authorization: req.Authorization, Description: req.Description,
			TreeHash: model.LogTreeHash, Root: lgEmptyRoot, Profile: prof.Ref(),
		}
		if err := tx.Create(s, "opened"); err != nil {
			return nil, err
		}
		return s, tx.Index(ixLogStreamOwner, s.Owner, s.ID)
	}, withRoleRule(model.RuleLogStreamOperator, model.RoleOperator), withProfile())
}

// Append anchors the stream's next tree head (the stream's owner). The request id is the
// anchor id. The chaincode checks, each with its own rule code: the stated previous
// size is the anchored size (gap), the tree grows, the previous digest links to the last
// anchor, the window follows the previous one and is not in the future, and the RFC 6962
// consistency proof from the anchored head to the new one verifies.
func (c *LogsContract) Append(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Logs:Append", request, func(tx *Tx, req *model.AppendLogRequest) (model.Record, error) {
		caller := tx.Who()
		var s model.LogStream
		if err := tx.GetField(model.KindLogStream, req.Stream, "stream", &s); err != nil {
			return nil, err
		}
		if caller.PID() != s.Owner {
			return nil, model.RuleLogAnchorOwner.ViolationField("stream", s.Owner, "stream %s is %s's; %s may not anchor it", s.ID, s.Owner, caller.PID())
		}
		prof, err := tx.Profile()
		if err != nil {
			return nil, err
		}
		if err := tx.VerifySignature(req, sigProfile, s.Owner); err != nil {
			return nil, err
		}
		if req.PrevSize != s.Size {
			return nil, model.RuleLogAnchorGap.ViolationField("prevSize", strconv.FormatUint(s.Size, 10),
				"stream %s is anchored at size %d; an anchor from size %d would leave leaves %d..%d unanchored or anchor them twice",
				s.ID, s.Size, req.PrevSize, min(s.Size, req.PrevSize), max(s.Size, req.PrevSize))
		}
		if req.Size <= s.Size {
			return nil, model.RuleLogAnchorNotGrowing.ViolationField("size", "> "+strconv.FormatUint(s.Size, 10),
				"stream %s is anchored at size %d; size %d does not append anything", s.ID, s.Size, req.Size)
		}
		if req.PrevDigest != s.LastDigest {
			want := s.LastDigest
			if want == "" {
				want = "empty (first anchor)"
			}
			return nil, model.RuleLogAnchorLink.ViolationField("prevDigest", want,
				"previous digest %q is not the digest of the stream's last anchor (%s)", req.PrevDigest, want)
		}
		start, end := model.AnchorTime(req.WindowStart), model.AnchorTime(req.WindowEnd)
		switch {
		case !s.WindowEnd.IsZero() && start.Before(s.WindowEnd):
			return nil, model.RuleLogAnchorWindow.ViolationField("windowStart", ">= "+s.WindowEnd.Format(model.AnchorTimeLayout),
				"window starts %s, before the previous window's end %s", start.Format(model.AnchorTimeLayout), s.WindowEnd.Format(model.AnchorTimeLayout))
		case end.Before(start):
			return nil, model.RuleLogAnchorWindow.ViolationField("windowEnd", ">= windowStart",
				"window ends %s, before it starts %s", end.Format(model.AnchorTimeLayout), start.Format(model.AnchorTimeLayout))
		case end.After(tx.Now):
			return nil, model.RuleLogAnchorWindow.ViolationField("windowEnd", "<= "+tx.Now.In(model.CST).Format(model.AnchorTimeLayout),
				"window ends %s, after the transaction time %s", end.Format(model.AnchorTimeLayout), tx.Now.In(model.CST).Format(model.AnchorTimeLayout))
		}
		proof := make([][]byte, len(req.Proof))
		for i, p := range req.Proof {
			proof[i], _ = hex.DecodeString(p) // fmt=digest: 64 hex characters
		}
		prevRoot, err := hex.DecodeString(s.Root)
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "stream %s root: %v", s.ID, err)
		}
		root, _ := hex.DecodeString(req.Root)
		if err := merkle.VerifyConsistency(merkle.SM3, s.Size, req.Size, proof, prevRoot, root); err != nil {
			return nil, model.RuleLogAnchorConsistency.ViolationField("proof", "RFC 6962 consistency proof",
				"the tree of size %d with root %s does not extend the anchored tree of size %d with root %s: %v", req.Size, req.Root, s.Size, s.Root, err)
		}
		if g := req.Segment; g != nil {
			if g.From != s.SealedTo || g.To <= g.From || g.To > req.Size {
				return nil, model.RuleLogSegment.ViolationField("segment", fmt.Sprintf("[%d, to) with %d < to <= %d", s.SealedTo, s.SealedTo, req.Size),
					"sealed segment [%d, %d) must start where the sealed coverage ends (%d) and end within the anchored tree (%d leaves)", g.From, g.To, s.SealedTo, req.Size)
			}
		}
		retention, err := anchorRetention(tx, prof, &s, end)
		if err != nil {
			return nil, err
		}
		seq := s.Anchors + 1
		proofHex := append([]string{}, req.Proof...)
		a := &model.Anchor{
			Meta:   model.Meta{ID: req.ID, Kind: model.KindAnchor},
			Stream: s.ID, Owner: s.Owner, Authorization: s.Authorization, Seq: seq,
			PrevSize: s.Size, PrevRoot: s.Root, Size: req.Size, Root: req.Root,
			WindowStart: start, WindowEnd: end, PrevDigest: s.LastDigest, Proof: proofHex,
			Segment: req.Segment, Retention: retention, Signature: req.Signature, Profile: prof.Ref(),
			Digest: model.AnchorDigest(s.ID, seq, req.Size, req.Root, start, end, s.LastDigest),
		}
		if err := tx.Create(a, "anchored"); err != nil {
			return nil, err
		}
		s.Size, s.Root, s.Anchors, s.LastAnchor, s.LastDigest, s.WindowEnd = req.Size, req.Root, seq, a.ID, a.Digest, end
		if req.Segment != nil {
			s.SealedTo = req.Segment.To
		}
		if err := tx.Update(&s, "anchored"); err != nil {
			return nil, err
		}
		ptr, _ := json.Marshal(logSeqPointer{ID: a.ID, Size: a.Size})
		if err := tx.putRaw(logSeqKey(tx, s.ID, seq), ptr); err != nil {
			return nil, err
		}
		tx.SetEventType(model.KindAnchor, "anchored")
		return a, nil
	}, withRoles())
}

// anchorRetention computes how long the logs behind an anchor must be kept (see
// model.LogRetention for the fallbacks).
func anchorRetention(tx *Tx, prof *profileView, s *model.LogStream, windowEnd time.Time) (model.LogRetention, error) {
	years, ok := prof.P.Exit.LogRetentionYears.Get()
	if !ok {
		return model.LogRetention{Basis: model.LogRetentionUnset,
			Rule: fmt.Sprintf("exit.log_retention_years not set (%s): no seed article sets a period; keep the logs until the profile sets one", prof.Ref())}, nil
	}
	from, _ := prof.P.Exit.LogRetentionFrom.Get() // Validate: set together with the years
	rule := fmt.Sprintf("exit.log_retention_years=%d from %s (%s)", years, from, prof.Ref())
	if from != policy.RetentionFromTermination || s.Authorization == "" {
		if from == policy.RetentionFromTermination {
			rule += "; the stream names no authorization, so counted from creation"
		}
		return model.LogRetention{Basis: model.LogRetentionCreation, Years: years, Rule: rule,
			Until: policy.FormatDate(policy.AddYears(windowEnd, years))}, nil
	}
	a, err := loadAuthorization(tx, s.Authorization, "stream")
	if err != nil {
		return model.LogRetention{}, err
	}
	return anchorRetentionAfter(a, years, rule), nil
}

// anchorRetentionAfter counts a retention period from the end of an authorization: its
// recorded retention date, its termination, or its expiry; while it is in force, from
// its planned end, provisionally.
func anchorRetentionAfter(a *model.Authorization, years int, rule string) model.LogRetention {
	r := model.LogRetention{Basis: model.LogRetentionTermination, Years: years, Rule: rule}
	switch {
	case (a.Status == model.AuthTerminated || a.Status == model.AuthExpired) && a.LogRetention != "":
		r.Until = a.LogRetention
	case a.Status == model.AuthTerminated && a.Termination != nil:
		r.Until = policy.FormatDate(policy.AddYears(a.Termination.At, years))
	default:
		end, err := model.ParseDate(a.TermEnd)
		if err != nil {
			r.Provisional = true // not signed yet: no end to count from
			return r
		}
		r.Until = policy.FormatDate(policy.AddYears(end, years))
		r.Provisional = a.Status != model.AuthExpired
	}
	return r
}

// Stream returns a log stream (its owner, the bureau, regulators).
func (c *LogsContract) Stream(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Logs:Stream", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.LogStream](tx, model.KindLogStream, req.ID)
	})
}

// Streams lists the log streams the caller may read, optionally of one owner.
func (c *LogsContract) Streams(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Logs:Streams", request, func(tx *Tx, req *model.LogStreamsRequest) (any, error) {
		var prefix []string
		if req.Owner != "" {
			prefix = []string{req.Owner}
		}
		return pagedRecords[model.LogStream](tx, model.KindLogStream, ixLogStreamOwner, prefix, req.Page, nil)
	})
}

// Anchor returns one anchor. A retention still counted from an authorization in force
// is recomputed from the authorization as it stands.
func (c *LogsContract) Anchor(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Logs:Anchor", request, func(tx *Tx, req *model.Ref) (any, error) {
		a, err := readRecord[model.Anchor](tx, model.KindAnchor, req.ID)
		if err != nil {
			return nil, err
		}
		return a, anchorRefreshRetention(tx, a)
	})
}

func anchorRefreshRetention(tx *Tx, a *model.Anchor) error {
	if !a.Retention.Provisional || a.Authorization == "" {
		return nil
	}
	auth, err := loadAuthorization(tx, a.Authorization, "authorizationId")
	if err != nil {
		return err
	}
	a.Retention = anchorRetentionAfter(auth, a.Retention.Years, a.Retention.Rule)
	return nil
}

// Anchors pages a stream's anchors in sequence order (bookmark: the next seq).
func (c *LogsContract) Anchors(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Logs:Anchors", request, func(tx *Tx, req *model.LogAnchorsRequest) (any, error) {
		s, err := readRecord[model.LogStream](tx, model.KindLogStream, req.Stream)
		if err != nil {
			return nil, err
		}
		from := uint64(1)
		if req.Bookmark != "" {
			n, err := strconv.ParseUint(req.Bookmark, 10, 64)
			if err != nil || n == 0 {
				return nil, model.FieldErr(model.CodeBadFormat, "bookmark", "a sequence number from a previous answer", "bookmark %q is not a sequence number", req.Bookmark)
			}
			from = n
		}
		size := uint64(req.PageSize)
		if size == 0 {
			size = 100
		}
		out := &model.PageResult[*model.Anchor]{Records: []*model.Anchor{}}
		if from > s.Anchors {
			return out, nil
		}
		for seq := from; seq <= s.Anchors && seq < from+size; seq++ {
			p, err := logSeqAt(tx, s.ID, seq)
			if err != nil {
				return nil, err
			}
			var a model.Anchor
			if err := tx.Get(model.KindAnchor, p.ID, &a); err != nil {
				return nil, err
			}
			out.Records = append(out.Records, &a)
		}
		if next := from + size; next <= s.Anchors {
			out.Bookmark = strconv.FormatUint(next, 10)
		}
		return out, nil
	})
}

// AnchorAt returns the first anchor whose tree has at least size leaves: the head to
// verify an inclusion proof of leaf size-1 against (or a consistency proof from a
// client's own view of size leaves).
func (c *LogsContract) AnchorAt(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Logs:AnchorAt", request, func(tx *Tx, req *model.LogAnchorAtRequest) (any, error) {
		s, err := readRecord[model.LogStream](tx, model.KindLogStream, req.Stream)
		if err != nil {
			return nil, err
		}
		if req.Size > s.Size {
			return nil, model.FieldErr(model.CodeNotFound, "size", "<= "+strconv.FormatUint(s.Size, 10),
				"stream %s is anchored up to size %d; no anchor covers size %d yet", s.ID, s.Size, req.Size)
		}
		// Sizes grow with seq: binary search for the first seq whose size >= req.Size.
		lo, hi := uint64(1), s.Anchors
		var found *logSeqPointer
		for lo <= hi {
			mid := lo + (hi-lo)/2
			p, err := logSeqAt(tx, s.ID, mid)
			if err != nil {
				return nil, err
			}
			if p.Size >= req.Size {
				found, hi = p, mid-1
			} else {
				lo = mid + 1
			}
		}
		if found == nil {
			return nil, model.Errf(model.CodeInternal, "stream %s: no anchor of size >= %d although the stream is at %d", s.ID, req.Size, s.Size)
		}
		var a model.Anchor
		if err := tx.Get(model.KindAnchor, found.ID, &a); err != nil {
			return nil, err
		}
		return &a, anchorRefreshRetention(tx, &a)
	})
}
