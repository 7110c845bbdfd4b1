//lint:file-ignore SA1019 the differential tests compare the two backends' sm2p256v1 crypto/elliptic.Curve implementations.

package gm

// Differential tests of the production backend (emmansun/gmsm) against the
// tjfoc/gmsm reference (tjfoc_ref_test.go, the code as it was before the
// switch), issue 16: random inputs, signatures made by one backend checked
// by the other, and every input the package refused before still refused,
// the same way, by both.

import (
	"bytes"
	"encoding/asn1"
	"encoding/hex"
	"math/big"
	mrand "math/rand/v2"
	"testing"

	emsm2 "github.com/emmansun/gmsm/sm2"
	tjsm2 "github.com/tjfoc/gmsm/sm2"
)

// diffRand is a reproducible random source for the differential tests.
func diffRand(label string) *mrand.ChaCha8 {
	var seed [32]byte
	copy(seed[:], "pdledger issue 16 "+label)
	return mrand.NewChaCha8(seed)
}

func randBytes(rng *mrand.ChaCha8, n int) []byte {
	b := make([]byte, n)
	rng.Read(b)
	return b
}

// verifyBoth runs both verifiers and fails the test if they disagree.
func verifyBoth(t testing.TB, name string, pub *PublicKey, uid, msg, sig []byte) bool {
	t.Helper()
	got, ref := VerifyWithID(pub, uid, msg, sig), tjfocVerifyWithID(pub, uid, msg, sig)
	if got != ref {
		t.Fatalf("%s: emmansun says %v, tjfoc says %v (uid %x, msg %x, sig %x)", name, got, ref, uid, msg, sig)
	}
	return got
}

func mustRS(t testing.TB, sig []byte) (r, s *big.Int) {
	t.Helper()
	r, s, ok := parseSignature(sig)
	if !ok {
		t.Fatalf("signature %x does not parse", sig)
	}
	return r, s
}

