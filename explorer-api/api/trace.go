package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Node is one record in a provenance tree: what it is, how it relates to its parent,
// its state, and every step of its history with the transaction of each.
type Node struct {
	Kind     string          `json:"kind"`
	ID       string          `json:"id"`
	Rel      string          `json:"rel,omitempty"` // how this record refers to its parent
	Status   string          `json:"status,omitempty"`
	Version  int             `json:"version"`
	Steps    []Step          `json:"steps"`
	Data     json.RawMessage `json:"data,omitempty"`
	Children []*Node         `json:"children,omitempty"`
	Hidden   int             `json:"hiddenChildren,omitempty"` // descendants the caller may not read
}

// Step is one version: who did what, when, in which transaction.
type Step struct {
	Version int       `json:"version"`
	Action  string    `json:"action"`
	By      string    `json:"by,omitempty"` // participant (or MSP when unbound)
	TxID    string    `json:"txId"`
	Block   uint64    `json:"blockNumber"`
	Time    time.Time `json:"time"`
}

func (s *Server) node(c *gin.Context, r *store.Record, rel string) (*Node, error) {
	var meta struct {
		Status    string      `json:"status"`
		Catalogue string      `json:"catalogue"`
		UpdatedBy model.Actor `json:"updatedBy"`
	}
	_ = json.Unmarshal(r.Data, &meta)
	n := &Node{Kind: r.Kind, ID: r.ID, Rel: rel, Status: meta.Status, Version: r.Version, Data: r.Data, Steps: []Step{}}
	if n.Status == "" {
		n.Status = meta.Catalogue
	}
	vs, err := s.Store.RecordVersions(c, r.Kind, r.ID)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		var m struct {
			UpdatedBy model.Actor `json:"updatedBy"`
		}
		_ = json.Unmarshal(v.Data, &m)
		by := m.UpdatedBy.Participant
		if by == "" {
			by = m.UpdatedBy.MSPID
		}
		n.Steps = append(n.Steps, Step{Version: v.Version, Action: v.Action, By: by, TxID: v.TxID, Block: v.Block, Time: v.Time})
	}
	return n, nil
}

// tree walks the records referring to (kind, id), depth first, each once.
func (s *Server) tree(c *gin.Context, caller *Caller, n *Node, seen map[string]bool, depth int) error {
	if depth > 5 {
		return nil
	}
	edges, err := s.Store.EdgesTo(c, n.Kind, n.ID)
	if err != nil {
		return err
	}
	allowed := map[string]bool{}
	for _, k := range model.ProvenanceChildren(model.Kind(n.Kind)) {
		allowed[string(k)] = true
	}
	for _, e := range edges {
		if !allowed[e.FromKind] || seen[e.FromKind+"/"+e.FromID] {
			continue
		}
		seen[e.FromKind+"/"+e.FromID] = true
		r, err := s.Store.Record(c, e.FromKind, e.FromID)
		if err != nil {
			continue
		}
		if !canRead(caller, r) {
			n.Hidden++
			continue
		}
		child, err := s.node(c, r, e.Rel)
		if err != nil {
			return err
		}
		if err := s.tree(c, caller, child, seen, depth+1); err != nil {
			return err
		}
		n.Children = append(n.Children, child)
	}
	return nil
}

func (s *Server) provenanceOf(c *gin.Context, caller *Caller, r *store.Record) (*Node, error) {
	root, err := s.node(c, r, "")
	if err != nil {
		return nil, err
	}
	return root, s.tree(c, caller, root, map[string]bool{r.Kind + "/" + r.ID: true}, 0)
}

func (s *Server) provenance(c *gin.Context) {
	r, ok := s.readable(c, "resource", c.Param("id"))
	if !ok {
		return
	}
	root, err := s.provenanceOf(c, callerOf(c), r)
	if err != nil {
		s.storeErr(c, "provenance", err)
		return
	}
	c.JSON(http.StatusOK, root)
}

// myUses answers a source unit's "where did my data go": the provenance of every
// resource it is a unit of.
func (s *Server) myUses(c *gin.Context) {
	caller := callerOf(c)
	if caller.Participant == "" || !caller.Active {
		problem(c, http.StatusForbidden, "IDENTITY_UNBOUND", "", "%s is not bound to an active participant", caller.Subject)
		return
	}
	rs, _, err := s.Store.Records(c, store.RecordQuery{Kind: "resource", Party: caller.Participant, Limit: 500})
	if err != nil {
		s.storeErr(c, "resources", err)
		return
	}
	out := []*Node{}
	for i := range rs {
		n, err := s.provenanceOf(c, caller, &rs[i])
		if err != nil {
			s.storeErr(c, "provenance", err)
			return
		}
		out = append(out, n)
	}
	c.JSON(http.StatusOK, gin.H{"participant": caller.Participant, "resources": out})
}

