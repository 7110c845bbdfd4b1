package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/query"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Traceability answers for source units (provenance) and data exchanges (product
// checks); the query layer computes them (query.Index.Provenance, Uses, Check).

func (s *Server) provenance(c *gin.Context) {
	id := c.Param("id")
	root, err := s.index().Provenance(c.Request.Context(), callerOf(c).Reader(), id)
	s.answerAbout(c, model.KindResource, id, "provenance", root, err)
}

// answerAbout answers v, a query's answer about record kind/id: 403 or 404 when the
// caller may not read that record or it is not indexed, as storeErr for another failure.
func (s *Server) answerAbout(c *gin.Context, kind model.Kind, id, what string, v any, err error) {
	switch {
	case errors.Is(err, query.ErrAccessDenied) || errors.Is(err, store.ErrNotFound):
		s.readErr(c, kind, id, err)
	case err != nil:
		s.storeErr(c, what, err)
	default:
		c.JSON(http.StatusOK, v)
	}
}

// meErr answers a failed query about the caller's own records: 403 IDENTITY_UNBOUND for
// an identity that acts for no active participant, else as storeErr. It reports whether
// err was a failure.
func (s *Server) meErr(c *gin.Context, what string, err error) bool {
	switch {
	case errors.Is(err, query.ErrUnbound):
		problem(c, http.StatusForbidden, "IDENTITY_UNBOUND", "", "%s is not bound to an active participant", callerOf(c).Subject)
	case err != nil:
		s.storeErr(c, what, err)
	default:
		return false
	}
	return true
}

// myUses answers a source unit's "where did my data go": the provenance of every
// resource it is a unit of.
func (s *Server) myUses(c *gin.Context) {
	caller := callerOf(c)
	trees, err := s.index().Uses(c.Request.Context(), caller.Reader())
	if !s.meErr(c, "provenance", err) {
		c.JSON(http.StatusOK, gin.H{"participant": caller.Participant, "resources": trees})
	}
}

// myRecords lists a page of the caller's own records of one kind with their proofs.
func (s *Server) myRecords(c *gin.Context) {
	kind := model.Kind(c.Query("kind"))
	if model.NewRecord(kind) == nil {
		badParam(c, "kind", "%q is not a record kind", kind)
		return
	}
	limit, ok := limitParam(c, 100, 500)
	if !ok {
		return
	}
	rs, next, err := s.index().Mine(c.Request.Context(), callerOf(c).Reader(), kind, limit, c.Query("cursor"))
	if s.meErr(c, "records", err) {
		return
	}
	out := Page[RecordView]{Items: []RecordView{}, Next: next}
	for i := range rs {
		out.Items = append(out.Items, s.view(c, &rs[i]))
	}
	c.JSON(http.StatusOK, out)
}

// myObligations lists the open deadlines the caller must meet.
func (s *Server) myObligations(c *gin.Context) {
	caller := callerOf(c)
	now := s.now()
	obs, complete, err := s.index().Obligations(c.Request.Context(), caller.Reader(), now)
	if !s.meErr(c, "records", err) {
		c.JSON(http.StatusOK, gin.H{"participant": caller.Participant, "at": now, "complete": complete, "obligations": obs})
	}
}

func (s *Server) productMarket(c *gin.Context) {
	id := c.Param("id")
	m, err := s.index().Market(c.Request.Context(), callerOf(c).Reader(), id)
	s.answerAbout(c, model.KindProduct, id, "market", m, err)
}

func (s *Server) productCheck(c *gin.Context) {
	out := s.index().Check(c.Request.Context(), callerOf(c).Reader(), c.Param("id"), s.now())
	if !out.Found {
		problem(c, http.StatusNotFound, "NOT_FOUND", "id", "product %q is not indexed or not visible to the caller", c.Param("id"))
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) productCheckBatch(c *gin.Context) {
	var req struct {
		IDs []string `json:"ids"`
	}
	if !bindJSON(c, &req, `{"ids": [...]}`) {
		return
	}
	if len(req.IDs) == 0 || len(req.IDs) > 100 {
		badParam(c, "ids", "give 1 to 100 product ids, got %d", len(req.IDs))
		return
	}
	ix, who, now := s.index(), callerOf(c).Reader(), s.now()
	out := make([]query.Check, 0, len(req.IDs))
	for _, id := range req.IDs {
		out = append(out, ix.Check(c.Request.Context(), who, id, now))
	}
	c.JSON(http.StatusOK, gin.H{"checks": out})
}
