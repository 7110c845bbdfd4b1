// Package ca holds what pdl-ca, pdlnet and pdl share about an organization's certificate
// authority: the info file `make up` writes, the attributes person certificates carry, and
// pdl-ca's exit codes. It imports nothing of Fabric, so binaries that link fabric-gateway
// or contract-api may use it; fabric-sdk-go lives in package sdkca, linked by pdl-ca only.
package ca

import (
	"encoding/json"
	"fmt"
	"os"
)

// Info is an organization's CA as pdl-ca reaches it, written by `make up` to
// .run/ca/<org>/ca.json (0600: it names the registrar's secret file).
type Info struct {
	Org                 string   `json:"org"`
	MSPID               string   `json:"mspId"`
	URL                 string   `json:"url"`
	CAName              string   `json:"caName"`
	TLSCAName           string   `json:"tlsCaName"`
	TLSRootCert         string   `json:"tlsRootCert"` // the CA server's TLS certificate chains to it
	Registrar           string   `json:"registrar"`
	RegistrarSecretFile string   `json:"registrarSecretFile"`
	Affiliation         string   `json:"affiliation"`
	Hosts               []string `json:"hosts"` // SANs of TLS client certificates
	StoreDir            string   `json:"storeDir"`
	ProfilesDir         string   `json:"profilesDir"`
	IdentitiesDir       string   `json:"identitiesDir"`
	// Profile is the org's connection settings (a pdl profile without an identity): an
	// enrolled person's profile is this plus their certificate, key and TLS pair.
	Profile json.RawMessage `json:"profile"`
}

// LoadInfo reads an info file.
func LoadInfo(path string) (*Info, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var i Info
	if err := json.Unmarshal(raw, &i); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if i.URL == "" || i.MSPID == "" || i.TLSRootCert == "" {
		return nil, fmt.Errorf("%s: url, mspId and tlsRootCert are required", path)
	}
	return &i, nil
}
