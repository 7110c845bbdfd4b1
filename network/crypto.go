package network

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Crypto locates cryptogen's output for the topology.
type Crypto struct {
	T   *Topology
	Dir string
}

// NewCrypto returns the locator for l's crypto directory.
func NewCrypto(t *Topology, l Layout) Crypto { return Crypto{T: t, Dir: l.CryptoDir()} }

func (c Crypto) orgDir(o *Org) string {
	kind := "peerOrganizations"
	if o.Kind == "orderer" {
		kind = "ordererOrganizations"
	}
	return filepath.Join(c.Dir, kind, c.T.OrgDomain(o))
}

// OrgMSP is the org's verifying MSP (cacerts, tlscacerts, NodeOU config).
func (c Crypto) OrgMSP(o *Org) string { return filepath.Join(c.orgDir(o), "msp") }

// TLSCA is the org's TLS root certificate.
func (c Crypto) TLSCA(o *Org) string {
	return filepath.Join(c.orgDir(o), "tlsca", "tlsca."+c.T.OrgDomain(o)+"-cert.pem")
}

// NodeHost is the node's certificate host name.
func (c Crypto) NodeHost(n *Node) string { return n.Name + "." + c.T.OrgDomain(n.org) }

func (c Crypto) nodeDir(n *Node) string {
	kind := "peers"
	if n.IsOrderer() {
		kind = "orderers"
	}
	return filepath.Join(c.orgDir(n.org), kind, c.NodeHost(n))
}

// NodeMSP is the node's local MSP.
func (c Crypto) NodeMSP(n *Node) string { return filepath.Join(c.nodeDir(n), "msp") }

// NodeTLS returns the node's TLS cert and key (also used as its TLS client pair).
func (c Crypto) NodeTLS(n *Node) (cert, key string) {
	d := filepath.Join(c.nodeDir(n), "tls")
	return filepath.Join(d, "server.crt"), filepath.Join(d, "server.key")
}

// CCaaSTLS returns the TLS pair of the org's chaincode server.
func (c Crypto) CCaaSTLS(o *Org) (cert, key string) {
	d := filepath.Join(c.orgDir(o), "peers", "ccaas."+c.T.OrgDomain(o), "tls")
	return filepath.Join(d, "server.crt"), filepath.Join(d, "server.key")
}

// UserName is the certificate name of a user (Admin or UserN).
func (c Crypto) UserName(o *Org, user string) string { return user + "@" + c.T.OrgDomain(o) }

// UserMSP is a user's signing MSP directory.
func (c Crypto) UserMSP(o *Org, user string) string {
	return filepath.Join(c.orgDir(o), "users", c.UserName(o, user), "msp")
}

// UserCert is a user's enrollment certificate.
func (c Crypto) UserCert(o *Org, user string) string {
	return filepath.Join(c.UserMSP(o, user), "signcerts", c.UserName(o, user)+"-cert.pem")
}

// UserKey is a user's private key.
func (c Crypto) UserKey(o *Org, user string) string {
	return filepath.Join(c.UserMSP(o, user), "keystore", "priv_sk")
}

// UserTLS returns a user's TLS client pair.
func (c Crypto) UserTLS(o *Org, user string) (cert, key string) {
	d := filepath.Join(c.orgDir(o), "users", c.UserName(o, user), "tls")
	return filepath.Join(d, "client.crt"), filepath.Join(d, "client.key")
}

// AllTLSCAs lists every org's TLS root, for client-auth root lists.
func (c Crypto) AllTLSCAs() []string {
	var out []string
	for i := range c.T.Orgs {
		out = append(out, c.TLSCA(&c.T.Orgs[i]))
	}
	return out
}

// cryptoConfig renders cryptogen's input from the topology.
func (t *Topology) cryptoConfig() string { return t.cryptoConfigOf(func(*Org) bool { return true }) }

