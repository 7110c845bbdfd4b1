//go:build integration

package integration

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/replay"
	"github.com/pdledger/pdledger/network"
	"github.com/pdledger/pdledger/network/nettest"
)

// requireNoReplay fails the test if a replay session is open: the time checks below
// hold only outside one.
func requireNoReplay(ctx context.Context, t *testing.T) {
	t.Helper()
	var st model.ReplayState
	if err := nettest.Client(t, "regulator").Evaluate(ctx, "System:ReplayState", nil, &st); err != nil {
		t.Fatal(err)
	}
	if st.Open != nil {
		t.Fatalf("replay session %s is open (opened %s): the time window does not apply", st.Open.ID, st.Open.CreatedAt)
	}
}

// TestTrust_ProposalTimeOutsideWindowRefusedByEachOrg: a proposal stamped one hour in the
// future or the past, endorsed by one org's peer only, is refused by that org's chaincode
// server with TX_TIME_SKEW; a proposal at the right time commits.
func TestTrust_ProposalTimeOutsideWindowRefusedByEachOrg(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	requireNoReplay(ctx, t)
	for _, org := range n.T.PeerOrgs() {
		c := nettest.Client(t, strings.ToLower(org.Name)+"-admin")
		for _, skew := range []time.Duration{time.Hour, -time.Hour} {
			stamped := client.EndorsedBy(replay.At(ctx, time.Now().Add(skew)), org.MSPID)
			_, err := c.Submit(stamped, "System:Heartbeat", map[string]string{"note": "skewed " + skew.String()})
			var re *client.RefusedError
			if !errors.As(err, &re) || re.Code() != model.CodeTxTimeSkew {
				t.Fatalf("%s's server, proposal %s off: %v, want %s", org.Name, skew, err, model.CodeTxTimeSkew)
			}
			if !strings.Contains(re.Err.Message, "window is 5m0s") {
				t.Errorf("%s: refusal does not name the window: %s", org.Name, re.Err.Message)
			}
		}
		if _, err := c.Submit(ctx, "System:Heartbeat", map[string]string{"note": "on time " + org.Name}); err != nil {
			t.Fatalf("%s: a proposal at the right time: %v", org.Name, err)
		}
	}
}

// TestTrust_SweepFromTheFutureRefused is the attack of the trust review: a sweep stamped
// in 2099 — by an identity bound to no participant, and by a bound one — would expire the
// demo's authorization for good. Both are refused, and the authorization stays active.
func TestTrust_SweepFromTheFutureRefused(t *testing.T) {
	ctx := context.Background()
	requireNoReplay(ctx, t)
	future := replay.At(ctx, time.Date(2099, 1, 1, 9, 0, 0, 0, model.CST))
	for _, profile := range []string{"operator-test", "operator"} {
		_, err := nettest.Client(t, profile).Submit(future, "Supervision:Sweep", map[string]any{"id": nettest.ID("sweep-2099"), "authorizationId": "lh-auth-2026"})
		if model.CodeOf(err) != model.CodeTxTimeSkew {
			t.Fatalf("sweep from 2099 as %s: %v", profile, err)
		}
	}
	var a model.Authorization
	if err := nettest.Client(t, "regulator").Evaluate(ctx, "Authorization:Get", map[string]string{"id": "lh-auth-2026"}, &a); err != nil {
		t.Fatal(err)
	}
	if a.Status != model.AuthActive {
		t.Fatalf("lh-auth-2026 is %s after the refused sweeps", a.Status)
	}
}

