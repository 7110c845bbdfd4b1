package merkle

import (
	"bytes"
	"errors"
	"testing"
)

// sentinels are the stable error identities chaincode maps to codes; every
// verification failure must wrap one of them.
var sentinels = []error{ErrIndexOutOfRange, ErrSizeOrder, ErrProofSize, ErrHashSize, ErrRootMismatch}

func checkSentinel(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %q wraps no exported sentinel", err)
}

// splitProof cuts blob into hashes of hashLen bytes (the last may be
// shorter); hashLen 0 means no proof at all.
func splitProof(blob []byte, hashLen int) [][]byte {
	var proof [][]byte
	for hashLen > 0 && len(blob) > 0 {
		n := min(hashLen, len(blob))
		proof = append(proof, blob[:n])
		blob = blob[n:]
	}
	return proof
}

var fuzzTree = buildTree(SM3, sm3Leaves(exhaustiveMax))

func FuzzVerifyConsistency(f *testing.F) {
	concat := func(p [][]byte) []byte { return bytes.Join(p, nil) }
	for _, c := range [][2]uint64{{1, 8}, {6, 8}, {2, 5}, {6, 7}, {3, 3}, {0, 4}, {7, 64}} {
		p, _ := ConsistencyProof(fuzzTree, SM3, c[0], c[1])
		r1, _ := RootOf(fuzzTree, SM3, c[0])
		r2, _ := RootOf(fuzzTree, SM3, c[1])
		f.Add(c[0], c[1], concat(p), uint8(32), r1, r2)
	}
	f.Add(uint64(1<<64-2), uint64(1<<64-1), make([]byte, 64*32), uint8(32), make([]byte, 32), make([]byte, 32))
	f.Add(uint64(5), uint64(3), []byte{1, 2, 3}, uint8(1), []byte{}, []byte(nil))

	f.Fuzz(func(t *testing.T, size1, size2 uint64, blob []byte, hashLen uint8, root1, root2 []byte) {
		proof := splitProof(blob, int(hashLen%40))

		// Arbitrary input: must not panic, and must fail in a mappable way.
		err := VerifyConsistency(SM3, size1, size2, proof, root1, root2)
		checkSentinel(t, err)
		if err == nil && size1 != 0 && size1 != size2 && len(proof) == 0 {
			t.Fatalf("empty proof accepted for %d -> %d", size1, size2)
		}

		// Against a real tree: only the honest proof may verify.
		s1, s2 := size1%(exhaustiveMax+1), size2%(exhaustiveMax+1)
		r1, _ := RootOf(fuzzTree, SM3, s1)
		r2, _ := RootOf(fuzzTree, SM3, s2)
		err = VerifyConsistency(SM3, s1, s2, proof, r1, r2)
		checkSentinel(t, err)
		if err == nil {
			want, gerr := ConsistencyProof(fuzzTree, SM3, s1, s2)
			if gerr != nil || !equalProofs(proof, want) {
				t.Fatalf("forged consistency proof %x accepted for %d -> %d", proof, s1, s2)
			}
		}
	})
}

func FuzzVerifyInclusion(f *testing.F) {
	p, _ := InclusionProof(fuzzTree, SM3, 5, 8)
	f.Add(uint64(5), uint64(8), bytes.Join(p, nil), uint8(32), fuzzTree.levels[0][5])
	f.Add(uint64(1<<64-2), uint64(1<<64-1), make([]byte, 64*32), uint8(32), make([]byte, 32))

	f.Fuzz(func(t *testing.T, index, size uint64, blob []byte, hashLen uint8, leaf []byte) {
		proof := splitProof(blob, int(hashLen%40))
		_, err := RootFromInclusionProof(SM3, index, size, leaf, proof)
		checkSentinel(t, err)

		n := size%exhaustiveMax + 1
		i := index % n
		root, _ := RootOf(fuzzTree, SM3, n)
		err = VerifyInclusion(SM3, i, n, leaf, proof, root)
		checkSentinel(t, err)
		if err == nil {
			want, _ := InclusionProof(fuzzTree, SM3, i, n)
			if !bytes.Equal(leaf, fuzzTree.levels[0][i]) || !equalProofs(proof, want) {
				t.Fatalf("forged inclusion of %x at %d/%d accepted", leaf, i, n)
			}
		}
	})
}
