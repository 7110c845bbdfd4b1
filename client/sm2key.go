package client

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pdledger/pdledger/chaincode/gm"
)

// SM2KeyPath is where the SM2 private key of the participant a profile acts for is kept:
// next to the profile's JSON file, as <profile>.sm2.pem. The SM2 key is the
// participant's, not the certificate's (the ledger registers its public half with the
// participant), so it is not part of the profile; keeping it beside the profile is what
// lets `pdl --sign`, the demo loader, the network bootstrap and the tests find the same
// key from the profile alone.
func SM2KeyPath(profilePath string) string {
	return strings.TrimSuffix(profilePath, ".json") + ".sm2.pem"
}

// LoadSM2Key reads an SM2 private key (PEM). A missing file is reported as such
// (errors.Is(err, fs.ErrNotExist)): for callers that sign only when a key is present.
func LoadSM2Key(path string) (*gm.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := gm.ParsePrivateKeyPEM(raw)
	if err != nil {
		return nil, fmt.Errorf("SM2 key %s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreateSM2Key returns the key at path, creating a new one there first (mode 0600)
// if there is none. Processes racing to create it end up with the same key: the file
// appears complete or not at all, and only the first creation wins.
func LoadOrCreateSM2Key(path string) (*gm.PrivateKey, error) {
	if k, err := LoadSM2Key(path); !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	k, err := gm.GenerateKey(nil)
	if err != nil {
		return nil, err
	}
	switch err := writeKey(path, k, false); {
	case errors.Is(err, fs.ErrExist):
		return LoadSM2Key(path)
	case err != nil:
		return nil, err
	}
	return k, nil
}

// SaveSM2Key writes k to path (mode 0600), replacing any key there: for a second profile
// that acts for the same participant and so signs with the same key.
func SaveSM2Key(path string, k *gm.PrivateKey) error { return writeKey(path, k, true) }

// writeKey writes the PEM to a temporary file first, so that no reader sees half a key;
// without replace it links it into place, which fails if path exists.
func writeKey(path string, k *gm.PrivateKey, replace bool) error {
	pemBytes, err := gm.MarshalPrivateKeyPEM(k)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // CreateTemp made it 0600
	if _, err := tmp.Write(pemBytes); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		return os.Rename(tmp.Name(), path)
	}
	return os.Link(tmp.Name(), path)
}
