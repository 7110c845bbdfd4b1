package model

import (
	"bytes"
	"encoding/json"
)

// Commercial fields. A trade's buyer, quantity and amount and a revenue report's figures
// are business secrets of the operator (and of the exchange a trade went through). The
// channel's ACLs keep raw blocks from ordinary members, but every peer of every org — and
// that org's admins — would still hold them. So they live in the private data collection
// CommercialCollection, whose members are the bureau's and the operators' orgs; the
// channel keeps the record with those fields withheld and, in their place, the SM3 digest
// of a random salt and the fields (CommercialRef), so a member can prove the values and
// nobody can confirm a guess without the salt.
//
// The same fields never travel in a request's arguments, which every peer stores in the
// block: the client moves them (and the request's SM2 signature, which would confirm a
// guess too) into the proposal's transient map (TransientCommercial, with the salt in
// TransientSalt) and sends the proposal to members' peers only.
//
// Application purposes are not among them: an application's reviewers include source
// units, and all source units share one MSP, so a collection could not tell the unit
// concerned from the others. They are protected by the visibility rule and the ACLs.

// CommercialCollection is the private data collection of commercial fields.
const CommercialCollection = "commercial"

// Transient map keys of a commercial request.
const (
	TransientCommercial = "pdl.commercial" // JSON object: the request's commercial fields
	TransientSalt       = "pdl.salt"       // 16 to 64 random bytes, fresh per request
)

// CommercialRef stands in a stored record for its withheld commercial fields.
type CommercialRef struct {
	// Digest is SM3(salt ‖ fields) in hex, fields being the JSON object of the kind's
	// CommercialFields as stored in the collection.
	Digest string `json:"digest"`
	// Tx is the transaction that wrote the fields: the collection key is
	// CommercialKey(kind, id, Tx), one per change, so every version stays provable.
	Tx string `json:"tx"`
	// Withheld is set in an answer whose reader may not see the fields (or whose peer
	// does not hold them); it is never stored.
	Withheld bool `json:"withheld,omitempty"`
	// Salt of the loaded fields, kept in memory so an unchanged record keeps its entry.
	Salt []byte `json:"-"`
}

// CommercialEntry is the collection's value for one record version.
type CommercialEntry struct {
	Salt   string          `json:"salt"` // hex
	Fields json.RawMessage `json:"fields"`
}

var commercialRecordFields = map[Kind][]string{
	KindTrade: {"amountFen", "buyer", "quantity", "signature"},
	KindRevenue: {"allowedFen", "allowedProfitFen", "carriedInFen", "corrections", "costFen", "deviationBp",
		"maxAllowedFen", "overageFen", "revenueFen", "signature", "taxFen"},
}

var commercialRequestFields = map[string][]string{
	"Trade:File":      {"amountFen", "buyer", "quantity", "signature"},
	"Revenue:Report":  {"costFen", "revenueFen", "signature", "taxFen"},
	"Revenue:Correct": {"costFen", "reason", "revenueFen", "signature", "taxFen"},
}

// CommercialFields are the JSON names of kind's withheld fields (nil: none), sorted.
func CommercialFields(kind Kind) []string { return commercialRecordFields[kind] }

// CommercialRequestFields are the JSON names of fn's request fields that travel in the
// transient map (nil: fn is not a commercial function), sorted.
func CommercialRequestFields(fn string) []string { return commercialRequestFields[fn] }

// CommercialKey is the collection key of a record version's commercial fields.
func CommercialKey(kind Kind, id, tx string) string { return string(kind) + "/" + id + "/" + tx }

// CommercialRequestKey is the collection key of a commercial request's salt (an identical
// retry recomputes the request's digest with it).
func CommercialRequestKey(fn, id string) string { return "request/" + fn + "/" + id }

// CanReadCommercial is the rule for the commercial fields of a record the reader may read
// at all (CanRead): the bureau and regulators, the record's operator, and the exchange a
// trade went through — not the source units, though they are parties to a trade.
func CanReadCommercial(r Record, who Reader) bool {
	if !who.Active || !CanRead(r, who) {
		return false
	}
	switch who.Role {
	case RoleBureau, RoleRegulator:
		return true
	}
	switch v := r.(type) {
	case *Trade:
		return who.Participant == v.Operator || (v.Exchange != "" && who.Participant == v.Exchange)
	case *Revenue:
		return who.Participant == v.Operator
	}
	return false
}

// SplitCommercial splits a record's JSON object into its public part (the kind's
// commercial fields removed) and the commercial fields (a JSON object). Both come out
// with their keys sorted, so the split is deterministic.
func SplitCommercial(kind Kind, raw []byte) (public, fields []byte, err error) {
	return splitFields(raw, CommercialFields(kind))
}

// splitFields moves the named fields of a JSON object into their own object; both
// objects are marshalled with sorted keys.
func splitFields(raw []byte, names []string) (rest, fields []byte, err error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, nil, err
	}
	moved := map[string]json.RawMessage{}
	for _, n := range names {
		if v, ok := obj[n]; ok {
			moved[n] = v
			delete(obj, n)
		}
	}
	if rest, err = json.Marshal(obj); err != nil {
		return nil, nil, err
	}
	if fields, err = json.Marshal(moved); err != nil {
		return nil, nil, err
	}
	return rest, fields, nil
}

var withheldMark = []byte(`"withheld":true`)

// WithholdCommercial removes, anywhere in an answer, the commercial fields of every
// record whose CommercialRef says they are withheld: a reader who may not see them gets
// no field rather than a misleading zero.
func WithholdCommercial(raw []byte) ([]byte, error) {
	if !bytes.Contains(raw, withheldMark) {
		return raw, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(withhold(v))
}

func withhold(v any) any {
	switch t := v.(type) {
	case []any:
		for i := range t {
			t[i] = withhold(t[i])
		}
	case map[string]any:
		for k, e := range t {
			t[k] = withhold(e)
		}
		ref, _ := t["commercial"].(map[string]any)
		kind, _ := t["kind"].(string)
		if w, _ := ref["withheld"].(bool); w {
			for _, n := range CommercialFields(Kind(kind)) {
				delete(t, n)
			}
		}
	}
	return v
}

// SplitCommercialRequest prepares fn's JSON request for the network as a client must:
// the commercial fields move into the transient map with salt (fresh random bytes,
// 16 to 64 of them); the arguments keep the rest. A function without commercial fields
// returns raw as is and no transient map.
func SplitCommercialRequest(fn string, raw []byte, salt []byte) (args []byte, transient map[string][]byte, err error) {
	names := CommercialRequestFields(fn)
	if names == nil {
		return raw, nil, nil
	}
	args, fields, err := splitFields(raw, names)
	if err != nil {
		return nil, nil, err
	}
	return args, map[string][]byte{TransientCommercial: fields, TransientSalt: salt}, nil
}
