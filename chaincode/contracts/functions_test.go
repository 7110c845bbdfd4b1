package contracts

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

// fill sets every field of v to a non-zero sample, so its JSON names every field.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 4 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type().PkgPath() == "time" {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		if v.CanInt() {
			v.SetInt(1)
		} else {
			v.SetUint(1)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // raw JSON
			v.SetBytes([]byte(`{}`))
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	}
}

// TestFunctions_TableMatchesEntryPoints: the function table the client and CLI are
// built from names every entry point, and each declared request type is the one the
// entry point decodes (a field the contract does not know would be refused as unknown).
func TestFunctions_TableMatchesEntryPoints(t *testing.T) {
	h := newHarness(t, "longhua")
	have := map[string]bool{}
	for _, fn := range entryPoints() {
		have[fn] = true
		if _, ok := model.Function(fn); !ok {
			t.Errorf("entry point %s is missing from the model function table", fn)
		}
	}
	for _, f := range model.Functions() {
		if !have[f.Name] {
			t.Errorf("function table names %s, which no contract serves", f.Name)
			continue
		}
		req := reflect.New(f.Request)
		fill(req.Elem(), 0)
		raw, err := json.Marshal(req.Interface())
		if err != nil {
			t.Fatal(err)
		}
		_, err = h.call(h.Bureau, f.Name, string(raw))
		if e := model.ParseError(errString(err)); e != nil {
			if e.Code == model.CodeUnknownField || strings.Contains(e.Message, "got JSON") {
				t.Errorf("%s: declared request %s does not match the contract's: %s", f.Name, f.Request, e.Message)
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
