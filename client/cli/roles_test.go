package cli

import (
	"os"
	"path/filepath"
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
