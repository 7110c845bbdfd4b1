package network

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The unit a host runs starts exactly what pdlnet starts: same executable, arguments and
// environment, inside the org's namespace when the topology names one, after time sync.
func TestUnit_SameCommandAsPdlnetInTheOrgsNamespace(t *testing.T) {
	raw, err := os.ReadFile("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(raw), "    mspId: BureauMSP\n", "    mspId: BureauMSP\n    netns: pdl-bureau\n", 1)
	path := filepath.Join(t.TempDir(), "topology.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	top, err := LoadTopology(path)
	if err != nil {
		t.Fatal(err)
	}
	n := &Net{T: top, L: Layout{Root: "/srv/pdl", Run: "/srv/pdl/.run", FabBin: "/opt/fabric/bin"}}

	peer, err := n.ProcessCommand("peer0.bureau")
	if err != nil {
		t.Fatal(err)
	}
	if peer.Exe != "/opt/fabric/bin/peer" || strings.Join(peer.Args, " ") != "node start" || peer.Netns != "pdl-bureau" {
		t.Fatalf("peer command %+v", peer)
	}
	u := SystemdUnit(peer, n.L.Run)
	for _, want := range []string{
		"ExecStart=/usr/sbin/ip netns exec pdl-bureau /opt/fabric/bin/peer node start\n",
		"After=network-online.target time-sync.target\n",
		"WorkingDirectory=/srv/pdl/.run\n",
		"Environment=CORE_PEER_LOCALMSPID=BureauMSP\n",
		"Environment=CORE_PEER_ADDRESS=127.0.0.1:7051\n",
	} {
		if !strings.Contains(u, want) {
			t.Errorf("unit lacks %q:\n%s", want, u)
		}
	}
	// the default topology (no netns): the program itself
	ord, err := n.ProcessCommand("orderer1")
	if err != nil {
		t.Fatal(err)
	}
	if u := SystemdUnit(ord, n.L.Run); !strings.Contains(u, "ExecStart=/opt/fabric/bin/orderer\n") || !strings.Contains(u, "Environment=ORDERER_GENERAL_LISTENPORT=7150\n") {
		t.Errorf("orderer unit:\n%s", u)
	}
	ca, err := n.ProcessCommand("ca.sourceunit")
	if err != nil || ca.Exe != "/opt/fabric/bin/fabric-ca-server" || ca.Args[0] != "start" {
		t.Fatalf("ca command %+v, %v", ca, err)
	}
	if _, err := n.ProcessCommand("peer9.nowhere"); err == nil || !strings.Contains(err.Error(), "peer0.bureau") {
		t.Fatalf("an unknown name: %v", err)
	}
}

func TestUnit_QuotingForSystemd(t *testing.T) {
	for in, want := range map[string]string{
		"A=b":       "A=b",
		"A=b c":     `"A=b c"`,
		`A=50%`:     `"A=50%%"`,
		`A="q"`:     `"A=\"q\""`,
		`A=$HOME`:   `"A=$$HOME"`,
		`A=C:\path`: `"A=C:\\path"`,
	} {
		if got := systemdQuote(in); got != want {
			t.Errorf("systemdQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
