package query

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestCheck_PrivateTermsHidden: an exchange checking a listed product sees whether each
// authorization is in force and each current price keeps its cap, but not the terms,
// price or proof of records it may not read; a lapsed term fails the check before the
// chaincode records the expiry; a product it may not read is not found.
func TestCheck_PrivateTermsHidden(t *testing.T) {
	l := newLedger(t)
	cap200 := int64(200)
	l.put(
		&model.Authorization{Meta: meta(model.KindAuthorization, "auth-pub", true), Operator: "op", Status: model.AuthActive, TermEnd: "2027-12-31"},
		&model.Authorization{Meta: meta(model.KindAuthorization, "auth-priv", false), Operator: "op", Status: model.AuthActive, TermEnd: "2026-05-31"},
		&model.Product{Meta: meta(model.KindProduct, "p1", true), Operator: "op", Status: model.ProductListed, RegistrationNo: "DP-1",
			Review: &model.ProductReview{Decision: model.Approved}, Authorizations: []string{"auth-pub", "auth-priv"}},
		&model.Product{Meta: meta(model.KindProduct, "p2", false), Operator: "op"},
	)
	l.put(&model.PriceFiling{Meta: meta(model.KindPriceFiling, "f1", false), Product: "p1", Operator: "op", PriceFen: 150, CapFen: &cap200})
	exchange := model.Reader{Participant: "ex", Active: true}
	ix, ctx := l.index(), context.Background()

	c := ix.Check(ctx, exchange, "p1", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if !c.Found || !c.Registered || !c.Approved || !c.InForce || c.AuthorizationActive || !c.PricesWithinCap || c.OK || c.Proof == nil ||
		fmt.Sprint(c.Reasons) != "[authorization_inactive]" {
		t.Fatalf("check: %+v", c)
	}
	pub, priv := c.Authorizations[0], c.Authorizations[1]
	if pub.Status != "active" || pub.TermEnd != "2027-12-31" || pub.Proof == nil || pub.Hidden {
		t.Fatalf("public authorization: %+v", pub)
	}
	if priv.Status != "not active" || priv.TermEnd != "" || priv.Proof != nil || !priv.Hidden {
		t.Fatalf("private authorization: %+v", priv)
	}
	if p := c.Prices; len(p) != 1 || !p[0].Hidden || !p[0].WithinCap || p[0].PriceFen != 0 || p[0].CapFen != nil || p[0].Proof != nil {
		t.Fatalf("private price: %+v", p)
	}

	// before the private term lapsed, and as its operator: everything shown, OK
	c = ix.Check(ctx, model.Reader{Participant: "op", Active: true}, "p1", time.Date(2026, 5, 31, 12, 0, 0, 0, time.UTC))
	if !c.OK || c.Authorizations[1].Status != string(model.AuthActive) || c.Prices[0].PriceFen != 150 || c.Prices[0].Proof == nil {
		t.Fatalf("the operator's check: %+v", c)
	}

	if c = ix.Check(ctx, exchange, "p2", time.Now()); c.Found || c.OK || fmt.Sprint(c.Reasons) != "[not_found]" {
		t.Fatalf("a private product: %+v", c)
	}
}
