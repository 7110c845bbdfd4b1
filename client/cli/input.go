// Package cli builds the pdl command line from the chaincode's function table: one
// subcommand per record type, one verb per transition or query, with flags derived from
// the request type and input from JSON/YAML files.
package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// Flag kinds of request fields.
const (
	kindString  = "string"
	kindEnum    = "enum"
	kindInt     = "int"
	kindFen     = "fen" // money in fen, with a yuan twin flag
	kindBool    = "bool"
	kindStrings = "strings"
	kindTime    = "time"
	kindJSON    = "json"
)

// field is one request field exposed as a flag.
type field struct {
	JSON     string // json name
	Flag     string // flag name
	YuanFlag string // for fen fields: the flag taking yuan ("price" for priceFen)
	Kind     string
	Enum     model.Enum
	Req      bool
	Help     string
	Type     reflect.Type
	Format   string // the tag's fmt= (id, digest, date...)
	lang     model.Lang
}

func jsonName(f reflect.StructField) (string, bool) {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	return name, true
}

var (
	enumType = reflect.TypeOf((*model.Enum)(nil)).Elem()
	timeType = reflect.TypeOf(time.Time{})
)

// reservedFlags are the flags every command has.
var reservedFlags = map[string]bool{"profile": true, "output": true, "timeout": true, "quiet": true, "file": true, "sign": true,
	"sm2-key": true, "help": true, "lang": true, "dry-run": true, "after-block": true}

// fields lists the flags of a request type (embedded structs flattened; the signature
// is handled by --sign), with help in English.
func fields(t reflect.Type) []field { return fieldsIn(t, model.EN) }

// fieldsIn lists the flags of a request type with help in lang.
func fieldsIn(t reflect.Type, lang model.Lang) []field {
	out := collectFields(t, lang)
	taken := map[string]bool{}
	for _, f := range out {
		taken[f.Flag] = true
	}
	for i, f := range out {
		if f.Kind == kindFen {
			if y := strings.TrimSuffix(f.Flag, "-fen"); !taken[y] && !reservedFlags[y] {
				out[i].YuanFlag = y
				taken[y] = true
			}
		}
		out[i].Help = out[i].help()
	}
	return out
}

func collectFields(t reflect.Type, lang model.Lang) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, collectFields(f.Type, lang)...)
			continue
		}
		name, ok := jsonName(f)
		if !ok || name == "signature" {
			continue
		}
		fl := field{JSON: name, Flag: Kebab(name), Type: f.Type, lang: lang}
		if reservedFlags[fl.Flag] {
			// a request field named like a global flag (Profile:Set's "profile") would
			// shadow it, and -p would stop working on that command
			fl.Flag = "req-" + fl.Flag
		}
		tag := f.Tag.Get("pdl")
		fl.Req = strings.HasPrefix(tag, "req") || strings.Contains(tag, ",req")
		fl.Format = tagValue(tag, "fmt")
		ft := f.Type
		if ft.Kind() == reflect.Pointer && ft.Elem().Kind() != reflect.Struct {
			ft = ft.Elem() // *int64, *bool: optional scalars
		}
		switch {
		case ft.Kind() == reflect.String && ft.Implements(enumType):
			fl.Kind, fl.Enum = kindEnum, reflect.Zero(ft).Interface().(model.Enum)
		case ft.Kind() == reflect.String:
			fl.Kind = kindString
		case ft.Kind() == reflect.Bool:
			fl.Kind = kindBool
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Uint64 && strings.HasSuffix(name, "Fen"):
			fl.Kind = kindFen
		case ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Uint64:
			fl.Kind = kindInt
		case ft == timeType:
			fl.Kind = kindTime
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			fl.Kind = kindStrings
		default:
			fl.Kind = kindJSON
		}
		out = append(out, fl)
	}
	return out
}

// help is the flag's usage line.
func (f field) help() string {
	zh := f.lang == model.ZH
	var b strings.Builder
	b.WriteString(f.JSON)
	if f.Req {
		b.WriteString(tr(f.lang, "（必填）", " (required)"))
	}
	switch f.Kind {
	case kindEnum:
		b.WriteString(tr(f.lang, "：", ": ") + enumChoices(f.Enum, f.lang))
		if zh {
			b.WriteString("（可用中文名）")
		}
	case kindFen:
		b.WriteString(tr(f.lang, "，单位为分（整数）", ", in fen (whole number)"))
		if f.YuanFlag != "" {
			b.WriteString(tr(f.lang, "；或用 --%s 以元为单位", "; or --%s in yuan", f.YuanFlag))
		}
	case kindTime:
		b.WriteString(tr(f.lang, "：北京时间 \"2026-10-22 10:00:00\" 或 RFC 3339", `: Beijing time "2026-10-22 10:00:00" or RFC 3339`))
	case kindStrings:
		b.WriteString(tr(f.lang, "（列表：逗号、顿号分隔或重复给出）", " (list: comma-separated, 、 or repeated)"))
	case kindJSON:
		b.WriteString(tr(f.lang, "（JSON，@文件名 读取文件）：", " (JSON, @file reads a file): ") + shapeOf(f.Type, 0))
	}
	if f.Format != "" {
		b.WriteString(" [" + f.Format + "]")
	}
	return b.String()
}

