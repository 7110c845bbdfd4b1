package contracts

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Owner endorsement. The chaincode-level policy (a majority of orgs) would let two orgs
// running a modified chaincode server endorse anything, the third org's records
// included. So every record is owned by the org that created it:
//
//   - its key carries a key-level endorsement policy: the owner's peer AND a majority of
//     the other orgs' (OwnerPolicy) — set at creation, kept by every later write;
//   - its creation writes a marker into the owner's private data collection "guard<MSP>",
//     whose collection-level endorsement policy is the same (the collections config of
//     the chaincode definition, written by the network from the topology). Key-level
//     policies guard existing keys only; a collection policy also guards new keys;
//   - a record read without its creation marker was not created with its owner's
//     endorsement, and is refused (RECORD_UNGUARDED) instead of being used.
//
// The owner's org must therefore endorse every change of its records, and no org alone
// can: see docs/security.md for the table of kinds and owners.

// GuardCollection is the private data collection that holds the creation markers of
// the records an org owns.
func GuardCollection(mspID string) string { return "guard" + mspID }

// guardKey names a record's creation marker.
func guardKey(kind model.Kind, id string) string { return string(kind) + "/" + id }

// OwnerPolicy is the endorsement policy of a record owned by owner on a channel of orgs:
// the owner's peer, and of the other orgs' peers as many as make, with the owner, a
// majority of all orgs. A single-org channel needs the owner only.
func OwnerPolicy(owner string, orgs []string) ([]byte, error) {
	others := make([]string, 0, len(orgs))
	for _, o := range orgs {
		if o != owner {
			others = append(others, o)
		}
	}
	sort.Strings(others)
	majority := (len(others)+1)/2 + 1
	principals := []*msp.MSPPrincipal{peerPrincipal(owner)}
	for _, o := range others {
		principals = append(principals, peerPrincipal(o))
	}
	rule := signed(0)
	if need := majority - 1; need > 0 && len(others) > 0 {
		var any []*common.SignaturePolicy
		for i := range others {
			any = append(any, signed(int32(i+1)))
		}
		// The owner's rule comes first: evaluation consumes the owner's signature there,
		// so the NOutOf counts the other orgs only.
		rule = &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: 2,
			Rules: []*common.SignaturePolicy{signed(0), {Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: int32(need), Rules: any}}}}}}}
	}
	return proto.Marshal(&common.SignaturePolicyEnvelope{Rule: rule, Identities: principals})
}

func peerPrincipal(mspID string) *msp.MSPPrincipal {
	b, _ := proto.Marshal(&msp.MSPRole{MspIdentifier: mspID, Role: msp.MSPRole_PEER})
	return &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: b}
}

func signed(i int32) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: i}}
}

// orgs are the channel's peer orgs as the bootstrap recorded them (nil before).
func (tx *Tx) orgs() ([]string, error) {
	if tx.orgList != nil {
		return tx.orgList, nil
	}
	cfg, err := tx.config()
	if err != nil || cfg == nil {
		return nil, err
	}
	tx.orgList = cfg.Orgs
	return tx.orgList, nil
}

// config is the network configuration the bootstrap wrote (nil before the bootstrap).
// It is read unguarded here: the guard of every other record leans on it, and it is
// itself checked like any record where it is read through GetIf.
func (tx *Tx) config() (*model.NetworkConfig, error) {
	if tx.cfg != nil {
		return tx.cfg, nil
	}
	var cfg model.NetworkConfig
	ok, err := tx.getRecord(model.KindConfig, configID, &cfg, false)
	if err != nil || !ok {
		return nil, err
	}
	tx.cfg = &cfg
	return tx.cfg, nil
}

