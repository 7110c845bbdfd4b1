package contracts

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// withOperator2 are the unit tests' orgs after a second operator org joined the channel.
var withOperator2 = []string{"BureauMSP", "Operator2MSP", "OperatorMSP", "SourceUnitMSP"}

// setOrgsReq is the bureau admin's request to record orgs.
func (h *harness) setOrgsReq(reason string, orgs ...string) map[string]any {
	return map[string]any{"id": h.id("orgs"), "orgs": orgs, "reason": reason}
}

// config reads the network configuration.
func (h *harness) config() model.NetworkConfig {
	h.t.Helper()
	var cfg model.NetworkConfig
	h.okInto(h.Bureau, "Participant:Config", "{}", &cfg)
	return cfg
}

// ownerPolicy decodes the key-level policy the stub committed for a record.
func (h *harness) ownerPolicy(t *testing.T, kind model.Kind, id string) (owner string, others []string, need int32) {
	t.Helper()
	vp := h.L.ValidationParameter(mustKey(t, kind, id))
	if vp == nil {
		t.Fatalf("%s %s has no key-level policy", kind, id)
	}
	owner, others, need = policyOf(t, vp)
	slices.Sort(others)
	return owner, others, need
}

// TestParticipant_SetOrgsAddsAnOrg: after a second operator org joins (every endorser
// restarted with the new PDL_ORGS), the bureau's admin records the new list. Records
// created afterwards — by the bureau's org and by a source unit's — carry policies that
// count the new org (owner and 2 of the 3 others); a record created before keeps its
// policy; the configuration itself takes the new list's policy. The reason is on the
// record, the event is config.orgs-set, and the earlier list stays in its history.
func TestParticipant_SetOrgsAddsAnOrg(t *testing.T) {
	h := newParties(t, "longhua")
	h.register("su1", "r-before", content("变更前的资源", 1))
	withSettings(t, Settings{Orgs: withOperator2})

	var cfg model.NetworkConfig
	h.okInto(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("第二家运营机构加入通道", "SourceUnitMSP", "Operator2MSP", "OperatorMSP", "BureauMSP"), &cfg)
	if !slices.Equal(cfg.Orgs, withOperator2) || cfg.OrgsReason != "第二家运营机构加入通道" || cfg.Version != 2 ||
		cfg.BureauMSP != "BureauMSP" || cfg.BureauParticipant != "bureau" {
		t.Fatalf("answer = %+v", cfg)
	}
	if e := h.lastEvent(); e.Type != "config.orgs-set" || len(e.Records) != 1 || e.Records[0].ID != configID || !e.Records[0].Public {
		t.Fatalf("event = %+v", e)
	}
	if got := h.config(); !slices.Equal(got.Orgs, withOperator2) || got.OrgsReason != cfg.OrgsReason {
		t.Fatalf("config = %+v", got)
	}

	h.register("su1", "r-after", content("变更后的资源", 1))
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": "op3", "role": "operator", "name": "第二家运营机构", "uscc": h.uscc(), "mspId": "Operator2MSP"})
	for _, c := range []struct {
		kind   model.Kind
		id     string
		owner  string
		others []string
		need   int32
	}{
		{model.KindResource, "r-after", "SourceUnitMSP", []string{"BureauMSP", "Operator2MSP", "OperatorMSP"}, 2},
		{model.KindParticipant, "op3", "BureauMSP", []string{"Operator2MSP", "OperatorMSP", "SourceUnitMSP"}, 2},
		{model.KindConfig, configID, "BureauMSP", []string{"Operator2MSP", "OperatorMSP", "SourceUnitMSP"}, 2},
		// created before: as it was
		{model.KindResource, "r-before", "SourceUnitMSP", []string{"BureauMSP", "OperatorMSP"}, 1},
		{model.KindParticipant, "su1", "BureauMSP", []string{"OperatorMSP", "SourceUnitMSP"}, 1},
	} {
		owner, others, need := h.ownerPolicy(t, c.kind, c.id)
		if owner != c.owner || !slices.Equal(others, c.others) || need != c.need {
			t.Errorf("%s %s: owner %s and %d of %v; want %s and %d of %v", c.kind, c.id, owner, need, others, c.owner, c.need, c.others)
		}
	}

	var hist []model.HistoryEntry
	h.okInto(h.Bureau, "System:History", map[string]any{"kind": "config", "id": configID}, &hist)
	if len(hist) != 2 {
		t.Fatalf("history has %d versions", len(hist))
	}
	var first model.NetworkConfig
	if err := json.Unmarshal(hist[0].Value, &first); err != nil || !slices.Equal(first.Orgs, testOrgs) || first.OrgsReason != "" {
		t.Fatalf("first version %s (%v)", hist[0].Value, err)
	}
}

