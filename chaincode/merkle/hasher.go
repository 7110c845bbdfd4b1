package merkle

import (
	"crypto/sha256"
	"hash"

	"github.com/pdledger/pdledger/chaincode/gm"
)

// Domain-separation prefixes of RFC 6962 §2.1.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// Hasher is the tree's hash function with RFC 6962 domain separation. All
// functions in this package treat a nil Hasher as SM3.
type Hasher interface {
	// EmptyRoot returns MTH({}) = HASH(), the root of the empty tree.
	EmptyRoot() []byte
	// HashLeaf returns HASH(0x00 || data).
	HashLeaf(data []byte) []byte
	// HashChildren returns HASH(0x01 || l || r).
	HashChildren(l, r []byte) []byte
	// Size is the length of every hash this Hasher returns.
	Size() int
}

// SM3Hasher is the RFC 6962 tree hash over SM3 (GB/T 32905), PDLedger's
// default.
type SM3Hasher struct{}

// SHA256Hasher is the RFC 6962 tree hash over SHA-256, as used by
// Certificate Transparency; it exists for interoperability and for testing
// against the published CT vectors.
type SHA256Hasher struct{}

var (
	// SM3 is the default Hasher.
	SM3 = SM3Hasher{}
	// SHA256 is the Certificate Transparency Hasher.
	SHA256 = SHA256Hasher{}
)

func orDefault(h Hasher) Hasher {
	if h == nil {
		return SM3
	}
	return h
}

// streamThreshold is the leaf size above which HashLeaf streams instead of
// copying the leaf behind its prefix byte; leaves can be whole documents.
const streamThreshold = 4 << 10

func (SM3Hasher) EmptyRoot() []byte {
	s := gm.Sum(nil)
	return s[:]
}

func (SM3Hasher) HashLeaf(data []byte) []byte {
	if len(data) > streamThreshold {
		return streamLeaf(gm.New(), data)
	}
	s := gm.Sum(prefixed(leafPrefix, data, nil))
	return s[:]
}

func (SM3Hasher) HashChildren(l, r []byte) []byte {
	s := gm.Sum(prefixed(nodePrefix, l, r))
	return s[:]
}

func (SM3Hasher) Size() int { return gm.DigestSize }

func (SHA256Hasher) EmptyRoot() []byte {
	s := sha256.Sum256(nil)
	return s[:]
}

func (SHA256Hasher) HashLeaf(data []byte) []byte {
	if len(data) > streamThreshold {
		return streamLeaf(sha256.New(), data)
	}
	s := sha256.Sum256(prefixed(leafPrefix, data, nil))
	return s[:]
}

func (SHA256Hasher) HashChildren(l, r []byte) []byte {
	s := sha256.Sum256(prefixed(nodePrefix, l, r))
	return s[:]
}

func (SHA256Hasher) Size() int { return sha256.Size }

func prefixed(prefix byte, a, b []byte) []byte {
	buf := make([]byte, 0, 1+len(a)+len(b))
	buf = append(buf, prefix)
	buf = append(buf, a...)
	return append(buf, b...)
}

func streamLeaf(h hash.Hash, data []byte) []byte {
	h.Write([]byte{leafPrefix})
	h.Write(data)
	return h.Sum(nil)
}
