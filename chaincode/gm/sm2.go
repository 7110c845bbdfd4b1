//lint:file-ignore SA1019 key derivation and signing take [k]G from emmansun's sm2p256v1 crypto/elliptic.Curve, whose ScalarBaseMult is its constant-time point code behind the deprecated interface.

package gm

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	emsm2 "github.com/emmansun/gmsm/sm2"
)

// DefaultUID is the signer ID GB/T 35276 (and GM/T 0009) prescribe when the
// parties have agreed on no other; Verify and Sign use it.
const DefaultUID = "1234567812345678"

// MaxUIDLen is the longest user ID, in bytes, that fits ZA's 16-bit bit-length
// field (ENTL) of GB/T 32918.2 §5.5.
const MaxUIDLen = 0xffff / 8

var (
	oidPublicKeyEC = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1} // id-ecPublicKey, RFC 5480
	oidSM2P256V1   = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
)

// sm2p256v1 domain parameters, GB/T 32918.5 §2. They are spelled out here
// rather than read from a library so that ZA and point validation do not
// depend on its field-element code; a test checks emmansun and tjfoc agree.
var (
	curveP  = mustHex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF")
	curveA  = mustHex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC")
	curveB  = mustHex("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93")
	curveN  = mustHex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123")
	curveGx = mustHex("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7")
	curveGy = mustHex("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0")

	// zaCurve is a||b||xG||yG, the fixed middle of every ZA pre-image.
	zaCurve = bytes.Join([][]byte{fixed(curveA), fixed(curveB), fixed(curveGx), fixed(curveGy)}, nil)

	one = big.NewInt(1)
)

func mustHex(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("gm: bad constant " + s)
	}
	return v
}

// fixed encodes a field element or scalar as the 32-byte big-endian string
// GB/T 32918.1 §4.2 requires (big.Int.Bytes would drop leading zeros).
func fixed(v *big.Int) []byte { return v.FillBytes(make([]byte, 32)) }

// curve returns emmansun's sm2p256v1 implementation, used only for [k]G in
// key derivation and signing.
func curve() elliptic.Curve { return emsm2.P256() }

// PublicKey is a validated SM2 public key: a point on sm2p256v1 other than
// the point at infinity. The zero value is not a valid key; obtain keys from
// ParsePublicKey or (*PrivateKey).Public.
type PublicKey struct {
	x, y *big.Int
}

// PrivateKey is an SM2 private key, a scalar d in [1, n-2], with its public
// point.
type PrivateKey struct {
	d   *big.Int
	pub PublicKey
}

// Public returns the public half of priv.
func (priv *PrivateKey) Public() *PublicKey {
	p := priv.pub
	return &p
}

// Equal reports whether pub and other are the same point. Two nil keys are
// equal; a nil and a non-nil key are not.
func (pub *PublicKey) Equal(other *PublicKey) bool {
	if pub == nil || other == nil {
		return pub == other
	}
	if pub.x == nil || other.x == nil {
		return pub.x == other.x
	}
	return pub.x.Cmp(other.x) == 0 && pub.y.Cmp(other.y) == 0
}

// point returns the uncompressed SEC1 encoding 04||X||Y.
func (pub *PublicKey) point() []byte {
	b := make([]byte, 1, 65)
	b[0] = 4
	b = append(b, fixed(pub.x)...)
	return append(b, fixed(pub.y)...)
}

// ecdsaKey returns pub in the form emmansun's verifier takes.
func (pub *PublicKey) ecdsaKey() *ecdsa.PublicKey {
	return &ecdsa.PublicKey{Curve: emsm2.P256(), X: pub.x, Y: pub.y}
}

// EncodeHex returns the uncompressed point 04||X||Y as 130 lower-case hex
// characters, the form ParsePublicKey accepts and the ledger stores.
func (pub *PublicKey) EncodeHex() string { return hex.EncodeToString(pub.point()) }

