package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Profile is everything needed to act as one identity on the network: which peer to talk
// to and how to trust it, the TLS client pair, the signing certificate and key, the
// channel and chaincode. `make up` writes one per identity to .run/profiles/<name>.json.
type Profile struct {
	Name          string `json:"name"`
	Org           string `json:"org"`
	MSPID         string `json:"mspId"`
	Role          string `json:"role,omitempty"` // a hint; what the identity may do is decided on chain
	User          string `json:"user"`
	PeerEndpoint  string `json:"peerEndpoint"`
	PeerHostname  string `json:"peerHostname,omitempty"` // TLS server name when it differs from the endpoint host
	TLSRootCert   string `json:"tlsRootCert"`
	TLSClientCert string `json:"tlsClientCert"`
	TLSClientKey  string `json:"tlsClientKey"`
	Cert          string `json:"cert"`
	Key           string `json:"key"`
	Channel       string `json:"channel"`
	Chaincode     string `json:"chaincode"`
	Explorer      string `json:"explorer,omitempty"` // base URL of the explorer API
	// OrdererTLSRoot and Orderers are informational (the gateway reaches orderers itself).
	Orderers []string `json:"orderers,omitempty"`
	// ChannelOrgs are the MSP ids of the channel's peer orgs: the peers read-your-writes
	// waits for (see Session). Discovery supplies them when absent.
	ChannelOrgs []string `json:"channelOrgs,omitempty"`
	// CommercialOrgs are the MSP ids of the commercial collection's members: the only
	// orgs a commercial request (trade, revenue figures) is sent to.
	CommercialOrgs []string `json:"commercialOrgs,omitempty"`
}

// ProfileDir is where profiles are looked up by name: $PDL_PROFILES, else the run
// directory's profiles folder found from the working directory upwards.
func ProfileDir() string {
	if d := os.Getenv("PDL_PROFILES"); d != "" {
		return d
	}
	if run := os.Getenv("PDL_RUN"); run != "" {
		return filepath.Join(run, "profiles")
	}
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, ".run", "profiles")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join(".run", "profiles")
		}
		dir = parent
	}
}

// ProfilePath is the file of a profile given by name (in ProfileDir) or by path: a name
// holds no path separator and does not end in .json.
func ProfilePath(nameOrPath string) string {
	if strings.ContainsAny(nameOrPath, `/\`) || strings.HasSuffix(nameOrPath, ".json") {
		return nameOrPath
	}
	return filepath.Join(ProfileDir(), nameOrPath+".json")
}

// LoadProfile loads a profile by name (from ProfileDir) or by file path.
func LoadProfile(nameOrPath string) (*Profile, error) {
	if nameOrPath == "" {
		return nil, errors.New("no profile given: use --profile NAME or set PDL_PROFILE (see .run/profiles after make up)")
	}
	path := ProfilePath(nameOrPath)
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("profile %q not found at %s (is the network up? run make up)", nameOrPath, path)
		}
		return nil, err
	}
	var p Profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	for field, v := range map[string]string{"mspId": p.MSPID, "peerEndpoint": p.PeerEndpoint, "tlsRootCert": p.TLSRootCert, "cert": p.Cert, "key": p.Key, "channel": p.Channel, "chaincode": p.Chaincode} {
		if v == "" {
			return nil, fmt.Errorf("profile %s: field %s is empty", path, field)
		}
	}
	return &p, nil
}

// Save writes the profile as JSON.
func (p *Profile) Save(path string) error {
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o600)
}
