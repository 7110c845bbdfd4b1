package model

import "encoding/json"

// UnbindIdentityRequest revokes an identity binding (bureau only).
type UnbindIdentityRequest struct {
	Request
	IdentityKey string `json:"identityKey" pdl:"req,fmt=digest"`
	Reason      string `json:"reason" pdl:"req,max=512"`
}

// ListParticipantsRequest filters participants by role.
type ListParticipantsRequest struct {
	Page
	Role Role `json:"role,omitempty"`
}

// HeartbeatRequest carries optional padding (the network pushes blocks with it until
// every orderer has a Raft snapshot).
type HeartbeatRequest struct {
	Note string `json:"note,omitempty" pdl:"max=131072"`
}

// HistoryRequest names a record.
type HistoryRequest struct {
	Kind Kind   `json:"kind" pdl:"req,max=32"`
	ID   string `json:"id" pdl:"req,max=80,fmt=id"`
}

// HistoryEntry is one committed version of a record.
type HistoryEntry struct {
	TxID     string          `json:"txId"`
	Time     string          `json:"time"`
	IsDelete bool            `json:"isDelete"`
	Value    json.RawMessage `json:"value,omitempty"`
	Version  int             `json:"version"`
	// Hidden: the caller may not read this version (model.CanRead); only its
	// transaction, time and number are shown.
	Hidden bool `json:"hidden,omitempty"`
}

// ProfilePreset is one shipped preset.
type ProfilePreset struct {
	ID           string `json:"id"`
	Jurisdiction struct {
		ZH    string `json:"zh"`
		EN    string `json:"en"`
		Level string `json:"level"`
	} `json:"jurisdiction"`
	Seed string `json:"seed"`
}

func init() {
	RegisterFuncs(
		W[BootstrapRequest, Participant]("Participant:Bootstrap", "make the caller's organization the bureau (once, admin identity)"),
		W[RegisterParticipantRequest, Participant]("Participant:Register", "register a party (bureau)"),
		W[BindIdentityRequest, IdentityBinding]("Participant:BindIdentity", "let a certificate act for a participant (bureau)"),
		W[UnbindIdentityRequest, IdentityBinding]("Participant:UnbindIdentity", "stop a certificate from acting for its participant (bureau)"),
		W[SetParticipantStatusRequest, Participant]("Participant:SetStatus", "suspend or reactivate a participant (bureau)"),
		W[SetKeyRequest, Participant]("Participant:SetKey", "register or rotate a participant's SM2 public key"),
		W[SetOrgsRequest, NetworkConfig]("Participant:SetOrgs", "record the channel's peer orgs after an org joined or left (bureau admin)"),
		R[Ref, Participant]("Participant:Get", "one participant (public)"),
		R[ListParticipantsRequest, PageResult[Participant]]("Participant:List", "participants, optionally of one role (public)"),
		R[Empty, WhoAmI]("Participant:WhoAmI", "how the ledger sees the caller"),
		R[Empty, NetworkConfig]("Participant:Config", "the bureau's MSP and participant, the channel's peer orgs (public)"),
		W[SetProfileRequest, ProfileRecord]("Profile:Set", "set the policy profile at first use (bureau)"),
		W[AmendProfileRequest, ProfileRecord]("Profile:Amend", "amend the profile: a new version from now on (bureau)"),
		R[GetProfileRequest, ProfileRecord]("Profile:Get", "a profile version, 0 = current (public)"),
		R[Empty, []ProfilePreset]("Profile:Presets", "the shipped presets (public)"),
		W[HeartbeatRequest, json.RawMessage]("System:Heartbeat", "write a heartbeat (network operations)"),
		R[HistoryRequest, []HistoryEntry]("System:History", "every committed version of a record, oldest first"),
	)
}

// DigestsRequest names records whose stored state the caller wants to compare.
type DigestsRequest struct {
	Items []RecordRef `json:"items" pdl:"req,n=200"`
}

// RecordRef names one record.
type RecordRef struct {
	Kind Kind   `json:"kind" pdl:"req,max=32"`
	ID   string `json:"id" pdl:"req,max=80,fmt=id"`
}

// StateDigest is what the ledger holds for a record now: its version and the SM3 of its
// stored bytes (exactly the data its last event carried), or Missing.
type StateDigest struct {
	Kind    Kind   `json:"kind"`
	ID      string `json:"id"`
	Version int    `json:"version,omitempty"`
	Digest  string `json:"digest,omitempty"`
	Missing bool   `json:"missing,omitempty"`
}

func init() {
	RegisterFuncs(R[DigestsRequest, []StateDigest]("System:Digests", "version and SM3 of the stored bytes of records, to compare an index with world state (auditors)"))
}
