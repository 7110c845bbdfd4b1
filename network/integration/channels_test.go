//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network/nettest"
)

// Two more jurisdictions join a running network as channels of their own (pdlnet channel
// add): each gets its own ledger with its own policy profile, the bureau is bootstrapped
// on it, records filed on one channel do not exist on another, and pdl -C acts on it.
func TestChannels_EachJurisdictionItsOwnLedgerAndProfile(t *testing.T) {
	ctx := context.Background()
	n, topo, pdlnet := secondNetwork(t, 5000, withoutChannels)
	main := connectTo(t, n, "bureau-admin")
	if _, err := main.Submit(ctx, "Profile:Set", map[string]any{"id": nettest.ID("profile"), "preset": "longhua", "reason": "龙华区通道"}); err != nil {
		t.Fatalf("set the first channel's profile: %v", err)
	}
	presets := map[string]string{"luohu": "luohu", "qhd": "qinhuangdao"}
	for _, ch := range []string{"luohu", "qhd"} {
		t.Log(strings.TrimSpace(lastLine(pdlnet("channel", "add", ch, "--preset", presets[ch]))))
	}
	if out := pdlnet("channel", "list"); !strings.Contains(out, "luohu") || !strings.Contains(out, "qinhuangdao") {
		t.Fatalf("channel list:\n%s", out)
	}

	on := func(ch string) *client.Client {
		c, err := n.OnChannel(ch).Connect(ctx, "bureau-admin", client.WithSession(client.NewSession()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	clients := map[string]*client.Client{n.T.Channel: main, "luohu": on("luohu"), "qhd": on("qhd")}
	want := map[string]string{n.T.Channel: "longhua", "luohu": "luohu", "qhd": "qinhuangdao"}
	for ch, c := range clients {
		var p model.ProfileRecord
		if err := c.Evaluate(ctx, "Profile:Get", nil, &p); err != nil || p.Basis != want[ch] {
			t.Fatalf("channel %s: profile %q (v%d), %v; want %s", ch, p.Basis, p.ProfileVersion, err, want[ch])
		}
		var cfg model.NetworkConfig
		if err := c.Evaluate(ctx, "Participant:Config", nil, &cfg); err != nil || cfg.BureauMSP != "BureauMSP" || len(cfg.Orgs) != len(n.T.PeerOrgs()) {
			t.Fatalf("channel %s: bootstrapped as %+v, %v", ch, cfg, err)
		}
	}

	// a record filed on one jurisdiction's channel exists on no other
	id := nettest.ID("lh-su")
	if _, err := clients["luohu"].Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{Request: model.Request{ID: id},
		Role: model.RoleSourceUnit, Name: "罗湖区某数源单位", USCC: nettest.USCC(), MSPID: "SourceUnitMSP"}); err != nil {
		t.Fatalf("register on luohu: %v", err)
	}
	for ch, c := range clients {
		var p model.Participant
		err := c.Evaluate(ctx, "Participant:Get", model.Ref{ID: id}, &p)
		switch {
		case ch == "luohu" && (err != nil || p.ID != id):
			t.Fatalf("on luohu itself: %+v, %v", p, err)
		case ch != "luohu" && model.CodeOf(err) != model.CodeNotFound:
			t.Fatalf("the luohu participant on channel %s: %+v, %v (want NOT_FOUND)", ch, p, err)
		}
	}

	// pdl -C: the same profile acts on the chosen jurisdiction's channel
	dir := t.TempDir()
	pdl := filepath.Join(dir, "pdl")
	build := exec.Command("go", "build", "-o", pdl, "./client/cmd/pdl")
	build.Dir = n.L.Root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build pdl: %v\n%s", err, out)
	}
	for ch, preset := range want {
		cmd := exec.Command(pdl, "-p", "bureau-admin", "-C", ch, "-o", "json", "profile", "get")
		cmd.Env = append(os.Environ(), "PDL_PROFILES="+filepath.Join(filepath.Dir(topo), "run", "profiles"), "LANG=zh_CN.UTF-8")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pdl -C %s profile get: %v\n%s", ch, err, out)
		}
		var p model.ProfileRecord
		if err := json.Unmarshal(out, &p); err != nil || p.Basis != preset {
			t.Fatalf("pdl -C %s profile get: basis %q, %v\n%s", ch, p.Basis, err, out)
		}
	}
	// a channel name pdlnet would never create is refused before anything is sent
	cmd := exec.Command(pdl, "-p", "bureau-admin", "-C", "Luohu!", "profile", "get")
	cmd.Env = append(os.Environ(), "PDL_PROFILES="+filepath.Join(filepath.Dir(topo), "run", "profiles"))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "Luohu!") {
		t.Fatalf("pdl -C with a bad name: %v\n%s", err, out)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}
