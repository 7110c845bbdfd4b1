package network

import (
	"crypto/sha256"
	"fmt"
	"os"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// Channel access control. Every block carries every record a transaction changed (the
// read-write set and the event payload), and Fabric lets any member of any org read raw
// blocks by default. So the raw ledger is for auditors only — org admins, the peers and
// the explorer's indexer identity — and ordinary members read through the chaincode's
// access-checked queries and the explorer:
//   - each peer org's Readers policy is its admins and peers (the bureau's also names the
//     indexer's certificate); /Channel/Application/Readers and /Channel/Readers, which
//     the peers' and orderers' block delivery check, follow from them;
//   - the ACLs below map what members still need to Writers (admins and clients of any
//     org) and what hands out blocks or event payloads to Readers.
//
// configtxgen cannot name a single certificate in a policy, so the indexer's is added to
// the generated genesis block (addIdentityToReaders). Reissuing that certificate then
// needs a channel configuration update.

// aclsMembers are resources ordinary clients must keep: evaluate and submit, the commit
// status of their own transactions (restricted, a client never learns its submission
// committed), the ledger height (read-your-writes waits on it), chaincode-to-chaincode.
var aclsMembers = []string{"peer/Propose", "peer/ChaincodeToChaincode", "gateway/CommitStatus", "qscc/GetChainInfo",
	"_lifecycle/CheckCommitReadiness", "_lifecycle/QueryChaincodeDefinition", "_lifecycle/QueryApprovedChaincodeDefinition"}

// aclsAuditors are resources that hand out blocks, transactions or event payloads.
var aclsAuditors = []string{"qscc/GetBlockByNumber", "qscc/GetBlockByHash", "qscc/GetTransactionByID", "qscc/GetBlockByTxID",
	"event/Block", "event/FilteredBlock", "gateway/ChaincodeEvents", "cscc/GetConfigBlock", "cscc/GetChannelConfig"}

// aclSection renders the Application ACLs of configtx.yaml.
func aclSection() string {
	out := "  ACLs:\n"
	for _, r := range aclsMembers {
		out += fmt.Sprintf("    %s: /Channel/Application/Writers\n", r)
	}
	for _, r := range aclsAuditors {
		out += fmt.Sprintf("    %s: /Channel/Application/Readers\n", r)
	}
	return out
}

// addIdentityToReaders rewrites the genesis block so that org's Readers policy also
// admits exactly the certificate at certPath (an MSPPrincipal of classification
// IDENTITY), and recomputes the block's data hash.
func addIdentityToReaders(blockPath, org, mspID, certPath string) error {
	raw, err := os.ReadFile(blockPath)
	if err != nil {
		return err
	}
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return err
	}
	var block common.Block
	if err := proto.Unmarshal(raw, &block); err != nil {
		return fmt.Errorf("genesis block: %w", err)
	}
	if len(block.GetData().GetData()) != 1 {
		return fmt.Errorf("genesis block has %d envelopes", len(block.GetData().GetData()))
	}
	var env common.Envelope
	if err := proto.Unmarshal(block.Data.Data[0], &env); err != nil {
		return err
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.Payload, &payload); err != nil {
		return err
	}
	var cfgEnv common.ConfigEnvelope
	if err := proto.Unmarshal(payload.Data, &cfgEnv); err != nil {
		return err
	}
	app := cfgEnv.GetConfig().GetChannelGroup().GetGroups()["Application"]
	grp := app.GetGroups()[org]
	if grp == nil {
		return fmt.Errorf("genesis block: no application org %s", org)
	}
	pol := grp.GetPolicies()["Readers"]
	if pol == nil {
		return fmt.Errorf("genesis block: org %s has no Readers policy", org)
	}
	role := func(r msp.MSPRole_MSPRoleType) *msp.MSPPrincipal {
		b, _ := proto.Marshal(&msp.MSPRole{MspIdentifier: mspID, Role: r})
		return &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: b}
	}
	ident, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: certPEM})
	if err != nil {
		return err
	}
	env2 := &common.SignaturePolicyEnvelope{
		Version: 0,
		Rule: &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: 1, Rules: []*common.SignaturePolicy{
			signedBy(0), signedBy(1), signedBy(2)}}}},
		Identities: []*msp.MSPPrincipal{role(msp.MSPRole_ADMIN), role(msp.MSPRole_PEER),
			{PrincipalClassification: msp.MSPPrincipal_IDENTITY, Principal: ident}},
	}
	value, err := proto.Marshal(env2)
	if err != nil {
		return err
	}
	pol.Policy = &common.Policy{Type: int32(common.Policy_SIGNATURE), Value: value}
	if payload.Data, err = proto.Marshal(&cfgEnv); err != nil {
		return err
	}
	if env.Payload, err = proto.Marshal(&payload); err != nil {
		return err
	}
	if block.Data.Data[0], err = proto.Marshal(&env); err != nil {
		return err
	}
	h := sha256.New()
	for _, d := range block.Data.Data {
		h.Write(d)
	}
	block.Header.DataHash = h.Sum(nil)
	out, err := proto.Marshal(&block)
	if err != nil {
		return err
	}
	return os.WriteFile(blockPath, out, 0o644)
}

func signedBy(i int32) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: i}}
}
