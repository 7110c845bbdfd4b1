package contracts

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestRules_EveryRuleHasATest: each rule's test carries its name, so the table in
// docs/rules.md points at real tests.
func TestRules_EveryRuleHasATest(t *testing.T) {
	files, _ := filepath.Glob("*_test.go")
	tests := map[string]bool{}
	re := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]+)\(t \*testing\.T\)`)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
			tests[m[1]] = true
		}
	}
	for _, r := range model.Rules() {
		if !tests["Test"+r.Name] {
			t.Errorf("rule %s has no test named Test%s", r.Code, r.Name)
		}
	}
}

// TestRules_DocIsCurrent: docs/rules.md matches the registered rules.
func TestRules_DocIsCurrent(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "rules.md"))
	if err != nil {
		t.Fatalf("docs/rules.md: %v (run: go run ./chaincode/cmd/rulesdoc > docs/rules.md)", err)
	}
	if string(raw) != RulesMarkdown() {
		t.Fatal("docs/rules.md is stale: run go run ./chaincode/cmd/rulesdoc > docs/rules.md")
	}
}
