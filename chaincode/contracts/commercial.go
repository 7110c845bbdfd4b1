package contracts

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
)

// Commercial fields in the private data collection (model/commercial.go). How the
// chaincode keeps them out of what every peer holds:
//
//   - a commercial function (model.CommercialRequestFields) takes those fields from the
//     transient map only, refuses them in the arguments (COMMERCIAL_IN_ARGUMENTS), and
//     runs only on a peer of a member org (COMMERCIAL_NOT_MEMBER);
//   - a stored trade or revenue report carries its commercial fields in the collection,
//     one entry per change, and on the channel only a CommercialRef (the salted digest);
//     the event carries the same public form;
//   - answers fill the fields back for readers model.CanReadCommercial admits, on member
//     peers: queries whenever that holds, writes only in commercial functions (all their
//     endorsers are members). Any other write leaves them withheld, so its endorsers'
//     read sets and answers are the same on member and non-member peers.

// commercialPeer reports whether this server's org is a member of the commercial
// collection (true when the settings do not say: unit tests).
func commercialPeer() bool {
	return settings.MSP == "" || len(settings.CommercialOrgs) == 0 || slices.Contains(settings.CommercialOrgs, settings.MSP)
}

const (
	minSalt = 16
	maxSalt = 64
)

// commercialRequest merges the commercial fields of fn's request from the transient map
// into its JSON arguments, for the strict decoder to check as one object (a key in both
// is then INPUT_DUPLICATE_KEY). It records the salt for the transaction's writes.
func (tx *Tx) commercialRequest(fn string, raw []byte, names []string) ([]byte, error) {
	if !commercialPeer() {
		return nil, model.Errf(model.CodeCommercialNotMember,
			"%s carries commercial fields, and this peer's org %s is not a member of collection %q (members: %s): send it to members' peers only (the pdl client does)",
			fn, settings.MSP, model.CommercialCollection, strings.Join(settings.CommercialOrgs, ", "))
	}
	var args map[string]json.RawMessage
	if json.Unmarshal(raw, &args) == nil {
		for _, n := range names {
			if _, ok := args[n]; ok {
				return nil, model.FieldErr(model.CodeCommercialInArgs, n, "transient "+model.TransientCommercial,
					"field %q of %s is commercial: it travels in the transient map %q, never in the arguments every peer keeps in the block (the pdl client does this)",
					n, fn, model.TransientCommercial)
			}
		}
	}
	transient, err := tx.stub.GetTransient()
	if err != nil {
		return nil, model.Errf(model.CodeInternal, "transient map: %v", err)
	}
	salt := transient[model.TransientSalt]
	if len(salt) < minSalt || len(salt) > maxSalt {
		return nil, model.FieldErr(model.CodeMalformed, model.TransientSalt, "16..64 bytes",
			"%s needs a fresh random salt of 16 to 64 bytes in the transient map %q (got %d bytes)", fn, model.TransientSalt, len(salt))
	}
	tx.commercial, tx.salt = true, salt
	fields := bytes.TrimSpace(transient[model.TransientCommercial])
	if len(fields) == 0 {
		return raw, nil // the required fields are then reported missing by the decoder
	}
	var priv map[string]json.RawMessage
	if len(fields) < 2 || fields[0] != '{' || fields[len(fields)-1] != '}' || json.Unmarshal(fields, &priv) != nil {
		return nil, model.FieldErr(model.CodeMalformed, model.TransientCommercial, "a JSON object",
			"the transient map's %q must be one JSON object of %s's commercial fields", model.TransientCommercial, fn)
	}
	for k := range priv {
		if !slices.Contains(names, k) {
			return nil, model.FieldErr(model.CodeUnknownField, k, strings.Join(names, "|"),
				"field %q is not a commercial field of %s (those are %s): it belongs in the arguments", k, fn, strings.Join(names, ", "))
		}
	}
	body := bytes.TrimSpace(raw)
	if len(body) < 2 || body[0] != '{' || body[len(body)-1] != '}' {
		return raw, nil // not an object: the decoder says so
	}
	inner := bytes.TrimSpace(fields[1 : len(fields)-1])
	if len(inner) == 0 {
		return raw, nil
	}
	merged := append([]byte(nil), bytes.TrimSpace(body[:len(body)-1])...)
	if merged[len(merged)-1] != '{' {
		merged = append(merged, ',')
	}
	merged = append(merged, inner...)
	return append(merged, '}'), nil
}