func mustKey(t testing.TB, d *big.Int) *PrivateKey {
	t.Helper()
	k, err := newPrivateKey(d)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func emmansunKey(t testing.TB, priv *PrivateKey) *emsm2.PrivateKey {
	t.Helper()
	k, err := emsm2.NewPrivateKeyFromInt(priv.d)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSM3Differential(t *testing.T) {
	for _, v := range sm3Vectors { // GB/T 32905 Appendix A on the reference too
		if got := tjfocSum([]byte(v.msg)); hex.EncodeToString(got[:]) != v.digest {
			t.Errorf("%s: tjfoc = %x, want %s", v.name, got, v.digest)
		}
	}
	rng := diffRand("sm3")
	var sizes []int
	for n := 0; n <= 200; n++ { // every padding case of the first blocks
		sizes = append(sizes, n)
	}
	for range 40 {
		sizes = append(sizes, int(rng.Uint64()%20000))
	}
	sizes = append(sizes, 1<<16-1, 1<<16, 1<<16+1, 1<<20+55)
	for _, n := range sizes {
		data := randBytes(rng, n)
		got, ref := Sum(data), tjfocSum(data)
		if got != ref {
			t.Fatalf("len %d: Sum = %x, tjfoc %x", n, got, ref)
		}
		h, g := New(), tjfocNew()
		for rest := data; len(rest) > 0; {
			c := min(len(rest), 1+int(rng.Uint64()%300))
			h.Write(rest[:c])
			rest = rest[c:]
		}
		for rest := data; len(rest) > 0; {
			c := min(len(rest), 1+int(rng.Uint64()%5000))
			g.Write(rest[:c])
			rest = rest[c:]
		}
		prefix := randBytes(rng, int(rng.Uint64()%8))
		want := append(bytes.Clone(prefix), ref[:]...)
		if out := h.Sum(bytes.Clone(prefix)); !bytes.Equal(out, want) {
			t.Fatalf("len %d: streaming Sum(prefix) = %x, want %x", n, out, want)
		}
		if out := g.Sum(bytes.Clone(prefix)); !bytes.Equal(out, want) {
			t.Fatalf("len %d: tjfoc streaming Sum(prefix) = %x, want %x", n, out, want)
		}
	}
}

// TestSM2KeyDifferential: [d]G from emmansun (production), tjfoc, emmansun's
// own key constructor and, for a few, the naive reference.
func TestSM2KeyDifferential(t *testing.T) {
	rng := diffRand("keys")
	ds := []*big.Int{
		big.NewInt(1), big.NewInt(2), big.NewInt(3), big.NewInt(65537),
		new(big.Int).Lsh(one, 200), new(big.Int).Sub(curveN, big.NewInt(2)),
		new(big.Int).Sub(curveN, big.NewInt(3)), new(big.Int).Rsh(curveN, 1),
	}
	for range 40 {
		d, _ := randScalar(rng, new(big.Int).Sub(curveN, big.NewInt(2)))
		ds = append(ds, d)
	}
	for i, d := range ds {
		priv := mustKey(t, d)
		tx, ty := tjfocPublicPoint(d)
		if tx.Cmp(priv.pub.x) != 0 || ty.Cmp(priv.pub.y) != 0 {
			t.Fatalf("d=%x: emmansun [d]G = (%x, %x), tjfoc (%x, %x)", d, priv.pub.x, priv.pub.y, tx, ty)
		}
		ek := emmansunKey(t, priv)
		if ek.X.Cmp(priv.pub.x) != 0 || ek.Y.Cmp(priv.pub.y) != 0 {
			t.Fatalf("d=%x: emmansun NewPrivateKeyFromInt disagrees", d)
		}
		if i < 6 {
			P := refSM2P256V1.mul(d, refSM2P256V1.g())
			if P.x.Cmp(priv.pub.x) != 0 || P.y.Cmp(priv.pub.y) != 0 {
				t.Fatalf("d=%x: naive reference disagrees", d)
			}
		}
	}
	// Both libraries refuse d = 0 and d = n-1 as we do.
	for _, d := range []*big.Int{new(big.Int), new(big.Int).Sub(curveN, one), curveN} {
		if _, err := newPrivateKey(d); err == nil {
			t.Errorf("newPrivateKey(%x) accepted", d)
		}
		if _, err := emsm2.NewPrivateKeyFromInt(d); err == nil {
			t.Errorf("emmansun NewPrivateKeyFromInt(%x) accepted", d)
		}
	}
}

// TestSM2SignDifferential: Sign draws its nonce the same way on both
// backends, so the same rand stream must give byte-identical signatures.
func TestSM2SignDifferential(t *testing.T) {
	v := gmt00035
	priv := mustKey(t, hexInt(v.d))
	ref, err := tjfocSignWithID(fixedK(hexInt(v.k)), priv, []byte(DefaultUID), []byte(v.msg))
	if err != nil {
		t.Fatal(err)
	}
	if want := derSigBytes(hexInt(v.r), hexInt(v.s)); !bytes.Equal(ref, want) {
		t.Fatalf("tjfoc reference misses GB/T 32918.5 vector: %x", ref)
	}
	keys := diffRand("sign keys")
	for i := range 24 {
		priv, err := GenerateKey(keys)
		if err != nil {
			t.Fatal(err)
		}
		uid := randBytes(keys, int(keys.Uint64()%40))
		msg := randBytes(keys, int(keys.Uint64()%300))
		seed := [32]byte{byte(i), 's'}
		got, err1 := SignWithID(mrand.NewChaCha8(seed), priv, uid, msg)
		want, err2 := tjfocSignWithID(mrand.NewChaCha8(seed), priv, uid, msg)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("key %d: emmansun signature %x, tjfoc %x", i, got, want)
		}
	}
}

// TestSM2VerifyDifferentialRandom signs random messages under random keys
// and user IDs with four signers (this package on either backend and each
// library's own signer) and checks every signature with this package on
// both backends and with both libraries' own verifiers; tampered messages,
// signatures, IDs and keys are refused by both.
func TestSM2VerifyDifferentialRandom(t *testing.T) {
	rng := diffRand("verify")
	iters := 16
	if testing.Short() {
		iters = 6
	}
	highS := 0
	half := new(big.Int).Rsh(curveN, 1)
	for i := range iters {
		priv, err := GenerateKey(rng)
		if err != nil {
			t.Fatal(err)
		}
		pub := priv.Public()
		var uid []byte
		switch i % 4 {
		case 0: // empty: the empty ID, not the default
		case 1:
			uid = []byte(DefaultUID)
		case 2:
			uid = randBytes(rng, 1+int(rng.Uint64()%100))
		case 3:
			uid = randBytes(rng, 1+int(rng.Uint64()%MaxUIDLen))
		}
		msg := randBytes(rng, int(rng.Uint64()%600))
		e, err := messageDigest(pub, uid, msg)
		if err != nil {
			t.Fatal(err)
		}
		tjKey, emKey := tjfocKey(priv), emmansunKey(t, priv)

		sigs := map[string][]byte{}
		if sigs["gm/emmansun"], err = SignWithID(rng, priv, uid, msg); err != nil {
			t.Fatal(err)
		}
		if sigs["gm/tjfoc"], err = tjfocSignWithID(rng, priv, uid, msg); err != nil {
			t.Fatal(err)
		}
		if sigs["emmansun"], err = emsm2.SignASN1(rng, emKey, e[:], nil); err != nil {
			t.Fatal(err)
		}
		if len(uid) > 0 { // both libraries put the default ID in for an empty one
			r, s, err := tjsm2.Sm2Sign(tjKey, msg, uid, rng)
			if err != nil {
				t.Fatal(err)
			}
			sigs["tjfoc"] = derSigBytes(r, s)
			if sigs["emmansun/msg"], err = emsm2.SignASN1(rng, emKey, msg, emsm2.NewSM2SignerOption(true, uid)); err != nil {
				t.Fatal(err)
			}
		}
		for signer, sig := range sigs {
			name := signer + " signature"
			if !verifyBoth(t, name, pub, uid, msg, sig) {
				t.Fatalf("key %d: %s refused", i, name)
			}
			r, s := mustRS(t, sig)
			if s.Cmp(half) > 0 {
				highS++ // SM2 has no low-s rule: high s is as valid as low s
			}
			if !emsm2.VerifyASN1(pub.ecdsaKey(), e[:], sig) {
				t.Fatalf("key %d: emmansun VerifyASN1 refuses %s", i, name)
			}
			if len(uid) > 0 {
				if !tjsm2.Sm2Verify(&tjKey.PublicKey, msg, uid, r, s) {
					t.Fatalf("key %d: tjfoc Sm2Verify refuses %s", i, name)
				}
				if !emsm2.VerifyASN1WithSM2(pub.ecdsaKey(), uid, msg, sig) {
					t.Fatalf("key %d: emmansun VerifyASN1WithSM2 refuses %s", i, name)
				}
			}

			// Tampering: each must be refused by both backends.
			bit := func(b []byte) []byte {
				c := bytes.Clone(b)
				j := int(rng.Uint64() % uint64(len(c)))
				c[j] ^= 1 << (rng.Uint64() % 8)
				return c
			}
			if len(msg) > 0 && verifyBoth(t, name+", message bit flipped", pub, uid, bit(msg), sig) {
				t.Fatal("tampered message accepted")
			}
			if verifyBoth(t, name+", message extended", pub, uid, append(bytes.Clone(msg), 0), sig) {
				t.Fatal("extended message accepted")
			}
			if verifyBoth(t, name+", signature bit flipped", pub, uid, msg, bit(sig)) {
				t.Fatal("tampered signature accepted")
			}
			if verifyBoth(t, name+", uid extended", pub, append(bytes.Clone(uid), 'x'), msg, sig) {
				t.Fatal("other uid accepted")
			}
			if verifyBoth(t, name+", ECDSA-style (r, n-s)", pub, uid, msg, derSigBytes(r, new(big.Int).Sub(curveN, s))) {
				t.Fatal("(r, n-s) accepted")
			}
			if verifyBoth(t, name+", s+n", pub, uid, msg, derSigBytes(r, new(big.Int).Add(s, curveN))) {
				t.Fatal("s+n accepted")
			}
		}
		other := mustKey(t, new(big.Int).Add(priv.d, one))
		if verifyBoth(t, "other key", other.Public(), uid, msg, sigs["gm/emmansun"]) {
			t.Fatal("other key accepted")
		}
	}
	if highS == 0 {
		t.Fatal("no signature with s > n/2 was produced; the high-s case went untested")
	}
}

// malformedSignatures returns encodings of the valid signature (r, s) and
// its neighbours that the package has always refused: every one is either
// not canonical DER or outside 1 <= r, s < n, or fails B5-B7.
func malformedSignatures(r, s *big.Int) []struct {
	name string
	sig  []byte
} {
	der := derSigBytes(r, s)
	intTLV := func(v *big.Int) []byte { b, _ := asn1.Marshal(v); return b }
	seq := func(parts ...[]byte) []byte { // DER SEQUENCE of the parts
		body := bytes.Join(parts, nil)
		if len(body) < 0x80 {
			return append([]byte{0x30, byte(len(body))}, body...)
		}
		return append([]byte{0x30, 0x81, byte(len(body))}, body...)
	}
	rT, sT := intTLV(r), intTLV(s)
	// r with one more leading zero byte than DER allows.
	rPadded := append([]byte{0x02, rT[1] + 1, 0}, rT[2:]...)
	// r's magnitude bytes without the sign pad (negative if the top bit is
	// set), or with the top bit forced (negative) otherwise.
	rMag := fixed(r)
	rNeg := append([]byte{0x02, 32}, rMag...)
	rNeg[2] |= 0x80
	longLen := append([]byte{0x30, 0x81, byte(len(der) - 2)}, der[2:]...)
	intLong := seq(append([]byte{0x02, 0x81, rT[1]}, rT[2:]...), sT)
	indefinite := append(append([]byte{0x30, 0x80}, der[2:]...), 0, 0)
	twoPow256 := new(big.Int).Lsh(one, 256)
	cases := []struct {
		name string
		sig  []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"garbage", []byte("not a signature")},
		{"empty SEQUENCE", []byte{0x30, 0x00}},
		{"only r", seq(rT)},
		{"three INTEGERs", seq(rT, sT, intTLV(one))},
		{"truncated", der[:len(der)-1]},
		{"trailing zero byte", append(bytes.Clone(der), 0)},
		{"trailing junk", append(bytes.Clone(der), 0xde, 0xad)},
		{"two signatures", append(bytes.Clone(der), der...)},
		{"BER long-form SEQUENCE length", longLen},
		{"BER long-form INTEGER length", intLong},
		{"BER indefinite length", indefinite},
		{"non-minimal INTEGER (extra 00)", seq(rPadded, sT)},
		{"r negative", seq(rNeg, sT)},
		{"SET instead of SEQUENCE", append([]byte{0x31}, der[1:]...)},
		{"OCTET STRING r", seq(append([]byte{0x04}, rT[1:]...), sT)},
		{"SEQUENCE in SEQUENCE", seq(der)},
		{"r, s swapped", derSigBytes(s, r)},
		{"r=0", derSigBytes(new(big.Int), s)},
		{"s=0", derSigBytes(r, new(big.Int))},
		{"r=-r", derSigBytes(new(big.Int).Neg(r), s)},
		{"s=-s", derSigBytes(r, new(big.Int).Neg(s))},
		{"r=n", derSigBytes(curveN, s)},
		{"s=n", derSigBytes(r, curveN)},
		{"r+n", derSigBytes(new(big.Int).Add(r, curveN), s)},
		{"s+n (high s, out of range)", derSigBytes(r, new(big.Int).Add(s, curveN))},
		{"r=2^256", derSigBytes(twoPow256, s)},
		{"s=2^256-1", derSigBytes(r, new(big.Int).Sub(twoPow256, one))},
		{"r=p", derSigBytes(curveP, s)},
		{"r+s=n (t=0)", derSigBytes(r, new(big.Int).Sub(curveN, r))},
		{"(r, n-s)", derSigBytes(r, new(big.Int).Sub(curveN, s))},
		{"r+1", derSigBytes(new(big.Int).Add(r, one), s)},
		{"s+1", derSigBytes(r, new(big.Int).Add(s, one))},
		{"r=1, s=1", derSigBytes(one, one)},
		{"r=n-1, s=n-1", derSigBytes(new(big.Int).Sub(curveN, one), new(big.Int).Sub(curveN, one))},
		{"huge INTEGER", seq(append([]byte{0x02, 0x7f, 0x01}, make([]byte, 126)...), sT)},
	}
	return cases
}

