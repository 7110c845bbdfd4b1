//go:build integration

package integration

import (
	"context"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/demo"
	"github.com/pdledger/pdledger/network/nettest"
)

// The console in headless Chromium against the live network and the demo ledger: each
// party logs in with its own certificate (mutual TLS, as a U-Key login does), and what
// every page shows equals what /api/v1 answers the same party. A console error or a
// failed request fails the test.
func TestConsole_PagesShowWhatTheAPIAnswers(t *testing.T) {
	ensureDemo(t)
	e := newExplorer(t, "")
	e.waitReady(height(t), 3*time.Minute)

	t.Run("PublicWithoutCertificate", func(t *testing.T) { consolePublic(t, e) })
	t.Run("SourceUnitProvenanceGraph", func(t *testing.T) { consoleProvenance(t, e) })
	t.Run("OtherSourceUnitRefused", func(t *testing.T) { consoleRefused(t, e) })
	t.Run("RegulatorDashboardAndTrail", func(t *testing.T) { consoleRegulator(t, e) })
	t.Run("ExchangeChecksACSV", func(t *testing.T) { consoleExchange(t, e) })
	t.Run("LogLineProof", func(t *testing.T) { consoleLogProof(t, e) })
	t.Run("OperatorAuthorizationsAndObligations", func(t *testing.T) { consoleObligations(t, e) })
	t.Run("ProductTradesAgainstPrices", func(t *testing.T) { consoleMarket(t, e) })
}

// consoleMarket: a product's page charts and lists exactly the trades and filings the
// API's market answer gives the caller, and the demo's trades were made at the price
// their filing names.
func consoleMarket(t *testing.T, e *explorer) {
	const product = "lh-prd-01"
	for _, profile := range []string{"regulator", "exchange"} {
		var m struct {
			Filings []struct {
				ID       string `json:"id"`
				PriceFen int64  `json:"priceFen"`
				CapFen   *int64 `json:"capFen"`
			} `json:"filings"`
			Trades []struct {
				ID          string `json:"id"`
				PriceFen    int64  `json:"priceFen"`
				PriceFiling string `json:"priceFiling"`
			} `json:"trades"`
			Hidden int `json:"hidden"`
		}
		e.get(profile, "/api/v1/products/"+product+"/market", &m)
		if len(m.Trades) < 3 || len(m.Filings) == 0 {
			t.Fatalf("%s: the demo files 3 trades and a price of %s; the API answers %+v", profile, product, m)
		}
		filed := map[string]int64{}
		for _, f := range m.Filings {
			filed[f.ID] = f.PriceFen
			if f.CapFen != nil && f.PriceFen > *f.CapFen {
				t.Errorf("%s: filing %s at %d fen above its cap %d", profile, f.ID, f.PriceFen, *f.CapFen)
			}
		}
		var want []string
		for _, tr := range m.Trades {
			want = append(want, tr.ID)
			if p, ok := filed[tr.PriceFiling]; !ok || p != tr.PriceFen {
				t.Errorf("%s: trade %s at %d fen, its filing %q at %d (found %v)", profile, tr.ID, tr.PriceFen, tr.PriceFiling, p, ok)
			}
		}
		pg := e.newPage(t, profile)
		pg.open("/console/records/product/" + product)
		// the record's fields under their catalogue names
		for _, f := range []string{"createdAt", "reviewDeadline", "registrationNo"} {
			if got := evalAs[string](pg, fmt.Sprintf(`(document.querySelector('.record dt[data-field=%q]') || {}).textContent || ''`, f)); got != model.FieldLabel(f, model.ZH) || got == f {
				t.Fatalf("%s: field %s is labelled %q, the catalogue says %q", profile, f, got, model.FieldLabel(f, model.ZH))
			}
		}
		if got := evalAs[[]string](pg, `[...document.querySelectorAll('table[data-list=trades] tbody tr')].map(r => r.dataset.id)`); !slices.Equal(got, want) {
			t.Fatalf("%s: the page lists trades %v, the API %v", profile, got, want)
		}
		chart := evalAs[map[string]int](pg, `Object.fromEntries(echarts.getInstanceByDom(document.getElementById('market-chart')).getOption().series.map(s =>
			[s.id, s.id === 'perDay' ? s.data.reduce((n, d) => n + d[1], 0) : s.data.filter(d => d[2]).length]))`)
		if chart["trades"] != len(m.Trades) || chart["perDay"] != len(m.Trades) || chart["price"] != len(m.Filings) {
			t.Fatalf("%s: the chart draws %v for %d trades and %d filings", profile, chart, len(m.Trades), len(m.Filings))
		}
		if profile == "regulator" {
			pg.screenshot("market")
		}
		pg.check()
	}
}

