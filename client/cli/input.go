// Package cli builds the pdl command line from the chaincode's function table: one
// subcommand per record type, one verb per transition or query, with flags derived from
// the request type and input from JSON/YAML files.
package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/pdledger/pdledger/chaincode/model"
)

// UsageError is a mistake in the command line or input file (exit code 2).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// Kebab turns a Go or JSON name into a flag or verb name: BindIdentity → bind-identity.
func Kebab(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// field is one request field exposed as a flag.
type field struct {
	JSON  string // json name
	Flag  string // flag name
	Kind  string // string | int | bool | strings | json
	Enum  []string
	Req   bool
	Help  string
	Field reflect.StructField
}

func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	name, opts, _ := strings.Cut(tag, ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	_ = opts
	return name, true
}

var enumType = reflect.TypeOf((*model.Enum)(nil)).Elem()

// fields lists the flags of a request type (embedded structs flattened; the signature
// is handled by --sign).
// reservedFlags are the flags every command has.
var reservedFlags = map[string]bool{"profile": true, "output": true, "timeout": true, "quiet": true, "file": true, "sign": true, "sm2-key": true, "help": true}

func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, fields(f.Type)...)
			continue
		}
		name, ok := jsonName(f)
		if !ok || name == "signature" {
			continue
		}
		fl := field{JSON: name, Flag: Kebab(name), Field: f}
		if reservedFlags[fl.Flag] {
			// a request field named like a global flag (Profile:Set's "profile") would
			// shadow it, and -p would stop working on that command
			fl.Flag = "req-" + fl.Flag
		}
		tag := f.Tag.Get("pdl")
		fl.Req = strings.HasPrefix(tag, "req") || strings.Contains(tag, ",req")
		ft := f.Type
		switch {
		case ft.Kind() == reflect.String:
			fl.Kind = "string"
			if ft.Implements(enumType) {
				fl.Enum = reflect.Zero(ft).Interface().(model.Enum).Values()
			}
		case ft.Kind() == reflect.Bool:
			fl.Kind = "bool"
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Uint64:
			fl.Kind = "int"
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			fl.Kind = "strings"
		default:
			fl.Kind = "json"
		}
		help := name
		if fl.Req {
			help += " (required)"
		}
		if len(fl.Enum) > 0 {
			help += ": " + strings.Join(fl.Enum, "|")
		}
		if fmtTag := tagValue(tag, "fmt"); fmtTag != "" {
			help += " [" + fmtTag + "]"
		}
		if fl.Kind == "json" {
			help += " (JSON)"
		}
		if fl.Kind == "strings" {
			help += " (comma-separated or repeated)"
		}
		fl.Help = help
		out = append(out, fl)
	}
	return out
}

func tagValue(tag, key string) string {
	for _, part := range strings.Split(tag, ",") {
		if k, v, ok := strings.Cut(part, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// addFlags declares the request's flags on fs.
func addFlags(fs *pflag.FlagSet, fl []field) {
	for _, f := range fl {
		switch f.Kind {
		case "bool":
			fs.Bool(f.Flag, false, f.Help)
		case "int":
			fs.Int64(f.Flag, 0, f.Help)
		case "strings":
			fs.StringSlice(f.Flag, nil, f.Help)
		default:
			fs.String(f.Flag, "", f.Help)
		}
	}
}

// readInput loads a JSON or YAML object from a file ("-" = stdin).
func readInput(path string, stdin io.Reader) (map[string]any, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(stdin)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, usagef("input %s: %v", path, err)
	}
	out := map[string]any{}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&out); err != nil {
			return nil, usagef("input %s: not valid JSON: %v", path, err)
		}
		return out, nil
	}
	if err := yaml.Unmarshal(raw, &out); err != nil {
		return nil, usagef("input %s: not valid JSON or YAML: %v", path, err)
	}
	return normalizeYAML(out).(map[string]any), nil
}

// normalizeYAML converts YAML-decoded values to what encoding/json marshals (yaml.v3
// decodes timestamps as time.Time and may produce map[any]any in nested documents).
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
		return x
	case map[any]any:
		m := map[string]any{}
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
		return x
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339Nano)
	}
	return v
}

// BuildRequest merges the input file and the flags that were set into a request object,
// checks it strictly against the request type (unknown fields and type mismatches are
// usage errors before anything is sent), and fills an empty id.
func BuildRequest(fs *pflag.FlagSet, fl []field, t reflect.Type, file string, stdin io.Reader) (map[string]any, bool, error) {
	obj := map[string]any{}
	if file != "" {
		var err error
		if obj, err = readInput(file, stdin); err != nil {
			return nil, false, err
		}
	}
	for _, f := range fl {
		if !fs.Changed(f.Flag) {
			continue
		}
		switch f.Kind {
		case "bool":
			v, _ := fs.GetBool(f.Flag)
			obj[f.JSON] = v
		case "int":
			v, _ := fs.GetInt64(f.Flag)
			obj[f.JSON] = v
		case "strings":
			v, _ := fs.GetStringSlice(f.Flag)
			obj[f.JSON] = v
		case "json":
			s, _ := fs.GetString(f.Flag)
			var v any
			if err := json.Unmarshal([]byte(s), &v); err != nil {
				return nil, false, usagef("--%s: not valid JSON: %v", f.Flag, err)
			}
			obj[f.JSON] = v
		default:
			s, _ := fs.GetString(f.Flag)
			if len(f.Enum) > 0 && !contains(f.Enum, s) {
				return nil, false, usagef("--%s %q: allowed values are %s", f.Flag, s, strings.Join(f.Enum, ", "))
			}
			obj[f.JSON] = s
		}
	}
	generated := false
	if hasField(fl, "id") {
		if id, _ := obj["id"].(string); id == "" && t.Kind() == reflect.Struct && isWriteRequest(t) {
			obj["id"] = NewID()
			generated = true
		}
	}
	raw, _ := json.Marshal(obj)
	probe := reflect.New(t).Interface()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(probe); err != nil {
		known := make([]string, 0, len(fl))
		for _, f := range fl {
			known = append(known, f.JSON)
		}
		sort.Strings(known)
		return nil, false, usagef("request: %v (fields: %s)", err, strings.Join(known, ", "))
	}
	return obj, generated, nil
}

func isWriteRequest(t reflect.Type) bool {
	_, ok := t.FieldByName("Request")
	return ok
}

func hasField(fl []field, name string) bool {
	for _, f := range fl {
		if f.JSON == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// NewID returns a fresh request id: time plus randomness, valid for the chaincode's id
// format. Re-running a command with the same --id is a safe retry.
func NewID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "r" + time.Now().UTC().Format("20060102150405") + "-" + hex.EncodeToString(b)
}
