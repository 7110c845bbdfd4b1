package contracts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// withSettings installs server settings for one test.
func withSettings(t *testing.T, s Settings) {
	t.Helper()
	old := settings
	Configure(s)
	t.Cleanup(func() { settings = old })
}

// TestTxTime_SkewRefused: a proposal stamped an hour after or before this server's
// clock is refused with TX_TIME_SKEW naming both times and the window; one within the
// window passes.
func TestTxTime_SkewRefused(t *testing.T) {
	h := newHarness(t, "longhua")
	clock := h.L.Now
	withSettings(t, Settings{TimeWindow: 5 * time.Minute, Clock: func() time.Time { return clock }})
	for _, d := range []time.Duration{time.Hour, -time.Hour, 6 * time.Minute} {
		h.L.Now = clock.Add(d)
		e := h.refused(h.Bureau, "Participant:Register", map[string]any{"id": h.id("p"), "role": "operator", "name": "运营", "uscc": h.uscc(), "mspId": "OperatorMSP"}, model.CodeTxTimeSkew)
		if !strings.Contains(e.Message, "5m0s") || !strings.Contains(e.Message, "+08:00") {
			t.Errorf("skew %s: message %q names neither window nor times", d, e.Message)
		}
		// queries too: a forged time would show effects that have not fallen due
		h.refused(h.Bureau, "Participant:Config", "{}", model.CodeTxTimeSkew)
	}
	h.L.Now = clock.Add(4 * time.Minute)
	h.ok(h.Bureau, "Participant:Register", map[string]any{"id": h.id("p"), "role": "operator", "name": "运营", "uscc": h.uscc(), "mspId": "OperatorMSP"})
}

// TestTxTime_SweepFromTheFutureRefused: the attack of the trust review — any identity
// sweeping with a timestamp in 2099 to expire every authorization — is refused.
func TestTxTime_SweepFromTheFutureRefused(t *testing.T) {
	h := newAuthorized(t, "longhua")
	clock := h.L.Now
	withSettings(t, Settings{TimeWindow: 5 * time.Minute, Clock: func() time.Time { return clock }})
	h.L.Now = time.Date(2099, 1, 1, 0, 0, 0, 0, model.CST)
	h.refused(h.as("op"), "Supervision:Sweep", map[string]any{"id": "sweep-2099", "authorizationId": "auth1"}, model.CodeTxTimeSkew)
	h.L.Now = clock
	if a := h.auth("auth1"); a.Status != model.AuthActive {
		t.Fatalf("authorization after the refused sweep: %s", a.Status)
	}
}

// TestReplay_OnlyOpenSessionOnAllowingServer: dated history is accepted only while the
// bureau's replay session is open and only by a server that allows replay; every
// transaction of the session is marked with it; closing it restores the window.
func TestReplay_OnlyOpenSessionOnAllowingServer(t *testing.T) {
	h := newHarness(t, "longhua")
	clock := h.L.Now
	past := clock.AddDate(0, -3, 0)
	reg := func() map[string]any {
		return map[string]any{"id": h.id("p"), "role": "operator", "name": "运营", "uscc": h.uscc(), "mspId": "OperatorMSP"}
	}
	// a server that does not allow replay: no session can be opened
	withSettings(t, Settings{TimeWindow: 5 * time.Minute, Clock: func() time.Time { return clock }})
	h.refused(h.Bureau, "System:OpenReplay", map[string]any{"id": "rp0", "reason": "演示"}, model.CodeDisabled)

	Configure(Settings{TimeWindow: 5 * time.Minute, Clock: func() time.Time { return clock }, ReplayAllowed: true})
	h.L.Now = past
	h.refused(h.Bureau, "Participant:Register", reg(), model.CodeTxTimeSkew) // no session yet
	h.L.Now = clock
	op := h.as("bureau")
	h.refused(stubtest.NewIdentity("OperatorMSP", "x", "client"), "System:OpenReplay", map[string]any{"id": "rpx", "reason": "x"}, model.CodeUnbound)
	h.ok(op, "System:OpenReplay", map[string]any{"id": "rp1", "reason": "龙华试点三个月历史"})
	h.refused(op, "System:OpenReplay", map[string]any{"id": "rp2", "reason": "again"}, model.CodeAlreadyExists)
	h.L.Now = past
	h.ok(h.Bureau, "Participant:Register", reg())
	ev, _ := h.L.LastEvent()
	var e model.Event
	if err := json.Unmarshal(ev.Payload, &e); err != nil || e.Replay != "rp1" {
		t.Fatalf("replayed transaction's event: replay %q (%v)", e.Replay, err)
	}
	// a server of another org that does not allow replay refuses the same proposal
	Configure(Settings{TimeWindow: 5 * time.Minute, Clock: func() time.Time { return clock }})
	h.refused(h.Bureau, "Participant:Register", reg(), model.CodeTxTimeSkew)
	Configure(Settings{TimeWindow: 5 * time.Minute, Clock: func() time.Time { return clock }, ReplayAllowed: true})

	h.L.Now = clock
	var st model.ReplayState
	h.okInto(h.Bureau, "System:ReplayState", "{}", &st)
	if st.Open == nil || st.Open.ID != "rp1" {
		t.Fatalf("replay state %+v", st)
	}
	h.refused(op, "System:CloseReplay", map[string]any{"id": "c0", "replay": "other"}, model.CodeBadState)
	h.ok(op, "System:CloseReplay", map[string]any{"id": "c1", "replay": "rp1"})
	h.L.Now = past.Add(time.Hour)
	h.refused(h.Bureau, "Participant:Register", reg(), model.CodeTxTimeSkew)
	h.L.Now = clock.Add(time.Minute)
	h.ok(h.Bureau, "Participant:Register", reg())
	ev, _ = h.L.LastEvent()
	var after model.Event
	if err := json.Unmarshal(ev.Payload, &after); err != nil || after.Replay != "" {
		t.Fatalf("after closing, a transaction is still marked %q (%v)", after.Replay, err)
	}
}