// EncodePEM returns pub as a PKIX "PUBLIC KEY" PEM block with algorithm
// id-ecPublicKey and curve sm2p256v1, byte-identical to what OpenSSL 3 writes.
func (pub *PublicKey) EncodePEM() string {
	der, err := asn1.Marshal(subjectPublicKeyInfo{
		Algorithm: ecAlgorithm(),
		PublicKey: asn1.BitString{Bytes: pub.point(), BitLength: 65 * 8},
	})
	if err != nil {
		panic("gm: marshal public key: " + err.Error()) // only fixed-shape data is marshalled
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

type subjectPublicKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

func ecAlgorithm() pkix.AlgorithmIdentifier {
	param, _ := asn1.Marshal(oidSM2P256V1)
	return pkix.AlgorithmIdentifier{Algorithm: oidPublicKeyEC, Parameters: asn1.RawValue{FullBytes: param}}
}

// checkAlgorithm accepts the two spellings of "SM2 key" seen in the wild:
// id-ecPublicKey with named curve sm2p256v1 (OpenSSL, tjfoc, RFC 5480 style)
// and the SM2 OID itself as the algorithm with absent, NULL or sm2p256v1
// parameters (some GM/T 0010 producers).
func checkAlgorithm(a pkix.AlgorithmIdentifier) error {
	var curveOID asn1.ObjectIdentifier
	params := a.Parameters.FullBytes
	switch {
	case a.Algorithm.Equal(oidPublicKeyEC):
		if _, err := asn1.Unmarshal(params, &curveOID); err != nil {
			return fmt.Errorf("EC key without a named curve: %v", err)
		}
		if !curveOID.Equal(oidSM2P256V1) {
			return fmt.Errorf("EC key on curve %v, want sm2p256v1 (%v)", curveOID, oidSM2P256V1)
		}
		return nil
	case a.Algorithm.Equal(oidSM2P256V1):
		if len(params) == 0 || bytes.Equal(params, asn1.NullBytes) {
			return nil
		}
		if _, err := asn1.Unmarshal(params, &curveOID); err != nil || !curveOID.Equal(oidSM2P256V1) {
			return fmt.Errorf("SM2 key with unexpected parameters %x", params)
		}
		return nil
	default:
		return fmt.Errorf("key algorithm %v is not SM2 (want %v with curve %v)", a.Algorithm, oidPublicKeyEC, oidSM2P256V1)
	}
}

// ParsePublicKey parses an SM2 public key given either as a PKIX "PUBLIC
// KEY" PEM block or as the hex of the uncompressed point 04||X||Y (130 hex
// digits, either case). Surrounding whitespace is ignored. The point must lie
// on sm2p256v1 with coordinates reduced modulo p.
func ParsePublicKey(s string) (*PublicKey, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-----BEGIN") {
		return parsePublicKeyPEM(t)
	}
	if len(t) != 130 {
		return nil, fmt.Errorf("gm: SM2 public key %s is neither PEM nor 130 hex digits of 04||X||Y (got %d characters)", quote(s), len(t))
	}
	raw, err := hex.DecodeString(t)
	if err != nil {
		return nil, fmt.Errorf("gm: SM2 public key %s is not hex: %v", quote(s), err)
	}
	pub, err := parsePoint(raw)
	if err != nil {
		return nil, fmt.Errorf("gm: SM2 public key %s: %w", quote(s), err)
	}
	return pub, nil
}

func parsePublicKeyPEM(t string) (*PublicKey, error) {
	block, rest := pem.Decode([]byte(t))
	if block == nil {
		return nil, fmt.Errorf("gm: SM2 public key %s: malformed PEM", quote(t))
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("gm: PEM block type %q is not a PKIX \"PUBLIC KEY\"", block.Type)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("gm: %d unexpected bytes after the PUBLIC KEY PEM block", len(rest))
	}
	var spki subjectPublicKeyInfo
	if trail, err := asn1.Unmarshal(block.Bytes, &spki); err != nil {
		return nil, fmt.Errorf("gm: PUBLIC KEY is not a PKIX SubjectPublicKeyInfo: %v", err)
	} else if len(trail) != 0 {
		return nil, fmt.Errorf("gm: %d trailing bytes after SubjectPublicKeyInfo", len(trail))
	}
	if err := checkAlgorithm(spki.Algorithm); err != nil {
		return nil, fmt.Errorf("gm: PUBLIC KEY: %v", err)
	}
	if spki.PublicKey.BitLength%8 != 0 {
		return nil, fmt.Errorf("gm: PUBLIC KEY bit string has %d bits, not whole bytes", spki.PublicKey.BitLength)
	}
	pub, err := parsePoint(spki.PublicKey.Bytes)
	if err != nil {
		return nil, fmt.Errorf("gm: PUBLIC KEY: %w", err)
	}
	return pub, nil
}

// parsePoint decodes and validates an uncompressed SEC1 point. Validation
// uses plain big.Int arithmetic, independent of either library (tjfoc's
// IsOnCurve reduces its inputs first and so would accept X+p as X).
func parsePoint(raw []byte) (*PublicKey, error) {
	if len(raw) != 65 {
		return nil, fmt.Errorf("point is %d bytes, want 65 (04||X||Y)", len(raw))
	}
	if raw[0] != 4 {
		return nil, fmt.Errorf("point prefix is 0x%02x, want 0x04 (only uncompressed points are accepted)", raw[0])
	}
	x := new(big.Int).SetBytes(raw[1:33])
	y := new(big.Int).SetBytes(raw[33:])
	if x.Cmp(curveP) >= 0 || y.Cmp(curveP) >= 0 {
		return nil, errors.New("point coordinate is not reduced modulo p")
	}
	if !onCurve(x, y) {
		return nil, fmt.Errorf("point (%x, %x) is not on sm2p256v1", raw[1:33], raw[33:])
	}
	return &PublicKey{x: x, y: y}, nil
}

// onCurve checks y² = x³ + ax + b (mod p). (0,0), the usual stand-in for the
// point at infinity, fails because b != 0.
func onCurve(x, y *big.Int) bool {
	lhs := new(big.Int).Mul(y, y)
	lhs.Mod(lhs, curveP)
	rhs := new(big.Int).Mul(x, x)
	rhs.Add(rhs, curveA)
	rhs.Mul(rhs, x)
	rhs.Add(rhs, curveB)
	rhs.Mod(rhs, curveP)
	return lhs.Cmp(rhs) == 0
}

// za computes ZA = SM3(ENTL || ID || a || b || xG || yG || xA || yA),
// GB/T 32918.2 §5.5. The uid is used verbatim: unlike tjfoc's Sm2Verify and
// emmansun's VerifyASN1WithSM2, an empty uid means an empty ID, not the
// default one.
func za(pub *PublicKey, uid []byte) ([DigestSize]byte, error) {
	var z [DigestSize]byte
	if len(uid) > MaxUIDLen {
		return z, fmt.Errorf("gm: SM2 user ID is %d bytes, longer than %d", len(uid), MaxUIDLen)
	}
	entl := len(uid) * 8
	h := New()
	h.Write([]byte{byte(entl >> 8), byte(entl)})
	h.Write(uid)
	h.Write(zaCurve)
	h.Write(fixed(pub.x))
	h.Write(fixed(pub.y))
	h.Sum(z[:0])
	return z, nil
}

// messageDigest returns SM3(ZA || M), GB/T 32918.2 §6.1 steps A1–A2 /
// §7.1 B3–B4: the 32 bytes whose integer value is e.
func messageDigest(pub *PublicKey, uid, msg []byte) ([DigestSize]byte, error) {
	var d [DigestSize]byte
	z, err := za(pub, uid)
	if err != nil {
		return d, err
	}
	h := New()
	h.Write(z[:])
	h.Write(msg)
	h.Sum(d[:0])
	return d, nil
}

// messageRepresentative returns e = SM3(ZA || M) as an integer,
// GB/T 32918.2 §6.1 step A3 / §7.1 B4. e is not reduced modulo n; the
// algorithm only ever uses it in (e + x1) mod n.
func messageRepresentative(pub *PublicKey, uid, msg []byte) (*big.Int, error) {
	d, err := messageDigest(pub, uid, msg)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(d[:]), nil
}

type sm2Signature struct {
	R, S *big.Int
}

// parseSignature accepts exactly one DER SEQUENCE{r, s} with 1 <= r, s < n.
// Strictness matters on a ledger: a signature that verifies under several
// encodings would give one endorsement several transaction-visible forms.
func parseSignature(sig []byte) (r, s *big.Int, ok bool) {
	var v sm2Signature
	rest, err := asn1.Unmarshal(sig, &v)
	if err != nil || len(rest) != 0 || v.R == nil || v.S == nil {
		return nil, nil, false
	}
	if v.R.Sign() <= 0 || v.S.Sign() <= 0 || v.R.Cmp(curveN) >= 0 || v.S.Cmp(curveN) >= 0 {
		return nil, nil, false
	}
	// encoding/asn1 is already DER-minded, but re-encoding makes "the
	// accepted bytes are the canonical bytes" true by construction.
	canon, err := asn1.Marshal(v)
	if err != nil || !bytes.Equal(canon, sig) {
		return nil, nil, false
	}
	return v.R, v.S, true
}

// Verify reports whether sig, an ASN.1 DER SEQUENCE{r, s}, is a valid SM2
// signature of msg by pub under the default user ID "1234567812345678".
// It is deterministic and never panics on malformed input.
func Verify(pub *PublicKey, msg, sig []byte) bool {
	return VerifyWithID(pub, []byte(DefaultUID), msg, sig)
}

// VerifyWithID is Verify with an explicit signer ID, GB/T 32918.2 §7. The
// uid is used verbatim; an empty uid is the empty ID (what OpenSSL 3 uses
// when no distid is set), not the default.
//
// What is accepted is decided here before emmansun sees the input: the key
// was validated when it was parsed, the signature must be canonical DER
// with 1 <= r, s < n, and ZA is hashed here (emmansun's VerifyASN1WithSM2,
// like tjfoc, would substitute the default ID for an empty one). emmansun
// then checks t = (r+s) mod n != 0, computes [s]G + [t]PA, refuses the
// point at infinity and compares (e + x1') mod n with r (B5–B7).
func VerifyWithID(pub *PublicKey, uid, msg, sig []byte) bool {
	if pub == nil || pub.x == nil || pub.y == nil {
		return false
	}
	if _, _, ok := parseSignature(sig); !ok { // B1, B2
		return false
	}
	e, err := messageDigest(pub, uid, msg) // B3, B4
	if err != nil {
		return false
	}
	return verifyDigest(pub, e[:], sig)
}

// verifyDigest is B5–B7 for a signature that parseSignature accepted and
// the 32-byte digest e, on emmansun's constant-time sm2p256v1 arithmetic.
// VerifyASN1 re-parses sig (as strictly: cryptobyte DER, 1 <= r, s < n),
// rebuilds the point from pub (refusing it off the curve), and refuses
// t = 0 and the point at infinity.
func verifyDigest(pub *PublicKey, e, sig []byte) bool {
	return emsm2.VerifyASN1(pub.ecdsaKey(), e, sig)
}

// randScalar returns a uniform-enough scalar in [1, max] by reducing 64 bits
// more than needed (the bias is below 2^-64), as FIPS 186-5 A.2.1 does.
func randScalar(rand io.Reader, max *big.Int) (*big.Int, error) {
	buf := make([]byte, 32+8)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, fmt.Errorf("gm: reading randomness: %w", err)
	}
	k := new(big.Int).SetBytes(buf)
	k.Mod(k, max)
	return k.Add(k, one), nil
}

