package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

// pdl identity <verb> runs pdl-ca <verb> with the same arguments and exits with its code,
// printing nothing of its own over pdl-ca's message.
func TestIdentity_CAVerbsRunPdlCA(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "pdl-ca")
	script := "#!/bin/sh\necho \"args: $*\"\necho 'pdl-ca register: UNKNOWN_ATTRIBUTE: 未知属性' >&2\nexit 2\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PDL_CA", fake)
	for _, verb := range caVerbs {
		var out, errb bytes.Buffer
		code := Execute(t.Context(), &App{Lang: model.EN, Stdout: &out, Stderr: &errb}, []string{"identity", verb[0], "--org", "SourceUnit", "--attr", "x=y"})
		if code != 2 {
			t.Fatalf("%s: exit %d, want pdl-ca's 2", verb[0], code)
		}
		if got := strings.TrimSpace(out.String()); got != "args: "+verb[0]+" --org SourceUnit --attr x=y" {
			t.Fatalf("%s: pdl-ca got %q", verb[0], got)
		}
		if strings.TrimSpace(errb.String()) != "pdl-ca register: UNKNOWN_ATTRIBUTE: 未知属性" {
			t.Fatalf("%s: stderr %q: pdl must add nothing to pdl-ca's message", verb[0], errb.String())
		}
	}
	t.Setenv("PDL_CA", filepath.Join(dir, "missing"))
	var out, errb bytes.Buffer
	if code := Execute(t.Context(), &App{Lang: model.EN, Stdout: &out, Stderr: &errb}, []string{"identity", "list", "--org", "SourceUnit"}); code != ExitLocal || !strings.Contains(errb.String(), "pdl-ca") {
		t.Fatalf("missing pdl-ca: exit %d, %q", code, errb.String())
	}
}
