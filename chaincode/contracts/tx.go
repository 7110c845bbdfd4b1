// Package contracts is the PDLedger chaincode: one contract per concern, each write a
// strictly validated, idempotent, rule-checked state transition that emits one typed
// event. Time comes only from the transaction timestamp; nothing depends on map order,
// randomness or the network, so every org's chaincode server endorses the same result.
package contracts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
)

// Tx is one transaction's view of the ledger. It adds what Fabric's stub lacks:
// read-your-own-writes (Fabric's GetState returns the committed value even after a
// PutState in the same transaction), the caller's bound participant, and the event that
// collects every record the transaction changes.
type Tx struct {
	stub   shim.ChaincodeStubInterface
	ci     cid.ClientIdentity
	Fn     string
	TxID   string
	Now    time.Time
	writes map[string][]byte // pending writes, nil value = deleted
	order  []string
	caller *Caller
	event  *model.Event
	prof   *profileView
	// readOnly: a query. Effects that fall due (expiry, a failed rectification) are
	// derived into the overlay so the answer shows them, but nothing reaches the stub: a
	// query submitted as a transaction writes nothing.
	readOnly bool
	// callerErr: the caller's identity was refused when resolved (Tx.Caller: an unreadable
	// creator, RuleIdentityAttribute); a query whose handler resolved it through Reader or
	// Actor, which see an anonymous caller, is refused with it too
	callerErr error
	replay    string               // the open replay session, if any (see checkTime)
	keyErr    error                // the first key the shim refused (see Key)
	orgList   []string             // the channel's peer orgs (owner.go)
	cfg       *model.NetworkConfig // the bootstrap's configuration (owner.go)
	guarded   map[string]bool      // records whose creation marker this transaction checked or wrote
	// what the opening steps of a write (WriteOption) resolved: see Who and Auth
	who  *Caller
	auth *model.Authorization
	// a commercial function's write (commercial.go): its fields came from the transient
	// map with this salt
	commercial bool
	salt       []byte
	// records written in this transaction, as the handler left them (commercial fields
	// included): a later read in the same transaction sees them, not the public form
	records map[string]model.Record
}

// Caller is the transaction's submitter.
type Caller struct {
	MSPID       string
	Subject     string
	Issuer      string
	KeyDigest   string // SM3 of the certificate's public key
	CertSHA256  string // SHA-256 (hex) of the certificate DER, as Settings.BootstrapAdmin names it
	IdentityKey string
	IsAdmin     bool
	// CertParticipant is the participant the certificate's Fabric CA attribute
	// pdl.participant names, if NamesParticipant (model.AttrParticipant).
	CertParticipant  string
	NamesParticipant bool
	Binding          *model.IdentityBinding
	Participant      *model.Participant
}

// Active reports whether the caller acts for an active participant through an active
// binding. Anyone else may read public records only.
func (c *Caller) Active() bool {
	return c.Participant != nil && c.Binding != nil &&
		c.Binding.Status == model.StatusActive && c.Participant.Status == model.StatusActive
}

// Is reports whether the caller is an active participant with one of the roles.
func (c *Caller) Is(roles ...model.Role) bool {
	if !c.Active() {
		return false
	}
	for _, r := range roles {
		if c.Participant.Role == r {
			return true
		}
	}
	return false
}

// PID is the caller's participant id ("" when unbound).
func (c *Caller) PID() string {
	if c.Participant == nil {
		return ""
	}
	return c.Participant.ID
}

func newTx(ctx contractapi.TransactionContextInterface, fn string) (*Tx, error) {
	stub := ctx.GetStub()
	ts, err := stub.GetTxTimestamp()
	if err != nil {
		return nil, model.Errf(model.CodeInternal, "transaction timestamp: %v", err)
	}
	tx := &Tx{
		stub:    stub,
		ci:      ctx.GetClientIdentity(),
		Fn:      fn,
		TxID:    stub.GetTxID(),
		Now:     ts.AsTime().UTC(),
		writes:  map[string][]byte{},
		guarded: map[string]bool{},
	}
	if err := tx.checkTime(); err != nil {
		return nil, err
	}
	return tx, nil
}

// replayKey is the config entry naming the open replay session.
const replayKey = "replay"