// TestQueries_SubmittedReadWritesNothing: every read function of the function table,
// submitted as a transaction, leaves the ledger without a write or an event — even when
// an authorization's term has ended, which a query shows as expired (derived, not
// stored).
func TestQueries_SubmittedReadWritesNothing(t *testing.T) {
	h := newAuthorized(t, "longhua")
	h.at("2027-09-01 09:00") // auth1's term is over
	before := snapshot(h.L)
	events := len(h.L.Events)
	reads := 0
	for _, f := range model.Functions() {
		if f.Write {
			continue
		}
		reads++
		for _, req := range []string{"{}", `{"id":"auth1"}`, `{"authorization":"auth1"}`, `{"kind":"authorization","id":"auth1"}`, `{"resource":"r1"}`} {
			for _, who := range []*stubtest.Identity{h.Bureau, h.as("op"), h.as("su1")} {
				_, _ = h.call(who, f.Name, req) // answers or refusals alike
			}
		}
	}
	if reads < 30 {
		t.Fatalf("only %d read functions in the table", reads)
	}
	if after := snapshot(h.L); after != before {
		t.Fatalf("submitted queries changed the ledger:\nbefore %s\nafter  %s", before, after)
	}
	if len(h.L.Events) != events {
		t.Fatalf("submitted queries emitted %d events", len(h.L.Events)-events)
	}
	// the query shows the expiry, the stored record does not have it yet
	if a := h.auth("auth1"); a.Status != model.AuthExpired {
		t.Fatalf("query shows %s, want expired", a.Status)
	}
	raw, ok := h.L.Get(mustKey(t, model.KindAuthorization, "auth1"))
	var stored model.Authorization
	if !ok || json.Unmarshal(raw, &stored) != nil || stored.Status != model.AuthActive {
		t.Fatalf("stored authorization %s, want still active until a transaction makes the expiry effective", stored.Status)
	}
	// a write that touches it records the expiry with an event
	h.ok(h.as("op"), "Supervision:Sweep", map[string]any{"id": "sweep-expiry", "authorizationId": "auth1"})
	ev, _ := h.L.LastEvent()
	if !strings.Contains(string(ev.Payload), `"expired"`) {
		t.Fatalf("sweep event does not record the expiry: %s", ev.Payload)
	}
}

func snapshot(l *stubtest.Ledger) string {
	var b strings.Builder
	for _, k := range l.Keys() {
		v, _ := l.Get(k)
		b.WriteString(k)
		b.Write(v)
	}
	return model.IdentityKey(b.String(), "", "", "")
}