func tagValue(tag, key string) string {
	for _, part := range strings.Split(tag, ",") {
		if k, v, ok := strings.Cut(part, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// yuanHelp is the usage line of a fen field's yuan twin.
func (f field) yuanHelp() string {
	return tr(f.lang, "%s，单位为元（最多两位小数，精确换算为分）；或用 --%s 以分为单位", "%s in yuan (at most two decimals, converted exactly to fen); or --%s in fen", f.JSON, f.Flag)
}

// addFlags declares the request's flags on fs.
func addFlags(fs *pflag.FlagSet, fl []field) {
	for _, f := range fl {
		switch f.Kind {
		case kindBool:
			fs.Bool(f.Flag, false, f.Help)
		case kindInt:
			fs.Var(&intValue{flag: f.Flag, field: f.JSON, lang: f.lang}, f.Flag, f.Help)
		case kindFen:
			fs.Var(&fenValue{flag: f.Flag, yuanFlag: f.YuanFlag, field: f.JSON, lang: f.lang}, f.Flag, f.Help)
			if f.YuanFlag != "" {
				fs.Var(&yuanValue{flag: f.YuanFlag, fenFlag: f.Flag, field: f.JSON, lang: f.lang}, f.YuanFlag, f.yuanHelp())
			}
		case kindEnum:
			fs.Var(&enumValue{e: f.Enum, flag: f.Flag, field: f.JSON, lang: f.lang}, f.Flag, f.Help)
		case kindStrings:
			fs.Var(&listValue{}, f.Flag, f.Help)
		case kindTime:
			fs.Var(&timeValue{flag: f.Flag, field: f.JSON, lang: f.lang}, f.Flag, f.Help)
		default:
			fs.String(f.Flag, "", f.Help)
		}
	}
}

// readInput loads a JSON or YAML object from a file ("-" = stdin). A syntax error names
// its line and column; a key given twice is refused (INPUT_DUPLICATE_KEY), as the
// chaincode would, rather than silently keeping one value.
func readInput(path string, stdin io.Reader, lang model.Lang) (map[string]any, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(stdin)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, localf(err, "%s", tr(lang, "读取请求文件 %s：%v", "input %s: %v", path, err))
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		if err := checkJSON(raw); err != nil {
			return nil, jsonInputErr(path, raw, err, lang)
		}
		out := map[string]any{}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&out); err != nil {
			return nil, jsonInputErr(path, raw, err, lang)
		}
		return out, nil
	}
	out := map[string]any{}
	if err := yaml.Unmarshal(raw, &out); err != nil {
		return nil, inputErr(model.CodeMalformed, "", "", "%s", tr(lang, "请求文件 %s 不是合法的 JSON 或 YAML：%v", "input %s: not valid JSON or YAML: %v", path, err))
	}
	return normalizeYAML(out).(map[string]any), nil
}

// dupKeyError is a JSON object with a key twice.
type dupKeyError struct {
	key    string
	offset int64
}

func (e *dupKeyError) Error() string {
	return fmt.Sprintf("key %q appears twice in the same object", e.key)
}

// checkJSON walks a JSON document, refusing duplicate keys (with their offset).
func checkJSON(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var walk func() error
	walk = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return nil
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if seen[k] {
					quoted, _ := json.Marshal(k)
					return &dupKeyError{key: k, offset: dec.InputOffset() - int64(len(quoted))}
				}
				seen[k] = true
				if err := walk(); err != nil {
					return err
				}
			}
		case '[':
			for dec.More() {
				if err := walk(); err != nil {
					return err
				}
			}
		}
		_, err = dec.Token()
		return err
	}
	if err := walk(); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &json.SyntaxError{Offset: dec.InputOffset()}
	}
	return nil
}

