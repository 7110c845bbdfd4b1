package policy

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pdledger/pdledger/chaincode/internal/strictjson"
)

// MaxDocumentBytes bounds the size of a profile or calendar accepted by Parse
// and ParseCalendar, so a transaction cannot make every peer chew on an
// arbitrarily large document.
const MaxDocumentBytes = 1 << 20

// Parse decodes a profile strictly and validates it. Strict means: unknown
// fields, duplicate keys, keys differing only in case (which encoding/json
// would silently accept), wrong JSON types, fractional or exponent integers
// and trailing data are all refused with an error naming the field. Strict
// matters because the profile is endorsed by several peers: two readings of
// one document must be impossible.
//
// A parameter may be given as null or left out; both mean "not set".
func Parse(data []byte) (Profile, error) {
	var p Profile
	if err := decodeStrict(data, &p); err != nil {
		return Profile{}, err
	}
	if err := p.Validate(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// CanonicalJSON returns the stable encoding of a valid profile: fields in
// declaration order, every parameter present (null when not set), no
// insignificant white space, no HTML escaping. The same profile always
// yields the same bytes, so a digest of them identifies the profile on the
// ledger; Parse(CanonicalJSON(p)) reproduces p.
func (p Profile) CanonicalJSON() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return canonical(p)
}

func canonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeStrict decodes a document with the chaincode's one strict decoder (the one that
// reads requests too), value types checked, and reports a refusal as a *FieldError
// naming the JSON path ("(document)" for the whole).
func decodeStrict(data []byte, into any) error {
	if len(data) > MaxDocumentBytes {
		return fieldErr("(document)", fmt.Sprintf("is %d bytes; allowed at most %d", len(data), MaxDocumentBytes))
	}
	err := strictjson.Decode(data, into, strictjson.Options{Types: true})
	var se *strictjson.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return fieldErr(pathOr(se.Path), se.Msg)
	}
	return fieldErr("(document)", err.Error())
}

func pathOr(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}

//go:embed profiles/*.json
var presetFS embed.FS

// Presets returns the names of the shipped profiles, sorted.
func Presets() []string {
	entries, err := presetFS.ReadDir("profiles")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// ErrUnknownPreset is returned (wrapped) by Preset for a name not shipped.
var ErrUnknownPreset = errors.New("policy: unknown preset")

// Preset returns a freshly parsed copy of a shipped profile, so callers may
// modify it (e.g. to draft an amendment) without affecting other callers.
func Preset(name string) (Profile, error) {
	if !validID(name) {
		return Profile{}, fmt.Errorf("%w %q; allowed %s", ErrUnknownPreset, name, strings.Join(Presets(), ", "))
	}
	data, err := presetFS.ReadFile("profiles/" + name + ".json")
	if err != nil {
		return Profile{}, fmt.Errorf("%w %q; allowed %s", ErrUnknownPreset, name, strings.Join(Presets(), ", "))
	}
	p, err := Parse(data)
	if err != nil {
		return Profile{}, fmt.Errorf("policy: preset %s: %w", name, err)
	}
	return p, nil
}
