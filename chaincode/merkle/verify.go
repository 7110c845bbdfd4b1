package merkle

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
)

// Errors returned (wrapped, with the offending values) by verification and
// proof generation. Chaincode should branch on them with errors.Is; their
// identities are stable, their messages are not.
var (
	// ErrIndexOutOfRange: a leaf index is not below the tree size, or a
	// requested node is not a complete subtree of the tree.
	ErrIndexOutOfRange = errors.New("merkle: index out of range")
	// ErrSizeOrder: a consistency check from a larger tree to a smaller one.
	ErrSizeOrder = errors.New("merkle: first tree is larger than second")
	// ErrProofSize: a proof has the wrong number of hashes for its sizes.
	ErrProofSize = errors.New("merkle: wrong proof length")
	// ErrHashSize: a leaf, root, proof or stored hash has the wrong length.
	ErrHashSize = errors.New("merkle: wrong hash length")
	// ErrRootMismatch: the proof is well-formed but leads to another root.
	ErrRootMismatch = errors.New("merkle: root mismatch")
)

// inclusionProofLen is the number of hashes in an audit path for leaf index
// in a tree of size leaves: one per level below the point where the paths to
// index and to the last leaf diverge ("inner"), plus one per left sibling
// above it ("border").
func inclusionProofLen(index, size uint64) int {
	inner := bits.Len64(index ^ (size - 1))
	border := bits.OnesCount64(index >> inner)
	return inner + border
}

// consistencyProofLen is the number of hashes in a consistency proof for
// 0 < size1 < size2: the audit path, within the tree of size2, of the last
// perfect subtree of the first tree (at level TrailingZeros(size1)), plus
// that subtree's own hash unless it is the whole first tree.
func consistencyProofLen(size1, size2 uint64) int {
	level := uint(bits.TrailingZeros64(size1))
	index := (size1 >> level) - 1
	n := inclusionProofLen(index, ((size2-1)>>level)+1)
	if index != 0 {
		n++
	}
	return n
}

func checkHashes(h Hasher, what string, hashes [][]byte) error {
	for i, p := range hashes {
		if len(p) != h.Size() {
			return fmt.Errorf("%w: %s[%d] is %d bytes, want %d", ErrHashSize, what, i, len(p), h.Size())
		}
	}
	return nil
}

func checkHash(h Hasher, what string, b []byte) error {
	if len(b) != h.Size() {
		return fmt.Errorf("%w: %s is %d bytes, want %d", ErrHashSize, what, len(b), h.Size())
	}
	return nil
}

// RootFromInclusionProof returns the root of the tree of size leaves that
// the audit path proof leads to from leafHash (= h.HashLeaf(data)) at index,
// following RFC 9162 §2.1.3.2. It does not say whether that root is trusted;
// VerifyInclusion compares it with one.
func RootFromInclusionProof(h Hasher, index, size uint64, leafHash []byte, proof [][]byte) ([]byte, error) {
	steps, err := InclusionSteps(h, index, size, leafHash, proof)
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return bytes.Clone(leafHash), nil
	}
	return steps[len(steps)-1].Hash, nil
}

// Step is one hash of an audit path's walk to the root: the sibling from the proof, on
// which side it stands, and the parent hash the two make.
type Step struct {
	Sibling     []byte
	SiblingLeft bool
	Hash        []byte
}

// InclusionSteps walks the audit path proof from leafHash at index in a tree of size
// leaves (RFC 9162 §2.1.3.2), one Step per proof hash; the last step's Hash is the root
// the proof leads to. A one-leaf tree has no steps: its root is leafHash. It is the walk
// RootFromInclusionProof does, kept so a person can follow it (the console shows it).
// Preconditions are checked as RootFromInclusionProof documents.
func InclusionSteps(h Hasher, index, size uint64, leafHash []byte, proof [][]byte) ([]Step, error) {
	h = orDefault(h)
	if index >= size {
		return nil, fmt.Errorf("%w: leaf index %d in tree of size %d", ErrIndexOutOfRange, index, size)
	}
	if err := checkHash(h, "leaf hash", leafHash); err != nil {
		return nil, err
	}
	if want := inclusionProofLen(index, size); len(proof) != want {
		return nil, fmt.Errorf("%w: inclusion proof has %d hashes, want %d for leaf %d in tree of size %d",
			ErrProofSize, len(proof), want, index, size)
	}
	if err := checkHashes(h, "proof", proof); err != nil {
		return nil, err
	}

	// RFC 9162 §2.1.3.2 steps 2–5.
	steps := make([]Step, 0, len(proof))
	fn, sn := index, size-1
	r := bytes.Clone(leafHash)
	for _, p := range proof {
		if sn == 0 {
			return nil, fmt.Errorf("%w: inclusion proof too long", ErrProofSize) // unreachable after the length check
		}
		left := fn&1 == 1 || fn == sn
		if left {
			r = h.HashChildren(p, r)
			if fn&1 == 0 {
				for fn&1 == 0 && fn != 0 {
					fn >>= 1
					sn >>= 1
				}
			}
		} else {
			r = h.HashChildren(r, p)
		}
		steps = append(steps, Step{Sibling: bytes.Clone(p), SiblingLeft: left, Hash: r})
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return nil, fmt.Errorf("%w: inclusion proof too short", ErrProofSize) // unreachable after the length check
	}
	return steps, nil
}

