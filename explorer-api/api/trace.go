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
	switch {
	case errors.Is(err, query.ErrAccessDenied) || errors.Is(err, store.ErrNotFound):
		s.readErr(c, model.KindResource, id, err)
	case err != nil:
		s.storeErr(c, "provenance", err)
	default:
		c.JSON(http.StatusOK, root)
	}
}

// myUses answers a source unit's "where did my data go": the provenance of every
// resource it is a unit of.
func (s *Server) myUses(c *gin.Context) {
	caller := callerOf(c)
	trees, err := s.index().Uses(c.Request.Context(), caller.Reader())
	switch {
	case errors.Is(err, query.ErrUnbound):
		problem(c, http.StatusForbidden, "IDENTITY_UNBOUND", "", "%s is not bound to an active participant", caller.Subject)
	case err != nil:
		s.storeErr(c, "provenance", err)
	default:
		c.JSON(http.StatusOK, gin.H{"participant": caller.Participant, "resources": trees})
	}
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
