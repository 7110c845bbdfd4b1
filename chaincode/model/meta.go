package model

import (
	"sort"
	"time"
)

// Kind names a record type. It is the object type of the record's composite key and the
// prefix of its event types ("authorization.signed").
type Kind string

// Every record kind on the ledger.
const (
	KindParticipant     Kind = "participant"
	KindIdentity        Kind = "identity"
	KindProfile         Kind = "profile"
	KindResource        Kind = "resource"
	KindAuthorization   Kind = "authorization"
	KindEmergencyPlan   Kind = "emergencyplan"
	KindPartner         Kind = "partner"
	KindDevAgreement    Kind = "devagreement"
	KindApplication     Kind = "application"
	KindGrant           Kind = "grant"
	KindProduct         Kind = "product"
	KindPriceCap        Kind = "pricecap"
	KindPriceFiling     Kind = "pricefiling"
	KindTrade           Kind = "trade"
	KindRevenue         Kind = "revenue"
	KindLogStream       Kind = "logstream"
	KindAnchor          Kind = "anchor"
	KindInspection      Kind = "inspection"
	KindRectification   Kind = "rectification"
	KindEvaluation      Kind = "evaluation"
	KindIncident        Kind = "incident"
	KindReport          Kind = "report"
	KindCase            Kind = "case" // complaints, objections, disputes, data-quality feedback
	KindBench           Kind = "bench"
	KindHealth          Kind = "health"
	KindRequest         Kind = "request" // idempotency entries
	KindConfig          Kind = "config"
	KindHistoryRevision Kind = "revision" // resource content versions
	KindReplay          Kind = "replay"   // replay sessions of dated history (demo networks)
)

// Actor is who did something: the certificate (MSP + subject) and, when bound, the
// participant the bureau bound it to.
type Actor struct {
	MSPID       string `json:"mspId"`
	Subject     string `json:"subject"`
	Participant string `json:"participant,omitempty"`
}

// Meta is carried by every record: id, version, who created and last changed it, in
// which transaction and when (the transaction timestamp, never a clock), whether the
// public may read it, and the digest of the request that created it (idempotency).
type Meta struct {
	ID            string    `json:"id"`
	Kind          Kind      `json:"kind"`
	Version       int       `json:"version"`
	CreatedBy     Actor     `json:"createdBy"`
	CreatedTx     string    `json:"createdTx"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedBy     Actor     `json:"updatedBy"`
	UpdatedTx     string    `json:"updatedTx"`
	UpdatedAt     time.Time `json:"updatedAt"`
	Public        bool      `json:"public"`
	RequestDigest string    `json:"requestDigest,omitempty"`
	// Commercial stands for the withheld commercial fields of a trade or revenue report
	// (commercial.go); nil for every other kind.
	Commercial *CommercialRef `json:"commercial,omitempty"`
}

// GetMeta lets generic code reach the embedded Meta.
func (m *Meta) GetMeta() *Meta { return m }

// Record is any ledger record.
type Record interface {
	GetMeta() *Meta
	// Parties are the participant ids involved in the record: with regulators and the
	// bureau they are the ones who may read it when it is not public.
	Parties() []string
}

// Signature is an SM2 signature (GB/T 32918, SM3 digest, default user id) by a
// participant's registered key over the request's canonical signing bytes (see
// SigningBytes).
type Signature struct {
	Signer string `json:"signer" pdl:"req,fmt=id"`
	Value  string `json:"value" pdl:"req,fmt=hex,max=256"` // DER (r,s), hex
}

var kinds = map[Kind]func() Record{}

// registerKind ties a kind to its record type, so generic code (history, the explorer's
// decoder) can decode any record into its own type.
func registerKind(k Kind, f func() Record) {
	if _, dup := kinds[k]; dup {
		panic("model: kind registered twice: " + string(k))
	}
	kinds[k] = f
}

// NewRecord returns an empty record of kind k, or nil for an unknown kind.
func NewRecord(k Kind) Record {
	if f, ok := kinds[k]; ok {
		return f()
	}
	return nil
}

// Kinds lists the registered record kinds, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Deadline is an obligation with a due time: who must act, by when, under which rule.
// Compliance queries look for deadlines that are due and not met.
type Deadline struct {
	What    string     `json:"what"`             // "agreement filing", "bureau review", ...
	Party   string     `json:"party,omitempty"`  // participant who must act
	Due     time.Time  `json:"due"`              // end of the last allowed day (CST)
	Rule    string     `json:"rule"`             // profile parameter and version, e.g. "authorization.agreement_filing_working_days=10 (guangdong v1)"
	Covered bool       `json:"calendarCovered"`  // false: computed with weekends only (no holiday data for that year)
	Met     *time.Time `json:"met,omitempty"`    // when the obligation was fulfilled
	MetTx   string     `json:"metTx,omitempty"`  // transaction that fulfilled it
	Waived  string     `json:"waived,omitempty"` // reason the obligation lapsed (e.g. the record was refused)
}

// Overdue reports whether the deadline passed unmet at t.
func (d *Deadline) Overdue(t time.Time) bool {
	return d != nil && d.Met == nil && d.Waived == "" && t.After(d.Due)
}

// Open reports whether the deadline is still to be met.
func (d *Deadline) Open() bool { return d != nil && d.Met == nil && d.Waived == "" }

// RuleTimeMonotonic: Fabric takes a transaction's time from the client's proposal, so the
// ledger refuses a change dated before the record's last change — a record's history can
// only move forward in time, and a deadline cannot be met by backdating.
var RuleTimeMonotonic = NewRule("TX_TIME_BEFORE_LAST_CHANGE", "Record_TimeMovesForward",
	basis(futian("第十六条（全流程操作可追踪）"), "ledger design: a record's time is its transaction's timestamp"),
	"a transaction dated before the last change of a record it changes is refused")

// Reader is who asks to read a record: the participant an identity acts for, its role,
// and whether both the participant and the identity's binding are active. The zero
// Reader is the public.
type Reader struct {
	Participant string `json:"participant,omitempty"`
	Role        Role   `json:"role,omitempty"`
	Active      bool   `json:"active"`
}

// CanRead is the visibility rule of every record version, applied alike by the
// chaincode's queries and by the explorer: a public version to anyone; any other to an
// active bureau or regulator and to the active parties of that version. It depends on
// the version read, not on the record as it stands now (a resource's versions from
// before its cataloguing stay private after it is catalogued).
func CanRead(r Record, who Reader) bool {
	return CanReadVersion(r.GetMeta().Public, r.Parties(), who)
}

// CanReadVersion is CanRead for a version known by its public flag and parties (the
// explorer's index keeps both per version).
func CanReadVersion(public bool, parties []string, who Reader) bool {
	if public {
		return true
	}
	if !who.Active || who.Participant == "" {
		return false
	}
	if who.Role == RoleBureau || who.Role == RoleRegulator {
		return true
	}
	for _, p := range parties {
		if p == who.Participant {
			return true
		}
	}
	return false
}
