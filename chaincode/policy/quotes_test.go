//go:build policytexts

package policy

// The policy texts themselves are not part of the repository, so this check is
// its own suite, built only with -tags policytexts: `make test-policy-texts`
// (and `make test` whenever the texts are found) runs it, and it fails rather
// than skips when a text is missing.

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// normalizeQuote makes quotes comparable across the seeds' mixed use of ASCII
// and full-width punctuation and their stray spaces ("10 个工作日").
func normalizeQuote(s string) string {
	r := strings.NewReplacer("，", ",", "（", "(", "）", ")", "：", ":", "；", ";", "、", "、")
	s = r.Replace(s)
	return strings.Join(strings.Fields(s), "")
}

// policyTextsDir is where the policy texts are: $PDL_POLICY_TEXTS, by default
// ../shared/seeds next to the repository.
func policyTextsDir() string {
	if dir := os.Getenv("PDL_POLICY_TEXTS"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "..", "shared", "seeds")
}

// TestProfile_QuotesAppearInSeed proves every quote is verbatim: it reads each
// preset's policy text from policyTextsDir and fails when a text is not there.
func TestProfile_QuotesAppearInSeed(t *testing.T) {
	dir := policyTextsDir()
	calData, err := calendarFS.ReadFile("calendars/cn-national.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			p := preset(t, name)
			file, ok := policyTextFiles[p.Document.Seed]
			if !ok {
				t.Fatalf("no text file known for the policy document %q", p.Document.Seed)
			}
			raw, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatalf("policy text not available (set PDL_POLICY_TEXTS to the directory of the texts): %v", err)
			}
			seed := normalizeQuote(string(raw))
			walkParams(reflect.ValueOf(p), "", func(f paramField) {
				if f.Param == nil {
					return
				}
				s := f.Param.src()
				text := seed
				if s.Doc != p.Document.Seed {
					text = normalizeQuote(string(calData))
				}
				for _, part := range strings.Split(s.Quote, "…") {
					if !strings.Contains(text, normalizeQuote(part)) {
						t.Errorf("%s: quote %q not found in %s", f.Path, part, s.Doc)
					}
				}
			})
			if !strings.Contains(seed, normalizeQuote(p.Document.Title)) && !strings.Contains(seed, normalizeQuote(strings.SplitN(p.Document.Title, "(", 2)[0])) {
				t.Errorf("title %q not found in the seed", p.Document.Title)
			}
		})
	}
}
