package merkle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// NodeFunc receives each perfect subtree root as Frontier.Append completes
// it: the leaf itself at level 0, then every parent the leaf completes. The
// hash must not be modified; it may be retained.
type NodeFunc func(level uint, index uint64, hash []byte) error

// Frontier is the compact form of a tree being built left to right: the
// roots of the perfect subtrees that make up [0, size), one per set bit of
// size, largest (leftmost) first. It needs O(log size) memory however many
// leaves are appended, and is what a client keeps while hashing a huge log.
//
// A Frontier is not safe for concurrent use.
type Frontier struct {
	h     Hasher
	size  uint64
	nodes [][]byte
}

// NewFrontier returns an empty Frontier using h (nil means SM3).
func NewFrontier(h Hasher) *Frontier {
	return &Frontier{h: orDefault(h)}
}

// Size returns the number of leaves appended so far.
func (f *Frontier) Size() uint64 { return f.size }

// Root returns the tree root at the current size (the empty-tree root for
// size 0). It costs popcount(size)-1 hash operations.
func (f *Frontier) Root() []byte {
	if len(f.nodes) == 0 {
		return f.h.EmptyRoot()
	}
	root := f.nodes[len(f.nodes)-1]
	for i := len(f.nodes) - 2; i >= 0; i-- {
		root = f.h.HashChildren(f.nodes[i], root)
	}
	return bytes.Clone(root)
}

// Append adds the leaf with hash leafHash (from h.HashLeaf) as leaf number
// Size(). If visit is not nil it is called with (0, index, leafHash) and
// then with every perfect subtree the leaf completes, bottom-up, so that a
// caller can persist exactly the nodes a NodeReader must serve. If visit
// returns an error, Append returns it and the Frontier is left unchanged;
// retrying the same leaf replays the same (level, index, hash) triples, so
// a store keyed by (level, index) may simply overwrite.
func (f *Frontier) Append(leafHash []byte, visit NodeFunc) error {
	if len(leafHash) != f.h.Size() {
		return fmt.Errorf("%w: leaf hash is %d bytes, want %d", ErrHashSize, len(leafHash), f.h.Size())
	}
	if f.size == math.MaxUint64 {
		return errors.New("merkle: tree is full (2^64-1 leaves)")
	}
	index := f.size
	node := bytes.Clone(leafHash)
	if visit != nil {
		if err := visit(0, index, node); err != nil {
			return err
		}
	}
	// The leaf completes one parent per trailing one bit of the old size:
	// each such bit is a perfect subtree waiting for a right sibling.
	merges := bits.TrailingZeros64(^f.size)
	for i := 1; i <= merges; i++ {
		node = f.h.HashChildren(f.nodes[len(f.nodes)-i], node)
		if visit != nil {
			if err := visit(uint(i), index>>i, node); err != nil {
				return err
			}
		}
	}
	f.nodes = append(f.nodes[:len(f.nodes)-merges], node)
	f.size++
	return nil
}

// Frontier state encoding, version 1:
//
//	"PDMF" | version (1 byte) | hash size (1) | hasher fingerprint (4) |
//	size (8, big-endian) | popcount(size) hashes, leftmost first
//
// The fingerprint is the first four bytes of the hasher's empty-tree root,
// so that state written with one hash function (SHA-256, say) is refused by
// a Frontier using another of the same length (SM3).
const (
	stateMagic   = "PDMF"
	stateVersion = 1
	stateHeader  = len(stateMagic) + 1 + 1 + 4 + 8
)

// MarshalBinary encodes the Frontier's state so that a client can resume
// appending after a restart.
func (f *Frontier) MarshalBinary() ([]byte, error) {
	hs := f.h.Size()
	if hs <= 0 || hs > 255 {
		return nil, fmt.Errorf("merkle: cannot encode hash size %d", hs)
	}
	out := make([]byte, 0, stateHeader+len(f.nodes)*hs)
	out = append(out, stateMagic...)
	out = append(out, stateVersion, byte(hs))
	out = append(out, f.h.EmptyRoot()[:4]...)
	out = binary.BigEndian.AppendUint64(out, f.size)
	for _, n := range f.nodes {
		out = append(out, n...)
	}
	return out, nil
}

// UnmarshalBinary replaces the Frontier's state with one produced by
// MarshalBinary. The receiver keeps its Hasher (NewFrontier's argument),
// which must be the one the state was built with. On error the Frontier is
// unchanged.
func (f *Frontier) UnmarshalBinary(data []byte) error {
	if f.h == nil {
		f.h = SM3
	}
	hs := f.h.Size()
	if len(data) < stateHeader || string(data[:4]) != stateMagic {
		return fmt.Errorf("merkle: frontier state of %d bytes lacks the %q header", len(data), stateMagic)
	}
	if v := data[4]; v != stateVersion {
		return fmt.Errorf("merkle: frontier state version %d, want %d", v, stateVersion)
	}
	if got := int(data[5]); got != hs {
		return fmt.Errorf("%w: frontier state has %d-byte hashes, this hasher makes %d", ErrHashSize, got, hs)
	}
	if fp := f.h.EmptyRoot()[:4]; !bytes.Equal(data[6:10], fp) {
		return fmt.Errorf("merkle: frontier state was built with another hash function (fingerprint %x, want %x)", data[6:10], fp)
	}
	size := binary.BigEndian.Uint64(data[10:stateHeader])
	body := data[stateHeader:]
	count := bits.OnesCount64(size)
	if len(body) != count*hs {
		return fmt.Errorf("merkle: frontier state for size %d has %d hash bytes, want %d", size, len(body), count*hs)
	}
	nodes := make([][]byte, count)
	for i := range nodes {
		nodes[i] = bytes.Clone(body[i*hs : (i+1)*hs])
	}
	f.size, f.nodes = size, nodes
	return nil
}
