package query

import (
	"context"
	"encoding/json"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

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
	// Reasons why the check fails, in model.CheckReason's order; none when OK.
	Reasons []model.CheckReason `json:"reasons,omitempty"`
	Proof   *Proof              `json:"proof,omitempty"`
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
	Status    string `json:"status,omitempty"`
	Flagged   bool   `json:"flagged"`
	WithinCap bool   `json:"withinCap"`
	Proof     *Proof `json:"proof,omitempty"`
	// Hidden: the caller may not read the filing; only whether it keeps its cap is shown.
	Hidden bool `json:"hidden,omitempty"`
}

// Check answers whether product id may be listed or traded at now: registered, approved
// at review, in force, its operator's authorizations active, its current filed prices
// within their caps — each with its proof where the caller may read it. A product the
// caller may not read is not Found (and the check says only that).
func (ix *Index) Check(ctx context.Context, who model.Reader, id string, now time.Time) Check {
	out := Check{Product: id}
	r, err := ix.Store.Record(ctx, string(model.KindProduct), id)
	if err != nil || !CanRead(who, r) {
		out.Reasons = append(out.Reasons, model.CheckNotFound)
		return out
	}
	out.Found = true
	var p model.Product
	_ = json.Unmarshal(r.Data, &p)
	out.Status, out.RegistrationNo = string(p.Status), p.RegistrationNo
	out.Registered = p.RegistrationNo != ""
	out.Approved = p.Review != nil && p.Review.Decision == model.Approved
	out.InForce = p.Status == model.ProductRegistered || p.Status == model.ProductListed
	out.Proof = ix.Proof(ctx, r.TxID)
	today := model.DateOf(now)
	out.AuthorizationActive = len(p.Authorizations) > 0
	for _, aid := range p.Authorizations {
		st := AuthState{ID: aid, Status: "missing"}
		active := false
		if ar, err := ix.Store.Record(ctx, string(model.KindAuthorization), aid); err == nil {
			var a model.Authorization
			_ = json.Unmarshal(ar.Data, &a)
			status := a.Status
			// the chaincode records an expiry with the next transaction touching it; the
			// explorer applies the term end itself so the answer does not wait for one
			if a.Status == model.AuthActive && a.TermEnd != "" && today > a.TermEnd {
				status = model.AuthExpired
			}
			active = status == model.AuthActive
			if CanRead(who, ar) {
				st.Status, st.TermEnd, st.Proof = string(status), a.TermEnd, ix.Proof(ctx, ar.TxID)
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
	edges, _ := ix.Store.EdgesTo(ctx, string(model.KindProduct), id)
	for _, e := range edges {
		if e.FromKind != string(model.KindPriceFiling) {
			continue
		}
		fr, err := ix.Store.Record(ctx, string(model.KindPriceFiling), e.FromID)
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
		if !CanRead(who, fr) {
			out.Prices = append(out.Prices, PriceState{ID: f.ID, WithinCap: within, Hidden: true})
			continue
		}
		out.Prices = append(out.Prices, PriceState{ID: f.ID, PriceFen: f.PriceFen, CapFen: f.CapFen, Status: string(f.Status), Flagged: f.Flag != nil, WithinCap: within, Proof: ix.Proof(ctx, fr.TxID)})
	}
	for _, c := range []struct {
		failed bool
		why    model.CheckReason
	}{{!out.Registered, model.CheckNotRegistered}, {!out.Approved, model.CheckNotApproved},
		{!out.InForce, model.CheckNotInForce}, {!out.AuthorizationActive, model.CheckAuthInactive},
		{!out.PricesWithinCap, model.CheckPriceAboveCap}} {
		if c.failed {
			out.Reasons = append(out.Reasons, c.why)
		}
	}
	out.OK = len(out.Reasons) == 0
	return out
}
