package merkle

import (
	"bytes"
	"errors"
	"math"
	"math/bits"
	"testing"
)

// TestFrontierMatchesMemoryTree checks the Frontier root at every size
// against an independently built MemoryTree and the RFC reference, and that
// the visitor reports each perfect node exactly once, in order, with the
// hash the reference assigns to it.
func TestFrontierMatchesMemoryTree(t *testing.T) {
	const n = 300
	leaves := sm3Leaves(n)
	ref := newRefTree(SM3, leaves)
	f := NewFrontier(SM3)
	tree := NewMemoryTree(SM3)
	if !bytes.Equal(f.Root(), SM3.EmptyRoot()) {
		t.Fatal("empty frontier root")
	}
	seen := map[[2]uint64]bool{}
	for i, l := range leaves {
		leafHash := SM3.HashLeaf(l)
		var got []([2]uint64)
		err := f.Append(leafHash, func(level uint, index uint64, hash []byte) error {
			key := [2]uint64{uint64(level), index}
			if seen[key] {
				t.Fatalf("node %v reported twice", key)
			}
			seen[key] = true
			got = append(got, key)
			lo := int(index << level)
			if want := ref.mth(lo, lo+1<<level); !bytes.Equal(hash, want) {
				t.Fatalf("node %v = %x, reference %x", key, hash, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tree.Append(l)
		// Leaf i completes one node per trailing one bit of i, plus itself.
		if want := 1 + bits.TrailingZeros64(^uint64(i)); len(got) != want {
			t.Fatalf("leaf %d reported %d nodes, want %d", i, len(got), want)
		}
		for j, k := range got {
			if k[0] != uint64(j) {
				t.Fatalf("leaf %d: nodes not bottom-up: %v", i, got)
			}
		}
		size := i + 1
		if f.Size() != uint64(size) {
			t.Fatalf("Size = %d, want %d", f.Size(), size)
		}
		root := f.Root()
		if !bytes.Equal(root, tree.Root()) || !bytes.Equal(root, ref.mth(0, size)) {
			t.Fatalf("size %d: frontier root %x, memory tree %x, reference %x", size, root, tree.Root(), ref.mth(0, size))
		}
		if len(f.nodes) != bits.OnesCount64(uint64(size)) {
			t.Fatalf("size %d: frontier holds %d nodes", size, len(f.nodes))
		}
	}
}

func TestFrontierResume(t *testing.T) {
	const n = 70
	leaves := sm3Leaves(n)
	want := buildTree(SM3, leaves).Root()
	for cut := 0; cut <= n; cut++ {
		f := NewFrontier(nil) // nil is SM3
		for _, l := range leaves[:cut] {
			if err := f.Append(SM3.HashLeaf(l), nil); err != nil {
				t.Fatal(err)
			}
		}
		state, err := f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(state) != stateHeader+bits.OnesCount64(uint64(cut))*32 {
			t.Fatalf("cut %d: state is %d bytes", cut, len(state))
		}
		resumed := NewFrontier(SM3)
		if err := resumed.UnmarshalBinary(state); err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		if resumed.Size() != uint64(cut) || !bytes.Equal(resumed.Root(), f.Root()) {
			t.Fatalf("cut %d: resumed size %d root %x", cut, resumed.Size(), resumed.Root())
		}
		// The restored frontier must not share memory with the input.
		for i := range state {
			state[i] ^= 0xff
		}
		for _, l := range leaves[cut:] {
			if err := resumed.Append(SM3.HashLeaf(l), nil); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(resumed.Root(), want) {
			t.Fatalf("cut %d: root after resume %x, want %x", cut, resumed.Root(), want)
		}
	}
}

func TestFrontierStateErrors(t *testing.T) {
	f := NewFrontier(SM3)
	for _, l := range sm3Leaves(11) {
		f.Append(SM3.HashLeaf(l), nil)
	}
	good, _ := f.MarshalBinary()
	shaState, _ := NewFrontier(SHA256).MarshalBinary()
	mutate := func(fn func(b []byte) []byte) []byte { return fn(bytes.Clone(good)) }
	for name, state := range map[string][]byte{
		"empty":       nil,
		"short":       good[:stateHeader-1],
		"magic":       mutate(func(b []byte) []byte { b[0] = 'X'; return b }),
		"version":     mutate(func(b []byte) []byte { b[4] = 2; return b }),
		"hash size":   mutate(func(b []byte) []byte { b[5] = 20; return b }),
		"other hash":  shaState,
		"size/hashes": mutate(func(b []byte) []byte { b[stateHeader-1]++; return b }),
		"truncated":   good[:len(good)-1],
		"trailing":    append(bytes.Clone(good), 0),
	} {
		g := NewFrontier(SM3)
		g.Append(SM3.HashLeaf([]byte("x")), nil)
		before := g.Root()
		if err := g.UnmarshalBinary(state); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if g.Size() != 1 || !bytes.Equal(g.Root(), before) {
			t.Errorf("%s: failed unmarshal changed the frontier", name)
		}
	}
	// The zero Frontier defaults to SM3 when unmarshalling.
	var z Frontier
	if err := z.UnmarshalBinary(good); err != nil || !bytes.Equal(z.Root(), f.Root()) {
		t.Errorf("zero Frontier: %v", err)
	}
}

func TestFrontierAppendErrors(t *testing.T) {
	f := NewFrontier(SM3)
	if err := f.Append(make([]byte, 31), nil); !errors.Is(err, ErrHashSize) {
		t.Errorf("short leaf: %v", err)
	}
	for _, l := range sm3Leaves(3) {
		f.Append(SM3.HashLeaf(l), nil)
	}
	before, state := f.Root(), f.Size()
	boom := errors.New("disk full")
	calls := 0
	// Leaf 3 completes (0,3), (1,1), (2,0); fail on the last one.
	err := f.Append(SM3.HashLeaf([]byte("leaf3")), func(level uint, index uint64, hash []byte) error {
		calls++
		if level == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 3 {
		t.Fatalf("err = %v after %d calls", err, calls)
	}
	if f.Size() != state || !bytes.Equal(f.Root(), before) {
		t.Fatal("failed Append changed the frontier")
	}
	full := &Frontier{h: SM3, size: math.MaxUint64}
	if err := full.Append(SM3.HashLeaf(nil), nil); err == nil {
		t.Error("append to a full tree succeeded")
	}
}

// TestSizeNotCommitted pins the RFC 6962 property documented on
// VerifyInclusion: a root does not encode its tree size.
func TestSizeNotCommitted(t *testing.T) {
	leaves := sm3Leaves(3)
	tree := buildTree(SM3, leaves)
	proof, _ := InclusionProof(tree, SM3, 0, 3)
	leaf := SM3.HashLeaf(leaves[0])
	if err := VerifyInclusion(SM3, 0, 4, leaf, proof, tree.Root()); err != nil {
		t.Fatalf("expected the known size ambiguity, got %v", err)
	}
}

// uniformReader is a NodeReader for a virtual tree of size leaves that all
// have the same hash; every perfect node on a level is then identical, so
// trees of up to 2^64-1 leaves can be served in O(64) memory. It fails the
// test on any read that is not a perfect subtree inside the tree.
type uniformReader struct {
	t      testing.TB
	size   uint64
	levels [][]byte
	reads  int
}

func newUniformReader(t testing.TB, h Hasher, size uint64) *uniformReader {
	r := &uniformReader{t: t, size: size, levels: [][]byte{h.HashLeaf([]byte("same"))}}
	for i := 1; i < 64; i++ {
		prev := r.levels[i-1]
		r.levels = append(r.levels, h.HashChildren(prev, prev))
	}
	return r
}

func (r *uniformReader) Node(level uint, index uint64) ([]byte, error) {
	r.reads++
	if level >= 64 || index > (r.size>>level)-1 || r.size>>level == 0 {
		r.t.Fatalf("read of (%d, %d) outside the perfect part of a tree of size %d", level, index, r.size)
	}
	return r.levels[level], nil
}

// TestHugeTrees exercises generation and verification at sizes near 2^64,
// where any overflow in index arithmetic would show, and checks that only
// O(log n) perfect nodes are read.
func TestHugeTrees(t *testing.T) {
	for _, size := range []uint64{1 << 40, 1<<40 + 12345, 1<<63 + 1, math.MaxUint64 - 1, math.MaxUint64} {
		r := newUniformReader(t, SM3, size)
		root, err := RootOf(r, SM3, size)
		if err != nil {
			t.Fatal(err)
		}
		for _, index := range []uint64{0, 1, size / 3, size - 2, size - 1} {
			r.reads = 0
			proof, err := InclusionProof(r, SM3, index, size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", index, size, err)
			}
			if r.reads > 2*64 {
				t.Errorf("InclusionProof(%d, %d) read %d nodes", index, size, r.reads)
			}
			if err := VerifyInclusion(SM3, index, size, r.levels[0], proof, root); err != nil {
				t.Fatalf("VerifyInclusion(%d, %d): %v", index, size, err)
			}
		}
		for _, size1 := range []uint64{1, 2, 3, size / 2, size - 1, size} {
			r.reads = 0
			proof, err := ConsistencyProof(r, SM3, size1, size)
			if err != nil {
				t.Fatalf("ConsistencyProof(%d, %d): %v", size1, size, err)
			}
			if r.reads > 3*64 {
				t.Errorf("ConsistencyProof(%d, %d) read %d nodes", size1, size, r.reads)
			}
			root1, _ := RootOf(r, SM3, size1)
			if err := VerifyConsistency(SM3, size1, size, proof, root1, root); err != nil {
				t.Fatalf("VerifyConsistency(%d, %d): %v", size1, size, err)
			}
		}
	}
}
