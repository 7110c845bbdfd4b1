package contracts

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// ProfileContract sets and amends the policy profile: the jurisdiction's parameters.
type ProfileContract struct {
	base
}

func init() { register("Profile", &ProfileContract{}) }

const profileCurrent = "current"

// profileView is the profile in force for a transaction, with its calendar.
type profileView struct {
	Rec *model.ProfileRecord
	P   policy.Profile
	// Cal is the profile's calendar with the years the bureau filed on the ledger
	// (Calendar:FileYear); CalVersion is the filing record's version, 0 when none.
	Cal        *policy.Calendar
	CalVersion int
	filed      map[int]bool
}

// Ref names the version: "longhua v2".
func (v *profileView) Ref() string { return model.ProfileRef(v.P.ID, v.Rec.ProfileVersion) }

// Profile returns the profile in force, or PROFILE_NOT_SET.
func (tx *Tx) Profile() (*profileView, error) {
	if tx.prof != nil {
		return tx.prof, nil
	}
	var rec model.ProfileRecord
	ok, err := tx.GetIf(model.KindProfile, profileCurrent, &rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.Errf(model.CodeProfileUnset, "the bureau has not set a policy profile yet (Profile:Set)")
	}
	parsed, err := parseStoredProfile(&rec)
	if err != nil {
		return nil, err
	}
	cal, calVersion, filed, err := tx.withFiledYears(parsed.cal)
	if err != nil {
		return nil, err
	}
	tx.prof = &profileView{Rec: &rec, P: parsed.p, Cal: cal, CalVersion: calVersion, filed: filed}
	return tx.prof, nil
}

type parsedProfile struct {
	p   policy.Profile
	cal *policy.Calendar
}

// parsedProfiles holds decoded profiles by the SHA-256 of their stored JSON. Decoding is a
// pure function of those bytes, so the cache changes no answer, only the time: the strict
// decode and validation of the profile was more than half of a simple filing's chaincode
// time (BenchmarkMix). A channel has a handful of profile versions; the bound only guards
// against a surprise. Callers treat the profile and calendar as read-only (nothing in
// the contracts writes to them).
var parsedProfiles = struct {
	sync.Mutex
	m map[[sha256.Size]byte]parsedProfile
}{m: map[[sha256.Size]byte]parsedProfile{}}

const maxParsedProfiles = 64

func parseStoredProfile(rec *model.ProfileRecord) (parsedProfile, error) {
	key := sha256.Sum256(rec.Profile)
	parsedProfiles.Lock()
	got, ok := parsedProfiles.m[key]
	parsedProfiles.Unlock()
	if ok {
		return got, nil
	}
	p, err := rec.Policy()
	if err != nil {
		return parsedProfile{}, model.Errf(model.CodeInternal, "stored profile %s: %v", rec.ID, err)
	}
	cal, err := p.WorkingCalendar()
	if err != nil {
		return parsedProfile{}, model.Errf(model.CodeInternal, "profile calendar: %v", err)
	}
	got = parsedProfile{p: p, cal: cal}
	parsedProfiles.Lock()
	if len(parsedProfiles.m) >= maxParsedProfiles {
		clear(parsedProfiles.m)
	}
	parsedProfiles.m[key] = got
	parsedProfiles.Unlock()
	return got, nil
}

// WorkingDeadline is the deadline n working days after from (the day of from not
// counted), or nil when the profile leaves the parameter unset (no deadline applies).
func (v *profileView) WorkingDeadline(what, party, param string, n *policy.IntParam, from time.Time) *model.Deadline {
	days, ok := n.Get()
	if !ok {
		return nil
	}
	d, err := v.Cal.Deadline(from, days)
	if err != nil {
		return nil
	}
	return &model.Deadline{What: what, Party: party, Due: d.Due.UTC(), Covered: d.Covered,
		Rule: fmt.Sprintf("%s=%d working days (%s)", param, days, v.Ref())}
}

// DaysDeadline is the deadline n calendar days after from (a last day falling on a rest
// day moves to the next working day), or nil when the parameter is unset.
func (v *profileView) DaysDeadline(what, party, param string, n *policy.IntParam, from time.Time) *model.Deadline {
	days, ok := n.Get()
	if !ok {
		return nil
	}
	d, err := v.Cal.DaysDeadline(from, days)
	if err != nil {
		return nil
	}
	return &model.Deadline{What: what, Party: party, Due: d.Due.UTC(), Covered: d.Covered,
		Rule: fmt.Sprintf("%s=%d days (%s)", param, days, v.Ref())}
}

// Set stores the first profile version (bureau only, once).
func (c *ProfileContract) Set(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Profile:Set", request, func(tx *Tx, req *model.SetProfileRequest) (model.Record, error) {
		if ok, err := tx.Exists(model.KindProfile, profileCurrent); err != nil {
			return nil, err
		} else if ok {
			return nil, model.RuleProfileSetOnce.Violation("the profile is set already; amend it with Profile:Amend")
		}
		var raw []byte
		basis := "custom"
		if req.Preset != "" {
			p, err := policy.Preset(req.Preset)
			if err != nil {
				return nil, model.FieldErr(model.CodeBadEnum, "preset", fmt.Sprint(policy.Presets()), "%v", err)
			}
			if raw, err = p.CanonicalJSON(); err != nil {
				return nil, model.Errf(model.CodeInternal, "preset %s: %v", req.Preset, err)
			}
			basis = req.Preset
			if len(req.Patch) > 0 {
				if raw, err = mergePatch(raw, req.Patch); err != nil {
					return nil, err
				}
			}
		} else {
			raw = req.Profile
		}
		return storeProfile(tx, raw, basis, req.Reason, nil)
	}, withRoleRule(model.RuleProfileBureauOnly, model.RoleBureau))
}

