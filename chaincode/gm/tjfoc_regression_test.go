//lint:file-ignore SA1019 SM2 runs on tjfoc's sm2p256v1 curve, which exists only as a crypto/elliptic.Curve; the point operations are the curve's own and verification never handles secrets.

package gm

// Regression tests for the tjfoc/gmsm v1.4.1 traps listed in the package
// documentation. Each test first shows the trap in tjfoc itself — and fails
// when an upgrade removes it, so that the workaround is revisited rather than
// silently kept (a skip would hide the change) — and then shows that this
// package does not fall into it.

import (
	"bytes"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/tjfoc/gmsm/sm2"
	"github.com/tjfoc/gmsm/sm3"
	"github.com/tjfoc/gmsm/sm4"
	tjx509 "github.com/tjfoc/gmsm/x509"
)

// tjfoc's (*SM3).Sum(b) hashes b as message data and returns only the
// digest, leaving b in the hash state.
func TestTjfocSM3SumTrap(t *testing.T) {
	abc := Sum([]byte("abc"))
	ab := Sum([]byte("ab"))

	h := sm3.New()
	h.Write([]byte("ab"))
	out := h.Sum([]byte("c"))
	if !bytes.Equal(out, abc[:]) {
		t.Fatalf("tjfoc Sum(b) no longer hashes b (got %x); revisit the wrapper and this test", out)
	}
	if again := h.Sum(nil); !bytes.Equal(again, abc[:]) {
		t.Logf("tjfoc state after Sum(b): %x", again)
	}

	g := New()
	g.Write([]byte("ab"))
	if got := g.Sum([]byte("c")); !bytes.Equal(got, append([]byte("c"), ab[:]...)) {
		t.Fatalf("wrapper Sum(c) = %x, want c||SM3(ab)", got)
	}
	if got := g.Sum(nil); !bytes.Equal(got, ab[:]) {
		t.Fatalf("wrapper state changed by Sum: %x", got)
	}
}

// tjfoc's Sm4GCM encrypts correctly but its tag is not the GCM tag.
func TestTjfocSM4GCMTagTrap(t *testing.T) {
	v := rfc8998GCM
	key, nonce, aad := mustDecodeHex(t, v.key), mustDecodeHex(t, v.nonce), mustDecodeHex(t, v.aad)
	pt, wantTag := mustDecodeHex(t, v.pt), mustDecodeHex(t, v.tag)

	_, tag, err := sm4.Sm4GCM(key, nonce, pt, aad, true)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(tag, wantTag) {
		t.Fatal("tjfoc Sm4GCM now produces the RFC 8998 tag; revisit SealGCM and this test")
	}
	t.Logf("tjfoc tag %x, RFC 8998 tag %x", tag, wantTag)

	sealed, err := SealGCM(key, nonce, pt, aad)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sealed[len(sealed)-GCMTagSize:], wantTag) {
		t.Fatalf("SealGCM tag %x, want %x", sealed[len(sealed)-GCMTagSize:], wantTag)
	}
}