// TestTrust_CrashInputKeepsServersUp sends the input that used to kill every org's
// chaincode server (a history request for id U+10FFFF, from an identity bound to no
// participant) to each org's peer: it is refused as input, and each server keeps its
// process and answers the next call.
func TestTrust_CrashInputKeepsServersUp(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	pids := map[string]int{}
	for _, org := range n.T.PeerOrgs() {
		p, err := network.ReadProc(n.L, network.CCaaSName(org))
		if err != nil || p == nil || !p.Alive() {
			t.Fatalf("%s not running: %v", network.CCaaSName(org), err)
		}
		pids[org.Name] = p.Pid
	}
	nobody := nettest.Client(t, "operator-test")
	for _, org := range n.T.PeerOrgs() {
		pinned := client.EndorsedBy(ctx, org.MSPID)
		for _, id := range []string{`\udbff\udfff`, `\u0000`, `\ufffe`} {
			_, err := nobody.EvaluateRaw(pinned, "System:History", `{"kind":"resource","id":"`+id+`"}`)
			if model.CodeOf(err) != model.CodeBadFormat {
				t.Fatalf("%s: history of %s: %v, want %s", org.Name, id, err, model.CodeBadFormat)
			}
		}
		if _, err := nobody.EvaluateRaw(pinned, "Participant:Config", "{}"); err != nil {
			t.Fatalf("%s's server does not answer after the crash input: %v", org.Name, err)
		}
	}
	for _, org := range n.T.PeerOrgs() {
		p, _ := network.ReadProc(n.L, network.CCaaSName(org))
		if p == nil || p.Pid != pids[org.Name] || !p.Alive() {
			t.Fatalf("%s's chaincode server was restarted (pid %d before)", org.Name, pids[org.Name])
		}
	}
}

// TestTrust_ImpostorCertificateNotBound: the source units' CA issues a second certificate
// with exactly the subject of a bound identity (sourceunit-user1) but another key. The
// ledger does not take it for the bound unit: bindings hold for the certified key.
func TestTrust_ImpostorCertificateNotBound(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	orig := n.Profiles()["sourceunit-user1"]
	var who model.WhoAmI
	if err := nettest.Client(t, "sourceunit-user1").Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil || !who.Bound {
		t.Fatalf("sourceunit-user1 is not bound (%v): the demo binds it", err)
	}
	impostor := *orig
	impostor.Name = "sourceunit-impostor"
	impostor.Cert, impostor.Key = issueLike(t, n, orig.Cert)
	c, err := client.Connect(ctx, &impostor)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var as model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &as); err != nil {
		t.Fatal(err)
	}
	if as.Bound || as.Participant != nil {
		t.Fatalf("a certificate with sourceunit-user1's subject and another key acts for %+v", as.Participant)
	}
	_, err = c.Submit(ctx, "Resource:Register", map[string]any{"id": nettest.ID("imp"), "name": "冒名资源", "summary": "x", "dataItems": []string{"a"},
		"dataType": "t", "openness": "conditional", "grade": 1, "domain": "d", "coverage": "c", "updateFrequency": "yearly"})
	if model.CodeOf(err) != model.CodeUnbound {
		t.Fatalf("the impostor registering a resource: %v", err)
	}
}

