package contracts

import (
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// Certificates from an organization's Fabric CA name their participant in the attribute
// pdl.participant; these tests hold bindings to it (model.RuleIdentityAttribute).

// registerSU registers a source unit without binding an identity to it.
func (h *harness) registerSU(id string) {
	h.t.Helper()
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": id, "role": model.RoleSourceUnit, "name": "数源单位 " + id, "uscc": h.uscc(), "mspId": "SourceUnitMSP"})
}

// bindCertReq is bindReq carrying the certificate itself.
func bindCertReq(id, participant string, ident *stubtest.Identity) map[string]any {
	req := bindReq(id, participant, ident)
	req["certificate"] = ident.PEM()
	return req
}

// setKeyReq is participant's own key rotation: any active participant may do it for
// itself, so it tells whom a certificate acts for.
func (h *harness) setKeyReq(participant string) map[string]any {
	key, _ := gm.GenerateKey(nil)
	return map[string]any{"id": h.id("key"), "participant": participant, "sm2PublicKey": key.Public().EncodeHex()}
}

// caIssued is a Fabric CA enrollment certificate of SourceUnitMSP for cn naming
// participant, with the attributes a Fabric CA adds by default.
func caIssued(cn, participant string) *stubtest.Identity {
	return stubtest.NewIdentityWithAttrs("SourceUnitMSP", cn, map[string]string{
		model.AttrParticipant: participant, "pdl.role": "reviewer",
		"hf.EnrollmentID": cn, "hf.Type": "client", "hf.Affiliation": "",
	}, "client")
}

func TestIdentity_AttributeMismatchRefused(t *testing.T) {
	h := newHarness(t, "")
	h.registerSU("su-zjj")
	h.registerSU("su-wjj")
	// The CA registered the person for su-zjj; the bureau binds the certificate to
	// su-wjj by mistake (the request does not carry the certificate, so the binding is
	// taken as given).
	person := caIssued("zhang@su", "su-zjj")
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("bind"), "su-wjj", person))

	// Every transaction that resolves the caller refuses it: writes for either party...
	for _, p := range []string{"su-wjj", "su-zjj"} {
		e := h.refused(person, "Participant:SetKey", h.setKeyReq(p), model.RuleIdentityAttribute.Code)
		if e.Rule != model.RuleIdentityAttribute.Basis || !strings.Contains(e.Message, `"su-zjj"`) || !strings.Contains(e.Message, `"su-wjj"`) {
			t.Fatalf("refusal = %+v", e)
		}
	}
	// ...and queries, public ones included: it is not even an anonymous reader.
	h.refused(person, "Participant:WhoAmI", "{}", model.RuleIdentityAttribute.Code)
	h.refused(person, "Participant:Get", map[string]any{"id": "su-wjj"}, model.RuleIdentityAttribute.Code)
	h.refused(person, "Participant:List", "{}", model.RuleIdentityAttribute.Code)

	// Unbinding does not make it usable: the binding still names another party.
	key := model.IdentityOf("SourceUnitMSP", person.Cert).Key()
	h.ok(h.Bureau, "Participant:UnbindIdentity", map[string]any{"id": h.id("unbind"), "identityKey": key, "reason": "绑定错误"})
	h.refused(person, "Participant:WhoAmI", "{}", model.RuleIdentityAttribute.Code)

	// A DN (and attribute) alone identifies nobody: a second certificate with the same
	// names and an attribute naming the bound party is another key, bound to no one.
	impostor := caIssued("zhang@su", "su-wjj")
	h.refused(impostor, "Participant:SetKey", h.setKeyReq("su-wjj"), model.CodeUnbound)

	// The remedy: the bureau binds the certificate to the party its attribute names.
	h.ok(h.Bureau, "Participant:BindIdentity", bindCertReq(h.id("bind"), "su-zjj", person))
	h.ok(person, "Participant:SetKey", h.setKeyReq("su-zjj"))
	h.refused(person, "Participant:SetKey", h.setKeyReq("su-wjj"), model.RuleBureauOnlyRegisters.Code)
}

func TestIdentity_AttributeMatchingBindingWorks(t *testing.T) {
	h := newHarness(t, "")
	h.registerSU("su-zjj")
	person := caIssued("li@su", "su-zjj")
	if v, ok, err := person.GetAttributeValue(model.AttrParticipant); err != nil || !ok || v != "su-zjj" {
		t.Fatalf("attribute = %q %v %v", v, ok, err)
	}
	h.ok(h.Bureau, "Participant:BindIdentity", bindCertReq(h.id("bind"), "su-zjj", person))
	h.ok(person, "Participant:SetKey", h.setKeyReq("su-zjj"))
	var who model.WhoAmI
	h.okInto(person, "Participant:WhoAmI", "{}", &who)
	if !who.Bound || !who.Active || who.Participant == nil || who.Participant.ID != "su-zjj" {
		t.Fatalf("whoami = %+v", who)
	}
	// A binding made without the certificate in the request works the same.
	other := caIssued("wang@su", "su-zjj")
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("bind"), "su-zjj", other))
	h.ok(other, "Participant:SetKey", h.setKeyReq("su-zjj"))
}