func mustKey(t *testing.T, kind model.Kind, id string) string {
	k, err := stubtest.CompositeKey(string(kind), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCrash_NoInputPanics: the input that killed every org's chaincode server (a history
// request for id U+10FFFF) is refused as input; a key the shim refuses and a handler
// that panics become coded errors, never a crash.
func TestCrash_NoInputPanics(t *testing.T) {
	h := newHarness(t, "longhua")
	for _, id := range []string{`\udbff\udfff`, `\u0000`, `\ufffe`, "x\U0010FFFF"} {
		h.refused(stubtest.NewIdentity("OperatorMSP", "nobody", "client"), "System:History", `{"kind":"resource","id":"`+id+`"}`, model.CodeBadFormat)
	}
	// past validation: the shim's refusal is a coded error
	_, err := h.L.Call(h.Bureau, func(ctx contractapi.TransactionContextInterface) (string, error) {
		tx, err := newTx(ctx, "test")
		if err != nil {
			return "", err
		}
		var r model.Resource
		return "", tx.Get(model.KindResource, "\U0010FFFF", &r)
	})
	if model.CodeOf(err) != model.CodeBadFormat {
		t.Fatalf("a key the shim refuses: %v", err)
	}
	// a handler's panic is an INTERNAL error naming the function
	_, err = h.L.Call(h.Bureau, func(ctx contractapi.TransactionContextInterface) (string, error) {
		return Read(ctx, "Test:Panics", "{}", func(tx *Tx, _ *model.Empty) (any, error) { panic("boom") })
	})
	if model.CodeOf(err) != model.CodeInternal || !strings.Contains(err.Error(), "Test:Panics") {
		t.Fatalf("a panicking handler: %v", err)
	}
}

// TestSystem_HeartbeatAdminOnlyAndBenchOff: heartbeats are for org admins; the bench
// baseline answers only on a server started with the benchmark setting.
func TestSystem_HeartbeatAdminOnlyAndBenchOff(t *testing.T) {
	h := newHarness(t, "longhua")
	h.party("op", model.RoleOperator, "运营")
	h.refused(h.as("op"), "System:Heartbeat", "{}", model.CodeAccessDenied)
	h.ok(stubtest.NewIdentity("OperatorMSP", "Admin@operator", "admin"), "System:Heartbeat", "{}")
	bench := func() error {
		_, err := h.L.Call(h.as("op"), func(ctx contractapi.TransactionContextInterface) (string, error) {
			return "", (&SystemContract{}).BenchPut(ctx, "k", "v")
		})
		return err
	}
	if err := bench(); model.CodeOf(err) != model.CodeDisabled {
		t.Fatalf("bench put without the setting: %v", err)
	}
	withSettings(t, Settings{Bench: true})
	if err := bench(); err != nil {
		t.Fatalf("bench put with the setting: %v", err)
	}
}

// TestBootstrap_OnlyTheNamedAdmin: with the network definition's bureau admin in the
// server's settings, another admin (of the bureau's MSP or another) cannot bootstrap,
// nor can the named one with a different org list.
func TestBootstrap_OnlyTheNamedAdmin(t *testing.T) {
	named := stubtest.NewIdentity("BureauMSP", "Admin@bureau", "admin")
	other := stubtest.NewIdentity("BureauMSP", "Admin2@bureau", "admin")
	foreign := stubtest.NewIdentity("OperatorMSP", "Admin@operator", "admin")
	withSettings(t, Settings{BootstrapMSP: "BureauMSP", BootstrapAdmin: certSHA256(named), Orgs: testOrgs})
	req := func(orgs ...string) map[string]any {
		return map[string]any{"id": "bureau", "name": "局", "uscc": "11440309MB2C90412W", "orgs": orgs}
	}
	h := newLedgerOnly(t)
	h.refused(foreign, "Participant:Bootstrap", req(testOrgs...), model.CodeAccessDenied)
	h.refused(other, "Participant:Bootstrap", req(testOrgs...), model.CodeAccessDenied)
	h.refused(named, "Participant:Bootstrap", req("BureauMSP", "OperatorMSP"), model.CodeAccessDenied)
	h.ok(named, "Participant:Bootstrap", req("SourceUnitMSP", "BureauMSP", "OperatorMSP"))
	var cfg model.NetworkConfig
	h.okInto(named, "Participant:Config", "{}", &cfg)
	if strings.Join(cfg.Orgs, ",") != strings.Join(testOrgs, ",") {
		t.Fatalf("recorded orgs %v", cfg.Orgs)
	}
}

// TestBinding_MatchesTheKey: a certificate with the bound identity's names but another
// key does not act for the participant.
func TestBinding_MatchesTheKey(t *testing.T) {
	h := newHarness(t, "longhua")
	h.party("op", model.RoleOperator, "运营")
	impostor := stubtest.NewIdentity("OperatorMSP", "op@operatormsp", "client") // same subject, fresh key
	if impostor.Cert.Subject.String() != h.as("op").Cert.Subject.String() {
		t.Fatalf("test set-up: subjects differ")
	}
	var who model.WhoAmI
	h.okInto(impostor, "Participant:WhoAmI", "{}", &who)
	if who.Bound {
		t.Fatalf("a certificate with the same names but another key is bound: %+v", who)
	}
	h.okInto(h.as("op"), "Participant:WhoAmI", "{}", &who)
	if !who.Bound || who.Participant == nil || who.Participant.ID != "op" {
		t.Fatalf("the bound certificate: %+v", who)
	}
}

func certSHA256(id *stubtest.Identity) string {
	sum := sha256.Sum256(id.Cert.Raw)
	return hex.EncodeToString(sum[:])
}

// TestPaging_LongListPagesThroughCompletely: 1,200 resources of one unit page through
// Resource:List in pages of 500, each exactly once; a bookmark this query did not give is
// refused.
func TestPaging_LongListPagesThroughCompletely(t *testing.T) {
	h := newParties(t, "longhua")
	const n = 1200
	for i := 0; i < n; i++ {
		h.register("su1", fmt.Sprintf("r%05d", i), content("资源", 1))
	}
	seen := map[string]bool{}
	bookmark, pages := "", 0
	for {
		var page model.PageResult[*model.Resource]
		h.okInto(h.as("su1"), "Resource:List", map[string]any{"sourceUnit": "su1", "pageSize": 500, "bookmark": bookmark}, &page)
		pages++
		for _, r := range page.Records {
			if seen[r.ID] {
				t.Fatalf("%s listed twice", r.ID)
			}
			seen[r.ID] = true
		}
		if page.Bookmark == "" {
			break
		}
		bookmark = page.Bookmark
	}
	if len(seen) != n || pages != 3 {
		t.Fatalf("%d resources in %d pages, want %d in 3", len(seen), pages, n)
	}
	h.refused(h.as("su1"), "Resource:List", map[string]any{"sourceUnit": "su1", "bookmark": "not-base64!"}, model.CodeBadFormat)
}

// TestReplay_ExpiresAndForgedPointerIgnored: a session stops accepting dated proposals
// at its expiry even if nobody closes it; a replay pointer written without the bureau (or
// naming a session that is closed or does not exist) opens nothing.
func TestReplay_ExpiresAndForgedPointerIgnored(t *testing.T) {
	h := newHarness(t, "longhua")
	clock := h.L.Now
	now := clock
	withSettings(t, Settings{TimeWindow: 5 * time.Minute, Clock: func() time.Time { return now }, ReplayAllowed: true})
	reg := func() map[string]any {
		return map[string]any{"id": h.id("p"), "role": "operator", "name": "运营", "uscc": h.uscc(), "mspId": "OperatorMSP"}
	}
	h.ok(h.Bureau, "System:OpenReplay", map[string]any{"id": "rp1", "reason": "演示", "minutes": 30})
	h.L.Now = clock.AddDate(0, -2, 0)
	h.ok(h.Bureau, "Participant:Register", reg())
	now = clock.Add(31 * time.Minute) // the servers' clocks move past the expiry
	h.refused(h.Bureau, "Participant:Register", reg(), model.CodeTxTimeSkew)

	key := mustKey(t, model.KindConfig, replayKey)
	for _, open := range []string{"no-such-session", "rp1"} {
		h.L.PutCommitted(key, []byte(`{"open":"`+open+`"}`))
		h.L.Now, now = clock.AddDate(0, -1, 0), clock
		if open == "rp1" {
			// rp1 closed (at real time) before the pointer is forged back to it
			h.L.Now = clock
			h.L.PutCommitted(key, []byte(`{"open":"rp1"}`))
			h.ok(h.Bureau, "System:CloseReplay", map[string]any{"id": "c1", "replay": "rp1"})
			h.L.PutCommitted(key, []byte(`{"open":"rp1"}`))
			h.L.Now = clock.AddDate(0, -1, 0)
		}
		h.refused(h.Bureau, "Participant:Register", reg(), model.CodeTxTimeSkew)
	}
}

// TestSweep_StrangerRecordsNothingPrivate: a sweep by an operator who is no party to an
// overdue rectification (or its authorization) records nothing about them — its
// endorsement would show it their new state — while the regulator's sweep does.
func TestSweep_StrangerRecordsNothingPrivate(t *testing.T) {
	h := newSupervision(t, "luohu")
	orderRect(h, "r1", "auth1", 10)
	h.at("2025-09-16 09:00")
	var sw model.SupervisionSweep
	h.okInto(h.as("op2"), "Supervision:Sweep", map[string]any{"id": "sw-stranger"}, &sw)
	ev, _ := h.L.LastEvent()
	if len(sw.Effects) != 0 || strings.Contains(string(ev.Payload), `"id":"r1"`) || strings.Contains(string(ev.Payload), `"id":"auth1"`) {
		t.Fatalf("a stranger's sweep recorded private records: %+v\n%s", sw.Effects, ev.Payload)
	}
	if a := h.storedAuth("auth1"); a.Status != model.AuthSuspended {
		t.Fatalf("auth1 stored as %s after the stranger's sweep", a.Status)
	}
	h.okInto(h.as("reg"), "Supervision:Sweep", map[string]any{"id": "sw-reg"}, &sw)
	if len(sw.Effects) == 0 {
		t.Fatal("the regulator's sweep recorded nothing")
	}
	if a := h.storedAuth("auth1"); a.Status != model.AuthTerminated {
		t.Fatalf("auth1 stored as %s after the regulator's sweep", a.Status)
	}
}

// TestDigests_ForAuditorsOnly: world-state digests (a guessing oracle for private
// content) answer the bureau, regulators, org admins and the configured auditor
// certificate, nobody else.
func TestDigests_ForAuditorsOnly(t *testing.T) {
	h := newHarness(t, "longhua")
	h.party("reg", model.RoleRegulator, "监管")
	h.party("op", model.RoleOperator, "运营")
	req := map[string]any{"items": []map[string]any{{"kind": "participant", "id": "op"}}}
	indexer := stubtest.NewIdentity("BureauMSP", "indexer", "client")
	h.refused(indexer, "System:Digests", req, model.CodeAccessDenied)
	h.refused(h.as("op"), "System:Digests", req, model.CodeAccessDenied)
	for _, who := range []*stubtest.Identity{h.as("reg"), h.Bureau, stubtest.NewIdentity("OperatorMSP", "Admin@operator", "admin")} {
		var ds []model.StateDigest
		h.okInto(who, "System:Digests", req, &ds)
		if len(ds) != 1 || ds[0].Digest == "" || ds[0].Version != 1 {
			t.Fatalf("digests %+v", ds)
		}
	}
	withSettings(t, Settings{Auditors: []string{certSHA256(indexer)}})
	h.ok(indexer, "System:Digests", req)
}

// TestSettings_FailClosed: a chaincode server without the bootstrap admin, the org list,
// its own org or the commercial collection's members refuses to start.
func TestSettings_FailClosed(t *testing.T) {
	env := map[string]string{"PDL_BOOTSTRAP_MSP": "BureauMSP", "PDL_BOOTSTRAP_ADMIN": "ab", "PDL_ORGS": "BureauMSP,OperatorMSP,SourceUnitMSP",
		"PDL_MSP": "OperatorMSP", "PDL_COMMERCIAL_ORGS": "BureauMSP,OperatorMSP"}
	get := func(k string) string { return env[k] }
	if _, err := SettingsFromEnv(get); err != nil {
		t.Fatalf("complete settings: %v", err)
	}
	for _, drop := range []string{"PDL_BOOTSTRAP_MSP", "PDL_BOOTSTRAP_ADMIN", "PDL_ORGS", "PDL_MSP", "PDL_COMMERCIAL_ORGS"} {
		v := env[drop]
		delete(env, drop)
		if _, err := SettingsFromEnv(get); err == nil {
			t.Errorf("settings without %s accepted", drop)
		}
		env[drop] = v
	}
	env["PDL_ORGS"] = "BureauMSP"
	if _, err := SettingsFromEnv(get); err == nil {
		t.Error("a single-org list accepted")
	}
}
