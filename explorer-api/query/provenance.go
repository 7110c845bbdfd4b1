package query

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

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
	// Hidden: the reader may not read this version (its own visibility); who made it is
	// left out as its data is.
	Hidden bool `json:"hidden,omitempty"`
}

// MaxDepth is how many references below its root a provenance tree reaches. The
// longest chain the domain writes is six: resource → application → grant → product →
// derived product → price filing or trade; it also ends cycles of derived products.
const MaxDepth = 6

// UsesLimit caps the resources Uses answers for (the first ones by id).
const UsesLimit = 500

// ErrUnbound is a caller that acts for no active participant, so it has no resources.
var ErrUnbound = errors.New("the identity is not bound to an active participant")

// Provenance is the provenance tree of a resource the caller may read (store.ErrNotFound,
// ErrAccessDenied otherwise). A child of a record is a record referring to it whose
// kind descends from the record's kind (model.ProvenanceChildren), in the order the
// references were set; each record appears once, where the depth-first walk first
// reaches it; a child the caller may not read is counted in Hidden and not descended
// into. The tree costs a fixed number of store round trips whatever its size
// (store.Descendants).
func (ix *Index) Provenance(ctx context.Context, who model.Reader, id string) (*Node, error) {
	r, err := ix.Readable(ctx, who, model.KindResource, id)
	if err != nil {
		return nil, err
	}
	trees, err := ix.trees(ctx, who, []store.Record{*r})
	if err != nil {
		return nil, err
	}
	return trees[0], nil
}

// Uses answers a source unit's "where did my data go": the provenance tree of every
// resource its participant is a party to (up to UsesLimit), all of them from one walk.
func (ix *Index) Uses(ctx context.Context, who model.Reader) ([]*Node, error) {
	if who.Participant == "" || !who.Active {
		return nil, ErrUnbound
	}
	rs, _, err := ix.Store.Records(ctx, store.RecordQuery{Kind: string(model.KindResource), Party: who.Participant, Limit: UsesLimit, NoParties: true})
	if err != nil {
		return nil, err
	}
	return ix.trees(ctx, who, rs)
}

// trees walks the descendants of every root in one store.Descendants call and builds
// each root's tree from it in memory.
func (ix *Index) trees(ctx context.Context, who model.Reader, roots []store.Record) ([]*Node, error) {
	out := []*Node{}
	if len(roots) == 0 {
		return out, nil
	}
	keys := make([]store.RecordKey, len(roots))
	for i, r := range roots {
		keys[i] = store.RecordKey{Kind: r.Kind, ID: r.ID}
	}
	pairs, _ := provenanceRelations()
	d, err := ix.Store.Descendants(ctx, keys, pairs, MaxDepth)
	if err != nil {
		return nil, err
	}
	for i := range roots {
		w := walker{who: who, d: d, seen: map[store.RecordKey]bool{keys[i]: true}}
		root := w.node(&roots[i], "")
		w.grow(root, 0)
		out = append(out, root)
	}
	return out, nil
}

// provenanceRelations are the (parent kind, child kind) pairs of model.ProvenanceChildren
// for every kind, as a list for the store and as a lookup for the walk. They follow from
// the record types alone, so they are computed once.
var provenanceRelations = sync.OnceValues(func() ([]store.KindPair, map[string]map[string]bool) {
	var pairs []store.KindPair
	children := map[string]map[string]bool{}
	for _, parent := range model.Kinds() {
		for _, child := range model.ProvenanceChildren(parent) {
			pairs = append(pairs, store.KindPair{Parent: string(parent), Child: string(child)})
			if children[string(parent)] == nil {
				children[string(parent)] = map[string]bool{}
			}
			children[string(parent)][string(child)] = true
		}
	}
	return pairs, children
})

// walker builds one tree, depth first, from what store.Descendants reached.
type walker struct {
	who  model.Reader
	d    *store.Descent
	seen map[store.RecordKey]bool // records already placed (or hidden) in this tree
}

func (w *walker) grow(n *Node, depth int) {
	if depth >= MaxDepth {
		return
	}
	_, children := provenanceRelations()
	for _, e := range w.d.Edges[store.RecordKey{Kind: n.Kind, ID: n.ID}] {
		k := store.RecordKey{Kind: e.FromKind, ID: e.FromID}
		if !children[n.Kind][e.FromKind] || w.seen[k] {
			continue
		}
		w.seen[k] = true
		r := w.d.Records[k]
		if r == nil {
			continue // an edge to a record that is not indexed
		}
		if !CanRead(w.who, r) {
			n.Hidden++
			continue
		}
		child := w.node(r, e.Rel)
		w.grow(child, depth+1)
		n.Children = append(n.Children, child)
	}
}

func (w *walker) node(r *store.Record, rel string) *Node {
	var meta struct {
		Status    string `json:"status"`
		Catalogue string `json:"catalogue"`
	}
	_ = json.Unmarshal(r.Data, &meta)
	n := &Node{Kind: r.Kind, ID: r.ID, Rel: rel, Status: meta.Status, Version: r.Version, Data: r.Data, Steps: []Step{}}
	if n.Status == "" {
		n.Status = meta.Catalogue
	}
	for _, v := range w.d.Versions[store.RecordKey{Kind: r.Kind, ID: r.ID}] {
		var m struct {
			UpdatedBy model.Actor `json:"updatedBy"`
		}
		if !model.CanReadVersion(v.Public, v.Parties, w.who) {
			n.Steps = append(n.Steps, Step{Version: v.Version, Action: v.Action, TxID: v.TxID, Block: v.Block, Time: v.Time, Hidden: true})
			continue
		}
		_ = json.Unmarshal(v.Data, &m)
		by := m.UpdatedBy.Participant
		if by == "" {
			by = m.UpdatedBy.MSPID
		}
		n.Steps = append(n.Steps, Step{Version: v.Version, Action: v.Action, By: by, TxID: v.TxID, Block: v.Block, Time: v.Time})
	}
	return n
}
