package cli

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Computed columns (not fields of the record).
const (
	colDue    = "~due"    // the earliest open deadline in the record
	colActor  = "~actor"  // who wrote a history entry's version
	colAction = "~action" // what that version changed
)

// kindColumns are the columns a person needs in a list of records of each kind: who,
// what state, what is due, and the numbers that matter (anchor size and root, amounts).
var kindColumns = map[string][]string{
	"participant":      {"id", "name", "role", "status", "mspId"},
	"identity":         {"id", "participant", "mspId", "subject", "status"},
	"resource":         {"id", "name", "sourceUnit", "catalogue", "openness", "grade", "updateFrequency", "resourceVersion"},
	"authorization":    {"id", "operator", "mode", "status", "termStart", "termEnd", colDue},
	"emergencyplan":    {"id", "authorization", "operator", "version", "updatedAt"},
	"partner":          {"id", "partner", "operator", "authorization", "status", "agreementEnd"},
	"application":      {"id", "operator", "scenario", "method", "status", colDue, "updatedAt"},
	"grant":            {"id", "applicationId", "operator", "scenario", "status", "validFrom", "validTo"},
	"product":          {"id", "name", "operator", "form", "class", "status", "registrationNo", colDue},
	"pricecap":         {"id", "class", "unit", "product", "capFen", "status"},
	"pricefiling":      {"id", "product", "unit", "priceFen", "capFen", "status", "scenario"},
	"trade":            {"id", "product", "buyer.name", "quantity", "unit", "amountFen", "createdAt"},
	"revenue":          {"id", "operator", "year", "revenueFen", "allowedFen", "obligationAction", colDue},
	"logstream":        {"id", "owner", "logKind", "size", "anchors", "root", "windowEnd"},
	"anchor":           {"id", "stream", "seq", "size", "root", "windowStart", "windowEnd"},
	"inspection":       {"id", "inspector", "subject", "type", "createdAt"},
	"rectification":    {"id", "operator", "authorizationId", "status", colDue},
	"evaluation":       {"id", "operator", "period", "grade", "outcome"},
	"incident":         {"id", "subject", "severity", "category", "status", colDue},
	"report":           {"id", "reportKind", "operator", "period", "due", "late"},
	"case":             {"id", "caseKind", "title", "addressee", "status", colDue},
	"replay":           {"id", "status", "openedBy", "expiresAt", "closedAt"},
	"supervisionsweep": {"id", "authorizationId", "checked", "more"},
}

// viewColumns are the columns of answers that are no records: the explorer's trail
// entries and compliance findings.
var viewColumns = map[string][]string{
	"trail":      {"time", "kind", "id", "version", "action", "actor", "txId", "blockNumber"},
	"compliance": {"category", "kind", "id", "party", "due", "detail"},
	"oversight":  {"jurisdiction", "category", "kind", "id", "party", "due", "detail"},
}

// historyColumns are the columns of System:History's versions.
var historyColumns = []string{"version", "time", colActor, colAction, "txId"}

// preferred orders the columns of lists that are no record kind.
var preferred = []string{"id", "kind", "name", "product", "stream", "category", "role", "status", "ok", "verified", "catalogue", "operator", "sourceUnit", "scenario", "party", "due", "amountFen", "size", "version", "updatedAt", "detail"}

// columns chooses a list's columns: the kind's, System:History's, or the first row's
// plain fields in preferred order (nested objects one level down), up to seven.
func (t *tabler) columns(rows []*object) []string {
	first := rows[0]
	if cols, ok := viewColumns[t.view.fn]; ok {
		return cols
	}
	if t.view.fn == "System:History" || (first.str("txId") != "" && has(first, "isDelete")) {
		return historyColumns
	}
	if cols, ok := kindColumns[first.str("kind")]; ok {
		return cols
	}
	var cols []string
	for _, p := range preferred {
		if v, ok := first.get(p); ok && !isList(v) {
			cols = append(cols, p)
		}
	}
	for _, k := range first.keys {
		if len(cols) >= 7 {
			break
		}
		v := first.vals[k]
		if contains(cols, k) || hiddenKey(k) {
			continue
		}
		switch x := v.(type) {
		case []any:
			if len(x) > 0 {
				if _, objs := x[0].(*object); objs {
					continue
				}
			}
			cols = append(cols, k)
		case *object:
			for _, sk := range x.keys {
				if _, nested := x.vals[sk].(*object); !nested && !isList(x.vals[sk]) && len(cols) < 7 {
					cols = append(cols, k+"."+sk)
				}
			}
		default:
			cols = append(cols, k)
		}
	}
	return cols
}

func has(o *object, k string) bool { _, ok := o.get(k); return ok }

func isList(v any) bool { _, ok := v.([]any); return ok }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// metaKeys are the bookkeeping fields every record carries (model.Meta): shown after
// the record's own fields.
var metaKeys = map[string]bool{"kind": true, "version": true, "createdBy": true, "createdTx": true, "createdAt": true,
	"updatedBy": true, "updatedTx": true, "updatedAt": true, "public": true, "requestDigest": true}

