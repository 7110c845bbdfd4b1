// Package gm is PDLedger's only door to the Chinese national ("国密")
// algorithms: SM3 (GB/T 32905), SM2 signatures (GB/T 32918, curve
// sm2p256v1) and SM4 (GB/T 32907). Nothing else in the module may import
// github.com/emmansun/gmsm or github.com/tjfoc/gmsm; this package exists so
// that the traps in those libraries are avoided in exactly one reviewed
// place.
//
// Backends (issue 16, chosen on BenchmarkSM2Verify and BenchmarkSM3 in
// backend_bench_test.go): SM2 verification and signing arithmetic and SM3
// run on github.com/emmansun/gmsm, about 20 times faster than tjfoc for
// verification and twice as fast for SM3; SM4 still uses tjfoc's block
// function. tjfoc/gmsm v1.4.1 remains in the tests as the reference:
// tjfoc_ref_test.go keeps the previous tjfoc-based code, and
// differential_test.go (with FuzzSM2VerifyDifferential) checks that both
// backends agree on random inputs, on the GB/T vectors and on every input
// that was refused before.
//
// What Verify accepts is decided by this package, not by either library:
// ParsePublicKey validates points with its own big.Int arithmetic, the
// signature must be canonical DER with 1 <= r, s < n, and ZA is hashed here
// with the user ID used verbatim. emmansun's VerifyASN1 then does B5–B7 on
// the digest. emmansun is used through its public API only; its message-
// level VerifyASN1WithSM2 is avoided because it, like tjfoc, takes an empty
// user ID for the default one.
//
// The traps in tjfoc/gmsm v1.4.1 that the package steps around (each has a
// regression test in tjfoc_regression_test.go):
//
//   - sm3.SM3.Sum(b) feeds b into the running hash and returns a bare
//     digest instead of appending the digest to b, so it breaks the
//     hash.Hash contract (and the hash's state) for any non-nil b.
//   - sm4.Sm4GCM computes a non-standard GCM tag: its output does not
//     interoperate with RFC 8998 SM4-GCM. SealGCM/OpenGCM use the standard
//     library's GCM over the SM4 block cipher instead.
//   - The sm4 block cipher keeps per-instance scratch buffers, so one
//     cipher.Block cannot be shared between goroutines, unlike crypto/aes.
//     NewSM4 returns a Block that is safe for concurrent use.
//   - sm2 verification treats an empty user ID as the default ID, ignores
//     bytes trailing the DER signature (so sig||junk also verifies), and
//     the curve's point addition returns the point at infinity for P+P.
//   - x509.MarshalSm2PrivateKey writes the private scalar without its
//     leading zero bytes (RFC 5915 §3 requires the fixed 32-byte form), and
//     the parsers accept d = 0 and cannot read the SEC1 "SM2 PRIVATE KEY"
//     files OpenSSL 3 writes. MarshalPrivateKeyPEM/ParsePrivateKeyPEM are
//     implemented here, byte-compatible with OpenSSL 3.
//
// Verification (Verify, VerifyWithID, ParsePublicKey, ParseDigestHex, Sum)
// is deterministic and reads no randomness or clock, so endorsing peers
// running chaincode always agree. Only GenerateKey and Sign consume
// randomness, and only from the io.Reader they are given.
package gm