// TestSM2VerifyMalformedDifferential pins what was refused before the switch:
// each case is refused by the package on both backends (the same decision,
// and the expected one), on the GB/T 32918.5 vector and on the OpenSSL one.
// It also records, for the report, what each library's own verifier makes
// of the same bytes without this package's checks in front.
func TestSM2VerifyMalformedDifferential(t *testing.T) {
	v := gmt00035
	gmtKey := mustKey(t, hexInt(v.d))
	osslPub, err := ParsePublicKey(opensslPubHex)
	if err != nil {
		t.Fatal(err)
	}
	for _, vec := range []struct {
		name string
		pub  *PublicKey
		uid  []byte
		msg  string
		sig  []byte
	}{
		{"GB/T 32918.5", gmtKey.Public(), []byte(DefaultUID), v.msg, derSigBytes(hexInt(v.r), hexInt(v.s))},
		{"OpenSSL default ID", osslPub, []byte(DefaultUID), opensslMsg, mustDecodeHex(t, opensslSigDefault)},
		{"OpenSSL empty ID", osslPub, nil, opensslMsg, mustDecodeHex(t, opensslSigEmptyUID)},
	} {
		msg := []byte(vec.msg)
		if !verifyBoth(t, vec.name, vec.pub, vec.uid, msg, vec.sig) {
			t.Fatalf("%s: the valid vector is refused", vec.name)
		}
		r, s := mustRS(t, vec.sig)
		e, _ := messageDigest(vec.pub, vec.uid, msg)
		tjPub := &tjsm2.PublicKey{Curve: tjfocCurve(), X: vec.pub.x, Y: vec.pub.y}
		for _, c := range malformedSignatures(r, s) {
			name := vec.name + ", " + c.name
			if verifyBoth(t, name, vec.pub, vec.uid, msg, c.sig) {
				t.Errorf("%s: accepted", name)
			}
			// Without the package's strict parse in front: emmansun's own
			// DER parser is as strict; tjfoc's is not (see the report).
			if emsm2.VerifyASN1(vec.pub.ecdsaKey(), e[:], c.sig) {
				t.Errorf("%s: emmansun VerifyASN1 alone accepts it", name)
			}
			if len(vec.uid) > 0 && tjPub.Verify(msg, c.sig) {
				t.Logf("%s: tjfoc's own Verify accepts it", name)
			}
		}
		// Valid signature, over-long user ID: refused before hashing.
		long := make([]byte, MaxUIDLen+1)
		if verifyBoth(t, vec.name+", uid too long", vec.pub, long, msg, vec.sig) {
			t.Error("over-long uid accepted")
		}
	}
}

