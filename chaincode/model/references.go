package model

import (
	"reflect"
	"strings"
)

// RecordLink is a reference from a record to another: the kind and id it names and the
// relation's name ("uses", "under", ...), as provenance walks it.
type RecordLink struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"`
	Rel  string `json:"rel"`
	// Provenance: the referring record descends from the one it names in the
	// provenance tree a source unit reads ("where did my data go"): resource →
	// authorizations, applications, grants, products, revisions, cases; application →
	// grants; grant → products; product → price filings, trades, derived products.
	Provenance bool `json:"provenance,omitempty"`
}

// References lists the records r refers to, declared where the field is: a string or
// []string field tagged `ref:"<kind>,<relation>[,provenance]"` (also inside a list of
// structs, such as an application's data list). Each reference once, in field order; none to r itself.
// The explorer derives its provenance edges from this and nothing else, so renaming a
// JSON field cannot silently break provenance.
func References(r Record) []RecordLink {
	m := r.GetMeta()
	var out []RecordLink
	seen := map[RecordLink]bool{}
	add := func(kind Kind, id, rel string, prov bool) {
		ref := RecordLink{Kind: kind, ID: id, Rel: rel, Provenance: prov}
		if id == "" || (kind == m.Kind && id == m.ID) || seen[ref] {
			return
		}
		seen[ref] = true
		out = append(out, ref)
	}
	collectRefs(reflect.ValueOf(r), add)
	return out
}

func collectRefs(v reflect.Value, add func(Kind, string, string, bool)) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous {
			collectRefs(fv, add)
			continue
		}
		tag, ok := f.Tag.Lookup("ref")
		if !ok {
			if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct {
				for j := 0; j < fv.Len(); j++ {
					collectRefs(fv.Index(j), add)
				}
			}
			continue
		}
		kind, rel, prov := parseRefTag(tag)
		switch fv.Kind() {
		case reflect.String:
			add(kind, fv.String(), rel, prov)
		case reflect.Slice:
			for j := 0; j < fv.Len(); j++ {
				add(kind, fv.Index(j).String(), rel, prov)
			}
		}
	}
}

func parseRefTag(tag string) (Kind, string, bool) {
	parts := strings.Split(tag, ",")
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return Kind(parts[0]), parts[1], parts[2] == "provenance"
}

// ProvenanceChildren are the kinds that descend from parent in a provenance tree: those
// whose records hold a provenance reference to a parent record (from the ref tags of
// every registered kind), sorted.
func ProvenanceChildren(parent Kind) []Kind {
	var out []Kind
	for _, k := range Kinds() {
		if hasProvenanceRef(reflect.TypeOf(NewRecord(k)), parent) {
			out = append(out, k)
		}
	}
	return out
}

func hasProvenanceRef(t reflect.Type, parent Kind) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if tag, ok := f.Tag.Lookup("ref"); ok {
			if kind, _, prov := parseRefTag(tag); prov && kind == parent {
				return true
			}
			continue
		}
		if f.Anonymous || (f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct) {
			if hasProvenanceRef(f.Type, parent) {
				return true
			}
		}
	}
	return false
}

// bureauKinds are created by the bureau alone (its registrations, bindings, profile,
// authorizations, caps and supervision orders): a record of these kinds created by anyone
// else is a forgery.
var bureauKinds = map[Kind]bool{KindParticipant: true, KindIdentity: true, KindConfig: true, KindProfile: true, KindReplay: true,
	KindAuthorization: true, KindPriceCap: true, KindRectification: true, KindEvaluation: true}

// CreatorRoles are the participant roles whose identities may create records of kind
// (nil: any active participant, the rule of the creating function deciding).
func CreatorRoles(kind Kind) []Role {
	switch {
	case bureauKinds[kind]:
		return []Role{RoleBureau}
	case kind == KindInspection:
		return []Role{RoleBureau, RoleRegulator}
	case kind == KindResource || kind == KindHistoryRevision:
		return []Role{RoleSourceUnit}
	case kind == KindApplication:
		return []Role{RoleOperator, RolePartner}
	case kind == KindProduct || kind == KindPriceFiling || kind == KindRevenue || kind == KindLogStream || kind == KindPartner || kind == KindEmergencyPlan:
		return []Role{RoleOperator}
	}
	return nil
}
