package store

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

func pair(parent, child model.Kind) KindPair { return KindPair{string(parent), string(child)} }

func key(kind model.Kind, id string) RecordKey { return RecordKey{string(kind), id} }

// TestStore_DescendantsWalksPairedEdgesToDepth: the walk follows only edges whose kinds
// are paired, stops at depth (a cycle of derived products ends), returns records with
// their parties and versions, and costs four statements at 8 records and at 200.
func TestStore_DescendantsWalksPairedEdgesToDepth(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b0 := block(0, rec(model.KindResource, "r1", 1, true, "su1"), rec(model.KindApplication, "a1", 1, false, "op", "su1"),
			rec(model.KindGrant, "g1", 1, false, "op"), rec(model.KindProduct, "p1", 1, true, "op"), rec(model.KindInspection, "i1", 1, false, "reg"))
		b0.Edges = []EdgeAt{
			edge(model.KindApplication, "a1", model.KindResource, "r1", "requests", b0.Txs[1].ID),
			edge(model.KindGrant, "g1", model.KindApplication, "a1", "from", b0.Txs[2].ID),
			edge(model.KindProduct, "p1", model.KindGrant, "g1", "made_under", b0.Txs[3].ID),
			edge(model.KindProduct, "p1", model.KindResource, "r1", "uses", b0.Txs[3].ID),
			edge(model.KindInspection, "i1", model.KindResource, "r1", "of", b0.Txs[4].ID), // not paired
		}
		b1 := block(1, rec(model.KindProduct, "p2", 1, true, "op"), rec(model.KindProduct, "p1", 2, true, "op", "ex"))
		b1.Edges = []EdgeAt{
			edge(model.KindProduct, "p2", model.KindProduct, "p1", "derived_from", b1.Txs[0].ID),
			edge(model.KindProduct, "p1", model.KindProduct, "p2", "derived_from", b1.Txs[1].ID), // a cycle
		}
		for _, b := range []*Block{b0, b1} {
			if err := s.ApplyBlock(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		pairs := []KindPair{pair(model.KindResource, model.KindApplication), pair(model.KindResource, model.KindProduct),
			pair(model.KindApplication, model.KindGrant), pair(model.KindGrant, model.KindProduct),
			pair(model.KindProduct, model.KindProduct), pair(model.KindProduct, model.KindTrade)}
		roots := []RecordKey{key(model.KindResource, "r1")}

		before := s.Statements()
		d, err := s.Descendants(ctx, roots, pairs, 6)
		if err != nil {
			t.Fatal(err)
		}
		if n := s.Statements() - before; n != 4 {
			t.Fatalf("Descendants sent %d statements, want 4", n)
		}
		if got := keysOf(d.Records); fmt.Sprint(got) != "[application/a1 grant/g1 product/p1 product/p2 resource/r1]" {
			t.Fatalf("reached %v", got)
		}
		toR1 := d.Edges[key(model.KindResource, "r1")]
		if len(toR1) != 2 || toR1[0].FromID != "a1" || toR1[1].FromID != "p1" {
			t.Fatalf("edges to r1 (the inspection is not paired): %+v", toR1)
		}
		if p1 := d.Records[key(model.KindProduct, "p1")]; p1.Version != 2 || fmt.Sprint(p1.Parties) != "[ex op]" {
			t.Fatalf("p1: %+v", p1)
		}
		if vs := d.Versions[key(model.KindProduct, "p1")]; len(vs) != 2 || vs[0].Version != 1 || vs[1].TxID != b1.Txs[1].ID {
			t.Fatalf("versions of p1: %+v", vs)
		}

		// depth 1: the records one reference below the root, and edges to the root only
		d, err = s.Descendants(ctx, roots, pairs, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(d.Records); fmt.Sprint(got) != "[application/a1 product/p1 resource/r1]" || len(d.Edges) != 1 {
			t.Fatalf("depth 1 reached %v with edges to %d records", got, len(d.Edges))
		}

		// 200 more records below p2: still four statements
		var trades []RecordChange
		for i := 0; i < 200; i++ {
			trades = append(trades, rec(model.KindTrade, fmt.Sprintf("t%03d", i), 1, false, "op", "ex"))
		}
		b2 := block(2, trades...)
		for i := range trades {
			b2.Edges = append(b2.Edges, edge(model.KindTrade, trades[i].ID, model.KindProduct, "p2", "of", b2.Txs[i].ID))
		}
		if err := s.ApplyBlock(ctx, b2); err != nil {
			t.Fatal(err)
		}
		before = s.Statements()
		if d, err = s.Descendants(ctx, roots, pairs, 6); err != nil {
			t.Fatal(err)
		}
		if n := s.Statements() - before; n != 4 || len(d.Records) != 205 || len(d.Edges[key(model.KindProduct, "p2")]) != 201 {
			t.Fatalf("%d statements for %d records (%d edges to p2)", n, len(d.Records), len(d.Edges[key(model.KindProduct, "p2")]))
		}

		// no pairs: the roots alone
		if d, err = s.Descendants(ctx, roots, nil, 6); err != nil || len(d.Records) != 1 || len(d.Edges) != 0 {
			t.Fatalf("without pairs: %v %v", d, err)
		}
	})
}

func keysOf[V any](m map[RecordKey]V) []string {
	var out []string
	for k := range m {
		out = append(out, k.Kind+"/"+k.ID)
	}
	sort.Strings(out)
	return out
}
