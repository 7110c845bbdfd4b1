//go:build integration

// Package integration tests the spine against the live network: submit and evaluate as
// each org, refusal of non-bureau callers, agreement of the peers, cross-org
// endorsement, chaincode upgrade with state kept, and the fault tests.
package integration

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network/nettest"
)

func register(t *testing.T, ctx context.Context, c *client.Client, role model.Role, msp string) *model.Participant {
	t.Helper()
	id := nettest.ID(string(role))
	res, err := c.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{
		Request: model.Request{ID: id}, Role: role, Name: "测试单位 " + id, USCC: nettest.USCC(), MSPID: msp,
	})
	if err != nil {
		t.Fatalf("register %s: %v", role, err)
	}
	var p model.Participant
	if err := res.Decode(&p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestSpine_SubmitAndEvaluateAsEachOrg(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin")
	p := register(t, ctx, bureau, model.RoleOperator, "OperatorMSP")
	if p.Status != model.StatusActive || p.Version != 1 || p.CreatedBy.MSPID != "BureauMSP" {
		t.Fatalf("registered participant = %+v", p)
	}
	// Every org reads it through its own peer.
	for _, prof := range []string{"bureau-admin", "operator-admin", "sourceunit-admin", "operator-user4"} {
		c := nettest.Client(t, prof)
		var got model.Participant
		if err := c.Evaluate(ctx, "Participant:Get", model.Ref{ID: p.ID}, &got); err != nil {
			t.Fatalf("%s reads participant: %v", prof, err)
		}
		if got.ID != p.ID || got.USCC != p.USCC || got.Role != model.RoleOperator {
			t.Fatalf("%s read %+v, want %+v", prof, got, p)
		}
	}
}

func TestSpine_NonBureauRefused(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin")
	req := model.RegisterParticipantRequest{Request: model.Request{ID: nettest.ID("x")}, Role: model.RoleSourceUnit, Name: "某局", USCC: nettest.USCC(), MSPID: "SourceUnitMSP"}

	// An identity nobody bound is refused as unbound.
	_, err := nettest.Client(t, "operator-test").Submit(ctx, "Participant:Register", req)
	var re *client.RefusedError
	if !errors.As(err, &re) || re.Code() != model.CodeUnbound {
		t.Fatalf("unbound operator: err = %v, want %s", err, model.CodeUnbound)
	}
	// A bound operator is refused by the bureau-only rule.
	op := register(t, ctx, bureau, model.RoleOperator, "OperatorMSP")
	nettest.Bind(t, ctx, bureau, op.ID, "operator2")
	_, err = nettest.Client(t, "operator2").Submit(ctx, "Participant:Register", req)
	if !errors.As(err, &re) || re.Code() != model.RuleBureauOnlyRegisters.Code {
		t.Fatalf("bound operator: err = %v, want %s", err, model.RuleBureauOnlyRegisters.Code)
	}
	if re.Err.Message == "" {
		t.Fatal("refusal carries no message")
	}
	// Nothing was written under the refused id.
	var got model.Participant
	err = bureau.Evaluate(ctx, "Participant:Get", model.Ref{ID: req.ID}, &got)
	if !errors.As(err, &re) || re.Code() != model.CodeNotFound {
		t.Fatalf("refused registration left a record: %v %+v", err, got)
	}
}

func TestSpine_PeersAgreeOnBlockHash(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin")
	for i := 0; i < 3; i++ {
		register(t, ctx, bureau, model.RoleRegulator, "BureauMSP")
	}
	info, err := bureau.ChainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := nettest.WaitHeights(t, info.Height, 30*time.Second)
	var want []byte
	for _, prof := range []string{"bureau-admin", "operator-admin", "sourceunit-admin"} {
		b, err := nettest.Client(t, prof).Block(ctx, h-1)
		if err != nil {
			t.Fatal(err)
		}
		got := client.HeaderHash(b.GetHeader())
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Fatalf("%s has block %d hash %x, bureau has %x", prof, h-1, got, want)
		}
	}
}

func TestSpine_EndorsedByAtLeastTwoOrgs(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin")
	id := nettest.ID("end")
	res, err := bureau.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{
		Request: model.Request{ID: id}, Role: model.RoleExchange, Name: "深圳数据交易所 " + id, USCC: nettest.USCC(), MSPID: "BureauMSP",
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bureau.BlockByTxID(ctx, res.TxID)
	if err != nil {
		t.Fatal(err)
	}
	info, err := client.ParseBlock(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range info.Txs {
		if tx.ID != res.TxID {
			continue
		}
		orgs := map[string]bool{}
		for _, e := range tx.Endorsers {
			orgs[e.MSPID] = true
		}
		if len(orgs) < 2 {
			t.Fatalf("tx %s endorsed by %v; MAJORITY of three orgs needs two", tx.ID, orgs)
		}
		if !tx.Valid || tx.EventName != "participant.registered" {
			t.Fatalf("tx %s: valid=%v event=%q", tx.ID, tx.Valid, tx.EventName)
		}
		return
	}
	t.Fatalf("tx %s not in block %d", res.TxID, info.Number)
}

func TestSpine_IdempotentResubmission(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin")
	req := model.RegisterParticipantRequest{Request: model.Request{ID: nettest.ID("idem")}, Role: model.RolePartner, Name: "合作方", USCC: nettest.USCC(), MSPID: "OperatorMSP"}
	first, err := bureau.Submit(ctx, "Participant:Register", req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := bureau.Submit(ctx, "Participant:Register", req)
	if err != nil {
		t.Fatalf("identical resubmission refused: %v", err)
	}
	if again.TxID == first.TxID || !bytes.Equal(again.Payload, first.Payload) {
		t.Fatalf("resubmission should be a new no-op transaction answering the same record:\n%s\n%s", first.Payload, again.Payload)
	}
	req.Name = "另一个名字"
	_, err = bureau.Submit(ctx, "Participant:Register", req)
	var re *client.RefusedError
	if !errors.As(err, &re) || re.Code() != model.CodeIDReused {
		t.Fatalf("different request under a used id: %v, want %s", err, model.CodeIDReused)
	}
}

// TestSpine_CertificatesNameTheRegion: the certificates name the network's region as a
// 政务 CA issues them (C=CN, the province, the city of network/topology.yaml), not
// cryptogen's San Francisco defaults, and that is the subject the ledger records for the
// caller.
func TestSpine_CertificatesNameTheRegion(t *testing.T) {
	n := nettest.Net(t)
	r := n.T.Region
	for _, profile := range []string{"bureau-admin", "operator", "sourceunit-user1"} {
		p, err := client.LoadProfile(filepath.Join(n.L.ProfilesDir(), profile+".json"))
		if err != nil {
			t.Fatal(err)
		}
		id, err := client.IdentityOf(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"C=" + r.Country, "ST=" + r.Province, "L=" + r.City} {
			if !strings.Contains(id.Subject, want) {
				t.Errorf("%s: subject %q lacks %s", profile, id.Subject, want)
			}
		}
		if strings.Contains(id.Subject+id.Issuer, "San Francisco") {
			t.Errorf("%s: cryptogen's defaults: %s / %s", profile, id.Subject, id.Issuer)
		}
		var me model.WhoAmI
		if err := nettest.Client(t, profile).Evaluate(context.Background(), "Participant:WhoAmI", model.Empty{}, &me); err != nil {
			t.Fatal(err)
		}
		if me.Subject != id.Subject {
			t.Errorf("%s: the ledger sees subject %q, the certificate says %q", profile, me.Subject, id.Subject)
		}
	}
}
