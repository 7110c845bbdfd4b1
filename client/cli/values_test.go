package cli

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/pdledger/pdledger/chaincode/model"
)

func TestParseYuan_Exact(t *testing.T) {
	for in, want := range map[string]int64{"2.50": 250, "2.5": 250, "2": 200, "2元": 200, "¥1,234.56": 123456, "￥0.01": 1, "0": 0, " 3.10 元 ": 310, "10000000000.99": 1000000000099} {
		if got, ok := parseYuan(in); !ok || got != want {
			t.Errorf("parseYuan(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"2.505", "-1", "1e3", "abc", "", ".5", "2.", "1.2.3", "+2", "2,50.0.1"} {
		if got, ok := parseYuan(in); ok {
			t.Errorf("parseYuan(%q) = %d accepted", in, got)
		}
	}
}

// TestFlags_AmountsEnumsListsTimes: fen fields take --x-fen (whole fen) or --x (yuan);
// enumerated flags take Chinese labels; lists split at ， and 、; times are Beijing time.
func TestFlags_AmountsEnumsListsTimes(t *testing.T) {
	build := func(fn string, args ...string) (map[string]any, error) {
		f, _ := model.Function(fn)
		fl := fieldsIn(f.Request, model.ZH)
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		addFlags(fs, fl)
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		obj, _, err := BuildRequest(fs, fl, f.Request, "", nil)
		return obj, err
	}
	obj, err := build("Price:File", "--price", "2.50", "--unit", "按次")
	if err != nil || obj["priceFen"] != int64(250) || obj["unit"] != "per_call" {
		t.Fatalf("--price 2.50 --unit 按次: %v %v", obj, err)
	}
	if obj, err = build("Price:File", "--price-fen", "250"); err != nil || obj["priceFen"] != int64(250) {
		t.Fatalf("--price-fen 250: %v %v", obj, err)
	}
	for _, fn := range []string{"Price:SetCap", "Trade:File", "Revenue:Report", "Revenue:Correct"} {
		f, _ := model.Function(fn)
		for _, x := range fieldsIn(f.Request, model.EN) {
			if x.Kind == kindFen && x.YuanFlag == "" {
				t.Errorf("%s --%s has no yuan twin", fn, x.Flag)
			}
		}
	}
	if _, err := build("Price:File", "--price-fen", "2.5"); err == nil || !strings.Contains(err.Error(), "--price") || strings.Contains(err.Error(), "strconv") {
		t.Fatalf("--price-fen 2.5: %v", err)
	}
	if _, err := build("Resource:Register", "--update-frequency", "每天"); err == nil || !strings.Contains(err.Error(), "daily（每日）") {
		t.Fatalf("bad enum lists the labels: %v", err)
	}
	obj, err = build("Product:Submit", "--scenarios", "甲，乙、丙,丁", "--grant-ids", "g1", "--grant-ids", "g2")
	if err != nil || strings.Join(obj["scenarios"].([]string), "|") != "甲|乙|丙|丁" || len(obj["grantIds"].([]string)) != 2 {
		t.Fatalf("lists: %v %v", obj, err)
	}
	obj, err = build("Supervision:ReportIncident", "--occurred-at", "2026-11-30 09:00", "--severity", "一般", "--category", "非法访问")
	if err != nil || obj["occurredAt"] != "2026-11-30T09:00:00+08:00" || obj["severity"] != "general" || obj["category"] != "unauthorized_access" {
		t.Fatalf("time and labels: %v %v", obj, err)
	}
	if obj, err = build("Logs:Append", "--window-start", `"2026-11-30T01:00:00Z"`); err != nil || obj["windowStart"] != "2026-11-30T09:00:00+08:00" {
		t.Fatalf("a quoted RFC 3339 time: %v %v", obj, err)
	}
	if _, err := build("Resource:Register", "--grade", "high"); err == nil || strings.Contains(err.Error(), "strconv") {
		t.Fatalf("--grade high: %v", err)
	}
	obj, err = build("Resource:AnswerCatalogue", "--agreed")
	if err != nil || obj["agreed"] != true {
		t.Fatalf("--agreed (a *bool field): %v %v", obj, err)
	}
}

func TestDetectLang(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		args []string
		env  map[string]string
		want model.Lang
	}{
		{nil, map[string]string{"LANG": "zh_CN.UTF-8"}, model.ZH},
		{nil, map[string]string{"LANG": "en_US.UTF-8"}, model.EN},
		{nil, map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, model.ZH},
		{nil, map[string]string{"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, model.EN},
		{nil, nil, model.EN},
		{[]string{"--lang", "zh"}, map[string]string{"LANG": "en_US.UTF-8"}, model.ZH},
		{[]string{"--lang=en"}, map[string]string{"LANG": "zh_CN.UTF-8"}, model.EN},
	} {
		if got := DetectLang(c.args, env(c.env)); got != c.want {
			t.Errorf("DetectLang(%v, %v) = %s", c.args, c.env, got)
		}
	}
}

// TestHelp_Chinese: with a Chinese locale, group descriptions, global flags, headings
// and pdl's messages are Chinese.
func TestHelp_Chinese(t *testing.T) {
	root := Root(&App{Lang: model.ZH})
	if root.Flags().Lookup("help").Usage != "显示帮助" || !strings.Contains(root.PersistentFlags().Lookup("profile").Usage, "身份配置") {
		t.Fatal("global flags not in Chinese")
	}
	for _, g := range root.Commands() {
		if _, ok := groupHelp[g.Name()]; ok && !hasHan(g.Short) {
			t.Errorf("group %s: %s", g.Name(), g.Short)
		}
	}
	if !strings.Contains(root.UsageTemplate(), "可用命令") {
		t.Fatal("usage template not in Chinese")
	}
	cmd, _, _ := root.Find([]string{"resource", "register"})
	if u := cmd.Flags().Lookup("update-frequency").Usage; !strings.Contains(u, "monthly（每月）") || !strings.Contains(u, "必填") {
		t.Fatalf("enum flag help: %s", u)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func TestClosest(t *testing.T) {
	names := []string{"bureau", "bureau-admin", "exchange", "operator", "operator-admin", "operator2", "regulator", "sourceunit-user1", "sourceunit-user10"}
	if got := closest("oprator", names, 3); len(got) == 0 || got[0] != "operator" {
		t.Fatalf("oprator: %v", got)
	}
	if got := closest("sourceunit-user", names, 3); len(got) == 0 || !strings.HasPrefix(got[0], "sourceunit-user1") {
		t.Fatalf("sourceunit-user: %v", got)
	}
	if got := closest("zzzzzz", names, 3); len(got) != 0 {
		t.Fatalf("zzzzzz: %v", got)
	}
}