// checkTime holds the proposal's timestamp (which the client chose) to this server's
// clock: outside the window it is refused, unless a replay session is open and this
// server allows replay. Every transaction reads the replay entry, whatever the server's
// settings, so that endorsers configured alike produce identical read sets.
func (tx *Tx) checkTime() error {
	var cur struct {
		Open string `json:"open"`
	}
	raw, err := tx.getRaw(tx.Key(model.KindConfig, replayKey))
	if err != nil {
		return err
	}
	if raw != nil {
		if err := json.Unmarshal(raw, &cur); err != nil {
			return model.Errf(model.CodeInternal, "replay entry: %v", err)
		}
	}
	// The pointer counts only if it names a guarded session that is open: a pointer or a
	// session written without the bureau is no session at all.
	var until time.Time
	if cur.Open != "" {
		var r model.Replay
		ok, err := tx.GetIf(model.KindReplay, cur.Open, &r)
		switch {
		case err != nil && model.CodeOf(err) != model.CodeUnguarded:
			return err
		case err == nil && ok && r.Status == model.ReplayOpen:
			tx.replay, until = r.ID, r.ExpiresAt
		}
	}
	if settings.TimeWindow <= 0 {
		return nil
	}
	clock := settings.Clock().UTC()
	skew := tx.Now.Sub(clock)
	if skew < 0 {
		skew = -skew
	}
	if skew <= settings.TimeWindow {
		return nil
	}
	if tx.replay != "" && settings.ReplayAllowed && clock.Before(until) {
		return nil
	}
	return model.Errf(model.CodeTxTimeSkew, "transaction time %s differs from this endorser's clock %s by %s; the window is %s (Fabric takes a transaction's time from the client, so every endorser holds it to its own clock)",
		tx.Now.In(model.CST).Format(time.RFC3339), clock.In(model.CST).Format(time.RFC3339), skew.Round(time.Second), settings.TimeWindow)
}

// Caller resolves (once) who submitted the transaction. A certificate whose Fabric CA
// attribute pdl.participant names another participant than its binding does is refused
// (RuleIdentityAttribute), and so is every later call in the transaction.
func (tx *Tx) Caller() (*Caller, error) {
	if tx.caller != nil {
		return tx.caller, nil
	}
	if tx.callerErr != nil {
		return nil, tx.callerErr
	}
	c, err := tx.resolveCaller()
	if err != nil {
		return nil, err
	}
	tx.caller = c
	return c, nil
}

// refuseCaller records a refusal of the caller's identity for the rest of the
// transaction.
func (tx *Tx) refuseCaller(err *model.Error) error {
	tx.callerErr = err
	return err
}

func (tx *Tx) resolveCaller() (*Caller, error) {
	if unreadable(tx.ci) {
		// contract-api drops cid's error: the identity is nil when cid could not read the
		// proposal's creator. The MSP accepted the certificate, so what cid refused is its
		// attribute extension (JSON that is not {"attrs":{...}}): nobody can tell whom it
		// is for.
		return nil, tx.refuseCaller(model.Errf(model.CodeAccessDenied, "the transaction's creator cannot be read (a certificate whose Fabric CA attribute extension 1.2.3.4.5.6.7.8.1 is not valid attribute JSON, for one); it acts for no participant: ask the organization's CA for a new certificate"))
	}
	msp, err := tx.ci.GetMSPID()
	if err != nil {
		return nil, model.Errf(model.CodeInternal, "caller MSP: %v", err)
	}
	cert, err := tx.ci.GetX509Certificate()
	if err != nil || cert == nil {
		return nil, model.Errf(model.CodeInternal, "caller certificate: %v", err)
	}
	id := model.IdentityOf(msp, cert)
	sum := sha256.Sum256(cert.Raw)
	c := &Caller{MSPID: msp, Subject: id.Subject, Issuer: id.Issuer, KeyDigest: id.KeyDigest, IsAdmin: id.Admin,
		IdentityKey: id.Key(), CertSHA256: hex.EncodeToString(sum[:])}
	if c.CertParticipant, c.NamesParticipant, err = tx.ci.GetAttributeValue(model.AttrParticipant); err != nil {
		return nil, model.Errf(model.CodeInternal, "caller attribute %s: %v", model.AttrParticipant, err)
	}
	var b model.IdentityBinding
	if ok, err := tx.GetIf(model.KindIdentity, c.IdentityKey, &b); err != nil {
		return nil, err
	} else if ok && b.MSPID == msp && b.KeyDigest == c.KeyDigest {
		if c.NamesParticipant && c.CertParticipant != b.Participant {
			// whatever the binding's status: the CA and the bureau disagree about whom
			// the certificate is for, and the certificate speaks for neither
			return nil, tx.refuseCaller(model.RuleIdentityAttribute.Violation("certificate %s (%s) names participant %q in its Fabric CA attribute %s, but its binding %s names %q; it acts for neither: the bureau unbinds it and binds it to %q, or the CA issues a certificate naming %q",
				c.Subject, msp, c.CertParticipant, model.AttrParticipant, b.ID, b.Participant, c.CertParticipant, b.Participant))
		}
		var p model.Participant
		if ok, err := tx.GetIf(model.KindParticipant, b.Participant, &p); err != nil {
			return nil, err
		} else if ok && p.MSPID == msp {
			// an identity acts only for a participant of its own org
			c.Binding, c.Participant = &b, &p
		}
	}
	return c, nil
}

