package contracts

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// policyOf decodes an owner policy: the owner, the others, and how many of them.
func policyOf(t *testing.T, raw []byte) (owner string, others []string, need int32) {
	t.Helper()
	var env common.SignaturePolicyEnvelope
	if err := proto.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range env.Identities {
		var r msp.MSPRole
		if err := proto.Unmarshal(p.Principal, &r); err != nil || r.Role != msp.MSPRole_PEER {
			t.Fatalf("principal %v is not a peer role (%v)", p, err)
		}
		ids = append(ids, r.MspIdentifier)
	}
	if sb, ok := env.Rule.Type.(*common.SignaturePolicy_SignedBy); ok {
		return ids[sb.SignedBy], nil, 0
	}
	top := env.Rule.GetNOutOf()
	if top.N != 2 || len(top.Rules) != 2 || top.Rules[0].GetSignedBy() != 0 {
		t.Fatalf("rule %v: want 2 of (owner, k of others)", env.Rule)
	}
	inner := top.Rules[1].GetNOutOf()
	for _, r := range inner.Rules {
		others = append(others, ids[r.GetSignedBy()])
	}
	return ids[0], others, inner.N
}

// TestOwner_PolicyIsOwnerPlusMajority: the owner and enough other orgs for a majority;
// one org alone suffices only on a single-org channel.
func TestOwner_PolicyIsOwnerPlusMajority(t *testing.T) {
	for _, c := range []struct {
		orgs []string
		need int32
	}{{[]string{"A", "B", "C"}, 1}, {[]string{"A", "B", "C", "D"}, 2}, {[]string{"A", "B", "C", "D", "E"}, 2}} {
		raw, err := OwnerPolicy("B", c.orgs)
		if err != nil {
			t.Fatal(err)
		}
		owner, others, need := policyOf(t, raw)
		if owner != "B" || need != c.need || len(others) != len(c.orgs)-1 {
			t.Errorf("%v: owner %s, %d of %v; want B and %d of the others", c.orgs, owner, need, others, c.need)
		}
	}
	raw, _ := OwnerPolicy("A", []string{"A"})
	if owner, others, _ := policyOf(t, raw); owner != "A" || others != nil {
		t.Errorf("single org: %s %v", owner, others)
	}
}

// TestOwner_RecordsCarryTheirOwnersPolicyAndMarker: a resource registered by a source
// unit is its org's — key-level policy and creation marker — and the bootstrap's own
// records are the bureau's.
func TestOwner_RecordsCarryTheirOwnersPolicyAndMarker(t *testing.T) {
	h := newParties(t, "longhua")
	h.register("su1", "r1", content("资源", 1))
	for _, c := range []struct {
		kind  model.Kind
		id    string
		owner string
	}{{model.KindResource, "r1", "SourceUnitMSP"}, {model.KindParticipant, "bureau", "BureauMSP"}, {model.KindConfig, configID, "BureauMSP"},
		{model.KindParticipant, "su1", "BureauMSP"}, {model.KindProfile, profileCurrent, "BureauMSP"}} {
		vp := h.L.ValidationParameter(mustKey(t, c.kind, c.id))
		if vp == nil {
			t.Errorf("%s %s has no key-level policy", c.kind, c.id)
			continue
		}
		if owner, _, _ := policyOf(t, vp); owner != c.owner {
			t.Errorf("%s %s is owned by %s, want %s", c.kind, c.id, owner, c.owner)
		}
		if _, ok := h.L.Private(GuardCollection(c.owner), guardKey(c.kind, c.id)); !ok {
			t.Errorf("%s %s has no creation marker in %s", c.kind, c.id, GuardCollection(c.owner))
		}
	}
}

// TestOwner_ForgedRecordRefused: a participant written straight into state — what two
// orgs running a modified chaincode could commit without the bureau — has no creation
// marker; reading it or binding an identity to it is refused with RECORD_UNGUARDED.
func TestOwner_ForgedRecordRefused(t *testing.T) {
	h := newHarness(t, "longhua")
	forged := model.Participant{Meta: model.Meta{ID: "fake-op", Kind: model.KindParticipant, Version: 1, Public: true,
		CreatedBy: model.Actor{MSPID: "BureauMSP", Subject: "CN=Admin@bureau"}, CreatedTx: "forged", CreatedAt: time.Now()},
		Role: model.RoleOperator, Name: "冒牌运营机构", MSPID: "OperatorMSP", Status: model.StatusActive}
	raw, _ := json.Marshal(forged)
	h.L.PutCommitted(mustKey(t, model.KindParticipant, "fake-op"), raw)
	h.refused(h.Bureau, "Participant:Get", map[string]any{"id": "fake-op"}, model.CodeUnguarded)
	h.party("op", model.RoleOperator, "运营")
	h.refused(h.Bureau, "Participant:BindIdentity", bindReq(h.id("b"), "fake-op", h.as("op")), model.CodeUnguarded)
}

// TestOwner_ColludersCannotBindToTheBureau: two orgs with a modified chaincode write an
// identity binding of an operator certificate to the bureau participant, naming
// OperatorMSP as its owner and putting a creation marker in the operator's collection
// (which the two of them may endorse). The binding does not make that certificate the
// bureau: an identity acts only for a participant of its own org, and a binding created
// by anyone but the bureau is refused.
func TestOwner_ColludersCannotBindToTheBureau(t *testing.T) {
	h := newHarness(t, "longhua")
	h.party("op", model.RoleOperator, "运营")
	rogue := stubtest.NewIdentity("OperatorMSP", "rogue@operator", "client")
	id := model.IdentityOf("OperatorMSP", rogue.Cert)
	b := model.IdentityBinding{Meta: model.Meta{ID: id.Key(), Kind: model.KindIdentity, Version: 1,
		CreatedBy: model.Actor{MSPID: "OperatorMSP", Subject: "CN=op@operatormsp", Participant: "op"}, CreatedTx: "forged", CreatedAt: time.Now()},
		MSPID: "OperatorMSP", Subject: id.Subject, Issuer: id.Issuer, KeyDigest: id.KeyDigest, IdentityKey: id.Key(), Participant: "bureau", Status: model.StatusActive}
	raw, _ := json.Marshal(b)
	key := mustKey(t, model.KindIdentity, id.Key())
	h.L.PutCommitted(key, raw)
	h.L.PutPrivateCommitted(GuardCollection("OperatorMSP"), guardKey(model.KindIdentity, id.Key()), []byte{1})
	// created "by" an operator: operators do not create bindings
	h.refused(rogue, "Participant:Register", map[string]any{"id": "fake", "role": "operator", "name": "冒牌", "uscc": h.uscc(), "mspId": "OperatorMSP"}, model.CodeUnguarded)
	// claimed as the bureau's own: no marker in the bureau's collection
	b.CreatedBy = model.Actor{MSPID: "BureauMSP", Subject: "CN=Admin@bureau", Participant: "bureau"}
	raw, _ = json.Marshal(b)
	h.L.PutCommitted(key, raw)
	h.refused(rogue, "Participant:Register", map[string]any{"id": "fake", "role": "operator", "name": "冒牌", "uscc": h.uscc(), "mspId": "OperatorMSP"}, model.CodeUnguarded)
}