// GenerateKey returns a new SM2 key pair with d uniform in [1, n-2] (n-1 is
// excluded because signing needs (1+d)⁻¹). A nil rand means crypto/rand.
func GenerateKey(rand io.Reader) (*PrivateKey, error) {
	if rand == nil {
		rand = crand.Reader
	}
	d, err := randScalar(rand, new(big.Int).Sub(curveN, big.NewInt(2)))
	if err != nil {
		return nil, err
	}
	return newPrivateKey(d)
}

// newPrivateKey checks the range of d and derives the public point.
func newPrivateKey(d *big.Int) (*PrivateKey, error) {
	if d.Sign() <= 0 || d.Cmp(new(big.Int).Sub(curveN, one)) >= 0 {
		return nil, errors.New("gm: SM2 private scalar is outside [1, n-2]")
	}
	x, y := curve().ScalarBaseMult(fixed(d))
	return &PrivateKey{d: new(big.Int).Set(d), pub: PublicKey{x: x, y: y}}, nil
}

// Sign signs msg with priv under the default user ID and returns the ASN.1
// DER SEQUENCE{r, s}. A nil rand means crypto/rand; rand must be a CSPRNG,
// since a predictable or repeated nonce k reveals the private key.
func Sign(rand io.Reader, priv *PrivateKey, msg []byte) ([]byte, error) {
	return SignWithID(rand, priv, []byte(DefaultUID), msg)
}

