package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/query"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Regulators' endpoints: the trail, the compliance report and chain verification (the
// last two computed by query.Index.Compliance and Verify).

func (s *Server) trail(c *gin.Context) {
	limit, ok := limitParam(c, 100, 500)
	if !ok {
		return
	}
	from, ok := timeParam(c, "from")
	if !ok {
		return
	}
	to, ok := timeParam(c, "to")
	if !ok {
		return
	}
	q := store.TrailQuery{Kinds: splitList(c.Query("kinds")), Party: c.Query("party"), Kind: c.Query("kind"), ID: c.Query("id"),
		From: from, To: to, Limit: limit, Cursor: c.Query("cursor")}
	if (q.Kind == "") != (q.ID == "") {
		badParam(c, "kind", "kind and id go together (the subject record)")
		return
	}
	if q.Kind == "" && q.Party == "" {
		badParam(c, "party", "give a subject (kind and id) or a party")
		return
	}
	for _, k := range append(append([]string{}, q.Kinds...), q.Kind) {
		if k != "" && model.NewRecord(model.Kind(k)) == nil {
			badParam(c, "kinds", "unknown record kind %q", k)
			return
		}
	}
	entries, next, err := s.Store.Trail(c.Request.Context(), q)
	if err != nil {
		if errBad, ok := err.(interface{ BadCursor() bool }); ok && errBad.BadCursor() {
			badParam(c, "cursor", "%v", err)
			return
		}
		s.storeErr(c, "trail", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": entries, "next": next})
}

func (s *Server) compliance(c *gin.Context) {
	report, err := s.index().Compliance(c.Request.Context(), s.now())
	if err != nil {
		s.storeErr(c, "records", err)
		return
	}
	lang := model.ParseLang(c.GetHeader("Accept-Language"))
	report.Localize(lang)
	c.Header("Content-Language", string(lang))
	c.Writer.Header().Add("Vary", "Accept-Language")
	c.JSON(http.StatusOK, report)
}

// verifyChain compares the index with the ledger over blocks from..to (both optional), a
// page of at most query.DefaultVerifyBlocks at a time.
func (s *Server) verifyChain(c *gin.Context) {
	from, ok := blockParam(c, "from")
	if !ok {
		return
	}
	to, ok := blockParam(c, "to")
	if !ok {
		return
	}
	report, err := s.index().Verify(c.Request.Context(), from, to)
	if errors.Is(err, query.ErrBadRange) {
		badParam(c, "from", "%s", err.Error())
		return
	}
	if err != nil {
		s.storeErr(c, "checkpoint", err)
		return
	}
	c.JSON(http.StatusOK, report)
}
