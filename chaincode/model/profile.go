package model

import (
	"encoding/json"
	"time"

	"github.com/pdledger/pdledger/chaincode/policy"
)

func init() {
	registerKind(KindProfile, func() Record { return &ProfileRecord{} })
}

// ProfileRecord is one version of the ledger's policy profile. Version 1 is set by the
// bureau at first use; each amendment stores the next version, effective from its
// transaction time. Profiles are public: everyone must be able to see the rules.
type ProfileRecord struct {
	Meta
	ProfileVersion int             `json:"profileVersion"`
	Basis          string          `json:"basis"`         // preset the version started from, or "custom"
	Reason         string          `json:"reason"`        // why it was set or amended
	EffectiveFrom  time.Time       `json:"effectiveFrom"` // transaction time
	Profile        json.RawMessage `json:"profile"`       // canonical policy.Profile JSON
	Digest         string          `json:"digest"`        // SM3 of Profile
	Previous       string          `json:"previous,omitempty"`
}

// Parties of a profile: none (public).
func (p *ProfileRecord) Parties() []string { return nil }

// Policy decodes the stored profile.
func (p *ProfileRecord) Policy() (policy.Profile, error) { return policy.Parse(p.Profile) }

// ProfileRef names the profile version a record's deadlines were computed under:
// "longhua v2".
func ProfileRef(id string, version int) string { return id + " v" + itoa(version) }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Rules of the profile.
var (
	RuleProfileBureauOnly = NewRule("PROFILE_BUREAU_ONLY", "Profile_OnlyBureauSetsOrAmends",
		basis(guangdong("第六条", "第十九条")),
		"only the bureau sets the policy profile, at first use, and amends it with new versions")
	RuleProfileSetOnce = NewRule("PROFILE_SET_ONCE", "Profile_SetOnceThenAmend",
		basis(guangdong("第十九条（经审定同意的实施方案，原则上不得随意变更）")),
		"the profile is set once; later changes are amendments that create a new version effective from their transaction time")
)

// SetProfileRequest sets the first profile version: a shipped preset (luohu, futian,
// longhua, qinhuangdao, guangdong), optionally with a merge patch, or a full profile.
type SetProfileRequest struct {
	Request
	Preset  string          `json:"preset,omitempty" pdl:"max=32"`
	Profile json.RawMessage `json:"profile,omitempty"`
	Patch   json.RawMessage `json:"patch,omitempty"` // RFC 7386 JSON merge patch over the preset
	Reason  string          `json:"reason" pdl:"req,max=1024"`
}

// Check requires exactly one of preset and profile.
func (r *SetProfileRequest) Check() error {
	if (r.Preset == "") == (len(r.Profile) == 0) {
		return FieldErr(CodeMissingField, "preset", "preset | profile", "give exactly one of preset and profile")
	}
	if len(r.Profile) > 0 && len(r.Patch) > 0 {
		return FieldErr(CodeBadFormat, "patch", "", "a patch applies to a preset, not to a full profile")
	}
	return nil
}

// AmendProfileRequest amends the current profile with an RFC 7386 merge patch. Every
// value it sets must carry its source (seed article), as in the shipped presets.
type AmendProfileRequest struct {
	Request
	Patch  json.RawMessage `json:"patch" pdl:"req"`
	Reason string          `json:"reason" pdl:"req,max=1024"`
}

// Check requires a non-empty patch object.
func (r *AmendProfileRequest) Check() error {
	if len(r.Patch) < 2 || r.Patch[0] != '{' {
		return FieldErr(CodeBadFormat, "patch", "JSON object", "patch must be a JSON object (RFC 7386 merge patch)")
	}
	return nil
}

// GetProfileRequest asks for one version (0: the current one).
type GetProfileRequest struct {
	Version int `json:"version,omitempty" pdl:"ge=0,le=100000"`
}
