package network

import (
	"os"
	"strings"
	"testing"
)

// The topology's channels: names by the channel rule, each once and not the first
// channel's, presets that exist.
func TestTopology_ChannelsValidated(t *testing.T) {
	raw, err := os.ReadFile("topology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for bad, want := range map[string]string{
		"  - {name: Luohu, preset: luohu}":       "lower-case",
		"  - {name: pdl, preset: luohu}":         "named twice",
		"  - {name: futian, preset: futian}":     "named twice",
		"  - {name: pingshan, preset: shenzhen}": "shenzhen",
		"  - {name: pingshan, preset: longhua, bureau: {name: 深圳市坪山区政务服务和数据管理局}}": "name and uscc go together",
	} {
		text := strings.Replace(string(raw), "\nchannels:\n", "\nchannels:\n"+bad+"\n", 1)
		if text == string(raw) {
			t.Fatal("topology.yaml has no channels: list")
		}
		path := t.TempDir() + "/topology.yaml"
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadTopology(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %q", bad, err, want)
		}
	}
}