// TestParticipant_SetOrgsRemovedOrgsRecordsStay: an org leaves; its records keep their
// owner's policy and marker and are read as before (not RECORD_UNGUARDED), while records
// created afterwards are owned under the smaller list.
func TestParticipant_SetOrgsRemovedOrgsRecordsStay(t *testing.T) {
	h := newParties(t, "longhua")
	h.register("su1", "r1", content("资源", 1))
	withSettings(t, Settings{Orgs: []string{"BureauMSP", "OperatorMSP"}})
	h.ok(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("数源单位组织退出通道", "BureauMSP", "OperatorMSP"))

	if owner, others, need := h.ownerPolicy(t, model.KindResource, "r1"); owner != "SourceUnitMSP" || !slices.Equal(others, []string{"BureauMSP", "OperatorMSP"}) || need != 1 {
		t.Fatalf("r1: owner %s and %d of %v", owner, need, others)
	}
	var r model.Resource
	h.okInto(h.Bureau, "Resource:Get", map[string]any{"id": "r1"}, &r)
	if r.ID != "r1" {
		t.Fatalf("resource = %+v", r)
	}
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": "op9", "role": "operator", "name": "运营", "uscc": h.uscc(), "mspId": "OperatorMSP"})
	if owner, others, need := h.ownerPolicy(t, model.KindParticipant, "op9"); owner != "BureauMSP" || !slices.Equal(others, []string{"OperatorMSP"}) || need != 1 {
		t.Fatalf("op9: owner %s and %d of %v", owner, need, others)
	}
}

// TestParticipant_SetOrgsOnlyBureauAdmin: a user of the bureau bound to it, a second
// bureau admin other than the one the network definition names, another org's admin
// (bound to its operator or unbound) and an admin bound to a regulator of the bureau's
// org are refused; the list does not change.
func TestParticipant_SetOrgsOnlyBureauAdmin(t *testing.T) {
	h := newHarness(t, "")
	withSettings(t, Settings{BootstrapMSP: "BureauMSP", BootstrapAdmin: certSHA256(h.Bureau), Orgs: withOperator2})
	req := func() map[string]any { return h.setOrgsReq("新组织加入", withOperator2...) }

	user := stubtest.NewIdentity("BureauMSP", "User1@bureau", "client")
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("b"), "bureau", user))
	e := h.refused(user, "Participant:SetOrgs", req(), model.CodeAccessDenied)
	if !strings.Contains(e.Message, "not an admin") {
		t.Fatalf("bureau user: %s", e.Message)
	}
	admin2 := stubtest.NewIdentity("BureauMSP", "Admin2@bureau", "admin")
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("b"), "bureau", admin2))
	e = h.refused(admin2, "Participant:SetOrgs", req(), model.CodeAccessDenied)
	if !strings.Contains(e.Message, "named in the network definition") {
		t.Fatalf("second bureau admin: %s", e.Message)
	}

	opAdmin := stubtest.NewIdentity("OperatorMSP", "Admin@operator", "admin")
	h.refused(opAdmin, "Participant:SetOrgs", req(), model.CodeUnbound)
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": "op", "role": "operator", "name": "运营机构", "uscc": h.uscc(), "mspId": "OperatorMSP"})
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("b"), "op", opAdmin))
	h.refused(opAdmin, "Participant:SetOrgs", req(), model.RuleBureauOnlyRegisters.Code)

	regAdmin := stubtest.NewIdentity("BureauMSP", "Admin@audit", "admin")
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": "reg", "role": "regulator", "name": "区审计局", "uscc": h.uscc(), "mspId": "BureauMSP"})
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("b"), "reg", regAdmin))
	h.refused(regAdmin, "Participant:SetOrgs", req(), model.RuleBureauOnlyRegisters.Code)

	if cfg := h.config(); !slices.Equal(cfg.Orgs, testOrgs) || cfg.Version != 1 {
		t.Fatalf("config after refusals = %+v", cfg)
	}
	h.ok(h.Bureau, "Participant:SetOrgs", req())
	if cfg := h.config(); !slices.Equal(cfg.Orgs, withOperator2) {
		t.Fatalf("config = %+v", cfg)
	}
}

