package contracts

import (
	"hash/fnv"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

var (
	fuzzOnce sync.Once
	fuzzH    *harness
	fuzzFns  []string
)

// FuzzEntryPoints feeds arbitrary requests to every entry point, as the bureau, an
// operator and an unbound identity, through a stub that refuses composite keys exactly as
// the real shim does (invalid UTF-8, U+0000, U+10FFFF). Refusals are fine; a panic, an
// INTERNAL error (what a recovered panic becomes) or a non-PDLedger error is a bug:
// strict decoding must turn every bad input into a coded refusal. The checked-in corpus
// (testdata/fuzz/FuzzEntryPoints) holds such inputs for every entry point: ids with
// U+10FFFF, U+0000 and invalid UTF-8, huge numbers, deep nesting.
func FuzzEntryPoints(f *testing.F) {
	for _, s := range []string{`{}`, `{"id":"a"}`, `{"id":"a","name":"x","role":"operator"}`, `[]`, `null`, `{"id":"a","unknown":1}`,
		`{"id":"` + string(make([]byte, 70)) + `"}`, `{"id":"x","preset":"longhua","reason":"r"}`, `{"id":"x","patch":{"a":null},"reason":"r"}`} {
		for i, fn := range []string{"Participant:Register", "Resource:Register", "Authorization:Create", "System:History"} {
			f.Add(fn, uint8(i%3), s)
		}
	}
	f.Fuzz(func(t *testing.T, fn string, who uint8, raw string) {
		fuzzOnce.Do(func() {
			fuzzH = newHarness(&testing.T{}, "longhua")
			fuzzH.t = nil
			fuzzFns = entryPoints()
			sort.Strings(fuzzFns)
		})
		h := *fuzzH
		h.t = t
		ids := []*stubtest.Identity{h.Bureau, stubtest.NewIdentity("OperatorMSP", "fuzz", "client"), h.Bureau}
		// the corpus names functions; a mutated name still reaches one
		name := fn
		if _, ok := slices.BinarySearch(fuzzFns, fn); !ok {
			h := fnv.New32a()
			h.Write([]byte(fn))
			name = fuzzFns[int(h.Sum32()%uint32(len(fuzzFns)))]
		}
		_, err := h.call(ids[int(who)%len(ids)], name, raw)
		if err == nil {
			return
		}
		e := model.ParseError(err.Error())
		if e == nil {
			t.Fatalf("%s(%q): error is not a coded PDLedger error: %v", name, raw, err)
		}
		if e.Code == model.CodeInternal {
			t.Fatalf("%s(%q): internal error (a bug, not a refusal): %v", name, raw, err)
		}
	})
}

func TestEntryPoints_AllTakeOneJSONRequest(t *testing.T) {
	fns := entryPoints()
	if len(fns) < 10 {
		t.Fatalf("only %d entry points found: %v", len(fns), fns)
	}
}
