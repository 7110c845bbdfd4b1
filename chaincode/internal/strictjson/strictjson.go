// Package strictjson is the one strict JSON decoder of the chaincode: model.Decode
// reads every request with it, policy.Parse every profile and calendar. encoding/json
// alone is lenient where a ledger cannot be: it matches object keys to field names
// case-insensitively ({"id":"a","ID":"b"} fills id) and lets the last of two equal keys
// win, so two readers of one document could see two different values. Decode first
// walks the document's tokens against the Go type and refuses, at any depth:
//
//   - a key that appears twice in one object (also inside free-form values such as a
//     json.RawMessage);
//   - a key that names no field of the struct, including one that differs from a field
//     name only in case (names are exact);
//   - nesting deeper than MaxDepth, and data after the top-level value;
//   - with Types: a value whose JSON type does not fit the field (null where nothing is
//     nullable, a fraction or exponent for an integer, an integer outside 32 bits).
//
// Then encoding/json fills the value. Field names follow encoding/json: the json tag's
// name, or the Go name; fields of embedded structs are promoted.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// MaxDepth bounds the nesting of objects and arrays.
const MaxDepth = 16

// Kind classifies a refusal.
type Kind int

// The kinds of refusal.
const (
	Invalid        Kind = iota + 1 // not JSON, or truncated (Err holds encoding/json's error)
	Trailing                       // data after the top-level value
	TooDeep                        // nesting deeper than MaxDepth
	DuplicateKey                   // a key twice in one object
	CaseVariantKey                 // a key naming a field in another case ("ID" for "id")
	UnknownKey                     // a key naming no field
	WrongType                      // a value of the wrong JSON type (Types only)
)

// Error is a refusal of the check. Decode returns an *Error for what the check finds
// and encoding/json's own error for what it refuses while filling the value.
type Error struct {
	Kind Kind
	// Path is the JSON path of the offending key or value ("authorization.mode.source",
	// "dataList[2].resource"); "" for the document as a whole.
	Path string
	Key  string // the key as written (DuplicateKey, CaseVariantKey, UnknownKey)
	Want string // CaseVariantKey: the field's exact name
	Msg  string // what is wrong, without the path
	Err  error  // Invalid: the underlying error
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "(document): " + e.Msg
	}
	return e.Path + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Options choose the checks beyond keys and nesting.
type Options struct {
	// Types checks every value's JSON type against its field; without it, a value of
	// the wrong type is left to encoding/json (which refuses it with a
	// *json.UnmarshalTypeError, but accepts null for any field).
	Types bool
}

// Decode checks data against v's type, then decodes it into v (a non-nil pointer) with
// encoding/json, unknown fields disallowed.
func Decode(data []byte, v any, opt Options) error {
	if err := Check(data, reflect.TypeOf(v).Elem(), opt); err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// Check walks data's tokens against type t without decoding.
func Check(data []byte, t reflect.Type, opt Options) error {
	s := &scanner{dec: json.NewDecoder(bytes.NewReader(data)), opt: opt}
	s.dec.UseNumber()
	if err := s.value("", t, 0); err != nil {
		return err
	}
	if tok, err := s.dec.Token(); err != io.EOF {
		return &Error{Kind: Trailing, Msg: fmt.Sprintf("unexpected data after the top-level object (%v)", tok)}
	}
	return nil
}

type scanner struct {
	dec *json.Decoder
	opt Options
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// opaque types decode themselves: only their keys are checked (no duplicates).
func opaque(t reflect.Type) bool {
	if t.Kind() == reflect.Interface {
		return true
	}
	p := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || p.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) || p.Implements(textUnmarshaler)
}

func (s *scanner) token(path string) (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, &Error{Kind: Invalid, Path: path, Msg: "invalid JSON: " + err.Error(), Err: err}
	}
	return tok, nil
}