func TestIdentity_NoAttributeStillWorks(t *testing.T) {
	h := newHarness(t, "")
	h.registerSU("su-zjj")
	// cryptogen's certificates have no attribute extension
	plain := stubtest.NewIdentity("SourceUnitMSP", "User1@su", "client")
	if _, ok, err := plain.GetAttributeValue(model.AttrParticipant); ok || err != nil {
		t.Fatalf("a certificate without the extension has the attribute (%v, %v)", ok, err)
	}
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("bind"), "su-zjj", plain))
	h.ok(plain, "Participant:SetKey", h.setKeyReq("su-zjj"))
	// a CA certificate with other attributes but not pdl.participant
	other := stubtest.NewIdentityWithAttrs("SourceUnitMSP", "User2@su", map[string]string{"hf.EnrollmentID": "User2@su", "hf.Type": "client"}, "client")
	h.ok(h.Bureau, "Participant:BindIdentity", bindCertReq(h.id("bind"), "su-zjj", other))
	h.ok(other, "Participant:SetKey", h.setKeyReq("su-zjj"))
	// the bureau's own admin (no attribute) bootstrapped and acts as before
	h.ok(h.Bureau, "Participant:SetKey", h.setKeyReq("bureau"))
}

func TestIdentity_BindRefusesCertificateNamingAnother(t *testing.T) {
	h := newHarness(t, "")
	h.registerSU("su-zjj")
	h.registerSU("su-wjj")
	person := caIssued("zhao@su", "su-zjj")
	e := h.refused(h.Bureau, "Participant:BindIdentity", bindCertReq(h.id("bind"), "su-wjj", person), model.RuleIdentityAttribute.Code)
	if e.Field != "participant" || e.Limit != "su-zjj" || e.Rule != model.RuleIdentityAttribute.Basis {
		t.Fatalf("refusal = %+v", e)
	}
	// nothing was bound
	h.refused(person, "Participant:SetKey", h.setKeyReq("su-wjj"), model.CodeUnbound)

	// The certificate must be the one the request's fields describe.
	stranger := stubtest.NewIdentity("SourceUnitMSP", "qian@su", "client")
	for field, mangle := range map[string]func(req map[string]any){
		"subject":     func(req map[string]any) { req["subject"] = bindReq("", "", stranger)["subject"] },
		"issuer":      func(req map[string]any) { req["issuer"] = "CN=ca.other" },
		"keyDigest":   func(req map[string]any) { req["keyDigest"] = bindReq("", "", stranger)["keyDigest"] },
		"certificate": func(req map[string]any) { req["certificate"] = "not a certificate" },
	} {
		req := bindCertReq(h.id("bind"), "su-zjj", person)
		mangle(req)
		if e := h.refused(h.Bureau, "Participant:BindIdentity", req, model.CodeBadFormat); e.Field != field {
			t.Fatalf("%s: refused on field %q: %s", field, e.Field, e.Message)
		}
	}
	chain := bindCertReq(h.id("bind"), "su-zjj", person)
	chain["certificate"] = person.PEM() + stranger.PEM()
	h.refused(h.Bureau, "Participant:BindIdentity", chain, model.CodeBadFormat)

	// Bootstrap binds its caller to the bureau: an admin certificate naming another
	// participant cannot bootstrap.
	fresh := newLedgerOnly(t)
	admin := stubtest.NewIdentityWithAttrs("BureauMSP", "Admin@bureau", map[string]string{model.AttrParticipant: "su-zjj"}, "admin")
	boot := map[string]any{"id": "bureau", "name": "龙华区政务服务和数据管理局", "uscc": "11440309MB2C90412W", "orgs": testOrgs}
	fresh.refused(admin, "Participant:Bootstrap", boot, model.RuleIdentityAttribute.Code)
	bureauAdmin := stubtest.NewIdentityWithAttrs("BureauMSP", "Admin2@bureau", map[string]string{model.AttrParticipant: "bureau"}, "admin")
	fresh.ok(bureauAdmin, "Participant:Bootstrap", boot)
}

// TestIdentity_UnreadableAttributesRefused: an attribute extension cid cannot read
// leaves the transaction without a client identity (contract-api drops cid's error); the
// chaincode refuses the caller rather than failing on it.
func TestIdentity_UnreadableAttributesRefused(t *testing.T) {
	h := newHarness(t, "")
	h.registerSU("su-zjj")
	bad := stubtest.NewIdentityWithAttrExtension("SourceUnitMSP", "sun@su", []byte(`pdl.participant=su-zjj`), "client")
	if _, _, err := bad.GetAttributeValue(model.AttrParticipant); err == nil {
		t.Fatal("cid read a malformed attribute extension")
	}
	for _, fn := range []string{"Participant:WhoAmI", "Participant:List"} {
		if e := h.refused(bad, fn, "{}", model.CodeAccessDenied); !strings.Contains(e.Message, "cannot be read") {
			t.Fatalf("%s: %s", fn, e.Message)
		}
	}
	h.refused(bad, "Participant:SetKey", h.setKeyReq("su-zjj"), model.CodeAccessDenied)
	if e := h.refused(h.Bureau, "Participant:BindIdentity", bindCertReq(h.id("bind"), "su-zjj", bad), model.CodeBadFormat); e.Field != "certificate" {
		t.Fatalf("refusal = %+v", e)
	}
}