// TestParticipant_SetOrgsMustMatchEndorserSettings: an endorser still on the old
// PDL_ORGS refuses the new list (ACCESS_DENIED naming its own list), and one on the new
// list refuses any other; the list this endorser runs with passes, in any order.
func TestParticipant_SetOrgsMustMatchEndorserSettings(t *testing.T) {
	h := newHarness(t, "")
	withSettings(t, Settings{Orgs: testOrgs})
	e := h.refused(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("新组织加入", withOperator2...), model.CodeAccessDenied)
	if e.Field != "orgs" || e.Limit != strings.Join(testOrgs, ",") {
		t.Fatalf("old endorser: field %q limit %q (%s)", e.Field, e.Limit, e.Message)
	}
	withSettings(t, Settings{Orgs: withOperator2})
	e = h.refused(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("新组织加入", "BureauMSP", "Operator2MSP", "OperatorMSP"), model.CodeAccessDenied)
	if e.Limit != strings.Join(withOperator2, ",") {
		t.Fatalf("other list: limit %q", e.Limit)
	}
	if cfg := h.config(); !slices.Equal(cfg.Orgs, testOrgs) {
		t.Fatalf("config after refusals = %+v", cfg)
	}
	h.ok(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("新组织加入", "SourceUnitMSP", "OperatorMSP", "Operator2MSP", "BureauMSP"))
	if cfg := h.config(); !slices.Equal(cfg.Orgs, withOperator2) {
		t.Fatalf("config = %+v", cfg)
	}
}

// TestParticipant_SetOrgsUnchangedRefused: the ledger's own list again (in any order) is
// refused with ALREADY_EXISTS on field orgs, and writes nothing.
func TestParticipant_SetOrgsUnchangedRefused(t *testing.T) {
	h := newHarness(t, "")
	withSettings(t, Settings{Orgs: testOrgs})
	events := len(h.L.Events)
	e := h.refused(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("核对", "SourceUnitMSP", "BureauMSP", "OperatorMSP"), model.CodeAlreadyExists)
	if e.Field != "orgs" || !strings.Contains(e.Message, "already") {
		t.Fatalf("refusal: field %q: %s", e.Field, e.Message)
	}
	if len(h.L.Events) != events {
		t.Fatal("a refused SetOrgs emitted an event")
	}
	if cfg := h.config(); cfg.Version != 1 {
		t.Fatalf("config = %+v", cfg)
	}
}

// TestParticipant_SetOrgsNamesTheBureauAndTwoOrgs: a list without the bureau's org, or of
// one org, is refused (INPUT_BAD_FORMAT on orgs).
func TestParticipant_SetOrgsNamesTheBureauAndTwoOrgs(t *testing.T) {
	h := newHarness(t, "")
	e := h.refused(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("x", "OperatorMSP", "SourceUnitMSP"), model.CodeBadFormat)
	if e.Field != "orgs" || e.Limit != "BureauMSP" {
		t.Fatalf("without the bureau: field %q limit %q", e.Field, e.Limit)
	}
	e = h.refused(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("x", "BureauMSP"), model.CodeBadFormat)
	if e.Field != "orgs" || !strings.Contains(e.Limit, "at least 2") {
		t.Fatalf("one org: field %q limit %q", e.Field, e.Limit)
	}
	h.refused(h.Bureau, "Participant:SetOrgs", h.setOrgsReq("x"), model.CodeMissingField)
	h.refused(h.Bureau, "Participant:SetOrgs", map[string]any{"id": h.id("o"), "orgs": withOperator2}, model.CodeMissingField)
}