type listItem struct {
	ID    string `json:"id"`
	Proof *struct {
		BlockHash string `json:"blockHash"`
	} `json:"proof"`
}

func consolePublic(t *testing.T, e *explorer) {
	pg := e.newPage(t, "")
	pg.open("/console/")
	if got := evalAs[string](pg, `document.getElementById('whoami').textContent`); !strings.Contains(got, "以公众身份浏览") {
		t.Fatalf("a visitor without a certificate is not shown as the public: %q", got)
	}
	if lang := evalAs[string](pg, `document.documentElement.lang`); lang != "zh-CN" {
		t.Fatalf("page language %q, want zh-CN first", lang)
	}
	for _, name := range []string{"products", "authorizations", "catalogue"} {
		var api struct{ Items []listItem }
		e.get("", "/api/v1/public/"+name+"?limit=100", &api)
		pg.open("/console/public/" + name)
		rows := evalAs[[]listItem](pg, `[...document.querySelectorAll('table[data-list] tbody tr')].map(r => ({id: r.dataset.id,
			proof: {blockHash: (r.querySelector('[data-block-hash]') || {}).textContent || ''}}))`)
		if len(rows) != len(api.Items) || len(rows) == 0 {
			t.Fatalf("%s: the page lists %d items, the API %d", name, len(rows), len(api.Items))
		}
		for i := range rows {
			if rows[i].ID != api.Items[i].ID || api.Items[i].Proof == nil || rows[i].Proof.BlockHash != api.Items[i].Proof.BlockHash {
				t.Fatalf("%s row %d: page %+v, API %s %+v", name, i, rows[i], api.Items[i].ID, api.Items[i].Proof)
			}
		}
		pg.screenshot("public-" + name)
	}
	pg.open("/console/public/fees")
	if n := evalAs[int](pg, `document.querySelectorAll('[data-block-hash]').length`); n == 0 {
		t.Fatal("the fees page shows no proofs")
	}
	// the price chart: one price line and one cap line per product, a point per filing
	var fees struct {
		Filings []struct {
			Product string `json:"product"`
			CapFen  *int64 `json:"capFen"`
		} `json:"pricefilings"`
	}
	e.get("", "/api/v1/public/fees", &fees)
	want := map[string]int{}
	for _, f := range fees.Filings {
		want["price:"+f.Product]++
		if f.CapFen != nil {
			want["cap:"+f.Product]++
		}
	}
	// points that are filings (the line's last point, drawn on to today, names none)
	got := evalAs[map[string]int](pg, `Object.fromEntries(echarts.getInstanceByDom(document.getElementById('prices-chart')).getOption().series.map(s => [s.id, s.data.filter(d => d[2]).length]))`)
	if len(want) == 0 || !maps.Equal(got, want) {
		t.Fatalf("price chart series %v, the API's filings give %v", got, want)
	}
	pg.screenshot("public-fees")
	// English on request, from the same catalogue
	pg.do(chromedp.Click(chromedp.CSS("#lang")), pg.ready("/console/public/fees"))
	if h := evalAs[string](pg, `document.querySelector('h1').textContent`); h != "Fees" {
		t.Fatalf("after switching to English the title is %q", h)
	}
	pg.do(chromedp.Click(chromedp.CSS("#lang")), pg.ready("/console/public/fees"))
	pg.check()
}

