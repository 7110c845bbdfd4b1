package client

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestFunctionsGen_Current: the typed methods cover every function of the table.
func TestFunctionsGen_Current(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen.go")
	cmd := exec.Command("go", "run", "./internal/gen", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	want, _ := os.ReadFile(out)
	have, _ := os.ReadFile("functions_gen.go")
	if string(want) != string(have) {
		t.Fatal("client/functions_gen.go is stale: run go generate ./client")
	}
}
