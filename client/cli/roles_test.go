package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestTree_ProvenanceReadsAsATree: the explorer's provenance answer drawn as a tree with
// labels, relations, statuses and each record's latest step.
func TestTree_ProvenanceReadsAsATree(t *testing.T) {
	at := time.Date(2026, 10, 22, 15, 59, 59, 0, time.UTC)
	n := &provNode{Kind: "resource", ID: "lh-res-01", Status: "catalogued", Steps: []provStep{{Version: 1, Action: "registered", By: "su-fgj", TxID: "0123456789abcdef", Block: 7, Time: at}},
		Children: []*provNode{
			{Kind: "application", ID: "lh-app-01", Rel: "requests", Status: "approved", Steps: []provStep{{Version: 3, Action: "reviewed", By: "su-fgj", TxID: "aa", Block: 9, Time: at}},
				Children: []*provNode{{Kind: "grant", ID: "G-lh-app-01", Rel: "from", Status: "active"}}},
			{Kind: "authorization", ID: "lh-auth-2026", Rel: "uses", Status: "active"},
		}, Hidden: 2}
	var b strings.Builder
	writeTree(&b, n, model.ZH, false)
	out := b.String()
	for _, w := range []string{"数据资源 lh-res-01 【已编目】", "├─ 用数申请 lh-app-01 (申请使用) 【已通过】  v3 reviewed · su-fgj · 2026-10-22 23:59:59 CST",
		"│  └─ 用数批复 G-lh-app-01 (来自)", "└─ （另有 2 条你无权查看的记录）"} {
		if !strings.Contains(out, w) {
			t.Fatalf("%q not in:\n%s", w, out)
		}
	}
	if countNodes(n) != 3 {
		t.Fatalf("count %d", countNodes(n))
	}
}

func TestReadIDs_CSVWithHeader(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ids.csv")
	os.WriteFile(p, []byte("\ufeff产品编号,说明\nlh-prd-01,龙数贷\n\n\"lh-prd-03\",x\n# note\nlh-prd-08\n"), 0o600)
	ids, err := readIDs(p)
	if err != nil || strings.Join(ids, " ") != "lh-prd-01 lh-prd-03 lh-prd-08" {
		t.Fatalf("%v %v", ids, err)
	}
}

// TestProgress_RateAndETA: one line with lines per second and the time left.
func TestProgress_RateAndETA(t *testing.T) {
	p := &progressBar{label: "anchor", total: 1000}
	line := p.line(250, 50000, 2*time.Second)
	for _, w := range []string{"25.0%", "50000 lines", "25k lines/s", "ETA 0:06"} {
		if !strings.Contains(line, w) {
			t.Fatalf("%q not in %q", w, line)
		}
	}
	if strings.Contains(line, "\n") {
		t.Fatal("progress spans lines")
	}
}

// TestVerify_PagesFollowedToTheEnd: pdl verify follows the explorer's pages of a long
// range and reports them as one, failing if any page found a mismatch.
func TestVerify_PagesFollowedToTheEnd(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from := r.URL.Query().Get("from")
		asked = append(asked, from+"-"+r.URL.Query().Get("to"))
		switch from {
		case "0":
			fmt.Fprint(w, `{"from":0,"to":1000,"blocksChecked":1000,"next":1000,"ok":true,"mismatches":[],"recordsComparedWithState":7,"seconds":1.5}`)
		case "1000":
			fmt.Fprint(w, `{"from":1000,"to":2000,"blocksChecked":1000,"next":2000,"ok":false,"mismatches":[{"block":1500,"code":"INDEX_RECORD_DIFFERS","detail":"x"}],"recordsComparedWithState":3,"seconds":1}`)
		case "2000":
			fmt.Fprint(w, `{"from":2000,"to":2301,"blocksChecked":301,"ok":true,"mismatches":[],"recordsComparedWithState":1,"seconds":0.5}`)
		default:
			http.Error(w, "unexpected page "+from, http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	e := &explorerClient{base: srv.URL, hc: srv.Client(), lang: model.EN}
	q := url.Values{"from": {"0"}, "to": {"2300"}}
	rep, err := verifyPages(context.Background(), e, q, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(asked, " "); got != "0-2300 1000-2300 2000-2300" {
		t.Fatalf("pages asked: %s", got)
	}
	if rep.OK || rep.From != 0 || rep.To != 2301 || rep.BlocksChecked != 2301 || rep.StateChecked != 11 || rep.Next != nil || len(rep.Mismatches) != 1 || rep.Mismatches[0].Block != 1500 {
		t.Fatalf("combined report: %+v", rep)
	}
}

// TestExplorer_ChannelAskedExceptAcrossChannels: with -C every explorer request names the
// channel, keeping its own parameters; the cross-channel report and lists do not.
func TestExplorer_ChannelAskedExceptAcrossChannels(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path+"?"+r.URL.RawQuery)
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	e := &explorerClient{base: srv.URL, hc: srv.Client(), lang: model.EN, channel: "luohu"}
	ctx := context.Background()
	for _, call := range []func() error{
		func() error { _, err := e.get(ctx, "/api/v1/compliance", nil); return err },
		func() error { _, err := e.get(ctx, "/api/v1/trail", url.Values{"party": {"op-1"}}); return err },
		func() error {
			_, err := e.post(ctx, "/api/v1/products/check", map[string]any{"ids": []string{"p"}})
			return err
		},
		func() error { _, err := e.get(ctx, "/api/v1/oversight/compliance", nil); return err },
		func() error { _, err := e.get(ctx, "/api/v1/public/channels", nil); return err },
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"/api/v1/compliance?channel=luohu", "/api/v1/trail?channel=luohu&party=op-1", "/api/v1/products/check?channel=luohu",
		"/api/v1/oversight/compliance?", "/api/v1/public/channels?"}
	if !slices.Equal(asked, want) {
		t.Fatalf("asked\n  %s\nwant\n  %s", strings.Join(asked, "\n  "), strings.Join(want, "\n  "))
	}
}
