package model

import (
	"errors"
	"strings"
	"testing"
)

// decodeRefused decodes raw into a fresh T and returns the refusal, failing the test if
// there is none or it is not an *Error with code.
func decodeRefused[T any](t *testing.T, raw string, code Code) *Error {
	t.Helper()
	var v T
	err := Decode([]byte(raw), &v)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Decode(%s) = %v, want a %s refusal", raw, err, code)
	}
	if e.Code != code {
		t.Fatalf("Decode(%s) refused with %s (%s), want %s", raw, e.Code, e.Message, code)
	}
	return e
}

const validRef = `{"id":"a"}`

func TestDecode_CaseVariantKeyRefused(t *testing.T) {
	// encoding/json alone fills id from "ID" (and the last of the two wins): two readers
	// of one request could see two ids
	e := decodeRefused[Ref](t, `{"id":"a","ID":"b"}`, CodeUnknownField)
	if e.Field != "ID" || e.Limit != "id" || !strings.Contains(e.Message, `"ID"`) || !strings.Contains(e.Message, "case-sensitive") {
		t.Errorf("refusal %+v does not name the key and the field", e)
	}
	// alone, too: a key is a field name exactly or it is unknown
	decodeRefused[Ref](t, `{"Id":"a"}`, CodeUnknownField)
	// promoted fields of embedded structs (Request.id) and nested objects
	e = decodeRefused[SubmitApplicationRequest](t, `{"ID":"x"}`, CodeUnknownField)
	if e.Field != "ID" {
		t.Errorf("field %q, want ID", e.Field)
	}
	e = decodeRefused[SubmitApplicationRequest](t, `{"id":"x","dataList":[{"resource":"r1"},{"Resource":"r2"}]}`, CodeUnknownField)
	if e.Field != "dataList[1].Resource" || e.Limit != "resource" {
		t.Errorf("refusal %+v, want field dataList[1].Resource naming resource", e)
	}
	var ok Ref
	if err := Decode([]byte(validRef), &ok); err != nil || ok.ID != "a" {
		t.Fatalf("exact keys refused: %v", err)
	}
}

func TestDecode_DuplicateKeyRefused(t *testing.T) {
	e := decodeRefused[Ref](t, `{"id":"a","id":"b"}`, CodeDuplicateKey)
	if e.Field != "id" || !strings.Contains(e.Message, `"id"`) {
		t.Errorf("refusal %+v does not name the key", e)
	}
	// at any depth: a list of structs, a promoted field, free-form JSON (a profile patch)
	e = decodeRefused[SubmitApplicationRequest](t, `{"id":"x","dataList":[{"resource":"r1","items":["a"],"items":["b"]}]}`, CodeDuplicateKey)
	if e.Field != "dataList[0].items" {
		t.Errorf("field %q, want dataList[0].items", e.Field)
	}
	decodeRefused[RegisterResourceRequest](t, `{"id":"x","name":"a","name":"b"}`, CodeDuplicateKey)
	e = decodeRefused[AmendProfileRequest](t, `{"id":"x","reason":"r","patch":{"exit":{"blacklist_years":null,"blacklist_years":{"value":3}}}}`, CodeDuplicateKey)
	if e.Field != "patch.exit.blacklist_years" {
		t.Errorf("field %q, want patch.exit.blacklist_years", e.Field)
	}
	// the same key in two objects is no duplicate
	var ok SubmitApplicationRequest
	if err := Decode([]byte(`{"id":"x","dataList":[{"resource":"r1"},{"resource":"r2"}]}`), &ok); errors.Is(err, &Error{Code: CodeDuplicateKey}) {
		t.Fatalf("keys of different objects refused as duplicates: %v", err)
	}
}

func TestDecode_UnknownFieldNamedWithPath(t *testing.T) {
	e := decodeRefused[Ref](t, `{"id":"a","extra":1}`, CodeUnknownField)
	if e.Field != "extra" {
		t.Errorf("field %q, want extra", e.Field)
	}
	e = decodeRefused[SubmitApplicationRequest](t, `{"id":"x","dataList":[{"resource":"r1","note":"n"}]}`, CodeUnknownField)
	if e.Field != "dataList[0].note" {
		t.Errorf("field %q, want dataList[0].note", e.Field)
	}
}

func TestDecode_MalformedRefused(t *testing.T) {
	for _, raw := range []string{`{"id":"a"} {}`, `{"id":`, `{"id":"a",}`, `["id"]`, `{"id":"a"`} {
		decodeRefused[Ref](t, raw, CodeMalformed)
	}
	deep := `{"id":"x","reason":"r","patch":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40) + `}`
	decodeRefused[AmendProfileRequest](t, deep, CodeMalformed)
	// a wrong JSON type is still encoding/json's refusal, naming the field
	e := decodeRefused[GetProfileRequest](t, `{"version":"1"}`, CodeBadFormat)
	if e.Field != "version" {
		t.Errorf("field %q, want version", e.Field)
	}
}