// SignWithID is Sign with an explicit signer ID, GB/T 32918.2 §6.
func SignWithID(rand io.Reader, priv *PrivateKey, uid, msg []byte) ([]byte, error) {
	if priv == nil || priv.d == nil {
		return nil, errors.New("gm: SM2 sign with nil private key")
	}
	if rand == nil {
		rand = crand.Reader
	}
	e, err := messageRepresentative(&priv.pub, uid, msg) // A1, A2
	if err != nil {
		return nil, err
	}
	dPlus1Inv := new(big.Int).Add(priv.d, one)
	dPlus1Inv.ModInverse(dPlus1Inv, curveN)
	nMinus1 := new(big.Int).Sub(curveN, one)
	c := curve()
	// Each rejection below has probability about 2^-256; the cap only turns
	// a broken rand (say, one stuck on a rejected value) into an error.
	for range 16 {
		k, err := randScalar(rand, nMinus1) // A3
		if err != nil {
			return nil, err
		}
		x1, _ := c.ScalarBaseMult(fixed(k)) // A4
		r := new(big.Int).Add(e, x1)        // A5
		r.Mod(r, curveN)
		if r.Sign() == 0 || new(big.Int).Add(r, k).Cmp(curveN) == 0 {
			continue
		}
		s := new(big.Int).Mul(r, priv.d) // A6: s = (1+d)⁻¹(k - r·d) mod n
		s.Sub(k, s)
		s.Mul(s, dPlus1Inv)
		s.Mod(s, curveN)
		if s.Sign() == 0 {
			continue
		}
		return asn1.Marshal(sm2Signature{R: r, S: s}) // A7
	}
	return nil, errors.New("gm: SM2 sign: randomness source keeps yielding unusable nonces")
}

