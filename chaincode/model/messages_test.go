package model

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// declaredCodes reads every Code constant of this package from its source (constants
// are invisible to reflection): `X Code = "..."` in any non-test file.
func declaredCodes(t *testing.T) []Code {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []Code
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out = append(out, Code(s))
					}
				}
			}
		}
	}
	if len(out) < 25 {
		t.Fatalf("found only %d Code constants: the source scan is broken", len(out))
	}
	return out
}

// TestCatalogue_EveryCodeInBothLanguages: every Code constant and every rule has a
// complete catalogue entry (title, what was wrong, what is allowed, what to do) in
// Chinese and in English, and the catalogue holds no code nothing declares.
func TestCatalogue_EveryCodeInBothLanguages(t *testing.T) {
	want := map[Code]bool{}
	for _, c := range declaredCodes(t) {
		want[c] = true
	}
	for _, r := range Rules() {
		want[r.Code] = true
	}
	for c := range want {
		for _, lang := range Langs() {
			m, ok := Describe(c, lang)
			if !ok {
				t.Errorf("%s has no %s catalogue entry", c, lang)
				continue
			}
			if !m.complete() {
				t.Errorf("%s (%s): incomplete entry %+v", c, lang, m)
			}
			if lang == ZH && !hasHan(m.Title+m.Allowed+m.Action) {
				t.Errorf("%s: the Chinese entry is not in Chinese: %+v", c, m)
			}
		}
	}
	for _, c := range Catalogued() {
		if !want[c] {
			t.Errorf("catalogue entry %s: no Code constant or rule declares it", c)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

// enumTypes collects every enumerated type reachable from the function table's
// requests and answers and from every record kind.
func enumTypes() map[reflect.Type]Enum {
	out := map[reflect.Type]Enum{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if seen[t] {
			return
		}
		seen[t] = true
		if t.Kind() == reflect.String && t.Implements(reflect.TypeOf((*Enum)(nil)).Elem()) {
			out[t] = reflect.Zero(t).Interface().(Enum)
			return
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			walk(t.Field(i).Type)
		}
	}
	for _, f := range Functions() {
		walk(f.Request)
		walk(f.Result)
	}
	for _, k := range Kinds() {
		walk(reflect.TypeOf(NewRecord(k)))
	}
	// enumerations the explorer answers that no record or function carries
	walk(reflect.TypeOf(CheckReason("")))
	walk(reflect.TypeOf(FindingCategory("")))
	return out
}

// TestLabels_EveryEnumValueAndKind: every value of every enumerated type has a Chinese
// label that is unique within its type and parses back to the value (so `--unit 按次`
// works), and every record kind has its label.
func TestLabels_EveryEnumValueAndKind(t *testing.T) {
	types := enumTypes()
	if len(types) < 30 {
		t.Fatalf("found %d enum types", len(types))
	}
	for rt, e := range types {
		seen := map[string]string{}
		for _, v := range e.Values() {
			l := EnumLabel(e, v, ZH)
			if l == v || !hasHan(l) {
				t.Errorf("%s %q has no Chinese label", rt.Name(), v)
			}
			if other, dup := seen[l]; dup {
				t.Errorf("%s: %q and %q share the label %q", rt.Name(), other, v, l)
			}
			seen[l] = v
			for _, in := range []string{v, l, EnumLabel(e, v, EN)} {
				if got, ok := ParseEnum(e, in); !ok || got != v {
					t.Errorf("%s: ParseEnum(%q) = %q, %v; want %q", rt.Name(), in, got, ok, v)
				}
			}
		}
	}
	for _, k := range append(Kinds(), KindSupervisionSweep, KindRequest, KindConfig) {
		if l := KindLabel(k, ZH); !hasHan(l) {
			t.Errorf("kind %s has no Chinese label", k)
		}
		if got, ok := ParseKind(KindLabel(k, ZH)); !ok || got != k {
			t.Errorf("ParseKind(%q) = %q", KindLabel(k, ZH), got)
		}
	}
	if v, ok := ParseEnum(UpdateFrequency(""), "每月"); !ok || v != "monthly" {
		t.Fatalf("每月 parses as %q", v)
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{
		"zh_CN.UTF-8": ZH, "zh": ZH, "zh-CN": ZH, "zh-Hans-CN": ZH, "en_US.UTF-8": EN, "": EN, "C": EN, "POSIX": EN,
		"en-US,en;q=0.9,zh-CN;q=0.8": EN, "zh-CN,zh;q=0.9,en;q=0.8": ZH, "en;q=0.5, zh-CN;q=0.9": ZH, "*": EN,
	} {
		if got := ParseLang(in); got != want {
			t.Errorf("ParseLang(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestError_LocalizeKeepsTheSpecifics(t *testing.T) {
	e := FieldErr(CodeBadEnum, "updateFrequency", "realtime|daily", "field %q is %q", "updateFrequency", "often")
	zh := e.Localize(ZH)
	if !strings.HasPrefix(zh, "取值不在可选范围内：") || !strings.Contains(zh, `"often"`) || !strings.Contains(zh, "限制 realtime|daily") {
		t.Fatalf("zh: %s", zh)
	}
	if en := e.Localize(EN); !strings.HasPrefix(en, "Value not allowed: ") || !strings.Contains(en, "limit realtime|daily") {
		t.Fatalf("en: %s", en)
	}
	if ClassOf(CodeMissingField).Exit() != 2 || ClassOf(RuleResourceOwnUnit.Code).Exit() != 1 || ClassOf(CodeNetwork).Exit() != 3 || ClassOf(CodeLocalState).Exit() != 4 {
		t.Fatal("exit classes")
	}
}

// TestErrorsDoc_UpToDate: docs/errors.md is what the catalogue generates.
func TestErrorsDoc_UpToDate(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "errors.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != ErrorsMarkdown() {
		t.Fatal("docs/errors.md is stale: go run ./chaincode/cmd/errorsdoc > docs/errors.md")
	}
}

// TestLabels_EveryRecordFieldNamed: every JSON field of every record kind, at any depth,
// has a Chinese label, so a record page reads in Chinese.
func TestLabels_EveryRecordFieldNamed(t *testing.T) {
	missing := map[string][]string{}
	seen := map[reflect.Type]bool{}
	var walk func(rt reflect.Type, where string)
	walk = func(rt reflect.Type, where string) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] || rt.PkgPath() != reflect.TypeOf(Meta{}).PkgPath() {
			return
		}
		seen[rt] = true
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" {
				walk(f.Type, where)
				continue
			}
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if FieldLabel(name, ZH) == name {
				missing[name] = append(missing[name], where+"."+f.Name)
			}
			walk(f.Type, where+"."+f.Name)
		}
	}
	for _, k := range Kinds() {
		walk(reflect.TypeOf(NewRecord(k)), string(k))
	}
	if len(missing) > 0 {
		names := make([]string, 0, len(missing))
		for n := range missing {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			t.Errorf("field %q has no Chinese label (%s)", n, strings.Join(missing[n], ", "))
		}
	}
}
