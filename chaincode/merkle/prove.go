package merkle

import (
	"fmt"
	"math/bits"
)

// NodeReader gives access to the perfect subtrees of a tree: Node(level,
// index) returns the root hash of the subtree over leaves
// [index·2^level, (index+1)·2^level), with level 0 being the leaf hashes.
// Proof generation only asks for subtrees that lie entirely inside the tree
// size it was given; those never change as the tree grows, so a store can
// persist them once (Frontier.Append reports each as it is completed).
type NodeReader interface {
	Node(level uint, index uint64) ([]byte, error)
}

// readNode fetches one perfect node and refuses a malformed one, so a
// corrupted store yields an error rather than a proof nobody can verify.
func readNode(r NodeReader, h Hasher, level uint, index uint64) ([]byte, error) {
	b, err := r.Node(level, index)
	if err != nil {
		return nil, fmt.Errorf("merkle: reading node (level %d, index %d): %w", level, index, err)
	}
	if len(b) != h.Size() {
		return nil, fmt.Errorf("%w: stored node (level %d, index %d) is %d bytes, want %d", ErrHashSize, level, index, len(b), h.Size())
	}
	return b, nil
}

// rangeRoot returns MTH of leaves [begin, end). begin must be a multiple of
// the largest power of two not exceeding end-begin, which holds for a whole
// tree (begin = 0) and for the right-edge subtree of any level. Following
// RFC 6962's split at the largest power of two, the range is the perfect
// subtrees given by the set bits of end-begin, largest first, folded from
// the right.
func rangeRoot(r NodeReader, h Hasher, begin, end uint64) ([]byte, error) {
	n := end - begin
	if n == 0 {
		return h.EmptyRoot(), nil
	}
	nodes := make([][]byte, 0, bits.OnesCount64(n))
	for pos := begin; pos < end; {
		level := uint(bits.Len64(end-pos) - 1)
		node, err := readNode(r, h, level, pos>>level)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, node)
		pos += 1 << level
	}
	root := nodes[len(nodes)-1]
	for i := len(nodes) - 2; i >= 0; i-- {
		root = h.HashChildren(nodes[i], root)
	}
	return root, nil
}

// RootOf returns the root of the first size leaves of the tree r holds
// (the empty-tree root for size 0), reading at most log2(size)+1 nodes.
func RootOf(r NodeReader, h Hasher, size uint64) ([]byte, error) {
	return rangeRoot(r, orDefault(h), 0, size)
}

// pathUp returns the hashes needed to recompute the root of the tree of size
// leaves from the perfect node (level, index): for each level on the way up,
// the sibling, if it exists. A sibling that is cut off by the tree's right
// edge is not a stored node and is computed from the perfect nodes under it.
func pathUp(r NodeReader, h Hasher, level uint, index, size uint64) ([][]byte, error) {
	proof := make([][]byte, 0, bits.Len64(size))
	// last is the index of the rightmost, possibly partial, node on this
	// level; the climb ends at the root, the only node when last is 0.
	for last := (size - 1) >> level; last > 0; level++ {
		if sib := index ^ 1; sib <= last {
			begin := sib << level
			var node []byte
			var err error
			if size-begin >= 1<<level {
				node, err = readNode(r, h, level, sib)
			} else {
				node, err = rangeRoot(r, h, begin, size)
			}
			if err != nil {
				return nil, err
			}
			proof = append(proof, node)
		}
		index >>= 1
		last >>= 1
	}
	return proof, nil
}

// InclusionProof returns the audit path PATH(index, D[size]) of RFC 6962
// §2.1.1 for the leaf at index in the tree of size leaves that r holds.
func InclusionProof(r NodeReader, h Hasher, index, size uint64) ([][]byte, error) {
	if index >= size {
		return nil, fmt.Errorf("%w: leaf index %d in tree of size %d", ErrIndexOutOfRange, index, size)
	}
	return pathUp(r, orDefault(h), 0, index, size)
}

// ConsistencyProof returns PROOF(size1, D[size2]) of RFC 6962 §2.1.2: the
// hashes showing that the tree of size2 leaves r holds extends its first
// size1 leaves. The proof is empty when size1 is 0 or equals size2.
func ConsistencyProof(r NodeReader, h Hasher, size1, size2 uint64) ([][]byte, error) {
	h = orDefault(h)
	if size1 > size2 {
		return nil, fmt.Errorf("%w: size1 %d > size2 %d", ErrSizeOrder, size1, size2)
	}
	if size1 == 0 || size1 == size2 {
		return [][]byte{}, nil
	}
	// The proof climbs from the last perfect subtree of the first tree. If
	// that subtree is the whole first tree the verifier already has its
	// hash (root1); otherwise the proof starts with it.
	level := uint(bits.TrailingZeros64(size1))
	index := (size1 >> level) - 1
	var proof [][]byte
	if index != 0 {
		node, err := readNode(r, h, level, index)
		if err != nil {
			return nil, err
		}
		proof = append(proof, node)
	}
	rest, err := pathUp(r, h, level, index, size2)
	if err != nil {
		return nil, err
	}
	return append(proof, rest...), nil
}
