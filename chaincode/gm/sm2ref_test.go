package gm

// A deliberately naive, independent SM2 implementation over any short
// Weierstrass curve, written straight from GB/T 32918.1 (affine arithmetic)
// and 32918.2 (§5.5 ZA, §6 signing, §7 verification) with math/big only. It
// lets the tests run the standard's Annex A example, which uses a 256-bit
// *test* curve that neither library can express, and cross-check the
// production code (emmansun's optimised sm2p256v1 arithmetic) and the tjfoc
// reference on the real curve.

import (
	"math/big"
)

type refCurve struct {
	p, a, b, gx, gy, n *big.Int
}

// refPoint is an affine point; inf marks the point at infinity.
type refPoint struct {
	x, y *big.Int
	inf  bool
}

func (c *refCurve) mod(v *big.Int) *big.Int { return v.Mod(v, c.p) }

func (c *refCurve) add(P, Q refPoint) refPoint {
	switch {
	case P.inf:
		return Q
	case Q.inf:
		return P
	}
	var lambda *big.Int
	if P.x.Cmp(Q.x) == 0 {
		if c.mod(new(big.Int).Add(P.y, Q.y)).Sign() == 0 { // Q = -P
			return refPoint{inf: true}
		}
		// λ = (3x² + a) / 2y
		num := new(big.Int).Mul(P.x, P.x)
		num.Mul(num, big.NewInt(3)).Add(num, c.a)
		den := c.mod(new(big.Int).Lsh(P.y, 1))
		lambda = num.Mul(num, den.ModInverse(den, c.p))
	} else {
		// λ = (y2 - y1) / (x2 - x1)
		num := new(big.Int).Sub(Q.y, P.y)
		den := c.mod(new(big.Int).Sub(Q.x, P.x))
		lambda = num.Mul(num, den.ModInverse(den, c.p))
	}
	c.mod(lambda)
	x := new(big.Int).Mul(lambda, lambda)
	x.Sub(x, P.x).Sub(x, Q.x)
	c.mod(x)
	y := new(big.Int).Sub(P.x, x)
	y.Mul(y, lambda).Sub(y, P.y)
	c.mod(y)
	return refPoint{x: x, y: y}
}

// mul is double-and-add from the most significant bit; slow and simple.
func (c *refCurve) mul(k *big.Int, P refPoint) refPoint {
	R := refPoint{inf: true}
	for i := k.BitLen() - 1; i >= 0; i-- {
		R = c.add(R, R)
		if k.Bit(i) == 1 {
			R = c.add(R, P)
		}
	}
	return R
}

func (c *refCurve) g() refPoint { return refPoint{x: c.gx, y: c.gy} }

// bytes32 left-pads to the curve's 32-byte element length.
func bytes32(v *big.Int) []byte { return v.FillBytes(make([]byte, 32)) }

func (c *refCurve) za(uid []byte, P refPoint) []byte {
	var pre []byte
	bits := len(uid) * 8
	pre = append(pre, byte(bits>>8), byte(bits))
	pre = append(pre, uid...)
	for _, v := range []*big.Int{c.a, c.b, c.gx, c.gy, P.x, P.y} {
		pre = append(pre, bytes32(v)...)
	}
	z := Sum(pre)
	return z[:]
}

func (c *refCurve) e(uid, msg []byte, P refPoint) *big.Int {
	z := Sum(append(c.za(uid, P), msg...))
	return new(big.Int).SetBytes(z[:])
}

// sign follows §6.1 with a caller-chosen k so that Annex A can be replayed.
func (c *refCurve) sign(d, k *big.Int, uid, msg []byte) (r, s *big.Int) {
	P := c.mul(d, c.g())
	e := c.e(uid, msg, P)
	x1 := c.mul(k, c.g()).x
	r = new(big.Int).Add(e, x1)
	r.Mod(r, c.n)
	inv := new(big.Int).Add(d, big.NewInt(1))
	inv.ModInverse(inv, c.n)
	s = new(big.Int).Mul(r, d)
	s.Sub(k, s).Mul(s, inv).Mod(s, c.n)
	return r, s
}

func (c *refCurve) verify(P refPoint, uid, msg []byte, r, s *big.Int) bool {
	if r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(c.n) >= 0 || s.Cmp(c.n) >= 0 {
		return false
	}
	e := c.e(uid, msg, P)
	t := new(big.Int).Add(r, s)
	t.Mod(t, c.n)
	if t.Sign() == 0 {
		return false
	}
	X := c.add(c.mul(s, c.g()), c.mul(t, P))
	if X.inf {
		return false
	}
	R := new(big.Int).Add(e, X.x)
	return R.Mod(R, c.n).Cmp(r) == 0
}

func hexInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("bad hex " + s)
	}
	return v
}

// testCurve256 is the 256-bit prime-field test curve of GB/T 32918.2
// Annex A (also draft-shen-sm2-ecdsa-02 and OpenSSL's
// test/sm2_internal_test.c, sm2_sig_test).
var testCurve256 = &refCurve{
	p:  hexInt("8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3"),
	a:  hexInt("787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498"),
	b:  hexInt("63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A"),
	gx: hexInt("421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"),
	gy: hexInt("0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2"),
	n:  hexInt("8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7"),
}

// refSM2P256V1 is the recommended curve, from the package's own constants
// (TestCurveParams checks those against both libraries and the standard's
// values).
var refSM2P256V1 = &refCurve{p: curveP, a: curveA, b: curveB, gx: curveGx, gy: curveGy, n: curveN}
