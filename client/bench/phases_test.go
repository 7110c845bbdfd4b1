package bench

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/pprof/profile"
)

// synthetic builds a CPU profile whose samples have the given stacks (root first) and
// CPU nanoseconds.
func synthetic(stacks map[string][]string, ns map[string]int64) *profile.Profile {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10000000,
	}
	funcs := map[string]*profile.Function{}
	fn := func(name string) *profile.Function {
		if f, ok := funcs[name]; ok {
			return f
		}
		f := &profile.Function{ID: uint64(len(funcs) + 1), Name: name}
		funcs[name] = f
		p.Function = append(p.Function, f)
		return f
	}
	for key, stack := range stacks {
		s := &profile.Sample{Value: []int64{1, ns[key]}}
		for i := len(stack) - 1; i >= 0; i-- { // leaf first, as pprof keeps them
			l := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn(stack[i])}}}
			p.Location = append(p.Location, l)
			s.Location = append(s.Location, l)
		}
		p.Sample = append(p.Sample, s)
	}
	return p
}

// TestPhases_SamplesLandWhereTheTransactionsWorkIs: a peer's samples are charged to
// validation, the ledger write, endorsement or collection by the rules' order, a
// chaincode server's to the contract method on their stack; the phases sum to the whole,
// and the computations across phases are counted wherever they occur.
func TestPhases_SamplesLandWhereTheTransactionsWorkIs(t *testing.T) {
	stacks := map[string][]string{
		// gossip delivered the block, but the work is validating it
		"validate": {"runtime.goexit", "github.com/hyperledger/fabric/gossip/state.(*GossipStateProviderImpl).deliverPayloads",
			"github.com/hyperledger/fabric/core/committer/txvalidator/v20.(*TxValidator).Validate", "crypto/ecdsa.VerifyASN1"},
		"commit": {"runtime.goexit", "github.com/hyperledger/fabric/gossip/privdata.(*coordinator).StoreBlock",
			"github.com/hyperledger/fabric/core/ledger/kvledger.(*kvLedger).commit", "github.com/syndtr/goleveldb/leveldb.(*DB).Write"},
		// the gateway asked, the endorser simulates
		"endorse": {"runtime.goexit", "google.golang.org/grpc.(*Server).handleStream", "github.com/hyperledger/fabric/internal/pkg/gateway.(*Server).Endorse",
			"github.com/hyperledger/fabric/core/endorser.(*Endorser).ProcessProposal", "google.golang.org/protobuf/proto.Marshal"},
		"gc":    {"runtime.goexit", "github.com/hyperledger/fabric/core/endorser.(*Endorser).ProcessProposal", "runtime.mallocgc", "runtime.gcAssistAlloc"},
		"grpc":  {"runtime.goexit", "google.golang.org/grpc/internal/transport.(*http2Client).reader", "crypto/tls.(*Conn).Read"},
		"other": {"runtime.goexit", "main.something"},
		// a chaincode server: the method's own closure counts as the method
		"contract": {"runtime.goexit", "github.com/hyperledger/fabric-contract-api-go/v2/contractapi.(*ContractChaincode).Invoke",
			"reflect.Value.Call", "github.com/pdledger/pdledger/chaincode/contracts.(*LogsContract).Append",
			"github.com/pdledger/pdledger/chaincode/contracts.(*LogsContract).Append.func1",
			"github.com/pdledger/pdledger/chaincode/contracts.(*Tx).Get", "encoding/json.Unmarshal"},
		"dispatch": {"runtime.goexit", "github.com/hyperledger/fabric-contract-api-go/v2/contractapi.(*ContractChaincode).Invoke", "encoding/json.Marshal"},
	}
	ns := map[string]int64{"validate": 40, "commit": 20, "endorse": 15, "gc": 10, "grpc": 5, "other": 2, "contract": 6, "dispatch": 2}
	var b bytes.Buffer
	if err := synthetic(stacks, ns).Write(&b); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "x.cpu.pprof")
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Phases(file)
	if err != nil {
		t.Fatal(err)
	}
	share := map[string]float64{}
	sum := 0.0
	for _, s := range got {
		share[s.Phase] = s.Share
		if s.Phase[:min(len(s.Phase), 8)] != "across: " {
			sum += s.Share
		}
	}
	want := map[string]float64{
		"validation": 0.40, "ledger commit": 0.20, "endorsement": 0.15, "garbage collection": 0.10, "gRPC and TLS": 0.05,
		"other": 0.02, "contract Logs.Append": 0.06, "chaincode dispatch": 0.02,
		"across: signature verification (ECDSA, SM2)": 0.40, "across: LevelDB": 0.20, "across: protobuf": 0.15, "across: JSON": 0.08,
	}
	for k, w := range want {
		if math.Abs(share[k]-w) > 1e-9 {
			t.Errorf("%s: share %.3f, want %.2f (all: %+v)", k, share[k], w, got)
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("the phases sum to %.3f", sum)
	}
	if got[0].Phase != "validation" {
		t.Errorf("largest first: %+v", got)
	}
	if _, err := Phases(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing profile gave no error")
	}
}
