package query

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

var (
	unit      = model.Reader{Participant: "su1", Active: true}
	regulator = model.Reader{Participant: "reg", Role: model.RoleRegulator, Active: true}
)

// provenanceLedger indexes a resource used down seven references deep:
//
//	r1 ← auth1 (private to op)
//	r1 ← a1 ← G1 ← p1 ← p2 ← {f1, t1, t2 (private to op and ex)} and p2 ← p4 ← p5 ← p6
//	p1 ← p3 (private to op2) ← t3 (su1 is its party, but it is below p3)
//
// G1 and p1 also refer to r1 directly, so the walk meets them twice.
func provenanceLedger(t *testing.T) (*ledger, *model.Application) {
	l := newLedger(t)
	a1 := &model.Application{Meta: meta(model.KindApplication, "a1", false), Operator: "op", DataList: []model.DataRequest{{Resource: "r1"}},
		Steps: []model.ReviewStep{{Kind: model.StepSourceUnit, Party: "su1"}}}
	l.put(&model.Resource{Meta: meta(model.KindResource, "r1", true), SourceUnit: "su1"})
	l.put(&model.Authorization{Meta: meta(model.KindAuthorization, "auth1", false), Operator: "op", ResourceIDs: []string{"r1"}})
	l.put(a1)
	l.put(&model.Grant{Meta: meta(model.KindGrant, "G1", false), Application: "a1", ResourceIDs: []string{"r1"}, Operator: "op", SourceUnits: []string{"su1"}})
	l.put(&model.Product{Meta: meta(model.KindProduct, "p1", false), Grants: []string{"G1"}, Resources: []string{"r1"}, Operator: "op", SourceUnits: []string{"su1"}})
	l.put(&model.Product{Meta: meta(model.KindProduct, "p2", false), DerivedFrom: []string{"p1"}, Operator: "op", SourceUnits: []string{"su1"}})
	l.put(&model.Product{Meta: meta(model.KindProduct, "p3", false), DerivedFrom: []string{"p1"}, Operator: "op2"})
	l.put(&model.Trade{Meta: meta(model.KindTrade, "t3", false), Product: "p3", Operator: "op2", SourceUnits: []string{"su1"}})
	l.put(&model.Trade{Meta: meta(model.KindTrade, "t1", false), Product: "p2", Operator: "op", SourceUnits: []string{"su1"}},
		&model.Trade{Meta: meta(model.KindTrade, "t2", false), Product: "p2", Operator: "op", Exchange: "ex"},
		&model.PriceFiling{Meta: meta(model.KindPriceFiling, "f1", true), Product: "p2", Operator: "op"})
	for i, from := range []string{"p2", "p4", "p5"} {
		l.put(&model.Product{Meta: meta(model.KindProduct, fmt.Sprint("p", i+4), false), DerivedFrom: []string{from}, Operator: "op", SourceUnits: []string{"su1"}})
	}
	return l, a1
}

// TestProvenance_TreeHidesAndBounds: each record once where the depth-first walk first
// meets it (G1 under a1, p1 under G1, not again under r1), children in the order their
// references were set, a child the caller may not read counted and not descended into
// (t3 below the hidden p3 stays out though su1 may read it), nothing below MaxDepth
// (p6), and every version as a step.
func TestProvenance_TreeHidesAndBounds(t *testing.T) {
	l, a1 := provenanceLedger(t)
	a1.UpdatedBy = model.Actor{MSPID: "CityMSP", Participant: "su1"}
	l.put(a1) // su1 approves: a second step
	ctx := context.Background()

	root, err := l.index().Provenance(ctx, unit, "r1")
	if err != nil {
		t.Fatal(err)
	}
	want := "resource/r1+1(application/a1(grant/G1(product/p1+1(product/p2+1(pricefiling/f1 trade/t1 product/p4(product/p5))))))"
	if got := render(root); got != want {
		t.Fatalf("su1's tree\n got %s\nwant %s", got, want)
	}
	a := root.Children[0]
	if a.Rel != "requests" || a.Version != 2 || len(a.Steps) != 2 || a.Steps[0].By != "op" || a.Steps[1].By != "su1" || a.Steps[1].TxID == "" || a.Steps[1].Block <= a.Steps[0].Block {
		t.Fatalf("a1: rel %q version %d steps %+v", a.Rel, a.Version, a.Steps)
	}
	if g := a.Children[0]; g.Rel != "from" || g.Children[0].Rel != "made_under" || len(g.Children[0].Steps) != 1 {
		t.Fatalf("G1 %q, p1 %q", g.Rel, g.Children[0].Rel)
	}

	root, err = l.index().Provenance(ctx, regulator, "r1")
	if err != nil {
		t.Fatal(err)
	}
	want = "resource/r1(authorization/auth1 application/a1(grant/G1(product/p1(product/p2(pricefiling/f1 trade/t1 trade/t2 product/p4(product/p5)) product/p3(trade/t3)))))"
	if got := render(root); got != want {
		t.Fatalf("the regulator's tree\n got %s\nwant %s", got, want)
	}
}

