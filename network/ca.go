package network

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	pdlca "github.com/pdledger/pdledger/client/ca"
)

// CA is a peer org's fabric-ca-server. One process serves two CA instances: "ca", which
// issues person identities (enrollment certificates with pdl.* attributes), and "tlsca",
// which issues their TLS client certificates. Both sign with the keys cryptogen created
// for the org, so the channel's MSP and every node's TLS trust already cover what they
// issue; node identities stay with cryptogen because the genesis block, the orderers'
// consenters and every node's TLS pair must exist before any CA can run.
type CA struct {
	Port    int    `yaml:"port"`
	OpsPort int    `yaml:"opsPort"`
	Host    string `yaml:"host"` // default: the org's first node's host
}

// CA instance names inside each org's fabric-ca-server.
const (
	CAName    = "ca"
	TLSCAName = "tlsca"
	// RegistrarID is each CA's bootstrap identity: it registers and revokes the org's
	// people and nothing else (it is a client, not an org admin).
	RegistrarID = "registrar"
)

// CAAddr is host:port of the org's CA ("" when the org runs none).
func (o *Org) CAAddr() string {
	if o.CA == nil {
		return ""
	}
	return fmt.Sprintf("%s:%d", o.CA.Host, o.CA.Port)
}

// CAOpsAddr is the CA's operations (health) endpoint.
func (o *Org) CAOpsAddr() string { return fmt.Sprintf("%s:%d", o.CA.Host, o.CA.OpsPort) }

// CAProcName is the CA's process name.
func CAProcName(o *Org) string { return "ca." + strings.ToLower(o.Name) }

// CAOrgs lists the peer orgs that run a CA.
func (t *Topology) CAOrgs() []*Org {
	var out []*Org
	for _, o := range t.PeerOrgs() {
		if o.CA != nil {
			out = append(out, o)
		}
	}
	return out
}

// CADir is the org's CA home (config, database, registrar secret, the info file pdl-ca reads).
func (l Layout) CADir(o *Org) string { return l.path("ca", strings.ToLower(o.Name)) }

// CAInfoPath is the file pdl-ca reads to reach the org's CA.
func (l Layout) CAInfoPath(o *Org) string { return filepath.Join(l.CADir(o), "ca.json") }

// caTLS is the TLS pair cryptogen issues to the org's CA server (spec "ca").
func (c Crypto) caTLS(o *Org) (cert, key string) {
	d := filepath.Join(c.orgDir(o), "peers", "ca."+c.T.OrgDomain(o), "tls")
	return filepath.Join(d, "server.crt"), filepath.Join(d, "server.key")
}

// SigningCA returns the org's CA certificate and key (cryptogen's), which the CA server's
// "ca" instance signs enrollment certificates and CRLs with.
func (c Crypto) SigningCA(o *Org) (cert, key string) {
	d := filepath.Join(c.orgDir(o), "ca")
	return filepath.Join(d, "ca."+c.T.OrgDomain(o)+"-cert.pem"), filepath.Join(d, "priv_sk")
}

func (c Crypto) tlsSigningCA(o *Org) (cert, key string) {
	d := filepath.Join(c.orgDir(o), "tlsca")
	return filepath.Join(d, "tlsca."+c.T.OrgDomain(o)+"-cert.pem"), filepath.Join(d, "priv_sk")
}

