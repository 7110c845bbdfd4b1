//go:build integration

package integration

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pdledger/pdledger/client/demo"
	"github.com/pdledger/pdledger/network"
	"github.com/pdledger/pdledger/network/nettest"
)

type channelList struct {
	Items []struct {
		Channel      string `json:"channel"`
		Default      bool   `json:"default"`
		Indexed      uint64 `json:"indexed"`
		Jurisdiction *struct {
			Profile string `json:"profile"`
			ZH      string `json:"zh"`
		} `json:"jurisdiction"`
	} `json:"items"`
}

// TestExplorer_EveryJurisdictionIndexedAndOverseen: one explorer indexes every channel of
// the running network into a store of its own, answers each endpoint for the channel the
// request names, binds callers per ledger, gives the provincial regulator one report over
// the Guangdong ledgers it oversees (not Hebei's), and serves a channel added to the
// running network without a restart.
func TestExplorer_EveryJurisdictionIndexedAndOverseen(t *testing.T) {
	ensureDemo(t)
	n := nettest.Net(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	st, err := n.LoadState()
	if err != nil || st == nil {
		t.Fatalf("state: %v", err)
	}
	chans, err := n.Channels()
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chans[1:] {
		if slices.Contains(demo.JurisdictionChannels(), ch) {
			if err := demo.LoadJurisdiction(ctx, demo.Env{ProfilesDir: n.L.ProfilesDir(), Channel: ch}); err != nil {
				t.Fatalf("demo of %s: %v", ch, err)
			}
		}
	}
	for _, need := range []string{"luohu", "qinhuangdao"} {
		if !slices.Contains(chans, need) {
			t.Fatalf("the network has no channel %s (channels %v): run it from the default topology", need, chans)
		}
	}
	e := newExplorerWith(t, "", []string{"PDL_RUN=" + n.L.Run}, "--follow-every", "1s")
	e.waitReady(1, 3*time.Minute)
	waitAll := func(want []string) channelList {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute)
		var list channelList
		for {
			var r struct {
				Status   string         `json:"status"`
				Channels map[string]any `json:"channels"`
			}
			code := e.try("/readyz", &r)
			list = channelList{}
			e.try("/api/v1/public/channels", &list)
			have := []string{}
			for _, it := range list.Items {
				if it.Jurisdiction != nil {
					have = append(have, it.Channel)
				}
			}
			done := code == 200 && len(r.Channels) == len(want)
			for _, w := range want {
				done = done && slices.Contains(have, w)
			}
			if done {
				return list
			}
			if time.Now().After(deadline) {
				t.Fatalf("not every channel indexed with its profile: readyz %d %+v, channels %+v\n%s", code, r, list, e.log())
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	list := waitAll(chans)
	if list.Items[0].Channel != n.T.Channel || !list.Items[0].Default || list.Items[0].Jurisdiction.Profile != "longhua" {
		t.Errorf("the default channel: %+v", list.Items[0])
	}
	for _, it := range list.Items[1:] {
		if it.Jurisdiction.Profile != st.Channels[it.Channel] || it.Indexed == 0 {
			t.Errorf("channel %s: profile %q indexed %d, want preset %q", it.Channel, it.Jurisdiction.Profile, it.Indexed, st.Channels[it.Channel])
		}
	}

	// each endpoint answers for the channel named, from that channel's index
	var cat struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	e.get("", "/api/v1/public/catalogue?channel=luohu", &cat)
	if !hasID(cat.Items, "lhu-res-01") || hasID(cat.Items, "lh-res-01") {
		t.Errorf("luohu's catalogue: %+v", cat.Items)
	}
	cat.Items = nil
	e.get("", "/api/v1/public/catalogue", &cat)
	if hasID(cat.Items, "lhu-res-01") || !hasID(cat.Items, "lh-res-01") {
		t.Errorf("the default channel's catalogue: %+v", cat.Items)
	}
	var prob struct {
		Code  string `json:"code"`
		Param string `json:"param"`
	}
	if code := e.call("regulator", "GET", "/api/v1/records/resource/lhu-res-01", nil, &prob); code != 404 {
		t.Errorf("luohu's resource read on the default channel: %d %+v", code, prob)
	}
	var rec struct {
		ID    string `json:"id"`
		Proof struct {
			Block uint64 `json:"block"`
		} `json:"proof"`
	}
	e.get("regulator", "/api/v1/records/resource/lhu-res-01?channel=luohu", &rec)
	if rec.ID != "lhu-res-01" {
		t.Errorf("luohu's resource on luohu: %+v", rec)
	}
	if code := e.call("", "GET", "/api/v1/public/catalogue?channel=nowhere", nil, &prob); code != 404 || prob.Code != "UNKNOWN_CHANNEL" || prob.Param != "channel" {
		t.Errorf("an unknown channel: %d %+v", code, prob)
	}
	// every channel's index is verified against its own ledger, block by block
	for _, ch := range []string{"luohu", "qinhuangdao"} {
		var ver struct {
			OK            bool   `json:"ok"`
			BlocksChecked uint64 `json:"blocksChecked"`
			ComparedWith  string `json:"comparedWith"`
		}
		e.get("bureau-admin", "/api/v1/verify?from=0&channel="+ch, &ver)
		if !ver.OK || ver.BlocksChecked == 0 {
			t.Errorf("verification of %s: %+v", ch, ver)
		}
	}

	// a caller is bound per ledger
	var who struct {
		Participant string `json:"participant"`
		Role        string `json:"role"`
	}
	e.get("operator", "/api/v1/whoami?channel=luohu", &who)
	if who.Participant != "op-lhu" {
		t.Errorf("operator on luohu acts for %+v, want op-lhu", who)
	}
	e.get("operator", "/api/v1/whoami", &who)
	if who.Participant != "op-lhdata" {
		t.Errorf("operator on the default channel acts for %+v, want op-lhdata", who)
	}

	// the provincial report: Guangdong's ledgers, not Hebei's
	var rep struct {
		Jurisdictions []struct {
			Channel      string `json:"channel"`
			Participant  string `json:"participant"`
			Products     int    `json:"products"`
			Findings     int    `json:"findings"`
			Jurisdiction struct {
				ZH string `json:"zh"`
			} `json:"jurisdiction"`
		} `json:"jurisdictions"`
		Findings []struct {
			Channel      string `json:"channel"`
			Jurisdiction string `json:"jurisdiction"`
			Category     string `json:"category"`
		} `json:"findings"`
		NotCovered []struct {
			Channel string `json:"channel"`
			Reason  string `json:"reason"`
		} `json:"notCovered"`
	}
	e.get("regulator", "/api/v1/oversight/compliance", &rep)
	rows := map[string]string{}
	total := 0
	for _, r := range rep.Jurisdictions {
		rows[r.Channel] = r.Participant
		total += r.Findings
	}
	if rows[n.T.Channel] != "rg-wxb" || rows["luohu"] != "rg-gd" || rows["qinhuangdao"] != "" {
		t.Errorf("covered channels: %v", rows)
	}
	if len(rep.Findings) != total || len(rep.Findings) == 0 {
		t.Errorf("%d findings, rows count %d", len(rep.Findings), total)
	}
	for _, f := range rep.Findings {
		if f.Channel == "" || f.Jurisdiction == "" || rows[f.Channel] == "" {
			t.Errorf("finding without its jurisdiction: %+v", f)
		}
	}
	uncovered := []string{}
	for _, nc := range rep.NotCovered {
		uncovered = append(uncovered, nc.Channel)
	}
	if !slices.Contains(uncovered, "qinhuangdao") {
		t.Errorf("qinhuangdao not named as not covered: %+v", rep.NotCovered)
	}
	if code := e.call("operator", "GET", "/api/v1/oversight/compliance", nil, &prob); code != 403 || prob.Code != "ACCESS_DENIED" {
		t.Errorf("an operator's provincial report: %d %+v", code, prob)
	}
	t.Run("Console", func(t *testing.T) { consoleJurisdictions(t, e, chans, rows, len(rep.Findings)) })

	// a channel added to the running network is served without a restart (the network
	// keeps it: channels are not removed)
	name := fmt.Sprintf("it-%d", time.Now().Unix()%1000000)
	start := time.Now()
	if err := n.AddChannel(ctx, network.JurisdictionChannel{Name: name, Preset: "futian"}); err != nil {
		t.Fatalf("channel add: %v", err)
	}
	added := time.Since(start)
	list = waitAll(append(chans, name))
	t.Logf("channel %s added in %.1fs, served by the explorer %.1fs later", name, added.Seconds(), time.Since(start.Add(added)).Seconds())
	for _, it := range list.Items {
		if it.Channel == name && it.Jurisdiction.Profile != "futian" {
			t.Errorf("new channel's profile: %+v", it.Jurisdiction)
		}
	}
	cat.Items = nil
	e.get("", "/api/v1/public/catalogue?channel="+url.QueryEscape(name), &cat)
	if len(cat.Items) != 0 {
		t.Errorf("a new channel's catalogue: %+v", cat.Items)
	}
}

// consoleJurisdictions: the console lists every jurisdiction, shows each one's public
// pages from its own ledger (bookmarkable under /console/c/<channel>/), switches ledgers
// from the header, binds the caller per ledger, and shows the provincial regulator the
// report and comparison the API gives it.
func consoleJurisdictions(t *testing.T, e *explorer, chans []string, covered map[string]string, findings int) {
	pub := e.newPage(t, "")
	pub.open("/console/jurisdictions")
	if got := evalAs[[]string](pub, `[...document.querySelectorAll('#jurisdictions tbody tr')].map(r => r.dataset.channel)`); !sameSet(got, chans) {
		t.Fatalf("the jurisdictions page lists %v, the network has %v", got, chans)
	}
	pub.do(chromedp.Click(chromedp.CSS(`#jurisdictions tr[data-channel=luohu] td a`)), pub.ready("/console/c/luohu/"))
	if got := evalAs[string](pub, `document.getElementById('jurisdiction').dataset.channel + ' ' + document.getElementById('jurisdiction').textContent`); !strings.HasPrefix(got, "luohu ") || !strings.Contains(got, "深圳市罗湖区") || !strings.Contains(got, "罗湖区公共数据资源授权运营实施方案") {
		t.Fatalf("luohu's home shows %q", got)
	}
	pub.open("/console/c/luohu/public/catalogue")
	ids := evalAs[[]string](pub, `[...document.querySelectorAll('table[data-list=catalogue] tbody tr')].map(r => r.dataset.id)`)
	if !slices.Contains(ids, "lhu-res-01") || slices.Contains(ids, "lh-res-01") {
		t.Fatalf("luohu's catalogue page lists %v", ids)
	}
	// the header's selector shows the same page on another jurisdiction's ledger
	pub.open("/console/public/catalogue")
	pub.do(chromedp.SetValue(chromedp.CSS("#channel"), "qinhuangdao"))
	evalAs[bool](pub, `document.getElementById('channel').dispatchEvent(new Event('change'))`)
	pub.do(pub.ready("/console/c/qinhuangdao/public/catalogue"))
	ids = evalAs[[]string](pub, `[...document.querySelectorAll('table[data-list=catalogue] tbody tr')].map(r => r.dataset.id)`)
	if !slices.Contains(ids, "qhd-res-01") || slices.Contains(ids, "lh-res-01") {
		t.Fatalf("after switching to qinhuangdao the catalogue lists %v", ids)
	}
	pub.check()

	op := e.newPage(t, "operator")
	op.open("/console/c/luohu/")
	if got := evalAs[string](op, `document.querySelector('#whoami [data-participant]').dataset.participant`); got != "op-lhu" {
		t.Fatalf("the operator's certificate on luohu's console acts for %q, want op-lhu", got)
	}
	op.open("/console/")
	if got := evalAs[string](op, `document.querySelector('#whoami [data-participant]').dataset.participant`); got != "op-lhdata" {
		t.Fatalf("on the default ledger it acts for %q, want op-lhdata", got)
	}
	op.check()

	reg := e.newPage(t, "regulator")
	reg.open("/console/oversight")
	rows := evalAs[[]string](reg, `[...document.querySelectorAll('#comparison tbody tr')].map(r => r.dataset.channel)`)
	if !sameSet(rows, slices.Collect(maps.Keys(covered))) {
		t.Fatalf("the comparison lists %v, the API covers %v", rows, covered)
	}
	if n := evalAs[int](reg, `document.querySelectorAll('#oversight-findings tbody tr').length`); n != findings {
		t.Fatalf("the page lists %d findings, the API %d", n, findings)
	}
	if got := evalAs[[]string](reg, `[...document.querySelectorAll('#not-covered li')].map(l => l.dataset.channel)`); !slices.Contains(got, "qinhuangdao") {
		t.Fatalf("not covered: %v", got)
	}
	if bars := evalAs[int](reg, `echarts.getInstanceByDom(document.getElementById('comparison-chart')).getOption().series[0].data.length`); bars != len(covered) {
		t.Fatalf("the chart draws %d jurisdictions, the table %d", bars, len(covered))
	}
	reg.screenshot("oversight")
	reg.check()
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
