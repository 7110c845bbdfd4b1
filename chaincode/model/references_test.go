package model

import (
	"reflect"
	"strings"
	"testing"
)

// TestReferences_TagsNameKinds: every ref tag names a registered kind and a relation.
func TestReferences_TagsNameKinds(t *testing.T) {
	known := map[Kind]bool{}
	for _, k := range Kinds() {
		known[k] = true
	}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if tag, ok := f.Tag.Lookup("ref"); ok {
				kind, rel, _ := parseRefTag(tag)
				if !known[kind] || rel == "" || strings.Count(tag, ",") > 2 {
					t.Errorf("%s.%s: ref tag %q names no registered kind or no relation", path, f.Name, tag)
				}
				continue
			}
			if f.Anonymous || f.Type.Kind() == reflect.Slice {
				walk(f.Type, path+"."+f.Name)
			}
		}
	}
	for _, k := range Kinds() {
		walk(reflect.TypeOf(NewRecord(k)), string(k))
	}
}

// TestReferences_ProvenanceTree: the kinds below each kind of a provenance tree, as the
// ref tags declare them.
func TestReferences_ProvenanceTree(t *testing.T) {
	for parent, want := range map[Kind][]Kind{
		KindResource:      {KindApplication, KindAuthorization, KindCase, KindGrant, KindProduct, KindHistoryRevision},
		KindApplication:   {KindGrant},
		KindGrant:         {KindProduct},
		KindProduct:       {KindPriceFiling, KindProduct, KindTrade},
		KindAuthorization: nil,
	} {
		if got := ProvenanceChildren(parent); !reflect.DeepEqual(got, want) {
			t.Errorf("below %s: %v, want %v", parent, got, want)
		}
	}
}

// TestReferences_OfAnApplication: the data list, the authorization and the grant, each
// once, none to itself.
func TestReferences_OfAnApplication(t *testing.T) {
	a := &Application{Meta: Meta{ID: "a1", Kind: KindApplication}, Authorization: "auth1", Grant: "G-a1",
		DataList: []DataRequest{{Resource: "r1"}, {Resource: "r2"}, {Resource: "r1"}}}
	got := References(a)
	want := []RecordLink{{KindResource, "r1", "requests", true}, {KindResource, "r2", "requests", true},
		{KindAuthorization, "auth1", "under", false}, {KindGrant, "G-a1", "became", false}}
	if len(got) != len(want) {
		t.Fatalf("references %+v, want %+v", got, want)
	}
	set := map[RecordLink]bool{}
	for _, r := range got {
		set[r] = true
	}
	for _, w := range want {
		if !set[w] {
			t.Errorf("missing %+v in %+v", w, got)
		}
	}
}

// TestDeadlineKinds_FromTheRecordTypes: the kinds that carry obligations are found in
// the types — an authorization's filing, an application's review steps, a revenue
// obligation — and kinds without any (a trade, a partner) are not listed.
func TestDeadlineKinds_FromTheRecordTypes(t *testing.T) {
	got := map[Kind]bool{}
	for _, k := range DeadlineKinds() {
		got[k] = true
	}
	for _, k := range []Kind{KindAuthorization, KindApplication, KindProduct, KindRevenue, KindRectification, KindCase, KindIncident} {
		if !got[k] {
			t.Errorf("%s holds deadlines but is not listed: %v", k, DeadlineKinds())
		}
	}
	for _, k := range []Kind{KindTrade, KindPartner, KindResource} {
		if got[k] {
			t.Errorf("%s holds no deadline but is listed", k)
		}
	}
}
