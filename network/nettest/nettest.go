// Package nettest gives integration tests a handle on the live network that `make up`
// (or `make test`) started: its topology, client connections as any profile, unique ids,
// and node control.
package nettest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/network"
)

var (
	once   sync.Once
	netErr error
	theNet *network.Net
)

// Root is the repository root, found from the test's working directory.
func Root() (string, error) {
	if r := os.Getenv("PDL_ROOT"); r != "" {
		return r, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "network", "topology.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("repository root not found above %s", dir)
		}
		dir = parent
	}
}

// Net returns the running network or fails the test: integration tests never run
// against nothing (make test starts the network first).
func Net(t testing.TB) *network.Net {
	t.Helper()
	once.Do(func() {
		root, err := Root()
		if err != nil {
			netErr = err
			return
		}
		path := os.Getenv("PDL_TOPOLOGY")
		if path == "" {
			path = filepath.Join(root, "network", "topology.yaml")
		}
		top, err := network.LoadTopology(path)
		if err != nil {
			netErr = err
			return
		}
		n := &network.Net{T: top, L: network.DefaultLayout(root)}
		st, err := n.LoadState()
		if err != nil || st == nil || !st.Ready {
			netErr = fmt.Errorf("the network is not up (state %v, err %v): run `make up` or `make test`", st, err)
			return
		}
		theNet = n
	})
	if netErr != nil {
		t.Fatal(netErr)
	}
	return theNet
}

// Session is shared by every client of the test process: a test that acts as one party
// and then as another reads what the first committed, whichever peers endorse.
var Session = client.NewSession()

// Client connects as a profile for the duration of the test, in the shared Session
// (an option may replace it).
func Client(t testing.TB, profile string, opts ...client.Option) *client.Client {
	t.Helper()
	n := Net(t)
	c, err := n.Connect(context.Background(), profile, append([]client.Option{client.WithSession(Session)}, opts...)...)
	if err != nil {
		t.Fatalf("connect as %s: %v", profile, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ID returns an id unique to this test run, so tests can run again on the same ledger.
func ID(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s-%s", prefix, time.Now().UTC().Format("150405"), hex.EncodeToString(b))
}

// USCC returns a fresh valid 统一社会信用代码 (random body, computed check character).
func USCC() string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	r := make([]byte, 9)
	_, _ = rand.Read(r)
	body := []byte("91440300")
	for _, b := range r {
		body = append(body, alphabet[int(b)%len(alphabet)])
	}
	c, err := model.USCCCheckChar(string(body))
	if err != nil {
		panic(err)
	}
	return string(body) + string(c)
}

// Bind binds the certificate of profile to participant, as the bureau admin, first
// unbinding it from whatever an earlier run bound it to.
func Bind(t testing.TB, ctx context.Context, bureau *client.Client, participant, profile string) {
	t.Helper()
	p, ok := Net(t).Profiles()[profile]
	if !ok {
		t.Fatalf("no profile %s", profile)
	}
	var who model.WhoAmI
	if err := Client(t, profile).Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
		t.Fatalf("whoami %s: %v", profile, err)
	}
	if who.Bound && who.Participant != nil && who.Participant.ID != participant {
		_, err := bureau.Submit(ctx, "Participant:UnbindIdentity", map[string]string{"id": ID("unbind"), "identityKey": who.IdentityKey, "reason": "test rebinding"})
		if err != nil {
			t.Fatalf("unbind %s: %v", profile, err)
		}
	}
	req, err := client.BindRequest(p, participant, ID("bind"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err = bureau.Submit(ctx, "Participant:BindIdentity", req); err != nil {
		t.Fatalf("bind %s to %s: %v", profile, participant, err)
	}
}

// WaitHeights waits until every peer reports the same channel height (at least min).
func WaitHeights(t testing.TB, min uint64, timeout time.Duration) uint64 {
	t.Helper()
	n := Net(t)
	ops, err := network.NewOps(n.T, n.L)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(timeout)
	for {
		var hs []uint64
		same := true
		for _, p := range n.T.Peers() {
			h := ops.Status(p).Height
			hs = append(hs, h)
			if h != hs[0] || h < min {
				same = false
			}
		}
		if same {
			return hs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("peer heights did not converge to >= %d within %s: %v", min, timeout, hs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Report writes a measurement to .run/reports/<name>.json for the README and CI logs.
func Report(t testing.TB, name string, v any) {
	t.Helper()
	dir := filepath.Join(Net(t).L.Run, "reports")
	_ = os.MkdirAll(dir, 0o755)
	raw, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, name+".json"), raw, 0o644); err != nil {
		t.Logf("report %s: %v", name, err)
	}
}