func TestProvenance_RootReadableOnly(t *testing.T) {
	l, _ := provenanceLedger(t)
	l.put(&model.Resource{Meta: meta(model.KindResource, "r9", false), SourceUnit: "su9"})
	ctx := context.Background()
	if _, err := l.index().Provenance(ctx, unit, "r9"); !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("another unit's private resource: %v", err)
	}
	if _, err := l.index().Provenance(ctx, unit, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown resource: %v", err)
	}
	if _, err := l.index().Provenance(ctx, regulator, "r9"); err != nil {
		t.Fatalf("the regulator: %v", err)
	}
}

// TestProvenance_RoundTripsDoNotGrowWithTheTree: the walk costs the same number of store
// statements for the tree above as for one with 300 more records in it, and so does a
// unit's uses across 1 resource or 21.
func TestProvenance_RoundTripsDoNotGrowWithTheTree(t *testing.T) {
	l, _ := provenanceLedger(t)
	ix, ctx := l.index(), context.Background()
	cost := func(f func() error) uint64 {
		t.Helper()
		before := l.st.Statements()
		if err := f(); err != nil {
			t.Fatal(err)
		}
		return l.st.Statements() - before
	}
	tree := func() error { _, err := ix.Provenance(ctx, unit, "r1"); return err }
	uses := func() error { _, err := ix.Uses(ctx, unit); return err }
	small, smallUses := cost(tree), cost(uses)

	var more []model.Record
	for i := 0; i < 100; i++ {
		more = append(more,
			&model.Trade{Meta: meta(model.KindTrade, fmt.Sprintf("tx%03d", i), false), Product: "p2", Operator: "op", SourceUnits: []string{"su1"}},
			&model.Trade{Meta: meta(model.KindTrade, fmt.Sprintf("ty%03d", i), false), Product: "p4", Operator: "op", Exchange: "ex"},
			&model.Product{Meta: meta(model.KindProduct, fmt.Sprintf("pd%03d", i), false), DerivedFrom: []string{"p1"}, Operator: "op", SourceUnits: []string{"su1"}})
	}
	for i := 0; i < 20; i++ {
		more = append(more, &model.Resource{Meta: meta(model.KindResource, fmt.Sprintf("r%02d", 10+i), true), SourceUnit: "su1"},
			&model.Application{Meta: meta(model.KindApplication, fmt.Sprintf("a%02d", 10+i), false), Operator: "op",
				DataList: []model.DataRequest{{Resource: fmt.Sprintf("r%02d", 10+i)}}, Steps: []model.ReviewStep{{Kind: model.StepSourceUnit, Party: "su1"}}})
	}
	l.put(more...)

	root, err := ix.Provenance(ctx, unit, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if n := countNodes(root); n != 9+200 {
		t.Fatalf("the larger tree has %d nodes, want 209", n)
	}
	if large := cost(tree); large != small || large > 6 {
		t.Fatalf("provenance: %d statements for 9 nodes, %d for 209 (want equal, at most 6)", small, large)
	}
	trees, err := ix.Uses(ctx, unit)
	if err != nil || len(trees) != 21 {
		t.Fatalf("uses: %d trees %v", len(trees), err)
	}
	if large := cost(uses); large != smallUses || large > 5 {
		t.Fatalf("uses: %d statements for 1 resource, %d for 21 (want equal, at most 5)", smallUses, large)
	}
}

func TestUses_UnboundCallerRefused(t *testing.T) {
	l, _ := provenanceLedger(t)
	for _, who := range []model.Reader{{}, {Participant: "su1"}} {
		if _, err := l.index().Uses(context.Background(), who); !errors.Is(err, ErrUnbound) {
			t.Fatalf("%+v: %v", who, err)
		}
	}
}

func countNodes(n *Node) int {
	c := 1
	for _, k := range n.Children {
		c += countNodes(k)
	}
	return c
}
