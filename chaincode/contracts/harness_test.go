package contracts

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// harness is a ledger with a bootstrapped bureau, for contract unit tests.
type harness struct {
	t      testing.TB
	L      *stubtest.Ledger
	ids    map[string]*stubtest.Identity // participant id → bound identity
	roles  map[string]model.Role         // participant id → role
	keys   map[string]*gm.PrivateKey     // participant id → SM2 key
	seq    int
	Bureau *stubtest.Identity
}

// start is the default ledger clock: Monday 2025-09-01 09:00 CST.
var start = time.Date(2025, 9, 1, 9, 0, 0, 0, model.CST)

// newHarness bootstraps the bureau (participant "bureau") and, unless preset is "", sets
// that policy profile.
func newHarness(t testing.TB, preset string) *harness {
	t.Helper()
	h := &harness{t: t, L: stubtest.NewLedger(start), ids: map[string]*stubtest.Identity{}, keys: map[string]*gm.PrivateKey{},
		roles: map[string]model.Role{"bureau": model.RoleBureau}}
	h.Bureau = stubtest.NewIdentity("BureauMSP", "Admin@bureau", "admin")
	key, _ := gm.GenerateKey(nil)
	h.keys["bureau"] = key
	h.ids["bureau"] = h.Bureau
	h.ok(h.Bureau, "Participant:Bootstrap", map[string]any{"id": "bureau", "name": "龙华区政务服务和数据管理局", "uscc": "11440309MB2C90412W", "sm2PublicKey": key.Public().EncodeHex(),
		"orgs": testOrgs})
	if preset != "" {
		h.ok(h.Bureau, "Profile:Set", map[string]any{"id": h.id("profile"), "preset": preset, "reason": "test"})
	}
	return h
}

// testOrgs are the peer orgs of the unit tests' channel.
var testOrgs = []string{"BureauMSP", "OperatorMSP", "SourceUnitMSP"}

// bindReq is the bureau's request to bind ident to participant.
func bindReq(id, participant string, ident *stubtest.Identity) map[string]any {
	c := model.IdentityOf(ident.MSP, ident.Cert)
	return map[string]any{"id": id, "participant": participant, "mspId": c.MSPID, "subject": c.Subject, "issuer": c.Issuer, "keyDigest": c.KeyDigest}
}

// salt returns fresh salt bytes (deterministic: the harness's sequence).
func (h *harness) salt() []byte {
	h.seq++
	sum := sha256.Sum256([]byte(fmt.Sprintf("salt-%d", h.seq)))
	return sum[:]
}

// id returns a fresh request id.
func (h *harness) id(prefix string) string {
	h.seq++
	return fmt.Sprintf("%s-%d", prefix, h.seq)
}

// uscc returns a fresh valid 统一社会信用代码.
func (h *harness) uscc() string {
	h.seq++
	body := fmt.Sprintf("9144030%010d", h.seq)
	c, err := model.USCCCheckChar(body)
	if err != nil {
		h.t.Fatal(err)
	}
	return body + string(c)
}

var mspOf = map[model.Role]string{
	model.RoleBureau: "BureauMSP", model.RoleRegulator: "BureauMSP", model.RoleExchange: "BureauMSP",
	model.RoleOperator: "OperatorMSP", model.RolePartner: "OperatorMSP", model.RoleSourceUnit: "SourceUnitMSP",
}

// party registers a participant with an SM2 key and binds a fresh identity to it.
func (h *harness) party(id string, role model.Role, name string) *stubtest.Identity {
	h.t.Helper()
	key, _ := gm.GenerateKey(nil)
	h.keys[id] = key
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": id, "role": role, "name": name, "uscc": h.uscc(), "mspId": mspOf[role], "sm2PublicKey": key.Public().EncodeHex()})
	ident := stubtest.NewIdentity(mspOf[role], id+"@"+strings.ToLower(mspOf[role]), "client")
	h.ok(h.Bureau, "Participant:BindIdentity", bindReq(h.id("bind"), id, ident))
	h.ids[id] = ident
	h.roles[id] = role
	return ident
}

// as returns the identity bound to participant id.
func (h *harness) as(id string) *stubtest.Identity {
	ident, ok := h.ids[id]
	if !ok {
		h.t.Fatalf("no identity for %s", id)
	}
	return ident
}

// call invokes "Contract:Function" with req marshalled to JSON (a string is sent as is).
func (h *harness) call(who *stubtest.Identity, fn string, req any) (string, error) {
	h.t.Helper()
	var raw string
	switch v := req.(type) {
	case string:
		raw = v
	default:
		b, err := json.Marshal(req)
		if err != nil {
			h.t.Fatal(err)
		}
		raw = string(b)
	}
	// as the client does: commercial fields travel in the transient map
	args, transient, err := model.SplitCommercialRequest(fn, []byte(raw), h.salt())
	if err != nil {
		args, transient = []byte(raw), nil // not an object: sent as is, for the decoder to refuse
	}
	return h.callWith(who, fn, string(args), transient)
}

