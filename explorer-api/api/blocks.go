package api

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/explorer-api/query"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// BlockView is a block with its transactions.
type BlockView struct {
	Number   uint64    `json:"number"`
	Hash     string    `json:"hash"`
	PrevHash string    `json:"previousHash"`
	DataHash string    `json:"dataHash"`
	Time     time.Time `json:"time"`
	TxCount  int       `json:"txCount"`
	Txs      []TxView  `json:"txs,omitempty"`
}

// TxView is a transaction; record data is shown only where the caller may read it.
type TxView struct {
	ID             string    `json:"txId"`
	Block          uint64    `json:"blockNumber"`
	Index          int       `json:"index"`
	Valid          bool      `json:"valid"`
	ValidationCode string    `json:"validationCode"`
	Creator        string    `json:"creatorMsp"`
	CreatorSubject string    `json:"creatorSubject"`
	Endorsers      []string  `json:"endorsingOrgs"`
	Time           time.Time `json:"time"`
	Function       string    `json:"function,omitempty"`
	EventType      string    `json:"eventType,omitempty"`
	// Replay names the replay session the transaction ran under: its time is what the
	// replaying client claimed (dated history), not checked by the endorsers' clocks.
	Replay string `json:"replay,omitempty"`
	// TimeFlag says why the transaction's claimed time is suspect (see query.Index.TimeFlag).
	TimeFlag string  `json:"timeFlag,omitempty"`
	Records  []TxRec `json:"records,omitempty"`
	// HiddenRecords counts the records the transaction changed that the caller may not
	// read: neither their ids nor what was done to them are shown.
	HiddenRecords int `json:"hiddenRecords,omitempty"`
}

// TxRec is a record change of a transaction.
type TxRec struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Version int             `json:"version"`
	Action  string          `json:"action"`
	Data    json.RawMessage `json:"data,omitempty"` // omitted when the caller may not read it
}

func blockView(b *store.Block) BlockView {
	return BlockView{Number: b.Number, Hash: hex.EncodeToString(b.Hash), PrevHash: hex.EncodeToString(b.PrevHash),
		DataHash: hex.EncodeToString(b.DataHash), Time: b.Time, TxCount: b.TxCount}
}

func (s *Server) txView(caller *Caller, t *store.Tx, b *store.Block) TxView {
	v := TxView{ID: t.ID, Block: t.Block, Index: t.Index, Valid: t.Valid, ValidationCode: t.ValidationCode, Creator: t.CreatorMSP,
		CreatorSubject: t.CreatorSubject, Endorsers: t.Endorsers, Time: t.Time, Function: t.Function, EventType: t.EventType,
		Replay: t.Replay, TimeFlag: s.index().TimeFlag(t, b)}
	for _, r := range t.Records {
		if !query.CanRead(caller.Reader(), &store.Record{Public: r.Public, Parties: r.Parties}) {
			v.HiddenRecords++
			continue
		}
		v.Records = append(v.Records, TxRec{Kind: r.Kind, ID: r.ID, Version: r.Version, Action: r.Action, Data: r.Data})
	}
	if len(v.Records) == 0 && v.HiddenRecords > 0 {
		v.CreatorSubject = "" // whose private act it was is private too
	}
	return v
}

func (s *Server) blockWithTxs(c *gin.Context, b *store.Block) {
	v := blockView(b)
	txs, err := s.Store.TxsOfBlock(c.Request.Context(), b.Number)
	if err != nil {
		s.storeErr(c, "transactions", err)
		return
	}
	for i := range txs {
		v.Txs = append(v.Txs, s.txView(callerOf(c), &txs[i], b))
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) blockByNumber(c *gin.Context) {
	n, err := strconv.ParseUint(c.Param("number"), 10, 64)
	if err != nil {
		badParam(c, "number", "%q is not a block number", c.Param("number"))
		return
	}
	b, err := s.Store.Block(c.Request.Context(), n)
	if err != nil {
		s.storeErr(c, "block "+c.Param("number"), err)
		return
	}
	s.blockWithTxs(c, b)
}

func (s *Server) blockByHash(c *gin.Context) {
	h, ok := hexParam(c, "hash", c.Param("hash"))
	if !ok {
		return
	}
	b, err := s.Store.BlockByHash(c.Request.Context(), h)
	if err != nil {
		s.storeErr(c, "block "+c.Param("hash"), err)
		return
	}
	s.blockWithTxs(c, b)
}

func (s *Server) blocks(c *gin.Context) {
	limit, ok := limitParam(c, 20, 500)
	if !ok {
		return
	}
	next, _, err := s.Store.Checkpoint(c.Request.Context())
	if err != nil {
		s.storeErr(c, "checkpoint", err)
		return
	}
	top := next
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			badParam(c, "before", "%q is not a block number", v)
			return
		}
		if n < top {
			top = n
		}
	}
	out := []BlockView{}
	for n := top; n > 0 && len(out) < limit; n-- {
		b, err := s.Store.Block(c.Request.Context(), n-1)
		if err != nil {
			s.storeErr(c, "block", err)
			return
		}
		out = append(out, blockView(b))
	}
	c.JSON(http.StatusOK, gin.H{"height": next, "blocks": out})
}

func (s *Server) txByID(c *gin.Context) {
	t, err := s.Store.Tx(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.storeErr(c, "transaction "+c.Param("id"), err)
		return
	}
	b, err := s.Store.Block(c.Request.Context(), t.Block)
	if err != nil {
		s.storeErr(c, "block of transaction "+t.ID, err)
		return
	}
	v := s.txView(callerOf(c), t, b)
	c.JSON(http.StatusOK, gin.H{"tx": v, "proof": s.index().Proof(c.Request.Context(), t.ID)})
}
