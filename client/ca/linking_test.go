package ca_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client/ca"
)

// fabric-sdk-go and fabric-gateway (or contract-api v2) register the same protobuf names:
// a binary that links both panics at start. pdl-ca is the only binary that may link the
// SDK, and it must not link the gateway.
func TestLinking_SDKOnlyInPdlCA(t *testing.T) {
	deps := func(pkg string) string {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		return string(out)
	}
	const sdk, gateway, contractAPI = "github.com/hyperledger/fabric-sdk-go/", "github.com/hyperledger/fabric-gateway/", "github.com/hyperledger/fabric-contract-api-go/"
	if d := deps("github.com/pdledger/pdledger/client/cmd/pdl-ca"); !strings.Contains(d, sdk) || strings.Contains(d, gateway) || strings.Contains(d, contractAPI) {
		t.Fatalf("pdl-ca must link fabric-sdk-go and neither fabric-gateway nor contract-api")
	}
	for _, pkg := range []string{"client/cmd/pdl", "network/cmd/pdlnet", "explorer-api/cmd/explorer", "chaincode/cmd/pdlcc"} {
		if strings.Contains(deps("github.com/pdledger/pdledger/"+pkg), sdk) {
			t.Errorf("%s links fabric-sdk-go: it would panic at start", pkg)
		}
	}
}

// The attribute pdl-ca issues is the one the chaincode reads (package ca cannot import
// the model: the model links fabric-protos-go-apiv2, which pdl-ca's SDK collides with).
func TestAttrs_SameNamesAsTheChaincode(t *testing.T) {
	if ca.AttrParticipant != model.AttrParticipant {
		t.Fatalf("pdl-ca issues %q, the chaincode reads %q", ca.AttrParticipant, model.AttrParticipant)
	}
}
