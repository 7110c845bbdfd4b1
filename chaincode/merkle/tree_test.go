package merkle

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/pdledger/pdledger/chaincode/gm"
)

const exhaustiveMax = 64

// sm3Leaves are the CT leaf inputs repeated with a counter, so the SM3 tree
// has the CT tree's shape at sizes 1..8 and keeps growing past them.
func sm3Leaves(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = append(bytes.Clone(ctLeaves[i%len(ctLeaves)]), byte(i/len(ctLeaves)))
	}
	return out
}

func buildTree(h Hasher, leaves [][]byte) *MemoryTree {
	t := NewMemoryTree(h)
	for _, l := range leaves {
		t.Append(l)
	}
	return t
}

func flipped(proof [][]byte, i int) [][]byte {
	out := make([][]byte, len(proof))
	copy(out, proof)
	out[i] = bytes.Clone(proof[i])
	out[i][len(out[i])/2] ^= 0x20
	return out
}

func withExtra(proof [][]byte, at int, extra []byte) [][]byte {
	out := make([][]byte, 0, len(proof)+1)
	out = append(out, proof[:at]...)
	out = append(out, extra)
	return append(out, proof[at:]...)
}

// TestSM3InclusionExhaustive generates and verifies every audit path for
// every leaf of every tree size 1..64 and checks each against the RFC 6962
// reference, then checks that corrupting any input breaks it.
func TestSM3InclusionExhaustive(t *testing.T) {
	leaves := sm3Leaves(exhaustiveMax)
	tree := buildTree(SM3, leaves)
	ref := newRefTree(SM3, leaves)
	for n := 1; n <= exhaustiveMax; n++ {
		size := uint64(n)
		root := ref.mth(0, n)
		if got, err := RootOf(tree, SM3, size); err != nil || !bytes.Equal(got, root) {
			t.Fatalf("RootOf(%d) = %x, %v; reference %x", n, got, err, root)
		}
		for m := 0; m < n; m++ {
			index := uint64(m)
			leaf := SM3.HashLeaf(leaves[m])
			proof, err := InclusionProof(tree, SM3, index, size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", m, n, err)
			}
			if want := ref.path(m, 0, n); !equalProofs(proof, want) {
				t.Fatalf("InclusionProof(%d, %d) differs from RFC 6962 PATH", m, n)
			}
			if err := VerifyInclusion(SM3, index, size, leaf, proof, root); err != nil {
				t.Fatalf("VerifyInclusion(%d, %d): %v", m, n, err)
			}
			mustFail := func(what string, err error, want error) {
				t.Helper()
				if !errors.Is(err, want) {
					t.Fatalf("%d/%d %s: err = %v, want %v", m, n, what, err, want)
				}
			}
			for i := range proof {
				mustFail(fmt.Sprintf("flipped proof[%d]", i), VerifyInclusion(SM3, index, size, leaf, flipped(proof, i), root), ErrRootMismatch)
			}
			mustFail("flipped leaf", VerifyInclusion(SM3, index, size, flipped([][]byte{leaf}, 0)[0], proof, root), ErrRootMismatch)
			mustFail("flipped root", VerifyInclusion(SM3, index, size, leaf, proof, flipped([][]byte{root}, 0)[0]), ErrRootMismatch)
			mustFail("index = size", VerifyInclusion(SM3, size, size, leaf, proof, root), ErrIndexOutOfRange)
			mustFail("extra hash", VerifyInclusion(SM3, index, size, leaf, withExtra(proof, len(proof), root), root), ErrProofSize)
			if len(proof) > 0 {
				mustFail("short proof", VerifyInclusion(SM3, index, size, leaf, proof[:len(proof)-1], root), ErrProofSize)
			}
			// A wrong index changes the order of hashing, so it must never
			// verify. Wrong sizes are trickier: the root does not commit to
			// the size, and some pairs of sizes share an audit-path shape for
			// a given index (leaf 0 of 3 and leaf 0 of 4 both hash as
			// H(H(l0, p0), p1)). Doubling or halving the size always changes
			// the proof length, so those must fail; callers bind size and root
			// together in signed checkpoints (see TestSizeNotCommitted).
			for _, wi := range []uint64{index - 1, index + 1, index ^ 1, index ^ 2} {
				if wi != index && VerifyInclusion(SM3, wi, size, leaf, proof, root) == nil {
					t.Fatalf("%d/%d verified at wrong index %d", m, n, wi)
				}
			}
			for _, ws := range []uint64{size * 2, size / 2} {
				if ws != size && VerifyInclusion(SM3, index, ws, leaf, proof, root) == nil {
					t.Fatalf("%d/%d verified at wrong size %d", m, n, ws)
				}
			}
		}
	}
}

