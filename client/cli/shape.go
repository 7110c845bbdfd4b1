package cli

import (
	"encoding/json"
	"reflect"
	"strings"
)

// shapeOf describes the JSON a JSON-valued flag takes, from the request field's Go type:
// {"resource":"<id>","items":["<text>"],...}. Together with the sample files under
// docs/examples/ (examples.go names them) it is the flag's documentation.
func shapeOf(t reflect.Type, depth int) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeOf(json.RawMessage{}) {
		return "{...}"
	}
	switch {
	case t == timeType:
		return `"<RFC 3339>"`
	case t.Kind() == reflect.String && t.Implements(enumType):
		return `"` + strings.Join(reflect.Zero(t).Interface().(interface{ Values() []string }).Values(), "|") + `"`
	case t.Kind() == reflect.String:
		return `"<text>"`
	case t.Kind() == reflect.Bool:
		return "true|false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64:
		return "0"
	case t.Kind() == reflect.Slice:
		return "[" + shapeOf(t.Elem(), depth) + ", ...]"
	case t.Kind() == reflect.Map:
		return "{...}"
	case t.Kind() != reflect.Struct || depth > 2:
		return "..."
	}
	var parts []string
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				add(f.Type)
				continue
			}
			name, ok := jsonName(f)
			if !ok {
				continue
			}
			v := shapeOf(f.Type, depth+1)
			if fm := tagValue(f.Tag.Get("pdl"), "fmt"); fm != "" && v == `"<text>"` {
				v = `"<` + fm + `>"`
			}
			parts = append(parts, `"`+name+`":`+v)
		}
	}
	add(t)
	return "{" + strings.Join(parts, ",") + "}"
}
