package query

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestMarket_TradesAgainstFilingsPerReader: a product's market holds its filings and the
// trades the caller may read, oldest first, each at the time its record was created;
// the others are counted as hidden, and a product the caller may not read is refused.
func TestMarket_TradesAgainstFilingsPerReader(t *testing.T) {
	l := newLedger(t)
	at := func(day int) model.Meta {
		return model.Meta{CreatedAt: time.Date(2026, 10, day, 2, 0, 0, 0, time.UTC), CreatedTx: fmt.Sprintf("tx-oct-%d", day)}
	}
	withMeta := func(m model.Meta, kind model.Kind, id string, public bool) model.Meta {
		m.Kind, m.ID, m.Public = kind, id, public
		return m
	}
	cap300 := int64(300)
	l.put(&model.Product{Meta: meta(model.KindProduct, "p1", true), Operator: "op", SourceUnits: []string{"su1"},
		Listings: []model.Listing{{Exchange: "ex1"}, {Exchange: "ex2"}}},
		&model.Product{Meta: meta(model.KindProduct, "p-private", false), Operator: "op"})
	l.put(&model.PriceFiling{Meta: withMeta(at(20), model.KindPriceFiling, "f-new", true), Product: "p1", Operator: "op", Unit: model.ChargingUnit("per_call"), PriceFen: 250, CapFen: &cap300},
		&model.PriceFiling{Meta: withMeta(at(10), model.KindPriceFiling, "f-old", true), Product: "p1", Operator: "op", PriceFen: 280, CapFen: &cap300, SupersededBy: "f-new"})
	l.put(&model.Trade{Meta: withMeta(at(28), model.KindTrade, "t-b", false), Product: "p1", Operator: "op", Exchange: "ex1", PriceFen: 250, PriceFiling: "f-new"},
		&model.Trade{Meta: withMeta(at(22), model.KindTrade, "t-a", false), Product: "p1", Operator: "op", Exchange: "ex1", PriceFen: 250, PriceFiling: "f-new"},
		&model.Trade{Meta: withMeta(at(25), model.KindTrade, "t-other", false), Product: "p1", Operator: "op", Exchange: "ex2", PriceFen: 240, PriceFiling: "f-new"})
	ix, ctx := l.index(), context.Background()

	ids := func(m *Market) string {
		s := ""
		for _, f := range m.Filings {
			s += f.ID + " "
		}
		s += "|"
		for _, tr := range m.Trades {
			s += " " + tr.ID
		}
		return s
	}
	m, err := ix.Market(ctx, model.Reader{Participant: "ex1", Role: model.Role("exchange"), Active: true}, "p1")
	if err != nil {
		t.Fatal(err)
	}
	// ex2's trade is neither shown nor counted: how much another exchange trades is its business
	if got := ids(m); got != "f-old f-new | t-a t-b" || m.Hidden != 0 || !m.Complete {
		t.Fatalf("exchange ex1: %s hidden %d complete %v", got, m.Hidden, m.Complete)
	}
	if tr := m.Trades[0]; !tr.At.Equal(time.Date(2026, 10, 22, 2, 0, 0, 0, time.UTC)) || tr.PriceFen != 250 || tr.TxID != "tx-oct-22" || tr.Exchange != "ex1" {
		t.Fatalf("trade t-a: %+v", tr)
	}
	if f := m.Filings[1]; f.CapFen == nil || *f.CapFen != 300 || f.PriceFen != 250 || f.Unit != "per_call" {
		t.Fatalf("filing f-new: %+v", f)
	}

	m, err = ix.Market(ctx, model.Reader{Participant: "rg", Role: model.RoleRegulator, Active: true}, "p1")
	if err != nil || ids(m) != "f-old f-new | t-a t-other t-b" || m.Hidden != 0 {
		t.Fatalf("regulator: %v %+v", err, m)
	}
	m, err = ix.Market(ctx, model.Reader{Participant: "op", Role: model.RoleOperator, Active: true}, "p1")
	if err != nil || ids(m) != "f-old f-new | t-a t-other t-b" || m.Hidden != 0 {
		t.Fatalf("operator: %v %+v", err, m)
	}
	// a source unit of the product learns its volume, not the trades that do not name it
	m, err = ix.Market(ctx, model.Reader{Participant: "su1", Role: model.RoleSourceUnit, Active: true}, "p1")
	if err != nil || ids(m) != "f-old f-new |" || m.Hidden != 3 {
		t.Fatalf("source unit: %v %+v", err, m)
	}
	if _, err := ix.Market(ctx, model.Reader{Participant: "ex1", Active: true}, "p-private"); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("a private product: %v, want ErrAccessDenied", err)
	}
	if _, err := ix.Market(ctx, model.Reader{Participant: "ex1", Active: true}, "nope"); err == nil {
		t.Fatal("an unknown product answered")
	}
}
