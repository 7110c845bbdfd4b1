package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/query"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// RecordView is a record with its proof.
type RecordView struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Version int             `json:"version"`
	Public  bool            `json:"public"`
	Data    json.RawMessage `json:"data"`
	Proof   *query.Proof    `json:"proof,omitempty"`
}

// readable loads a record the caller may read; it answers the problem itself otherwise.
func (s *Server) readable(c *gin.Context, kind model.Kind, id string) (*store.Record, bool) {
	r, err := s.index().Readable(c.Request.Context(), callerOf(c).Reader(), kind, id)
	if err != nil {
		s.readErr(c, kind, id, err)
		return nil, false
	}
	return r, true
}

// readErr answers a failed read of one record: 403 for a record the caller may not read,
// else as storeErr (404 for one that is not indexed).
func (s *Server) readErr(c *gin.Context, kind model.Kind, id string, err error) {
	if errors.Is(err, query.ErrAccessDenied) {
		// The same answer as a missing record would reveal that it exists; the chaincode
		// answers ACCESS_DENIED too, so the explorer does not claim more secrecy.
		problem(c, http.StatusForbidden, "ACCESS_DENIED", "", "%s %q is not public and the caller is not a party to it", kind, id)
		return
	}
	s.storeErr(c, string(kind)+" "+id, err)
}

func (s *Server) view(c *gin.Context, r *store.Record) RecordView {
	return RecordView{Kind: r.Kind, ID: r.ID, Version: r.Version, Public: r.Public, Data: r.Data, Proof: s.index().Proof(c.Request.Context(), r.TxID)}
}

func (s *Server) record(c *gin.Context) {
	r, ok := s.readable(c, model.Kind(c.Param("kind")), c.Param("id"))
	if !ok {
		return
	}
	c.JSON(http.StatusOK, s.view(c, r))
}

// VersionView is one version of a record. A version the caller may not read (by that
// version's own visibility) keeps its transaction, time and number; its data is left out
// and Hidden says so.
type VersionView struct {
	Version int             `json:"version"`
	Action  string          `json:"action"`
	TxID    string          `json:"txId"`
	Block   uint64          `json:"blockNumber"`
	Time    time.Time       `json:"time"`
	Replay  string          `json:"replay,omitempty"`
	Hidden  bool            `json:"hidden,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// recordHistory applies the visibility of each version (model.CanReadVersion): a
// resource's versions from before its cataloguing stay private after it is catalogued.
// A caller who may read no version is refused.
func (s *Server) recordHistory(c *gin.Context) {
	kind, id := c.Param("kind"), c.Param("id")
	vs, err := s.Store.RecordVersions(c.Request.Context(), kind, id)
	if err != nil {
		s.storeErr(c, kind+" "+id, err)
		return
	}
	who := callerOf(c).Reader()
	out := make([]VersionView, 0, len(vs))
	readable := 0
	for _, v := range vs {
		vv := VersionView{Version: v.Version, Action: v.Action, TxID: v.TxID, Block: v.Block, Time: v.Time, Replay: v.Replay}
		if model.CanReadVersion(v.Public, v.Parties, who) {
			vv.Data = v.Data
			readable++
		} else {
			vv.Hidden = true
		}
		out = append(out, vv)
	}
	if readable == 0 {
		problem(c, http.StatusForbidden, "ACCESS_DENIED", "", "no version of %s %q is public, and the caller is not a party to it", kind, id)
		return
	}
	c.JSON(http.StatusOK, gin.H{"kind": kind, "id": id, "versions": out})
}

// Page is a page of records with the cursor of the next one.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// publicKind lists the public records of a kind, a page at a time.
func publicKind(kind model.Kind) func(*Server, *gin.Context) {
	return func(s *Server, c *gin.Context) {
		limit, ok := limitParam(c, 100, 500)
		if !ok {
			return
		}
		rs, next, err := s.Store.Records(c.Request.Context(), store.RecordQuery{Kind: string(kind), PublicOnly: true, Limit: limit, After: c.Query("cursor")})
		if err != nil {
			s.storeErr(c, "records", err)
			return
		}
		out := Page[RecordView]{Items: []RecordView{}, Next: next}
		for i := range rs {
			// every public item links to the transaction that wrote this version
			out.Items = append(out.Items, RecordView{Kind: rs[i].Kind, ID: rs[i].ID, Version: rs[i].Version, Public: true, Data: rs[i].Data,
				Proof: s.index().Proof(c.Request.Context(), rs[i].TxID)})
		}
		c.JSON(http.StatusOK, out)
	}
}

func (s *Server) publicFees(c *gin.Context) {
	out := gin.H{}
	// proofs by transaction id (each item's updatedTx names the transaction that wrote
	// it), opt-in so the answer keeps the shape clients decode (a map of lists); a proof
	// costs a block lookup, so none is made unless asked for
	withProofs := c.Query("proofs") == "1"
	proofs := map[string]*query.Proof{}
	for _, kind := range []model.Kind{model.KindPriceCap, model.KindPriceFiling} {
		rs, _, err := s.Store.Records(c.Request.Context(), store.RecordQuery{Kind: string(kind), PublicOnly: true, Limit: 500})
		if err != nil {
			s.storeErr(c, "records", err)
			return
		}
		items := []json.RawMessage{}
		for _, r := range rs {
			items = append(items, r.Data)
			if withProofs {
				proofs[r.TxID] = s.index().Proof(c.Request.Context(), r.TxID)
			}
		}
		out[string(kind)+"s"] = items
	}
	if withProofs {
		out["proofs"] = proofs
	}
	c.JSON(http.StatusOK, out)
}
