package merkle

// A naive, recursive transcription of RFC 6962 §2.1 over the leaf data
// itself, used as the oracle for the production code. MTH, PATH, PROOF and
// SUBPROOF are named as in the RFC; results are memoised by range only to
// keep the exhaustive tests quick.

type refTree struct {
	h      Hasher
	leaves [][]byte
	memo   map[[2]int][]byte
}

func newRefTree(h Hasher, leaves [][]byte) *refTree {
	return &refTree{h: h, leaves: leaves, memo: map[[2]int][]byte{}}
}

// splitPoint is k, the largest power of two smaller than n (n > 1).
func splitPoint(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// mth returns MTH(D[lo:hi]).
func (t *refTree) mth(lo, hi int) []byte {
	if v, ok := t.memo[[2]int{lo, hi}]; ok {
		return v
	}
	var v []byte
	switch n := hi - lo; n {
	case 0:
		v = t.h.EmptyRoot()
	case 1:
		v = t.h.HashLeaf(t.leaves[lo])
	default:
		k := splitPoint(n)
		v = t.h.HashChildren(t.mth(lo, lo+k), t.mth(lo+k, hi))
	}
	t.memo[[2]int{lo, hi}] = v
	return v
}

// path returns PATH(m, D[lo:hi]).
func (t *refTree) path(m, lo, hi int) [][]byte {
	n := hi - lo
	if n == 1 {
		return [][]byte{}
	}
	k := splitPoint(n)
	if m < k {
		return append(t.path(m, lo, lo+k), t.mth(lo+k, hi))
	}
	return append(t.path(m-k, lo+k, hi), t.mth(lo, lo+k))
}

// proof returns PROOF(m, D[0:n]).
func (t *refTree) proof(m, n int) [][]byte {
	if m == 0 || m == n {
		return [][]byte{}
	}
	return t.subproof(m, 0, n, true)
}

// subproof returns SUBPROOF(m, D[lo:hi], b).
func (t *refTree) subproof(m, lo, hi int, b bool) [][]byte {
	n := hi - lo
	if m == n {
		if b {
			return [][]byte{}
		}
		return [][]byte{t.mth(lo, hi)}
	}
	k := splitPoint(n)
	if m <= k {
		return append(t.subproof(m, lo, lo+k, b), t.mth(lo+k, hi))
	}
	return append(t.subproof(m-k, lo+k, hi, false), t.mth(lo, lo+k))
}
