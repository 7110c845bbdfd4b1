package client

import (
	"context"
	"sync"
	"testing"
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