// tjfoc's Verify ignores bytes after the DER signature, so one signature
// has unboundedly many accepted encodings.
func TestTjfocSM2TrailingBytesTrap(t *testing.T) {
	priv, pub := tjfocKeyPair(t)
	msg := []byte("m")
	sig, err := priv.Sign(nil, msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	padded := append(bytes.Clone(sig), 0xde, 0xad)
	if !pub.Verify(msg, padded) {
		t.Fatal("tjfoc now rejects trailing bytes; revisit Verify and this test")
	}
	ours := wrapTjfocPub(t, pub)
	if !Verify(ours, msg, sig) {
		t.Fatal("wrapper rejects tjfoc's valid signature")
	}
	if Verify(ours, msg, padded) {
		t.Fatal("wrapper accepts a signature with trailing bytes")
	}
}

// tjfoc substitutes the default ID for an empty one; GB/T 32918 (and
// OpenSSL 3) treat an empty ID as empty.
func TestTjfocSM2EmptyUIDTrap(t *testing.T) {
	priv, pub := tjfocKeyPair(t)
	msg := []byte("m")
	r, s, err := sm2.Sm2Sign(priv, msg, []byte(DefaultUID), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sm2.Sm2Verify(pub, msg, nil, r, s) {
		t.Fatal("tjfoc no longer maps an empty uid to the default; revisit VerifyWithID and this test")
	}
	ours := wrapTjfocPub(t, pub)
	sig := derSig(t, r, s)
	if !Verify(ours, msg, sig) {
		t.Fatal("wrapper rejects a default-ID signature")
	}
	if VerifyWithID(ours, nil, msg, sig) {
		t.Fatal("wrapper verified a default-ID signature under the empty ID")
	}
}

// tjfoc's Add returns the point at infinity for P+P instead of 2P.
func TestTjfocSM2AddDoublingTrap(t *testing.T) {
	c := sm2.P256Sm2()
	x, y := c.Add(curveGx, curveGy, curveGx, curveGy)
	dx, dy := c.Double(curveGx, curveGy)
	if x.Cmp(dx) == 0 && y.Cmp(dy) == 0 {
		t.Fatal("tjfoc Add now handles P+P; revisit addPoints and this test")
	}
	t.Logf("tjfoc G+G = (%x, %x)", x, y)
	ax, ay, ok := addPoints(curveGx, curveGy, curveGx, curveGy)
	if !ok || ax.Cmp(dx) != 0 || ay.Cmp(dy) != 0 {
		t.Fatal("addPoints(G, G) != 2G")
	}
}

// tjfoc's IsOnCurve reduces coordinates first, so (x+p, y) passes for an
// on-curve (x, y); ParsePublicKey must not accept that alias encoding.
func TestTjfocSM2UnreducedCoordinateTrap(t *testing.T) {
	x, y := smallXPoint(t)
	alias := new(big.Int).Add(x, curveP)
	if !sm2.P256Sm2().IsOnCurve(alias, y) {
		t.Fatal("tjfoc IsOnCurve now rejects unreduced coordinates; revisit parsePoint and this test")
	}
	raw := append(append([]byte{4}, fixed(alias)...), fixed(y)...)
	if _, err := parsePoint(raw); err == nil || !strings.Contains(err.Error(), "not reduced") {
		t.Fatalf("parsePoint(alias) error = %v", err)
	}
}

// tjfoc writes the private scalar without leading zeros (RFC 5915 wants 32
// bytes), accepts d = 0, and cannot read OpenSSL 3's SEC1 key files.
func TestTjfocPrivateKeyEncodingTraps(t *testing.T) {
	c := sm2.P256Sm2()
	small := &sm2.PrivateKey{D: big.NewInt(65537)}
	small.Curve = c
	small.X, small.Y = c.ScalarBaseMult(small.D.Bytes())
	tjPEM, err := tjx509.WritePrivateKeyToPem(small, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := innerScalarLen(t, tjPEM); n == 32 {
		t.Log("tjfoc now writes a fixed-length scalar")
	} else {
		t.Logf("tjfoc wrote a %d-byte scalar", n)
	}
	// Keys tjfoc wrote stay readable, and re-marshal in the standard form.
	ours, err := ParsePrivateKeyPEM(tjPEM)
	if err != nil {
		t.Fatalf("cannot read tjfoc-written key: %v", err)
	}
	if ours.d.Cmp(small.D) != 0 {
		t.Fatal("tjfoc-written key decoded to a different scalar")
	}
	out, _ := MarshalPrivateKeyPEM(ours)
	if n := innerScalarLen(t, out); n != 32 {
		t.Fatalf("MarshalPrivateKeyPEM wrote a %d-byte scalar", n)
	}

	zero := zeroScalarPKCS8(t)
	if k, err := tjx509.ParsePKCS8UnecryptedPrivateKey(zero); err == nil && k.D.Sign() == 0 {
		t.Log("tjfoc accepts d = 0")
	}
	if _, err := ParsePrivateKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: zero})); err == nil {
		t.Fatal("wrapper accepts d = 0")
	}

	if _, err := tjx509.ReadPrivateKeyFromPem([]byte(opensslSEC1PEM), nil); err == nil {
		t.Log("tjfoc now reads SEC1 keys")
	}
	if _, err := ParsePrivateKeyPEM([]byte(opensslSEC1PEM)); err != nil {
		t.Fatalf("wrapper cannot read OpenSSL's SEC1 key: %v", err)
	}
}

func tjfocKeyPair(t *testing.T) (*sm2.PrivateKey, *sm2.PublicKey) {
	t.Helper()
	priv, err := sm2.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return priv, &priv.PublicKey
}

func wrapTjfocPub(t *testing.T, pub *sm2.PublicKey) *PublicKey {
	t.Helper()
	raw := append(append([]byte{4}, fixed(pub.X)...), fixed(pub.Y)...)
	p, err := parsePoint(raw)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func innerScalarLen(t *testing.T, pemBytes []byte) int {
	t.Helper()
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		t.Fatal("no PEM block")
	}
	var p8 pkcs8
	var ec ecPrivateKey
	if _, err := asn1.Unmarshal(block.Bytes, &p8); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil {
		t.Fatal(err)
	}
	return len(ec.PrivateKey)
}

func zeroScalarPKCS8(t *testing.T) []byte {
	t.Helper()
	inner, err := asn1.Marshal(ecPrivateKey{Version: 1, PrivateKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(pkcs8{Algo: ecAlgorithm(), PrivateKey: inner})
	if err != nil {
		t.Fatal(err)
	}
	return der
}
