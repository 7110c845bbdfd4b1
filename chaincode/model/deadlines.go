package model

import (
	"reflect"
	"sync"
)

// DeadlineKinds lists, sorted, the record kinds whose type holds a Deadline at any depth
// (a field, a pointer, an element of a slice or map): the records an obligation can stand
// in. It follows from the record types alone, so a new type with deadlines is covered.
func DeadlineKinds() []Kind { return deadlineKinds() }

var deadlineKinds = sync.OnceValue(func() []Kind {
	var out []Kind
	for _, k := range Kinds() {
		if holdsDeadline(reflect.TypeOf(NewRecord(k)), map[reflect.Type]bool{}) {
			out = append(out, k)
		}
	}
	return out
})

var deadlineType = reflect.TypeOf(Deadline{})

func holdsDeadline(t reflect.Type, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t == deadlineType {
		return true
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return false
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		if holdsDeadline(t.Field(i).Type, seen) {
			return true
		}
	}
	return false
}
