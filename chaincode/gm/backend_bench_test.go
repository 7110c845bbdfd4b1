package gm

// The numbers issue 16 asked for: each operation on both backends, in one
// run. Run with
//
//	go test -run '^$' -bench . -benchtime 2s ./chaincode/gm/
//
// "tjfoc" is the package as it was on tjfoc/gmsm (tjfoc_ref_test.go),
// "emmansun" is the production code; both include everything Verify does
// (strict DER parse, ZA, e, the curve arithmetic).
//
// Besides wall-clock ns/op each benchmark reports cpu-ns/op (and cpu-MB/s),
// the process CPU time per operation: on a machine shared with other load
// (a Fabric network, say) wall-clock figures swing with the load, while CPU
// time stays close to what an idle machine shows.

import (
	"testing"

	emsm2 "github.com/emmansun/gmsm/sm2"
)

// reportCPU starts a CPU-time measurement; call the result when the
// benchmark loop is done.
func reportCPU(b *testing.B, bytesPerOp int) func() {
	start := processCPUTime()
	return func() {
		if b.N == 0 {
			return
		}
		ns := float64(processCPUTime()-start) / float64(b.N)
		b.ReportMetric(ns, "cpu-ns/op")
		if bytesPerOp > 0 && ns > 0 {
			b.ReportMetric(float64(bytesPerOp)*1e3/ns, "cpu-MB/s")
		}
	}
}

type verifier func(pub *PublicKey, uid, msg, sig []byte) bool

var backends = []struct {
	name   string
	verify verifier
	sum    func([]byte) [DigestSize]byte
}{
	{"tjfoc", tjfocVerifyWithID, tjfocSum},
	{"emmansun", VerifyWithID, Sum},
}

func benchKey(b *testing.B) (*PrivateKey, []byte, []byte) {
	b.Helper()
	priv, err := newPrivateKey(hexInt(gmt00035.d))
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte("benchmark message")
	sig, err := Sign(nil, priv, msg)
	if err != nil {
		b.Fatal(err)
	}
	return priv, msg, sig
}

func BenchmarkSM2Verify(b *testing.B) {
	priv, msg, sig := benchKey(b)
	pub, uid := priv.Public(), []byte(DefaultUID)
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			defer reportCPU(b, 0)()
			for b.Loop() {
				if !be.verify(pub, uid, msg, sig) {
					b.Fatal("verify failed")
				}
			}
		})
	}
}

// BenchmarkSM2VerifyLibrary is the libraries' own message-level verifiers,
// without this package's checks, to show what those cost.
func BenchmarkSM2VerifyLibrary(b *testing.B) {
	priv, msg, sig := benchKey(b)
	uid := []byte(DefaultUID)
	tjPub := &tjfocKey(priv).PublicKey
	emPub := priv.Public().ecdsaKey()
	b.Run("tjfoc", func(b *testing.B) {
		defer reportCPU(b, 0)()
		for b.Loop() {
			if !tjPub.Verify(msg, sig) {
				b.Fatal("verify failed")
			}
		}
	})
	b.Run("emmansun", func(b *testing.B) {
		defer reportCPU(b, 0)()
		for b.Loop() {
			if !emsm2.VerifyASN1WithSM2(emPub, uid, msg, sig) {
				b.Fatal("verify failed")
			}
		}
	})
}

func BenchmarkSM2Sign(b *testing.B) {
	priv, msg, _ := benchKey(b)
	uid := []byte(DefaultUID)
	for _, be := range []struct {
		name string
		sign func(*PrivateKey, []byte, []byte) ([]byte, error)
	}{
		{"tjfoc", func(p *PrivateKey, u, m []byte) ([]byte, error) { return tjfocSignWithID(nil, p, u, m) }},
		{"emmansun", func(p *PrivateKey, u, m []byte) ([]byte, error) { return SignWithID(nil, p, u, m) }},
	} {
		b.Run(be.name, func(b *testing.B) {
			defer reportCPU(b, 0)()
			for b.Loop() {
				if _, err := be.sign(priv, uid, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSM3(b *testing.B) {
	for _, be := range backends {
		for _, size := range []struct {
			name string
			n    int
		}{{"1KiB", 1 << 10}, {"1MiB", 1 << 20}} {
			data := make([]byte, size.n)
			b.Run(be.name+"/"+size.name, func(b *testing.B) {
				b.SetBytes(int64(size.n))
				defer reportCPU(b, size.n)()
				for b.Loop() {
					be.sum(data)
				}
			})
		}
	}
}