func (s *scanner) value(path string, t reflect.Type, depth int) error {
	if depth > MaxDepth {
		return &Error{Kind: TooDeep, Path: path, Msg: "nesting is too deep"}
	}
	tok, err := s.token(path)
	if err != nil {
		return err
	}
	nullable := false
	for t.Kind() == reflect.Pointer {
		nullable = true
		t = t.Elem()
	}
	if tok == nil {
		if nullable || !s.opt.Types {
			return nil
		}
		return s.wrongType(path, "is null; expected "+kindName(t))
	}
	delim, isDelim := tok.(json.Delim)
	switch {
	case opaque(t):
		return s.rest(path, tok, depth)
	case t.Kind() == reflect.Struct:
		if !isDelim || delim != '{' {
			return s.mismatch(path, tok, "is %s; expected an object", depth)
		}
		return s.object(path, t, depth)
	case t.Kind() == reflect.Map:
		if !isDelim || delim != '{' {
			return s.mismatch(path, tok, "is %s; expected an object", depth)
		}
		return s.members(path, depth, func(key, sub string) error { return s.value(sub, t.Elem(), depth+1) })
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8, t.Kind() == reflect.Array:
		if !isDelim || delim != '[' {
			return s.mismatch(path, tok, "is %s; expected an array", depth)
		}
		for i := 0; s.dec.More(); i++ {
			if err := s.value(fmt.Sprintf("%s[%d]", path, i), t.Elem(), depth+1); err != nil {
				return err
			}
		}
		_, err := s.token(path) // ']'
		return err
	}
	if !s.opt.Types {
		return s.rest(path, tok, depth)
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return s.wrongType(path, fmt.Sprintf("is %s; expected a string", tokenKind(tok)))
		}
	case reflect.Int:
		n, ok := tok.(json.Number)
		if !ok {
			return s.wrongType(path, fmt.Sprintf("is %s; expected an integer", tokenKind(tok)))
		}
		if _, err := strconv.ParseInt(string(n), 10, 32); err != nil {
			return s.wrongType(path, fmt.Sprintf("%s is not an integer in 32-bit range", n))
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return s.wrongType(path, fmt.Sprintf("is %s; expected true or false", tokenKind(tok)))
		}
	default:
		return s.wrongType(path, "internal: unsupported Go type "+t.String())
	}
	return nil
}

// mismatch handles a value whose JSON type does not fit: refused with Types, else read
// on (its keys still checked) and left to encoding/json.
func (s *scanner) mismatch(path string, tok json.Token, format string, depth int) error {
	if s.opt.Types {
		return s.wrongType(path, fmt.Sprintf(format, tokenKind(tok)))
	}
	return s.rest(path, tok, depth)
}

func (s *scanner) wrongType(path, msg string) error {
	return &Error{Kind: WrongType, Path: path, Msg: msg}
}

// rest reads the remainder of a value whose first token is tok, with no type to check
// it against: objects must still hold each key once.
func (s *scanner) rest(path string, tok json.Token, depth int) error {
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if d == '{' {
		return s.members(path, depth, func(key, sub string) error { return s.skip(sub, depth+1) })
	}
	for i := 0; s.dec.More(); i++ {
		if err := s.skip(fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
			return err
		}
	}
	_, err := s.token(path) // ']'
	return err
}

// skip reads a value with no type to check it against.
func (s *scanner) skip(path string, depth int) error {
	if depth > MaxDepth {
		return &Error{Kind: TooDeep, Path: path, Msg: "nesting is too deep"}
	}
	tok, err := s.token(path)
	if err != nil {
		return err
	}
	return s.rest(path, tok, depth)
}

// members reads the members of an object (after its '{'), refusing a key seen before,
// and calls member for each with the key and its path.
func (s *scanner) members(path string, depth int, member func(key, sub string) error) error {
	seen := map[string]bool{}
	for s.dec.More() {
		kt, err := s.token(path)
		if err != nil {
			return err
		}
		key := kt.(string) // the decoder only yields string keys inside objects
		sub := key
		if path != "" {
			sub = path + "." + key
		}
		if seen[key] {
			return &Error{Kind: DuplicateKey, Path: sub, Key: key, Msg: "appears twice; duplicate keys are refused"}
		}
		seen[key] = true
		if err := member(key, sub); err != nil {
			return err
		}
	}
	_, err := s.token(path) // '}'
	return err
}

func (s *scanner) object(path string, t reflect.Type, depth int) error {
	fields := fieldsOf(t)
	return s.members(path, depth, func(key, sub string) error {
		ft, ok := fields[key]
		if !ok {
			for _, name := range sortedKeys(fields) {
				if strings.EqualFold(name, key) {
					return &Error{Kind: CaseVariantKey, Path: sub, Key: key, Want: name,
						Msg: fmt.Sprintf("unknown field; names are case-sensitive: the field is %q", name)}
				}
			}
			return &Error{Kind: UnknownKey, Path: sub, Key: key, Msg: "unknown field; allowed " + strings.Join(sortedKeys(fields), ", ")}
		}
		return s.value(sub, ft, depth+1)
	})
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf maps the JSON names of t's fields to their types, as encoding/json decodes
// them: the json tag's name or the Go name, "-" skipped, the fields of an untagged
// embedded struct promoted (an outer field wins over a promoted one of the same name).
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type, depth int, at map[string]int)
	walk = func(t reflect.Type, depth int, at map[string]int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" {
				continue
			}
			if f.Anonymous && tag == "" {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					walk(et, depth+1, at)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			name := tag
			if name == "" {
				name = f.Name
			}
			if d, seen := at[name]; !seen || depth < d {
				at[name], out[name] = depth, f.Type
			}
		}
	}
	walk(t, 0, map[string]int{})
	fieldCache.Store(t, out)
	return out
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
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
