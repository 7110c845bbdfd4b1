package strictjson

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

type inner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type outer struct {
	inner                  // promoted: id, name
	Name  string           `json:"name"` // shadows inner.Name
	When  time.Time        `json:"when"`
	Raw   json.RawMessage  `json:"raw"`
	Items []inner          `json:"items"`
	Skip  string           `json:"-"`
	Tags  map[string]inner `json:"tags"`
}

func kindOf(t *testing.T, doc string, opt Options) Kind {
	t.Helper()
	var v outer
	err := Decode([]byte(doc), &v, opt)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Decode(%s) = %v, want an *Error", doc, err)
	}
	return e.Kind
}

func TestCheck_KeysExactOncePerObject(t *testing.T) {
	var v outer
	ok := `{"id":"a","name":"n","when":"2025-09-01T00:00:00Z","raw":{"a":[{"b":1},{"b":2}]},"items":[{"id":"x"},{"id":"y"}],"tags":{"k":{"id":"z"}}}`
	if err := Decode([]byte(ok), &v, Options{}); err != nil || v.ID != "a" || v.Name != "n" || v.Items[1].ID != "y" {
		t.Fatalf("valid document: %v (%+v)", err, v)
	}
	for doc, want := range map[string]Kind{
		`{"id":"a","Id":"b"}`:                          CaseVariantKey,
		`{"ID":"a"}`:                                   CaseVariantKey,
		`{"items":[{"id":"x","NAME":"y"}]}`:            CaseVariantKey,
		`{"id":"a","id":"b"}`:                          DuplicateKey,
		`{"raw":{"a":{"b":1,"b":2}}}`:                  DuplicateKey,
		`{"tags":{"k":{"id":"z"},"k":{}}}`:             DuplicateKey,
		`{"Skip":"x"}`:                                 UnknownKey,
		`{"extra":1}`:                                  UnknownKey,
		`{"id":"a"} []`:                                Trailing,
		`{"id":`:                                       Invalid,
		`{"raw":` + deep(MaxDepth+2) + `}`:             TooDeep,
		`{"items":[{"id":"x"},{"id":"x"}],"items":[]}`: DuplicateKey,
	} {
		if got := kindOf(t, doc, Options{}); got != want {
			t.Errorf("%s: kind %d, want %d", doc, got, want)
		}
	}
}

func TestCheck_TypesOnlyWhenAsked(t *testing.T) {
	var v outer
	// without Types a wrong type is encoding/json's to refuse, and null is accepted
	if err := Decode([]byte(`{"id":null}`), &v, Options{}); err != nil {
		t.Fatalf("null refused without Types: %v", err)
	}
	var te *json.UnmarshalTypeError
	if err := Decode([]byte(`{"id":1}`), &v, Options{}); !errors.As(err, &te) {
		t.Fatalf("wrong type: %v, want encoding/json's *UnmarshalTypeError", err)
	}
	type typed struct {
		N int  `json:"n"`
		P *int `json:"p"`
	}
	var w typed
	for doc, want := range map[string]Kind{`{"n":null}`: WrongType, `{"n":1.5}`: WrongType, `{"n":"1"}`: WrongType} {
		var e *Error
		if err := Decode([]byte(doc), &w, Options{Types: true}); !errors.As(err, &e) || e.Kind != want || e.Path != "n" {
			t.Errorf("%s: %v, want kind %d at n", doc, err, want)
		}
	}
	if err := Decode([]byte(`{"n":2,"p":null}`), &w, Options{Types: true}); err != nil || w.N != 2 {
		t.Fatalf("valid typed document: %v", err)
	}
}

func deep(n int) string {
	s := "1"
	for i := 0; i < n; i++ {
		s = "[" + s + "]"
	}
	return s
}