// Amend stores the next profile version, effective from this transaction.
func (c *ProfileContract) Amend(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Profile:Amend", request, func(tx *Tx, req *model.AmendProfileRequest) (model.Record, error) {
		cur := tx.Policy()
		raw, err := mergePatch(cur.Rec.Profile, req.Patch)
		if err != nil {
			return nil, err
		}
		return storeProfile(tx, raw, cur.Rec.Basis, req.Reason, cur.Rec)
	}, withRoleRule(model.RuleProfileBureauOnly, model.RoleBureau), withProfile())
}

func storeProfile(tx *Tx, raw []byte, basis, reason string, prev *model.ProfileRecord) (model.Record, error) {
	p, err := policy.Parse(raw)
	if err != nil {
		return nil, model.FieldErr(model.CodeBadFormat, "profile", "policy profile schema "+policy.SchemaV1, "profile refused: %v", err)
	}
	canon, err := p.CanonicalJSON()
	if err != nil {
		return nil, model.FieldErr(model.CodeBadFormat, "profile", "", "profile refused: %v", err)
	}
	version := 1
	prevID := ""
	if prev != nil {
		version = prev.ProfileVersion + 1
		prevID = "v" + strconv.Itoa(prev.ProfileVersion)
		if bytes.Equal(canon, prev.Profile) {
			return nil, model.FieldErr(model.CodeBadFormat, "patch", "", "the amendment changes nothing")
		}
	}
	rec := &model.ProfileRecord{
		Meta:           model.Meta{ID: "v" + strconv.Itoa(version), Kind: model.KindProfile, Public: true},
		ProfileVersion: version, Basis: basis, Reason: reason, EffectiveFrom: tx.Now,
		Profile: canon, Digest: gm.SumHex(canon), Previous: prevID,
	}
	action := "set"
	if prev != nil {
		action = "amended"
	}
	if err := tx.Create(rec, action); err != nil {
		return nil, err
	}
	cur := *rec
	cur.ID = profileCurrent
	raw2, _ := json.Marshal(&cur)
	curKey := tx.Key(model.KindProfile, profileCurrent)
	if err := tx.putRaw(curKey, raw2); err != nil {
		return nil, err
	}
	// the pointer to the version in force is the bureau's like the versions themselves
	if err := tx.own(model.KindProfile, profileCurrent, curKey); err != nil {
		return nil, err
	}
	tx.prof = nil
	return rec, nil
}

// mergePatch applies an RFC 7386 merge patch. encoding/json sorts map keys on output, so
// the result does not depend on map order.
func mergePatch(doc, patch []byte) ([]byte, error) {
	var d, p any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, model.Errf(model.CodeInternal, "profile: %v", err)
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, model.FieldErr(model.CodeBadFormat, "patch", "JSON object", "patch is not JSON: %v", err)
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, model.FieldErr(model.CodeBadFormat, "patch", "JSON object", "patch must be a JSON object")
	}
	if path := untraced(p, "patch"); path != "" {
		// Merging a bare value would keep the old value's source: the new value would be
		// traced to an article that does not say it.
		return nil, model.FieldErr(model.CodeBadFormat, path, "{value, source}", "%s sets a value without its source (seed document, article, quote)", path)
	}
	out, err := json.Marshal(merge(d, p))
	if err != nil {
		return nil, model.Errf(model.CodeInternal, "patch: %v", err)
	}
	return out, nil
}

// untraced returns the path of the first parameter object in a patch that sets "value"
// without "source", or "".
func untraced(v any, path string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	if _, hasValue := m["value"]; hasValue {
		if m["source"] == nil {
			return path
		}
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if p := untraced(m[k], path+"."+k); p != "" {
			return p
		}
	}
	return ""
}

func merge(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	keys := make([]string, 0, len(pm))
	for k := range pm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if pm[k] == nil {
			delete(tm, k)
			continue
		}
		tm[k] = merge(tm[k], pm[k])
	}
	return tm
}

// Get returns a profile version (0: current). Public.
func (c *ProfileContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Profile:Get", request, func(tx *Tx, req *model.GetProfileRequest) (any, error) {
		id := profileCurrent
		if req.Version > 0 {
			id = "v" + strconv.Itoa(req.Version)
		}
		var rec model.ProfileRecord
		if err := tx.Get(model.KindProfile, id, &rec); err != nil {
			if id == profileCurrent {
				return nil, model.Errf(model.CodeProfileUnset, "the bureau has not set a policy profile yet")
			}
			return nil, err
		}
		return &rec, nil
	})
}

// Presets lists the shipped profile presets with their jurisdictions. Public.
func (c *ProfileContract) Presets(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Profile:Presets", request, func(tx *Tx, _ *model.Empty) (any, error) {
		type preset struct {
			ID           string              `json:"id"`
			Jurisdiction policy.Jurisdiction `json:"jurisdiction"`
			Seed         string              `json:"seed"`
		}
		out := []preset{}
		for _, name := range policy.Presets() {
			p, err := policy.Preset(name)
			if err != nil {
				return nil, err
			}
			out = append(out, preset{ID: p.ID, Jurisdiction: p.Jurisdiction, Seed: p.Document.Seed})
		}
		return out, nil
	})
}