// requestDigest is the digest an identical retry of a request must reproduce. For a
// commercial request it is salted, so the digest on the channel confirms no guess of
// the fields; a retry recomputes it with the salt the first request left in the
// collection.
func (tx *Tx) requestDigest(fn, id string, canon []byte, retry bool) (string, error) {
	msg := append([]byte(fn+"\n"), canon...)
	if !tx.commercial {
		return gm.SumHex(msg), nil
	}
	salt := tx.salt
	if retry {
		old, err := tx.stub.GetPrivateData(model.CommercialCollection, model.CommercialRequestKey(fn, id))
		if err != nil {
			return "", model.Errf(model.CodeInternal, "commercial request %s %q: %v", fn, id, err)
		}
		if old == nil {
			return "", nil // matches nothing: ID_REUSED
		}
		salt = old
	}
	return gm.SumHex(append(append([]byte(nil), salt...), msg...)), nil
}

// keepRequestSalt stores the salt of a committed commercial request (see requestDigest).
func (tx *Tx) keepRequestSalt(fn, id string) error {
	if !tx.commercial {
		return nil
	}
	if err := tx.stub.PutPrivateData(model.CommercialCollection, model.CommercialRequestKey(fn, id), tx.salt); err != nil {
		return model.Errf(model.CodeInternal, "store commercial request salt: %v", err)
	}
	return nil
}

// mayFill reports whether this transaction may read rec's commercial fields back from
// the collection. Writes never do except commercial ones, whose endorsers are all
// members: a write's read set and answer must be the same on every endorser.
func (tx *Tx) mayFill(rec model.Record) bool {
	switch {
	case tx.readOnly:
		return commercialPeer() && model.CanReadCommercial(rec, tx.Reader())
	case tx.commercial:
		return model.CanReadCommercial(rec, tx.Reader())
	}
	return false
}

// fillCommercial reads a loaded record's commercial fields back from the collection when
// the transaction may, checking them against the digest on the channel; otherwise it
// marks them withheld. A record stored before the fields moved (no reference) still has
// them in its public JSON: they are marked withheld for readers who may not see them.
func (tx *Tx) fillCommercial(rec model.Record) error {
	m := rec.GetMeta()
	if model.CommercialFields(m.Kind) == nil {
		return nil
	}
	ref := m.Commercial
	if ref == nil {
		if !model.CanReadCommercial(rec, tx.Reader()) {
			m.Commercial = &model.CommercialRef{Withheld: true} // Digest "": a record from before
		}
		return nil
	}
	if !tx.mayFill(rec) {
		ref.Withheld = true
		return nil
	}
	raw, err := tx.stub.GetPrivateData(model.CommercialCollection, model.CommercialKey(m.Kind, m.ID, ref.Tx))
	if err != nil || raw == nil {
		if tx.readOnly {
			// a member peer that has not received them yet (the peer answers an error while
			// the hash is committed and the value is missing): the query answers without them
			ref.Withheld = true
			return nil
		}
		return model.Errf(model.CodeInternal, "commercial fields of %s %q (tx %s) are not on this peer: %v", m.Kind, m.ID, ref.Tx, err)
	}
	var e model.CommercialEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return model.Errf(model.CodeInternal, "commercial fields of %s %q are unreadable: %v", m.Kind, m.ID, err)
	}
	salt, err := hex.DecodeString(e.Salt)
	if err != nil || gm.SumHex(append(salt, e.Fields...)) != ref.Digest {
		return model.Errf(model.CodeInternal, "commercial fields of %s %q (tx %s) do not match their digest on the channel", m.Kind, m.ID, ref.Tx)
	}
	if err := json.Unmarshal(e.Fields, rec); err != nil {
		return model.Errf(model.CodeInternal, "commercial fields of %s %q: %v", m.Kind, m.ID, err)
	}
	ref.Withheld, ref.Salt = false, salt
	return nil
}