// unreadable reports whether the client identity is missing: nil, or the nil
// *cid.ClientID contract-api sets when cid.New fails.
func unreadable(ci cid.ClientIdentity) bool {
	if ci == nil {
		return true
	}
	v := reflect.ValueOf(ci)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Actor is the caller as recorded in records and events.
func (tx *Tx) Actor() model.Actor {
	c, err := tx.Caller()
	if err != nil {
		return model.Actor{}
	}
	return model.Actor{MSPID: c.MSPID, Subject: c.Subject, Participant: c.PID()}
}

// Require returns the caller if it is an active participant with one of roles.
func (tx *Tx) Require(roles ...model.Role) (*Caller, error) {
	c, err := tx.Caller()
	if err != nil {
		return nil, err
	}
	if c.Binding == nil || c.Participant == nil {
		return nil, model.Errf(model.CodeUnbound, "identity %s (%s) is not bound to a participant; ask the bureau to bind it", c.Subject, c.MSPID)
	}
	if !c.Active() {
		return nil, model.Errf(model.CodeSuspended, "participant %s is %s; it may read public records only", c.Participant.ID, c.Participant.Status)
	}
	if len(roles) == 0 {
		return c, nil
	}
	for _, r := range roles {
		if c.Participant.Role == r {
			return c, nil
		}
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return nil, model.Errf(model.CodeAccessDenied, "%s may not call %s: participant %s is a %s; allowed: %s",
		c.Subject, tx.Fn, c.Participant.ID, c.Participant.Role, strings.Join(names, ", "))
}

// Reader is the caller as the visibility rule sees it.
func (tx *Tx) Reader() model.Reader {
	c, err := tx.Caller()
	if err != nil || c.Participant == nil {
		return model.Reader{}
	}
	return model.Reader{Participant: c.Participant.ID, Role: c.Participant.Role, Active: c.Active()}
}

// CanRead applies model.CanRead to the caller.
func (tx *Tx) CanRead(r model.Record) bool { return model.CanRead(r, tx.Reader()) }

// Key is a record's primary key. The shim refuses attributes with invalid UTF-8, U+0000
// or U+10FFFF; request validation keeps them out, and should one get through, Key
// returns "" and every storage call with "" fails with the shim's error (never a panic,
// which would end the chaincode server for every org).
func (tx *Tx) Key(kind model.Kind, attrs ...string) string {
	k, err := tx.stub.CreateCompositeKey(string(kind), attrs)
	if err != nil {
		if tx.keyErr == nil {
			tx.keyErr = model.Errf(model.CodeBadFormat, "%s key %q: %v", kind, attrs, err)
		}
		return ""
	}
	return k
}

// badKey is the error for a storage call with a key Key refused.
func (tx *Tx) badKey() error {
	if tx.keyErr != nil {
		return tx.keyErr
	}
	return model.Errf(model.CodeInternal, "empty state key")
}

func (tx *Tx) getRaw(key string) ([]byte, error) {
	if key == "" {
		return nil, tx.badKey()
	}
	if v, ok := tx.writes[key]; ok {
		return v, nil
	}
	v, err := tx.stub.GetState(key)
	if err != nil {
		return nil, model.Errf(model.CodeInternal, "read %q: %v", key, err)
	}
	return v, nil
}

func (tx *Tx) putRaw(key string, v []byte) error {
	if key == "" {
		return tx.badKey()
	}
	if _, seen := tx.writes[key]; !seen {
		tx.order = append(tx.order, key)
	}
	tx.writes[key] = v
	if tx.readOnly {
		return nil
	}
	if err := tx.stub.PutState(key, v); err != nil {
		return model.Errf(model.CodeInternal, "write %q: %v", key, err)
	}
	return nil
}

func (tx *Tx) delRaw(key string) error {
	if key == "" {
		return tx.badKey()
	}
	if _, seen := tx.writes[key]; !seen {
		tx.order = append(tx.order, key)
	}
	tx.writes[key] = nil
	if tx.readOnly {
		return nil
	}
	if err := tx.stub.DelState(key); err != nil {
		return model.Errf(model.CodeInternal, "delete %q: %v", key, err)
	}
	return nil
}

// GetIf loads a record; ok is false when it does not exist. A committed record without
// its owner's creation marker is refused (owner.go).
func (tx *Tx) GetIf(kind model.Kind, id string, out any) (bool, error) {
	return tx.getRecord(kind, id, out, true)
}

func (tx *Tx) getRecord(kind model.Kind, id string, out any, guard bool) (bool, error) {
	key := tx.Key(kind, id)
	_, pending := tx.writes[key]
	raw, err := tx.getRaw(key)
	if err != nil {
		return false, err
	}
	if raw == nil {
		return false, nil
	}
	if guard && !pending {
		if err := tx.checkGuard(kind, id, raw); err != nil {
			return false, err
		}
	}
	if mine := tx.records[key]; pending && mine != nil && raw != nil {
		return true, tx.copyPending(mine, out)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return false, model.Errf(model.CodeInternal, "stored %s %q is unreadable: %v", kind, id, err)
	}
	if rec, ok := out.(model.Record); ok && !pending {
		if err := tx.fillCommercial(rec); err != nil {
			return false, err
		}
	}
	return true, nil
}

// copyPending hands a later read in the same transaction the record as written,
// commercial fields and their reference (salt included) kept.
func (tx *Tx) copyPending(mine model.Record, out any) error {
	full, err := json.Marshal(mine)
	if err != nil {
		return model.Errf(model.CodeInternal, "pending %s: %v", mine.GetMeta().Kind, err)
	}
	if err := json.Unmarshal(full, out); err != nil {
		return model.Errf(model.CodeInternal, "pending %s: %v", mine.GetMeta().Kind, err)
	}
	if rec, ok := out.(model.Record); ok {
		if ref, got := mine.GetMeta().Commercial, rec.GetMeta().Commercial; ref != nil && got != nil {
			got.Salt = ref.Salt
		}
	}
	return nil
}

// Get loads a record or fails with NOT_FOUND naming it.
func (tx *Tx) Get(kind model.Kind, id string, out any) error {
	ok, err := tx.GetIf(kind, id, out)
	if err != nil {
		return err
	}
	if !ok {
		return model.Errf(model.CodeNotFound, "%s %q does not exist", kind, id)
	}
	return nil
}

// GetField is Get for a referenced record: NOT_FOUND names the request field.
func (tx *Tx) GetField(kind model.Kind, id, field string, out any) error {
	ok, err := tx.GetIf(kind, id, out)
	if err != nil {
		return err
	}
	if !ok {
		return model.FieldErr(model.CodeNotFound, field, "", "field %q: %s %q does not exist", field, kind, id)
	}
	return nil
}

// Exists reports whether a record exists.
func (tx *Tx) Exists(kind model.Kind, id string) (bool, error) {
	raw, err := tx.getRaw(tx.Key(kind, id))
	return raw != nil, err
}

// Create stores a new record (version 1) and adds it to the transaction's event.
func (tx *Tx) Create(r model.Record, action string) error {
	m := r.GetMeta()
	if ok, err := tx.Exists(m.Kind, m.ID); err != nil {
		return err
	} else if ok {
		return model.FieldErr(model.CodeAlreadyExists, "id", "", "%s %q exists already", m.Kind, m.ID)
	}
	actor := tx.Actor()
	m.Version = 1
	m.CreatedBy, m.CreatedTx, m.CreatedAt = actor, tx.TxID, tx.Now
	m.UpdatedBy, m.UpdatedTx, m.UpdatedAt = actor, tx.TxID, tx.Now
	if err := tx.store(r, action); err != nil {
		return err
	}
	return tx.own(m.Kind, m.ID, tx.Key(m.Kind, m.ID))
}

// Update stores a changed record (version+1) and adds it to the event. A record changed
// twice in one transaction keeps one version step.
func (tx *Tx) Update(r model.Record, action string) error {
	m := r.GetMeta()
	if tx.Now.Before(m.UpdatedAt) {
		return model.RuleTimeMonotonic.Violation("transaction time %s is before the last change of %s %q at %s (tx %s)",
			tx.Now.Format(time.RFC3339), m.Kind, m.ID, m.UpdatedAt.Format(time.RFC3339), m.UpdatedTx)
	}
	if m.UpdatedTx != tx.TxID {
		m.Version++
	}
	m.UpdatedBy, m.UpdatedTx, m.UpdatedAt = tx.Actor(), tx.TxID, tx.Now
	return tx.store(r, action)
}

func (tx *Tx) store(r model.Record, action string) error {
	m := r.GetMeta()
	raw, err := tx.encodeStored(r)
	if err != nil {
		return model.Errf(model.CodeInternal, "encode %s %q: %v", m.Kind, m.ID, err)
	}
	key := tx.Key(m.Kind, m.ID)
	if err := tx.putRaw(key, raw); err != nil {
		return err
	}
	if tx.records == nil {
		tx.records = map[string]model.Record{}
	}
	tx.records[key] = r
	tx.addEvent(model.EventRecord{Kind: m.Kind, ID: m.ID, Version: m.Version, Action: action, Public: m.Public, Data: raw})
	return nil
}

func (tx *Tx) addEvent(rec model.EventRecord) {
	if tx.event == nil {
		tx.event = &model.Event{Schema: model.EventSchema, Function: tx.Fn, TxID: tx.TxID, Time: tx.Now, Actor: tx.Actor(),
			Type: model.EventType(rec.Kind, rec.Action), Replay: tx.replay}
	}
	for i := range tx.event.Records {
		if r := &tx.event.Records[i]; r.Kind == rec.Kind && r.ID == rec.ID {
			// keep the first action of a record; the stored data is the last write
			r.Data, r.Version, r.Public = rec.Data, rec.Version, rec.Public
			if r.Action != rec.Action && !strings.Contains(r.Action, rec.Action) {
				r.Action += "+" + rec.Action
			}
			return
		}
	}
	tx.event.Records = append(tx.event.Records, rec)
}

// SetEventType overrides the event name (for transactions whose main action is not the
// first record written).
func (tx *Tx) SetEventType(kind model.Kind, action string) {
	if tx.event != nil {
		tx.event.Type = model.EventType(kind, action)
	}
}

func (tx *Tx) emit() error {
	if tx.event == nil || tx.readOnly {
		return nil
	}
	raw, err := json.Marshal(tx.event)
	if err != nil {
		return model.Errf(model.CodeInternal, "encode event: %v", err)
	}
	return tx.stub.SetEvent(tx.event.Type, raw)
}

// Index writes an index entry: an empty-valued composite key under ix~name whose
// attributes are the lookup path ending in the target id.
func (tx *Tx) Index(name string, attrs ...string) error {
	return tx.putRaw(tx.Key(model.Kind("ix~"+name), attrs...), []byte{0})
}

// Unindex removes an index entry.
func (tx *Tx) Unindex(name string, attrs ...string) error {
	return tx.delRaw(tx.Key(model.Kind("ix~"+name), attrs...))
}

// Scan returns the attribute lists of the index entries under prefix, in key order,
// including entries written earlier in this transaction.
func (tx *Tx) Scan(name string, prefix ...string) ([][]string, error) {
	obj := "ix~" + name
	want := tx.Key(model.Kind(obj), prefix...)
	if want == "" {
		return nil, tx.badKey()
	}
	it, err := tx.stub.GetStateByPartialCompositeKey(obj, prefix)
	if err != nil {
		return nil, model.Errf(model.CodeInternal, "scan %s: %v", name, err)
	}
	defer it.Close()
	seen := map[string]bool{}
	var out [][]string
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "scan %s: %v", name, err)
		}
		if v, pending := tx.writes[kv.Key]; pending && v == nil {
			continue // deleted in this transaction
		}
		_, attrs, err := tx.stub.SplitCompositeKey(kv.Key)
		if err != nil {
			return nil, model.Errf(model.CodeInternal, "scan %s: %v", name, err)
		}
		seen[kv.Key] = true
		out = append(out, attrs)
	}
	var extra []string
	for k, v := range tx.writes {
		if v != nil && !seen[k] && strings.HasPrefix(k, want) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		for _, k := range extra {
			_, attrs, _ := tx.stub.SplitCompositeKey(k)
			out = append(out, attrs)
		}
		sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], "\x00") < strings.Join(out[j], "\x00") })
	}
	return out, nil
}

