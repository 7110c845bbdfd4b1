package model

import (
	"encoding/json"
)

// Request is embedded in every write request: the client-chosen id that makes the write
// idempotent (for creations it is the new record's id; for transitions it names the
// action), and the optional SM2 signature of the caller's participant.
type Request struct {
	ID        string     `json:"id" pdl:"req,fmt=id"`
	Signature *Signature `json:"signature,omitempty"`
}

// RequestID returns the idempotency id.
func (r *Request) RequestID() string { return r.ID }

// Sig returns the attached signature, if any.
func (r *Request) Sig() *Signature { return r.Signature }

// ClearSig removes the signature (for computing the signing bytes).
func (r *Request) ClearSig() { r.Signature = nil }

// SetSignature attaches a signature.
func (r *Request) SetSignature(s *Signature) { r.Signature = s }

// Requester is implemented by every write request (through the embedded Request).
type Requester interface {
	RequestID() string
	Sig() *Signature
	ClearSig()
	SetSignature(*Signature)
}

// SigningDomain prefixes what a participant signs, so a signature for one function can
// never be replayed as another.
const SigningDomain = "PDLEDGER-SM2-V1"

// SigningBytes is the canonical encoding a participant signs for a request to function
// fn ("Authorization:Sign"): the domain, the function, and the request re-encoded by
// encoding/json (fields in declaration order, no insignificant white space) without its
// signature. Clients and chaincode share these types, so both sides produce the same bytes.
func SigningBytes(fn string, req Requester) ([]byte, error) {
	sig := req.Sig()
	req.ClearSig()
	body, err := json.Marshal(req)
	if sig != nil {
		req.SetSignature(sig)
	}
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(SigningDomain)+len(fn)+len(body)+2)
	out = append(out, SigningDomain...)
	out = append(out, '\n')
	out = append(out, fn...)
	out = append(out, '\n')
	return append(out, body...), nil
}

// Ref is a request for one record by id (reads).
type Ref struct {
	ID string `json:"id" pdl:"req,fmt=id"`
}

// Page is the common paging part of list queries.
type Page struct {
	PageSize int    `json:"pageSize,omitempty" pdl:"ge=0,le=500"`
	Bookmark string `json:"bookmark,omitempty" pdl:"max=1024"`
}

// PageResult wraps a page of records.
type PageResult[T any] struct {
	Records  []T    `json:"records"`
	Bookmark string `json:"bookmark,omitempty"`
}
