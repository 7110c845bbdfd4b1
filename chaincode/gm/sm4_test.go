package gm

import (
	"bytes"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
)

func mustDecodeHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad test hex %q: %v", s, err)
	}
	return b
}

// GB/T 32907-2016 Appendix A, example 1: key = plaintext.
func TestSM4Example1(t *testing.T) {
	key := mustDecodeHex(t, "0123456789abcdeffedcba9876543210")
	want := mustDecodeHex(t, "681edf34d206965e86b3e94f536e4246")
	b, err := NewSM4(key)
	if err != nil {
		t.Fatal(err)
	}
	if b.BlockSize() != 16 {
		t.Fatalf("BlockSize = %d", b.BlockSize())
	}
	got := make([]byte, 16)
	b.Encrypt(got, key)
	if !bytes.Equal(got, want) {
		t.Fatalf("Encrypt = %x, want %x", got, want)
	}
	b.Decrypt(got, got) // in place must work, as for crypto/aes
	if !bytes.Equal(got, key) {
		t.Fatalf("Decrypt = %x, want %x", got, key)
	}
}

// GB/T 32907-2016 Appendix A, example 2: the example-1 plaintext encrypted
// 1,000,000 times under the same key. It takes about 0.2 s, cheap enough
// to run unconditionally.
func TestSM4Example2(t *testing.T) {
	key := mustDecodeHex(t, "0123456789abcdeffedcba9876543210")
	want := mustDecodeHex(t, "595298c7c6fd271f0402f804c33d3f66")
	b, err := NewSM4(key)
	if err != nil {
		t.Fatal(err)
	}
	buf := append([]byte(nil), key...)
	for range 1000000 {
		b.Encrypt(buf, buf)
	}
	if !bytes.Equal(buf, want) {
		t.Fatalf("after 10^6 encryptions = %x, want %x", buf, want)
	}
}

func TestNewSM4BadKey(t *testing.T) {
	for _, n := range []int{0, 15, 17, 32} {
		if _, err := NewSM4(make([]byte, n)); err == nil {
			t.Errorf("NewSM4 accepted a %d-byte key", n)
		}
	}
}

func TestSM4ShortBlockPanics(t *testing.T) {
	b, _ := NewSM4(make([]byte, 16))
	defer func() {
		if r := recover(); r != "gm: SM4 input not full block" {
			t.Fatalf("recover() = %v", r)
		}
	}()
	b.Encrypt(make([]byte, 16), make([]byte, 15))
}

// RFC 8998 Appendix A.1, the SM4-GCM example.
var rfc8998GCM = struct {
	key, nonce, aad, pt, ct, tag string
}{
	key:   "0123456789ABCDEFFEDCBA9876543210",
	nonce: "00001234567800000000ABCD",
	aad:   "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2",
	pt: "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD" +
		"EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
	ct: "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735" +
		"D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D",
	tag: "83DE3541E4C2B58177E065A9BF7B62EC",
}

func TestSM4GCMRFC8998(t *testing.T) {
	v := rfc8998GCM
	key, nonce, aad := mustDecodeHex(t, v.key), mustDecodeHex(t, v.nonce), mustDecodeHex(t, v.aad)
	pt := mustDecodeHex(t, v.pt)
	want := mustDecodeHex(t, v.ct+v.tag)

	sealed, err := SealGCM(key, nonce, pt, aad)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sealed, want) {
		t.Fatalf("SealGCM =\n%x\nwant\n%x", sealed, want)
	}
	opened, err := OpenGCM(key, nonce, sealed, aad)
	if err != nil || !bytes.Equal(opened, pt) {
		t.Fatalf("OpenGCM = %x, %v", opened, err)
	}

	// Every single-bit change to any input must be rejected.
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := OpenGCM(key, nonce, bad, aad); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("flipped ciphertext byte %d: err = %v", i, err)
		}
	}
	for name, mutate := range map[string]func() ([]byte, []byte, []byte){
		"aad":   func() ([]byte, []byte, []byte) { a := bytes.Clone(aad); a[0] ^= 1; return key, nonce, a },
		"nonce": func() ([]byte, []byte, []byte) { n := bytes.Clone(nonce); n[11] ^= 1; return key, n, aad },
		"key":   func() ([]byte, []byte, []byte) { k := bytes.Clone(key); k[5] ^= 1; return k, nonce, aad },
		"noaad": func() ([]byte, []byte, []byte) { return key, nonce, nil },
	} {
		k, n, a := mutate()
		if _, err := OpenGCM(k, n, sealed, a); !errors.Is(err, ErrDecrypt) {
			t.Errorf("wrong %s: err = %v", name, err)
		}
	}
	if _, err := OpenGCM(key, nonce, sealed[:GCMTagSize-1], aad); err == nil || errors.Is(err, ErrDecrypt) {
		t.Errorf("short ciphertext: err = %v, want a length error", err)
	}
}

func TestSM4GCMBadParams(t *testing.T) {
	key := make([]byte, 16)
	if _, err := SealGCM(key, make([]byte, 16), nil, nil); err == nil {
		t.Error("SealGCM accepted a 16-byte nonce")
	}
	if _, err := OpenGCM(key, make([]byte, 8), make([]byte, 32), nil); err == nil {
		t.Error("OpenGCM accepted an 8-byte nonce")
	}
	if _, err := SealGCM(make([]byte, 24), make([]byte, 12), nil, nil); err == nil {
		t.Error("SealGCM accepted a 24-byte key")
	}
	// Empty plaintext is legal: the output is just the tag.
	out, err := SealGCM(key, make([]byte, 12), nil, []byte("header"))
	if err != nil || len(out) != GCMTagSize {
		t.Fatalf("empty plaintext: %x, %v", out, err)
	}
	if pt, err := OpenGCM(key, make([]byte, 12), out, []byte("header")); err != nil || len(pt) != 0 {
		t.Fatalf("open empty: %x, %v", pt, err)
	}
}

// TestSM4ConcurrentBlock shares one Block between goroutines; with tjfoc's
// bare cipher this races on its scratch buffers (run with -race to see it).
func TestSM4ConcurrentBlock(t *testing.T) {
	key := mustDecodeHex(t, "0123456789abcdeffedcba9876543210")
	want := mustDecodeHex(t, "681edf34d206965e86b3e94f536e4246")
	b, _ := NewSM4(key)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			out := make([]byte, 16)
			for range 2000 {
				b.Encrypt(out, key)
				if !bytes.Equal(out, want) {
					errs <- hex.EncodeToString(out)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent Encrypt produced %s", e)
	}
}