// ScanIDs returns the last attribute (the target id) of each index entry under prefix.
func (tx *Tx) ScanIDs(name string, prefix ...string) ([]string, error) {
	rows, err := tx.Scan(name, prefix...)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if len(r) > 0 {
			ids = append(ids, r[len(r)-1])
		}
	}
	return ids, nil
}

// requestEntry is what idempotency remembers per (function, request id).
type requestEntry struct {
	Digest string     `json:"digest"`
	Caller string     `json:"caller"`
	Kind   model.Kind `json:"kind"`
	ID     string     `json:"id"`
	TxID   string     `json:"txId"`
}

// VerifySignature checks an SM2 signature over the request's signing bytes against the
// registered key of its signer, who must be one of signers. need says whether one is
// required: sigProfile (filings) where the profile sets security.sm2_signature_required.
func (tx *Tx) VerifySignature(req model.Requester, need signatureNeed, signers ...string) error {
	required := false
	if need == sigProfile {
		prof, err := tx.Profile()
		if err != nil {
			return err
		}
		required = prof.P.Security.SM2SignatureRequired.True()
	}
	sig := req.Sig()
	if sig == nil {
		if required {
			return model.FieldErr(model.CodeSignature, "signature", "SM2", "the policy profile requires an SM2 signature on %s by %s", tx.Fn, strings.Join(signers, " or "))
		}
		return nil
	}
	allowed := false
	for _, s := range signers {
		if s == sig.Signer {
			allowed = true
		}
	}
	if !allowed {
		return model.FieldErr(model.CodeSignature, "signature.signer", strings.Join(signers, "|"), "signer %q may not sign %s; expected %s", sig.Signer, tx.Fn, strings.Join(signers, " or "))
	}
	var p model.Participant
	if err := tx.GetField(model.KindParticipant, sig.Signer, "signature.signer", &p); err != nil {
		return err
	}
	if p.SM2PublicKey == "" {
		return model.FieldErr(model.CodeSignature, "signature.signer", "", "participant %s has no SM2 public key registered", sig.Signer)
	}
	pub, err := gm.ParsePublicKey(p.SM2PublicKey)
	if err != nil {
		return model.Errf(model.CodeInternal, "participant %s key: %v", sig.Signer, err)
	}
	der, err := hex.DecodeString(sig.Value)
	if err != nil {
		return model.FieldErr(model.CodeSignature, "signature.value", "hex", "signature is not hex: %v", err)
	}
	msg, err := model.SigningBytes(tx.Fn, req)
	if err != nil {
		return model.Errf(model.CodeInternal, "signing bytes: %v", err)
	}
	if !gm.Verify(pub, msg, der) {
		return model.FieldErr(model.CodeSignature, "signature.value", "", "SM2 signature by %s does not verify over the request to %s", sig.Signer, tx.Fn)
	}
	return nil
}

