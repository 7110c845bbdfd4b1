package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pdledger/pdledger/chaincode/internal/strictjson"
)

// MaxRequestBytes bounds every request body.
const MaxRequestBytes = 256 << 10

// Default limits for fields whose tag names none.
const (
	DefaultMaxString = 256
	DefaultMaxList   = 100
)

// Decode parses a request strictly, with the chaincode's one strict decoder (the one that
// reads policy profiles too): exactly one JSON object; field names exact (a key that
// differs from a field name only in case is an unknown field, as is any key the request
// type does not have); no key twice in one object, at any depth; then Validate. Every
// refusal is an *Error naming the field and the limit.
func Decode(raw []byte, v any) error {
	if len(raw) > MaxRequestBytes {
		return FieldErr(CodeTooLarge, "", strconv.Itoa(MaxRequestBytes), "request is %d bytes; the limit is %d bytes", len(raw), MaxRequestBytes)
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Errf(CodeMalformed, "request must be one JSON object")
	}
	if !utf8.Valid(trimmed) {
		return Errf(CodeMalformed, "request is not valid UTF-8")
	}
	if err := strictjson.Decode(trimmed, v, strictjson.Options{}); err != nil {
		return decodeErr(err)
	}
	return Validate(v)
}

func decodeErr(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pdl *Error
	var strict *strictjson.Error
	if errors.As(err, &strict) {
		switch strict.Kind {
		case strictjson.DuplicateKey:
			return FieldErr(CodeDuplicateKey, strict.Path, "each key once", "key %q appears twice in the same object (%s); duplicate keys are refused", strict.Key, strict.Path)
		case strictjson.CaseVariantKey:
			return FieldErr(CodeUnknownField, strict.Path, strict.Want, "unknown field %q: field names are case-sensitive; the field is %q", strict.Path, strict.Want)
		case strictjson.UnknownKey:
			return FieldErr(CodeUnknownField, strict.Path, "", "unknown field %q", strict.Path)
		case strictjson.Trailing:
			return Errf(CodeMalformed, "unexpected data after the JSON object")
		case strictjson.TooDeep:
			return FieldErr(CodeMalformed, strict.Path, strconv.Itoa(strictjson.MaxDepth), "field %q is nested deeper than %d levels", strict.Path, strictjson.MaxDepth)
		case strictjson.Invalid:
			err = strict.Err
		}
	}
	switch {
	case errors.As(err, &pdl):
		return pdl
	case errors.As(err, &te):
		field := te.Field
		return FieldErr(CodeBadFormat, field, te.Type.String(), "field %q: expected %s, got JSON %s", field, jsonType(te.Type), te.Value)
	case errors.As(err, &se):
		return Errf(CodeMalformed, "malformed JSON at byte %d: %v", se.Offset, se)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return FieldErr(CodeUnknownField, name, "", "unknown field %q", name)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return Errf(CodeMalformed, "truncated JSON")
	}
	return Errf(CodeMalformed, "malformed JSON: %v", err)
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// Enum is implemented by enumerated string types.
type Enum interface {
	Values() []string
}

// Checker is implemented by request types with cross-field checks beyond tags.
type Checker interface {
	Check() error
}

var formats = map[string]*regexp.Regexp{
	"id":     regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`),
	"digest": regexp.MustCompile(`^[0-9a-f]{64}$`),
	"hex":    regexp.MustCompile(`^([0-9a-f]{2})+$`),
	"uscc":   regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{18}$`),
	"date":   regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`),
	"year":   regexp.MustCompile(`^\d{4}$`),
	"period": regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])|-H[12]|-Q[1-4])?$`),
}

var formatHelp = map[string]string{
	"id":     "1-64 characters: letters, digits and . _ : - (not first)",
	"digest": "64 lower-case hex characters (SM3)",
	"hex":    "lower-case hex, even length",
	"uscc":   "18-character 统一社会信用代码 (GB 32100)",
	"date":   "YYYY-MM-DD",
	"year":   "YYYY",
	"period": "YYYY, YYYY-MM, YYYY-H1/H2 or YYYY-Q1..Q4",
	"sm2key": "SM2 public key: PEM or 130 hex characters 04||X||Y",
}

