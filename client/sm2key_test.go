package client

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestSM2Key_OneKeyPerProfile: the key lives next to the profile, is created once (0600)
// even by racing processes, and a missing key reads as fs.ErrNotExist.
func TestSM2Key_OneKeyPerProfile(t *testing.T) {
	dir := t.TempDir()
	path := SM2KeyPath(filepath.Join(dir, "operator.json"))
	if want := filepath.Join(dir, "operator.sm2.pem"); path != want {
		t.Fatalf("SM2KeyPath = %s, want %s", path, want)
	}
	if _, err := LoadSM2Key(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing key: %v", err)
	}
	keys := make([]string, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			k, err := LoadOrCreateSM2Key(path)
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = k.Public().EncodeHex()
		}(i)
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if k != keys[0] {
			t.Fatal("racing creators got different keys")
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	k, err := LoadSM2Key(path)
	if err != nil || k.Public().EncodeHex() != keys[0] {
		t.Fatalf("reload: %v", err)
	}
	other := SM2KeyPath(filepath.Join(dir, "operator-admin.json"))
	if err := SaveSM2Key(other, k); err != nil {
		t.Fatal(err)
	}
	if k2, err := LoadSM2Key(other); err != nil || k2.Public().EncodeHex() != keys[0] {
		t.Fatalf("copy: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(matches) > 0 {
		t.Fatalf("temporary files left: %v", matches)
	}
}
