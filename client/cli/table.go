package cli

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// tabler renders a decoded answer as text: a list of records as an aligned table with
// the columns a person needs for their kind; one record as a detail view (nested
// objects flattened into dotted rows, lists of objects as tables of their own).
type tabler struct {
	lang model.Lang
	now  time.Time
	view view
}

// Widths of cells: list tables keep rows on one line; detail views have room.
const (
	listCell   = 40
	detailCell = 100
)

func (t *tabler) render(v any) string {
	var b strings.Builder
	switch x := v.(type) {
	case []any:
		t.list(&b, x)
	case *object:
		if recs, ok := x.get("records"); ok && len(x.keys) <= 2 {
			list, _ := recs.([]any)
			t.list(&b, list)
			if bm := x.str("bookmark"); bm != "" {
				b.WriteString(t.tr("下一页：--bookmark %s\n", "next page: --bookmark %s\n", bm))
			}
			break
		}
		t.detail(&b, x)
	default:
		b.WriteString(t.cell("", v, detailCell*2) + "\n")
	}
	return b.String()
}

func (t *tabler) tr(zh, en string, args ...any) string { return tr(t.lang, zh, en, args...) }

// list renders rows as an aligned table.
func (t *tabler) list(b *strings.Builder, rows []any) {
	if len(rows) == 0 {
		b.WriteString(t.tr("（无）\n", "(none)\n"))
		return
	}
	objs := make([]*object, 0, len(rows))
	for _, r := range rows {
		o, ok := r.(*object)
		if !ok {
			// a list of plain values: one per line
			for _, r := range rows {
				b.WriteString(t.cell("", r, detailCell) + "\n")
			}
			return
		}
		objs = append(objs, o)
	}
	cols := t.columns(objs)
	table := [][]string{make([]string, len(cols))}
	for i, c := range cols {
		table[0][i] = t.header(c)
	}
	var prev *object
	for _, o := range objs {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = t.value(o, prev, c, listCell)
		}
		table = append(table, row)
		prev = o
	}
	writeAligned(b, table)
}

// detail renders one object: scalar and nested fields as label/value rows (nested
// paths dotted), lists of objects as tables under their label. Bookkeeping fields come
// last; the request digest is left out.
func (t *tabler) detail(b *strings.Builder, o *object) {
	var rows [][]string
	type sub struct {
		label string
		items []any
	}
	var subs []sub
	var walk func(prefix string, o *object, depth int)
	walk = func(prefix string, o *object, depth int) {
		for _, k := range orderKeys(o.keys) {
			v := o.vals[k]
			path := prefix + k
			if hiddenKey(k) || empty(v) {
				continue
			}
			switch x := v.(type) {
			case *object:
				if depth < 3 {
					walk(path+".", x, depth+1)
					continue
				}
			case []any:
				if _, objs := x[0].(*object); objs {
					subs = append(subs, sub{t.pathLabel(path), x})
					continue
				}
			}
			rows = append(rows, []string{t.pathLabel(path), t.cell(k, v, detailCell)})
		}
	}
	walk("", o, 0)
	writeAligned(b, rows)
	for i, s := range subs {
		if i > 0 || len(rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString(t.tr("%s（%d）\n", "%s (%d)\n", s.label, len(s.items)))
		t.list(b, s.items)
	}
}

// value is the cell of column c for row o (prev: the row before, for history actions).
func (t *tabler) value(o, prev *object, c string, max int) string {
	switch c {
	case colDue:
		due, overdue, provisional := nextDue(o, t.now)
		if due.IsZero() {
			return ""
		}
		s := cstTable(due)
		if provisional {
			s += "*" // counted without holiday data for a year it spans (calendarCovered false)
		}
		if overdue {
			s += t.tr(" 已逾期", " overdue")
		}
		return s
	case colActor:
		return actorOf(o)
	case colAction:
		return t.action(o, prev)
	}
	v, ok := lookup(o, c)
	if !ok {
		return ""
	}
	return t.cell(c, v, max)
}

// lookup follows a dotted path.
func lookup(o *object, path string) (any, bool) {
	var cur any = o
	for _, part := range strings.Split(path, ".") {
		obj, ok := cur.(*object)
		if !ok {
			return nil, false
		}
		if cur, ok = obj.get(part); !ok {
			return nil, false
		}
	}
	return cur, true
}

// nextDue is the earliest open deadline anywhere in a record (a model.Deadline: an
// object with a due time and a rule, neither met nor waived), whether it passed, and
// whether it is provisional (counted without holiday data: calendarCovered false).
func nextDue(v any, now time.Time) (time.Time, bool, bool) {
	var best time.Time
	provisional := false
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case *object:
			if due, ok := parseTime(x.str("due")); ok && x.str("rule") != "" {
				_, met := x.get("met")
				if !met && x.str("waived") == "" && (best.IsZero() || due.Before(best)) {
					covered, _ := x.get("calendarCovered")
					best, provisional = due, covered == false
				}
			}
			for _, k := range x.keys {
				walk(x.vals[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return best, !best.IsZero() && now.After(best), provisional
}

// actorOf is who wrote a history entry's version: its participant, else its MSP.
func actorOf(o *object) string {
	val, _ := o.get("value")
	rec, _ := val.(*object)
	if rec == nil {
		return ""
	}
	by, _ := rec.get("updatedBy")
	if a, ok := by.(*object); ok {
		if p := a.str("participant"); p != "" {
			return p
		}
		return a.str("mspId")
	}
	return ""
}

// action says what a history entry's version changed against the one before: created,
// the status move, the fields that changed.
func (t *tabler) action(o, prev *object) string {
	if h, _ := o.get("hidden"); h == true {
		return t.tr("（不可见）", "(hidden)")
	}
	if d, _ := o.get("isDelete"); d == true {
		return t.tr("删除", "deleted")
	}
	val, _ := o.get("value")
	cur, _ := val.(*object)
	var old *object
	if prev != nil {
		pv, _ := prev.get("value")
		old, _ = pv.(*object)
	}
	if cur == nil {
		return ""
	}
	if old == nil {
		return t.tr("创建", "created")
	}
	var parts []string
	if a, b := old.str("status"), cur.str("status"); a != b {
		parts = append(parts, t.tr("状态 %s→%s", "status %s→%s", t.cell("status", a, 20), t.cell("status", b, 20)))
	}
	var changed []string
	for _, k := range cur.keys {
		if k == "status" || metaKeys[k] {
			continue
		}
		if !sameJSON(cur.vals[k], old.vals[k]) {
			changed = append(changed, t.pathLabel(k))
		}
	}
	for _, k := range old.keys {
		if _, still := cur.vals[k]; !still && !metaKeys[k] && k != "status" {
			changed = append(changed, t.pathLabel(k))
		}
	}
	if len(changed) > 0 {
		parts = append(parts, t.tr("修改 %s", "changed %s", strings.Join(changed, t.tr("、", ", "))))
	}
	if len(parts) == 0 {
		return t.tr("（无变化）", "(no change)")
	}
	return truncateWidth(strings.Join(parts, t.tr("；", "; ")), 60)
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// empty reports a value not worth a row: null, "", an empty list or object, the zero time.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		if x == "" {
			return true
		}
		if tm, ok := parseTime(x); ok && tm.Year() <= 1 {
			return true
		}
	case []any:
		return len(x) == 0
	case *object:
		return len(x.keys) == 0
	}
	return false
}
