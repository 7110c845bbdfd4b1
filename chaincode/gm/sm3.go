package gm

import (
	"encoding/hex"
	"fmt"
	"hash"

	emsm3 "github.com/emmansun/gmsm/sm3"
)

// DigestSize is the length in bytes of an SM3 digest.
const DigestSize = 32

// Sum returns the SM3 digest of data.
func Sum(data []byte) [DigestSize]byte { return emsm3.Sum(data) }

// SumHex returns the SM3 digest of data as 64 lower-case hex characters, the
// canonical text form stored on the ledger.
func SumHex(data []byte) string {
	s := Sum(data)
	return hex.EncodeToString(s[:])
}

// New returns an SM3 hash.Hash whose Sum appends to its argument and leaves
// the running state untouched, as the hash.Hash contract requires
// (emmansun's digest is used as it is; tjfoc's needed a wrapper).
func New() hash.Hash { return emsm3.New() }

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
