package policy

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
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

// decodeStrict checks the token stream against the Go type first (for the
// strictness encoding/json lacks), then lets encoding/json fill the value.
func decodeStrict(data []byte, into any) error {
	if len(data) > MaxDocumentBytes {
		return fieldErr("(document)", fmt.Sprintf("is %d bytes; allowed at most %d", len(data), MaxDocumentBytes))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := scanValue(dec, "", reflect.TypeOf(into).Elem(), 0); err != nil {
		return err
	}
	if tok, err := dec.Token(); err != io.EOF {
		return fieldErr("(document)", fmt.Sprintf("unexpected data after the top-level object (%v)", tok))
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(into); err != nil {
		return fieldErr("(document)", err.Error())
	}
	return nil
}

const maxDepth = 16

func scanValue(dec *json.Decoder, path string, t reflect.Type, depth int) error {
	if depth > maxDepth {
		return fieldErr(pathOr(path), "nesting is too deep")
	}
	tok, err := dec.Token()
	if err != nil {
		return fieldErr(pathOr(path), "invalid JSON: "+err.Error())
	}
	nullable := false
	if t.Kind() == reflect.Pointer {
		nullable = true
		t = t.Elem()
	}
	if tok == nil {
		if nullable {
			return nil
		}
		return fieldErr(pathOr(path), "is null; expected "+kindName(t))
	}
	switch t.Kind() {
	case reflect.Struct:
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return fieldErr(pathOr(path), fmt.Sprintf("is %s; expected an object", tokenKind(tok)))
		}
		fields := make(map[string]reflect.Type, t.NumField())
		for i := 0; i < t.NumField(); i++ {
			if n := jsonName(t.Field(i)); n != "" {
				fields[n] = t.Field(i).Type
			}
		}
		seen := make(map[string]bool, len(fields))
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fieldErr(pathOr(path), "invalid JSON: "+err.Error())
			}
			key := kt.(string) // the decoder only yields string keys inside objects
			sub := key
			if path != "" {
				sub = path + "." + key
			}
			if seen[key] {
				return fieldErr(sub, "appears twice; duplicate keys are refused")
			}
			seen[key] = true
			ft, ok := fields[key]
			if !ok {
				return fieldErr(sub, "unknown field; allowed "+strings.Join(sortedKeys(fields), ", "))
			}
			if err := scanValue(dec, sub, ft, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // '}'
		return err
	case reflect.Slice:
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fieldErr(pathOr(path), fmt.Sprintf("is %s; expected an array", tokenKind(tok)))
		}
		for i := 0; dec.More(); i++ {
			if err := scanValue(dec, fmt.Sprintf("%s[%d]", path, i), t.Elem(), depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return fieldErr(pathOr(path), fmt.Sprintf("is %s; expected a string", tokenKind(tok)))
		}
	case reflect.Int:
		n, ok := tok.(json.Number)
		if !ok {
			return fieldErr(pathOr(path), fmt.Sprintf("is %s; expected an integer", tokenKind(tok)))
		}
		if _, err := strconv.ParseInt(string(n), 10, 32); err != nil {
			return fieldErr(pathOr(path), fmt.Sprintf("%s is not an integer in 32-bit range", n))
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return fieldErr(pathOr(path), fmt.Sprintf("is %s; expected true or false", tokenKind(tok)))
		}
	default:
		return fieldErr(pathOr(path), "internal: unsupported Go type "+t.String())
	}
	return nil
}

func pathOr(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "an object"
	case reflect.Slice:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	}
	return t.String()
}

func tokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	}
	return "null"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