// TestSM3ConsistencyExhaustive does the same for every 1 <= m <= n <= 64.
func TestSM3ConsistencyExhaustive(t *testing.T) {
	leaves := sm3Leaves(exhaustiveMax)
	tree := buildTree(SM3, leaves)
	ref := newRefTree(SM3, leaves)
	for n := 1; n <= exhaustiveMax; n++ {
		for m := 1; m <= n; m++ {
			size1, size2 := uint64(m), uint64(n)
			root1, root2 := ref.mth(0, m), ref.mth(0, n)
			proof, err := ConsistencyProof(tree, SM3, size1, size2)
			if err != nil {
				t.Fatalf("ConsistencyProof(%d, %d): %v", m, n, err)
			}
			if want := ref.proof(m, n); !equalProofs(proof, want) {
				t.Fatalf("ConsistencyProof(%d, %d) differs from RFC 6962 PROOF", m, n)
			}
			if err := VerifyConsistency(SM3, size1, size2, proof, root1, root2); err != nil {
				t.Fatalf("VerifyConsistency(%d, %d): %v", m, n, err)
			}
			if m == n {
				if !errors.Is(VerifyConsistency(SM3, size1, size2, proof, root1, flipped([][]byte{root2}, 0)[0]), ErrRootMismatch) {
					t.Fatalf("%d/%d: equal sizes, different roots verified", m, n)
				}
				continue
			}
			for i := range proof {
				if err := VerifyConsistency(SM3, size1, size2, flipped(proof, i), root1, root2); !errors.Is(err, ErrRootMismatch) {
					t.Fatalf("%d/%d flipped proof[%d]: %v", m, n, i, err)
				}
			}
			for name, roots := range map[string][2][]byte{
				"flipped root1": {flipped([][]byte{root1}, 0)[0], root2},
				"flipped root2": {root1, flipped([][]byte{root2}, 0)[0]},
				"swapped roots": {root2, root1},
			} {
				if err := VerifyConsistency(SM3, size1, size2, proof, roots[0], roots[1]); !errors.Is(err, ErrRootMismatch) {
					t.Fatalf("%d/%d %s: %v", m, n, name, err)
				}
			}
			if err := VerifyConsistency(SM3, size2, size1, proof, root2, root1); !errors.Is(err, ErrSizeOrder) {
				t.Fatalf("%d/%d shrinking tree: %v", m, n, err)
			}
			if err := VerifyConsistency(SM3, size1, size2, proof[:len(proof)-1], root1, root2); !errors.Is(err, ErrProofSize) {
				t.Fatalf("%d/%d truncated: %v", m, n, err)
			}
			if err := VerifyConsistency(SM3, size1, size2, withExtra(proof, 0, root1), root1, root2); !errors.Is(err, ErrProofSize) {
				t.Fatalf("%d/%d prepended root1: %v", m, n, err)
			}
			// As for inclusion, only size changes that alter the proof shape
			// are guaranteed to fail.
			for _, ws := range [][2]uint64{{size1 - 1, size2}, {size1 + 1, size2}, {size1 ^ 2, size2}, {size1, size2 * 2}, {size1, size2 / 2}} {
				if ws == [2]uint64{size1, size2} || ws[0] == 0 || ws[0] > ws[1] {
					continue
				}
				if VerifyConsistency(SM3, ws[0], ws[1], proof, root1, root2) == nil {
					t.Fatalf("%d/%d verified as %d/%d", m, n, ws[0], ws[1])
				}
			}
		}
	}
}

