//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	gwclient "github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network/nettest"
)

// TestCommercial_TradeFieldsOnlyOnMembersPeers: a demo trade's buyer, quantity and
// amount (filed by the exchange desk through the client) are in no block — neither in the
// proposal's arguments nor in the write set or the event — but in the commercial
// collection: the exchange and the operator's side read them, a source unit party to the
// trade reads the trade without them, and the source units' peer holds none of them.
// Servers refuse commercial fields in the arguments and commercial requests on a
// non-member's peer; the client does not send them to a non-member.
func TestCommercial_TradeFieldsOnlyOnMembersPeers(t *testing.T) {
	ensureDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const id = "trade-lh-prd-01-a"
	buyer := demoUSCC("91440300MA5DC1QH1")
	ref := fmt.Sprintf(`{"id":%q}`, id)

	ex := nettest.Client(t, "exchange")
	var tr model.Trade
	if err := ex.Evaluate(ctx, "Trade:Get", model.Ref{ID: id}, &tr); err != nil {
		t.Fatal(err)
	}
	if tr.AmountFen != 12000*300 || tr.Quantity != 12000 || tr.Buyer.USCC != buyer || tr.Commercial == nil || tr.Commercial.Withheld {
		t.Fatalf("the exchange reads its trade without its fields: %+v", tr)
	}

	withheld := func(who string, raw []byte) {
		t.Helper()
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		for _, f := range model.CommercialFields(model.KindTrade) {
			if _, ok := obj[f]; ok {
				t.Fatalf("%s reads withheld field %s: %s", who, f, raw)
			}
		}
		if c, _ := obj["commercial"].(map[string]any); c["withheld"] != true || c["digest"] != tr.Commercial.Digest {
			t.Fatalf("%s: not marked withheld under the trade's digest: %s", who, raw)
		}
	}
	party := ""
	for i := 1; i <= 16 && party == ""; i++ {
		name := fmt.Sprintf("sourceunit-user%d", i)
		raw, err := nettest.Client(t, name).EvaluateRaw(ctx, "Trade:Get", ref)
		if err == nil {
			withheld(name, raw)
			party = name
		}
	}
	if party == "" {
		t.Fatal("no source unit identity is a party to the trade")
	}

	// the block, read as an auditor: the digest, none of the fields or the signature
	blk, err := nettest.Client(t, "bureau-admin").BlockByTxID(ctx, tr.CreatedTx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := proto.Marshal(blk)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{buyer, "中国光大银行", `"amountFen"`, `"quantity"`, tr.Signature.Value} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Fatalf("block %d carries %q", blk.GetHeader().GetNumber(), leak)
		}
	}
	if !bytes.Contains(raw, []byte(tr.Commercial.Digest)) {
		t.Fatalf("block %d lacks the commercial digest", blk.GetHeader().GetNumber())
	}

	// the source units' peer holds none of it, whoever asks there
	raw, err = ex.EvaluateRaw(client.EndorsedBy(ctx, "SourceUnitMSP"), "Trade:Get", ref)
	if err != nil {
		t.Fatal(err)
	}
	withheld("the exchange on the source units' peer", raw)

	// hand-made proposals, past the client's checks: the servers refuse
	raw1 := func(org, args string) error {
		_, err := ex.Network().GetContract(ex.Profile.Chaincode).Evaluate("Trade:File", gwclient.WithArguments(args), gwclient.WithEndorsingOrganizations(org))
		return err
	}
	refusedRaw := func(what string, err error, code model.Code) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), string(code)) {
			t.Fatalf("%s: %v, want %s", what, err, code)
		}
	}
	refusedRaw("a commercial request on the source units' peer", raw1("SourceUnitMSP", `{"id":"it-cm-1","product":"lh-prd-01"}`), model.CodeCommercialNotMember)
	refusedRaw("an amount in the arguments", raw1("BureauMSP", `{"id":"it-cm-2","product":"lh-prd-01","amountFen":1}`), model.CodeCommercialInArgs)
	// the client sends them to members only, evaluates no commercial write, submits no query
	_, err = ex.Submit(client.EndorsedBy(ctx, "BureauMSP", "SourceUnitMSP"), "Trade:File", map[string]any{"id": "it-cm-3", "product": "lh-prd-01", "amountFen": 1})
	if err == nil || !strings.Contains(err.Error(), "not a member") {
		t.Fatalf("the client sent commercial fields to a non-member: %v", err)
	}
	if _, err := nettest.Client(t, party).Submit(ctx, "Trade:File", map[string]any{"id": "it-cm-4", "product": "lh-prd-01", "amountFen": 1}); err == nil || !strings.Contains(err.Error(), "not a member") {
		t.Fatalf("a source unit's client sent commercial fields through its own gateway: %v", err)
	}
	if _, err := ex.EvaluateRaw(ctx, "Trade:File", `{"id":"it-cm-5","product":"lh-prd-01","amountFen":1}`); err == nil || !strings.Contains(err.Error(), "submit it") {
		t.Fatalf("the client evaluated a commercial write: %v", err)
	}
	if _, err := ex.Submit(ctx, "Trade:Get", model.Ref{ID: id}); err == nil || !strings.Contains(err.Error(), "is a query") {
		t.Fatalf("the client submitted a query: %v", err)
	}
}