// TestSM2VerifyDigestDifferential works at the level of B5–B7 with a chosen
// digest e, which lets it build signatures that are valid for corner cases
// no hash output can be steered into: [s]G = [t]PA (the doubling tjfoc's Add
// gets wrong), [s]G = -[t]PA (the point at infinity), e >= n, and r+s = n.
func TestSM2VerifyDigestDifferential(t *testing.T) {
	rng := diffRand("digest")
	c := refSM2P256V1
	for i := range 12 {
		priv, err := GenerateKey(rng)
		if err != nil {
			t.Fatal(err)
		}
		pub, d := priv.Public(), priv.d
		P := refPoint{x: pub.x, y: pub.y}
		randN := func() *big.Int { k, _ := randScalar(rng, new(big.Int).Sub(curveN, one)); return k }
		mod := func(v *big.Int) *big.Int { return v.Mod(v, curveN) }

		// check runs both B5–B7 implementations on (e, r, s) and wants ok.
		check := func(name string, e, r, s *big.Int, want bool) {
			t.Helper()
			sig := derSigBytes(r, s)
			gated := func() bool {
				if _, _, ok := parseSignature(sig); !ok {
					return false
				}
				eb := e.FillBytes(make([]byte, 32))
				return verifyDigest(pub, eb, sig)
			}()
			ref := false
			if rr, ss, ok := parseSignature(sig); ok {
				ref = tjfocVerifyDigest(pub, new(big.Int).Set(e), rr, ss)
			}
			if gated != ref || gated != want {
				t.Fatalf("key %d, %s: emmansun %v, tjfoc %v, want %v", i, name, gated, ref, want)
			}
		}
		// forge returns (e, r) making (r, s) valid for [s]G + [t]P = X, t = r+s.
		forge := func(s, tt *big.Int) (e, r *big.Int) {
			X := c.add(c.mul(s, c.g()), c.mul(tt, P))
			r = mod(new(big.Int).Sub(tt, s))
			e = mod(new(big.Int).Sub(r, X.x))
			return e, r
		}

		s, tt := randN(), randN()
		e, r := forge(s, tt)
		check("random forged", e, r, s, true)
		check("random forged, e+1", new(big.Int).Add(e, one), r, s, false)
		if eN := new(big.Int).Add(e, curveN); eN.BitLen() <= 256 {
			check("random forged, e+n (digest >= n)", eN, r, s, true)
		}
		check("digest 2^256-1, random r, s", new(big.Int).Sub(new(big.Int).Lsh(one, 256), one), randN(), randN(), false)

		// [s]G = [t]P: s = t·d, so the sum is a doubling.
		tt = randN()
		s = mod(new(big.Int).Mul(tt, d))
		e, r = forge(s, tt)
		if r.Sign() != 0 {
			check("[s]G = [t]P (doubling)", e, r, s, true)
		}
		// [s]G = -[t]P: s = -t·d, the sum is the point at infinity; whatever
		// r and e, it must be refused.
		tt = randN()
		s = mod(new(big.Int).Neg(new(big.Int).Mul(tt, d)))
		r = mod(new(big.Int).Sub(tt, s))
		if r.Sign() != 0 && s.Sign() != 0 {
			for _, e := range []*big.Int{new(big.Int), r, randN()} {
				check("[s]G + [t]P = O", e, r, s, false)
			}
		}
		// r + s = n (t = 0) is refused even with an e that would fit.
		s = randN()
		r = new(big.Int).Sub(curveN, s)
		sx := c.mul(s, c.g()).x
		check("t = 0", mod(new(big.Int).Sub(r, sx)), r, s, false)
	}
}