// issueLike issues, with the org CA of the certificate at certPath, a certificate with the
// same subject for a fresh key; it returns the new certificate's and key's paths.
func issueLike(t *testing.T, n *network.Net, certPath string) (cert, key string) {
	t.Helper()
	raw, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	victim, err := client.ParseCertPEM(raw)
	if err != nil {
		t.Fatal(err)
	}
	caDir := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(certPath))))), "ca")
	caPEM, err := filepath.Glob(filepath.Join(caDir, "*-cert.pem"))
	if err != nil || len(caPEM) != 1 {
		t.Fatalf("CA certificate under %s: %v", caDir, caPEM)
	}
	caRaw, _ := os.ReadFile(caPEM[0])
	caCert, err := client.ParseCertPEM(caRaw)
	if err != nil {
		t.Fatal(err)
	}
	keyRaw, err := os.ReadFile(filepath.Join(caDir, "priv_sk"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(keyRaw)
	caKey, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: victim.Subject,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	kder, _ := x509.MarshalPKCS8PrivateKey(k)
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// TestTrust_OperationsFunctionsGuarded: the bench baseline is off unless the servers run
// with the benchmark setting; heartbeats are for org admins; a case needs a bound filer
// and the same case twice is refused.
func TestTrust_OperationsFunctionsGuarded(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	st, err := n.LoadState()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nettest.Client(t, "operator").SubmitArgs(ctx, "System:BenchPut", "k-"+nettest.ID("b"), "v"); !st.Bench && model.CodeOf(err) != model.CodeDisabled {
		t.Fatalf("bench put with bench off: %v", err)
	}
	if _, err := nettest.Client(t, "operator").Submit(ctx, "System:Heartbeat", map[string]string{"note": "x"}); model.CodeOf(err) != model.CodeAccessDenied {
		t.Fatalf("heartbeat as a non-admin: %v", err)
	}
	cs := map[string]any{"caseKind": "complaint", "respondent": "op-lhdata", "title": "重复投诉测试", "description": "同一内容 " + nettest.ID("dup")}
	cs["id"] = nettest.ID("case")
	if _, err := nettest.Client(t, "operator-test").Submit(ctx, "Supervision:FileCase", cs); model.CodeOf(err) != model.CodeUnbound {
		t.Fatalf("a case from an unbound identity: %v", err)
	}
	ex := nettest.Client(t, "exchange")
	if _, err := ex.Submit(ctx, "Supervision:FileCase", cs); err != nil {
		t.Fatal(err)
	}
	first := cs["id"]
	cs["id"] = nettest.ID("case")
	_, err = ex.Submit(ctx, "Supervision:FileCase", cs)
	var re *client.RefusedError
	if !errors.As(err, &re) || re.Code() != model.CodeAlreadyExists || re.Err.Limit != first {
		t.Fatalf("the same case again: %v (want %s naming %s)", err, model.CodeAlreadyExists, first)
	}
}

// TestTrust_MajorityWithoutTheBureauCannotForgeIt: the operator's, the source units' and
// the exchange's peers together — a majority, three of four — endorse a bureau transition: a creation (Participant:Register)
// and an update (Participant:SetStatus). Both are invalidated at commit
// (ENDORSEMENT_POLICY_FAILURE) and the ledger is unchanged; with the bureau among the
// endorsers both commit.
func TestTrust_MajorityWithoutTheBureauCannotForgeIt(t *testing.T) {
	ctx := context.Background()
	bureau := nettest.Client(t, "bureau")
	without := client.EndorsedBy(ctx, "OperatorMSP", "SourceUnitMSP", "ExchangeMSP")
	with := client.EndorsedBy(ctx, "BureauMSP", "SourceUnitMSP", "ExchangeMSP")
	register := func(id string) model.RegisterParticipantRequest {
		return model.RegisterParticipantRequest{Request: model.Request{ID: id}, Role: model.RolePartner, Name: "背书测试 " + id, USCC: nettest.USCC(), MSPID: "OperatorMSP"}
	}
	invalidated := func(what string, err error) {
		t.Helper()
		var ne *client.NetworkError
		if !errors.As(err, &ne) || ne.Code.String() != "ENDORSEMENT_POLICY_FAILURE" {
			t.Fatalf("%s endorsed by Operator, SourceUnit and Exchange only: %v, want ENDORSEMENT_POLICY_FAILURE at commit", what, err)
		}
	}
	forged := nettest.ID("forged")
	_, err := bureau.Submit(without, "Participant:Register", register(forged))
	invalidated("a creation", err)
	if err := bureau.Evaluate(ctx, "Participant:Get", map[string]string{"id": forged}, nil); model.CodeOf(err) != model.CodeNotFound {
		t.Fatalf("after the invalidated creation, %s: %v", forged, err)
	}
	real := nettest.ID("partner")
	if _, err := bureau.Submit(with, "Participant:Register", register(real)); err != nil {
		t.Fatalf("a creation endorsed with the bureau: %v", err)
	}
	_, err = bureau.Submit(without, "Participant:SetStatus", map[string]any{"id": nettest.ID("st"), "participant": real, "status": "suspended", "reason": "伪造"})
	invalidated("an update", err)
	var p model.Participant
	if err := bureau.Evaluate(ctx, "Participant:Get", map[string]string{"id": real}, &p); err != nil || p.Status != model.StatusActive {
		t.Fatalf("after the invalidated update: %s %v", p.Status, err)
	}
	if _, err := bureau.Submit(with, "Participant:SetStatus", map[string]any{"id": nettest.ID("st"), "participant": real, "status": "suspended", "reason": "核查"}); err != nil {
		t.Fatalf("an update endorsed with the bureau: %v", err)
	}
}

// TestTrust_BureauDownOperatorFilingsContinue: with the bureau's peer down, an operator
// filing that touches no bureau-owned key (opening a log stream under its authorization)
// still commits — endorsed by the operator, the source units and the exchange.
func TestTrust_BureauDownOperatorFilingsContinue(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	const victim = "peer0.bureau"
	if err := n.Hold(victim); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := n.StartNode(n.T.Node(victim)); err != nil {
			t.Error(err)
		}
		n.Release(victim)
		if err := n.WaitReady(ctx, 90*time.Second); err != nil {
			t.Error(err)
		}
	}()
	nettest.Kill(t, victim)
	op := nettest.Client(t, "operator")
	res, err := op.Submit(client.EndorsedBy(ctx, "OperatorMSP", "SourceUnitMSP", "ExchangeMSP"), "Logs:Open", map[string]any{"id": nettest.ID("lhs"), "logKind": "processing", "authorizationId": "lh-auth-2026"})
	if err != nil {
		t.Fatalf("an operator filing with the bureau's peer down: %v", err)
	}
	t.Logf("committed in block %d without the bureau's peer", res.BlockNumber)
}

// explorerGet calls the running explorer as profile (mutual TLS) and decodes the answer.
func explorerGet(t *testing.T, n *network.Net, profile, path string, out any) int {
	t.Helper()
	hc, base := nettest.ExplorerHTTP(t, profile)
	resp, err := hc.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// TestTrust_PrivateApplicationUnreadableOnEveryPath: an application of the demo that
// sourceunit-user1's unit is no party to is refused to it by every path — raw blocks
// through qscc, block delivery, the chaincode, the explorer's record, history and
// transaction — while an org admin (an auditor) still reads the block.
func TestTrust_PrivateApplicationUnreadableOnEveryPath(t *testing.T) {
	n := nettest.Net(t)
	ctx := context.Background()
	su := nettest.Client(t, "sourceunit-user1")
	var who model.WhoAmI
	if err := su.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil || who.Participant == nil {
		t.Fatalf("sourceunit-user1 is not bound (%v)", err)
	}
	var apps model.PageResult[*model.Application]
	if err := nettest.Client(t, "regulator").Evaluate(ctx, "Application:List", map[string]any{"pageSize": 500}, &apps); err != nil {
		t.Fatal(err)
	}
	var target *model.Application
	for _, a := range apps.Records {
		if !a.Public && !slices.Contains(a.Parties(), who.Participant.ID) {
			target = a
			break
		}
	}
	if target == nil {
		t.Fatalf("no private application of the demo without %s among its parties", who.Participant.ID)
	}
	t.Logf("%s (%s) against application %s of %s", "sourceunit-user1", who.Participant.ID, target.ID, target.Operator)

	// the chaincode
	if err := su.Evaluate(ctx, "Application:Get", map[string]string{"id": target.ID}, nil); model.CodeOf(err) != model.CodeAccessDenied {
		t.Errorf("Application:Get: %v, want %s", err, model.CodeAccessDenied)
	}
	if err := su.Evaluate(ctx, "System:History", map[string]string{"kind": "application", "id": target.ID}, nil); model.CodeOf(err) != model.CodeAccessDenied {
		t.Errorf("System:History: %v, want %s", err, model.CodeAccessDenied)
	}
	// raw blocks: qscc and delivery
	if _, err := su.BlockByTxID(ctx, target.CreatedTx); err == nil || !strings.Contains(strings.ToLower(err.Error()), "access denied") {
		t.Errorf("qscc GetBlockByTxID as sourceunit-user1: %v, want access denied", err)
	}
	if _, err := su.Block(ctx, 1); err == nil {
		t.Errorf("qscc GetBlockByNumber as sourceunit-user1 answered")
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	events, err := su.Network().BlockEvents(dctx)
	if err == nil {
		if b, ok := <-events; ok {
			t.Errorf("block delivery to sourceunit-user1 delivered block %d", b.GetHeader().GetNumber())
		}
	}
	cancel()
	// an auditor reads it
	if _, err := nettest.Client(t, "sourceunit-admin").BlockByTxID(ctx, target.CreatedTx); err != nil {
		t.Errorf("qscc as sourceunit-admin: %v", err)
	}
	// the explorer
	if code := explorerGet(t, n, "sourceunit-user1", "/api/v1/records/application/"+target.ID, nil); code != http.StatusForbidden {
		t.Errorf("explorer record: %d, want 403", code)
	}
	if code := explorerGet(t, n, "sourceunit-user1", "/api/v1/records/application/"+target.ID+"/history", nil); code != http.StatusForbidden {
		t.Errorf("explorer history: %d, want 403", code)
	}
	var tx struct {
		Tx struct {
			Records []struct {
				Kind string          `json:"kind"`
				ID   string          `json:"id"`
				Data json.RawMessage `json:"data"`
			} `json:"records"`
		} `json:"tx"`
	}
	if code := explorerGet(t, n, "sourceunit-user1", "/api/v1/txs/"+target.CreatedTx, &tx); code != http.StatusOK {
		t.Fatalf("explorer transaction: %d", code)
	}
	for _, r := range tx.Tx.Records {
		if r.Kind == "application" && r.ID == target.ID && len(r.Data) > 0 {
			t.Errorf("the explorer's transaction view shows the application's data to sourceunit-user1")
		}
	}
}

// TestTrust_TenThousandRecordsPageThrough: with at least 10,000 partners on the ledger
// (the fault tests' load registers many; this tops them up), Participant:List pages
// through every one of them exactly once — no scan cut short by the peer's query limit.
func TestTrust_TenThousandRecordsPageThrough(t *testing.T) {
	ctx := context.Background()
	reader := nettest.Client(t, "regulator")
	count := func() (map[string]bool, int) {
		seen, pages, bookmark := map[string]bool{}, 0, ""
		for {
			var page model.PageResult[model.Participant]
			if err := reader.Evaluate(ctx, "Participant:List", map[string]any{"role": "partner", "pageSize": 500, "bookmark": bookmark}, &page); err != nil {
				t.Fatal(err)
			}
			pages++
			for _, p := range page.Records {
				if seen[p.ID] {
					t.Fatalf("%s listed twice", p.ID)
				}
				seen[p.ID] = true
			}
			if page.Bookmark == "" {
				return seen, pages
			}
			bookmark = page.Bookmark
		}
	}
	seen, _ := count()
	const want = 10000
	if missing := want - len(seen); missing > 0 {
		start := time.Now()
		c := nettest.Client(t, "bureau", client.WithSession(nil))
		prefix := nettest.ID("page")
		var wg sync.WaitGroup
		errs := make(chan error, missing)
		next := make(chan int, missing)
		for i := 0; i < missing; i++ {
			next <- i
		}
		close(next)
		for w := 0; w < 32; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					id := fmt.Sprintf("%s-%05d", prefix, i)
					if _, err := c.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{Request: model.Request{ID: id}, Role: model.RolePartner,
						Name: "分页测试 " + id, USCC: nettest.USCC(), MSPID: "OperatorMSP"}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		t.Logf("registered %d partners in %s", missing, time.Since(start).Round(time.Second))
		nettest.WaitHeights(t, 0, 60*time.Second) // the writes above were in no session
	}
	seen, pages := count()
	if len(seen) < want {
		t.Fatalf("Participant:List paged through %d partners, want at least %d", len(seen), want)
	}
	t.Logf("%d partners in %d pages of up to 500", len(seen), pages)
}
