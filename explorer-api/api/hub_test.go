package api

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// ledgerRecords stores recs on st as its block 0, one transaction each.
func ledgerRecords(t *testing.T, st *store.Store, recs ...model.Record) {
	t.Helper()
	h := sha256.Sum256([]byte(fmt.Sprintf("%p", st)))
	b := &store.Block{Number: 0, Hash: h[:], DataHash: h[:], Time: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), Raw: []byte{0}}
	for i, r := range recs {
		m := r.GetMeta()
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Txs = append(b.Txs, store.Tx{ID: fmt.Sprintf("tx-%d", i), Index: i, Valid: true, ValidationCode: "VALID", CreatorMSP: "Org1MSP",
			Endorsers: []string{"Org1MSP"}, Time: b.Time, Chaincode: "pdl", Function: "F", EventType: string(m.Kind) + ".changed",
			Records: []store.RecordChange{{Kind: string(m.Kind), ID: m.ID, Version: 1, Action: "created", Actor: "x", Public: m.Public, Parties: r.Parties(), Data: data}}})
	}
	b.TxCount = len(b.Txs)
	if err := st.ApplyBlock(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func profileOf(t *testing.T, preset string) *model.ProfileRecord {
	p, err := policy.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := p.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return &model.ProfileRecord{Meta: model.Meta{ID: "v1", Kind: model.KindProfile, Public: true}, ProfileVersion: 1, Basis: preset, Profile: raw}
}

func binding(cert *x509.Certificate, participant string) *model.IdentityBinding {
	key := model.IdentityOf("Org1MSP", cert).Key()
	return &model.IdentityBinding{Meta: model.Meta{ID: key, Kind: model.KindIdentity}, MSPID: "Org1MSP", IdentityKey: key, Participant: participant, Status: model.StatusActive}
}

func participant(id string, role model.Role) *model.Participant {
	return &model.Participant{Meta: model.Meta{ID: id, Kind: model.KindParticipant}, Role: role, MSPID: "Org1MSP", Status: model.StatusActive}
}

// province is three jurisdictions' ledgers served by one hub: alice is the provincial
// regulator on longhua and luohu and an operator's officer on qinhuangdao (another
// province); bob is an operator on luohu only.
func province(t *testing.T) (*gin.Engine, *revocationChannel) {
	ch := newRevocationChannel(t)
	h := NewHub()
	h.Now = func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	capFen := int64(1000)
	ledgers := map[string][]model.Record{
		"longhua": {profileOf(t, "longhua"), participant("gd-reg", model.RoleRegulator), binding(ch.alice, "gd-reg"),
			&model.Resource{Meta: model.Meta{ID: "lh-r1", Kind: model.KindResource, Public: true}},
			&model.Authorization{Meta: model.Meta{ID: "lh-a1", Kind: model.KindAuthorization}, Operator: "op1", Status: model.AuthActive, TermEnd: "2028-12-31", EmergencyPlan: "lh-plan1"},
			&model.Product{Meta: model.Meta{ID: "lh-p1", Kind: model.KindProduct}},
			&model.PriceFiling{Meta: model.Meta{ID: "lh-f1", Kind: model.KindPriceFiling}, Product: "lh-p1", Operator: "op1", PriceFen: 1500, CapFen: &capFen}},
		"luohu": {profileOf(t, "luohu"), participant("gd-reg", model.RoleRegulator), binding(ch.alice, "gd-reg"),
			participant("op1", model.RoleOperator), binding(ch.bob, "op1"),
			&model.Resource{Meta: model.Meta{ID: "lu-r1", Kind: model.KindResource, Public: true}},
			&model.Authorization{Meta: model.Meta{ID: "lu-a1", Kind: model.KindAuthorization}, Operator: "op1", Status: model.AuthActive, TermEnd: "2027-06-30"},
			&model.Authorization{Meta: model.Meta{ID: "lu-a2", Kind: model.KindAuthorization}, Operator: "op1", Status: model.AuthActive, TermEnd: "2026-10-31"}},
		"qinhuangdao": {profileOf(t, "qinhuangdao"), participant("qhd-reg", model.RoleRegulator), participant("qhd-op", model.RoleOperator), binding(ch.alice, "qhd-op")},
	}
	for _, name := range []string{"longhua", "luohu", "qinhuangdao"} {
		st := newStore(t)
		ledgerRecords(t, st, ledgers[name]...)
		if err := h.Add(name, &Server{Store: st, Chaincode: "pdl", Orgs: ch.v.Orgs, Now: h.Now}); err != nil {
			t.Fatal(err)
		}
	}
	return h.Router(), ch
}

func call(t *testing.T, r *gin.Engine, path string, cert *x509.Certificate, out any) (int, Problem) {
	t.Helper()
	return callIn(t, r, "", path, cert, out)
}

// callIn is call with an Accept-Language ("" for none).
func callIn(t *testing.T, r *gin.Engine, lang, path string, cert *x509.Certificate, out any) (int, Problem) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if cert != nil {
		req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	var p Problem
	if w.Code == 200 {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	} else {
		_ = json.Unmarshal(w.Body.Bytes(), &p)
	}
	return w.Code, p
}

func TestHub_EachChannelReadsItsOwnLedger(t *testing.T) {
	r, _ := province(t)
	var chans struct{ Items []ChannelInfo }
	if st, p := call(t, r, "/api/v1/public/channels", nil, &chans); st != 200 || len(chans.Items) != 3 {
		t.Fatalf("channels: %d %+v %+v", st, p, chans)
	}
	want := map[string]string{"longhua": "龙华", "luohu": "罗湖", "qinhuangdao": "秦皇岛"}
	for i, c := range chans.Items {
		if c.Default != (i == 0) || c.Jurisdiction == nil || !strings.Contains(c.Jurisdiction.ZH, want[c.Channel]) || c.Indexed != 1 {
			t.Errorf("channel %d: %+v %+v", i, c, c.Jurisdiction)
		}
	}
	for path, id := range map[string]string{"/api/v1/public/catalogue": "lh-r1", "/api/v1/public/catalogue?channel=longhua": "lh-r1", "/api/v1/public/catalogue?channel=luohu": "lu-r1"} {
		var page Page[RecordView]
		if st, p := call(t, r, path, nil, &page); st != 200 || len(page.Items) != 1 || page.Items[0].ID != id {
			t.Errorf("%s: %d %+v %+v", path, st, p, page.Items)
		}
	}
	if st, p := call(t, r, "/api/v1/public/catalogue?channel=futian", nil, nil); st != 404 || p.Code != "UNKNOWN_CHANNEL" || p.Param != "channel" || !strings.Contains(p.Detail, "luohu") {
		t.Errorf("unknown channel: %d %+v", st, p)
	}
	for _, bad := range []string{"Luohu", "luo%20hu", "-x", "%E7%BD%97%E6%B9%96"} {
		if st, p := call(t, r, "/api/v1/public/catalogue?channel="+bad, nil, nil); st != 400 || p.Param != "channel" {
			t.Errorf("channel %q: %d %+v", bad, st, p)
		}
	}
}

// A binding on one jurisdiction's ledger grants nothing on another's.
func TestHub_BindingIsPerChannel(t *testing.T) {
	r, ch := province(t)
	var c Caller
	if st, p := call(t, r, "/api/v1/whoami?channel=luohu", ch.bob, &c); st != 200 || c.Participant != "op1" || c.Role != "operator" {
		t.Fatalf("bob on luohu: %d %+v %+v", st, p, c)
	}
	c = Caller{}
	if st, p := call(t, r, "/api/v1/whoami", ch.bob, &c); st != 200 || c.Participant != "" || c.Active {
		t.Fatalf("bob on longhua (bound on luohu only): %d %+v %+v", st, p, c)
	}
	var rep map[string]any
	if st, p := call(t, r, "/api/v1/compliance?channel=qinhuangdao", ch.alice, &rep); st != 403 || p.Code != "ACCESS_DENIED" {
		t.Fatalf("alice's compliance on qinhuangdao, where she acts for an operator: %d %+v", st, p)
	}
	if st, p := call(t, r, "/api/v1/compliance?channel=luohu", ch.alice, &rep); st != 200 {
		t.Fatalf("alice's compliance on luohu: %d %+v", st, p)
	}
}

func TestHub_ProvincialReportAcrossChannels(t *testing.T) {
	r, ch := province(t)
	var o Oversight
	if st, p := call(t, r, "/api/v1/oversight/compliance", ch.alice, &o); st != 200 {
		t.Fatalf("alice: %d %+v", st, p)
	}
	if len(o.Jurisdictions) != 2 || o.Jurisdictions[0].Channel != "longhua" || o.Jurisdictions[1].Channel != "luohu" {
		t.Fatalf("rows: %+v", o.Jurisdictions)
	}
	lh, lu := o.Jurisdictions[0], o.Jurisdictions[1]
	if lh.Authorizations != 1 || lh.ActiveAuthorizations != 1 || lh.Products != 1 || lh.PriceDeviations != 1 || lh.Role != "regulator" {
		t.Errorf("longhua row: %+v", lh)
	}
	// lu-a2's term ended 2026-10-31: in force no longer, and a finding; lu-a1 is in force
	// without the plan Luohu requires (一授权一预案), lh-a1 has its plan
	if lu.Authorizations != 2 || lu.ActiveAuthorizations != 1 || lu.Products != 0 || lu.PriceDeviations != 0 || lu.Counts["expired_not_recorded"] != 1 ||
		lu.Counts["no_emergency_plan"] != 1 || lh.Counts["no_emergency_plan"] != 0 {
		t.Errorf("luohu row: %+v, longhua's counts %v", lu, lh.Counts)
	}
	seen := map[string]string{}
	for _, f := range o.Findings {
		seen[f.ID] = f.Channel + "/" + f.Jurisdiction
	}
	if !strings.HasPrefix(seen["lh-f1"], "longhua/") || !strings.Contains(seen["lh-f1"], "龙华") || !strings.HasPrefix(seen["lu-a2"], "luohu/") || len(o.Findings) != lh.Findings+lu.Findings {
		t.Errorf("findings: %v (%d)", seen, len(o.Findings))
	}
	if len(o.NotCovered) != 1 || o.NotCovered[0].Channel != "qinhuangdao" || o.NotCovered[0].Why != "not_overseer" || o.NotCovered[0].Participant != "qhd-op" {
		t.Errorf("not covered: %+v", o.NotCovered)
	}

	if st, p := call(t, r, "/api/v1/oversight/compliance", ch.bob, &o); st != 403 || p.Code != "ACCESS_DENIED" {
		t.Errorf("bob, an operator: %d %+v", st, p)
	}
	if st, p := call(t, r, "/api/v1/oversight/compliance", nil, &o); st != 401 || p.Code != "UNAUTHENTICATED" {
		t.Errorf("no certificate: %d %+v", st, p)
	}
}

// TestHub_FindingsInTheCallersLanguage: a finding's detail is Chinese for a caller who
// prefers Chinese (the console and pdl in zh), English otherwise; category, ids and
// amounts are the same in both.
func TestHub_FindingsInTheCallersLanguage(t *testing.T) {
	r, ch := province(t)
	detail := func(lang, path, id string) string {
		var rep struct {
			Findings []struct{ ID, Category, Detail string } `json:"findings"`
		}
		if st, p := callIn(t, r, lang, path, ch.alice, &rep); st != 200 {
			t.Fatalf("%s %s: %d %+v", lang, path, st, p)
		}
		for _, f := range rep.Findings {
			if f.ID == id {
				return f.Category + ": " + f.Detail
			}
		}
		t.Fatalf("%s %s: no finding %s in %+v", lang, path, id, rep.Findings)
		return ""
	}
	for _, path := range []string{"/api/v1/compliance", "/api/v1/oversight/compliance"} {
		req := httptest.NewRequest("GET", path, nil)
		req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{ch.alice}}
		req.Header.Set("Accept-Language", "zh-CN")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != 200 || w.Header().Get("Content-Language") != string(model.ZH) || !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Accept-Language") {
			t.Errorf("%s: %d, Content-Language %q, Vary %q", path, w.Code, w.Header().Get("Content-Language"), w.Header().Values("Vary"))
		}
		if got, want := detail("zh-CN,zh;q=0.9", path, "lh-f1"), "price_above_cap: 产品 lh-p1 备案价格 15.00 元，超过上限 10.00 元"; got != want {
			t.Errorf("zh %s: %q, want %q", path, got, want)
		}
		if got, want := detail("en", path, "lh-f1"), "price_above_cap: product lh-p1 filed at 1500 fen, cap 1000 fen"; got != want {
			t.Errorf("en %s: %q, want %q", path, got, want)
		}
	}
	if got := detail("zh-CN", "/api/v1/compliance?channel=luohu", "lu-a1"); !strings.HasPrefix(got, "no_emergency_plan: ") || !strings.Contains(got, "账本上没有它的应急预案；依据《罗湖区公共数据资源授权运营实施方案（试行）》九、(二)") {
		t.Errorf("luohu's plan finding in Chinese: %q", got)
	}
}