// ecPrivateKey is SEC1's ECPrivateKey, RFC 5915 §3.
type ecPrivateKey struct {
	Version       int
	PrivateKey    []byte
	NamedCurveOID asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey     asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

// pkcs8 is PKCS #8 PrivateKeyInfo, RFC 5208 §5; OneAsymmetricKey's optional
// trailing fields (RFC 5958) are tolerated and ignored by encoding/asn1.
type pkcs8 struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
}

// MarshalPrivateKeyPEM encodes priv as an unencrypted PKCS #8 "PRIVATE KEY"
// PEM block: algorithm id-ecPublicKey with curve sm2p256v1, wrapping an RFC
// 5915 ECPrivateKey with the 32-byte scalar and the public point. This is
// byte-for-byte what OpenSSL 3 writes for an SM2 key, so the files are
// interchangeable with `openssl pkey`. Protect the output like the key.
func MarshalPrivateKeyPEM(priv *PrivateKey) ([]byte, error) {
	if priv == nil || priv.d == nil {
		return nil, errors.New("gm: marshal nil SM2 private key")
	}
	inner, err := asn1.Marshal(ecPrivateKey{
		Version:    1,
		PrivateKey: fixed(priv.d),
		PublicKey:  asn1.BitString{Bytes: priv.pub.point(), BitLength: 65 * 8},
	})
	if err != nil {
		return nil, fmt.Errorf("gm: marshal SM2 private key: %v", err)
	}
	der, err := asn1.Marshal(pkcs8{Version: 0, Algo: ecAlgorithm(), PrivateKey: inner})
	if err != nil {
		return nil, fmt.Errorf("gm: marshal SM2 private key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivateKeyPEM parses the first private key PEM block in data. It
// accepts unencrypted PKCS #8 ("PRIVATE KEY", as MarshalPrivateKeyPEM and
// `openssl genpkey -algorithm SM2` write) and SEC1 ("SM2 PRIVATE KEY" /
// "EC PRIVATE KEY", as `openssl ec` writes), skipping any curve-parameter
// blocks before it. Encrypted keys are refused: decrypt them with
// `openssl pkey` first. The scalar must be in [1, n-2] and, if the file
// carries a public point, it must match the scalar.
func ParsePrivateKeyPEM(data []byte) (*PrivateKey, error) {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("gm: no private key PEM block found")
		}
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			return nil, fmt.Errorf("gm: PEM block %q is encrypted (legacy Proc-Type); decrypt it first", block.Type)
		}
		switch block.Type {
		case "EC PARAMETERS", "SM2 PARAMETERS":
			continue
		case "PRIVATE KEY":
			return parsePKCS8(block.Bytes)
		case "SM2 PRIVATE KEY", "EC PRIVATE KEY":
			return parseSEC1(block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("gm: encrypted PKCS #8 keys are not supported; decrypt with `openssl pkey` first")
		default:
			return nil, fmt.Errorf("gm: PEM block type %q is not an SM2 private key", block.Type)
		}
	}
}

func parsePKCS8(der []byte) (*PrivateKey, error) {
	var k pkcs8
	if rest, err := asn1.Unmarshal(der, &k); err != nil {
		return nil, fmt.Errorf("gm: PRIVATE KEY is not PKCS #8: %v", err)
	} else if len(rest) != 0 {
		return nil, fmt.Errorf("gm: %d trailing bytes after PKCS #8 PrivateKeyInfo", len(rest))
	}
	if k.Version != 0 && k.Version != 1 {
		return nil, fmt.Errorf("gm: PKCS #8 version %d, want 0 or 1", k.Version)
	}
	if err := checkAlgorithm(k.Algo); err != nil {
		return nil, fmt.Errorf("gm: PRIVATE KEY: %v", err)
	}
	return parseSEC1(k.PrivateKey)
}

func parseSEC1(der []byte) (*PrivateKey, error) {
	var k ecPrivateKey
	if rest, err := asn1.Unmarshal(der, &k); err != nil {
		return nil, fmt.Errorf("gm: not an RFC 5915 ECPrivateKey: %v", err)
	} else if len(rest) != 0 {
		return nil, fmt.Errorf("gm: %d trailing bytes after ECPrivateKey", len(rest))
	}
	if k.Version != 1 {
		return nil, fmt.Errorf("gm: ECPrivateKey version %d, want 1", k.Version)
	}
	if k.NamedCurveOID != nil && !k.NamedCurveOID.Equal(oidSM2P256V1) {
		return nil, fmt.Errorf("gm: EC private key on curve %v, want sm2p256v1 (%v)", k.NamedCurveOID, oidSM2P256V1)
	}
	// RFC 5915 mandates exactly 32 bytes, but tjfoc wrote shorter strings
	// for scalars with leading zero bytes; those keys must stay readable.
	if len(k.PrivateKey) == 0 || len(k.PrivateKey) > 32 {
		return nil, fmt.Errorf("gm: private scalar is %d bytes, want 32", len(k.PrivateKey))
	}
	priv, err := newPrivateKey(new(big.Int).SetBytes(k.PrivateKey))
	if err != nil {
		return nil, err
	}
	if k.PublicKey.BitLength != 0 {
		embedded, err := parsePoint(k.PublicKey.Bytes)
		if err != nil {
			return nil, fmt.Errorf("gm: embedded public key: %w", err)
		}
		if !embedded.Equal(&priv.pub) {
			return nil, errors.New("gm: embedded public key does not match the private scalar")
		}
	}
	return priv, nil
}
