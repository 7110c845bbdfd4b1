package merkle

import (
	"bytes"
	"fmt"
	"testing"
)

// Every step combines the running hash with its sibling on the side it names, and the
// last step ends at the tree's root, for every leaf of trees of 1..33 leaves.
func TestInclusionSteps_WalkEndsAtTheRoot(t *testing.T) {
	for size := uint64(1); size <= 33; size++ {
		tree := NewMemoryTree(SM3)
		for i := uint64(0); i < size; i++ {
			tree.Append([]byte(fmt.Sprintf("line %d", i)))
		}
		root := tree.Root()
		for index := uint64(0); index < size; index++ {
			proof, err := InclusionProof(tree, SM3, index, size)
			if err != nil {
				t.Fatal(err)
			}
			leaf := SM3.HashLeaf([]byte(fmt.Sprintf("line %d", index)))
			steps, err := InclusionSteps(SM3, index, size, leaf, proof)
			if err != nil {
				t.Fatalf("size %d index %d: %v", size, index, err)
			}
			if len(steps) != len(proof) {
				t.Fatalf("size %d index %d: %d steps for %d proof hashes", size, index, len(steps), len(proof))
			}
			r := leaf
			for i, s := range steps {
				want := SM3.HashChildren(r, s.Sibling)
				if s.SiblingLeft {
					want = SM3.HashChildren(s.Sibling, r)
				}
				if !bytes.Equal(s.Hash, want) || !bytes.Equal(s.Sibling, proof[i]) {
					t.Fatalf("size %d index %d step %d does not follow from the one before", size, index, i)
				}
				r = s.Hash
			}
			got, _ := RootFromInclusionProof(SM3, index, size, leaf, proof)
			if !bytes.Equal(r, root) || !bytes.Equal(got, root) {
				t.Fatalf("size %d index %d: the walk ends at %x, root %x", size, index, r, root)
			}
		}
	}
}

// A changed leaf walks to another root: the steps show where it departs.
func TestInclusionSteps_ChangedLeafEndsElsewhere(t *testing.T) {
	tree := NewMemoryTree(SM3)
	for i := 0; i < 10; i++ {
		tree.Append([]byte(fmt.Sprintf("line %d", i)))
	}
	proof, _ := InclusionProof(tree, SM3, 3, 10)
	steps, err := InclusionSteps(SM3, 3, 10, SM3.HashLeaf([]byte("line 3!")), proof)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(steps[len(steps)-1].Hash, tree.Root()) {
		t.Fatal("a changed line walked to the anchored root")
	}
}