// cryptoConfigOf renders cryptogen's input for the orgs keep selects.
func (t *Topology) cryptoConfigOf(keep func(*Org) bool) string {
	var b strings.Builder
	sans := func(n *Node, host string) {
		fmt.Fprintf(&b, "      - Hostname: %s\n        SANS:\n", host)
		seen := map[string]bool{}
		for _, s := range []string{"localhost", "127.0.0.1", n.Host, t.Host} {
			if !seen[s] {
				seen[s] = true
				fmt.Fprintf(&b, "          - %q\n", s)
			}
		}
	}
	// Each org's CAs, and so every certificate they sign, name the network's region
	// (cryptogen's defaults are C=US, ST=California, L=San Francisco).
	caSubject := fmt.Sprintf("    CA:\n      Country: %q\n      Province: %q\n      Locality: %q\n", t.Region.Country, t.Region.Province, t.Region.City)
	b.WriteString("OrdererOrgs:\n")
	for _, o := range t.Orgs {
		if o.Kind != "orderer" || !keep(&o) {
			continue
		}
		fmt.Fprintf(&b, "  - Name: %s\n    Domain: %s\n    EnableNodeOUs: true\n%s    Specs:\n", o.Name, t.OrgDomain(&o), caSubject)
		for j := range o.Nodes {
			sans(&o.Nodes[j], o.Nodes[j].Name)
		}
	}
	b.WriteString("PeerOrgs:\n")
	for _, o := range t.PeerOrgs() {
		if !keep(o) {
			continue
		}
		fmt.Fprintf(&b, "  - Name: %s\n    Domain: %s\n    EnableNodeOUs: true\n%s    Specs:\n", o.Name, t.OrgDomain(o), caSubject)
		for j := range o.Nodes {
			sans(&o.Nodes[j], o.Nodes[j].Name)
		}
		// The org's chaincode server gets its own TLS identity; it runs beside the
		// org's first peer.
		sans(&o.Nodes[0], "ccaas")
		if o.CA != nil {
			// The org's CA server's TLS identity (its host is the first node's by default).
			sans(&Node{Name: "ca", Host: o.CA.Host, org: o}, "ca")
		}
		fmt.Fprintf(&b, "    Users:\n      Count: %d\n", o.Users)
	}
	return b.String()
}

// GenerateCrypto runs cryptogen for the whole topology, then again for each CA org whose
// CA certificate has a high-S signature, which fabric-sdk-go (pdl-ca) refuses: a run
// passes with probability 1/2, so 40 runs fail about once in 10^12.
func GenerateCrypto(t *Topology, l Layout) error {
	if err := runCryptogen(l, "crypto-config.yaml", t.cryptoConfig()); err != nil {
		return err
	}
	for _, o := range t.CAOrgs() {
		if err := lowSCA(t, l, o, false); err != nil {
			return err
		}
	}
	return nil
}

// GenerateOrgCrypto creates the crypto material of one org that joins a running network
// (cryptogen writes only that org's directory; the others are left as they are).
func GenerateOrgCrypto(t *Topology, l Layout, o *Org) error {
	c := NewCrypto(t, l)
	if _, err := os.Stat(c.orgDir(o)); err == nil {
		return fmt.Errorf("%s has crypto material already (%s)", o.Name, c.orgDir(o))
	}
	return lowSCA(t, l, o, true)
}

func runCryptogen(l Layout, name, config string) error {
	cfg := filepath.Join(l.Run, name)
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(l.Bin("cryptogen"), "generate", "--config", cfg, "--output", l.CryptoDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cryptogen: %v\n%s", err, out)
	}
	return nil
}

// lowSCA (re)generates org o's material until its CA certificate is low-S (first: generate
// before checking).
func lowSCA(t *Topology, l Layout, o *Org, first bool) error {
	c := NewCrypto(t, l)
	one := func(x *Org) bool { return x.Name == o.Name }
	for try := 0; ; try++ {
		if first || try > 0 {
			if err := os.RemoveAll(c.orgDir(o)); err != nil {
				return err
			}
			if err := runCryptogen(l, "crypto-config-"+strings.ToLower(o.Name)+".yaml", t.cryptoConfigOf(one)); err != nil {
				return err
			}
		}
		if o.CA == nil {
			return nil
		}
		cert, _ := c.SigningCA(o)
		raw, err := os.ReadFile(cert)
		if err != nil {
			return err
		}
		ok, err := lowSSignature(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", cert, err)
		}
		if ok {
			return nil
		}
		if try == 40 {
			return fmt.Errorf("cryptogen: %s's CA certificate was high-S in 40 runs", o.Name)
		}
	}
}
