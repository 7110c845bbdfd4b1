package merkle

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
)

type visited map[string][]byte

func (v visited) visit(level uint, index uint64, hash []byte) error {
	v[fmt.Sprintf("%d/%d", level, index)] = bytes.Clone(hash)
	return nil
}

// TestAppendSubtree_SameAsLeafByLeaf: adding a perfect subtree (its levels from
// SubtreeLevels, its root through AppendSubtree) leaves the frontier, and every node a
// store is given, exactly as appending its leaves one by one does — after any prefix
// the subtree may follow.
func TestAppendSubtree_SameAsLeafByLeaf(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	leaf := func(i int) []byte { return SM3.HashLeaf([]byte(fmt.Sprintf("line %d", i))) }
	for _, height := range []uint{1, 2, 5, 8} {
		for trial := 0; trial < 12; trial++ {
			prefix := rng.Intn(40) << height // a multiple of the subtree's size
			n := 1 << height
			one, bulk := NewFrontier(SM3), NewFrontier(SM3)
			for i := 0; i < prefix; i++ {
				if err := one.Append(leaf(i), nil); err != nil {
					t.Fatal(err)
				}
				if err := bulk.Append(leaf(i), nil); err != nil {
					t.Fatal(err)
				}
			}
			want, got := visited{}, visited{}
			var leaves []byte
			for i := prefix; i < prefix+n; i++ {
				if err := one.Append(leaf(i), want.visit); err != nil {
					t.Fatal(err)
				}
				leaves = append(leaves, leaf(i)...)
				got.visit(0, uint64(i), leaf(i))
			}
			levels, err := SubtreeLevels(SM3, leaves, height)
			if err != nil {
				t.Fatal(err)
			}
			for l, level := range levels {
				for j := 0; j < len(level)/32; j++ {
					got.visit(uint(l+1), uint64(prefix>>(l+1)+j), level[j*32:(j+1)*32])
				}
			}
			if err := bulk.AppendSubtree(height, levels[height-1], got.visit); err != nil {
				t.Fatal(err)
			}
			if bulk.Size() != one.Size() || !bytes.Equal(bulk.Root(), one.Root()) || len(got) != len(want) {
				t.Fatalf("height %d after %d: size %d/%d, %d/%d nodes", height, prefix, bulk.Size(), one.Size(), len(got), len(want))
			}
			for k, h := range want {
				if !bytes.Equal(got[k], h) {
					t.Fatalf("height %d after %d: node %s differs", height, prefix, k)
				}
			}
		}
	}
}

func TestAppendSubtree_RefusesMisalignedOrMalformed(t *testing.T) {
	f := NewFrontier(SM3)
	if err := f.Append(SM3.HashLeaf([]byte("a")), nil); err != nil {
		t.Fatal(err)
	}
	root := SM3.HashLeaf([]byte("b"))
	if err := f.AppendSubtree(1, root, nil); err == nil || f.Size() != 1 {
		t.Fatalf("a subtree of 2 after 1 leaf: %v, size %d", err, f.Size())
	}
	if err := f.AppendSubtree(0, root[:5], nil); err == nil {
		t.Fatal("a short root was taken")
	}
	if _, err := SubtreeLevels(SM3, make([]byte, 3*32), 1); err == nil {
		t.Fatal("3 leaves made a subtree of height 1")
	}
}
