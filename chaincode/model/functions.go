package model

import (
	"reflect"
	"sort"
	"strings"
)

// Func describes one chaincode entry point: its name, whether it writes, the request
// type it decodes strictly, and the type of its answer. The client's typed methods and
// the pdl CLI are built from this table; a chaincode test checks it against the
// contracts' real entry points.
type Func struct {
	Name    string       // "Resource:Register"
	Write   bool         // submitted (true) or evaluated (false)
	Request reflect.Type // struct type decoded from the JSON request
	Result  reflect.Type // type of the JSON answer
	Summary string       // one line, for help texts
}

// Contract is the part before the colon.
func (f Func) Contract() string { c, _, _ := strings.Cut(f.Name, ":"); return c }

// Method is the part after the colon.
func (f Func) Method() string { _, m, _ := strings.Cut(f.Name, ":"); return m }

var funcs = map[string]Func{}

func typeOf[T any]() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }

// W declares a write function.
func W[Req, Res any](name, summary string) Func {
	return Func{Name: name, Write: true, Request: typeOf[Req](), Result: typeOf[Res](), Summary: summary}
}

// R declares a read function.
func R[Req, Res any](name, summary string) Func {
	return Func{Name: name, Request: typeOf[Req](), Result: typeOf[Res](), Summary: summary}
}

// RegisterFuncs adds entries to the function table (at init).
func RegisterFuncs(fs ...Func) {
	for _, f := range fs {
		if _, dup := funcs[f.Name]; dup {
			panic("model: function declared twice: " + f.Name)
		}
		funcs[f.Name] = f
	}
}

// Functions returns the table sorted by name.
func Functions() []Func {
	out := make([]Func, 0, len(funcs))
	for _, f := range funcs {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Function looks one up by name.
func Function(name string) (Func, bool) {
	f, ok := funcs[name]
	return f, ok
}

// Empty is the request of functions that take none ("{}").
type Empty struct{}

// BenchPlainPut is the benchmarks' plain Fabric put (key, value): answered by a bench-mode
// chaincode server's shim handler alone, before contract-api, so it is in no contract and
// not in the table above. System:BenchPut is the same write through the contract layer.
const BenchPlainPut = "BenchPlainPut"
