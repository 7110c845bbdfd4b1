package contracts

import (
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

func TestParticipant_BootstrapOnceByAdmin(t *testing.T) {
	h := newHarness(t, "")
	var cfg model.NetworkConfig
	h.okInto(h.Bureau, "Participant:Config", "{}", &cfg)
	if cfg.BureauMSP != "BureauMSP" || cfg.BureauParticipant != "bureau" {
		t.Fatalf("config = %+v", cfg)
	}
	h.refused(h.Bureau, "Participant:Bootstrap", map[string]any{"id": "b2", "name": "x", "uscc": "11440309MB2C90412W", "orgs": testOrgs}, model.CodeAlreadyExists)

	fresh := newLedgerOnly(t)
	user := stubtest.NewIdentity("OperatorMSP", "User1@operator", "client")
	_, err := fresh.call(user, "Participant:Bootstrap", map[string]any{"id": "b", "name": "x", "uscc": "11440309MB2C90412W", "orgs": testOrgs})
	if model.CodeOf(err) != model.CodeAccessDenied {
		t.Fatalf("non-admin bootstrap: %v", err)
	}
}

func newLedgerOnly(t *testing.T) *harness {
	return &harness{t: t, L: stubtest.NewLedger(start), ids: map[string]*stubtest.Identity{}}
}

func TestParticipant_USCCCheckDigit(t *testing.T) {
	h := newHarness(t, "")
	good := h.uscc()
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": "op", "role": "operator", "name": "龙华数据公司", "uscc": good, "mspId": "OperatorMSP"})
	bad := good[:17] + string("0123456789ABCDEFGH"[(int(good[17])+1)%18])
	if bad == good {
		t.Fatal("test setup: bad == good")
	}
	e := h.refused(h.Bureau, "Participant:Register", map[string]any{"id": "op2", "role": "operator", "name": "x", "uscc": bad, "mspId": "OperatorMSP"}, model.RuleUSCCCheckDigit.Code)
	if e.Field != "uscc" {
		t.Fatalf("field = %q", e.Field)
	}
	// The standard's own example passes the same check.
	if err := model.CheckUSCC("91350100M000100Y43"); err != nil {
		t.Fatal(err)
	}
	if err := model.CheckUSCC("91350100M000100Y4I"); err == nil {
		t.Fatal("I is not in the GB 32100 alphabet")
	}
}

func TestParticipant_OnlyBureauRegisters(t *testing.T) {
	h := newHarness(t, "")
	op := h.party("op", model.RoleOperator, "运营机构")
	h.refused(op, "Participant:Register", map[string]any{"id": "x", "role": "source_unit", "name": "某局", "uscc": h.uscc(), "mspId": "SourceUnitMSP"}, model.RuleBureauOnlyRegisters.Code)
	unbound := stubtest.NewIdentity("OperatorMSP", "stranger", "client")
	h.refused(unbound, "Participant:Register", map[string]any{"id": "x", "role": "source_unit", "name": "某局", "uscc": h.uscc(), "mspId": "SourceUnitMSP"}, model.CodeUnbound)
	// Anyone reads participants: they are public.
	var p model.Participant
	h.okInto(unbound, "Participant:Get", map[string]any{"id": "op"}, &p)
	if p.Role != model.RoleOperator || p.MSPID != "OperatorMSP" {
		t.Fatalf("participant = %+v", p)
	}
}

func TestParticipant_SuspendedReadsPublicOnly(t *testing.T) {
	h := newHarness(t, "")
	op := h.party("op", model.RoleOperator, "运营机构")
	h.ok(h.Bureau, "Participant:SetStatus", map[string]any{"id": h.id("s"), "participant": "op", "status": "suspended", "reason": "整改期间"})
	h.refused(op, "Participant:SetKey", map[string]any{"id": h.id("k"), "participant": "op", "sm2PublicKey": h.keys["op"].Public().EncodeHex()}, model.CodeSuspended)
	var who model.WhoAmI
	h.okInto(op, "Participant:WhoAmI", "{}", &who)
	if !who.Bound || who.Active {
		t.Fatalf("whoami = %+v", who)
	}
}

func TestParticipant_BindingMustMatchMSP(t *testing.T) {
	h := newHarness(t, "")
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": "su", "role": "source_unit", "name": "区卫生健康局", "uscc": h.uscc(), "mspId": "SourceUnitMSP"})
	wrong := stubtest.NewIdentity("OperatorMSP", "x", "client")
	h.refused(h.Bureau, "Participant:BindIdentity", bindReq(h.id("b"), "su", wrong), model.CodeAccessDenied)
}

func TestParticipant_IdempotentRetryAndIDReuse(t *testing.T) {
	h := newHarness(t, "")
	req := map[string]any{"id": "op", "role": "operator", "name": "运营机构", "uscc": h.uscc(), "mspId": "OperatorMSP"}
	first := h.ok(h.Bureau, "Participant:Register", req)
	events := len(h.L.Events)
	again := h.ok(h.Bureau, "Participant:Register", req)
	if first != again {
		t.Fatalf("retry answered differently:\n%s\n%s", first, again)
	}
	if len(h.L.Events) != events {
		t.Fatal("an identical retry emitted an event")
	}
	req["name"] = "另一个"
	h.refused(h.Bureau, "Participant:Register", req, model.CodeIDReused)
}

func TestParticipant_EventCarriesRecord(t *testing.T) {
	h := newHarness(t, "")
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": "ex", "role": "exchange", "name": "深圳数据交易所", "uscc": h.uscc(), "mspId": "BureauMSP"})
	e := h.lastEvent()
	if e.Type != "participant.registered" || len(e.Records) != 1 || e.Records[0].ID != "ex" || !e.Records[0].Public {
		t.Fatalf("event = %+v", e)
	}
}

func TestRecord_TimeMovesForward(t *testing.T) {
	h := newHarness(t, "")
	h.party("op", model.RoleOperator, "运营机构")
	h.ok(h.Bureau, "Participant:SetStatus", map[string]any{"id": h.id("s"), "participant": "op", "status": "suspended", "reason": "整改"})
	h.advance(-time.Hour) // a client backdates its proposal
	e := h.refused(h.Bureau, "Participant:SetStatus", map[string]any{"id": h.id("s"), "participant": "op", "status": "active", "reason": "恢复"}, model.RuleTimeMonotonic.Code)
	if !strings.Contains(e.Message, "before the last change") {
		t.Fatal(e.Message)
	}
	h.advance(2 * time.Hour)
	h.ok(h.Bureau, "Participant:SetStatus", map[string]any{"id": h.id("s"), "participant": "op", "status": "active", "reason": "恢复"})
}