// own makes the record just created at key the caller's org's: its key-level policy and
// its creation marker. Before the bootstrap there are no orgs to build a policy from.
func (tx *Tx) own(kind model.Kind, id, key string) error {
	if tx.readOnly {
		return nil
	}
	orgs, err := tx.orgs()
	if err != nil || len(orgs) == 0 {
		return err
	}
	c, err := tx.Caller()
	if err != nil {
		return err
	}
	if err := tx.setOwnerPolicy(kind, id, key, c.MSPID, orgs); err != nil {
		return err
	}
	if err := tx.stub.PutPrivateData(GuardCollection(c.MSPID), guardKey(kind, id), []byte{1}); err != nil {
		return model.Errf(model.CodeInternal, "creation marker of %s %q in %s: %v", kind, id, GuardCollection(c.MSPID), err)
	}
	tx.guarded[guardKey(kind, id)] = true
	return nil
}

// setOwnerPolicy sets the key-level endorsement policy of the record at key: owner's, on
// a channel of orgs (OwnerPolicy).
func (tx *Tx) setOwnerPolicy(kind model.Kind, id, key, owner string, orgs []string) error {
	pol, err := OwnerPolicy(owner, orgs)
	if err != nil {
		return model.Errf(model.CodeInternal, "owner policy: %v", err)
	}
	if err := tx.stub.SetStateValidationParameter(key, pol); err != nil {
		return model.Errf(model.CodeInternal, "owner policy of %s %q: %v", kind, id, err)
	}
	return nil
}

// checkGuard refuses a committed record that was not created with its owner's
// endorsement. The record names its creator (an identity of an org acting for a
// participant); that must hold up against records already guarded:
//   - the creator participant (a bureau-guarded record) belongs to the org the record
//     names, and has a role that may create the kind (model.CreatorRoles);
//   - a record without a creator participant is one of the bootstrap's own, written in the
//     bootstrap transaction from the bureau's org;
//   - the owner org's collection holds the record's creation marker, which no write could
//     put there without that org's endorsement.
//
// Without the first two, two orgs could write, say, an identity binding of their own
// certificate to the bureau participant, naming themselves as its owner.
func (tx *Tx) checkGuard(kind model.Kind, id string, raw []byte) error {
	if tx.guarded[guardKey(kind, id)] {
		return nil
	}
	cfg, err := tx.config()
	if err != nil || cfg == nil {
		return err // before the bootstrap there is nothing to check against
	}
	var meta struct {
		CreatedBy model.Actor `json:"createdBy"`
		CreatedTx string      `json:"createdTx"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return model.Errf(model.CodeInternal, "stored %s %q is unreadable: %v", kind, id, err)
	}
	forged := func(why string) error {
		return model.Errf(model.CodeUnguarded, "%s %q (created in tx %s by %s of %s) is not used: %s", kind, id, meta.CreatedTx,
			meta.CreatedBy.Subject, meta.CreatedBy.MSPID, why)
	}
	owner := meta.CreatedBy.MSPID
	if meta.CreatedBy.Participant == "" {
		if meta.CreatedTx != cfg.CreatedTx || owner != cfg.BureauMSP {
			return forged("it names no creator participant and is not one of the bootstrap's records")
		}
	} else {
		var p model.Participant
		ok, err := tx.GetIf(model.KindParticipant, meta.CreatedBy.Participant, &p)
		if err != nil {
			return err
		}
		if !ok {
			return forged("its creator participant " + meta.CreatedBy.Participant + " does not exist")
		}
		if p.MSPID != owner {
			return forged(fmt.Sprintf("its creator participant %s belongs to %s", p.ID, p.MSPID))
		}
		if roles := model.CreatorRoles(kind); roles != nil && !slices.Contains(roles, p.Role) {
			return forged(fmt.Sprintf("a %s does not create records of this kind", p.Role))
		}
	}
	h, err := tx.stub.GetPrivateDataHash(GuardCollection(owner), guardKey(kind, id))
	if err != nil {
		return model.Errf(model.CodeInternal, "creation marker of %s %q: %v", kind, id, err)
	}
	if len(h) == 0 {
		return forged("it carries no creation marker of its owner " + owner + ": it was not created with its owner's endorsement")
	}
	tx.guarded[guardKey(kind, id)] = true
	return nil
}
