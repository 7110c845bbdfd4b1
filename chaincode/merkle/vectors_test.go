package merkle

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
)

// The RFC 6962 / Certificate Transparency reference vectors over SHA-256,
// as published in github.com/transparency-dev/merkle: leaf inputs, node
// hashes and roots from testonly/constants.go (LeafInputs, NodeHashes,
// RootHashes) and the known audit paths and consistency proofs from
// proof/verify_test.go (inclusionProofs, consistencyProofs; there the leaf
// numbers are 1-based, here indices are 0-based). The same data originates
// in certificate-transparency-go's merkletree tests.

func h2b(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

var ctLeaves = [][]byte{
	h2b(""),
	h2b("00"),
	h2b("10"),
	h2b("2021"),
	h2b("3031"),
	h2b("40414243"),
	h2b("5051525354555657"),
	h2b("606162636465666768696a6b6c6d6e6f"),
}

// ctNodes[level][index] are all perfect subtrees of the 8-leaf tree.
var ctNodes = [][][]byte{{
	h2b("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
	h2b("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
	h2b("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
	h2b("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
	h2b("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
	h2b("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
	h2b("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
	h2b("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
}, {
	h2b("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
	h2b("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
	h2b("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
	h2b("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
}, {
	h2b("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
	h2b("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
}, {
	h2b("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
}}

// ctRoots[n] is the root of the tree of the first n leaves.
var ctRoots = [][]byte{
	h2b("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	h2b("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
	h2b("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
	h2b("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
	h2b("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
	h2b("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
	h2b("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
	h2b("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
	h2b("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
}

var ctInclusion = []struct {
	index, size uint64
	proof       [][]byte
}{
	{0, 1, [][]byte{}},
	{0, 8, [][]byte{ctNodes[0][1], ctNodes[1][1], ctNodes[2][1]}},
	{5, 8, [][]byte{ctNodes[0][4], ctNodes[1][3], ctNodes[2][0]}},
	{2, 3, [][]byte{ctNodes[1][0]}},
	{1, 5, [][]byte{ctNodes[0][0], ctNodes[1][1], ctNodes[0][4]}},
}

var ctConsistency = []struct {
	size1, size2 uint64
	proof        [][]byte
}{
	{1, 1, [][]byte{}},
	{1, 8, [][]byte{ctNodes[0][1], ctNodes[1][1], ctNodes[2][1]}},
	{6, 8, [][]byte{ctNodes[1][2], ctNodes[1][3], ctNodes[2][0]}},
	{2, 5, [][]byte{ctNodes[1][1], ctNodes[0][4]}},
	{6, 7, [][]byte{ctNodes[1][2], ctNodes[0][6], ctNodes[2][0]}},
}

// The hex literals of the proofs in verify_test.go, kept verbatim so that
// a slip in the ctNodes indices above cannot go unnoticed.
func TestCTProofLiterals(t *testing.T) {
	for _, c := range []struct {
		got  []byte
		want string
	}{
		{ctInclusion[2].proof[1], "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
		{ctInclusion[4].proof[2], "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
		{ctConsistency[2].proof[0], "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"},
		{ctConsistency[4].proof[1], "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"},
		{ctConsistency[1].proof[2], "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
	} {
		if hex.EncodeToString(c.got) != c.want {
			t.Errorf("vector table has %x, verify_test.go has %s", c.got, c.want)
		}
	}
}

func ctTree(t testing.TB) *MemoryTree {
	t.Helper()
	tree := NewMemoryTree(SHA256)
	for _, l := range ctLeaves {
		tree.Append(l)
	}
	return tree
}

func TestCTVectorsHashing(t *testing.T) {
	tree := NewMemoryTree(SHA256)
	if !bytes.Equal(tree.Root(), ctRoots[0]) {
		t.Fatalf("empty root = %x", tree.Root())
	}
	for i, l := range ctLeaves {
		tree.Append(l)
		if got := tree.Root(); !bytes.Equal(got, ctRoots[i+1]) {
			t.Errorf("root at size %d = %x, want %x", i+1, got, ctRoots[i+1])
		}
	}
	for level, row := range ctNodes {
		for index, want := range row {
			got, err := tree.Node(uint(level), uint64(index))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("Node(%d, %d) = %x, %v; want %x", level, index, got, err, want)
			}
		}
	}
	for size := range ctRoots {
		got, err := RootOf(tree, SHA256, uint64(size))
		if err != nil || !bytes.Equal(got, ctRoots[size]) {
			t.Errorf("RootOf(%d) = %x, %v", size, got, err)
		}
		ref := newRefTree(SHA256, ctLeaves[:size]).mth(0, size)
		if !bytes.Equal(ref, ctRoots[size]) {
			t.Errorf("reference MTH(%d) = %x", size, ref)
		}
	}
}

func TestCTVectorsInclusion(t *testing.T) {
	tree := ctTree(t)
	for _, v := range ctInclusion {
		t.Run(fmt.Sprintf("%d/%d", v.index, v.size), func(t *testing.T) {
			got, err := InclusionProof(tree, SHA256, v.index, v.size)
			if err != nil {
				t.Fatal(err)
			}
			if !equalProofs(got, v.proof) {
				t.Fatalf("InclusionProof = %x, want %x", got, v.proof)
			}
			leaf := SHA256.HashLeaf(ctLeaves[v.index])
			if err := VerifyInclusion(SHA256, v.index, v.size, leaf, v.proof, ctRoots[v.size]); err != nil {
				t.Fatal(err)
			}
			root, err := RootFromInclusionProof(SHA256, v.index, v.size, leaf, v.proof)
			if err != nil || !bytes.Equal(root, ctRoots[v.size]) {
				t.Fatalf("RootFromInclusionProof = %x, %v", root, err)
			}
		})
	}
}

func TestCTVectorsConsistency(t *testing.T) {
	tree := ctTree(t)
	for _, v := range ctConsistency {
		t.Run(fmt.Sprintf("%d/%d", v.size1, v.size2), func(t *testing.T) {
			got, err := ConsistencyProof(tree, SHA256, v.size1, v.size2)
			if err != nil {
				t.Fatal(err)
			}
			if !equalProofs(got, v.proof) {
				t.Fatalf("ConsistencyProof = %x, want %x", got, v.proof)
			}
			if err := VerifyConsistency(SHA256, v.size1, v.size2, v.proof, ctRoots[v.size1], ctRoots[v.size2]); err != nil {
				t.Fatal(err)
			}
			if v.size1 != v.size2 {
				err := VerifyConsistency(SHA256, v.size1, v.size2, v.proof, ctRoots[v.size2], ctRoots[v.size1])
				if !errors.Is(err, ErrRootMismatch) {
					t.Fatalf("swapped roots: %v", err)
				}
			}
		})
	}
}

func equalProofs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
