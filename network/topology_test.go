package network

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTopology_RegionNamedInEveryCA: every org's CA section of cryptogen's input names the
// topology's country, province and city; a topology without a region is refused.
func TestTopology_RegionNamedInEveryCA(t *testing.T) {
	top, err := LoadTopology("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := top.cryptoConfig()
	want := "    CA:\n      Country: \"CN\"\n      Province: \"广东省\"\n      Locality: \"深圳市\"\n"
	if n := strings.Count(cfg, want); n != len(top.Orgs) {
		t.Fatalf("%d of %d orgs name the region:\n%s", n, len(top.Orgs), cfg)
	}
	raw, err := os.ReadFile("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "region:") {
			kept = append(kept, line)
		}
	}
	f := filepath.Join(t.TempDir(), "topology.yaml")
	if err := os.WriteFile(f, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTopology(f); err == nil || !strings.Contains(err.Error(), "region") {
		t.Fatalf("a topology without a region: %v", err)
	}
}
