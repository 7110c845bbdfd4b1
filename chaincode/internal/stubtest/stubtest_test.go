package stubtest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// TestIdentity_AttributesAsFabricCAIssuesThem: the test CA writes attributes as a Fabric
// CA enrollment certificate carries them — one non-critical extension 1.2.3.4.5.6.7.8.1
// whose value is {"attrs":{...}} — and a transaction reads them through cid, as on a peer.
func TestIdentity_AttributesAsFabricCAIssuesThem(t *testing.T) {
	id := NewIdentityWithAttrs("SourceUnitMSP", "zhang@su", map[string]string{"pdl.participant": "su-zjj", "pdl.role": "reviewer"}, "client")
	var found int
	for _, ext := range id.Cert.Extensions {
		if ext.Id.String() != "1.2.3.4.5.6.7.8.1" {
			continue
		}
		found++
		if ext.Critical {
			t.Fatal("the attribute extension is critical")
		}
		var v struct {
			Attrs map[string]string `json:"attrs"`
		}
		if err := json.Unmarshal(ext.Value, &v); err != nil || v.Attrs["pdl.participant"] != "su-zjj" || v.Attrs["pdl.role"] != "reviewer" || len(v.Attrs) != 2 {
			t.Fatalf("extension value %s (%v)", ext.Value, err)
		}
	}
	if found != 1 {
		t.Fatalf("%d attribute extensions", found)
	}

	// the identity's own methods are cid's
	if v, ok, err := id.GetAttributeValue("pdl.participant"); v != "su-zjj" || !ok || err != nil {
		t.Fatalf("GetAttributeValue = %q %v %v", v, ok, err)
	}
	if _, ok, err := id.GetAttributeValue("hf.EnrollmentID"); ok || err != nil {
		t.Fatalf("an attribute the certificate lacks: %v %v", ok, err)
	}
	if err := id.AssertAttributeValue("pdl.role", "reviewer"); err != nil {
		t.Fatal(err)
	}
	if err := id.AssertAttributeValue("pdl.role", "admin"); err == nil {
		t.Fatal("AssertAttributeValue accepted another value")
	}

	// a transaction's client identity is cid's reading of the proposal's creator
	l := NewLedger(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	_, err := l.Call(id, func(ctx contractapi.TransactionContextInterface) (string, error) {
		ci := ctx.GetClientIdentity()
		if _, ok := ci.(*cid.ClientID); !ok {
			t.Fatalf("client identity is a %T", ci)
		}
		msp, _ := ci.GetMSPID()
		cert, _ := ci.GetX509Certificate()
		v, ok, err := ci.GetAttributeValue("pdl.participant")
		if msp != "SourceUnitMSP" || cert == nil || !cert.Equal(id.Cert) || v != "su-zjj" || !ok || err != nil {
			t.Fatalf("cid sees %s %v %q %v %v", msp, cert != nil, v, ok, err)
		}
		return "", nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestIdentity_UnreadableAttributesLikeContractAPI: cid refuses an attribute extension
// that is not attribute JSON; contract-api drops that error, so the transaction's client
// identity is a nil *cid.ClientID, and the stub does the same.
func TestIdentity_UnreadableAttributesLikeContractAPI(t *testing.T) {
	id := NewIdentityWithAttrExtension("SourceUnitMSP", "sun@su", []byte("pdl.participant=su-zjj"), "client")
	if _, _, err := id.GetAttributeValue("pdl.participant"); err == nil {
		t.Fatal("cid read a malformed attribute extension")
	}
	l := NewLedger(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	_, _ = l.Call(id, func(ctx contractapi.TransactionContextInterface) (string, error) {
		ci := ctx.GetClientIdentity()
		if v := reflect.ValueOf(ci); ci == nil || v.Kind() != reflect.Pointer || !v.IsNil() {
			t.Fatalf("client identity = %#v, want a nil *cid.ClientID", ci)
		}
		return "", nil
	})

	// without attributes, nothing is found and nothing fails
	plain := NewIdentity("SourceUnitMSP", "User1@su", "client")
	if _, ok, err := plain.GetAttributeValue("pdl.participant"); ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
}