func TestHub_ChannelNamedOnce(t *testing.T) {
	r, _ := province(t)
	for _, q := range []string{"channel=luohu&channel=longhua", "channel=&channel=luohu"} {
		if st, p := call(t, r, "/api/v1/public/catalogue?"+q, nil, nil); st != 400 || p.Param != "channel" {
			t.Errorf("%s: %d %+v", q, st, p)
		}
	}
}

// twoCAs is a hub of two channels whose organizations' CAs differ: a certificate of the
// second channel's org is unknown on the first.
func twoCAs(t *testing.T, lim Limits) (*gin.Engine, *revocationChannel, *revocationChannel) {
	a, b := newRevocationChannel(t), newRevocationChannel(t)
	h := NewHub()
	if err := h.Add("longhua", &Server{Store: newStore(t), Chaincode: "pdl", Orgs: a.v.Orgs, Limits: lim}); err != nil {
		t.Fatal(err)
	}
	if err := h.Add("luohu", &Server{Store: newStore(t), Chaincode: "pdl", Orgs: b.v.Orgs}); err != nil {
		t.Fatal(err)
	}
	return h.Router(), a, b
}

// The rate limit counts a member of any channel's organizations by its certificate: two
// people of the second channel's org behind one address do not share one allowance.
func TestHub_RateLimitCountsEveryChannelsMembersByCertificate(t *testing.T) {
	r, _, b := twoCAs(t, Limits{MaxBody: 1 << 20, Rate: 0.001, Burst: 1})
	var c Caller
	for _, cert := range []*x509.Certificate{b.alice, b.bob} {
		if st, p := call(t, r, "/api/v1/whoami?channel=luohu", cert, &c); st != 200 {
			t.Fatalf("%s: %d %+v", cert.Subject, st, p)
		}
	}
	if st, p := call(t, r, "/api/v1/whoami?channel=luohu", b.alice, &c); st != 429 || p.Code != "RATE_LIMITED" {
		t.Fatalf("alice's second request within her burst of 1: %d %+v", st, p)
	}
}

// A certificate revoked on the one channel that knows it is told so by the provincial
// report too, not merely "unauthenticated".
func TestHub_OversightTellsARevokedCertificate(t *testing.T) {
	r, _, b := twoCAs(t, Limits{})
	if err := b.v.Observe(b.config(1, b.org1.CRL(t, b.alice))); err != nil {
		t.Fatal(err)
	}
	var o Oversight
	if st, p := call(t, r, "/api/v1/oversight/compliance", b.alice, &o); st != 401 || p.Code != "CERT_REVOKED" {
		t.Fatalf("%d %+v", st, p)
	}
	if st, p := call(t, r, "/api/v1/oversight/compliance", b.bob, &o); st != 403 || p.Code != "ACCESS_DENIED" {
		t.Fatalf("bob, known on luohu and bound to nobody: %d %+v", st, p)
	}
}