func TestVerifyConsistencyEdgeCases(t *testing.T) {
	empty := SM3.EmptyRoot()
	r1 := SM3.HashLeaf([]byte("a"))
	r2 := SM3.HashLeaf([]byte("b"))
	for _, tc := range []struct {
		name         string
		size1, size2 uint64
		proof        [][]byte
		root1, root2 []byte
		want         error
	}{
		{"0/0 empty roots", 0, 0, nil, empty, empty, nil},
		{"0/0 wrong root2", 0, 0, nil, empty, r2, ErrRootMismatch},
		{"0/0 wrong root1", 0, 0, nil, r1, r1, ErrRootMismatch},
		{"0/5 any root2", 0, 5, nil, empty, r2, nil},
		{"0/5 non-empty root1", 0, 5, nil, r1, r2, ErrRootMismatch},
		{"0/5 non-empty proof", 0, 5, [][]byte{r1}, empty, r2, ErrProofSize},
		{"3/3 equal", 3, 3, [][]byte{}, r1, r1, nil},
		{"3/3 different", 3, 3, nil, r1, r2, ErrRootMismatch},
		{"3/3 non-empty proof", 3, 3, [][]byte{r1}, r1, r1, ErrProofSize},
		{"1/2 empty proof", 1, 2, nil, r1, r2, ErrProofSize},
		{"2/1 shrink", 2, 1, nil, r1, r2, ErrSizeOrder},
		{"short root1", 1, 2, [][]byte{r2}, r1[:31], r2, ErrHashSize},
		{"nil root2", 1, 1, nil, r1, nil, ErrHashSize},
		{"short proof hash", 1, 2, [][]byte{r2[:5]}, r1, r2, ErrHashSize},
		{"max sizes", 1<<64 - 2, 1<<64 - 1, [][]byte{r1}, r1, r2, ErrProofSize},
	} {
		err := VerifyConsistency(SM3, tc.size1, tc.size2, tc.proof, tc.root1, tc.root2)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestVerifyInclusionEdgeCases(t *testing.T) {
	leaf := SM3.HashLeaf([]byte("data"))
	if err := VerifyInclusion(SM3, 0, 1, leaf, nil, leaf); err != nil {
		t.Errorf("single-leaf tree: %v", err)
	}
	for _, tc := range []struct {
		name        string
		index, size uint64
		leaf, root  []byte
		proof       [][]byte
		want        error
	}{
		{"empty tree", 0, 0, leaf, leaf, nil, ErrIndexOutOfRange},
		{"index past end", 2, 1, leaf, leaf, nil, ErrIndexOutOfRange},
		{"short leaf", 0, 1, leaf[:31], leaf[:31], nil, ErrHashSize},
		{"empty root", 0, 1, leaf, []byte{}, nil, ErrHashSize},
		{"other root", 0, 1, leaf, SM3.EmptyRoot(), nil, ErrRootMismatch},
		{"proof for 1-leaf", 0, 1, leaf, leaf, [][]byte{leaf}, ErrProofSize},
		{"max index", 1<<64 - 2, 1<<64 - 1, leaf, leaf, nil, ErrProofSize},
	} {
		err := VerifyInclusion(SM3, tc.index, tc.size, tc.leaf, tc.proof, tc.root)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	// RootFromInclusionProof must not hand back the caller's slice.
	root, _ := RootFromInclusionProof(SM3, 0, 1, leaf, nil)
	root[0] ^= 1
	if root[0] == leaf[0] {
		t.Error("RootFromInclusionProof aliases leafHash")
	}
	// A nil Hasher is SM3.
	if err := VerifyInclusion(nil, 0, 1, leaf, nil, leaf); err != nil {
		t.Errorf("nil hasher: %v", err)
	}
}

func TestProofGenerationErrors(t *testing.T) {
	tree := buildTree(SM3, sm3Leaves(5))
	if _, err := InclusionProof(tree, SM3, 5, 5); !errors.Is(err, ErrIndexOutOfRange) {
		t.Errorf("index = size: %v", err)
	}
	if _, err := ConsistencyProof(tree, SM3, 4, 3); !errors.Is(err, ErrSizeOrder) {
		t.Errorf("shrink: %v", err)
	}
	// Asking for a size the reader does not have surfaces the reader's error.
	if _, err := InclusionProof(tree, SM3, 0, 9); !errors.Is(err, ErrIndexOutOfRange) {
		t.Errorf("beyond stored tree: %v", err)
	}
	if _, err := RootOf(tree, SM3, 6); !errors.Is(err, ErrIndexOutOfRange) {
		t.Errorf("RootOf beyond stored tree: %v", err)
	}
	if p, err := ConsistencyProof(tree, SM3, 0, 5); err != nil || p == nil || len(p) != 0 {
		t.Errorf("0/5 = %v, %v; want empty non-nil", p, err)
	}
	// A store returning a malformed hash is reported, not passed on.
	bad := badReader{tree}
	if _, err := InclusionProof(bad, SM3, 0, 5); !errors.Is(err, ErrHashSize) {
		t.Errorf("short stored hash: %v", err)
	}
	// The generic hasher (SHA-256) makes proofs the SM3 verifier rejects.
	shaTree := buildTree(SHA256, sm3Leaves(5))
	p, _ := InclusionProof(shaTree, SHA256, 1, 5)
	if err := VerifyInclusion(SM3, 1, 5, SHA256.HashLeaf(sm3Leaves(5)[1]), p, shaTree.Root()); !errors.Is(err, ErrRootMismatch) {
		t.Errorf("SHA-256 proof under SM3: %v", err)
	}
}

type badReader struct{ NodeReader }

func (b badReader) Node(level uint, index uint64) ([]byte, error) {
	n, err := b.NodeReader.Node(level, index)
	return n[:len(n)-1], err
}

func TestHashers(t *testing.T) {
	for _, h := range []Hasher{SM3, SHA256} {
		if len(h.EmptyRoot()) != h.Size() || len(h.HashLeaf(nil)) != h.Size() || len(h.HashChildren(nil, nil)) != h.Size() {
			t.Errorf("%T: hash lengths disagree with Size", h)
		}
		// Domain separation: a leaf over l||r is not the node over (l, r).
		l, r := h.HashLeaf([]byte("l")), h.HashLeaf([]byte("r"))
		if bytes.Equal(h.HashLeaf(append(bytes.Clone(l), r...)), h.HashChildren(l, r)) {
			t.Errorf("%T: leaf and node hashes collide", h)
		}
		// Streaming and buffered leaf hashing agree across the threshold.
		big := bytes.Repeat([]byte{7}, streamThreshold+1)
		small := big[:streamThreshold]
		want := prefixed(leafPrefix, big, nil)
		switch h.(type) {
		case SM3Hasher:
			if s := SM3.HashLeaf(big); !bytes.Equal(s, sumSM3(want)) {
				t.Errorf("SM3 streamed leaf differs from buffered")
			}
			if s := SM3.HashLeaf(small); !bytes.Equal(s, sumSM3(prefixed(leafPrefix, small, nil))) {
				t.Errorf("SM3 buffered leaf wrong")
			}
		case SHA256Hasher:
			if s := SHA256.HashLeaf(big); !bytes.Equal(s, sumSHA256(want)) {
				t.Errorf("SHA-256 streamed leaf differs from buffered")
			}
		}
	}
}

func sumSM3(b []byte) []byte {
	s := gm.Sum(b)
	return s[:]
}

func sumSHA256(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}