// Write runs a write transaction: strict decode, idempotency, the opening steps (opts,
// in the order given), the handler, the event. The handler returns the record the caller
// asked for (created or changed).
func Write[R any, PR interface {
	*R
	model.Requester
}](ctx contractapi.TransactionContextInterface, fn, raw string, h func(tx *Tx, req PR) (model.Record, error), opts ...WriteOption) (out string, err error) {
	defer recoverInternal(fn, &out, &err)
	tx, err := newTx(ctx, fn)
	if err != nil {
		return "", err
	}
	req := PR(new(R))
	body := []byte(raw)
	if names := model.CommercialRequestFields(fn); names != nil {
		if body, err = tx.commercialRequest(fn, body, names); err != nil {
			return "", err
		}
	}
	if err := model.Decode(body, req); err != nil {
		return "", err
	}
	caller, err := tx.Caller()
	if err != nil {
		return "", err
	}
	sig := req.Sig()
	req.ClearSig()
	canon, err := json.Marshal(req)
	if err != nil {
		return "", model.Errf(model.CodeInternal, "encode request: %v", err)
	}
	if sig != nil {
		req.SetSignature(sig)
	}
	entryKey := tx.Key(model.KindRequest, fn, req.RequestID())
	prev, err := tx.getRaw(entryKey)
	if err != nil {
		return "", err
	}
	digest, err := tx.requestDigest(fn, req.RequestID(), canon, prev != nil)
	if err != nil {
		return "", err
	}
	if prev != nil {
		var e requestEntry
		if err := json.Unmarshal(prev, &e); err != nil {
			return "", model.Errf(model.CodeInternal, "request entry: %v", err)
		}
		if e.Digest != digest || e.Caller != caller.IdentityKey {
			return "", model.FieldErr(model.CodeIDReused, "id", "", "id %q was used by transaction %s for a different %s request; choose a new id", req.RequestID(), e.TxID, fn)
		}
		// An identical retry (for instance after a commit the client never saw): no-op,
		// answer with the record as it stands now — if the caller may still read it.
		rec := model.NewRecord(e.Kind)
		if rec == nil {
			return "", model.Errf(model.CodeInternal, "request entry names unknown kind %q", e.Kind)
		}
		ok, err := tx.GetIf(e.Kind, e.ID, rec)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", model.Errf(model.CodeNotFound, "%s %q of request %q no longer exists", e.Kind, e.ID, req.RequestID())
		}
		if !tx.CanRead(rec) {
			return "", model.Errf(model.CodeAccessDenied, "request %q committed in transaction %s; %s %q is not readable by the caller now", req.RequestID(), e.TxID, e.Kind, e.ID)
		}
		withholdAll(rec)
		return answer(rec)
	}
	for _, open := range opts {
		if err := open(tx, req); err != nil {
			return "", err
		}
	}
	rec, err := h(tx, req)
	if err != nil {
		return "", err
	}
	if rec == nil {
		return "", model.Errf(model.CodeInternal, "%s returned no record", fn)
	}
	m := rec.GetMeta()
	entry, _ := json.Marshal(requestEntry{Digest: digest, Caller: caller.IdentityKey, Kind: m.Kind, ID: m.ID, TxID: tx.TxID})
	if err := tx.putRaw(entryKey, entry); err != nil {
		return "", err
	}
	if err := tx.keepRequestSalt(fn, req.RequestID()); err != nil {
		return "", err
	}
	if err := tx.emit(); err != nil {
		return "", err
	}
	withholdAll(rec)
	return answer(rec)
}

