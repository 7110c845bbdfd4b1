package network

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// Profiles builds the client profile of every identity: the named ones of the topology
// plus <org>-admin and <org>-userN for every user certificate.
func (n *Net) Profiles() map[string]*client.Profile {
	c := NewCrypto(n.T, n.L)
	var orderers []string
	for _, o := range n.T.Orderers() {
		orderers = append(orderers, o.Addr())
	}
	var orgs []string
	for _, org := range n.T.PeerOrgs() {
		orgs = append(orgs, org.MSPID)
	}
	mk := func(name string, org *Org, user, role string) *client.Profile {
		peer := &org.Nodes[0]
		tlsCert, tlsKey := c.UserTLS(org, user)
		return &client.Profile{
			Name: name, Org: org.Name, MSPID: org.MSPID, Role: role, User: c.UserName(org, user),
			PeerEndpoint: peer.Addr(), TLSRootCert: c.TLSCA(org), TLSClientCert: tlsCert, TLSClientKey: tlsKey,
			Cert: c.UserCert(org, user), Key: c.UserKey(org, user),
			Channel: n.T.Channel, Chaincode: n.T.Chaincode.Name, Orderers: orderers,
			Explorer:    fmt.Sprintf("https://%s:%d", n.T.Host, n.T.Explorer.Port),
			ChannelOrgs: orgs, CommercialOrgs: n.T.CommercialMSPIDs(),
		}
	}
	out := map[string]*client.Profile{}
	for _, org := range n.T.PeerOrgs() {
		low := strings.ToLower(org.Name)
		out[low+"-admin"] = mk(low+"-admin", org, "Admin", "")
		for i := 1; i <= org.Users; i++ {
			name := fmt.Sprintf("%s-user%d", low, i)
			out[name] = mk(name, org, fmt.Sprintf("User%d", i), "")
		}
	}
	for _, id := range n.T.Identities {
		out[id.Profile] = mk(id.Profile, n.T.Org(id.Org), id.User, id.Role)
	}
	return out
}

// WriteProfiles writes every profile to the run directory.
func (n *Net) WriteProfiles() error {
	for name, p := range n.Profiles() {
		if err := p.Save(filepath.Join(n.L.ProfilesDir(), name+".json")); err != nil {
			return err
		}
	}
	return nil
}

// Connect opens a client as the named profile.
func (n *Net) Connect(ctx context.Context, profile string, opts ...client.Option) (*client.Client, error) {
	p, ok := n.Profiles()[profile]
	if !ok {
		return nil, fmt.Errorf("no profile %q", profile)
	}
	return client.Connect(ctx, p, opts...)
}

// bootstrapAndSnapshot registers the bureau (once) and pushes padded heartbeats until
// every orderer has written a Raft snapshot: Fabric v2.5.0 orderers restarted without a
// snapshot can deadlock replaying the WAL (FABRIC-NOTES; Fabric #4199).
func (n *Net) bootstrapAndSnapshot(ctx context.Context) error {
	if err := n.WriteProfiles(); err != nil {
		return err
	}
	return n.bootstrap(ctx)
}

// bootstrap registers the bureau on n's channel (once) and waits for Raft snapshots.
func (n *Net) bootstrap(ctx context.Context) error {
	admin, err := n.Connect(ctx, "bureau-admin")
	if err != nil {
		return err
	}
	defer admin.Close()
	b := n.T.Bureau
	key, err := n.bureauKey()
	if err != nil {
		return err
	}
	_, err = admin.Submit(ctx, "Participant:Bootstrap", model.BootstrapRequest{Request: model.Request{ID: b.ID}, Name: b.Name, USCC: b.USCC,
		SM2PublicKey: key.Public().EncodeHex(), Orgs: n.T.PeerMSPIDs()})
	if err != nil && model.CodeOf(err) != model.CodeAlreadyExists && model.CodeOf(err) != model.CodeIDReused {
		return fmt.Errorf("bootstrap: %w", err)
	}
	// Whoever bootstrapped, the ledger must now be the one the network definition names;
	// anything else is a takeover to report, not to work around.
	var cfg model.NetworkConfig
	if err := admin.Evaluate(ctx, "Participant:Config", nil, &cfg); err != nil {
		return fmt.Errorf("read the bootstrapped configuration: %w", err)
	}
	if cfg.BureauMSP != n.T.BureauOrg().MSPID || cfg.BureauParticipant != b.ID || strings.Join(cfg.Orgs, ",") != strings.Join(n.T.PeerMSPIDs(), ",") {
		return fmt.Errorf("the ledger was bootstrapped by someone else: bureau %s of %s, orgs %v (created in tx %s by %s); the network definition names %s of %s, orgs %v",
			cfg.BureauParticipant, cfg.BureauMSP, cfg.Orgs, cfg.CreatedTx, cfg.CreatedBy.Subject, b.ID, n.T.BureauOrg().MSPID, n.T.PeerMSPIDs())
	}
	return n.WaitSnapshots(ctx, admin, 90*time.Second)
}

// bureauKey returns the bureau's SM2 signing key, created once and kept with the
// profiles that act for the bureau (bureau-admin and bureau, client.SM2KeyPath), where pdl
// --sign and the demo loader find it: the bureau's filings carry SM2 signatures where the
// profile says so.
func (n *Net) bureauKey() (*gm.PrivateKey, error) {
	dir := n.L.ProfilesDir()
	k, err := client.LoadOrCreateSM2Key(client.SM2KeyPath(filepath.Join(dir, "bureau-admin.json")))
	if err != nil {
		return nil, err
	}
	// The bureau profile acts for the same participant, so it signs with the same key.
	bureau := client.SM2KeyPath(filepath.Join(dir, "bureau.json"))
	if _, err := os.Stat(bureau); errors.Is(err, fs.ErrNotExist) {
		return k, client.SaveSM2Key(bureau, k)
	}
	return k, nil
}

// WaitSnapshots pushes heartbeats until every orderer holds a snapshot.
func (n *Net) WaitSnapshots(ctx context.Context, c *client.Client, timeout time.Duration) error {
	pad := strings.Repeat("pdledger snapshot padding ", 1500) // ~39 KB a block
	deadline := time.Now().Add(timeout)
	for i := 0; ; i++ {
		missing := []string{}
		for o, count := range n.SnapshotCounts() {
			if count == 0 {
				missing = append(missing, o)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("orderers without a Raft snapshot after %s: %s", timeout, strings.Join(missing, ", "))
		}
		if _, err := c.Submit(ctx, "System:Heartbeat", map[string]string{"note": pad}); err != nil {
			return fmt.Errorf("heartbeat %d: %w", i, err)
		}
	}
}
