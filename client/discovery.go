package client

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/discovery"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/gossip"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// DiscoveredPeer is one peer as the client's peer knows it through gossip.
type DiscoveredPeer struct {
	MSPID        string   `json:"mspId"`
	Endpoint     string   `json:"endpoint"`
	LedgerHeight uint64   `json:"ledgerHeight"`
	Chaincodes   []string `json:"chaincodes"`
}

// HasChaincode reports whether the peer advertises the named chaincode.
func (p DiscoveredPeer) HasChaincode(name string) bool {
	for _, c := range p.Chaincodes {
		if c == name {
			return true
		}
	}
	return false
}

// DiscoverPeers asks the client's peer which peers of the channel it knows, through the
// peer's discovery service: exactly the view its gateway plans endorsements from. A peer
// whose gossip has not yet met another org's peer leaves that org out, and the gateway
// cannot collect that org's endorsement either.
func (c *Client) DiscoverPeers(ctx context.Context) ([]DiscoveredPeer, error) {
	req := &discovery.Request{
		Authentication: &discovery.AuthInfo{ClientIdentity: c.creator, ClientTlsCertHash: c.tlsHash},
		Queries: []*discovery.Query{{
			Channel: c.Profile.Channel,
			Query:   &discovery.Query_PeerQuery{PeerQuery: &discovery.PeerMembershipQuery{}},
		}},
	}
	payload, err := proto.Marshal(req)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(payload)
	sig, err := c.sign(digest[:])
	if err != nil {
		return nil, fmt.Errorf("sign discovery request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.Evaluate)
	defer cancel()
	resp, err := discovery.NewDiscoveryClient(c.conn).Discover(ctx, &discovery.SignedRequest{Payload: payload, Signature: sig})
	if err != nil {
		return nil, &NetworkError{Op: "discover peers", Err: err}
	}
	if len(resp.GetResults()) != 1 {
		return nil, &NetworkError{Op: "discover peers", Err: fmt.Errorf("%d results for one query", len(resp.GetResults()))}
	}
	res := resp.GetResults()[0]
	if e := res.GetError(); e != nil {
		return nil, &NetworkError{Op: "discover peers", Err: fmt.Errorf("%s", e.GetContent())}
	}
	var out []DiscoveredPeer
	for mspID, peers := range res.GetMembers().GetPeersByOrg() {
		for _, p := range peers.GetPeers() {
			d := DiscoveredPeer{MSPID: mspID}
			var alive gossip.GossipMessage
			if err := proto.Unmarshal(p.GetMembershipInfo().GetPayload(), &alive); err == nil {
				d.Endpoint = alive.GetAliveMsg().GetMembership().GetEndpoint()
			}
			var state gossip.GossipMessage
			if err := proto.Unmarshal(p.GetStateInfo().GetPayload(), &state); err == nil {
				props := state.GetStateInfo().GetProperties()
				d.LedgerHeight = props.GetLedgerHeight()
				for _, cc := range props.GetChaincodes() {
					d.Chaincodes = append(d.Chaincodes, cc.GetName())
				}
			}
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].MSPID != out[j].MSPID {
			return out[i].MSPID < out[j].MSPID
		}
		return out[i].Endpoint < out[j].Endpoint
	})
	return out, nil
}

// Endorsers runs fn as a proposal and collects the endorsements the gateway plans for it
// — exactly as Submit would — without sending the transaction to the orderers, and
// returns the MSP ids that endorsed (sorted). Nothing is written. It answers "can this
// gateway satisfy the endorsement policy right now?".
func (c *Client) Endorsers(ctx context.Context, fn string, req any) ([]string, error) {
	a, err := args(req)
	if err != nil {
		return nil, err
	}
	a, transient, members, err := c.commercialProposal(ctx, fn, a)
	if err != nil {
		return nil, err
	}
	popts := []client.ProposalOption{client.WithArguments(a...)}
	if transient != nil {
		popts = append(popts, client.WithTransient(transient), client.WithEndorsingOrganizations(members...))
	}
	proposal, err := c.contract.NewProposal(fn, popts...)
	if err != nil {
		return nil, err
	}
	tx, err := c.endorse(ctx, fn, proposal)
	if err != nil {
		return nil, err
	}
	raw, err := tx.Bytes()
	if err != nil {
		return nil, err
	}
	return endorserMSPs(raw)
}

// endorserMSPs reads the endorsers' MSP ids out of a prepared transaction.
func endorserMSPs(preparedTx []byte) ([]string, error) {
	var pt gateway.PreparedTransaction
	if err := proto.Unmarshal(preparedTx, &pt); err != nil {
		return nil, err
	}
	var payload common.Payload
	if err := proto.Unmarshal(pt.GetEnvelope().GetPayload(), &payload); err != nil {
		return nil, err
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &tx); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, act := range tx.GetActions() {
		var cap peer.ChaincodeActionPayload
		if err := proto.Unmarshal(act.GetPayload(), &cap); err != nil {
			return nil, err
		}
		for _, e := range cap.GetAction().GetEndorsements() {
			var id msp.SerializedIdentity
			if err := proto.Unmarshal(e.GetEndorser(), &id); err != nil {
				return nil, err
			}
			seen[id.GetMspid()] = true
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out, nil
}

// FormatPeers renders a discovered view for humans: "BureauMSP 127.0.0.1:7051 (h=12, pdl)".
func FormatPeers(ps []DiscoveredPeer) string {
	if len(ps) == 0 {
		return "no peers"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("%s %s (height %d, chaincodes %s)", p.MSPID, p.Endpoint, p.LedgerHeight, strings.Join(p.Chaincodes, ","))
	}
	return strings.Join(parts, "; ")
}