type provNode struct {
	Kind     string     `json:"kind"`
	ID       string     `json:"id"`
	Children []provNode `json:"children"`
}

func (n provNode) walk(parent string, nodes, edges *[]string) {
	key := n.Kind + "/" + n.ID
	*nodes = append(*nodes, key)
	if parent != "" {
		*edges = append(*edges, parent+">"+key)
	}
	for _, c := range n.Children {
		c.walk(key, nodes, edges)
	}
}

func consoleProvenance(t *testing.T, e *explorer) {
	const profile, resource = "sourceunit-user1", "lh-res-01"
	var me struct {
		Participant string `json:"participant"`
	}
	e.get(profile, "/api/v1/whoami", &me)
	pg := e.newPage(t, profile)
	pg.open("/console/")
	if got := evalAs[string](pg, `document.querySelector('[data-participant]').textContent`); got != me.Participant || me.Participant == "" {
		t.Fatalf("logged in as %q, the API says %q", got, me.Participant)
	}
	pg.screenshot("home-sourceunit")

	var tree provNode
	e.get(profile, "/api/v1/resources/"+resource+"/provenance", &tree)
	var wantNodes, wantEdges []string
	tree.walk("", &wantNodes, &wantEdges)
	pg.open("/console/resources/" + resource + "/provenance")
	nodes := evalAs[[]string](pg, `[...document.querySelectorAll('#graph g.node')].map(g => g.dataset.kind + '/' + g.dataset.id)`)
	edges := evalAs[[]string](pg, `[...document.querySelectorAll('#graph path.edge')].map(p => p.dataset.from + '>' + p.dataset.to)`)
	slices.Sort(nodes)
	slices.Sort(edges)
	slices.Sort(wantNodes)
	slices.Sort(wantEdges)
	if !slices.Equal(nodes, wantNodes) || !slices.Equal(edges, wantEdges) {
		t.Fatalf("graph differs from the API's provenance:\n nodes %v\n want  %v\n edges %v\n want  %v", nodes, wantNodes, edges, wantEdges)
	}
	if !slices.Contains(nodes, "product/lh-prd-01") {
		t.Fatalf("the provenance of %s shows no product: %v", resource, nodes)
	}

	// a click on the product shows its history and a proof whose block hash is the peer's
	pg.do(chromedp.Click(chromedp.CSS(`#graph g.node[data-kind="product"][data-id="lh-prd-01"]`)),
		chromedp.WaitReady(chromedp.CSS(`#node-panel .record[data-id="lh-prd-01"] [data-block-hash]`)))
	proof := evalAs[struct {
		Block    uint64 `json:"block"`
		Hash     string `json:"hash"`
		Versions int    `json:"versions"`
	}](pg, `(() => { const r = document.querySelector('#node-panel .record');
		return {block: +r.querySelector('[data-block]').textContent, hash: r.querySelector('[data-block-hash]').textContent,
			versions: r.querySelectorAll('tr[data-version]').length}; })()`)
	blk, err := nettest.Client(t, "indexer").Block(context.Background(), proof.Block)
	if err != nil {
		t.Fatal(err)
	}
	if peer := hex.EncodeToString(client.HeaderHash(blk.Header)); proof.Hash != peer {
		t.Fatalf("block %d: the console shows hash %s, the peer has %s", proof.Block, proof.Hash, peer)
	}
	var hist struct {
		Versions []struct{} `json:"versions"`
	}
	e.get(profile, "/api/v1/records/product/lh-prd-01/history", &hist)
	if proof.Versions != len(hist.Versions) || proof.Versions == 0 {
		t.Fatalf("history: the console shows %d versions, the API %d", proof.Versions, len(hist.Versions))
	}
	pg.screenshot("provenance")

	pg.open("/console/mine")
	if ids := evalAs[[]string](pg, `[...document.querySelectorAll('table[data-list=mine] tbody tr')].map(r => r.dataset.id)`); !slices.Contains(ids, resource) {
		t.Fatalf("my resources %v lack %s", ids, resource)
	}
	pg.screenshot("mine")
	pg.check()
}

