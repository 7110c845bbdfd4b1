package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Each channel is a ledger of its own: its store has its own checkpoint and records, and
// reopening finds each where it was.
func TestStore_EachChannelItsOwnIndex(t *testing.T) {
	enginesDSN(t, func(t *testing.T, first *Store, dsn string) {
		ctx := context.Background()
		luohu, err := OpenChannel(ctx, dsn, "luohu", false)
		if err != nil {
			t.Fatal(err)
		}
		defer luohu.Close()
		for n := uint64(0); n < 3; n++ {
			if err := first.ApplyBlock(ctx, block(n, rec(model.KindResource, "longhua-r", int(n)+1, true))); err != nil {
				t.Fatal(err)
			}
		}
		if next, _, err := luohu.Checkpoint(ctx); err != nil || next != 0 {
			t.Fatalf("luohu's checkpoint after 3 blocks on the first channel: next %d, %v; want 0", next, err)
		}
		if _, err := luohu.Record(ctx, string(model.KindResource), "longhua-r"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the first channel's record read on luohu: %v", err)
		}
		// luohu's block 0 is not the first channel's block 0: its own chain starts over
		if err := luohu.ApplyBlock(ctx, block(0, rec(model.KindResource, "luohu-r", 1, true))); err != nil {
			t.Fatal(err)
		}
		luohu.Close()
		again, err := OpenChannel(ctx, dsn, "luohu", false)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if next, _, _ := again.Checkpoint(ctx); next != 1 {
			t.Fatalf("luohu reopened: next %d, want 1", next)
		}
		if _, err := again.Record(ctx, string(model.KindResource), "luohu-r"); err != nil {
			t.Fatalf("luohu's record after reopening: %v", err)
		}
		if next, _, _ := first.Checkpoint(ctx); next != 3 {
			t.Fatalf("first channel next %d, want 3", next)
		}
		if _, err := first.Record(ctx, string(model.KindResource), "luohu-r"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("luohu's record read on the first channel: %v", err)
		}
	})
}

// A store indexes one channel: opened for another, it refuses.
func TestStore_HoldsOneChannelsIndex(t *testing.T) {
	enginesDSN(t, func(t *testing.T, first *Store, dsn string) {
		ctx := context.Background()
		s, err := OpenChannel(ctx, dsn, "pdl", true)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := OpenChannel(ctx, dsn, "pdl.renamed", true); err == nil || !strings.Contains(err.Error(), `"pdl"`) {
			t.Fatalf("the first channel's store opened for another channel: %v", err)
		}
		lh, err := OpenChannel(ctx, dsn, "luohu", false)
		if err != nil {
			t.Fatal(err)
		}
		lh.Close()
		if s, err = OpenChannel(ctx, dsn, "pdl", true); err != nil {
			t.Fatalf("reopened for its own channel: %v", err)
		}
		s.Close()
	})
}

func TestStore_ChannelNameChecked(t *testing.T) {
	for _, bad := range []string{"", "Luohu", "a;drop", "../x", "罗湖", `x"y`} {
		if _, err := OpenChannel(context.Background(), "sqlite:"+t.TempDir()+"/i.db", bad, false); err == nil || !strings.Contains(err.Error(), "not a channel name") {
			t.Errorf("channel %q: %v", bad, err)
		}
	}
	if d, _ := ChannelDSN("sqlite:/x/index.db", "luohu"); d != "sqlite:/x/index.luohu.db" {
		t.Errorf("sqlite: %s", d)
	}
	if d, _ := ChannelDSN("postgres://u@h:5/db?sslmode=disable", "guang-dong"); !strings.Contains(d, "search_path=pdl_ch_guang_dong") || !strings.Contains(d, "sslmode=disable") {
		t.Errorf("postgres: %s", d)
	}
	if _, err := ChannelDSN("postgres://u@h/db?search_path=x", "luohu"); err == nil {
		t.Error("a DSN with its own search_path accepted")
	}
	for _, mem := range []string{"sqlite::memory:", "sqlite:", "sqlite:file:x.db"} {
		if _, err := ChannelDSN(mem, "luohu"); err == nil {
			t.Errorf("%s accepted for a second channel", mem)
		}
	}
}
