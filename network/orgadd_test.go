package network

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOrgAdd_TopologyFileDescribesTheResult(t *testing.T) {
	raw, err := os.ReadFile("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "topology.yaml")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	top, err := LoadTopology(path)
	if err != nil {
		t.Fatal(err)
	}
	o, ids, err := NewOrgSpec(top, "Operator2", "operator")
	if err != nil {
		t.Fatal(err)
	}
	n := o.Nodes[0]
	if n.Port != 11051 || n.ChaincodePort != 11052 || n.CCaaSPort != 11059 || o.CA.Port != 11054 || n.OpsPort != 9454 || o.CA.OpsPort != 9455 || n.ProfilePort != 9550 {
		t.Fatalf("ports %+v CA %+v", n, o.CA)
	}
	got, err := AddOrgToTopologyFile(path, o, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.PeerOrgs()) != 5 || got.Org("Operator2") == nil || got.Org("Operator2").MSPID != "Operator2MSP" || strings.Join(got.PeerMSPIDs(), ",") == strings.Join(top.PeerMSPIDs(), ",") {
		t.Fatalf("orgs after add: %v", got.PeerMSPIDs())
	}
	if _, ok := (&Net{T: got, L: Layout{Run: "/run"}}).Profiles()["operator2"]; !ok {
		t.Fatal("no profile operator2")
	}
	after, _ := os.ReadFile(path)
	// every comment of the file is still there, and the org sits in the orgs list
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") && !strings.Contains(string(after), line) {
			t.Fatalf("comment lost: %q", line)
		}
	}
	orgsAt, idAt, newAt := strings.Index(string(after), "\norgs:"), strings.Index(string(after), "\nidentities:"), strings.Index(string(after), "- name: Operator2")
	if !(orgsAt < newAt && newAt < idAt) {
		t.Fatalf("Operator2 is not inside the orgs list:\n%s", after)
	}
	// and out again: the file is the original plus the retired MSP
	back, err := removeOrgFromTopologyText(string(after), "Operator2", "Operator2MSP")
	if err != nil {
		t.Fatal(err)
	}
	if want := string(raw) + "\n# Peer orgs removed from the channel (pdlnet org remove): their records stay on the\n# ledger, and their guard collections in the chaincode definition.\nretiredOrgs:\n  - Operator2MSP\n"; back != want {
		t.Fatalf("after remove:\n%s", back)
	}
	if err := os.WriteFile(path, []byte(back), 0o644); err != nil {
		t.Fatal(err)
	}
	retired, err := LoadTopology(path)
	if err != nil {
		t.Fatal(err)
	}
	colls, err := retired.collectionsConfig()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(colls), `"guardOperator2MSP"`) || strings.Contains(string(colls), "'Operator2MSP.") {
		t.Fatalf("the retired org's guard collection must stay, naming only current orgs:\n%s", colls)
	}
	if _, err := removeOrgFromTopologyText(back, "Operator2", "Operator2MSP"); err == nil {
		t.Fatal("removed twice")
	}
	if _, _, err := NewOrgSpec(got, "Operator2", "operator"); err == nil {
		t.Fatal("the same org twice")
	}
	for _, bad := range [][2]string{{"operator2", "operator"}, {"Op", "bureau"}, {"Op", "boss"}} {
		if _, _, err := NewOrgSpec(got, bad[0], bad[1]); err == nil {
			t.Fatalf("accepted %v", bad)
		}
	}
}
