package network

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	colls, err := writeCollections(t, l)
	if err != nil {
		return err
	}
	args := append([]string{"lifecycle", "chaincode", "approveformyorg"}, OrdererClientArgs(t, l, n.Org(), t.Orderers()[0])...)
	args = append(args, "--channelID", t.Channel, "--name", t.Chaincode.Name, "--version", version,
		"--package-id", pkgID, "--sequence", fmt.Sprint(seq), "--waitForEventTimeout", "60s", "--collections-config", colls)
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
	colls, err := writeCollections(t, l)
	if err != nil {
		return err
	}
	first := t.Peers()[0]
	args := append([]string{"lifecycle", "chaincode", "commit"}, OrdererClientArgs(t, l, first.Org(), t.Orderers()[0])...)
	args = append(args, "--channelID", t.Channel, "--name", t.Chaincode.Name, "--version", version,
		"--sequence", fmt.Sprint(seq), "--waitForEventTimeout", "60s", "--collections-config", colls)
	c := NewCrypto(t, l)
	for _, p := range t.Peers() {
		args = append(args, "--peerAddresses", p.Addr(), "--tlsRootCertFiles", c.TLSCA(p.Org()))
	}
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
//
// The PDL_* settings are the org's own (see contracts.SettingsFromEnv): its clock window,
// whether it allows a replay session, the bench baseline, who may bootstrap the ledger
// and the channel's orgs.
func CCaaSEnv(t *Topology, l Layout, n *Node, st *State) ([]string, error) {
	c := NewCrypto(t, l)
	cert, key := c.CCaaSTLS(n.Org())
	admin, err := t.BootstrapAdminSHA256(l)
	if err != nil {
		return nil, err
	}
	indexer, err := t.IndexerSHA256(l)
	if err != nil {
		return nil, err
	}
	env := []string{
		"CORE_CHAINCODE_ID_NAME=" + st.PackageIDs[n.Org().Name],
		"CHAINCODE_SERVER_ADDRESS=" + n.CCaaSAddr(),
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_TLS_CLIENT_KEY_FILE=" + key,
		"CORE_TLS_CLIENT_CERT_FILE=" + cert,
		"CORE_PEER_TLS_ROOTCERT_FILE=" + c.TLSCA(n.Org()),
		"PDL_ORG=" + n.Org().Name,
		"PDL_TX_TIME_WINDOW=" + n.Org().Window(),
		"PDL_BOOTSTRAP_MSP=" + t.BureauOrg().MSPID,
		"PDL_BOOTSTRAP_ADMIN=" + admin,
		"PDL_ORGS=" + strings.Join(t.PeerMSPIDs(), ","),
		"PDL_AUDITORS=" + indexer,
		"PDL_MSP=" + n.Org().MSPID,
		"PDL_COMMERCIAL_ORGS=" + strings.Join(t.CommercialMSPIDs(), ","),
	}
	if t.Chaincode.Replay == "allowed" {
		env = append(env, "PDL_REPLAY=allowed")
	}
	if st.Bench {
		// named as the server's process (and pid file) is: ccaas.<org>.sock
		sock := filepath.Join(l.Run, "pprof", CCaaSName(n.Org())+".sock")
		if err := os.MkdirAll(filepath.Dir(sock), 0o700); err != nil {
			return nil, err
		}
		env = append(env, "PDL_BENCH=on", "PDL_PPROF_SOCKET="+sock)
	}
	return env, nil
}

