package cli

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/chaincode/model"
)

// TestExamples_EveryVerbHasOneThatParses: every function verb has an example; every
// example of every command names a real command and real flags with values that parse;
// a function's example builds a request the chaincode's decoder accepts (no INPUT_*
// refusal: its shape is right, so exit 2 cannot happen live); every sample file named
// for a JSON-valued flag exists and has that flag's shape.
func TestExamples_EveryVerbHasOneThatParses(t *testing.T) {
	t.Chdir("../..") // examples name docs/examples/... from the repository root
	root := Root(&App{Lang: model.EN})
	for _, f := range model.Functions() {
		if len(functionExamples[f.Name]) == 0 {
			t.Errorf("%s has no example", f.Name)
		}
	}
	exs := HelpExamples(root)
	if len(exs) < len(model.Functions()) {
		t.Fatalf("%d examples", len(exs))
	}
	for _, ex := range exs {
		root := Root(&App{Lang: model.EN})
		cmd, rest, err := root.Find(ex.Args)
		if err != nil || cmd == root {
			t.Errorf("%s: %v names no command (%v)", ex.Command, ex.Args, err)
			continue
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Errorf("pdl %s: %v", strings.Join(ex.Args, " "), err)
			continue
		}
		if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
			t.Errorf("pdl %s: %v", strings.Join(ex.Args, " "), err)
			continue
		}
		if err := cmd.ValidateRequiredFlags(); err != nil {
			t.Errorf("pdl %s: %v", strings.Join(ex.Args, " "), err)
			continue
		}
		fn, ok := model.Function(cmd.Annotations["function"])
		if !ok {
			continue
		}
		file, _ := cmd.Flags().GetString("file")
		obj, _, err := BuildRequest(cmd.Flags(), fieldsIn(fn.Request, model.EN), fn.Request, file, nil)
		if err != nil {
			t.Errorf("pdl %s: %v", strings.Join(ex.Args, " "), err)
			continue
		}
		raw, _ := json.Marshal(obj)
		if err := model.Decode(raw, reflect.New(fn.Request).Interface()); err != nil {
			t.Errorf("pdl %s: the chaincode would refuse its shape: %v", strings.Join(ex.Args, " "), err)
		}
	}
	for key, path := range samples {
		fnName, fieldName, _ := strings.Cut(key, ".")
		fn, _ := model.Function(fnName)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("sample %s: %v", path, err)
			continue
		}
		for _, f := range fieldsIn(fn.Request, model.EN) {
			if f.JSON != fieldName {
				continue
			}
			v := reflect.New(f.Type).Interface()
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Errorf("sample %s for %s: %v", path, key, err)
			}
		}
	}
}

// TestHelp_JSONFlagsDocumentTheirShape: a JSON-valued flag's help shows its shape, and
// the command's help names the sample file.
func TestHelp_JSONFlagsDocumentTheirShape(t *testing.T) {
	root := Root(&App{Lang: model.EN})
	cmd, _, _ := root.Find([]string{"product", "review"})
	if u := cmd.Flags().Lookup("checks").Usage; !strings.Contains(u, `"purposeScopeMatch":{"passed":true|false`) {
		t.Fatalf("--checks usage: %s", u)
	}
	if !strings.Contains(cmd.Long, "docs/examples/product-review.checks.json") {
		t.Fatalf("product review help names no sample:\n%s", cmd.Long)
	}
	cmd, _, _ = root.Find([]string{"application", "submit"})
	if !strings.Contains(cmd.Flags().Lookup("data-list").Usage, `"resource":"<id>"`) || !strings.Contains(cmd.Long, "application-submit.data-list.json") {
		t.Fatalf("--data-list: %s\n%s", cmd.Flags().Lookup("data-list").Usage, cmd.Long)
	}
}

// TestHelp_IDSaysWhatItIs: --id says whether it is the record's id or a request id, on
// every verb that has it.
func TestHelp_IDSaysWhatItIs(t *testing.T) {
	root := Root(&App{Lang: model.EN})
	for _, c := range allCommands(root) {
		fn, ok := model.Function(c.Annotations["function"])
		id := c.Flags().Lookup("id")
		if !ok || id == nil {
			continue
		}
		switch {
		case !fn.Write && !strings.HasPrefix(id.Usage, "record id"):
			t.Errorf("%s --id: %s", fn.Name, id.Usage)
		case fn.Write && !strings.HasPrefix(id.Usage, "request id"):
			t.Errorf("%s --id: %s", fn.Name, id.Usage)
		case fn.Write && creates[fn.Name] && !strings.Contains(id.Usage, "new record's id"):
			t.Errorf("%s creates a record: --id: %s", fn.Name, id.Usage)
		case fn.Write && !creates[fn.Name] && !strings.Contains(id.Usage, "not the record"):
			t.Errorf("%s --id: %s", fn.Name, id.Usage)
		}
	}
}

func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, s := range c.Commands() {
		out = append(out, allCommands(s)...)
	}
	return out
}