// TestSM2VerifyInvalidKeyDifferential: keys that ParsePublicKey never
// returns (off the curve, unreduced, the point at infinity) cannot reach
// Verify through the API, but Verify must still refuse them rather than
// compute with them. The tjfoc reference computed with them; emmansun
// rebuilds and validates the point first.
func TestSM2VerifyInvalidKeyDifferential(t *testing.T) {
	v := gmt00035
	priv := mustKey(t, hexInt(v.d))
	msg := []byte(v.msg)
	sig := derSigBytes(hexInt(v.r), hexInt(v.s))
	sx, sy := smallXPoint(t)
	rng := diffRand("keys off curve")
	s := hexInt(v.s)

	for _, k := range []struct {
		name string
		pub  *PublicKey
	}{
		{"nil", nil},
		{"zero value", &PublicKey{}},
		{"(0, 0)", &PublicKey{x: new(big.Int), y: new(big.Int)}},
		{"off curve (y+1)", &PublicKey{x: priv.pub.x, y: new(big.Int).Add(priv.pub.y, one)}},
		{"unreduced x+p", &PublicKey{x: new(big.Int).Add(sx, curveP), y: sy}},
		{"negative y", &PublicKey{x: priv.pub.x, y: new(big.Int).Neg(priv.pub.y)}},
		{"random", &PublicKey{x: new(big.Int).SetBytes(randBytes(rng, 32)), y: new(big.Int).SetBytes(randBytes(rng, 32))}},
	} {
		if VerifyWithID(k.pub, []byte(DefaultUID), msg, sig) {
			t.Errorf("%s key: emmansun accepts", k.name)
		}
		if k.pub == nil || k.pub.x == nil {
			if tjfocVerifyWithID(k.pub, []byte(DefaultUID), msg, sig) {
				t.Errorf("%s key: tjfoc accepts", k.name)
			}
			continue
		}
		// A signature forged for this "key" as if it were the point at
		// infinity: [s]G alone must give R = r.
		e, err := messageRepresentative(k.pub, []byte(DefaultUID), msg)
		if err != nil {
			t.Fatal(err)
		}
		x1 := refSM2P256V1.mul(s, refSM2P256V1.g()).x
		r := new(big.Int).Add(e, x1)
		r.Mod(r, curveN)
		forged := derSigBytes(r, s)
		if VerifyWithID(k.pub, []byte(DefaultUID), msg, forged) {
			t.Errorf("%s key: emmansun accepts a forgery", k.name)
		}
		if tjfocVerifyWithID(k.pub, []byte(DefaultUID), msg, forged) {
			t.Logf("%s key: the tjfoc reference accepts a forgery made as if the key were the point at infinity", k.name)
		}
	}
}