// jsonInputErr reports a JSON problem of an input file at its line and column.
func jsonInputErr(path string, raw []byte, err error, lang model.Lang) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var de *dupKeyError
	offset := int64(-1)
	code := model.CodeMalformed
	field := ""
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset, code, field = te.Offset, model.CodeBadFormat, te.Field
	case errors.As(err, &de):
		offset, code, field = de.offset, model.CodeDuplicateKey, de.key
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		offset = int64(len(raw))
	}
	if offset < 0 {
		return inputErr(code, field, "", "%s", tr(lang, "请求文件 %s 不是合法的 JSON：%v", "input %s: not valid JSON: %v", path, err))
	}
	line, col := lineCol(raw, offset)
	what := err.Error()
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		what = tr(lang, "文件在 JSON 对象结束之前就结束了", "the file ends before the JSON object does")
	case se != nil && se.Error() == "":
		what = tr(lang, "JSON 对象之后还有多余的内容", "data after the JSON object")
	}
	return inputErr(code, field, "", "%s", tr(lang, "请求文件 %s 第 %d 行第 %d 列：JSON 错误：%s", "input %s line %d, column %d: not valid JSON: %s", path, line, col, what))
}

// lineCol converts the byte offset of a character to its 1-based line and column (in
// characters).
func lineCol(raw []byte, offset int64) (int, int) {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	before := raw[:offset]
	line := bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, len([]rune(string(before[start:]))) + 1
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
// checks its shape against the request type (unknown fields and type mismatches are
// usage errors before anything is sent), and fills an empty id. Required fields are
// not checked here: the chaincode answers for them (INPUT_MISSING_FIELD, exit 2),
// after its own checks, so pdl never says more than the ledger would.
func BuildRequest(fs *pflag.FlagSet, fl []field, t reflect.Type, file string, stdin io.Reader) (map[string]any, bool, error) {
	lang := model.EN
	if len(fl) > 0 {
		lang = fl[0].lang
	}
	obj := map[string]any{}
	if file != "" {
		var err error
		if obj, err = readInput(file, stdin, lang); err != nil {
			return nil, false, err
		}
		// enum fields of a file take labels too (每月 for monthly), as flags do
		for _, f := range fl {
			if s, ok := obj[f.JSON].(string); ok && f.Kind == kindEnum {
				if v, ok := model.ParseEnum(f.Enum, s); ok {
					obj[f.JSON] = v
				}
			}
		}
	}
	for _, f := range fl {
		if err := setFromFlag(fs, f, obj); err != nil {
			return nil, false, err
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
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, false, inputErr(model.CodeBadFormat, te.Field, te.Type.String(), "%s", tr(lang, "字段 %s：应为 %s，实际是 JSON %s", "field %s: expected %s, got JSON %s", te.Field, te.Type, te.Value))
		}
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return nil, false, inputErr(model.CodeUnknownField, name, "", "%s", tr(lang, "请求中有未知字段 %q（可用字段：%s）", "request: unknown field %q (fields: %s)", name, strings.Join(known, ", ")))
	}
	return obj, generated, nil
}

// setFromFlag puts a flag's value, if given, into the request object.
func setFromFlag(fs *pflag.FlagSet, f field, obj map[string]any) error {
	lang := f.lang
	if f.YuanFlag != "" && fs.Changed(f.YuanFlag) {
		if fs.Changed(f.Flag) {
			return usagef("%s", tr(lang, "--%s 和 --%s 只能给一个", "give --%s or --%s, not both", f.Flag, f.YuanFlag))
		}
		obj[f.JSON] = fs.Lookup(f.YuanFlag).Value.(*yuanValue).fen
		return nil
	}
	if !fs.Changed(f.Flag) {
		return nil
	}
	v := fs.Lookup(f.Flag).Value
	switch f.Kind {
	case kindBool:
		b, _ := fs.GetBool(f.Flag)
		obj[f.JSON] = b
	case kindInt:
		obj[f.JSON] = v.(*intValue).n
	case kindFen:
		obj[f.JSON] = v.(*fenValue).fen
	case kindEnum:
		obj[f.JSON] = v.(*enumValue).value
	case kindStrings:
		obj[f.JSON] = append([]string{}, v.(*listValue).items...)
	case kindTime:
		obj[f.JSON] = cstJSON(v.(*timeValue).t)
	case kindJSON:
		s := v.String()
		src := "--" + f.Flag
		if path, ok := strings.CutPrefix(s, "@"); ok {
			raw, err := os.ReadFile(path)
			if err != nil {
				return localf(err, "%s", tr(lang, "--%s：读取 %s：%v", "--%s: reading %s: %v", f.Flag, path, err))
			}
			s, src = string(raw), path
		}
		if err := checkJSON([]byte(s)); err != nil {
			return jsonInputErr(src, []byte(s), err, lang)
		}
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var val any
		if err := dec.Decode(&val); err != nil {
			return jsonInputErr(src, []byte(s), err, lang)
		}
		obj[f.JSON] = val
	default:
		obj[f.JSON] = v.String()
	}
	return nil
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

// NewID returns a fresh request id: time plus randomness, valid for the chaincode's id
// format. Re-running a command with the same --id is a safe retry.
func NewID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "r" + time.Now().UTC().Format("20060102150405") + "-" + hex.EncodeToString(b)
}
