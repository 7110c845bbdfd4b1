package gm

import (
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/tjfoc/gmsm/sm3"
)

// DigestSize is the length in bytes of an SM3 digest.
const DigestSize = 32

// sm3BlockSize is the SM3 message block length in bytes.
const sm3BlockSize = 64

// writeChunk bounds how much of a single Write is handed to tjfoc at once:
// its Write copies the caller's whole buffer into a fresh slice, so hashing
// a memory-mapped multi-GB file in one call would double its footprint.
const writeChunk = 64 << 10

// Sum returns the SM3 digest of data.
func Sum(data []byte) [DigestSize]byte {
	var out [DigestSize]byte
	if len(data) <= writeChunk {
		// Sm3Sum, not the misleadingly named (*sm3.SM3).Sum.
		copy(out[:], sm3.Sm3Sum(data))
		return out
	}
	d := New()
	d.Write(data)
	d.Sum(out[:0])
	return out
}

// SumHex returns the SM3 digest of data as 64 lower-case hex characters, the
// canonical text form stored on the ledger.
func SumHex(data []byte) string {
	s := Sum(data)
	return hex.EncodeToString(s[:])
}

// New returns an SM3 hash.Hash whose Sum appends to its argument and leaves
// the running state untouched, as the hash.Hash contract requires.
func New() hash.Hash {
	return &sm3Digest{inner: sm3.New()}
}

type sm3Digest struct {
	inner hash.Hash // *sm3.SM3; only Write, Reset and Sum(nil) are safe on it
}

func (d *sm3Digest) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := min(len(p), writeChunk)
		d.inner.Write(p[:c])
		p = p[c:]
	}
	return n, nil
}

// Sum must never pass b to tjfoc: its Sum(b) hashes b as message data.
func (d *sm3Digest) Sum(b []byte) []byte { return append(b, d.inner.Sum(nil)...) }
func (d *sm3Digest) Reset()              { d.inner.Reset() }
func (d *sm3Digest) Size() int           { return DigestSize }
func (d *sm3Digest) BlockSize() int      { return sm3BlockSize }

// ParseDigestHex decodes a hex SM3 digest as found in client input. It
// requires exactly 64 hex digits with no prefix or whitespace; upper-case
// digits are accepted, so callers that store the value should re-encode the
// returned array (hex.EncodeToString) to get the canonical lower-case form.
func ParseDigestHex(s string) ([DigestSize]byte, error) {
	var d [DigestSize]byte
	if len(s) != 2*DigestSize {
		return d, fmt.Errorf("gm: SM3 digest %s has %d characters, want %d hex digits", quote(s), len(s), 2*DigestSize)
	}
	if _, err := hex.Decode(d[:], []byte(s)); err != nil {
		return [DigestSize]byte{}, fmt.Errorf("gm: SM3 digest %s is not hex: %v", quote(s), err)
	}
	return d, nil
}

// quote renders untrusted input for an error message, truncated so that a
// hostile megabyte-long argument cannot bloat logs or chaincode responses.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		return fmt.Sprintf("%q... (%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}
