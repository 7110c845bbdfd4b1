package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Format is an output format.
type Format string

// Output formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// ParseFormat validates -o.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case Table, JSON, YAML:
		return Format(s), nil
	}
	return "", usagef("-o %q: use table, json or yaml", s)
}

// Render writes a JSON answer in the chosen format.
func Render(w io.Writer, raw []byte, f Format) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		_, err := fmt.Fprintln(w, strings.TrimSpace(string(raw)))
		return err
	}
	switch f {
	case JSON:
		out, _ := json.MarshalIndent(v, "", "  ")
		_, err := fmt.Fprintln(w, string(out))
		return err
	case YAML:
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(toYAML(v)); err != nil {
			return err
		}
		return enc.Close()
	}
	return renderTable(w, v)
}

// toYAML turns json.Number into numbers yaml prints plainly.
func toYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = toYAML(e)
		}
	case []any:
		for i, e := range x {
			x[i] = toYAML(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// preferred columns for lists of records, in order.
var preferred = []string{"id", "name", "role", "status", "catalogue", "operator", "sourceUnit", "scenario", "kind", "amountFen", "version", "updatedAt"}

func renderTable(w io.Writer, v any) error {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	defer tw.Flush()
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			_, err := fmt.Fprintln(tw, "(none)")
			return err
		}
		cols := columns(x)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(cols, "\t")))
		for _, row := range x {
			m, _ := row.(map[string]any)
			cells := make([]string, len(cols))
			for i, c := range cols {
				cells[i] = cell(m[c], 40)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		return nil
	case map[string]any:
		if recs, ok := x["records"].([]any); ok && len(x) <= 2 {
			if err := renderTable(tw, recs); err != nil {
				return err
			}
			if bm, _ := x["bookmark"].(string); bm != "" {
				fmt.Fprintf(tw, "next page: --bookmark %s\n", bm)
			}
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.SliceStable(keys, func(i, j int) bool {
			return rank(keys[i]) < rank(keys[j]) || (rank(keys[i]) == rank(keys[j]) && keys[i] < keys[j])
		})
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\n", k, cell(x[k], 100))
		}
		return nil
	}
	_, err := fmt.Fprintln(tw, cell(v, 200))
	return err
}

func rank(k string) int {
	for i, p := range preferred {
		if p == k {
			return i
		}
	}
	return len(preferred)
}

func columns(rows []any) []string {
	first, _ := rows[0].(map[string]any)
	var cols []string
	for _, p := range preferred {
		if _, ok := first[p]; ok {
			cols = append(cols, p)
		}
	}
	if len(cols) >= 3 {
		return cols
	}
	var rest []string
	for k, v := range first {
		switch v.(type) {
		case map[string]any, []any:
			continue
		}
		if !contains(cols, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		if len(cols) >= 6 {
			break
		}
		cols = append(cols, k)
	}
	return cols
}

func cell(v any, max int) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		s = x
	case json.Number:
		s = x.String()
	case bool:
		s = fmt.Sprint(x)
	default:
		b, _ := json.Marshal(x)
		s = string(b)
	}
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max-1]) + "…"
	}
	return s
}
