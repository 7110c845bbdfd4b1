package gm

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"strings"
	"testing"
)

// fixedK is an io.Reader that makes randScalar(·, n-1) return k: it yields
// 8 zero bytes then k-1 as 32 bytes, which reduces to k-1 and gets +1.
func fixedK(k *big.Int) io.Reader {
	buf := make([]byte, 40)
	new(big.Int).Sub(k, one).FillBytes(buf[8:])
	return bytes.NewReader(buf)
}

func derSig(t testing.TB, r, s *big.Int) []byte {
	t.Helper()
	b, err := asn1.Marshal(sm2Signature{r, s})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCurveParams(t *testing.T) {
	for backend, c := range map[string]elliptic.Curve{"emmansun": curve(), "tjfoc": tjfocCurve()} {
		p := c.Params()
		for name, pair := range map[string][2]*big.Int{
			"P": {p.P, curveP}, "N": {p.N, curveN}, "B": {p.B, curveB}, "Gx": {p.Gx, curveGx}, "Gy": {p.Gy, curveGy},
		} {
			if pair[0].Cmp(pair[1]) != 0 {
				t.Errorf("%s %s = %x, GB/T 32918.5 says %x", backend, name, pair[0], pair[1])
			}
		}
	}
	if new(big.Int).Sub(curveP, big.NewInt(3)).Cmp(curveA) != 0 {
		t.Error("a != p-3")
	}
	if !onCurve(curveGx, curveGy) {
		t.Error("G is not on the curve")
	}
	if !refSM2P256V1.mul(curveN, refSM2P256V1.g()).inf {
		t.Error("[n]G is not the point at infinity")
	}
}

// GB/T 32918.2-2016 Annex A.2 on the 256-bit test curve, replayed with the
// reference implementation (the production code is bound to sm2p256v1).
// Values as printed in the standard and in OpenSSL's
// test/sm2_internal_test.c (sm2_sig_test, "From draft-shen-sm2-ecdsa-02").
func TestSM2AnnexATestCurve(t *testing.T) {
	c := testCurve256
	uid := []byte("ALICE123@YAHOO.COM")
	msg := []byte("message digest")
	d := hexInt("128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263")
	k := hexInt("6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F")
	wantX := hexInt("0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A")
	wantY := hexInt("7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857")
	wantZA := "f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a"
	wantE := hexInt("B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76")
	wantR := hexInt("40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1")
	wantS := hexInt("6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7")

	P := c.mul(d, c.g())
	if P.x.Cmp(wantX) != 0 || P.y.Cmp(wantY) != 0 {
		t.Fatalf("public key = (%X, %X)", P.x, P.y)
	}
	if z := hex.EncodeToString(c.za(uid, P)); z != wantZA {
		t.Fatalf("ZA = %s, want %s", z, wantZA)
	}
	if e := c.e(uid, msg, P); e.Cmp(wantE) != 0 {
		t.Fatalf("e = %X", e)
	}
	r, s := c.sign(d, k, uid, msg)
	if r.Cmp(wantR) != 0 || s.Cmp(wantS) != 0 {
		t.Fatalf("signature = (%X, %X)", r, s)
	}
	if !c.verify(P, uid, msg, r, s) {
		t.Fatal("reference verify rejected the Annex A signature")
	}
	if c.verify(P, uid, []byte("message digesT"), r, s) || c.verify(P, []byte("ALICE123@YAHOO.CN"), msg, r, s) {
		t.Fatal("reference verify accepted a wrong message or ID")
	}
}

// The sm2p256v1 example of GM/T 0003.5-2012 / GB/T 32918.5-2017 Annex A,
// as used by OpenSSL's test/sm2_internal_test.c (sm2_sig_test, gm_group).
// It exercises the production Sign (with k forced), Verify and key code.
var gmt00035 = struct {
	d, k, x, y, e, r, s, msg string
}{
	d:   "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8",
	k:   "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21",
	x:   "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020",
	y:   "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13",
	e:   "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640",
	r:   "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3",
	s:   "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA",
	msg: "message digest",
}

func TestSM2GMT00035Vector(t *testing.T) {
	v := gmt00035
	msg := []byte(v.msg)
	priv, err := newPrivateKey(hexInt(v.d))
	if err != nil {
		t.Fatal(err)
	}
	pub := priv.Public()
	if got, want := pub.EncodeHex(), strings.ToLower("04"+v.x+v.y); got != want {
		t.Fatalf("public key = %s, want %s", got, want)
	}
	e, err := messageRepresentative(pub, []byte(DefaultUID), msg)
	if err != nil || e.Cmp(hexInt(v.e)) != 0 {
		t.Fatalf("e = %X, %v", e, err)
	}
	want := derSig(t, hexInt(v.r), hexInt(v.s))
	sig, err := Sign(fixedK(hexInt(v.k)), priv, msg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sig, want) {
		t.Fatalf("Sign = %x, want %x", sig, want)
	}
	if !Verify(pub, msg, want) {
		t.Fatal("Verify rejected the GM/T 0003.5 signature")
	}
	// The reference agrees on the recommended curve too.
	c := refSM2P256V1
	if r, s := c.sign(hexInt(v.d), hexInt(v.k), []byte(DefaultUID), msg); r.Cmp(hexInt(v.r)) != 0 || s.Cmp(hexInt(v.s)) != 0 {
		t.Fatalf("reference signature = (%X, %X)", r, s)
	}
	// A parsed key behaves like the derived one.
	parsed, err := ParsePublicKey("04" + v.x + v.y)
	if err != nil || !parsed.Equal(pub) || !Verify(parsed, msg, want) {
		t.Fatalf("ParsePublicKey: %v", err)
	}
}

// An interoperability vector made with OpenSSL 3.0.19 for this test suite:
//
//	openssl genpkey -algorithm SM2 -out key.pem
//	openssl pkey -in key.pem -pubout -out pub.pem
//	openssl ec -in key.pem -out sec1.pem
//	printf 'PDLedger interop vector' > msg
//	openssl dgst -sm3 -sign key.pem -sigopt distid:1234567812345678 -out sig.der msg
//	openssl dgst -sm3 -sign key.pem -out sig0.der msg   # OpenSSL 3 default: empty ID
const (
	opensslKeyPEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg2bPjKaVGoYGhSlzU
zwiOZMajE9yMd747K60UzKEEElihRANCAARB0Mn4lzIumC73SLK3o5mdRQmGUZj5
QE7WE3BAk5KaB0zT/PaDcyXSykea/y/g3UOh5SDWk9PXdIgrYrb4KqTB
-----END PRIVATE KEY-----
`
	opensslPubPEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEQdDJ+JcyLpgu90iyt6OZnUUJhlGY
+UBO1hNwQJOSmgdM0/z2g3Ml0spHmv8v4N1DoeUg1pPT13SIK2K2+CqkwQ==
-----END PUBLIC KEY-----
`
	opensslSEC1PEM = `-----BEGIN SM2 PRIVATE KEY-----
MHcCAQEEINmz4ymlRqGBoUpc1M8IjmTGoxPcjHe+OyutFMyhBBJYoAoGCCqBHM9V
AYItoUQDQgAEQdDJ+JcyLpgu90iyt6OZnUUJhlGY+UBO1hNwQJOSmgdM0/z2g3Ml
0spHmv8v4N1DoeUg1pPT13SIK2K2+CqkwQ==
-----END SM2 PRIVATE KEY-----
`
	opensslPubHex = "0441d0c9f897322e982ef748b2b7a3999d4509865198f9404ed613704093929a07" +
		"4cd3fcf6837325d2ca479aff2fe0dd43a1e520d693d3d774882b62b6f82aa4c1"
	opensslMsg         = "PDLedger interop vector"
	opensslSigDefault  = "304402207dfc68384b670ea1a0757398ed08a1330eafe7b50ba693a26927aa780eb40078022055c17cce48d4ee9d0ae595585b64f7e451163e7a3f6b6bed26f0e04cd1e8823e"
	opensslSigEmptyUID = "3046022100b3697f0f96bf82fb9f6abfcb10029a0a299553dd1b243e045278deeb867116ee02210094dd55b48919860f033f25ef24e26d2f4a4cd886791d7635cedb16e1121749dc"
)

func TestSM2OpenSSLInterop(t *testing.T) {
	priv, err := ParsePrivateKeyPEM([]byte(opensslKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	out, err := MarshalPrivateKeyPEM(priv)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != opensslKeyPEM {
		t.Errorf("MarshalPrivateKeyPEM is not byte-identical to OpenSSL's:\n%s", out)
	}
	sec1, err := ParsePrivateKeyPEM([]byte(opensslSEC1PEM))
	if err != nil {
		t.Fatal(err)
	}
	if sec1.d.Cmp(priv.d) != 0 {
		t.Error("SEC1 and PKCS #8 files decode to different scalars")
	}

	pub, err := ParsePublicKey(opensslPubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(priv.Public()) {
		t.Fatal("public PEM does not match the private key")
	}
	if got := pub.EncodePEM(); got != opensslPubPEM {
		t.Errorf("EncodePEM is not byte-identical to OpenSSL's:\n%s", got)
	}
	if got := pub.EncodeHex(); got != opensslPubHex {
		t.Errorf("EncodeHex = %s", got)
	}
	msg := []byte(opensslMsg)
	sig := mustDecodeHex(t, opensslSigDefault)
	sig0 := mustDecodeHex(t, opensslSigEmptyUID)
	if !Verify(pub, msg, sig) {
		t.Error("Verify rejected OpenSSL's signature with distid 1234567812345678")
	}
	if !VerifyWithID(pub, nil, msg, sig0) {
		t.Error("VerifyWithID(empty) rejected OpenSSL's empty-ID signature")
	}
	if Verify(pub, msg, sig0) || VerifyWithID(pub, nil, msg, sig) {
		t.Error("a signature verified under the other user ID")
	}
}

func TestSM2SignVerify(t *testing.T) {
	priv, err := GenerateKey(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := priv.Public()
	other, _ := GenerateKey(nil)
	msg := []byte("授权运营 audit record #42")
	sig, err := Sign(crand.Reader, priv, msg)
	if err != nil {
		t.Fatal(err)
	}
	if !Verify(pub, msg, sig) {
		t.Fatal("round trip failed")
	}
	if Verify(pub, append(bytes.Clone(msg), 0), sig) || Verify(pub, msg[1:], sig) || Verify(pub, nil, sig) {
		t.Error("tampered message accepted")
	}
	if VerifyWithID(pub, []byte("1234567812345679"), msg, sig) || VerifyWithID(pub, nil, msg, sig) {
		t.Error("wrong user ID accepted")
	}
	if Verify(other.Public(), msg, sig) {
		t.Error("wrong public key accepted")
	}
	for i := range sig {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(sig)
			bad[i] ^= bit
			if Verify(pub, msg, bad) {
				t.Errorf("signature with byte %d ^ %#x accepted", i, bit)
			}
		}
	}
	for name, bad := range map[string][]byte{
		"nil":       nil,
		"empty":     {},
		"truncated": sig[:len(sig)-1],
		"trailing":  append(bytes.Clone(sig), 0),
		"garbage":   []byte("not a signature"),
	} {
		if Verify(pub, msg, bad) {
			t.Errorf("%s signature accepted", name)
		}
	}
	// Out-of-range and non-canonical (r, s) are rejected before any math.
	var v sm2Signature
	if _, err := asn1.Unmarshal(sig, &v); err != nil {
		t.Fatal(err)
	}
	nPlusS := new(big.Int).Add(v.S, curveN)
	for name, rs := range map[string][2]*big.Int{
		"r=0":   {big.NewInt(0), v.S},
		"s=0":   {v.R, big.NewInt(0)},
		"r<0":   {new(big.Int).Neg(v.R), v.S},
		"r=n":   {curveN, v.S},
		"s+n":   {v.R, nPlusS},
		"r+s=n": {v.R, new(big.Int).Sub(curveN, v.R)},
	} {
		if Verify(pub, msg, derSig(t, rs[0], rs[1])) {
			t.Errorf("%s accepted", name)
		}
	}
	// A BER long-form length for the same (r, s) must not verify.
	ber := append([]byte{0x30, 0x81, byte(len(sig) - 2)}, sig[2:]...)
	if Verify(pub, msg, ber) {
		t.Error("BER-encoded signature accepted")
	}
	if Verify(nil, msg, sig) || Verify(&PublicKey{}, msg, sig) {
		t.Error("nil or zero public key accepted")
	}
	// Signing is randomised; both signatures verify.
	sig2, _ := Sign(nil, priv, msg)
	if bytes.Equal(sig, sig2) || !Verify(pub, msg, sig2) {
		t.Error("second signature identical or invalid")
	}
}

// TestSM2CrossCheckReference pits the production code (emmansun's optimised
// arithmetic) against the naive reference on random keys, in both
// directions, so a wrong scalar multiplication cannot hide behind a
// round-trip test.
func TestSM2CrossCheckReference(t *testing.T) {
	c := refSM2P256V1
	rng := mrand.NewChaCha8([32]byte{'p', 'd', 'l'}) // reproducible keys and nonces
	for i := range 6 {
		priv, err := GenerateKey(rng)
		if err != nil {
			t.Fatal(err)
		}
		P := c.mul(priv.d, c.g())
		if P.x.Cmp(priv.pub.x) != 0 || P.y.Cmp(priv.pub.y) != 0 {
			t.Fatalf("key %d: public point differs from reference", i)
		}
		msg := []byte{byte(i), 'm'}
		uid := bytes.Repeat([]byte{'u'}, i*3)
		sig, err := SignWithID(rng, priv, uid, msg)
		if err != nil {
			t.Fatal(err)
		}
		r, s, ok := parseSignature(sig)
		if !ok || !c.verify(P, uid, msg, r, s) {
			t.Fatalf("key %d: reference rejects production signature", i)
		}
		k, _ := randScalar(rng, new(big.Int).Sub(curveN, one))
		r, s = c.sign(priv.d, k, uid, msg)
		if !VerifyWithID(priv.Public(), uid, msg, derSig(t, r, s)) {
			t.Fatalf("key %d: production rejects reference signature", i)
		}
	}
}

// TestAddPointsDoubling covers the P+P and P+(-P) cases that tjfoc's Add
// mishandles and that the tjfoc reference verifier therefore routes around
// (TestSM2VerifyDigestDifferential checks emmansun on the same cases).
func TestAddPointsDoubling(t *testing.T) {
	c := refSM2P256V1
	x, y, ok := addPoints(curveGx, curveGy, curveGx, curveGy)
	want := c.add(c.g(), c.g())
	if !ok || x.Cmp(want.x) != 0 || y.Cmp(want.y) != 0 {
		t.Fatalf("G+G = (%x, %x, %v), want 2G", x, y, ok)
	}
	negY := new(big.Int).Sub(curveP, curveGy)
	if _, _, ok := addPoints(curveGx, curveGy, curveGx, negY); ok {
		t.Fatal("G + (-G) is not the point at infinity")
	}
	three := c.add(want, c.g())
	x, y, ok = addPoints(want.x, want.y, curveGx, curveGy)
	if !ok || x.Cmp(three.x) != 0 || y.Cmp(three.y) != 0 {
		t.Fatal("2G+G != 3G")
	}
}

func TestPrivateKeyPEMRoundTrip(t *testing.T) {
	var keys []*PrivateKey
	for _, d := range []*big.Int{
		big.NewInt(1),
		big.NewInt(65537),                       // three-byte scalar: needs padding
		new(big.Int).Lsh(big.NewInt(1), 200),    // leading zero bytes
		new(big.Int).Sub(curveN, big.NewInt(2)), // largest allowed
	} {
		k, err := newPrivateKey(d)
		if err != nil {
			t.Fatalf("newPrivateKey(%x): %v", d, err)
		}
		keys = append(keys, k)
	}
	for range 20 {
		k, err := GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	for _, k := range keys {
		out, err := MarshalPrivateKeyPEM(k)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePrivateKeyPEM(out)
		if err != nil {
			t.Fatalf("parse %s: %v", out, err)
		}
		if back.d.Cmp(k.d) != 0 || !back.Public().Equal(k.Public()) {
			t.Fatalf("round trip changed key %x", k.d)
		}
		again, _ := MarshalPrivateKeyPEM(back)
		if !bytes.Equal(again, out) {
			t.Fatal("re-marshal is not stable")
		}
		// The scalar is always the fixed 32 bytes RFC 5915 requires.
		block, _ := pem.Decode(out)
		var p8 pkcs8
		var ec ecPrivateKey
		if _, err := asn1.Unmarshal(block.Bytes, &p8); err != nil {
			t.Fatal(err)
		}
		if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil || len(ec.PrivateKey) != 32 {
			t.Fatalf("inner scalar is %d bytes (%v)", len(ec.PrivateKey), err)
		}
		pubBack, err := ParsePublicKey(k.Public().EncodePEM())
		if err != nil || !pubBack.Equal(k.Public()) {
			t.Fatalf("public PEM round trip: %v", err)
		}
		pubBack, err = ParsePublicKey(strings.ToUpper(k.Public().EncodeHex()))
		if err != nil || !pubBack.Equal(k.Public()) {
			t.Fatalf("public hex round trip: %v", err)
		}
	}
}

// pemOf wraps DER in a PEM block of the given type.
func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// smallXPoint finds a point whose x is so small that x+p still fits in 32
// bytes, i.e. one with a non-reduced alias encoding.
func smallXPoint(t testing.TB) (x, y *big.Int) {
	exp := new(big.Int).Add(curveP, one)
	exp.Rsh(exp, 2) // p ≡ 3 (mod 4): sqrt(v) = v^((p+1)/4)
	for i := int64(1); i < 100; i++ {
		x = big.NewInt(i)
		rhs := new(big.Int).Mul(x, x)
		rhs.Add(rhs, curveA).Mul(rhs, x).Add(rhs, curveB).Mod(rhs, curveP)
		y = new(big.Int).Exp(rhs, exp, curveP)
		if onCurve(x, y) {
			return x, y
		}
	}
	t.Fatal("no small-x point found")
	return nil, nil
}

func TestParsePublicKeyErrors(t *testing.T) {
	good := opensslPubHex
	offCurve := good[:128] + "c2" // y+1
	sx, sy := smallXPoint(t)
	aliasX := hex.EncodeToString(append(append([]byte{4}, fixed(new(big.Int).Add(sx, curveP))...), fixed(sy)...))
	if _, err := ParsePublicKey(hex.EncodeToString(append(append([]byte{4}, fixed(sx)...), fixed(sy)...))); err != nil {
		t.Fatalf("reduced small-x point rejected: %v", err)
	}

	p256, _ := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	p256DER, _ := x509.MarshalPKIXPublicKey(&p256.PublicKey)
	goodDER, _ := pem.Decode([]byte(opensslPubPEM))

	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "neither PEM nor 130 hex"},
		{"short hex", good[:128], "neither PEM nor 130 hex"},
		{"raw X||Y", good[2:] + "00", "prefix is 0x41"},
		{"not hex", "zz" + good[2:], "not hex"},
		{"compressed", "02" + good[2:], "prefix is 0x02"},
		{"off curve", offCurve, "not on sm2p256v1"},
		{"unreduced x", aliasX, "not reduced"},
		{"zero point", "04" + strings.Repeat("0", 128), "not on sm2p256v1"},
		{"bad pem", "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n", "malformed PEM"},
		{"cert pem", pemOf("CERTIFICATE", goodDER.Bytes), `"CERTIFICATE" is not`},
		{"p256 key", pemOf("PUBLIC KEY", p256DER), "want sm2p256v1"},
		{"trailing", opensslPubPEM + "junk", "unexpected bytes"},
		{"garbage der", pemOf("PUBLIC KEY", []byte{0x30, 0x03, 1, 2, 3}), "SubjectPublicKeyInfo"},
		{"huge", strings.Repeat("f", 1<<20), "neither PEM"},
	} {
		_, err := ParsePublicKey(tc.in)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
		if len(err.Error()) > 400 {
			t.Errorf("%s: error is %d bytes long", tc.name, len(err.Error()))
		}
	}
	// The SM2 OID as the algorithm itself (no curve parameter) is accepted.
	alt, _ := asn1.Marshal(subjectPublicKeyInfo{
		Algorithm: pkixAlg(oidSM2P256V1, nil),
		PublicKey: asn1.BitString{Bytes: mustDecodeHex(t, good), BitLength: 520},
	})
	if _, err := ParsePublicKey(pemOf("PUBLIC KEY", alt)); err != nil {
		t.Errorf("algorithm=sm2 OID form rejected: %v", err)
	}
}

func TestParsePrivateKeyPEMErrors(t *testing.T) {
	pkcs8With := func(d []byte, pub []byte, curve asn1.ObjectIdentifier) string {
		inner, _ := asn1.Marshal(ecPrivateKey{Version: 1, PrivateKey: d, NamedCurveOID: curve,
			PublicKey: asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}})
		der, _ := asn1.Marshal(pkcs8{Algo: ecAlgorithm(), PrivateKey: inner})
		return pemOf("PRIVATE KEY", der)
	}
	otherPub := mustDecodeHex(t, "04"+gmt00035.x+gmt00035.y)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
	p256DER, _ := x509.MarshalPKCS8PrivateKey(p256)
	p256SEC1, _ := x509.MarshalECPrivateKey(p256)

	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "no private key PEM block"},
		{"public only", opensslPubPEM, `"PUBLIC KEY" is not`},
		{"encrypted pkcs8", pemOf("ENCRYPTED PRIVATE KEY", []byte{1}), "encrypted"},
		{"legacy encrypted", "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n", "encrypted"},
		{"d=0", pkcs8With(make([]byte, 32), nil, nil), "outside [1, n-2]"},
		{"d=n-1", pkcs8With(fixed(new(big.Int).Sub(curveN, one)), nil, nil), "outside [1, n-2]"},
		{"d=n", pkcs8With(fixed(curveN), nil, nil), "outside [1, n-2]"},
		{"d 33 bytes", pkcs8With(append([]byte{0}, fixed(big.NewInt(5))...), nil, nil), "33 bytes"},
		{"wrong embedded pub", pkcs8With(fixed(big.NewInt(5)), otherPub, nil), "does not match"},
		{"inner curve", pkcs8With(fixed(big.NewInt(5)), nil, asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}), "want sm2p256v1"},
		{"p256 pkcs8", pemOf("PRIVATE KEY", p256DER), "want sm2p256v1"},
		{"p256 sec1", pemOf("EC PRIVATE KEY", p256SEC1), "want sm2p256v1"},
		{"rsa", pemOf("RSA PRIVATE KEY", []byte{1}), `"RSA PRIVATE KEY" is not`},
	} {
		_, err := ParsePrivateKeyPEM([]byte(tc.in))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
	}
	// `openssl ecparam -genkey` puts an EC PARAMETERS block first.
	params := pemOf("EC PARAMETERS", []byte{6, 8, 42, 129, 28, 207, 85, 1, 130, 45})
	if _, err := ParsePrivateKeyPEM([]byte(params + opensslSEC1PEM)); err != nil {
		t.Errorf("key after EC PARAMETERS: %v", err)
	}
	if _, err := MarshalPrivateKeyPEM(nil); err == nil {
		t.Error("MarshalPrivateKeyPEM(nil) succeeded")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

func TestSignErrors(t *testing.T) {
	priv, _ := GenerateKey(nil)
	if _, err := Sign(nil, nil, []byte("m")); err == nil {
		t.Error("Sign(nil key) succeeded")
	}
	if _, err := Sign(errReader{}, priv, []byte("m")); err == nil || !strings.Contains(err.Error(), "entropy exhausted") {
		t.Errorf("Sign with failing rand: %v", err)
	}
	if _, err := GenerateKey(errReader{}); err == nil {
		t.Error("GenerateKey with failing rand succeeded")
	}
	long := make([]byte, MaxUIDLen+1)
	if _, err := SignWithID(nil, priv, long, []byte("m")); err == nil {
		t.Error("over-long uid accepted by SignWithID")
	}
	maxUID := make([]byte, MaxUIDLen)
	sig, err := SignWithID(nil, priv, maxUID, []byte("m"))
	if err != nil || !VerifyWithID(priv.Public(), maxUID, []byte("m"), sig) {
		t.Fatalf("max-length uid: %v", err)
	}
	if VerifyWithID(priv.Public(), long, []byte("m"), sig) {
		t.Error("over-long uid accepted by VerifyWithID")
	}
}

func pkixAlg(oid asn1.ObjectIdentifier, params []byte) (a pkix.AlgorithmIdentifier) {
	a.Algorithm = oid
	if params != nil {
		a.Parameters.FullBytes = params
	}
	return a
}
