// Package merkle implements the append-only Merkle tree of RFC 6962 §2.1
// (restated in RFC 9162 §2.1) with a pluggable hash function, SM3 by
// default, for PDLedger's log checkpoints.
//
// The tree over n leaves is MTH(D[n]); leaves are hashed as H(0x00 || data)
// and interior nodes as H(0x01 || left || right), so a leaf can never be
// passed off as a node (second-preimage resistance, RFC 6962 §2.1).
//
// Three audiences share this package:
//
//   - Chaincode verifies proofs on chain with the pure functions
//     VerifyInclusion, RootFromInclusionProof and VerifyConsistency. They
//     follow the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms literally, check
//     every length before hashing, never panic, and report failures as
//     errors wrapping one of the exported Err* values so that callers can
//     map them to stable codes with errors.Is.
//   - Clients building trees over files of tens of millions of records use
//     Frontier, which appends leaf hashes in O(log n) memory, reports the
//     root at any time, hands every completed perfect subtree root to a
//     callback for persistence, and serialises its state for resumption.
//   - Proof servers implement NodeReader over whatever store holds those
//     perfect subtree roots; InclusionProof, ConsistencyProof and RootOf
//     then read O(log n) nodes and compute the ephemeral right-edge nodes
//     themselves, so no store ever needs a node that may still change.
//
// Node coordinates: (level, index) names the perfect subtree over leaves
// [index·2^level, (index+1)·2^level); level 0 holds the leaf hashes.
package merkle
