package contracts

import (
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
// operator and an unbound identity. Refusals are fine; a panic or a non-PDLedger error
// is a bug: strict decoding must turn every bad input into a coded refusal.
func FuzzEntryPoints(f *testing.F) {
	for _, s := range []string{`{}`, `{"id":"a"}`, `{"id":"a","name":"x","role":"operator"}`, `[]`, `null`, `{"id":"a","unknown":1}`,
		`{"id":"` + string(make([]byte, 70)) + `"}`, `{"id":"x","preset":"longhua","reason":"r"}`, `{"id":"x","patch":{"a":null},"reason":"r"}`} {
		for i := 0; i < 4; i++ {
			f.Add(uint16(i), uint8(i%3), s)
		}
	}
	f.Fuzz(func(t *testing.T, fn uint16, who uint8, raw string) {
		fuzzOnce.Do(func() {
			fuzzH = newHarness(&testing.T{}, "longhua")
			fuzzH.t = nil
			fuzzFns = entryPoints()
			sort.Strings(fuzzFns)
		})
		h := *fuzzH
		h.t = t
		ids := []*stubtest.Identity{h.Bureau, stubtest.NewIdentity("OperatorMSP", "fuzz", "client"), h.Bureau}
		name := fuzzFns[int(fn)%len(fuzzFns)]
		_, err := h.call(ids[int(who)%len(ids)], name, raw)
		if err != nil && model.ParseError(err.Error()) == nil {
			t.Fatalf("%s(%q): error is not a coded PDLedger error: %v", name, raw, err)
		}
	})
}

func TestEntryPoints_AllTakeOneJSONRequest(t *testing.T) {
	fns := entryPoints()
	if len(fns) < 10 {
		t.Fatalf("only %d entry points found: %v", len(fns), fns)
	}
}
