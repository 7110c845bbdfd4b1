package contracts

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestDeadline_EveryWhatReadsInChinese: what a deadline asks (model.Deadline.What, shown
// in the console's obligations and the compliance report) reads in Chinese alone through
// model.DeadlineLabel: a catalogue label ("Deadline.<what>") or its Chinese words in
// parentheses. The texts are read from the contracts' source (literals and formats), so
// a new deadline written in English only fails here.
func TestDeadline_EveryWhatReadsInChinese(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	// a literal given as What, to a deadline helper, or formatted into a what variable
	re := regexp.MustCompile(`(?:What: |Deadline\(|what :?= [^\n]*?fmt\.Sprintf\()"([^"]+)"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
			what := m[1]
			seen++
			if strings.HasSuffix(what, " ") { // a prefix completed at run time ("answer to a "+kind)
				continue
			}
			if l := model.DeadlineLabel(what); !strings.ContainsFunc(l, func(r rune) bool { return unicode.Is(unicode.Han, r) }) ||
				strings.ContainsFunc(l, func(r rune) bool { return r < unicode.MaxASCII && unicode.IsLetter(r) }) {
				t.Errorf("%s: deadline %q reads %q in Chinese: label it (Deadline.%s) or give it its Chinese words in parentheses", f, what, l, what)
			}
		}
	}
	if seen < 6 {
		t.Fatalf("found %d deadline texts; the pattern no longer matches the source", seen)
	}
	for _, k := range model.CaseKind("").Values() {
		if model.ValueLabel("Deadline.answer to a "+k) == "" {
			t.Errorf("no label for the answer to a %s", k)
		}
	}
}