// WriteOption is an opening step of a write: who may call, the SM2 signature, the
// profile, the authorization the request names. The steps run after the request is
// decoded and found new (an identical retry answers before them), before the handler,
// in the order given — the order of the refusals a caller can meet, so a caller with the
// wrong role is refused for its role before any problem with the records it names or
// its signature. The handler reads what they resolved with tx.Who(), tx.Policy() and
// tx.Auth().
type WriteOption func(tx *Tx, req model.Requester) error

// withRoles admits an active participant with one of roles, or any active participant
// when none is given; others are refused by Tx.Require (IDENTITY_UNBOUND,
// IDENTITY_SUSPENDED, ACCESS_DENIED).
func withRoles(roles ...model.Role) WriteOption {
	return func(tx *Tx, _ model.Requester) error {
		c, err := tx.Require(roles...)
		tx.who = c
		return err
	}
}

// withRoleRule is withRoles for a function a rule reserves to roles: an active
// participant with another role breaks the rule (its code is the error code).
func withRoleRule(rule model.Rule, roles ...model.Role) WriteOption {
	return func(tx *Tx, _ model.Requester) error {
		c, err := requireRole(tx, rule, roles...)
		tx.who = c
		return err
	}
}

// withBootstrapped refuses an identity bound to no participant with NOT_BOOTSTRAPPED
// while the ledger has no bureau (instead of IDENTITY_UNBOUND): before Bootstrap there is
// nobody who could bind it.
func withBootstrapped() WriteOption {
	return func(tx *Tx, _ model.Requester) error {
		c, err := tx.Caller()
		if err != nil || c.Binding != nil {
			return err
		}
		var cfg model.NetworkConfig
		if ok, _ := tx.GetIf(model.KindConfig, configID, &cfg); !ok {
			return model.Errf(model.CodeNotBootstrap, "the ledger has no bureau yet: an admin of the bureau's organization must call Participant:Bootstrap first")
		}
		return nil
	}
}

