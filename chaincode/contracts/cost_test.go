package contracts

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
)

// Where a transaction's time goes inside the chaincode. On a real peer every state read,
// write, scan batch, private data hash read and validation parameter write is a round
// trip on the chaincode stream, so the count of those calls per function is the part of
// the cost that the in-memory ledger can measure exactly; the benchmark adds the
// chaincode's own CPU time (decoding, rules, SM2). The functions are those of the
// network benchmark's domain mix (client/bench).

// mixStep prepares (untimed) and returns the call of the i-th transaction of one function.
type mixStep func(h *harness, i int) func()

// mixFunctions are the domain mix's functions, each on a Longhua ledger (signatures
// required, as in the demo), in the order the mix describes them.
var mixFunctions = []struct {
	fn    string
	setup func(h *harness) mixStep
}{
	{"Logs:Append", func(h *harness) mixStep {
		lgOpen(h, "s1", "")
		tree := merkle.NewMemoryTree(merkle.SM3)
		var size uint64
		prevDigest := ""
		return func(h *harness, i int) func() {
			for j := 0; j < 100; j++ {
				tree.Append([]byte(fmt.Sprintf("2025-09-01T09:00:00 line=%d-%d", i, j)))
			}
			h.advance(2 * time.Hour)
			st, en := lgWindow(h, time.Hour)
			req := appendReq(h.t, tree, fmt.Sprintf("a%d", i), "s1", size, size+100, prevDigest, st, en)
			h.sign("Logs:Append", "op", req)
			size += 100
			return func() {
				var a model.Anchor
				h.okInto(h.as("op"), "Logs:Append", req, &a)
				prevDigest = a.Digest
			}
		}
	}},
	{"Supervision:FileCase", func(h *harness) mixStep {
		h.party("ex", model.RoleExchange, "深圳数据交易所")
		return func(h *harness, i int) func() {
			req := map[string]any{"id": fmt.Sprintf("case-%d", i), "caseKind": "complaint", "title": "数据产品收费咨询",
				"description": fmt.Sprintf("询问数据产品收费标准是否已备案并公开 %d", i)}
			return func() { h.ok(h.as("ex"), "Supervision:FileCase", req) }
		}
	}},
	{"Participant:Register", func(h *harness) mixStep {
		return func(h *harness, i int) func() {
			req := map[string]any{"id": fmt.Sprintf("pt-%d", i), "role": "partner", "name": fmt.Sprintf("协作单位 %d", i),
				"uscc": h.uscc(), "mspId": "OperatorMSP"}
			return func() { h.ok(h.Bureau, "Participant:Register", req) }
		}
	}},
}

// BenchmarkMix reports, per function of the domain mix, the chaincode's time per
// transaction (ns/op, excluding the peer) and its peer round trips per transaction by shim
// call (calls/op metrics).
func BenchmarkMix(b *testing.B) {
	for _, m := range mixFunctions {
		b.Run(strings.ReplaceAll(m.fn, ":", "_"), func(b *testing.B) {
			h := newSupervision(b, "longhua")
			step := m.setup(h)
			h.L.ResetCalls()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				call := step(h, i)
				b.StartTimer()
				call()
			}
			b.StopTimer()
			total := 0
			calls := h.L.Calls()
			names := make([]string, 0, len(calls))
			for k := range calls {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				b.ReportMetric(float64(calls[k])/float64(b.N), k+"/op")
				if k != "ScannedKVs" {
					total += calls[k]
				}
			}
			b.ReportMetric(float64(total)/float64(b.N), "peer-calls/op")
		})
	}
}

// TestCost_MixCallsIndependentOfLedgerSize: the peer round trips of each mix function do
// not grow with the ledger (no whole-index reads on the write path): the calls of a
// transaction after 5 earlier ones equal those after 60.
func TestCost_MixCallsIndependentOfLedgerSize(t *testing.T) {
	for _, m := range mixFunctions {
		t.Run(m.fn, func(t *testing.T) {
			h := newSupervision(t, "longhua")
			step := m.setup(h)
			measure := func(i int) map[string]int {
				call := step(h, i)
				h.L.ResetCalls()
				call()
				return h.L.Calls()
			}
			i := 0
			for ; i < 5; i++ {
				step(h, i)()
			}
			early := measure(i)
			for i++; i < 60; i++ {
				step(h, i)()
			}
			late := measure(i)
			if fmt.Sprint(early) != fmt.Sprint(late) {
				t.Fatalf("peer calls grow with the ledger:\n after 5:  %v\n after 60: %v", early, late)
			}
			if early["PutState"] == 0 {
				t.Fatalf("no writes counted: %v", early)
			}
		})
	}
}
