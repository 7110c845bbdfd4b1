package api

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Proof locates a record version on the ledger: the transaction that wrote it, its
// block and block hash, the organizations whose peers endorsed it, and its time.
type Proof struct {
	TxID       string    `json:"txId"`
	Block      uint64    `json:"blockNumber"`
	BlockHash  string    `json:"blockHash"`
	Endorsers  []string  `json:"endorsingOrgs"`
	Time       time.Time `json:"time"`
	Validation string    `json:"validationCode"`
	Replay     string    `json:"replay,omitempty"`   // the replay session that wrote this version
	TimeFlag   string    `json:"timeFlag,omitempty"` // why its time is suspect (Server.timeFlag)
}

// RecordView is a record with its proof.
type RecordView struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Version int             `json:"version"`
	Public  bool            `json:"public"`
	Data    json.RawMessage `json:"data"`
	Proof   *Proof          `json:"proof,omitempty"`
}

func (s *Server) proof(c *gin.Context, txID string) *Proof {
	tx, err := s.Store.Tx(c, txID)
	if err != nil {
		return nil
	}
	b, err := s.Store.Block(c, tx.Block)
	if err != nil {
		return nil
	}
	return &Proof{TxID: tx.ID, Block: tx.Block, BlockHash: hex.EncodeToString(b.Hash), Endorsers: tx.Endorsers, Time: tx.Time, Validation: tx.ValidationCode,
		Replay: tx.Replay, TimeFlag: s.timeFlag(tx, b)}
}

// readable loads a record the caller may read; it answers the problem itself otherwise.
func (s *Server) readable(c *gin.Context, kind, id string) (*store.Record, bool) {
	r, err := s.Store.Record(c, kind, id)
	if err != nil {
		s.storeErr(c, kind+" "+id, err)
		return nil, false
	}
	if !canRead(callerOf(c), r) {
		// The same answer as a missing record would reveal that it exists; the chaincode
		// answers ACCESS_DENIED too, so the explorer does not claim more secrecy.
		problem(c, http.StatusForbidden, "ACCESS_DENIED", "", "%s %q is not public and the caller is not a party to it", kind, id)
		return nil, false
	}
	return r, true
}

func (s *Server) view(c *gin.Context, r *store.Record) RecordView {
	return RecordView{Kind: r.Kind, ID: r.ID, Version: r.Version, Public: r.Public, Data: r.Data, Proof: s.proof(c, r.TxID)}
}

func (s *Server) record(c *gin.Context) {
	r, ok := s.readable(c, c.Param("kind"), c.Param("id"))
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
	vs, err := s.Store.RecordVersions(c, kind, id)
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

func limitParam(c *gin.Context, def, max int) (int, bool) {
	v := c.Query("limit")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		badParam(c, "limit", "%q is not an integer between 1 and %d", v, max)
		return 0, false
	}
	return n, true
}

func publicKind(kind string) func(*Server, *gin.Context) {
	return func(s *Server, c *gin.Context) {
		limit, ok := limitParam(c, 100, 500)
		if !ok {
			return
		}
		rs, next, err := s.Store.Records(c, store.RecordQuery{Kind: kind, PublicOnly: true, Limit: limit, After: c.Query("cursor")})
		if err != nil {
			s.storeErr(c, "records", err)
			return
		}
		out := Page[RecordView]{Items: []RecordView{}, Next: next}
		for i := range rs {
			out.Items = append(out.Items, RecordView{Kind: rs[i].Kind, ID: rs[i].ID, Version: rs[i].Version, Public: true, Data: rs[i].Data})
		}
		c.JSON(http.StatusOK, out)
	}
}

func (s *Server) publicFees(c *gin.Context) {
	out := gin.H{}
	for _, kind := range []string{"pricecap", "pricefiling"} {
		rs, _, err := s.Store.Records(c, store.RecordQuery{Kind: kind, PublicOnly: true, Limit: 500})
		if err != nil {
			s.storeErr(c, "records", err)
			return
		}
		items := []json.RawMessage{}
		for _, r := range rs {
			items = append(items, r.Data)
		}
		out[kind+"s"] = items
	}
	c.JSON(http.StatusOK, out)
}
