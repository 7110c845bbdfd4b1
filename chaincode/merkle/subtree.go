package merkle

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
)

// SubtreeLevels hashes the perfect tree over the 2^height leaf hashes in leaves
// (concatenated, each h.Size() bytes) and returns its levels above the leaves:
// levels[0] holds the 2^(height-1) parents of the leaves, concatenated, and
// levels[height-1] the subtree's root. It depends on nothing but its input, so
// the subtrees of a long run of leaves can be hashed on several cores at once
// and added in order with AppendSubtree.
//
// Preconditions: height ≥ 1 and len(leaves) = 2^height · h.Size().
func SubtreeLevels(h Hasher, leaves []byte, height uint) ([][]byte, error) {
	h = orDefault(h)
	size := h.Size()
	if height < 1 || height > 30 || len(leaves) != size<<height {
		return nil, fmt.Errorf("%w: %d bytes for a subtree of height %d", ErrHashSize, len(leaves), height)
	}
	levels := make([][]byte, height)
	below := leaves
	for l := range levels {
		n := len(below) / size / 2
		level := make([]byte, 0, n*size)
		for i := 0; i < n; i++ {
			level = append(level, h.HashChildren(below[2*i*size:(2*i+1)*size], below[(2*i+1)*size:(2*i+2)*size])...)
		}
		levels[l], below = level, level
	}
	return levels, nil
}

// AppendSubtree adds a perfect subtree of 2^height leaves with root root as
// leaves Size() … Size()+2^height-1, exactly as appending those leaves one by
// one would. If visit is not nil it is called with every node above the
// subtree that the subtree completes, bottom-up — not with the subtree's own
// nodes, which the caller has (SubtreeLevels). On an error from visit the
// Frontier is left unchanged.
//
// Precondition: Size() is a multiple of 2^height.
func (f *Frontier) AppendSubtree(height uint, root []byte, visit NodeFunc) error {
	if len(root) != f.h.Size() {
		return fmt.Errorf("%w: subtree root is %d bytes, want %d", ErrHashSize, len(root), f.h.Size())
	}
	if height >= 64 || f.size&(1<<height-1) != 0 {
		return fmt.Errorf("merkle: a subtree of height %d cannot follow %d leaves", height, f.size)
	}
	if f.size > math.MaxUint64-(1<<height) {
		return fmt.Errorf("merkle: tree is full (2^64-1 leaves)")
	}
	index := f.size >> height
	node := bytes.Clone(root)
	// as in Append, one level up: a parent per trailing one bit of the subtree's index
	merges := bits.TrailingZeros64(^index)
	for i := 1; i <= merges; i++ {
		node = f.h.HashChildren(f.nodes[len(f.nodes)-i], node)
		if visit != nil {
			if err := visit(height+uint(i), index>>i, node); err != nil {
				return err
			}
		}
	}
	f.nodes = append(f.nodes[:len(f.nodes)-merges], node)
	f.size += 1 << height
	return nil
}
