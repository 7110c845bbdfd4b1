//go:build integration

package integration

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	pdlca "github.com/pdledger/pdledger/client/ca"
	"github.com/pdledger/pdledger/network"
	"github.com/pdledger/pdledger/network/nettest"
)

var (
	pdlcaOnce sync.Once
	pdlcaBin  string
	pdlcaErr  error
)

// pdlCA runs the pdl-ca binary (built once per test process from this tree) and returns
// its exit code, stdout and stderr.
func pdlCA(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	pdlcaOnce.Do(func() {
		root, err := nettest.Root()
		if err != nil {
			pdlcaErr = err
			return
		}
		dir, err := os.MkdirTemp("", "pdl-ca-bin")
		if err != nil {
			pdlcaErr = err
			return
		}
		pdlcaBin = filepath.Join(dir, "pdl-ca")
		cmd := exec.Command("go", "build", "-o", pdlcaBin, "./client/cmd/pdl-ca")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			pdlcaErr = errors.New("build pdl-ca: " + err.Error() + "\n" + string(out))
		}
	})
	if pdlcaErr != nil {
		t.Fatal(pdlcaErr)
	}
	cmd := exec.Command(pdlcaBin, args...)
	cmd.Env = append(os.Environ(), "PDL_RUN="+nettest.Net(t).L.Run)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("pdl-ca %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

// enrollPerson registers and enrolls a person of org with pdl-ca and returns their
// profile.
func enrollPerson(t *testing.T, org, participant, duty string) *client.Profile {
	t.Helper()
	id := strings.ToLower(nettest.ID("p"))
	code, out, stderr := pdlCA(t, "register", "--org", org, "--id", id, "--participant", participant, "--role", duty, "--json")
	if code != 0 {
		t.Fatalf("pdl-ca register: exit %d: %s%s", code, out, stderr)
	}
	var reg struct{ Secret string }
	if err := json.Unmarshal([]byte(out), &reg); err != nil || reg.Secret == "" {
		t.Fatalf("pdl-ca register output %q: %v", out, err)
	}
	code, out, stderr = pdlCA(t, "enroll", "--org", org, "--id", id, "--secret", reg.Secret, "--profile", id, "--json")
	if code != 0 {
		t.Fatalf("pdl-ca enroll: exit %d: %s%s", code, out, stderr)
	}
	var e struct{ Profile, Key string }
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("pdl-ca enroll output %q: %v", out, err)
	}
	if st, err := os.Stat(e.Key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key %s: mode %v, err %v; want 0600", e.Key, st.Mode(), err)
	}
	p, err := client.LoadProfile(e.Profile)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func connectProfile(t *testing.T, p *client.Profile) *client.Client {
	t.Helper()
	c, err := client.Connect(context.Background(), p, client.WithSession(nettest.Session))
	if err != nil {
		t.Fatalf("connect as %s: %v", p.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func bindProfile(t *testing.T, ctx context.Context, bureau *client.Client, p *client.Profile, participant string) {
	t.Helper()
	req, err := client.BindRequest(p, participant, nettest.ID("bind"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bureau.Submit(ctx, "Participant:BindIdentity", req); err != nil {
		t.Fatalf("bind %s to %s: %v", p.Name, participant, err)
	}
}

func registerResource(ctx context.Context, c *client.Client, id string) error {
	_, err := c.Submit(ctx, "Resource:Register", map[string]any{"id": id, "name": "人员身份测试资源", "summary": "x", "dataItems": []string{"名称"},
		"dataType": "t", "openness": "conditional", "grade": 1, "domain": "d", "coverage": "c", "updateFrequency": "yearly"})
	return err
}

// A source unit's registrar registers and enrolls a new staff member with pdl-ca (a
// certificate with pdl.participant and pdl.role), the bureau binds them, they file a
// resource, and they are refused what a source unit may not do.
func TestIdentity_CAEnrolledPersonActsForTheirParticipant(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin")
	su := register(t, ctx, bureau, model.RoleSourceUnit, "SourceUnitMSP")
	p := enrollPerson(t, "SourceUnit", su.ID, "filer")

	cert, err := os.ReadFile(p.Cert)
	if err != nil {
		t.Fatal(err)
	}
	x, err := client.ParseCertPEM(cert)
	if err != nil {
		t.Fatal(err)
	}
	if x.Subject.CommonName != p.User || !strings.Contains(x.Issuer.String(), "ST=广东省") || !strings.Contains(x.Issuer.String(), "C=CN") {
		t.Fatalf("certificate subject %q issuer %q: want CN=%s issued by the org's CA of 广东省", x.Subject, x.Issuer, p.User)
	}
	c := connectProfile(t, p)
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
		t.Fatalf("whoami: %v", err)
	}
	if who.Bound {
		t.Fatalf("a fresh enrollment is bound already: %+v", who)
	}
	if err := registerResource(ctx, c, nettest.ID("it-idr")); model.CodeOf(err) != model.CodeUnbound {
		t.Fatalf("unbound person files a resource: %v, want %s", err, model.CodeUnbound)
	}
	bindProfile(t, ctx, bureau, p, su.ID)
	if err := registerResource(ctx, c, nettest.ID("it-idr")); err != nil {
		t.Fatalf("bound person files a resource: %v", err)
	}
	_, err = c.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{Request: model.Request{ID: nettest.ID("x")},
		Role: model.RoleSourceUnit, Name: "某局", USCC: nettest.USCC(), MSPID: "SourceUnitMSP"})
	if model.CodeOf(err) != model.RuleBureauOnlyRegisters.Code {
		t.Fatalf("source unit staff registers a participant: %v, want %s", err, model.RuleBureauOnlyRegisters.Code)
	}
}

func registrarSecret(t *testing.T, org string) string {
	n := nettest.Net(t)
	inf, err := pdlca.LoadInfo(n.L.CAInfoPath(n.T.Org(org)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(inf.RegistrarSecretFile)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(raw))
}

// pdl-ca refuses bad input with its documented exit codes and a specific message.
func TestIdentity_PdlCABadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		key  string
	}{
		{"unknown attribute", []string{"register", "--org", "SourceUnit", "--id", "x.y", "--participant", "su-x", "--attr", "hf.Registrar.Roles=client"}, pdlca.ExitUsage, "UNKNOWN_ATTRIBUTE"},
		{"no participant", []string{"register", "--org", "SourceUnit", "--id", "x.y"}, pdlca.ExitUsage, "MISSING_FLAG"},
		{"bad id", []string{"register", "--org", "SourceUnit", "--id", "Zhang San", "--participant", "su-x"}, pdlca.ExitUsage, "BAD_ID"},
		{"unknown org", []string{"list", "--org", "Nowhere"}, pdlca.ExitUsage, "NO_CA"},
		{"another org's registrar", []string{"register", "--org", "SourceUnit", "--id", strings.ToLower(nettest.ID("w")), "--participant", "su-x",
			"--registrar", "registrar", "--registrar-secret", registrarSecret(t, "Operator")}, pdlca.ExitRefused, "AUTHENTICATION_FAILED"},
		{"gencrl by another org's registrar", []string{"gencrl", "--org", "SourceUnit", "--registrar", "registrar", "--registrar-secret", registrarSecret(t, "Operator")}, pdlca.ExitRefused, "AUTHENTICATION_FAILED"},
		{"wrong secret", []string{"enroll", "--org", "SourceUnit", "--id", "nobody.here", "--secret", "x", "--profile", strings.ToLower(nettest.ID("w"))}, pdlca.ExitRefused, "AUTHENTICATION_FAILED"},
		{"not enrolled", []string{"reenroll", "--org", "SourceUnit", "--profile", "never-enrolled"}, pdlca.ExitUsage, "NOT_ENROLLED"},
		{"bad reason", []string{"revoke", "--org", "SourceUnit", "--id", "x.y", "--reason", "because"}, pdlca.ExitUsage, "BAD_REASON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := pdlCA(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.key) {
				t.Fatalf("exit %d, stderr %q (stdout %q); want exit %d and %s", code, stderr, out, tc.code, tc.key)
			}
		})
	}
	// The CA unreachable: the org's info with a port nothing listens on.
	n := nettest.Net(t)
	inf, err := pdlca.LoadInfo(n.L.CAInfoPath(n.T.Org("SourceUnit")))
	if err != nil {
		t.Fatal(err)
	}
	inf.URL = "https://127.0.0.1:1"
	raw, _ := json.Marshal(inf)
	path := filepath.Join(t.TempDir(), "ca.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := pdlCA(t, "list", "--info", path); code != pdlca.ExitNetwork || !strings.Contains(stderr, "CA_UNREACHABLE") {
		t.Fatalf("unreachable CA: exit %d %q, want %d CA_UNREACHABLE", code, stderr, pdlca.ExitNetwork)
	}
}

// crlNames reports whether the PEM CRL at path revokes the certificate of the hex serial.
func crlNames(t *testing.T, path, serial string) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(raw)
	if b == nil {
		t.Fatalf("%s: not PEM", path)
	}
	l, err := x509.ParseRevocationList(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.RevokedCertificateEntries {
		if strings.EqualFold(e.SerialNumber.Text(16), strings.TrimLeft(serial, "0")) {
			return true
		}
	}
	return false
}

// peerProfile is p aimed at one peer's gateway instead of its org's.
func peerProfile(t *testing.T, p *client.Profile, peer string) *client.Profile {
	t.Helper()
	n := nettest.Net(t)
	node := n.T.Node(peer)
	c := network.NewCrypto(n.T, n.L)
	q := *p
	q.PeerEndpoint, q.PeerHostname, q.TLSRootCert = node.Addr(), c.NodeHost(node), c.TLSCA(node.Org())
	return &q
}

// explorerAs calls the explorer with p's certificate and returns the status code.
func explorerAs(t *testing.T, p *client.Profile, path string) int {
	t.Helper()
	resp, err := nettest.ExplorerHTTPAs(t, p).Get(p.Explorer + path)
	if err != nil {
		t.Fatalf("explorer %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A revoked staff member is refused by every peer from the config block that carries
// their CA's new CRL on, and by the explorer; a colleague of the same party keeps working.
func TestIdentity_RevokedPersonRefusedByEveryPeerAndTheExplorer(t *testing.T) {
	ctx := context.Background()
	n := nettest.Net(t)
	bureau := nettest.Client(t, "bureau-admin")
	su := register(t, ctx, bureau, model.RoleSourceUnit, "SourceUnitMSP")
	leaver := enrollPerson(t, "SourceUnit", su.ID, "filer")
	colleague := enrollPerson(t, "SourceUnit", su.ID, "reviewer")
	bindProfile(t, ctx, bureau, leaver, su.ID)
	bindProfile(t, ctx, bureau, colleague, su.ID)
	lc := connectProfile(t, leaver)
	if err := registerResource(ctx, lc, nettest.ID("it-idr")); err != nil {
		t.Fatalf("before revocation: %v", err)
	}
	if code := explorerAs(t, leaver, "/api/v1/whoami"); code != http.StatusOK {
		t.Fatalf("explorer before revocation: HTTP %d", code)
	}

	code, out, stderr := pdlCA(t, "revoke", "--org", "SourceUnit", "--id", leaver.User, "--reason", "cessationofoperation", "--json")
	if code != 0 {
		t.Fatalf("pdl-ca revoke: exit %d %s%s", code, out, stderr)
	}
	var revoked struct {
		Serials []string
		CRL     string
	}
	if err := json.Unmarshal([]byte(out), &revoked); err != nil || len(revoked.Serials) == 0 {
		t.Fatalf("pdl-ca revoke output %q: %v", out, err)
	}
	// gencrl renews the CA's list: it names the revoked certificate too
	if code, gout, gerr := pdlCA(t, "gencrl", "--org", "SourceUnit", "--json"); code != 0 {
		t.Fatalf("pdl-ca gencrl: exit %d %s%s", code, gout, gerr)
	}
	if !crlNames(t, revoked.CRL, revoked.Serials[0]) {
		t.Fatalf("the generated CRL %s does not name serial %s", revoked.CRL, revoked.Serials[0])
	}
	block, err := n.ApplyCRL(ctx, n.T.Org("SourceUnit"))
	if err != nil {
		t.Fatalf("apply CRL: %v", err)
	}
	t.Logf("CRL in config block %d", block)

	for _, peer := range n.T.Peers() {
		// a session of its own: the shared one would first ask the peers for their
		// heights as this identity, which they refuse as well
		c, err := client.Connect(ctx, peerProfile(t, leaver, peer.ID()), client.WithSession(client.NewSession()))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var who model.WhoAmI
		err = c.Evaluate(ctx, "Participant:WhoAmI", nil, &who)
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "access denied") {
			t.Fatalf("%s evaluates for the revoked person: err = %v, want access denied", peer.ID(), err)
		}
	}
	// and on every jurisdiction's channel (make up created them from the topology)
	for _, ch := range n.T.Channels {
		p := *leaver
		p.Channel = ch.Name
		c, err := client.Connect(ctx, &p, client.WithSession(client.NewSession()))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var who model.WhoAmI
		if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err == nil || !strings.Contains(strings.ToLower(err.Error()), "access denied") {
			t.Fatalf("channel %s evaluates for the revoked person: err = %v, want access denied", ch.Name, err)
		}
	}
	if len(n.T.Channels) == 0 {
		t.Fatal("the topology names no jurisdiction channels: the revocation is checked on the first channel only")
	}
	lc2, err := client.Connect(ctx, leaver, client.WithSession(client.NewSession()))
	if err != nil {
		t.Fatal(err)
	}
	defer lc2.Close()
	if err := registerResource(ctx, lc2, nettest.ID("it-idr")); err == nil || !strings.Contains(strings.ToLower(err.Error()), "access denied") {
		t.Fatalf("the revoked person's transaction: %v, want access denied", err)
	}
	// The explorer follows config blocks: it refuses the certificate once it has indexed
	// the one with the CRL.
	deadline := time.Now().Add(60 * time.Second)
	for {
		code := explorerAs(t, leaver, "/api/v1/whoami")
		if code == http.StatusUnauthorized {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("explorer still answers the revoked person with HTTP %d", code)
		}
		time.Sleep(500 * time.Millisecond)
	}

	cc := connectProfile(t, colleague)
	if err := registerResource(ctx, cc, nettest.ID("it-idr")); err != nil {
		t.Fatalf("the unrevoked colleague: %v", err)
	}
	if code := explorerAs(t, colleague, "/api/v1/whoami"); code != http.StatusOK {
		t.Fatalf("explorer for the colleague: HTTP %d", code)
	}
	// The revoked person cannot renew their way back.
	if code, _, stderr := pdlCA(t, "reenroll", "--org", "SourceUnit", "--profile", leaver.Name); code != pdlca.ExitRefused || !strings.Contains(stderr, "AUTHENTICATION_FAILED") {
		t.Fatalf("reenroll after revocation: exit %d %q", code, stderr)
	}
}

// A certificate whose CA attribute names one participant cannot be bound to another, and
// one bound by an old client without the certificate is refused at its first call.
func TestIdentity_AttributeNamesAnotherParticipantRefused(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau-admin")
	su1 := register(t, ctx, bureau, model.RoleSourceUnit, "SourceUnitMSP")
	su2 := register(t, ctx, bureau, model.RoleSourceUnit, "SourceUnitMSP")
	p := enrollPerson(t, "SourceUnit", su1.ID, "filer")
	req, err := client.BindRequest(p, su2.ID, nettest.ID("bind"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bureau.Submit(ctx, "Participant:BindIdentity", req); model.CodeOf(err) != model.RuleIdentityAttribute.Code {
		t.Fatalf("bind to another participant: %v, want %s", err, model.RuleIdentityAttribute.Code)
	}
	req.Certificate, req.ID = "", nettest.ID("bind")
	if _, err := bureau.Submit(ctx, "Participant:BindIdentity", req); err != nil {
		t.Fatalf("bind without the certificate: %v", err)
	}
	if err := registerResource(ctx, connectProfile(t, p), nettest.ID("it-idr")); model.CodeOf(err) != model.RuleIdentityAttribute.Code {
		t.Fatalf("call through a binding the attribute contradicts: %v, want %s", err, model.RuleIdentityAttribute.Code)
	}
}