// withProfile loads the policy profile in force (PROFILE_NOT_SET without one).
func withProfile() WriteOption {
	return func(tx *Tx, _ model.Requester) error {
		_, err := tx.Profile()
		return err
	}
}

// signatureNeed says when withSignature requires a signature.
type signatureNeed int

const (
	// sigOptional verifies a signature the request carries; none is required.
	sigOptional signatureNeed = iota
	// sigProfile requires one where the profile sets security.sm2_signature_required.
	sigProfile
)

// withSignature verifies the request's SM2 signature by the caller, whom an earlier
// withRoles or withRoleRule admitted (see Tx.VerifySignature).
func withSignature(need signatureNeed) WriteOption {
	return func(tx *Tx, req model.Requester) error {
		return tx.VerifySignature(req, need, tx.Who().PID())
	}
}

// withAuthorization loads the authorization the request names (a
// model.AuthorizationNamer; field is the JSON name of its id, named by NOT_FOUND), due
// effects applied (loadAuthorization).
func withAuthorization(field string) WriteOption {
	return func(tx *Tx, req model.Requester) error {
		r, ok := req.(model.AuthorizationNamer)
		if !ok {
			return model.Errf(model.CodeInternal, "%s: the request names no authorization", tx.Fn)
		}
		a, err := loadAuthorization(tx, r.AuthorizationID(), field)
		tx.auth = a
		return err
	}
}

