package policy

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated table in README.md")

const (
	tableBegin = "<!-- BEGIN GENERATED TABLE: go test ./chaincode/policy -run TestREADME -update -->"
	tableEnd   = "<!-- END GENERATED TABLE -->"
)

// renderTable renders parameter × jurisdiction from the shipped presets, so
// the README cannot drift from the data the chaincode actually uses.
func renderTable(t *testing.T) string {
	var profiles []Profile
	for _, n := range Presets() {
		profiles = append(profiles, preset(t, n))
	}
	// Columns in the order of Docs, the order the project lists the documents.
	order := map[string]int{}
	for i, d := range Docs() {
		order[d.Title] = i
	}
	sort.Slice(profiles, func(i, j int) bool { return order[profiles[i].Document.Seed] < order[profiles[j].Document.Seed] })

	cells := make([]map[string]string, len(profiles))
	var rows []paramField
	for i, p := range profiles {
		cells[i] = map[string]string{}
		walkParams(reflect.ValueOf(p), "", func(f paramField) {
			if i == 0 {
				rows = append(rows, f)
			}
			if f.Param == nil {
				cells[i][f.Path] = "—"
				return
			}
			cells[i][f.Path] = fmt.Sprintf("**%s** (%s)", esc(f.Param.display()), esc(f.Param.src().Article))
		})
	}
	var b strings.Builder
	b.WriteString("| parameter | unit / values |")
	for _, p := range profiles {
		fmt.Fprintf(&b, " %s %s |", p.Jurisdiction.ZH, strings.SplitN(p.Jurisdiction.EN, " ", 2)[0])
	}
	b.WriteString("\n|---|---|")
	for range profiles {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, f := range rows {
		unit := f.Spec.unit
		switch {
		case len(f.Spec.enum) > 0:
			unit = strings.Join(f.Spec.enum, " \\| ")
		case f.Spec.calendar:
			unit = "calendar id"
		case f.Spec.hasRange:
			unit = fmt.Sprintf("%s, %d..%d", unit, f.Spec.min, f.Spec.max)
		case f.Type == "BoolParam":
			unit = "yes / no"
		case f.Type == "DateParam":
			unit = "date"
		case f.Type == "ListParam":
			unit = "list"
		}
		fmt.Fprintf(&b, "| `%s` | %s |", f.Path, unit)
		for i := range profiles {
			fmt.Fprintf(&b, " %s |", cells[i][f.Path])
		}
		b.WriteString("\n")
	}
	b.WriteString("\nPolicy documents: ")
	for i, p := range profiles {
		if i > 0 {
			b.WriteString("; ")
		}
		date := p.Document.Date
		if date == "" {
			date = "undated"
		}
		fmt.Fprintf(&b, "《%s》 (%s; %s, %s)", p.Document.Seed, p.Jurisdiction.ZH, p.Document.Status, date)
	}
	b.WriteString(".\n")
	return b.String()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func TestREADME_ParameterTableUpToDate(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(tableBegin))
	j := bytes.Index(readme, []byte(tableEnd))
	if i < 0 || j < i {
		t.Fatal("README.md lacks the generated-table markers")
	}
	want := tableBegin + "\n" + renderTable(t) + tableEnd
	got := string(readme[i : j+len(tableEnd)])
	if got == want {
		return
	}
	if !*update {
		t.Fatal("README.md parameter table is stale; run: go test ./chaincode/policy -run TestREADME -update")
	}
	out := append(append(append([]byte{}, readme[:i]...), want...), readme[j+len(tableEnd):]...)
	if err := os.WriteFile("README.md", out, 0o644); err != nil {
		t.Fatal(err)
	}
}
