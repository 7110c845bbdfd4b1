package contracts

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/pdledger/pdledger/chaincode/model"
)

// PlainPutFunction is the benchmarks' plain Fabric put: one PutState answered by the
// shim alone, before contract-api, our hooks, our time window and our records see the
// call. Measured beside System:BenchPut in the same run, it shows what the contract layer
// costs a bare write (see BenchServed).
const PlainPutFunction = model.BenchPlainPut

// benchServed is the chaincode as a bench-mode server runs it: PlainPutFunction is
// answered here, everything else by contract-api.
type benchServed struct {
	*contractapi.ContractChaincode
}

// BenchServed wraps cc so that, while the server runs with the benchmark setting, it
// answers PlainPutFunction(key, value) with a bare PutState; off that setting the
// function is refused as System:BenchPut is.
func BenchServed(cc *contractapi.ContractChaincode) shim.Chaincode { return benchServed{cc} }

func (b benchServed) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	fn, args := stub.GetFunctionAndParameters()
	if fn != PlainPutFunction {
		return b.ContractChaincode.Invoke(stub)
	}
	if !settings.Bench {
		return shim.Error(model.Errf(model.CodeDisabled, "%s is off on this chaincode server (start it with PDL_BENCH=on for benchmarks)", PlainPutFunction).Error())
	}
	if len(args) != 2 {
		return shim.Error(model.Errf(model.CodeBadFormat, "%s takes a key and a value, got %d arguments", PlainPutFunction, len(args)).Error())
	}
	k, err := stub.CreateCompositeKey(string(model.KindBench), []string{"plain", args[0]})
	if err != nil {
		return shim.Error(model.Errf(model.CodeBadFormat, "bench key: %v", err).Error())
	}
	if err := stub.PutState(k, []byte(args[1])); err != nil {
		return shim.Error(err.Error())
	}
	return shim.Success(nil)
}
