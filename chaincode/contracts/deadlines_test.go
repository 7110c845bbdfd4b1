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
// in the console's obligations and the compliance report) either carries its Chinese
// words or has a label in the catalogue ("Deadline.<what>"). The texts are read from the
// contracts' source, so a new deadline cannot slip in English only.
func TestDeadline_EveryWhatReadsInChinese(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`(?:What: |Deadline\()"([^"]+)"`)
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
			if !strings.ContainsFunc(what, func(r rune) bool { return unicode.Is(unicode.Han, r) }) && model.ValueLabel("Deadline."+what) == "" {
				t.Errorf("%s: deadline %q has no Chinese words and no label Deadline.%s", f, what, what)
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
