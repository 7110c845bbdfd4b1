package logs

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/pdledger/pdledger/chaincode/merkle"
)

// InclusionProof is the one schema of a log line's inclusion proof: what `pdl logs
// prove` writes, what `pdl logs verify` reads, and what the explorer's POST
// /api/v1/logs/inclusion accepts unchanged. Size is the tree size the proof is for (an
// anchored size); the line is given by its text (Line) or its leaf hash (LeafHash) —
// with both, they must agree.
type InclusionProof struct {
	Stream   string   `json:"stream"`
	Index    uint64   `json:"index"`
	Size     uint64   `json:"size"`
	LeafHash string   `json:"leafHash,omitempty"` // hex SM3(0x00 || line)
	Line     *string  `json:"line,omitempty"`     // the line itself, without its line end
	Proof    []string `json:"proof"`              // hex audit path, leaf to root
	Root     string   `json:"root,omitempty"`     // hex root the proof leads to (informational: verifiers use the anchored one)
	Anchor   string   `json:"anchor,omitempty"`   // the anchor of that size, when known
	Hash     string   `json:"hash,omitempty"`     // "sm3"
	// TreeSize is Size under the name proofs had before the schema was shared with the
	// explorer; it is still written (equal to Size) for readers of that format and
	// accepted when it equals Size.
	TreeSize uint64 `json:"treeSize,omitempty"`
}

// DecodeInclusionProof reads a proof strictly: one JSON object, no unknown field, a
// size (or the older treeSize), an index below it, hex hashes and a known hash name.
func DecodeInclusionProof(raw []byte) (*InclusionProof, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p InclusionProof
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not an inclusion proof: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not an inclusion proof: data after the JSON object")
	}
	switch {
	case p.Size == 0 && p.TreeSize != 0:
		p.Size = p.TreeSize
	case p.TreeSize != 0 && p.TreeSize != p.Size:
		return nil, fmt.Errorf("size %d and treeSize %d differ", p.Size, p.TreeSize)
	}
	switch {
	case p.Stream == "":
		return nil, &ProofFieldError{"stream", "required"}
	case p.Size == 0:
		return nil, &ProofFieldError{"size", "required: the anchored tree size the proof is for"}
	case p.Index >= p.Size:
		return nil, &ProofFieldError{"index", fmt.Sprintf("%d is not below the tree size %d", p.Index, p.Size)}
	case p.Hash != "" && p.Hash != "sm3":
		return nil, &ProofFieldError{"hash", fmt.Sprintf("%q: only sm3 trees exist", p.Hash)}
	}
	if p.LeafHash != "" {
		if b, err := hex.DecodeString(p.LeafHash); err != nil || len(b) != HashSize {
			return nil, &ProofFieldError{"leafHash", "not a 32-byte hex hash"}
		}
	}
	for i, h := range p.Proof {
		if b, err := hex.DecodeString(h); err != nil || len(b) != HashSize {
			return nil, &ProofFieldError{fmt.Sprintf("proof[%d]", i), "not a 32-byte hex hash"}
		}
	}
	return &p, nil
}

// ProofFieldError names the field of a proof that is wrong.
type ProofFieldError struct{ Field, Problem string }

func (e *ProofFieldError) Error() string { return e.Field + ": " + e.Problem }

// Leaf is the leaf hash the proof is about: the line's, the given hash's, or an error
// when neither is given or they disagree.
func (p *InclusionProof) Leaf() ([]byte, error) {
	var fromLine, given []byte
	if p.Line != nil {
		fromLine = LeafHash([]byte(*p.Line))
	}
	if p.LeafHash != "" {
		given, _ = hex.DecodeString(p.LeafHash)
	}
	switch {
	case fromLine == nil && given == nil:
		return nil, &ProofFieldError{"line", "give the line or its leafHash"}
	case fromLine != nil && given != nil && !bytes.Equal(fromLine, given):
		return nil, &ProofFieldError{"line", fmt.Sprintf("the line's leaf hash is %x, the proof's leafHash %s: the line is not the one proved", fromLine, p.LeafHash)}
	case fromLine != nil:
		return fromLine, nil
	}
	return given, nil
}

// Path is the proof's audit path as bytes (a hash that is not hex decodes to nothing,
// which verification then refuses by its size).
func (p *InclusionProof) Path() [][]byte {
	path := make([][]byte, len(p.Proof))
	for i, h := range p.Proof {
		path[i], _ = hex.DecodeString(h)
	}
	return path
}

// Verify checks the proof for leaf against an anchored root.
func (p *InclusionProof) Verify(leaf, anchoredRoot []byte) error {
	return merkle.VerifyInclusion(merkle.SM3, p.Index, p.Size, leaf, p.Path(), anchoredRoot)
}

// Prove builds the inclusion proof of leaf index against the tree of the given size
// (0: the last anchored size), from the store.
func (s *Store) Prove(index, size uint64) (*InclusionProof, error) {
	anch := s.Anchored()
	if size == 0 {
		size = anch.Size
	}
	if size == 0 {
		return nil, &ProofFieldError{"size", fmt.Sprintf("stream %s has no anchored lines yet", s.meta.Stream)}
	}
	if index >= size {
		return nil, &ProofFieldError{"index", fmt.Sprintf("%d: the tree of size %d has leaves 0..%d", index, size, size-1)}
	}
	path, err := s.InclusionProof(index, size)
	if err != nil {
		return nil, err
	}
	leaf, err := s.LeafHash(index)
	if err != nil {
		return nil, err
	}
	root, err := s.RootAt(size)
	if err != nil {
		return nil, err
	}
	p := &InclusionProof{Stream: s.meta.Stream, Index: index, Size: size, TreeSize: size, LeafHash: hex.EncodeToString(leaf),
		Proof: make([]string, len(path)), Root: hex.EncodeToString(root), Hash: "sm3"}
	for i, h := range path {
		p.Proof[i] = hex.EncodeToString(h)
	}
	if size == anch.Size {
		p.Anchor = anch.Anchor
	}
	return p, nil
}
