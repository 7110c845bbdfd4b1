package gm

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// GB/T 32905-2016 Appendix A, examples 1 and 2.
var sm3Vectors = []struct {
	name, msg, digest string
}{
	{"A.1 abc", "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
	{"A.2 abcd x16", strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	// Not in the standard; the empty message pins padding of a zero-length
	// input (same value as OpenSSL `openssl dgst -sm3 /dev/null`).
	{"empty", "", "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"},
}

func TestSM3Vectors(t *testing.T) {
	for _, v := range sm3Vectors {
		got := Sum([]byte(v.msg))
		if hex.EncodeToString(got[:]) != v.digest {
			t.Errorf("%s: Sum = %x, want %s", v.name, got, v.digest)
		}
		if s := SumHex([]byte(v.msg)); s != v.digest {
			t.Errorf("%s: SumHex = %s, want %s", v.name, s, v.digest)
		}
		h := New()
		for i := 0; i < len(v.msg); i++ { // byte-at-a-time exercises buffering
			h.Write([]byte{v.msg[i]})
		}
		if s := hex.EncodeToString(h.Sum(nil)); s != v.digest {
			t.Errorf("%s: streaming = %s, want %s", v.name, s, v.digest)
		}
	}
}

// TestSM3HashContract checks what tjfoc's SM3 gets wrong: Sum appends to
// its argument and leaves the state alone, so writing may continue.
func TestSM3HashContract(t *testing.T) {
	h := New()
	if h.Size() != DigestSize || h.BlockSize() != 64 {
		t.Fatalf("Size/BlockSize = %d/%d", h.Size(), h.BlockSize())
	}
	h.Write([]byte("ab"))
	prefix := []byte("prefix")
	out := h.Sum(prefix)
	abSum := Sum([]byte("ab"))
	if !bytes.Equal(out, append([]byte("prefix"), abSum[:]...)) {
		t.Fatalf("Sum(prefix) = %x, want prefix||SM3(ab)", out)
	}
	h.Write([]byte("c"))
	if got := hex.EncodeToString(h.Sum(nil)); got != sm3Vectors[0].digest {
		t.Fatalf("after Sum+Write(c): %s, want SM3(abc)", got)
	}
	h.Reset()
	h.Write([]byte("abc"))
	if got := hex.EncodeToString(h.Sum(nil)); got != sm3Vectors[0].digest {
		t.Fatalf("after Reset: %s", got)
	}
}

// TestSM3LargeWrite hashes a multi-block buffer in one Write and in pieces;
// the size crosses the 64 KiB chunking of the tjfoc reference, which must
// agree.
func TestSM3LargeWrite(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdefg"), (3*tjWriteChunk)/17+5)
	whole := Sum(data)
	h := New()
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 1000)
		h.Write(rest[:n])
		rest = rest[n:]
	}
	if got := h.Sum(nil); !bytes.Equal(got, whole[:]) {
		t.Fatalf("large one-shot %x != pieced %x", whole, got)
	}
	if ref := tjfocSum(data); ref != whole {
		t.Fatalf("large one-shot %x != tjfoc %x", whole, ref)
	}
	small := Sum(data[:tjWriteChunk]) // tjfoc's Sm3Sum fast path
	h.Reset()
	h.Write(data[:tjWriteChunk])
	if got := h.Sum(nil); !bytes.Equal(got, small[:]) {
		t.Fatalf("one-shot %x != streaming %x", small, got)
	}
	if ref := tjfocSum(data[:tjWriteChunk]); ref != small {
		t.Fatalf("one-shot %x != tjfoc %x", small, ref)
	}
}

func TestParseDigestHex(t *testing.T) {
	want := Sum([]byte("abc"))
	for _, s := range []string{sm3Vectors[0].digest, strings.ToUpper(sm3Vectors[0].digest)} {
		got, err := ParseDigestHex(s)
		if err != nil || got != want {
			t.Errorf("ParseDigestHex(%q) = %x, %v", s, got, err)
		}
	}
	for _, bad := range []string{
		"",
		sm3Vectors[0].digest[:63],
		sm3Vectors[0].digest + "0",
		"0x" + sm3Vectors[0].digest[2:],
		" " + sm3Vectors[0].digest[1:],
		strings.Repeat("g", 64),
		strings.Repeat("a", 10000),
	} {
		if _, err := ParseDigestHex(bad); err == nil {
			t.Errorf("ParseDigestHex(%.70q) succeeded", bad)
		} else if len(err.Error()) > 200 {
			t.Errorf("error for long input is %d bytes long", len(err.Error()))
		}
	}
}