// Window is the org's chaincode time window (default 5m).
func (o *Org) Window() string {
	if o.TimeWindow == "" {
		return "5m"
	}
	return o.TimeWindow
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

// collectionsConfig is the chaincode definition's private data collections: one
// "guard<MSP>" per peer org holding the creation markers of the records that org owns.
// Its endorsement policy — the owner's peer and a majority with the others — applies to
// every write into it, new keys included, which is what makes a record's creation need
// its owner (see chaincode/contracts/owner.go). Every org is a member: the markers hide
// nothing, and every peer can check them.
func (t *Topology) collectionsConfig() ([]byte, error) {
	msps := t.PeerMSPIDs()
	members := make([]string, len(msps))
	for i, m := range msps {
		members[i] = "'" + m + ".member'"
	}
	type coll struct {
		Name              string            `json:"name"`
		Policy            string            `json:"policy"`
		RequiredPeerCount int               `json:"requiredPeerCount"`
		MaxPeerCount      int               `json:"maxPeerCount"`
		BlockToLive       int               `json:"blockToLive"`
		MemberOnlyRead    bool              `json:"memberOnlyRead"`
		MemberOnlyWrite   bool              `json:"memberOnlyWrite"`
		EndorsementPolicy map[string]string `json:"endorsementPolicy,omitempty"`
	}
	var out []coll
	for _, owner := range msps {
		var others []string
		for _, m := range msps {
			if m != owner {
				others = append(others, "'"+m+".peer'")
			}
		}
		ep := "'" + owner + ".peer'"
		if need := (len(others)+1)/2 + 1 - 1; need > 0 && len(others) > 0 {
			ep = fmt.Sprintf("AND('%s.peer', OutOf(%d, %s))", owner, need, strings.Join(others, ", "))
		}
		out = append(out, coll{Name: "guard" + owner, Policy: "OR(" + strings.Join(members, ", ") + ")", RequiredPeerCount: 0,
			MaxPeerCount: len(t.Peers()) - 1, EndorsementPolicy: map[string]string{"signaturePolicy": ep}})
	}
	// A retired org's guard collection stays (a collection cannot be dropped): the
	// remaining orgs hold its markers, and no org alone may write into it.
	var allPeers []string
	for _, m := range msps {
		allPeers = append(allPeers, "'"+m+".peer'")
	}
	for _, retired := range t.RetiredOrgs {
		out = append(out, coll{Name: "guard" + retired, Policy: "OR(" + strings.Join(members, ", ") + ")", RequiredPeerCount: 0,
			MaxPeerCount: len(t.Peers()) - 1, EndorsementPolicy: map[string]string{"signaturePolicy": "AND(" + strings.Join(allPeers, ", ") + ")"}})
	}
	// The commercial fields (chaincode/model/commercial.go): only the members' peers hold
	// them, only members' clients read or write them, kept for as long as the ledger.
	// Writes need the chaincode's endorsement policy (a majority) like any other.
	// Writes into it need every member org's peer (a collection endorsement policy, which
	// also covers new keys and purges): two orgs that together make a majority could
	// otherwise overwrite or purge the third's entries with a modified chaincode server.
	// Every commercial transaction is endorsed by all members anyway (the client pins it).
	var cm, cp []string
	peers := 0
	for _, name := range t.Chaincode.CommercialOrgs {
		o := t.Org(name)
		cm = append(cm, "'"+o.MSPID+".member'")
		cp = append(cp, "'"+o.MSPID+".peer'")
		peers += len(o.Nodes)
	}
	out = append(out, coll{Name: "commercial", Policy: "OR(" + strings.Join(cm, ", ") + ")", RequiredPeerCount: 0,
		MaxPeerCount: peers - 1, MemberOnlyRead: true, MemberOnlyWrite: true,
		EndorsementPolicy: map[string]string{"signaturePolicy": "AND(" + strings.Join(cp, ", ") + ")"}})
	return json.MarshalIndent(out, "", "  ")
}

// writeCollections writes the collections config for the lifecycle commands.
func writeCollections(t *Topology, l Layout) (string, error) {
	raw, err := t.collectionsConfig()
	if err != nil {
		return "", err
	}
	// Approvals run at once and each peer CLI reads the file: replace it atomically so
	// that none reads it half-written.
	path := filepath.Join(l.ConfigDir(), "collections.json")
	tmp, err := os.CreateTemp(l.ConfigDir(), "collections-*.json")
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(raw)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}
