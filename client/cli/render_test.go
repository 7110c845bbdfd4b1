package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

func renderString(t *testing.T, raw string, f Format, lang model.Lang, v view) string {
	t.Helper()
	var b bytes.Buffer
	if err := render(&b, []byte(raw), f, lang, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const whoAmIAnswer = `{"mspId":"SourceUnitMSP","subject":"CN=user1,OU=client","issuer":"CN=ca","identityKey":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","bound":true,
"participant":{"id":"su-fgj","kind":"participant","version":2,"createdBy":{"mspId":"BureauMSP","subject":"CN=admin","participant":"bureau"},"createdTx":"aa","createdAt":"2026-09-01T02:00:00Z",
"updatedBy":{"mspId":"BureauMSP","subject":"CN=admin"},"updatedTx":"bb","updatedAt":"2026-10-22T15:59:59.123456Z","public":true,"role":"source_unit","name":"深圳市龙华区发展和改革局","uscc":"11440309MB2C10001X","status":"active"},"active":true}`

const resourcePage = `{"records":[{"id":"lh-res-01","kind":"resource","name":"龙华区惠企补贴数据","sourceUnit":"su-fgj","catalogue":"catalogued","openness":"conditional","grade":2,"updateFrequency":"quarterly","resourceVersion":1},
{"id":"lh-res-02","kind":"resource","name":"人才补贴","sourceUnit":"su-rlj","catalogue":"catalogued","openness":"closed","grade":3,"updateFrequency":"monthly","resourceVersion":1}],"bookmark":"x"}`

// TestTable_AlignsByDisplayWidth: Chinese cells take two columns each, and the columns
// after them line up in every row, header included.
func TestTable_AlignsByDisplayWidth(t *testing.T) {
	out := renderString(t, resourcePage, Table, model.ZH, view{})
	lines := strings.Split(out, "\n")
	col := func(line, cell string) int {
		i := strings.Index(line, cell)
		if i < 0 {
			t.Fatalf("%q not in %q", cell, line)
		}
		return displayWidth(line[:i])
	}
	h, r1, r2 := col(lines[0], "数源单位"), col(lines[1], "su-fgj"), col(lines[2], "su-rlj")
	if h != r1 || r1 != r2 {
		t.Fatalf("the source-unit column starts at %d, %d, %d:\n%s", h, r1, r2, out)
	}
	if !strings.Contains(out, "有条件开放") || !strings.Contains(out, "不予开放") || !strings.Contains(out, "每季度") || !strings.Contains(out, "下一页：--bookmark x") {
		t.Fatalf("labels:\n%s", out)
	}
	if displayWidth("龙华区ab") != 8 || displayWidth("，、") != 4 {
		t.Fatal("display width")
	}
}

// TestTable_NestedObjectsFlattened: who-am-i's nested participant is shown as readable
// rows, not as truncated JSON, with times in Beijing time to the second.
func TestTable_NestedObjectsFlattened(t *testing.T) {
	out := renderString(t, whoAmIAnswer, Table, model.ZH, view{})
	if strings.Contains(out, "{") || strings.Contains(out, "…") {
		t.Fatalf("nested JSON left in the table:\n%s", out)
	}
	for _, want := range []string{"参与方.名称", "深圳市龙华区发展和改革局", "参与方.角色", "数源单位", "2026-10-22 23:59:59 CST", "已绑定"} {
		if !strings.Contains(out, want) {
			t.Fatalf("%q missing:\n%s", want, out)
		}
	}
	if en := renderString(t, whoAmIAnswer, Table, model.EN, view{}); !strings.Contains(en, "participant.name") || strings.Contains(en, "{") {
		t.Fatalf("en:\n%s", en)
	}
}

// TestOutput_BeijingTime: JSON and YAML carry RFC 3339 times in +08:00, the instant
// unchanged; tables drop the fraction.
func TestOutput_BeijingTime(t *testing.T) {
	js := renderString(t, whoAmIAnswer, JSON, model.EN, view{})
	if !strings.Contains(js, `"updatedAt": "2026-10-22T23:59:59.123456+08:00"`) || strings.Contains(js, "Z\"") {
		t.Fatalf("json:\n%s", js)
	}
	if i := strings.Index(js, `"mspId"`); i < 0 || i > strings.Index(js, `"participant"`) {
		t.Fatalf("json keys out of their order:\n%s", js)
	}
	y := renderString(t, whoAmIAnswer, YAML, model.EN, view{})
	if !strings.Contains(y, "createdAt: \"2026-09-01T10:00:00+08:00\"") && !strings.Contains(y, "createdAt: 2026-09-01T10:00:00+08:00") {
		t.Fatalf("yaml:\n%s", y)
	}
}

// TestTable_FeesAndKinds: lists inside an answer become tables of their own; money is
// shown in yuan; anchors show size and root; history shows actor and action.
func TestTable_FeesAndKinds(t *testing.T) {
	fees := `{"caps":[{"id":"cap-industry-call","kind":"pricecap","class":"industry","unit":"per_call","capFen":500,"status":"active"}],
"prices":[{"id":"price-lh-prd-01-call","kind":"pricefiling","product":"lh-prd-01","unit":"per_call","priceFen":300,"capFen":500,"status":"active","scenario":"企业商业金融贷款"}]}`
	out := renderString(t, fees, Table, model.ZH, view{})
	for _, want := range []string{"价格上限（1）", "¥3.00", "¥5.00", "按次", "企业商业金融贷款"} {
		if !strings.Contains(out, want) || strings.Contains(out, "{") {
			t.Fatalf("%q:\n%s", want, out)
		}
	}
	anchors := `{"records":[{"id":"s-2000","kind":"anchor","stream":"s","seq":1,"size":2000,"root":"89b7424610b146667eab0c9f037db446263ff08875c4dfc8043d1938142e1245","windowStart":"2026-11-18T00:00:00Z","windowEnd":"2026-11-18T16:00:00Z","proof":[]}]}`
	out = renderString(t, anchors, Table, model.EN, view{})
	if !strings.Contains(out, "SIZE") || !strings.Contains(out, "2000") || !strings.Contains(out, "89b742461…") && !strings.Contains(out, "89b7424610b1…") {
		t.Fatalf("anchors:\n%s", out)
	}
	hist := `[{"txId":"tx1","time":"2026-09-20T01:00:00Z","isDelete":false,"version":1,"value":{"id":"a","status":"publicized","updatedBy":{"mspId":"BureauMSP","participant":"bureau"}}},
{"txId":"tx2","time":"2026-09-21T01:00:00Z","isDelete":false,"version":2,"value":{"id":"a","status":"active","bureauSigning":{"x":1},"updatedBy":{"mspId":"OperatorMSP","participant":"op-lhdata"}}}]`
	out = renderString(t, hist, Table, model.ZH, view{fn: "System:History"})
	for _, want := range []string{"操作方", "操作", "op-lhdata", "状态 公示中→有效", "创建", "2026-09-21 09:00:00 CST"} {
		if !strings.Contains(out, want) {
			t.Fatalf("%q:\n%s", want, out)
		}
	}
	due := `[{"id":"lh-app-09","kind":"application","operator":"op-lhdata","scenario":"精细化城市治理与服务","method":"sandbox","status":"pending",
"steps":[{"kind":"bureau","deadline":{"what":"bureau review","due":"2026-10-23T15:59:59Z","rule":"use_application.bureau_review_working_days=10"}}]}]`
	out = renderString(t, due, Table, model.ZH, view{})
	if !strings.Contains(out, "下一期限") || !strings.Contains(out, "2026-10-23 23:59:59 CST 已逾期") {
		t.Fatalf("due column:\n%s", out)
	}
	// a due time counted without holiday data is marked, one counted on the calendar is not
	for covered, want := range map[string]string{"false": "2026-10-23 23:59:59 CST* 已逾期", "true": "2026-10-23 23:59:59 CST 已逾期"} {
		out = renderString(t, strings.Replace(due, `"rule":`, `"calendarCovered":`+covered+`,"rule":`, 1), Table, model.ZH, view{})
		if !strings.Contains(out, want) {
			t.Fatalf("calendarCovered %s: want %q in\n%s", covered, want, out)
		}
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "¥0.00", 5: "¥0.05", 300: "¥3.00", 123456789: "¥1,234,567.89"} {
		if got := yuan(fen); got != want {
			t.Errorf("yuan(%d) = %s", fen, got)
		}
	}
}