// unchangedFields fails if a record whose commercial fields this transaction did not read
// carries any: they would be dropped (the stored entry stays as it was), so a handler
// that set them outside a commercial function is a bug to surface, not to hide.
func unchangedFields(kind model.Kind, id string, fields []byte) error {
	zero, err := json.Marshal(model.NewRecord(kind))
	if err != nil {
		return err
	}
	_, want, err := model.SplitCommercial(kind, zero)
	if err != nil {
		return err
	}
	if !bytes.Equal(fields, want) {
		return model.Errf(model.CodeInternal, "commercial fields of %s %q changed by a transaction that did not read them (%s)", kind, id, fields)
	}
	return nil
}

// encodeStored is the JSON a record is stored (and announced) as. For a kind with
// commercial fields: the public part and a CommercialRef; a commercial function writes
// changed fields into the collection under a new entry, any other write keeps the
// record's entry as it is (and may not change them).
func (tx *Tx) encodeStored(r model.Record) ([]byte, error) {
	m := r.GetMeta()
	loaded := m.Commercial
	legacy := loaded != nil && loaded.Digest == ""
	if model.CommercialFields(m.Kind) == nil || ((loaded == nil || legacy) && !tx.commercial) {
		// no commercial fields, or a record from before they moved: stored as it is
		if legacy {
			m.Commercial = nil
			defer func() { m.Commercial = loaded }()
		}
		return json.Marshal(r)
	}
	defer func() { m.Commercial = loaded }()
	m.Commercial = nil
	full, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	_, fields, err := model.SplitCommercial(m.Kind, full)
	if err != nil {
		return nil, err
	}
	var ref model.CommercialRef
	switch {
	case loaded != nil && !legacy && (!tx.commercial || loaded.Withheld):
		if err := unchangedFields(m.Kind, m.ID, fields); err != nil {
			return nil, err
		}
		ref = model.CommercialRef{Digest: loaded.Digest, Tx: loaded.Tx}
	case loaded != nil && !legacy && loaded.Salt != nil && gm.SumHex(append(append([]byte(nil), loaded.Salt...), fields...)) == loaded.Digest:
		ref = model.CommercialRef{Digest: loaded.Digest, Tx: loaded.Tx}
	default:
		entry, err := json.Marshal(model.CommercialEntry{Salt: hex.EncodeToString(tx.salt), Fields: fields})
		if err != nil {
			return nil, err
		}
		if err := tx.stub.PutPrivateData(model.CommercialCollection, model.CommercialKey(m.Kind, m.ID, tx.TxID), entry); err != nil {
			return nil, model.Errf(model.CodeInternal, "store commercial fields of %s %q: %v", m.Kind, m.ID, err)
		}
		ref = model.CommercialRef{Digest: gm.SumHex(append(append([]byte(nil), tx.salt...), fields...)), Tx: tx.TxID}
		loaded = &model.CommercialRef{Digest: ref.Digest, Tx: ref.Tx, Salt: tx.salt}
	}
	m.Commercial = &ref
	full, err = json.Marshal(r)
	if err != nil {
		return nil, err
	}
	public, _, err := model.SplitCommercial(m.Kind, full)
	return public, err
}

// withholdAll marks a write's answer withheld: the answer is part of what every endorser
// signs and so goes into the block (Fabric's "protecting private data responses"); the
// caller has the values it sent, and reads them back with a query.
func withholdAll(rec model.Record) {
	m := rec.GetMeta()
	if model.CommercialFields(m.Kind) == nil {
		return
	}
	if m.Commercial == nil {
		m.Commercial = &model.CommercialRef{}
	}
	ref := *m.Commercial
	ref.Withheld = true
	m.Commercial = &ref
}

// answer encodes a write's or query's answer, leaving out withheld commercial fields.
func answer(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", model.Errf(model.CodeInternal, "encode result: %v", err)
	}
	out, err := model.WithholdCommercial(raw)
	if err != nil {
		return "", model.Errf(model.CodeInternal, "encode result: %v", err)
	}
	return string(out), nil
}
