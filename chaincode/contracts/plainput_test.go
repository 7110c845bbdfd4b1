package contracts

import (
	"strings"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// callStub is the ledger's stub called with a function and its arguments.
type callStub struct {
	shim.ChaincodeStubInterface
	fn   string
	args []string
}

func (s callStub) GetFunctionAndParameters() (string, []string) { return s.fn, s.args }

// TestSystem_PlainPutOnlyInBenchMode: the plain put is answered before contract-api — one
// PutState — only on a server with the benchmark setting; off it, it is refused as the
// baseline is; bad arguments and keys the shim refuses are errors, not crashes.
func TestSystem_PlainPutOnlyInBenchMode(t *testing.T) {
	h := newHarness(t, "longhua")
	cc, err := New()
	if err != nil {
		t.Fatal(err)
	}
	served := BenchServed(cc)
	invoke := func(args ...string) (int32, string) {
		var status int32
		var msg string
		_, err := h.L.Call(stubtest.NewIdentity("BureauMSP", "Admin@bureau", "admin"), func(ctx contractapi.TransactionContextInterface) (string, error) {
			r := served.Invoke(callStub{ctx.GetStub(), PlainPutFunction, args})
			status, msg = r.Status, r.Message
			return "", nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return status, msg
	}
	key, _ := stubtest.CompositeKey(string(model.KindBench), []string{"plain", "k1"})
	if st, msg := invoke("k1", "v"); st != shim.ERROR || !strings.Contains(msg, string(model.CodeDisabled)) {
		t.Fatalf("plain put without the setting: %d %s", st, msg)
	}
	if _, ok := h.L.Get(key); ok {
		t.Fatal("a refused plain put wrote")
	}
	withSettings(t, Settings{Bench: true})
	if st, msg := invoke("k1", "v"); st != shim.OK {
		t.Fatalf("plain put with the setting: %d %s", st, msg)
	}
	if v, ok := h.L.Get(key); !ok || string(v) != "v" {
		t.Fatalf("plain put wrote %q %v", v, ok)
	}
	if st, msg := invoke("k1"); st != shim.ERROR || !strings.Contains(msg, string(model.CodeBadFormat)) {
		t.Fatalf("one argument: %d %s", st, msg)
	}
	if st, msg := invoke("k\x00", "v"); st != shim.ERROR || !strings.Contains(msg, string(model.CodeBadFormat)) {
		t.Fatalf("a key the shim refuses: %d %s", st, msg)
	}
}