// Validate checks v against its `pdl` struct tags and its Check method. Tags:
//
//	req        required: non-empty string or list, non-nil pointer, non-zero number
//	max=N      strings: at most N characters (also each item of a []string)
//	n=N        lists: at most N items
//	fmt=F      strings: a format from the table above (also each item of a []string)
//	ge=N le=N  integers: inclusive range
//	uniq       lists: no duplicate items
//
// Nested structs, pointers and slices of structs are validated with their path
// (dataList[2].resourceId). Enum-typed fields must hold one of their Values.
func Validate(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return Errf(CodeMalformed, "empty request")
		}
		rv = rv.Elem()
	}
	if err := validateStruct(rv, ""); err != nil {
		return err
	}
	return nil
}

type tagSpec struct {
	req, uniq bool
	max, n    int
	fmt       string
	ge, le    *int64
}

func parseTag(tag string) tagSpec {
	s := tagSpec{max: DefaultMaxString, n: DefaultMaxList}
	for _, part := range strings.Split(tag, ",") {
		k, val, _ := strings.Cut(part, "=")
		switch k {
		case "req":
			s.req = true
		case "uniq":
			s.uniq = true
		case "max":
			s.max, _ = strconv.Atoi(val)
		case "n":
			s.n, _ = strconv.Atoi(val)
		case "fmt":
			s.fmt = val
		case "ge":
			x, _ := strconv.ParseInt(val, 10, 64)
			s.ge = &x
		case "le":
			x, _ := strconv.ParseInt(val, 10, 64)
			s.le = &x
		}
	}
	return s
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

var timeType = reflect.TypeOf(time.Time{})

func validateStruct(rv reflect.Value, path string) error {
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := rv.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if err := validateStruct(fv, path); err != nil {
				return err
			}
			continue
		}
		name := jsonName(f)
		if name == "-" {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		if err := validateField(fv, p, parseTag(f.Tag.Get("pdl"))); err != nil {
			return err
		}
	}
	if !rv.CanAddr() {
		return nil
	}
	if c, ok := rv.Addr().Interface().(Checker); ok {
		if err := c.Check(); err != nil {
			var e *Error
			if errors.As(err, &e) && path != "" && e.Field != "" && !strings.HasPrefix(e.Field, path) {
				e.Field = path + "." + e.Field
			}
			return err
		}
	}
	return nil
}

