package merkle

import (
	"encoding/binary"
	"testing"
)

// BenchmarkFrontierAppend measures appending one precomputed SM3 leaf hash,
// including the amortised ~1 SM3 node hash per append and node reporting.
func BenchmarkFrontierAppend(b *testing.B) {
	hashes := make([][]byte, 1<<12)
	for i := range hashes {
		hashes[i] = SM3.HashLeaf(binary.BigEndian.AppendUint64(nil, uint64(i)))
	}
	f := NewFrontier(SM3)
	var nodes int
	visit := func(uint, uint64, []byte) error { nodes++; return nil }
	i := 0
	for b.Loop() {
		if err := f.Append(hashes[i&(len(hashes)-1)], visit); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(nodes)/float64(i), "nodes/op")
}

// BenchmarkVerifyConsistency measures the on-chain cost of checking a
// consistency proof between two checkpoints of a 10-million-leaf SM3 log.
func BenchmarkVerifyConsistency(b *testing.B) {
	const size1, size2 = 3_141_593, 10_000_019
	r := newUniformReader(b, SM3, size2)
	proof, err := ConsistencyProof(r, SM3, size1, size2)
	if err != nil {
		b.Fatal(err)
	}
	root1, _ := RootOf(r, SM3, size1)
	root2, _ := RootOf(r, SM3, size2)
	for b.Loop() {
		if err := VerifyConsistency(SM3, size1, size2, proof, root1, root2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(proof)), "hashes/proof")
}

// BenchmarkHashLeaf measures SM3 leaf hashing of a typical 256-byte record.
func BenchmarkHashLeaf(b *testing.B) {
	rec := make([]byte, 256)
	b.SetBytes(int64(len(rec)))
	for b.Loop() {
		SM3.HashLeaf(rec)
	}
}