// callWith invokes fn with raw arguments and a transient map as given.
func (h *harness) callWith(who *stubtest.Identity, fn, raw string, transient map[string][]byte) (string, error) {
	return h.L.CallWith(who, transient, func(ctx contractapi.TransactionContextInterface) (string, error) {
		return invoke(ctx, fn, raw)
	})
}

// ok calls and fails the test on error; it returns the answer.
func (h *harness) ok(who *stubtest.Identity, fn string, req any) string {
	h.t.Helper()
	out, err := h.call(who, fn, req)
	if err != nil {
		h.t.Fatalf("%s: unexpected refusal: %v", fn, err)
	}
	return out
}

// okInto calls and decodes the answer.
func (h *harness) okInto(who *stubtest.Identity, fn string, req any, out any) {
	h.t.Helper()
	if err := json.Unmarshal([]byte(h.ok(who, fn, req)), out); err != nil {
		h.t.Fatalf("%s answer: %v", fn, err)
	}
}

// refused calls and asserts a refusal with code; it returns the error.
func (h *harness) refused(who *stubtest.Identity, fn string, req any, code model.Code) *model.Error {
	h.t.Helper()
	_, err := h.call(who, fn, req)
	if err == nil {
		h.t.Fatalf("%s: accepted, want refusal %s", fn, code)
	}
	var e *model.Error
	if !errors.As(err, &e) {
		h.t.Fatalf("%s: error %v is not a model.Error", fn, err)
	}
	if e.Code != code {
		h.t.Fatalf("%s: refused with %s (%s), want %s", fn, e.Code, e.Message, code)
	}
	if e.Message == "" {
		h.t.Fatalf("%s: refusal %s has no message", fn, code)
	}
	return e
}

// sign attaches the participant's SM2 signature over the request's signing bytes.
func (h *harness) sign(fn, signer string, req model.Requester) {
	h.t.Helper()
	msg, err := model.SigningBytes(fn, req)
	if err != nil {
		h.t.Fatal(err)
	}
	sig, err := gm.Sign(nil, h.keys[signer], msg)
	if err != nil {
		h.t.Fatal(err)
	}
	req.SetSignature(&model.Signature{Signer: signer, Value: fmt.Sprintf("%x", sig)})
}

// advance moves the ledger clock.
func (h *harness) advance(d time.Duration) { h.L.Now = h.L.Now.Add(d) }

// at sets the ledger clock to a CST wall time "2006-01-02 15:04".
func (h *harness) at(s string) {
	h.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, model.CST)
	if err != nil {
		h.t.Fatal(err)
	}
	h.L.Now = t
}

// lastEvent decodes the most recent event.
func (h *harness) lastEvent() *model.Event {
	h.t.Helper()
	ev, ok := h.L.LastEvent()
	if !ok {
		h.t.Fatal("no event")
	}
	e, err := model.ParseEvent(ev.Payload)
	if err != nil {
		h.t.Fatal(err)
	}
	if e.Type != ev.Name {
		h.t.Fatalf("event name %q differs from payload type %q", ev.Name, e.Type)
	}
	return e
}

// invoke dispatches "Contract:Function" to the registered contract's method, as
// contract-api does on a peer.
func invoke(ctx contractapi.TransactionContextInterface, fn, raw string) (string, error) {
	name, method, ok := strings.Cut(fn, ":")
	if !ok {
		return "", fmt.Errorf("bad function name %q", fn)
	}
	c, ok := registered[name]
	if !ok {
		return "", fmt.Errorf("no contract %q", name)
	}
	m := reflect.ValueOf(c).MethodByName(method)
	if !m.IsValid() {
		return "", fmt.Errorf("no function %q", fn)
	}
	f, ok := m.Interface().(func(contractapi.TransactionContextInterface, string) (string, error))
	if !ok {
		return "", fmt.Errorf("%s does not take one JSON request", fn)
	}
	return f(ctx, raw)
}

// entryPoints lists every "Contract:Function" taking one JSON request.
func entryPoints() []string {
	var out []string
	for _, c := range All() {
		name := c.(interface{ GetName() string }).GetName()
		v := reflect.ValueOf(c)
		for i := 0; i < v.NumMethod(); i++ {
			if _, ok := v.Method(i).Interface().(func(contractapi.TransactionContextInterface, string) (string, error)); ok {
				out = append(out, name+":"+v.Type().Method(i).Name)
			}
		}
	}
	return out
}
