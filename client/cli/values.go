package cli

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Flag values that parse what people type and say what is wrong in their language,
// instead of strconv's errors: enumerated values by value or label, amounts in fen or
// yuan (exactly), lists split at Chinese separators too, Beijing times. Each Set error
// is a *UsageError (exit 2) that names the flag.

// listSeparators split list flags: `,` and the Chinese `，` and `、`.
func splitList(s string) []string {
	f := func(r rune) bool { return r == ',' || r == '，' || r == '、' }
	var out []string
	for _, part := range strings.FieldsFunc(s, f) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// listValue is a repeatable, separator-split list flag.
type listValue struct {
	items []string
	set   bool
}

func (v *listValue) Set(s string) error {
	if !v.set {
		v.items, v.set = nil, true
	}
	v.items = append(v.items, splitList(s)...)
	return nil
}
func (v *listValue) String() string { return strings.Join(v.items, ",") }
func (v *listValue) Type() string   { return "list" }

// enumValue accepts a value of e or its label.
type enumValue struct {
	e     model.Enum
	flag  string
	field string
	lang  model.Lang
	value string
}

func (v *enumValue) Set(s string) error {
	got, ok := model.ParseEnum(v.e, s)
	if !ok {
		return inputErr(model.CodeBadEnum, v.field, strings.Join(v.e.Values(), "|"),
			"%s", tr(v.lang, "--%s %q：不是可选值；可选值：%s", "--%s %q: not an allowed value; allowed: %s", v.flag, s, enumChoices(v.e, v.lang)))
	}
	v.value = got
	return nil
}
func (v *enumValue) String() string { return v.value }
func (v *enumValue) Type() string   { return "enum" }

// enumChoices lists an enumeration's values with their Chinese labels.
func enumChoices(e model.Enum, lang model.Lang) string {
	vals := e.Values()
	out := make([]string, len(vals))
	for i, val := range vals {
		out[i] = val
		if lang == model.ZH {
			out[i] = val + "（" + model.EnumLabel(e, val, model.ZH) + "）"
		}
	}
	return strings.Join(out, tr(lang, "、", ", "))
}

// intValue is an integer flag.
type intValue struct {
	flag  string
	field string
	lang  model.Lang
	n     int64
}

func (v *intValue) Set(s string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return inputErr(model.CodeBadFormat, v.field, "integer", "%s", tr(v.lang, "--%s %q：须为整数", "--%s %q: must be a whole number", v.flag, s))
	}
	v.n = n
	return nil
}
func (v *intValue) String() string { return strconv.FormatInt(v.n, 10) }
func (v *intValue) Type() string   { return "int" }

// fenValue is an amount in fen (分), the unit the ledger stores: a whole number,
// optionally followed by 分.
type fenValue struct {
	flag, yuanFlag string
	field          string
	lang           model.Lang
	fen            int64
}

func (v *fenValue) Set(s string) error {
	t := strings.TrimSuffix(strings.TrimSpace(s), "分")
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n < 0 {
		hint := ""
		if v.yuanFlag != "" {
			hint = tr(v.lang, "；以元为单位请用 --%s（如 --%s 2.50）", "; for yuan use --%s (e.g. --%s 2.50)", v.yuanFlag, v.yuanFlag)
		}
		return inputErr(model.CodeBadFormat, v.field, "whole fen", "%s", tr(v.lang, "--%s %q：金额以分为单位，须为非负整数%s", "--%s %q: the amount is in fen and must be a whole number, 0 or more%s", v.flag, s, hint))
	}
	v.fen = n
	return nil
}
func (v *fenValue) String() string { return strconv.FormatInt(v.fen, 10) }
func (v *fenValue) Type() string   { return "fen" }

// yuanValue is an amount in yuan (元), converted exactly to fen: at most two decimals;
// "2.50", "2.5元", "¥1,234.50" are accepted.
type yuanValue struct {
	flag, fenFlag string
	field         string
	lang          model.Lang
	fen           int64
}

func (v *yuanValue) Set(s string) error {
	fen, ok := parseYuan(s)
	if !ok {
		return inputErr(model.CodeBadFormat, v.field, "yuan, at most 2 decimals", "%s", tr(v.lang,
			"--%s %q：金额以元为单位，最多两位小数（如 2.50），不能为负；以分为单位请用 --%s",
			"--%s %q: the amount is in yuan with at most two decimals (e.g. 2.50), 0 or more; for fen use --%s", v.flag, s, v.fenFlag))
	}
	v.fen = fen
	return nil
}
func (v *yuanValue) String() string {
	if v.fen == 0 {
		return ""
	}
	return strconv.FormatInt(v.fen/100, 10) + "." + strconv.FormatInt(100+v.fen%100, 10)[1:]
}
func (v *yuanValue) Type() string { return "yuan" }

// parseYuan converts a yuan amount to fen exactly (no floating point).
func parseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "元"), "CNY"))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok || !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

// timeValue is a time given in Beijing time or RFC 3339; it is sent as RFC 3339.
type timeValue struct {
	flag  string
	field string
	lang  model.Lang
	t     time.Time
}

func (v *timeValue) Set(s string) error {
	if unq, err := strconv.Unquote(strings.TrimSpace(s)); err == nil {
		s = unq // a JSON string, as the flag took before it was typed
	}
	t, ok := parseLocalTime(s)
	if !ok {
		return inputErr(model.CodeBadFormat, v.field, "time", "%s", tr(v.lang,
			"--%s %q：时间格式为 \"2026-10-22 10:00:00\"（北京时间）或 RFC 3339（2026-10-22T10:00:00+08:00）",
			"--%s %q: give a time as \"2026-10-22 10:00:00\" (Beijing time) or RFC 3339 (2026-10-22T10:00:00+08:00)", v.flag, s))
	}
	v.t = t
	return nil
}
func (v *timeValue) String() string {
	if v.t.IsZero() {
		return ""
	}
	return cstJSON(v.t)
}
func (v *timeValue) Type() string { return "time" }
