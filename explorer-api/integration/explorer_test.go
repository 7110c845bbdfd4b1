//go:build integration

// Package integration runs the explorer against the live network with the demo ledger:
// it catches up, every endpoint group answers with proofs, the index survives a kill -9
// mid-sync exactly, a tampered row is reported, and the access rules hold.
package integration

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/demo"
	"github.com/pdledger/pdledger/explorer-api/store"
	"github.com/pdledger/pdledger/network/nettest"
)

var explorerBin, pdlBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "explorer-it")
	if err != nil {
		panic(err)
	}
	root, err := nettest.Root()
	if err != nil {
		panic(err)
	}
	explorerBin, pdlBin = filepath.Join(dir, "explorer"), filepath.Join(dir, "pdl")
	for bin, pkg := range map[string]string{explorerBin: "./explorer-api/cmd/explorer", pdlBin: "./client/cmd/pdl"} {
		cmd := exec.Command("go", "build", "-o", bin, pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// explorer is one explorer process of a test, with its own store and port.
type explorer struct {
	t    *testing.T
	dir  string
	dsn  string
	addr string
	cmd  *exec.Cmd
	env  []string // added to the process's environment
	args []string // added to its flags
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// newExplorer starts an explorer of the first channel (channels_test.go serves them all).
func newExplorer(t *testing.T, dsn string) *explorer {
	return newExplorerWith(t, dsn, nil, "--channels", nettest.Net(t).T.Channel)
}

// newExplorerWith starts an explorer with more environment and flags.
func newExplorerWith(t *testing.T, dsn string, env []string, args ...string) *explorer {
	dir := t.TempDir()
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(dir, "index.db")
	}
	e := &explorer{t: t, dir: dir, dsn: dsn, addr: freePort(t), env: env, args: args}
	e.start()
	t.Cleanup(e.stop)
	return e
}

func (e *explorer) start() {
	n := nettest.Net(e.t)
	args := append([]string{"--profile", filepath.Join(n.L.ProfilesDir(), "indexer.json"), "--store", e.dsn,
		"--listen", e.addr, "--tls-dir", filepath.Join(e.dir, "tls")}, e.args...)
	e.cmd = exec.Command(explorerBin, args...)
	e.cmd.Env = append(os.Environ(), e.env...)
	logf, err := os.OpenFile(filepath.Join(e.dir, "explorer.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		e.t.Fatal(err)
	}
	e.cmd.Stdout, e.cmd.Stderr = logf, logf
	if err := e.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
}

func (e *explorer) stop() {
	if e.cmd != nil && e.cmd.Process != nil {
		_ = e.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = e.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = e.cmd.Process.Kill()
		}
		e.cmd = nil
	}
}

func (e *explorer) kill9() {
	_ = e.cmd.Process.Signal(syscall.SIGKILL)
	_ = e.cmd.Wait()
	e.cmd = nil
}

func (e *explorer) log() string {
	b, _ := os.ReadFile(filepath.Join(e.dir, "explorer.log"))
	return string(b)
}

// http returns a client presenting profile's enrollment certificate ("" = none).
func (e *explorer) http(profile string) *http.Client {
	e.t.Helper()
	ca, err := os.ReadFile(filepath.Join(e.dir, "tls", "ca.pem"))
	if err != nil {
		e.t.Fatalf("explorer CA: %v\n%s", err, e.log())
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	cfg := &tls.Config{RootCAs: pool}
	if profile != "" {
		p, err := client.LoadProfile(filepath.Join(nettest.Net(e.t).L.ProfilesDir(), profile+".json"))
		if err != nil {
			e.t.Fatal(err)
		}
		cert, err := tls.LoadX509KeyPair(p.Cert, p.Key)
		if err != nil {
			e.t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 60 * time.Second}
}

// try is call without failing the test when the explorer is not listening yet.
func (e *explorer) try(path string, out any) int {
	req, _ := http.NewRequest("GET", "https://"+e.addr+path, nil)
	resp, err := e.http("").Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, out)
	return resp.StatusCode
}

// call calls the API as profile and decodes the JSON answer; it returns the status. Like
// any good client it waits out a 429 for as long as Retry-After says (a few times).
func (e *explorer) call(profile, method, path string, body any, out any) int {
	e.t.Helper()
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, "https://"+e.addr+path, rd)
		var err error
		if resp, err = e.http(profile).Do(req); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
		if resp.StatusCode != http.StatusTooManyRequests || attempt == 5 {
			break
		}
		wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		resp.Body.Close()
		if err != nil || wait < 1 {
			e.t.Fatalf("%s %s: 429 without a Retry-After", method, path)
		}
		time.Sleep(time.Duration(wait) * time.Second)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil && resp.StatusCode < 300 {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode
}

func (e *explorer) get(profile, path string, out any) {
	e.t.Helper()
	if st := e.call(profile, "GET", path, nil, out); st != 200 {
		var p map[string]any
		e.call(profile, "GET", path, nil, &p)
		e.t.Fatalf("GET %s as %s: %d %v", path, profile, st, p)
	}
}

type ready struct {
	Status  string `json:"status"`
	Indexer struct {
		Next   uint64 `json:"next"`
		Height uint64 `json:"height"`
		Alarm  string `json:"alarm"`
	} `json:"indexer"`
}

// waitReady waits until the index holds at least min blocks and /readyz is 200. It fails
// when the indexer makes no progress for timeout: a ledger that tests grow by thousands
// of blocks a run takes longer to index each time, which is not a failure, but a stall is.
func (e *explorer) waitReady(min uint64, timeout time.Duration) ready {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	var r ready
	seen := uint64(0)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(e.dir, "tls", "ca.pem")); err == nil {
			st := e.try("/readyz", &r)
			if st == 200 && r.Indexer.Next >= min {
				return r
			}
			if r.Indexer.Next > seen {
				seen, deadline = r.Indexer.Next, time.Now().Add(timeout)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.t.Fatalf("explorer not ready: no indexing progress for %s (%+v)\n%s", timeout, r, e.log())
	return r
}

func ensureDemo(t *testing.T) {
	n := nettest.Net(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := demo.Load(ctx, demo.Env{ProfilesDir: n.L.ProfilesDir(), LogsDir: filepath.Join(n.L.Run, "demo-logs")}); err != nil {
		t.Fatalf("demo: %v", err)
	}
}

func height(t *testing.T) uint64 {
	c := nettest.Client(t, "regulator")
	info, err := c.ChainInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.Height
}

func TestExplorer_EndpointsAnswerForTheDemo(t *testing.T) {
	ensureDemo(t)
	e := newExplorer(t, "")
	e.waitReady(height(t), 3*time.Minute)

	// public, without a certificate
	var pub struct {
		Items []struct {
			ID   string          `json:"id"`
			Data json.RawMessage `json:"data"`
		} `json:"items"`
	}
	e.get("", "/api/v1/public/authorizations", &pub)
	if !hasID(pub.Items, "lh-auth-2026") {
		t.Fatalf("public authorizations: %d items without lh-auth-2026", len(pub.Items))
	}
	e.get("", "/api/v1/public/products", &pub)
	if !hasID(pub.Items, "lh-prd-01") || hasID(pub.Items, "lh-prd-04") {
		t.Fatal("public products should list the registered lh-prd-01, not the submitted lh-prd-04")
	}
	var fees map[string][]json.RawMessage
	e.get("", "/api/v1/public/fees", &fees)
	if len(fees["pricecaps"]) == 0 {
		t.Fatal("no public price caps")
	}

	// protected endpoints refuse callers without a certificate, as problem details
	var prob struct {
		Code   string `json:"code"`
		Status int    `json:"status"`
	}
	if st := e.call("", "GET", "/api/v1/products/lh-prd-01/check", nil, &prob); st != 401 || prob.Code != "UNAUTHENTICATED" {
		t.Fatalf("unauthenticated product check: %d %+v", st, prob)
	}

	// data exchange: product check with proof that matches the peer's block
	var chk struct {
		OK, Registered, Approved, InForce, AuthorizationActive, PricesWithinCap bool
		Reasons                                                                 []string
		Proof                                                                   struct {
			TxID      string   `json:"txId"`
			Block     uint64   `json:"blockNumber"`
			BlockHash string   `json:"blockHash"`
			Endorsers []string `json:"endorsingOrgs"`
		}
	}
	e.get("exchange", "/api/v1/products/lh-prd-01/check", &chk)
	if !chk.OK || len(chk.Proof.Endorsers) < 2 {
		t.Fatalf("lh-prd-01 check: %+v", chk)
	}
	blk, err := nettest.Client(t, "bureau-admin").Block(context.Background(), chk.Proof.Block)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(client.HeaderHash(blk.GetHeader())); got != chk.Proof.BlockHash {
		t.Fatalf("proof block hash %s, peer says %s", chk.Proof.BlockHash, got)
	}
	var batch struct {
		Checks []struct {
			Product string   `json:"product"`
			OK      bool     `json:"ok"`
			Reasons []string `json:"reasons"`
		} `json:"checks"`
	}
	// the regulator sees unregistered products too (an exchange sees the public ones)
	if st := e.call("regulator", "POST", "/api/v1/products/check", map[string]any{"ids": []string{"lh-prd-01", "lh-prd-08", "nope"}}, &batch); st != 200 || len(batch.Checks) != 3 {
		t.Fatalf("batch: %d %+v", st, batch)
	}
	if !batch.Checks[0].OK || batch.Checks[1].OK || !slices.Contains(batch.Checks[1].Reasons, string(model.CheckNotApproved)) {
		t.Fatalf("batch results %+v", batch.Checks)
	}
	if st := e.call("exchange", "POST", "/api/v1/products/check", map[string]any{"ids": []string{}}, &prob); st != 400 || prob.Code != "BAD_PARAMETER" {
		t.Fatalf("empty batch: %d %+v", st, prob)
	}

	// source unit: where did my data go (su-fgj is the first unit of lh-res-01)
	var tree map[string]any
	e.get(demo.UnitProfile(0), "/api/v1/resources/lh-res-01/provenance", &tree)
	flat := flatten(tree)
	for _, want := range []string{string(model.KindAuthorization) + "/lh-auth-2026", string(model.KindApplication) + "/lh-app-01", string(model.KindGrant) + "/G-lh-app-01",
		string(model.KindProduct) + "/lh-prd-01", string(model.KindTrade) + "/trade-lh-prd-01-a", string(model.KindPriceFiling) + "/price-lh-prd-01-call"} {
		if !flat[want] {
			t.Fatalf("provenance of lh-res-01 lacks %s: %v", want, keys(flat))
		}
	}
	var uses struct {
		Resources []map[string]any `json:"resources"`
	}
	e.get(demo.UnitProfile(0), "/api/v1/me/uses", &uses)
	if len(uses.Resources) == 0 {
		t.Fatal("su-fgj has no uses")
	}
	// a source unit cannot read another unit's private records: 卫健局 and lh-app-01
	if st := e.call(demo.UnitProfile(10), "GET", "/api/v1/records/application/lh-app-01", nil, &prob); st != 403 || prob.Code != "ACCESS_DENIED" {
		t.Fatalf("su-wjj reading lh-app-01: %d %+v", st, prob)
	}
	e.get(demo.UnitProfile(0), "/api/v1/records/application/lh-app-01", nil)

	// regulators: trail, compliance, verification
	if st := e.call("operator", "GET", "/api/v1/compliance", nil, &prob); st != 403 {
		t.Fatalf("operator reading the compliance report: %d", st)
	}
	var trail struct {
		Items []map[string]any `json:"items"`
		Next  string           `json:"next"`
	}
	e.get("regulator", "/api/v1/trail?kind=product&id=lh-prd-01&limit=2", &trail)
	if len(trail.Items) != 2 || trail.Next == "" {
		t.Fatalf("trail page: %d items, next %q", len(trail.Items), trail.Next)
	}
	seen := len(trail.Items)
	for trail.Next != "" {
		next := trail.Next
		trail.Items, trail.Next = nil, ""
		e.get("regulator", "/api/v1/trail?kind=product&id=lh-prd-01&limit=2&cursor="+next, &trail)
		seen += len(trail.Items)
	}
	if seen < 4 { // submitted, reviewed, registered, listed
		t.Fatalf("trail of lh-prd-01 has %d entries", seen)
	}
	if st := e.call("regulator", "GET", "/api/v1/trail?kind=product", nil, &prob); st != 400 || prob.Code != "BAD_PARAMETER" {
		t.Fatalf("trail without id: %d %+v", st, prob)
	}
	var rep struct {
		Findings []struct{ Category, Kind, ID string } `json:"findings"`
	}
	e.get("regulator", "/api/v1/compliance", &rep)
	found := map[string]bool{}
	for _, f := range rep.Findings {
		found[f.Category+" "+f.Kind+"/"+f.ID] = true
	}
	for _, want := range []string{"overdue application/lh-app-09", "overdue product/lh-prd-04", "unanswered_case case/lh-case-cp-01"} {
		if !found[want] {
			t.Fatalf("compliance report lacks %q: %v", want, rep.Findings)
		}
	}
	// Longhua requires an emergency plan and the demo's operator filed one (lh-plan-2026)
	if found["no_emergency_plan authorization/lh-auth-2026"] {
		t.Fatalf("lh-auth-2026 has its plan, yet the report says it has none: %v", rep.Findings)
	}
	var ver struct {
		OK            bool             `json:"ok"`
		BlocksChecked uint64           `json:"blocksChecked"`
		Mismatches    []map[string]any `json:"mismatches"`
	}
	e.get("regulator", "/api/v1/verify", &ver)
	if !ver.OK || ver.BlocksChecked == 0 {
		t.Fatalf("verification: %+v", ver)
	}

	// logs: a line of the demo's anchored access log against the indexed root
	n := nettest.Net(t)
	state := filepath.Join(n.L.Run, "demo-logs", "state")
	proofOut, err := exec.Command(pdlBin, "-p", "operator", "logs", "prove", "--stream", demo.DemoStream, "--index", "4321", "--state", state, "-o", "json").Output()
	if err != nil {
		t.Fatalf("pdl logs prove: %v", err)
	}
	var pr struct {
		Index    uint64   `json:"index"`
		Size     uint64   `json:"treeSize"`
		LeafHash string   `json:"leafHash"`
		Proof    []string `json:"proof"`
	}
	if err := json.Unmarshal(proofOut, &pr); err != nil {
		t.Fatalf("proof: %v: %s", err, proofOut)
	}
	line := nthLine(t, filepath.Join(n.L.Run, "demo-logs", "files"), 4321)
	var lv struct {
		Verified bool `json:"verified"`
	}
	req := map[string]any{"stream": demo.DemoStream, "index": pr.Index, "size": pr.Size, "line": line, "proof": pr.Proof}
	if st := e.call("operator", "POST", "/api/v1/logs/inclusion", req, &lv); st != 200 || !lv.Verified {
		t.Fatalf("inclusion of line 4321: %d %+v", st, lv)
	}
	req["line"] = line + " tampered"
	if e.call("operator", "POST", "/api/v1/logs/inclusion", req, &lv); lv.Verified {
		t.Fatal("a modified line verified")
	}
	consOut, err := exec.Command(pdlBin, "-p", "operator", "logs", "consistency", "--stream", demo.DemoStream, "--from", "2000", "--to", "6000", "--state", state, "-o", "json").Output()
	if err != nil {
		t.Fatalf("pdl logs consistency: %v", err)
	}
	var cp struct {
		Proof []string `json:"proof"`
	}
	_ = json.Unmarshal(consOut, &cp)
	if st := e.call("regulator", "POST", "/api/v1/logs/consistency", map[string]any{"stream": demo.DemoStream, "from": 2000, "to": 6000, "proof": cp.Proof}, &lv); st != 200 || !lv.Verified {
		t.Fatalf("consistency 2000→6000: %d %+v (%s)", st, lv, consOut)
	}

	// ledger browsing, ops
	var bl struct {
		Number uint64 `json:"number"`
		Hash   string `json:"hash"`
		Txs    []struct {
			ID string `json:"txId"`
		} `json:"txs"`
	}
	e.get("regulator", fmt.Sprintf("/api/v1/blocks/%d", chk.Proof.Block), &bl)
	e.get("regulator", "/api/v1/blocks/hash/"+bl.Hash, &bl)
	if bl.Number != chk.Proof.Block {
		t.Fatalf("block by hash: %d", bl.Number)
	}
	e.get("regulator", "/api/v1/txs/"+chk.Proof.TxID, nil)
	e.get("regulator", "/api/v1/blocks?limit=5", nil)
	e.get("regulator", "/api/v1/whoami", nil)
	if st := e.call("regulator", "GET", "/api/v1/blocks/x", nil, &prob); st != 400 || prob.Code != "BAD_PARAMETER" {
		t.Fatalf("bad block number: %d %+v", st, prob)
	}
	var doc map[string]any
	e.get("", "/openapi.json", &doc)
	if doc["openapi"] == nil || len(doc["paths"].(map[string]any)) < 20 {
		t.Fatal("openapi document incomplete")
	}
	e.get("", "/healthz", nil)
	resp, err := e.http("").Get("https://" + e.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(m), "pdl_explorer_index_next_block") {
		t.Fatalf("metrics: %s", m)
	}
}

// TestExplorer_Kill9MidSyncIndexEqualsLedger kills the explorer while it indexes from an
// empty store, restarts it, and compares the index with the ledger block by block.
func TestExplorer_Kill9MidSyncIndexEqualsLedger(t *testing.T) {
	ensureDemo(t)
	h := height(t)
	e := newExplorer(t, os.Getenv("PDL_EXPLORER_IT_DSN"))
	// the deadline moves with the indexer's progress (the ledger grows run by run); a
	// stall of two minutes fails
	deadline := time.Now().Add(2 * time.Minute)
	seen := uint64(0)
	for {
		var r ready
		if _, err := os.Stat(filepath.Join(e.dir, "tls", "ca.pem")); err == nil {
			e.try("/readyz", &r)
		}
		if r.Indexer.Next >= h/3 {
			break
		}
		if r.Indexer.Next > seen {
			seen, deadline = r.Indexer.Next, time.Now().Add(2*time.Minute)
		}
		if time.Now().After(deadline) {
			t.Fatalf("indexer did not reach block %d (stalled at %d)\n%s", h/3, seen, e.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var atKill ready
	e.try("/readyz", &atKill)
	e.kill9()
	e.start()
	r := e.waitReady(h, 3*time.Minute)
	if r.Indexer.Alarm != "" {
		t.Fatalf("alarm after restart: %s", r.Indexer.Alarm)
	}
	c := nettest.Client(t, "bureau-admin") // raw blocks are for auditors (org admins)
	for n := uint64(0); n < h; n++ {
		b, err := c.Block(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Hash    string `json:"hash"`
			TxCount int    `json:"txCount"`
			Txs     []any  `json:"txs"`
		}
		e.get("regulator", fmt.Sprintf("/api/v1/blocks/%d", n), &got)
		if want := hex.EncodeToString(client.HeaderHash(b.GetHeader())); got.Hash != want || got.TxCount != len(b.GetData().GetData()) || len(got.Txs) != got.TxCount {
			t.Fatalf("block %d: index %s/%d txs, ledger %s/%d", n, got.Hash, got.TxCount, want, len(b.GetData().GetData()))
		}
	}
	// row by row around the point of the kill (every block's hash and transaction count
	// were compared above), and the newest page
	var ver struct {
		OK            bool   `json:"ok"`
		BlocksChecked uint64 `json:"blocksChecked"`
		Mismatches    []any  `json:"mismatches"`
	}
	around := max(atKill.Indexer.Next, 200) - 200
	e.get("regulator", fmt.Sprintf("/api/v1/verify?from=%d&to=%d", around, around+400), &ver)
	if !ver.OK || ver.BlocksChecked == 0 {
		t.Fatalf("verification around block %d, where the explorer was killed: %+v", atKill.Indexer.Next, ver)
	}
	e.get("regulator", "/api/v1/verify", &ver)
	if !ver.OK {
		t.Fatalf("verification of the newest blocks after the restart: %+v", ver)
	}
	nettest.Report(t, "explorer-kill9", map[string]any{"blocks": h, "killedAt": atKill.Indexer.Next})
}

// TestExplorer_TamperedRowReported changes one indexed record version behind the
// explorer's back; the verification endpoint names it.
func TestExplorer_TamperedRowReported(t *testing.T) {
	ensureDemo(t)
	e := newExplorer(t, "")
	e.waitReady(height(t), 3*time.Minute)
	st, err := store.Open(context.Background(), e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// the blocks that hold the rows about to be tampered with: lh-res-08's current
	// version and lh-prd-01's latest (a verification checks a bounded range of blocks)
	var resBlock, prdBlock int64
	if err := st.DB().QueryRow(`SELECT block FROM records WHERE kind = 'resource' AND id = 'lh-res-08'`).Scan(&resBlock); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow(`SELECT MAX(block) FROM record_versions WHERE kind = 'product' AND id = 'lh-prd-01'`).Scan(&prdBlock); err != nil {
		t.Fatal(err)
	}
	ranges := []string{fmt.Sprintf("from=%d&to=%d", resBlock, resBlock), fmt.Sprintf("from=%d&to=%d", prdBlock, prdBlock)}
	var clean struct {
		OK    bool `json:"ok"`
		State int  `json:"recordsComparedWithState"`
	}
	for _, rg := range ranges {
		e.get("regulator", "/api/v1/verify?"+rg, &clean)
		if !clean.OK || clean.State < 1 {
			t.Fatalf("verification of the untouched index (%s): %+v", rg, clean)
		}
	}
	// a current record row changed behind the indexer (lh-res-08): world state (System:Digests) no
	// longer matches the index
	if _, err := st.DB().Exec(`UPDATE records SET data = replace(data, '楼栋', '篡改') WHERE kind = 'resource' AND id = 'lh-res-08'`); err != nil {
		t.Fatal(err)
	}
	res, err := st.DB().Exec(`UPDATE record_versions SET data = replace(data, '龙数贷', '篡改后') WHERE kind = 'product' AND id = 'lh-prd-01'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("nothing tampered")
	}
	var ver struct {
		OK         bool `json:"ok"`
		Mismatches []struct {
			Code   string `json:"code"`
			Detail string `json:"detail"`
		} `json:"mismatches"`
	}
	e.get("regulator", "/api/v1/verify?"+ranges[1], &ver)
	if ver.OK {
		t.Fatal("verification missed the tampered row")
	}
	hit := false
	for _, m := range ver.Mismatches {
		if m.Code == "INDEX_RECORD_DIFFERS" && strings.Contains(m.Detail, "lh-prd-01") {
			hit = true
		}
	}
	if !hit {
		t.Fatalf("mismatches do not name lh-prd-01: %+v", ver.Mismatches)
	}
	e.get("regulator", "/api/v1/verify?"+ranges[0], &ver)
	stateHit := false
	for _, m := range ver.Mismatches {
		stateHit = stateHit || m.Code == "INDEX_STATE_DIFFERS" && strings.Contains(m.Detail, "lh-res-08")
	}
	if !stateHit {
		t.Fatalf("the tampered current record lh-res-08 is not reported as INDEX_STATE_DIFFERS: %+v", ver.Mismatches)
	}

	// a block row deleted behind the indexer's back: the start-up gap check raises the
	// alarm (not ready) and the verification names the block
	e.stop()
	if _, err := st.DB().Exec(`DELETE FROM blocks WHERE number = 5`); err != nil {
		t.Fatal(err)
	}
	e.start()
	deadline := time.Now().Add(time.Minute)
	var r ready
	for time.Now().Before(deadline) {
		if code := e.try("/readyz", &r); code == 503 && strings.Contains(r.Indexer.Alarm, "missing") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(r.Indexer.Alarm, "missing") {
		t.Fatalf("no gap alarm after a deleted block row: %+v\n%s", r, e.log())
	}
	e.get("regulator", "/api/v1/verify?from=0&to=10", &ver)
	missing := false
	for _, m := range ver.Mismatches {
		missing = missing || m.Code == "INDEX_BLOCK_MISSING"
	}
	if ver.OK || !missing {
		t.Fatalf("verification of a gap: %+v", ver)
	}
}

func hasID[T any](items []T, id string) bool {
	for _, it := range items {
		raw, _ := json.Marshal(it)
		var x struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &x) == nil && x.ID == id {
			return true
		}
	}
	return false
}

func flatten(n map[string]any) map[string]bool {
	out := map[string]bool{}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		out[fmt.Sprint(n["kind"])+"/"+fmt.Sprint(n["id"])] = true
		kids, _ := n["children"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(n)
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// nthLine returns line i (from 0) of the demo's log files in name order.
func nthLine(t *testing.T, dir string, i int) string {
	files, _ := filepath.Glob(filepath.Join(dir, "access-*.log"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
		if i < len(lines) {
			return lines[i]
		}
		i -= len(lines)
	}
	t.Fatalf("no line %d", i)
	return ""
}

// TestExplorer_ReconnectsAfterPeerRestart kills the peer the indexer reads from; the
// indexer reconnects by itself once the supervisor has restarted it and indexes the
// blocks written meanwhile.
func TestExplorer_ReconnectsAfterPeerRestart(t *testing.T) {
	ensureDemo(t)
	e := newExplorer(t, "")
	e.waitReady(height(t), 3*time.Minute)
	pid := nettest.Kill(t, "peer0.bureau")
	op := nettest.Client(t, "operator-admin") // heartbeats are for org admins
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := 0; i < 3; i++ { // endorsed by the two other orgs while the bureau's peer is down
		if _, err := op.Submit(ctx, "System:Heartbeat", map[string]string{"note": fmt.Sprintf("explorer reconnect %d", i)}); err != nil {
			t.Fatalf("heartbeat with the bureau peer down: %v", err)
		}
	}
	info, err := op.ChainInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nettest.WaitRestarted(t, "peer0.bureau", pid, 90*time.Second)
	nettest.WaitHeights(t, info.Height, 90*time.Second)
	// leave the network as found: the restarted peer's gateway endorses again (its
	// discovery needs the other peers' alive messages first) — the gate of make up
	if err := nettest.Net(t).WaitReady(ctx, 90*time.Second); err != nil {
		t.Fatalf("the bureau peer's gateway does not endorse after its restart: %v", err)
	}
	if _, err := nettest.Client(t, "bureau-admin").Submit(ctx, "System:Heartbeat", map[string]string{"note": "explorer reconnect: bureau gateway back"}); err != nil {
		t.Fatal(err)
	}
	if info, err = op.ChainInfo(ctx); err != nil {
		t.Fatal(err)
	}
	r := e.waitReady(info.Height, 2*time.Minute)
	var st struct {
		Indexer struct {
			Reconnects uint64 `json:"reconnects"`
		} `json:"indexer"`
	}
	e.try("/readyz", &st)
	if st.Indexer.Reconnects == 0 || r.Indexer.Alarm != "" {
		t.Fatalf("after the peer restart: reconnects %d, alarm %q", st.Indexer.Reconnects, r.Indexer.Alarm)
	}
}