// FuzzSM2VerifyDifferential checks that both backends make the same
// decision on arbitrary (key, uid, message, signature) and that only
// canonical signatures are ever accepted. The seed corpus is in
// testdata/fuzz/FuzzSM2VerifyDifferential; run with
//
//	go test -run '^$' -fuzz FuzzSM2VerifyDifferential ./chaincode/gm/
func FuzzSM2VerifyDifferential(f *testing.F) {
	keys := fuzzKeys(f)
	v := gmt00035
	f.Add(uint8(0), []byte(DefaultUID), []byte(v.msg), derSigBytes(hexInt(v.r), hexInt(v.s)))
	f.Add(uint8(1), []byte{}, []byte(opensslMsg), mustDecodeHex(f, opensslSigEmptyUID))
	f.Fuzz(func(t *testing.T, key uint8, uid, msg, sig []byte) {
		pub := keys[int(key)%len(keys)]
		got := verifyBoth(t, "fuzz", pub, uid, msg, sig)
		if !got {
			return
		}
		if _, _, ok := parseSignature(sig); !ok {
			t.Fatalf("non-canonical signature %x accepted", sig)
		}
		if canon := derSigBytes(mustRS(t, sig)); !bytes.Equal(canon, sig) {
			t.Fatalf("accepted %x, canonical form is %x", sig, canon)
		}
	})
}

// fuzzKeys are the public keys the fuzz target's key byte selects from:
// the GB/T 32918.5 key, the OpenSSL interop key, G itself (d = 1) and
// -G (d = n-1 is not a valid private key, but its point is a valid public
// key, so it is built by negating G).
func fuzzKeys(t testing.TB) []*PublicKey {
	t.Helper()
	osslPub, err := ParsePublicKey(opensslPubHex)
	if err != nil {
		t.Fatal(err)
	}
	negG := append(append([]byte{4}, fixed(curveGx)...), fixed(new(big.Int).Sub(curveP, curveGy))...)
	minusG, err := parsePoint(negG)
	if err != nil {
		t.Fatal(err)
	}
	return []*PublicKey{
		mustKey(t, hexInt(gmt00035.d)).Public(),
		osslPub,
		mustKey(t, one).Public(),
		minusG,
	}
}
