package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestChannelList_AutoReadsTheRunDirectory(t *testing.T) {
	run := t.TempDir()
	if got, follow, err := channelList("auto", "pdl", run); err != nil || !follow || !slices.Equal(got, []string{"pdl"}) {
		t.Fatalf("no state.json: %v %v %v", got, follow, err)
	}
	state := `{"ready":true,"channels":{"qinhuangdao":"qinhuangdao","luohu":"luohu","Bad Name":"x","pdl":"longhua"}}`
	if err := os.WriteFile(filepath.Join(run, "state.json"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	// the profile's channel first, the others sorted, names that are no channel name left out
	if got, _, err := channelList("auto", "pdl", run); err != nil || !slices.Equal(got, []string{"pdl", "luohu", "qinhuangdao"}) {
		t.Fatalf("auto: %v %v", got, err)
	}
	if got, follow, err := channelList("luohu, pdl,luohu", "pdl", run); err != nil || follow || !slices.Equal(got, []string{"luohu", "pdl"}) {
		t.Fatalf("a list: %v %v %v", got, follow, err)
	}
	for _, bad := range []string{"", "Luohu", "luohu,../x"} {
		if _, _, err := channelList(bad, "pdl", run); err == nil {
			t.Errorf("--channels %q accepted", bad)
		}
	}
	if err := os.WriteFile(filepath.Join(run, "state.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := channelList("auto", "pdl", run); err == nil {
		t.Error("a broken state.json accepted")
	}
}