// lowSSignature reports whether a certificate's ECDSA signature has S <= N/2. Fabric
// verifies only low-S signatures, and fabric-sdk-go applies that to CA certificates too:
// it refuses a CA whose self-signature is high-S (about half of cryptogen's).
func lowSSignature(certPEM []byte) (bool, error) {
	b, _ := pem.Decode(certPEM)
	if b == nil {
		return false, errors.New("no PEM certificate")
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return false, err
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(cert.Signature, &sig); err != nil {
		return false, fmt.Errorf("signature: %w", err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return false, errors.New("not an ECDSA certificate")
	}
	half := new(big.Int).Rsh(pub.Curve.Params().N, 1)
	return sig.S.Cmp(half) <= 0, nil
}

// caServerConfig renders one CA instance's fabric-ca-server configuration. The server
// config (withServer) also carries the listener, TLS, operations endpoint and the
// second instance's file.
func (n *Net) caServerConfig(o *Org, instance, secret string, withServer bool) string {
	c := NewCrypto(n.T, n.L)
	certfile, keyfile := c.SigningCA(o)
	if instance == TLSCAName {
		certfile, keyfile = c.tlsSigningCA(o)
	}
	aff := strings.ToLower(o.Name)
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	w("version: 1.5.15")
	if withServer {
		tlsCert, tlsKey := c.caTLS(o)
		w("port: %d", o.CA.Port)
		w("address: %q", o.CA.Host)
		w("debug: false")
		w("crlsizelimit: 512000")
		w("tls:\n  enabled: true\n  certfile: %q\n  keyfile: %q\n  clientauth:\n    type: noclientcert", tlsCert, tlsKey)
		w("operations:\n  listenAddress: %q\n  tls:\n    enabled: false", o.CAOpsAddr())
		w("metrics:\n  provider: disabled")
		w("cafiles:\n  - %q", filepath.Join(n.L.CADir(o), TLSCAName, "fabric-ca-config.yaml"))
	}
	w("ca:\n  name: %s\n  certfile: %q\n  keyfile: %q", instance, certfile, keyfile)
	// A CRL is what peers enforce revocation with; it must outlive the time between two
	// revocations, so it is good for a year and renewed by every revocation.
	w("crl:\n  expiry: 8760h")
	w("registry:\n  maxenrollments: -1\n  identities:")
	w("    - name: %s\n      pass: %q\n      type: client\n      affiliation: \"\"\n      maxenrollments: -1", RegistrarID, secret)
	w("      attrs:\n        hf.Registrar.Roles: \"client\"\n        hf.Registrar.DelegateRoles: \"client\"")
	w("        hf.Registrar.Attributes: \"pdl.*\"\n        hf.Revoker: true\n        hf.GenCRL: true\n        hf.IntermediateCA: false\n        hf.AffiliationMgr: false")
	w("db:\n  type: sqlite3\n  datasource: %q", filepath.Join(n.L.CADir(o), instance+".db"))
	w("affiliations:\n  %s: []", aff)
	// Person certificates live a year (reenroll renews them); TLS client certificates too.
	w("signing:\n  default:\n    usage: [digital signature]\n    expiry: 8760h")
	w("  profiles:\n    tls:\n      usage: [signing, key encipherment, server auth, client auth, key agreement]\n      expiry: 8760h")
	w("cfg:\n  identities:\n    passwordattempts: 10\n    allowremove: false\n  affiliations:\n    allowremove: false")
	return b.String()
}

// WriteCA writes the org's CA configuration, registrar secret (0600) and the info file
// pdl-ca reads; an existing secret is kept, so a restarted CA keeps its registrar.
func (n *Net) WriteCA(o *Org) error {
	dir := n.L.CADir(o)
	if err := os.MkdirAll(filepath.Join(dir, TLSCAName), 0o700); err != nil {
		return err
	}
	secretFile := filepath.Join(dir, "registrar.secret")
	secret, err := os.ReadFile(secretFile)
	if errors.Is(err, os.ErrNotExist) {
		raw := make([]byte, 18)
		if _, err := rand.Read(raw); err != nil {
			return err
		}
		secret = []byte(hex.EncodeToString(raw))
		if err := os.WriteFile(secretFile, secret, 0o600); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	s := strings.TrimSpace(string(secret))
	if err := os.WriteFile(filepath.Join(dir, "fabric-ca-server-config.yaml"), []byte(n.caServerConfig(o, CAName, s, true)), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, TLSCAName, "fabric-ca-config.yaml"), []byte(n.caServerConfig(o, TLSCAName, s, false)), 0o600); err != nil {
		return err
	}
	return n.writeCAInfo(o, secretFile)
}

func (n *Net) writeCAInfo(o *Org, secretFile string) error {
	c := NewCrypto(n.T, n.L)
	var tmpl any
	for _, id := range n.T.Identities {
		if id.Org != o.Name {
			continue
		}
		p, ok := n.Profiles()[id.Profile]
		if !ok {
			continue
		}
		// Only what every identity of the org shares; pdl-ca fills in the identity.
		p.Name, p.User, p.Role, p.Cert, p.Key, p.TLSClientCert, p.TLSClientKey = "", "", "", "", "", "", ""
		tmpl = p
		break
	}
	if tmpl == nil {
		return fmt.Errorf("org %s: no identity in the topology to take connection settings from", o.Name)
	}
	prof, err := json.Marshal(tmpl)
	if err != nil {
		return err
	}
	hosts := []string{"localhost", "127.0.0.1"}
	if o.CA.Host != "127.0.0.1" {
		hosts = append(hosts, o.CA.Host)
	}
	info := pdlca.Info{
		Org: o.Name, MSPID: o.MSPID, URL: "https://" + o.CAAddr(), CAName: CAName, TLSCAName: TLSCAName,
		TLSRootCert: c.TLSCA(o), Registrar: RegistrarID, RegistrarSecretFile: secretFile,
		Affiliation: strings.ToLower(o.Name), Hosts: hosts,
		StoreDir: filepath.Join(n.L.CADir(o), "store"), ProfilesDir: n.L.ProfilesDir(),
		IdentitiesDir: n.L.path("identities"), Profile: prof,
	}
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(n.L.CAInfoPath(o), raw, 0o600)
}

// StartCA (re)starts the org's fabric-ca-server and waits until both instances answer.
func (n *Net) StartCA(o *Org) error {
	name := CAProcName(o)
	if p, _ := ReadProc(n.L, name); p.Alive() {
		p.Stop(5 * time.Second)
	}
	if busy := WaitPortsFree([]string{o.CAAddr(), o.CAOpsAddr()}, 10*time.Second); len(busy) > 0 {
		return fmt.Errorf("%s: port %s is held by a process that is not ours (find it with ss -ltnp)", name, strings.Join(busy, ", "))
	}
	if err := n.WriteCA(o); err != nil {
		return err
	}
	c, err := n.ProcessCommand(name)
	if err != nil {
		return err
	}
	if _, err := StartProcIn(n.L, c.Netns, c.Name, c.Exe, c.Args, c.Env); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := n.caAnswers(o)
		if err == nil {
			return nil
		}
		if p, _ := ReadProc(n.L, name); !p.Alive() {
			return fmt.Errorf("%s exited at start:\n%s", name, tail(n.L.LogFile(name), 10))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not answer on %s: %v", name, o.CAAddr(), err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// caAnswers checks that both CA instances serve their info over TLS that chains to the
// org's TLS root.
func (n *Net) caAnswers(o *Org) error {
	root, err := os.ReadFile(NewCrypto(n.T, n.L).TLSCA(o))
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(root)
	hc := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, inst := range []string{CAName, TLSCAName} {
		resp, err := hc.Get("https://" + o.CAAddr() + "/api/v1/cainfo?ca=" + inst)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("cainfo %s: HTTP %d", inst, resp.StatusCode)
		}
	}
	return nil
}

// startCAs starts every org's CA.
func (n *Net) startCAs() error {
	for _, o := range n.T.CAOrgs() {
		if err := n.StartCA(o); err != nil {
			return err
		}
	}
	return nil
}

// ApplyCRL puts the org CA's current CRL (written by pdl-ca revoke) into the
// configuration of every channel and waits until every peer has committed each config
// block, from which on they refuse the revoked certificates. It returns the block's
// number on the first channel.
func (n *Net) ApplyCRL(ctx context.Context, o *Org) (uint64, error) {
	path := filepath.Join(n.L.CADir(o), "crl.pem")
	crl, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("%s has no CRL yet (pdl-ca revoke writes it): %w", o.Name, err)
	}
	// Every channel: a revocation the first channel knows and a jurisdiction's channel
	// does not would let the person go on acting there.
	chans, err := n.Channels()
	if err != nil {
		return 0, err
	}
	var first uint64
	for i, ch := range chans {
		c := n.OnChannel(ch)
		block, err := c.UpdateOrgCRL(ctx, o, [][]byte{crl})
		if err != nil {
			return 0, fmt.Errorf("channel %s: %w", ch, err)
		}
		if err := c.waitPeersPast(ctx, c.T.Peers(), block); err != nil {
			return 0, fmt.Errorf("channel %s: %w", ch, err)
		}
		if i == 0 {
			first = block
		}
	}
	return first, nil
}

// Expiring is a certificate of the run directory that ends soon.
type Expiring struct {
	Path     string
	Subject  string
	NotAfter time.Time
}

// ExpiringCertificates lists the certificates under the crypto and identities
// directories whose validity ends before now+within (already expired ones too), soonest
// first, and how many certificates it read.
func (n *Net) ExpiringCertificates(now time.Time, within time.Duration) ([]Expiring, int, error) {
	var out []Expiring
	read := 0
	for _, root := range []string{n.L.CryptoDir(), n.L.path("identities")} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if errors.Is(err, os.ErrNotExist) {
				return filepath.SkipDir
			}
			if err != nil {
				return err
			}
			if d.IsDir() || !(strings.HasSuffix(path, ".pem") || strings.HasSuffix(path, ".crt")) || strings.Contains(path, string(filepath.Separator)+"sdk-") {
				return nil
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b, _ := pem.Decode(raw)
			if b == nil || b.Type != "CERTIFICATE" {
				return nil
			}
			cert, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			read++
			if cert.NotAfter.Before(now.Add(within)) {
				out = append(out, Expiring{Path: path, Subject: cert.Subject.String(), NotAfter: cert.NotAfter})
			}
			return nil
		})
		if err != nil {
			return nil, read, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].NotAfter.Before(out[j].NotAfter) })
	return out, read, nil
}