// Check is one product check (what a data exchange asks before listing or trading).
type Check struct {
	Product             string       `json:"product"`
	Found               bool         `json:"found"`
	Registered          bool         `json:"registered"`
	RegistrationNo      string       `json:"registrationNo,omitempty"`
	Approved            bool         `json:"approved"`
	InForce             bool         `json:"inForce"`
	Status              string       `json:"status,omitempty"`
	AuthorizationActive bool         `json:"authorizationActive"`
	Authorizations      []AuthState  `json:"authorizations,omitempty"`
	PricesWithinCap     bool         `json:"pricesWithinCap"`
	Prices              []PriceState `json:"prices,omitempty"`
	OK                  bool         `json:"ok"`
	Reasons             []string     `json:"reasons,omitempty"`
	Proof               *Proof       `json:"proof,omitempty"`
}

// AuthState is an authorization behind a product.
type AuthState struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	TermEnd string `json:"termEnd,omitempty"`
	Proof   *Proof `json:"proof,omitempty"`
	// Hidden: the caller may not read the authorization; only whether it is in force is
	// shown ("active" or "not active").
	Hidden bool `json:"hidden,omitempty"`
}

// PriceState is one filed price and the cap it was checked against.
type PriceState struct {
	ID        string `json:"id"`
	PriceFen  int64  `json:"priceFen,omitempty"`
	CapFen    *int64 `json:"capFen,omitempty"`
	Status    string `json:"status"`
	Flagged   bool   `json:"flagged"`
	WithinCap bool   `json:"withinCap"`
	Proof     *Proof `json:"proof,omitempty"`
	// Hidden: the caller may not read the filing; only whether it keeps its cap is shown.
	Hidden bool `json:"hidden,omitempty"`
}

func (s *Server) check(c *gin.Context, id string) Check {
	out := Check{Product: id}
	r, err := s.Store.Record(c, "product", id)
	if err != nil || !canRead(callerOf(c), r) {
		out.Reasons = append(out.Reasons, "no registered product "+id+" is visible to the caller")
		return out
	}
	out.Found = true
	var p model.Product
	_ = json.Unmarshal(r.Data, &p)
	out.Status, out.RegistrationNo = string(p.Status), p.RegistrationNo
	out.Registered = p.RegistrationNo != ""
	out.Approved = p.Review != nil && p.Review.Decision == model.Approved
	out.InForce = p.Status == model.ProductRegistered || p.Status == model.ProductListed
	out.Proof = s.proof(c, r.TxID)
	today := model.DateOf(s.now())
	out.AuthorizationActive = len(p.Authorizations) > 0
	for _, aid := range p.Authorizations {
		st := AuthState{ID: aid, Status: "missing"}
		active := false
		if ar, err := s.Store.Record(c, "authorization", aid); err == nil {
			var a model.Authorization
			_ = json.Unmarshal(ar.Data, &a)
			status := a.Status
			// the chaincode records an expiry with the next transaction touching it; the
			// explorer applies the term end itself so the answer does not wait for one
			if a.Status == model.AuthActive && a.TermEnd != "" && today > a.TermEnd {
				status = model.AuthExpired
			}
			active = status == model.AuthActive
			if canRead(callerOf(c), ar) {
				st.Status, st.TermEnd, st.Proof = string(status), a.TermEnd, s.proof(c, ar.TxID)
			} else {
				// a private authorization: the check needs whether it is in force, not its
				// terms or where it is on the ledger
				st.Status = map[bool]string{true: "active", false: "not active"}[active]
				st.Hidden = true
			}
		}
		if !active {
			out.AuthorizationActive = false
		}
		out.Authorizations = append(out.Authorizations, st)
	}
	out.PricesWithinCap = true
	edges, _ := s.Store.EdgesTo(c, "product", id)
	for _, e := range edges {
		if e.FromKind != "pricefiling" {
			continue
		}
		fr, err := s.Store.Record(c, "pricefiling", e.FromID)
		if err != nil {
			continue
		}
		var f model.PriceFiling
		_ = json.Unmarshal(fr.Data, &f)
		if f.SupersededBy != "" {
			continue
		}
		within := f.Flag == nil && (f.CapFen == nil || f.PriceFen <= *f.CapFen)
		if !within {
			out.PricesWithinCap = false
		}
		if !canRead(callerOf(c), fr) {
			out.Prices = append(out.Prices, PriceState{ID: f.ID, Status: string(f.Status), Flagged: f.Flag != nil, WithinCap: within, Hidden: true})
			continue
		}
		out.Prices = append(out.Prices, PriceState{ID: f.ID, PriceFen: f.PriceFen, CapFen: f.CapFen, Status: string(f.Status), Flagged: f.Flag != nil, WithinCap: within, Proof: s.proof(c, fr.TxID)})
	}
	for _, c := range []struct {
		failed bool
		why    string
	}{{!out.Registered, "not registered"}, {!out.Approved, "not approved at review"},
		{!out.InForce, "not in force (status " + out.Status + ")"}, {!out.AuthorizationActive, "the operator's authorization is not active"},
		{!out.PricesWithinCap, "a filed price is above its cap"}} {
		if c.failed {
			out.Reasons = append(out.Reasons, c.why)
		}
	}
	sortStrings(out.Reasons)
	out.OK = len(out.Reasons) == 0
	return out
}

func (s *Server) productCheck(c *gin.Context) {
	out := s.check(c, c.Param("id"))
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
	out := make([]Check, 0, len(req.IDs))
	for _, id := range req.IDs {
		out = append(out, s.check(c, id))
	}
	c.JSON(http.StatusOK, gin.H{"checks": out})
}
