package contracts

import (
	"sort"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

var registered = map[string]contractapi.ContractInterface{}

// register adds a contract under its concern's name ("Resource" serves
// "Resource:Register", ...). Each contract file registers itself in init.
func register(name string, c interface {
	contractapi.ContractInterface
	setName(string)
}) {
	if _, dup := registered[name]; dup {
		panic("contracts: " + name + " registered twice")
	}
	c.setName(name)
	registered[name] = c
}

// base is embedded by every contract.
type base struct {
	contractapi.Contract
}

func (b *base) setName(n string) { b.Name = n }

// All returns every contract of the chaincode, sorted by name.
func All() []contractapi.ContractInterface {
	names := make([]string, 0, len(registered))
	for n := range registered {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]contractapi.ContractInterface, 0, len(names))
	for _, n := range names {
		out = append(out, registered[n])
	}
	return out
}

// New builds the chaincode.
func New() (*contractapi.ContractChaincode, error) {
	cc, err := contractapi.NewChaincode(All()...)
	if err != nil {
		return nil, err
	}
	cc.Info.Title = "PDLedger"
	cc.Info.Version = "1.0.0"
	cc.DefaultContract = "System"
	return cc, nil
}