// orderKeys puts id first, the record's own fields next (in their declared order), the
// bookkeeping last.
func orderKeys(keys []string) []string {
	out := make([]string, 0, len(keys))
	if contains(keys, "id") {
		out = append(out, "id")
	}
	for _, k := range keys {
		if k != "id" && !metaKeys[k] {
			out = append(out, k)
		}
	}
	for _, k := range keys {
		if k != "id" && metaKeys[k] {
			out = append(out, k)
		}
	}
	return out
}

// hiddenKey: fields no table shows (JSON and YAML keep everything).
func hiddenKey(k string) bool { return k == "requestDigest" }

// labelsZH are the Chinese names of fields, for headers and detail rows: the model's
// catalogue (model.FieldLabel) and the columns only pdl's tables have.
var labelsZH = map[string]string{colDue: "下一期限", colActor: "操作方", colAction: "操作"}

// header is a column's heading.
func (t *tabler) header(c string) string {
	if t.lang == model.ZH {
		return t.pathLabel(c)
	}
	switch c {
	case colDue:
		return "NEXT DUE"
	case colActor:
		return "ACTOR"
	case colAction:
		return "ACTION"
	}
	return strings.ToUpper(words(strings.TrimSuffix(strings.ReplaceAll(c, ".", " "), "Fen")))
}

// pathLabel names a (dotted) field path in the table's language.
func (t *tabler) pathLabel(path string) string {
	if t.lang != model.ZH {
		if strings.HasPrefix(path, "~") {
			return strings.ToLower(t.header(path))
		}
		return path
	}
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if l, ok := labelsZH[p]; ok {
			parts[i] = l
		} else if l := model.FieldLabel(p, model.ZH); l != p {
			parts[i] = l
		}
	}
	return strings.Join(parts, ".")
}

// words splits camelCase ("updatedAt" → "updated At").
func words(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && unicode.IsLower(rs[i-1]) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var longHex = regexp.MustCompile(`^[0-9a-f]{40,}$`)

// enumKeys are fields holding an enumerated value, with their type where one key names
// several (status: per record kind, resolved by the value's generic label).
var enumKeys = map[string]model.Enum{
	"openness": model.Openness(""), "updateFrequency": model.UpdateFrequency(""), "catalogue": model.CatalogueStatus(""),
	"mode": model.AuthMode(""), "method": model.Method(""), "form": model.ProductForm(""), "class": model.ProductClass(""),
	"unit": model.ChargingUnit(""), "logKind": model.LogKind(""), "caseKind": model.CaseKind(""), "reportKind": model.ReportKind(""),
	"role": model.Role(""), "filerRole": model.Role(""), "inspectorRole": model.Role(""), "decision": nil, "status": nil, "grade": nil,
	"severity": nil, "category": model.IncidentCategory(""), "type": model.InspectionType(""), "obligationAction": model.ObligationAction(""),
	"ground": model.TerminationGround(""), "reasons": model.CheckReason(""),
}

// cell renders a value for a table: times in Beijing time, money in yuan, basis points
// as percentages, enumerated values and kinds by their labels (Chinese tables), long
// hashes shortened in lists, lists joined.
func (t *tabler) cell(key string, v any, max int) string {
	leaf := key
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		leaf = key[i+1:]
	}
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		s = t.tr("否", "no")
		if x {
			s = t.tr("是", "yes")
		}
	case json.Number:
		s = t.number(leaf, x)
	case string:
		s = t.text(leaf, x, max)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, t.cell(leaf, e, max))
		}
		s = strings.Join(parts, t.tr("、", ", "))
	case *object:
		b, _ := json.Marshal(x)
		s = string(b)
	default:
		s = fmt.Sprint(x)
	}
	s = strings.ReplaceAll(s, "\n", " ")
	return truncateWidth(s, max)
}

func (t *tabler) number(key string, n json.Number) string {
	i, err := n.Int64()
	switch {
	case err != nil:
		return n.String()
	case strings.HasSuffix(key, "Fen"):
		return yuan(i)
	case strings.HasSuffix(key, "Bp"):
		return strconv.FormatFloat(float64(i)/100, 'f', 2, 64) + "%"
	}
	return n.String()
}

// yuan renders fen as yuan: ¥1,234.56.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, b.String(), fen%100)
}

func (t *tabler) text(key, s string, max int) string {
	if tm, ok := parseTime(s); ok {
		return cstTable(tm)
	}
	if max <= listCell && longHex.MatchString(s) {
		return s[:12] + "…"
	}
	if t.lang != model.ZH {
		return s
	}
	if key == "kind" {
		return model.KindLabel(model.Kind(s), model.ZH)
	}
	if key == "category" && slices.Contains(model.FindingCategory("").Values(), s) {
		return model.EnumLabel(model.FindingCategory(""), s, model.ZH)
	}
	if e, ok := enumKeys[key]; ok {
		if e != nil {
			if contains(e.Values(), s) {
				return model.EnumLabel(e, s, model.ZH)
			}
			return s
		}
		if l := model.ValueLabel(s); l != "" {
			return l
		}
	}
	return s
}
