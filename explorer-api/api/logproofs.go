package api

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client/logs"
	"github.com/pdledger/pdledger/explorer-api/query"
)

// anchorAt finds the indexed anchor of a stream whose tree has exactly size leaves; it
// answers the problem itself when there is none the caller may see.
func (s *Server) anchorAt(c *gin.Context, stream string, size uint64) (*model.Anchor, bool) {
	a, err := s.index().Anchor(c.Request.Context(), callerOf(c).Reader(), stream, size)
	switch {
	case errors.Is(err, query.ErrNoAnchor):
		problem(c, http.StatusNotFound, "NOT_FOUND", "size", "stream %s has no anchor of tree size %d", stream, size)
		return nil, false
	case err != nil:
		s.readErr(c, model.KindLogStream, stream, err)
		return nil, false
	}
	return a, true
}

func decodeProof(c *gin.Context, in []string) ([][]byte, bool) {
	out := make([][]byte, len(in))
	for i, h := range in {
		b, ok := hexParam(c, fmt.Sprintf("proof[%d]", i), h)
		if !ok {
			return nil, false
		}
		out[i] = b
	}
	return out, true
}

// logInclusion verifies a log line's inclusion proof against the anchored root of that
// tree size. The body is logs.InclusionProof — the very file `pdl logs prove` writes, with
// the line added (or not: its leafHash is in the proof) — decoded by the same strict
// decoder the CLI uses, so the two cannot drift apart.
func (s *Server) logInclusion(c *gin.Context) {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		if !tooLarge(c, err, maxBody(c)) {
			badParam(c, "body", "unreadable: %v", err)
		}
		return
	}
	req, err := logs.DecodeInclusionProof(raw)
	var fe *logs.ProofFieldError
	switch {
	case errors.As(err, &fe):
		badParam(c, fe.Field, "%s", fe.Problem)
		return
	case err != nil:
		badParam(c, "body", "expected %s: %v", inclusionHint, err)
		return
	}
	if !cleanText(req.Stream) {
		badParam(c, "stream", "%s", uncleanText)
		return
	}
	leaf, err := req.Leaf()
	if errors.As(err, &fe) {
		badParam(c, fe.Field, "%s", fe.Problem)
		return
	}
	a, ok := s.anchorAt(c, req.Stream, req.Size)
	if !ok {
		return
	}
	root, _ := hex.DecodeString(a.Root)
	err = req.Verify(leaf, root)
	out := gin.H{"verified": err == nil, "stream": req.Stream, "index": req.Index, "size": req.Size, "root": a.Root,
		"anchor": a.ID, "proof": s.index().Proof(c.Request.Context(), a.UpdatedTx), "leafHash": hex.EncodeToString(leaf)}
	// the walk from the leaf to the root it leads to, for a person to follow
	if steps, serr := merkle.InclusionSteps(merkle.SM3, req.Index, req.Size, leaf, req.Path()); serr == nil {
		view := make([]gin.H, len(steps))
		for i, st := range steps {
			side := "right"
			if st.SiblingLeft {
				side = "left"
			}
			view[i] = gin.H{"sibling": hex.EncodeToString(st.Sibling), "side": side, "hash": hex.EncodeToString(st.Hash)}
		}
		out["steps"] = view
	}
	if err != nil {
		out["reason"] = err.Error()
		if req.Root != "" && req.Root != a.Root {
			out["reason"] = fmt.Sprintf("%v; the proof names root %s, the ledger anchored %s at size %d", err, req.Root, a.Root, req.Size)
		}
	}
	c.JSON(http.StatusOK, out)
}

// inclusionHint describes the body of POST /api/v1/logs/inclusion.
const inclusionHint = `the output of pdl logs prove: {"stream","index","size","leafHash" and/or "line","proof":[hex],...}`

// logConsistency verifies that one anchored tree extends another.
func (s *Server) logConsistency(c *gin.Context) {
	var req struct {
		Stream string   `json:"stream"`
		From   uint64   `json:"from"`
		To     uint64   `json:"to"`
		Proof  []string `json:"proof"`
	}
	if !bindJSON(c, &req, `{"stream","from","to","proof":[hex]}`) {
		return
	}
	if req.Stream == "" {
		badParam(c, "stream", "required")
		return
	}
	if req.From == 0 || req.To < req.From {
		badParam(c, "from", "need 0 < from <= to, got %d..%d", req.From, req.To)
		return
	}
	proof, ok := decodeProof(c, req.Proof)
	if !ok {
		return
	}
	a1, ok := s.anchorAt(c, req.Stream, req.From)
	if !ok {
		return
	}
	a2, ok := s.anchorAt(c, req.Stream, req.To)
	if !ok {
		return
	}
	r1, _ := hex.DecodeString(a1.Root)
	r2, _ := hex.DecodeString(a2.Root)
	err := merkle.VerifyConsistency(merkle.SM3, req.From, req.To, proof, r1, r2)
	out := gin.H{"verified": err == nil, "stream": req.Stream, "from": a1.ID, "to": a2.ID, "fromRoot": a1.Root, "toRoot": a2.Root}
	if err != nil {
		out["reason"] = err.Error()
	}
	c.JSON(http.StatusOK, out)
}
