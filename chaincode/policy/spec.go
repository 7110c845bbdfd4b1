package policy

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// FieldError reports a problem with one field of a profile or calendar. Field
// is the JSON path (e.g. "authorization.max_term_months.value") so that an
// error can be shown to the bureau exactly where it must fix its document.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return "policy: " + e.Field + ": " + e.Msg }

func fieldErr(field, msg string) error { return &FieldError{Field: field, Msg: msg} }

// spec is the parsed `policy:"..."` struct tag of a parameter field. Keeping
// ranges in the tags keeps each limit next to the field it limits, and lets
// Validate, the strict decoder and the README generator share one source.
type spec struct {
	hasRange bool
	min, max int
	unit     string
	enum     []string
	calendar bool
}

func (s spec) allows(v string) bool {
	for _, e := range s.enum {
		if e == v {
			return true
		}
	}
	return false
}

func (s spec) unitSuffix() string {
	if s.unit == "" {
		return ""
	}
	return " " + s.unit
}

func parseSpec(tag string) (spec, error) {
	var s spec
	if tag == "" {
		return s, nil
	}
	for _, part := range strings.Split(tag, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "range":
			lo, hi, ok := strings.Cut(v, "..")
			if !ok {
				return s, fmt.Errorf("bad range %q", v)
			}
			var err1, err2 error
			s.min, err1 = strconv.Atoi(lo)
			s.max, err2 = strconv.Atoi(hi)
			if err := errors.Join(err1, err2); err != nil || s.min > s.max {
				return s, fmt.Errorf("bad range %q", v)
			}
			s.hasRange = true
		case "unit":
			s.unit = v
		case "enum":
			s.enum = strings.Split(v, "|")
		case "calendar":
			s.calendar = true
		default:
			return s, fmt.Errorf("unknown policy tag key %q", k)
		}
	}
	return s, nil
}

// paramField is one traced parameter found by walking a Profile.
type paramField struct {
	Path string // JSON path, e.g. "exit.blacklist_years"
	Spec spec
	// Param is nil when the parameter is not set.
	Param param
	// Type is the parameter type's name ("IntParam", "BoolParam", ...).
	Type string
}

var paramType = reflect.TypeOf((*param)(nil)).Elem()

// walkParams visits every traced parameter of v (a Profile or one of its
// groups) in struct declaration order, which makes error lists and the
// README table deterministic.
func walkParams(v reflect.Value, prefix string, visit func(paramField)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := jsonName(f)
		if name == "" {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		fv := v.Field(i)
		switch {
		case f.Type.Kind() == reflect.Pointer && f.Type.Implements(paramType):
			sp, err := parseSpec(f.Tag.Get("policy"))
			if err != nil {
				// A malformed tag is a programming error caught by the tests.
				panic(fmt.Sprintf("policy: field %s: %v", path, err))
			}
			pf := paramField{Path: path, Spec: sp, Type: f.Type.Elem().Name()}
			if !fv.IsNil() {
				pf.Param = fv.Interface().(param)
			}
			visit(pf)
		case f.Type.Kind() == reflect.Struct && hasParams(f.Type):
			walkParams(fv, path, visit)
		}
	}
}

func hasParams(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Pointer && ft.Implements(paramType) {
			return true
		}
		if ft.Kind() == reflect.Struct && hasParams(ft) {
			return true
		}
	}
	return false
}

func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// Parameter describes one parameter of a profile, for generic listing,
// display and amendment diffs.
type Parameter struct {
	Path  string // JSON path, e.g. "exit.blacklist_years"
	Type  string // "IntParam", "BoolParam", "TextParam", "ListParam", "DateParam"
	Unit  string // e.g. "months", "working days"; "" when not applicable
	Set   bool
	Value any     // int, bool, string or []string (a copy); nil when not set
	Src   *Source // nil when not set
}

// Parameters lists every parameter of the profile, set or not, in canonical
// (declaration) order. Comparing the lists of two profile versions path by
// path gives a deterministic amendment diff.
func (p Profile) Parameters() []Parameter {
	var out []Parameter
	walkParams(reflect.ValueOf(p), "", func(f paramField) {
		pr := Parameter{Path: f.Path, Type: f.Type, Unit: f.Spec.unit}
		if f.Param != nil {
			s := f.Param.src()
			pr.Set, pr.Src = true, &s
			switch v := f.Param.(type) {
			case *IntParam:
				pr.Value = v.Value
			case *BoolParam:
				pr.Value = v.Value
			case *TextParam:
				pr.Value = v.Value
			case *DateParam:
				pr.Value = v.Value
			case *ListParam:
				pr.Value = append([]string(nil), v.Value...)
			}
		}
		out = append(out, pr)
	})
	return out
}
