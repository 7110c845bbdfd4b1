package network

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// tarGz builds a deterministic gzipped tar (fixed times and owners) so that packaging
// the same chaincode twice yields the same package id.
func tarGz(files map[string][]byte, order []string) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.ModTime = time.Unix(0, 0)
	tw := tar.NewWriter(gz)
	for _, name := range order {
		data := files[name]
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// connection is what the peer's external builder hands to the peer: where the org's
// chaincode server listens and how to authenticate to it (mutual TLS).
type connection struct {
	Address            string `json:"address"`
	DialTimeout        string `json:"dial_timeout"`
	TLSRequired        bool   `json:"tls_required"`
	ClientAuthRequired bool   `json:"client_auth_required"`
	ClientKey          string `json:"client_key"`
	ClientCert         string `json:"client_cert"`
	RootCert           string `json:"root_cert"`
}

// Package is one org's chaincode-as-a-service package.
type Package struct {
	Org   string
	Label string
	ID    string
	File  string
}

// BuildPackage writes the CCaaS package for the org whose first peer is n. Each org has
// its own package (its own chaincode server address and TLS material), so package ids
// differ per org; the chaincode definition (name, version, sequence, policy) is shared.
func BuildPackage(t *Topology, l Layout, n *Node, label string) (*Package, error) {
	c := NewCrypto(t, l)
	peerCert, peerKey := c.NodeTLS(n)
	read := func(p string) (string, error) {
		b, err := os.ReadFile(p)
		return string(b), err
	}
	conn := connection{Address: n.CCaaSAddr(), DialTimeout: "10s", TLSRequired: true, ClientAuthRequired: true}
	var err error
	if conn.ClientKey, err = read(peerKey); err != nil {
		return nil, err
	}
	if conn.ClientCert, err = read(peerCert); err != nil {
		return nil, err
	}
	if conn.RootCert, err = read(c.TLSCA(n.Org())); err != nil {
		return nil, err
	}
	cj, _ := json.MarshalIndent(conn, "", "  ")
	code, err := tarGz(map[string][]byte{"connection.json": cj}, []string{"connection.json"})
	if err != nil {
		return nil, err
	}
	meta, _ := json.Marshal(map[string]string{"type": "ccaas", "label": label})
	pkg, err := tarGz(map[string][]byte{"metadata.json": meta, "code.tar.gz": code}, []string{"metadata.json", "code.tar.gz"})
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(l.Run, "chaincode")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, fmt.Sprintf("%s-%s.tar.gz", label, strings.ToLower(n.Org().Name)))
	if err := os.WriteFile(file, pkg, 0o600); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pkg)
	return &Package{Org: n.Org().Name, Label: label, ID: label + ":" + hex.EncodeToString(sum[:]), File: file}, nil
}

