package merkle

import (
	"bytes"
	"fmt"
)

// MemoryTree keeps every perfect node of a tree in memory. It implements
// NodeReader, so proofs for any past size can be generated from it; it is
// meant for tests and small trees (about 2·n hashes for n leaves).
//
// A MemoryTree is not safe for concurrent use while appending.
type MemoryTree struct {
	f      *Frontier
	levels [][][]byte // levels[l][i] = Node(l, i)
}

// NewMemoryTree returns an empty tree using h (nil means SM3).
func NewMemoryTree(h Hasher) *MemoryTree {
	return &MemoryTree{f: NewFrontier(h)}
}

// Hasher returns the tree's hash function.
func (t *MemoryTree) Hasher() Hasher { return t.f.h }

// Size returns the number of leaves.
func (t *MemoryTree) Size() uint64 { return t.f.Size() }

// Root returns the root at the current size.
func (t *MemoryTree) Root() []byte { return t.f.Root() }

// Append hashes data as a leaf, appends it and returns its index.
func (t *MemoryTree) Append(data []byte) uint64 {
	i := t.f.Size()
	if err := t.AppendHash(t.f.h.HashLeaf(data)); err != nil {
		panic(err) // only a full 2^64-leaf tree can fail, which memory rules out
	}
	return i
}

// AppendHash appends a leaf given its leaf hash.
func (t *MemoryTree) AppendHash(leafHash []byte) error {
	return t.f.Append(leafHash, t.store)
}

func (t *MemoryTree) store(level uint, index uint64, hash []byte) error {
	for uint(len(t.levels)) <= level {
		t.levels = append(t.levels, nil)
	}
	if index != uint64(len(t.levels[level])) {
		return fmt.Errorf("merkle: node (level %d, index %d) completed out of order", level, index) // cannot happen
	}
	t.levels[level] = append(t.levels[level], hash)
	return nil
}

// Node returns the perfect node (level, index), or an error wrapping
// ErrIndexOutOfRange if that subtree is not yet complete.
func (t *MemoryTree) Node(level uint, index uint64) ([]byte, error) {
	if level >= uint(len(t.levels)) || index >= uint64(len(t.levels[level])) {
		return nil, fmt.Errorf("%w: no complete subtree at level %d, index %d in tree of size %d",
			ErrIndexOutOfRange, level, index, t.Size())
	}
	return bytes.Clone(t.levels[level][index]), nil
}
