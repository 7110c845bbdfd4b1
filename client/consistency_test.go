package client

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSession_ObserveKeepsTheHighestBlock: concurrent observations leave the highest
// block; block 0 counts as an observation.
func TestSession_ObserveKeepsTheHighestBlock(t *testing.T) {
	s := NewSession()
	if _, ok := s.Block(); ok {
		t.Fatal("a new session has seen a block")
	}
	s.Observe(0)
	if n, ok := s.Block(); !ok || n != 0 {
		t.Fatalf("after block 0: %d %v", n, ok)
	}
	var wg sync.WaitGroup
	for i := uint64(1); i <= 200; i++ {
		wg.Add(1)
		go func(n uint64) { defer wg.Done(); s.Observe(n) }(i)
	}
	wg.Wait()
	s.Observe(7)
	if n, _ := s.Block(); n != 200 {
		t.Fatalf("highest block %d, want 200", n)
	}
}

// TestSession_RequiredBlock: a call must see the later of the session's block and the
// one passed with AfterBlock; with neither (or a nil session) it waits for nothing.
func TestSession_RequiredBlock(t *testing.T) {
	c := &Client{session: NewSession()}
	ctx := context.Background()
	if _, ok := c.required(ctx); ok {
		t.Fatal("a fresh client requires a block")
	}
	c.session.Observe(10)
	if n, _ := c.required(ctx); n != 10 {
		t.Fatalf("required %d, want 10", n)
	}
	if n, _ := c.required(AfterBlock(ctx, 42)); n != 42 {
		t.Fatalf("with AfterBlock(42): %d", n)
	}
	if n, _ := c.required(AfterBlock(ctx, 3)); n != 10 {
		t.Fatalf("with AfterBlock(3): %d, want the session's 10", n)
	}
	off := &Client{}
	if _, ok := off.required(ctx); ok {
		t.Fatal("a client without a session requires a block")
	}
	if n, ok := off.required(AfterBlock(ctx, 5)); !ok || n != 5 {
		t.Fatalf("without a session, AfterBlock(5): %d %v", n, ok)
	}
}

// TestSession_UnreachableOrgNotAskedAgainAtOnce: an org whose peer just failed a height
// probe is left out of the next read-your-writes choices without another probe (a peer
// cut off the network costs the whole probe timeout each time), and asked again later.
func TestSession_UnreachableOrgNotAskedAgainAtOnce(t *testing.T) {
	c := &Client{session: NewSession(), opts: options{consistencyWait: time.Second}}
	c.session.Observe(10)
	c.learn("BureauMSP", 11)
	c.learn("OperatorMSP", 11)
	c.learn("ExchangeMSP", 11)
	c.setDown("SourceUnitMSP", true)
	// c has no gateway: a probe of SourceUnitMSP would panic
	got, err := c.awaitOrgs(context.Background(), 10, []string{"BureauMSP", "ExchangeMSP", "OperatorMSP", "SourceUnitMSP"})
	if err != nil || strings.Join(got, ",") != "BureauMSP,ExchangeMSP,OperatorMSP" {
		t.Fatalf("pinned %v, %v; want the three reachable orgs", got, err)
	}
	c.setDown("SourceUnitMSP", false)
	if c.recentlyDown("SourceUnitMSP") {
		t.Fatal("an org that answered again still counts as down")
	}
	c.setDown("OperatorMSP", true)
	c.hts.down["OperatorMSP"] = time.Now().Add(-time.Millisecond) // its time is up
	if c.recentlyDown("OperatorMSP") {
		t.Fatal("an org is left out past downFor")
	}
}