func consoleRefused(t *testing.T, e *explorer) {
	// a resource registered but not catalogued is its source unit's own
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// both are source units the demo binds: the owner and another unit of the same org
	owner, other := demo.UnitProfile(0), demo.UnitProfile(1)
	res := nettest.ID("it-ui-r")
	if _, err := nettest.Client(t, owner).Submit(ctx, "Resource:Register", map[string]any{"id": res, "name": "界面测试资源", "summary": "x",
		"dataItems": []string{"名称"}, "dataType": "t", "openness": "conditional", "grade": 1, "domain": "d", "coverage": "c", "updateFrequency": "yearly"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for e.call(owner, "GET", "/api/v1/records/resource/"+res, nil, nil) != 200 {
		if time.Now().After(deadline) {
			t.Fatalf("%s not indexed after a minute", res)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if st := e.call(other, "GET", "/api/v1/resources/"+res+"/provenance", nil, nil); st != 403 {
		t.Fatalf("the API answers %s's provenance to another source unit with %d, want 403", res, st)
	}
	pg := e.newPage(t, other)
	pg.allow(403)
	pg.open("/console/resources/" + res + "/provenance")
	if code := evalAs[string](pg, `(document.querySelector('.problem[data-code]') || {dataset: {}}).dataset.code || ''`); code != "ACCESS_DENIED" {
		t.Fatalf("another source unit sees %q on %s's provenance, want the ACCESS_DENIED refusal", code, res)
	}
	if n := evalAs[int](pg, `document.querySelectorAll('#graph g.node').length`); n != 0 {
		t.Fatalf("a refused page drew %d nodes", n)
	}
	pg.screenshot("refused")
	pg.check()
}

func consoleRegulator(t *testing.T, e *explorer) {
	const profile = "regulator"
	var rep struct {
		Counts map[string]int `json:"counts"`
	}
	e.get(profile, "/api/v1/compliance", &rep)
	pg := e.newPage(t, profile)
	pg.open("/console/compliance")
	counts := evalAs[map[string]int](pg, `Object.fromEntries([...document.querySelectorAll('#counts a[data-category]')].map(a => [a.dataset.category, +a.dataset.count]))`)
	if len(counts) == 0 || len(counts) != len(rep.Counts) {
		t.Fatalf("dashboard counts %v, API %v", counts, rep.Counts)
	}
	for k, v := range rep.Counts {
		if counts[k] != v {
			t.Fatalf("dashboard counts %v, API %v", counts, rep.Counts)
		}
	}
	// each tile reads the category's label of the one catalogue pdl uses too
	tiles := evalAs[map[string]string](pg, `Object.fromEntries([...document.querySelectorAll('#counts a[data-category]')].map(a => [a.dataset.category, a.querySelector('strong').textContent]))`)
	for k, got := range tiles {
		if want := model.EnumLabel(model.FindingCategory(""), k, model.ZH); got != want {
			t.Errorf("tile %s reads %q, the catalogue's label is %q", k, got, want)
		}
	}
	// a count drills down to its records
	var cat string
	for k := range rep.Counts {
		cat = k
		break
	}
	pg.do(chromedp.Click(chromedp.CSS(`#counts a[data-category="` + cat + `"]`)))
	rows := evalAs[[]string](pg, `[...document.querySelectorAll('#findings tbody tr')].map(r => r.dataset.category)`)
	if len(rows) != rep.Counts[cat] {
		t.Fatalf("drill-down into %s shows %d rows, the count is %d", cat, len(rows), rep.Counts[cat])
	}
	for _, c := range rows {
		if c != cat {
			t.Fatalf("drill-down into %s shows a %s finding", cat, c)
		}
	}
	// the console asks in Chinese, and every finding's detail is written in Chinese
	details := evalAs[[]string](pg, `[...document.querySelectorAll('#findings tbody tr')].map(r => r.cells[2].textContent)`)
	for _, d := range details {
		if !strings.ContainsFunc(d, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("a %s finding's detail in the Chinese console: %q", cat, d)
		}
	}
	// the deadlines calendar counts the findings due on each Beijing day of its year
	var all struct {
		Findings []struct {
			Due *time.Time `json:"due"`
		} `json:"findings"`
	}
	e.get(profile, "/api/v1/compliance", &all)
	perDay := map[string]int{}
	last := ""
	for _, f := range all.Findings {
		if f.Due == nil {
			continue
		}
		d := f.Due.In(cst).Format("2006-01-02")
		perDay[d]++
		last = max(last, d)
	}
	lastDay, _ := time.ParseInLocation("2006-01-02", last, cst)
	from := lastDay.AddDate(-1, 0, 0).Format("2006-01-02")
	wantCal := map[string]int{}
	for d, n := range perDay {
		if d >= from {
			wantCal[d] = n
		}
	}
	gotCal := evalAs[map[string]int](pg, `Object.fromEntries(echarts.getInstanceByDom(document.getElementById('deadlines-chart')).getOption().series[0].data)`)
	if len(wantCal) == 0 || !maps.Equal(gotCal, wantCal) {
		t.Fatalf("deadlines calendar %v, the API's findings give %v", gotCal, wantCal)
	}
	pg.screenshot("compliance")

	// the timeline filter returns what the API returns
	var trail struct {
		Items []struct {
			TxID string `json:"txId"`
			Kind string `json:"kind"`
			ID   string `json:"id"`
		} `json:"items"`
	}
	e.get(profile, "/api/v1/trail?party=op-lhdata&kinds=product,pricefiling&limit=100", &trail)
	pg.open("/console/trail?party=op-lhdata&kinds=product%2Cpricefiling")
	pg.do(chromedp.WaitReady(chromedp.CSS(`#trail tbody tr`)))
	got := evalAs[[]string](pg, `[...document.querySelectorAll('#trail tbody tr')].map(r => r.dataset.tx + ' ' + r.dataset.kind + '/' + r.dataset.id)`)
	var want []string
	for _, it := range trail.Items {
		want = append(want, it.TxID+" "+it.Kind+"/"+it.ID)
	}
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("timeline shows %v, the API %v", got, want)
	}
	pg.screenshot("trail")

	pg.open("/console/verify")
	pg.do(chromedp.SetValue(chromedp.CSS("#verify-to"), "20"), chromedp.Click(chromedp.CSS(`#main form button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`#verify-result [data-ok]`)))
	if ok := evalAs[string](pg, `document.querySelector('#verify-result [data-ok]').dataset.ok`); ok != "true" {
		t.Fatalf("chain verification of blocks 0-20 in the console: %s", pg.eval(`document.getElementById('verify-result').textContent`))
	}
	pg.check()
}

func consoleExchange(t *testing.T, e *explorer) {
	const profile = "exchange"
	// listed, refused at review, unknown (and shaped like a spreadsheet formula)
	ids := []string{"lh-prd-01", "lh-prd-08", "=no-such-product"}
	var api struct {
		Checks []struct {
			Product string   `json:"product"`
			OK      bool     `json:"ok"`
			Found   bool     `json:"found"`
			Reasons []string `json:"reasons"`
		} `json:"checks"`
	}
	if st := e.call(profile, "POST", "/api/v1/products/check", map[string]any{"ids": ids}, &api); st != 200 {
		t.Fatalf("product check: %d", st)
	}
	if !api.Checks[0].OK || api.Checks[1].OK || api.Checks[2].OK {
		t.Fatalf("the demo's products are not what this test expects: %+v", api.Checks)
	}
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "products.csv")
	if err := os.WriteFile(csvFile, []byte("\ufeff产品编号,备注\r\n"+ids[0]+",已挂牌\r\n\""+ids[1]+"\",审核未通过\r\n"+ids[2]+",不存在\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pg := e.newPage(t, profile)
	pg.open("/console/check")
	pg.do(chromedp.SetUploadFiles(chromedp.CSS("#check-csv"), []string{csvFile}), chromedp.WaitReady(chromedp.CSS(`#check-result tr[data-product]`)))
	type verdict struct {
		Product string `json:"product"`
		OK      string `json:"ok"`
		Found   string `json:"found"`
		Reasons string `json:"reasons"`
		Text    string `json:"text"`
	}
	got := evalAs[[]verdict](pg, `[...document.querySelectorAll('#check-result tr[data-product]')].map(r => ({product: r.dataset.product, ok: r.dataset.ok, found: r.dataset.found,
		reasons: r.querySelector('[data-reasons]').dataset.reasons, text: r.querySelector('[data-reasons]').textContent}))`)
	if len(got) != len(api.Checks) {
		t.Fatalf("the console shows %d verdicts for %d products: %+v", len(got), len(api.Checks), got)
	}
	for i, c := range api.Checks {
		// the reasons in Chinese, each the catalogue's label of the API's reason code
		var labels []string
		for _, r := range c.Reasons {
			labels = append(labels, model.EnumLabel(model.CheckReason(""), r, model.ZH))
		}
		if got[i].Product != c.Product || got[i].OK != boolText(c.OK) || got[i].Found != boolText(c.Found) ||
			got[i].Reasons != strings.Join(c.Reasons, " ") || got[i].Text != strings.Join(labels, "；") {
			t.Fatalf("verdict %d: console %+v, API %+v", i, got[i], c)
		}
	}
	// the refused product is not public, so to the exchange it is not found, like the unknown one
	if !slices.Equal(api.Checks[1].Reasons, []string{string(model.CheckNotFound)}) || !slices.Equal(api.Checks[2].Reasons, []string{string(model.CheckNotFound)}) {
		t.Fatalf("reasons: refused %v, unknown %v", api.Checks[1].Reasons, api.Checks[2].Reasons)
	}
	pg.screenshot("check")

	// the export is a CSV Excel opens (UTF-8 with BOM) with one row per product
	pg.do(chromedp.Click(chromedp.CSS("#check-export")))
	out := filepath.Join(pg.downloads, "product-check.csv")
	deadline := time.Now().Add(30 * time.Second)
	var raw []byte
	for {
		var err error
		if raw, err = os.ReadFile(out); err == nil && len(raw) > 0 {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(pg.downloads)
			t.Fatalf("no export in %s after 30 s (%v)", pg.downloads, entries)
		}
		time.Sleep(200 * time.Millisecond)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Fatalf("export: %v, %d rows:\n%s", err, len(recs), raw)
	}
	for i, c := range api.Checks {
		want := "不通过"
		if c.OK {
			want = "通过"
		}
		product := c.Product
		if strings.HasPrefix(product, "=") {
			product = "'" + product // kept text in a spreadsheet
		}
		if recs[i+1][0] != product || recs[i+1][6] != want {
			t.Fatalf("export row %d: %v, want %s %s", i+1, recs[i+1], product, want)
		}
	}
	pg.check()
}

var cst = time.FixedZone("CST", 8*3600)

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func consoleLogProof(t *testing.T, e *explorer) {
	n := nettest.Net(t)
	state := filepath.Join(n.L.Run, "demo-logs", "state")
	proof, err := exec.Command(pdlBin, "-p", "operator", "logs", "prove", "--stream", demo.DemoStream, "--index", "1234", "--state", state, "-o", "json").Output()
	if err != nil {
		t.Fatalf("pdl logs prove: %v", err)
	}
	line := nthLine(t, filepath.Join(n.L.Run, "demo-logs", "files"), 1234)
	pg := e.newPage(t, "operator")
	verify := func(line string) (string, int) {
		pg.open("/console/logs")
		pg.do(chromedp.SetValue(chromedp.CSS("#log-line"), line), chromedp.SetValue(chromedp.CSS("#log-proof"), string(proof)),
			chromedp.Click(chromedp.CSS("#log-verify")), chromedp.WaitReady(chromedp.CSS(`#log-result [data-verified]`)))
		return evalAs[string](pg, `document.querySelector('#log-result [data-verified]').dataset.verified`),
			evalAs[int](pg, `document.querySelectorAll('#log-steps li[data-step]').length`)
	}
	ok, steps := verify(line)
	if ok != "true" || steps == 0 {
		t.Fatalf("line 1234 with pdl's proof: verified=%s, %d steps shown", ok, steps)
	}
	pg.screenshot("log-proof")
	changed := []rune(line)
	changed[len(changed)/2] = map[bool]rune{true: 'x', false: 'y'}[changed[len(changed)/2] != 'x']
	if ok, _ := verify(string(changed)); ok != "false" {
		t.Fatalf("a line with one character changed verified: %s", ok)
	}
	pg.screenshot("log-proof-changed")
	pg.check()
}

// consoleObligations: the operator's page lists its own authorizations (disclosed or
// not) and the deadlines it must meet, as GET /api/v1/me/records and /api/v1/me/obligations
// answer; every bound party's "my obligations" page shows its own, and the bureau, whose
// reviews the demo leaves overdue, has some.
func consoleObligations(t *testing.T, e *explorer) {
	type obligation struct {
		Kind    string    `json:"kind"`
		ID      string    `json:"id"`
		Path    string    `json:"path"`
		Due     time.Time `json:"due"`
		Overdue bool      `json:"overdue"`
	}
	// "kind/id/path overdue"; a deadline falling due within minutes of now may turn overdue
	// between the page's request and the test's, so its flag is left out ("?") on both sides
	obligationsOf := func(profile string) []string {
		var ans struct {
			Complete    bool         `json:"complete"`
			Obligations []obligation `json:"obligations"`
		}
		e.get(profile, "/api/v1/me/obligations", &ans)
		if !ans.Complete {
			t.Fatalf("%s: obligations incomplete", profile)
		}
		out := []string{}
		for _, o := range ans.Obligations {
			flag := boolText(o.Overdue)
			if d := time.Until(o.Due); d > -5*time.Minute && d < 5*time.Minute {
				flag = "?"
			}
			out = append(out, o.Kind+"/"+o.ID+"/"+o.Path+" "+flag)
		}
		return out
	}
	shown := func(pg *page, want []string) []string {
		got := evalAs[[]string](pg, `[...document.querySelectorAll('#obligations tbody tr')].map(r => r.dataset.id + ' ' + r.dataset.overdue)`)
		for i := range got {
			if i < len(want) && strings.HasSuffix(want[i], " ?") {
				got[i] = got[i][:strings.LastIndexByte(got[i], ' ')] + " ?"
			}
		}
		return got
	}

	var auths struct {
		Items []struct {
			ID     string `json:"id"`
			Public bool   `json:"public"`
		} `json:"items"`
	}
	e.get("operator", "/api/v1/me/records?kind=authorization&limit=500", &auths)
	var ids []string
	for _, it := range auths.Items {
		ids = append(ids, it.ID)
	}
	if !slices.Contains(ids, "lh-auth-2026") {
		t.Fatalf("the operator's own authorizations lack lh-auth-2026: %v", ids)
	}
	var prob struct {
		Code string `json:"code"`
	}
	if st := e.call("operator", "GET", "/api/v1/me/records?kind=nokind", nil, &prob); st != 400 || prob.Code != "BAD_PARAMETER" {
		t.Fatalf("an unknown kind: %d %+v", st, prob)
	}
	if st := e.call("", "GET", "/api/v1/me/obligations", nil, &prob); st != 401 {
		t.Fatalf("obligations without a certificate: %d", st)
	}

	pg := e.newPage(t, "operator")
	pg.open("/console/operator")
	if got := evalAs[[]string](pg, `[...document.querySelectorAll('#my-authorizations tbody tr')].map(r => r.dataset.id)`); !slices.Equal(got, ids) {
		t.Fatalf("the operator page lists %v, the API %v", got, ids)
	}
	want := obligationsOf("operator")
	if got := shown(pg, want); !slices.Equal(got, want) {
		t.Fatalf("the operator page shows obligations %v, the API %v", got, want)
	}
	if len(want) == 0 && evalAs[int](pg, `document.querySelectorAll('#obligations-none').length`) != 1 {
		t.Fatal("no obligations, and the page does not say so")
	}
	// its log streams, and the anchoring chart of the most recently anchored ones: one
	// point per anchor
	var streams struct {
		Items []struct {
			ID   string `json:"id"`
			Data struct {
				Anchors   int       `json:"anchors"`
				WindowEnd time.Time `json:"windowEnd"`
			} `json:"data"`
		} `json:"items"`
	}
	e.get("operator", "/api/v1/me/records?kind=logstream&limit=500", &streams)
	var streamIDs []string
	type charted struct {
		id      string
		anchors int
		end     time.Time
	}
	var anchored []charted
	for _, s := range streams.Items {
		streamIDs = append(streamIDs, s.ID)
		if s.Data.Anchors > 0 {
			anchored = append(anchored, charted{s.ID, s.Data.Anchors, s.Data.WindowEnd})
		}
	}
	slices.SortStableFunc(anchored, func(a, b charted) int {
		if c := b.end.Compare(a.end); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	wantChart := map[string]int{}
	for _, s := range anchored[:min(8, len(anchored))] {
		wantChart["anchors:"+s.id] = s.anchors
	}
	if !slices.Contains(streamIDs, demo.DemoStream) || len(wantChart) == 0 {
		t.Fatalf("the operator's streams %v lack the demo's anchored stream %s", streamIDs, demo.DemoStream)
	}
	if got := evalAs[[]string](pg, `[...document.querySelectorAll('#my-streams tbody tr')].map(r => r.dataset.id)`); !slices.Equal(got, streamIDs) {
		t.Fatalf("the operator page lists streams %v, the API %v", got, streamIDs)
	}
	gotChart := evalAs[map[string]int](pg, `Object.fromEntries(echarts.getInstanceByDom(document.getElementById('anchoring-chart')).getOption().series.map(s => [s.id, s.data.length]))`)
	if !maps.Equal(gotChart, wantChart) {
		t.Fatalf("anchoring chart (points per stream) %v, the API's streams give %v", gotChart, wantChart)
	}
	pg.screenshot("operator")
	pg.check()

	for _, profile := range []string{"sourceunit-user1", "bureau"} {
		want := obligationsOf(profile)
		if profile == "bureau" && len(want) == 0 {
			t.Fatal("the bureau has no open deadline, though the demo leaves reviews overdue")
		}
		pg := e.newPage(t, profile)
		pg.open("/console/obligations")
		if got := shown(pg, want); !slices.Equal(got, want) {
			t.Fatalf("%s: the page shows %v, the API %v", profile, got, want)
		}
		if profile == "bureau" {
			pg.screenshot("obligations-bureau")
		}
		pg.check()
	}
}
