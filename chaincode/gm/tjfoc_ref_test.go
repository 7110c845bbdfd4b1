//lint:file-ignore SA1019 the tjfoc reference runs on tjfoc's sm2p256v1 curve, which exists only as a crypto/elliptic.Curve.

package gm

// The tjfoc/gmsm v1.4.1 backend, kept in the tests as the reference the
// production backend (emmansun/gmsm, chosen on the numbers of
// BenchmarkSM2Verify and BenchmarkSM3, issue 16) is checked against. The
// functions below are the production code as it stood before the switch,
// with the traps of tjfoc routed around exactly as they were then:
// SM3 through Sm3Sum and a hash.Hash wrapper whose Sum never passes its
// argument to tjfoc, ZA hashed here, signatures parsed by parseSignature
// and P+P added with Double.

import (
	"crypto/elliptic"
	crand "crypto/rand"
	"encoding/asn1"
	"errors"
	"hash"
	"io"
	"math/big"

	tjsm2 "github.com/tjfoc/gmsm/sm2"
	tjsm3 "github.com/tjfoc/gmsm/sm3"
)

// tjWriteChunk bounds what one Write hands to tjfoc, whose Write copies the
// caller's whole buffer.
const tjWriteChunk = 64 << 10

// sm3BlockSize is the SM3 message block length in bytes.
const sm3BlockSize = 64

func tjfocCurve() elliptic.Curve { return tjsm2.P256Sm2() }

// tjfocSum is the SM3 digest computed by tjfoc.
func tjfocSum(data []byte) [DigestSize]byte {
	var out [DigestSize]byte
	if len(data) <= tjWriteChunk {
		copy(out[:], tjsm3.Sm3Sum(data))
		return out
	}
	d := tjfocNew()
	d.Write(data)
	d.Sum(out[:0])
	return out
}

// tjfocNew is a conforming hash.Hash over tjfoc's SM3.
func tjfocNew() hash.Hash { return &tjfocDigest{inner: tjsm3.New()} }

type tjfocDigest struct {
	inner hash.Hash // *sm3.SM3; only Write, Reset and Sum(nil) are safe on it
}

func (d *tjfocDigest) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := min(len(p), tjWriteChunk)
		d.inner.Write(p[:c])
		p = p[c:]
	}
	return n, nil
}

func (d *tjfocDigest) Sum(b []byte) []byte { return append(b, d.inner.Sum(nil)...) }
func (d *tjfocDigest) Reset()              { d.inner.Reset() }
func (d *tjfocDigest) Size() int           { return DigestSize }
func (d *tjfocDigest) BlockSize() int      { return sm3BlockSize }

// tjfocMessageRepresentative is e = SM3(ZA || M) with tjfoc's SM3.
func tjfocMessageRepresentative(pub *PublicKey, uid, msg []byte) (*big.Int, error) {
	if len(uid) > MaxUIDLen {
		return nil, errors.New("uid too long")
	}
	entl := len(uid) * 8
	h := tjfocNew()
	h.Write([]byte{byte(entl >> 8), byte(entl)})
	h.Write(uid)
	h.Write(zaCurve)
	h.Write(fixed(pub.x))
	h.Write(fixed(pub.y))
	z := h.Sum(nil)
	h.Reset()
	h.Write(z)
	h.Write(msg)
	return new(big.Int).SetBytes(h.Sum(nil)), nil
}

// addPoints returns P1+P2, handling the cases tjfoc's Add gets wrong (it
// yields the point at infinity for P+P). ok is false for the point at
// infinity.
func addPoints(x1, y1, x2, y2 *big.Int) (x, y *big.Int, ok bool) {
	c := tjfocCurve()
	if x1.Cmp(x2) == 0 {
		if y1.Cmp(y2) != 0 { // P + (-P)
			return nil, nil, false
		}
		x, y = c.Double(x1, y1)
	} else {
		x, y = c.Add(x1, y1, x2, y2)
	}
	return x, y, x.Sign() != 0 || y.Sign() != 0
}

// tjfocVerifyWithID is VerifyWithID as it was on tjfoc.
func tjfocVerifyWithID(pub *PublicKey, uid, msg, sig []byte) bool {
	if pub == nil || pub.x == nil || pub.y == nil {
		return false
	}
	r, s, ok := parseSignature(sig) // B1, B2
	if !ok {
		return false
	}
	e, err := tjfocMessageRepresentative(pub, uid, msg) // B3, B4
	if err != nil {
		return false
	}
	return tjfocVerifyDigest(pub, e, r, s)
}

// tjfocVerifyDigest is B5–B7 on tjfoc's curve for a parsed signature.
func tjfocVerifyDigest(pub *PublicKey, e, r, s *big.Int) bool {
	t := new(big.Int).Add(r, s) // B5
	t.Mod(t, curveN)
	if t.Sign() == 0 {
		return false
	}
	c := tjfocCurve()
	x1, y1 := c.ScalarBaseMult(fixed(s)) // B6: (x1', y1') = [s]G + [t]PA
	x2, y2 := c.ScalarMult(pub.x, pub.y, fixed(t))
	x, _, ok := addPoints(x1, y1, x2, y2)
	if !ok {
		return false
	}
	R := x.Add(x, e) // B7: R = (e' + x1') mod n
	R.Mod(R, curveN)
	return R.Cmp(r) == 0
}

// tjfocPublicPoint is [d]G computed by tjfoc.
func tjfocPublicPoint(d *big.Int) (x, y *big.Int) {
	return tjfocCurve().ScalarBaseMult(fixed(d))
}

// tjfocSignWithID is SignWithID as it was on tjfoc: same nonce derivation,
// so the same rand stream gives the same signature as the production code.
func tjfocSignWithID(rand io.Reader, priv *PrivateKey, uid, msg []byte) ([]byte, error) {
	if rand == nil {
		rand = crand.Reader
	}
	e, err := tjfocMessageRepresentative(&priv.pub, uid, msg)
	if err != nil {
		return nil, err
	}
	dPlus1Inv := new(big.Int).Add(priv.d, one)
	dPlus1Inv.ModInverse(dPlus1Inv, curveN)
	nMinus1 := new(big.Int).Sub(curveN, one)
	c := tjfocCurve()
	for range 16 {
		k, err := randScalar(rand, nMinus1)
		if err != nil {
			return nil, err
		}
		x1, _ := c.ScalarBaseMult(fixed(k))
		r := new(big.Int).Add(e, x1)
		r.Mod(r, curveN)
		if r.Sign() == 0 || new(big.Int).Add(r, k).Cmp(curveN) == 0 {
			continue
		}
		s := new(big.Int).Mul(r, priv.d)
		s.Sub(k, s)
		s.Mul(s, dPlus1Inv)
		s.Mod(s, curveN)
		if s.Sign() == 0 {
			continue
		}
		return derSigBytes(r, s), nil
	}
	return nil, errors.New("unusable nonces")
}

// tjfocKey converts a key to tjfoc's types.
func tjfocKey(priv *PrivateKey) *tjsm2.PrivateKey {
	k := &tjsm2.PrivateKey{D: new(big.Int).Set(priv.d)}
	k.Curve = tjfocCurve()
	k.X, k.Y = new(big.Int).Set(priv.pub.x), new(big.Int).Set(priv.pub.y)
	return k
}

func derSigBytes(r, s *big.Int) []byte {
	b, err := asn1.Marshal(sm2Signature{R: r, S: s})
	if err != nil {
		panic(err)
	}
	return b
}