func runPeer(l Layout, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command(l.Bin("peer"), args...)
	cmd.Env = append(baseEnv(), env...)
	cmd.Dir = l.Run
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("peer %s: %v\n%s", strings.Join(args[:min(3, len(args))], " "), err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// InstallPackage installs pkg on peer n (already installed is fine).
func InstallPackage(t *Topology, l Layout, n *Node, pkg *Package) error {
	out, err := runPeer(l, AdminEnv(t, l, n), "lifecycle", "chaincode", "install", pkg.File)
	if err != nil && !strings.Contains(string(out), "chaincode already successfully installed") {
		return err
	}
	return nil
}

// CommittedSequence returns the committed definition's sequence, 0 if none.
func CommittedSequence(t *Topology, l Layout) (int, string, error) {
	n := t.Peers()[0]
	out, err := runPeer(l, AdminEnv(t, l, n), "lifecycle", "chaincode", "querycommitted",
		"--channelID", t.Channel, "--name", t.Chaincode.Name, "-O", "json")
	if err != nil {
		if strings.Contains(string(out), "not found") || strings.Contains(string(out), "is not defined") {
			return 0, "", nil
		}
		return 0, "", err
	}
	var def struct {
		Sequence int    `json:"sequence"`
		Version  string `json:"version"`
	}
	if err := json.Unmarshal(out, &def); err != nil {
		return 0, "", fmt.Errorf("querycommitted output: %w: %s", err, out)
	}
	return def.Sequence, def.Version, nil
}

// Approve approves the definition for n's org.
func Approve(t *Topology, l Layout, n *Node, pkgID, version string, seq int) error {
	args := append([]string{"lifecycle", "chaincode", "approveformyorg"}, OrdererClientArgs(t, l, n.Org(), t.Orderers()[0])...)
	args = append(args, "--channelID", t.Channel, "--name", t.Chaincode.Name, "--version", version,
		"--package-id", pkgID, "--sequence", fmt.Sprint(seq), "--waitForEventTimeout", "60s")
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		// Right after the channel is created the orderers may still be electing a leader
		// ("no Raft leader"): retry for a while rather than fail the deploy.
		if _, err = runPeer(l, AdminEnv(t, l, n), args...); err == nil {
			return nil
		}
		if !retryableOrdererErr(err) {
			return err
		}
		time.Sleep(time.Second)
	}
	return err
}

func retryableOrdererErr(err error) bool {
	s := err.Error()
	for _, m := range []string{"no Raft leader", "SERVICE_UNAVAILABLE", "connection refused", "timed out waiting for txid", "failed to send transaction", "deadline exceeded"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// Commit commits the definition, endorsed by every peer org.
func Commit(t *Topology, l Layout, version string, seq int) error {
	first := t.Peers()[0]
	args := append([]string{"lifecycle", "chaincode", "commit"}, OrdererClientArgs(t, l, first.Org(), t.Orderers()[0])...)
	args = append(args, "--channelID", t.Channel, "--name", t.Chaincode.Name, "--version", version,
		"--sequence", fmt.Sprint(seq), "--waitForEventTimeout", "60s")
	c := NewCrypto(t, l)
	for _, p := range t.Peers() {
		args = append(args, "--peerAddresses", p.Addr(), "--tlsRootCertFiles", c.TLSCA(p.Org()))
	}
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		if _, err = runPeer(l, AdminEnv(t, l, first), args...); err == nil {
			return nil
		}
		if !retryableOrdererErr(err) {
			return err
		}
		time.Sleep(time.Second)
	}
	return err
}

// CCaaSName is the process name of an org's chaincode server.
func CCaaSName(o *Org) string { return "ccaas." + strings.ToLower(o.Name) }

// CCaaSEnv is the chaincode server's environment. contract-api v2.2.0 reads the package id
// from CORE_CHAINCODE_ID_NAME and the listen address from CHAINCODE_SERVER_ADDRESS; with
// TLS on, it uses the CORE_TLS_CLIENT_* pair as its server identity and
// CORE_PEER_TLS_ROOTCERT_FILE as the CA that peers' client certificates must chain to.
func CCaaSEnv(t *Topology, l Layout, n *Node, pkgID string) []string {
	c := NewCrypto(t, l)
	cert, key := c.CCaaSTLS(n.Org())
	return []string{
		"CORE_CHAINCODE_ID_NAME=" + pkgID,
		"CHAINCODE_SERVER_ADDRESS=" + n.CCaaSAddr(),
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_TLS_CLIENT_KEY_FILE=" + key,
		"CORE_TLS_CLIENT_CERT_FILE=" + cert,
		"CORE_PEER_TLS_ROOTCERT_FILE=" + c.TLSCA(n.Org()),
		"PDL_ORG=" + n.Org().Name,
	}
}

// BuildChaincode compiles the chaincode server into the run directory.
func BuildChaincode(l Layout, out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./chaincode/cmd/pdlcc")
	cmd.Dir = l.Root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build chaincode: %v\n%s", err, b)
	}
	return nil
}
