package gm

// Traps in emmansun/gmsm v0.34.1 that the package steps around, tested the
// same way as tjfoc's in tjfoc_regression_test.go: first the trap in the
// library (so that an upgrade that removes it says so), then the package.

import (
	"bytes"
	mrand "math/rand/v2"
	"testing"

	emsm2 "github.com/emmansun/gmsm/sm2"
)

// emmansun's message-level SM2 functions (VerifyASN1WithSM2,
// CalculateSM2Hash, NewSM2SignerOption) substitute the default ID for an
// empty one, as tjfoc does; the package hashes ZA itself.
func TestEmmansunSM2EmptyUIDTrap(t *testing.T) {
	priv := mustKey(t, hexInt(gmt00035.d))
	pub := priv.Public()
	msg := []byte("m")
	sig, err := Sign(nil, priv, msg) // default ID
	if err != nil {
		t.Fatal(err)
	}
	if !emsm2.VerifyASN1WithSM2(pub.ecdsaKey(), nil, msg, sig) {
		t.Fatal("emmansun no longer maps an empty uid to the default: the trap this test guards moved; revisit Verify and this test")
	}
	if VerifyWithID(pub, nil, msg, sig) {
		t.Fatal("a default-ID signature verified under the empty ID")
	}
	osslPub, err := ParsePublicKey(opensslPubHex)
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyWithID(osslPub, nil, []byte(opensslMsg), mustDecodeHex(t, opensslSigEmptyUID)) {
		t.Fatal("OpenSSL's empty-ID signature refused")
	}
}

// emmansun's SignASN1 reads an extra byte from rand at random
// (randutil.MaybeReadByte), so a given rand stream does not determine the
// signature. Sign keeps its own nonce derivation so that a forced k
// reproduces the GB/T 32918.5 vector, and the tjfoc reference can be
// compared byte for byte.
func TestEmmansunSignRandTrap(t *testing.T) {
	priv := mustKey(t, hexInt(gmt00035.d))
	ek := emmansunKey(t, priv)
	e, err := messageDigest(priv.Public(), []byte(DefaultUID), []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	for i := range 64 {
		seed := [32]byte{byte(i)}
		a, err1 := emsm2.SignASN1(mrand.NewChaCha8(seed), ek, e[:], nil)
		b, err2 := emsm2.SignASN1(mrand.NewChaCha8(seed), ek, e[:], nil)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			differ = true
			break
		}
	}
	if !differ {
		t.Fatal("emmansun SignASN1 is now a function of the rand stream: the trap this test guards moved; revisit Sign and this test")
	}
	for i := range 8 {
		seed := [32]byte{byte(i)}
		a, _ := Sign(mrand.NewChaCha8(seed), priv, []byte("m"))
		b, _ := Sign(mrand.NewChaCha8(seed), priv, []byte("m"))
		if !bytes.Equal(a, b) {
			t.Fatal("Sign is not a function of its rand stream")
		}
	}
}