// VerifyInclusion checks that proof shows leafHash at index in the tree of
// size leaves whose root is root (RFC 9162 §2.1.3.2). It returns nil on
// success and otherwise an error wrapping ErrIndexOutOfRange, ErrHashSize,
// ErrProofSize or ErrRootMismatch.
//
// An RFC 6962 root does not commit to the tree size: for some index the
// audit paths in trees of different sizes have the same shape (leaf 0 of 3
// and of 4 leaves, say), so one proof can verify under both sizes. Only
// trust a size that is bound to root, as in a signed checkpoint.
func VerifyInclusion(h Hasher, index, size uint64, leafHash []byte, proof [][]byte, root []byte) error {
	h = orDefault(h)
	if err := checkHash(h, "root", root); err != nil {
		return err
	}
	got, err := RootFromInclusionProof(h, index, size, leafHash, proof)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, root) {
		return fmt.Errorf("%w: leaf %d in tree of size %d leads to root %x, not %x", ErrRootMismatch, index, size, got, root)
	}
	return nil
}

// VerifyConsistency checks that the tree of size2 leaves with root root2
// extends the tree of size1 leaves with root root1, i.e. that the first
// size1 leaves are unchanged (RFC 9162 §2.1.4.2). It returns nil on success
// and otherwise an error wrapping ErrSizeOrder, ErrHashSize, ErrProofSize
// or ErrRootMismatch.
//
// The RFC algorithm covers 0 < size1 < size2; the edge cases are defined
// here as:
//   - size1 == 0: every tree extends the empty tree, so the proof must be
//     empty, but root1 must still be h.EmptyRoot() (and root2 too when
//     size2 == 0) so that a bogus stored root for the empty tree is caught;
//   - size1 == size2: the proof must be empty and root1 must equal root2.
func VerifyConsistency(h Hasher, size1, size2 uint64, proof [][]byte, root1, root2 []byte) error {
	h = orDefault(h)
	if size1 > size2 {
		return fmt.Errorf("%w: size1 %d > size2 %d", ErrSizeOrder, size1, size2)
	}
	if err := checkHash(h, "root1", root1); err != nil {
		return err
	}
	if err := checkHash(h, "root2", root2); err != nil {
		return err
	}
	if size1 == 0 || size1 == size2 {
		if len(proof) != 0 {
			return fmt.Errorf("%w: consistency proof from size %d to %d has %d hashes, want 0",
				ErrProofSize, size1, size2, len(proof))
		}
		if size1 == 0 {
			if empty := h.EmptyRoot(); !bytes.Equal(root1, empty) {
				return fmt.Errorf("%w: root1 %x is not the empty-tree root %x", ErrRootMismatch, root1, empty)
			}
		}
		if size1 == size2 && !bytes.Equal(root1, root2) {
			return fmt.Errorf("%w: trees of equal size %d have roots %x and %x", ErrRootMismatch, size1, root1, root2)
		}
		return nil
	}
	if want := consistencyProofLen(size1, size2); len(proof) != want {
		return fmt.Errorf("%w: consistency proof from size %d to %d has %d hashes, want %d",
			ErrProofSize, size1, size2, len(proof), want)
	}
	if err := checkHashes(h, "proof", proof); err != nil {
		return err
	}

	// RFC 9162 §2.1.4.2 step 2: if size1 is a power of two, the first tree
	// is itself the subtree the proof starts from, so seed with root1.
	path := proof
	if size1&(size1-1) == 0 {
		path = make([][]byte, 0, len(proof)+1)
		path = append(path, root1)
		path = append(path, proof...)
	}
	// Steps 3–4.
	fn, sn := size1-1, size2-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	// Step 5.
	fr, sr := path[0], path[0]
	// Step 6.
	for _, c := range path[1:] {
		if sn == 0 {
			return fmt.Errorf("%w: consistency proof too long", ErrProofSize) // unreachable after the length check
		}
		if fn&1 == 1 || fn == sn {
			fr = h.HashChildren(c, fr)
			sr = h.HashChildren(c, sr)
			if fn&1 == 0 {
				for fn&1 == 0 && fn != 0 {
					fn >>= 1
					sn >>= 1
				}
			}
		} else {
			sr = h.HashChildren(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	// Step 7.
	if sn != 0 {
		return fmt.Errorf("%w: consistency proof too short", ErrProofSize) // unreachable after the length check
	}
	if !bytes.Equal(fr, root1) {
		return fmt.Errorf("%w: proof from size %d to %d leads to first root %x, not %x", ErrRootMismatch, size1, size2, fr, root1)
	}
	if !bytes.Equal(sr, root2) {
		return fmt.Errorf("%w: proof from size %d to %d leads to second root %x, not %x", ErrRootMismatch, size1, size2, sr, root2)
	}
	return nil
}