// withOwnAuthorization is withAuthorization for the caller's own authorization (after
// withRoles(model.RoleOperator)): another operator's is ACCESS_DENIED.
func withOwnAuthorization(field string) WriteOption {
	load := withAuthorization(field)
	return func(tx *Tx, req model.Requester) error {
		if err := load(tx, req); err != nil {
			return err
		}
		if c, a := tx.Who(), tx.Auth(); a.Operator != c.PID() {
			return model.FieldErr(model.CodeAccessDenied, field, a.Operator, "authorization %s is %s's, not %s's", a.ID, a.Operator, c.PID())
		}
		return nil
	}
}

// Who is the caller withRoles or withRoleRule admitted.
func (tx *Tx) Who() *Caller {
	if tx.who == nil {
		panic("contracts: Tx.Who without withRoles or withRoleRule among the options of " + tx.Fn)
	}
	return tx.who
}

// Policy is the profile withProfile (or withSignature(sigProfile)) loaded.
func (tx *Tx) Policy() *profileView {
	if tx.prof == nil {
		panic("contracts: Tx.Policy without withProfile among the options of " + tx.Fn)
	}
	return tx.prof
}

// Auth is the authorization withAuthorization or withOwnAuthorization loaded.
func (tx *Tx) Auth() *model.Authorization {
	if tx.auth == nil {
		panic("contracts: Tx.Auth without withAuthorization among the options of " + tx.Fn)
	}
	return tx.auth
}

// recoverInternal turns a panic of a handler into an INTERNAL error naming the function:
// neither contract-api nor the shim recovers one, and the chaincode server would exit
// (for every org whose gateway the caller tries next).
func recoverInternal(fn string, out *string, err *error) {
	if r := recover(); r != nil {
		*out = ""
		*err = model.Errf(model.CodeInternal, "%s failed on an internal error (%v); the transaction changed nothing", fn, r)
	}
}

// Read runs a query: strict decode of the request, the handler, JSON of its answer. The
// transaction is read-only (see Tx.readOnly): submitted, it writes nothing.
func Read[R any](ctx contractapi.TransactionContextInterface, fn, raw string, h func(tx *Tx, req *R) (any, error)) (out string, err error) {
	defer recoverInternal(fn, &out, &err)
	tx, err := newTx(ctx, fn)
	if err != nil {
		return "", err
	}
	tx.readOnly = true
	req := new(R)
	if err := model.Decode([]byte(raw), req); err != nil {
		return "", err
	}
	v, err := h(tx, req)
	if tx.callerErr != nil {
		// the caller was refused when the handler resolved it (Reader and Actor see an
		// anonymous caller): the query is refused with that, whatever the handler made of it
		return "", tx.callerErr
	}
	if err != nil {
		return "", err
	}
	return answer(v)
}

// visibleRecords loads the records of kind with the given ids (sorted, each once) and
// keeps those that exist, that the caller may read and that keep (nil: any) accepts.
func visibleRecords[T any, PT interface {
	*T
	model.Record
}](tx *Tx, kind model.Kind, ids []string, keep func(PT) bool) ([]PT, error) {
	out := []PT{}
	for _, id := range sortedUnique(ids) {
		rec := PT(new(T))
		ok, err := tx.GetIf(kind, id, rec)
		if err != nil {
			return nil, err
		}
		if ok && tx.CanRead(rec) && (keep == nil || keep(rec)) {
			out = append(out, rec)
		}
	}
	return out, nil
}

// readRecord loads one record for a query, applying the visibility rule. A record the
// caller may not see answers NOT_FOUND-like ACCESS_DENIED without revealing content.
func readRecord[T any, PT interface {
	*T
	model.Record
}](tx *Tx, kind model.Kind, id string) (PT, error) {
	rec := PT(new(T))
	if err := tx.Get(kind, id, rec); err != nil {
		return nil, err
	}
	if !tx.CanRead(rec) {
		c, _ := tx.Caller()
		who := "this identity"
		if c != nil {
			who = c.Subject
		}
		return nil, model.Errf(model.CodeAccessDenied, "%s %q is not public and %s is not a party to it", kind, id, who)
	}
	return rec, nil
}