func validateField(fv reflect.Value, path string, t tagSpec) error {
	switch fv.Kind() {
	case reflect.Pointer:
		if fv.IsNil() {
			if t.req {
				return FieldErr(CodeMissingField, path, "", "field %q is required", path)
			}
			return nil
		}
		t.req = false
		return validateField(fv.Elem(), path, t)
	case reflect.String:
		return validateString(fv, path, t)
	case reflect.Slice:
		if fv.Type().Elem().Kind() == reflect.Uint8 {
			// raw JSON or bytes: opaque here, bounded by the request size
			if t.req && fv.Len() == 0 {
				return FieldErr(CodeMissingField, path, "", "field %q is required", path)
			}
			return nil
		}
		if fv.Len() == 0 {
			if t.req {
				return FieldErr(CodeMissingField, path, "", "field %q needs at least one item", path)
			}
			return nil
		}
		if fv.Len() > t.n {
			return FieldErr(CodeTooMany, path, strconv.Itoa(t.n), "field %q has %d items; the limit is %d", path, fv.Len(), t.n)
		}
		seen := map[string]bool{}
		item := t
		item.req = true
		for i := 0; i < fv.Len(); i++ {
			ip := fmt.Sprintf("%s[%d]", path, i)
			ev := fv.Index(i)
			if ev.Kind() == reflect.String {
				if t.uniq {
					if seen[ev.String()] {
						return FieldErr(CodeDuplicate, ip, "", "field %q lists %q twice", path, ev.String())
					}
					seen[ev.String()] = true
				}
			}
			if err := validateField(ev, ip, item); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
		if fv.Type() == timeType {
			if t.req && fv.Interface().(time.Time).IsZero() {
				return FieldErr(CodeMissingField, path, "", "field %q is required", path)
			}
			return nil
		}
		return validateStruct(fv, path)
	case reflect.Int, reflect.Int32, reflect.Int64:
		x := fv.Int()
		if t.req && x == 0 {
			return FieldErr(CodeMissingField, path, "", "field %q is required and must not be 0", path)
		}
		if t.ge != nil && x < *t.ge {
			return FieldErr(CodeOutOfRange, path, fmt.Sprintf(">= %d", *t.ge), "field %q is %d; it must be at least %d", path, x, *t.ge)
		}
		if t.le != nil && x > *t.le {
			return FieldErr(CodeOutOfRange, path, fmt.Sprintf("<= %d", *t.le), "field %q is %d; it must be at most %d", path, x, *t.le)
		}
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		x := fv.Uint()
		if t.req && x == 0 {
			return FieldErr(CodeMissingField, path, "", "field %q is required and must not be 0", path)
		}
		if t.le != nil && *t.le >= 0 && x > uint64(*t.le) {
			return FieldErr(CodeOutOfRange, path, fmt.Sprintf("<= %d", *t.le), "field %q is %d; it must be at most %d", path, x, *t.le)
		}
	}
	return nil
}

func validateString(fv reflect.Value, path string, t tagSpec) error {
	s := fv.String()
	if s == "" {
		if t.req {
			return FieldErr(CodeMissingField, path, "", "field %q is required", path)
		}
		return nil
	}
	if n := utf8.RuneCountInString(s); n > t.max {
		return FieldErr(CodeTooLong, path, strconv.Itoa(t.max), "field %q is %d characters; the limit is %d", path, n, t.max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' {
			return FieldErr(CodeBadFormat, path, "", "field %q contains control character %U", path, r)
		}
		// Unicode noncharacters, U+10FFFF among them: the shim refuses them in composite
		// keys, and no text of this domain needs them.
		if r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE {
			return FieldErr(CodeBadFormat, path, "", "field %q contains the noncharacter %U", path, r)
		}
	}
	if e, ok := fv.Interface().(Enum); ok {
		vals := e.Values()
		for _, v := range vals {
			if v == s {
				return nil
			}
		}
		return FieldErr(CodeBadEnum, path, strings.Join(vals, "|"), "field %q is %q; allowed: %s", path, s, strings.Join(vals, ", "))
	}
	switch t.fmt {
	case "":
		return nil
	case "sm2key":
		return nil // parsed (and checked on the curve) by the gm package where used
	case "uscc":
		if err := CheckUSCC(s); err != nil {
			return FieldErr(CodeBadFormat, path, formatHelp["uscc"], "field %q: %v", path, err)
		}
		return nil
	case "date":
		if _, err := ParseDate(s); err != nil {
			return FieldErr(CodeBadFormat, path, formatHelp["date"], "field %q is %q; expected a calendar date YYYY-MM-DD", path, s)
		}
		return nil
	}
	re, ok := formats[t.fmt]
	if !ok {
		return Errf(CodeInternal, "field %q has unknown format %q", path, t.fmt)
	}
	if !re.MatchString(s) {
		return FieldErr(CodeBadFormat, path, formatHelp[t.fmt], "field %q is %q; expected %s", path, truncate(s, 80), formatHelp[t.fmt])
	}
	return nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// CST is China Standard Time. Dates in records are calendar dates in CST; a fixed zone
// keeps the chaincode free of tzdata.
var CST = time.FixedZone("CST", 8*3600)

// ParseDate parses YYYY-MM-DD as the start of that day in CST.
func ParseDate(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01-02", s, CST)
}

// DateOf formats t as a CST calendar date.
func DateOf(t time.Time) string { return t.In(CST).Format("2006-01-02") }
