package client

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Signer is a certificate identity that signed something in a block.
type Signer struct {
	MSPID   string `json:"mspId"`
	Subject string `json:"subject"`
	Issuer  string `json:"issuer,omitempty"`
	Cert    []byte `json:"-"` // PEM
}

// TxInfo is what a block says about one transaction.
type TxInfo struct {
	Index          int       `json:"index"`
	ID             string    `json:"txId"`
	Type           string    `json:"type"` // ENDORSER_TRANSACTION, CONFIG, ...
	Timestamp      time.Time `json:"timestamp"`
	Creator        Signer    `json:"creator"`
	Endorsers      []Signer  `json:"endorsers,omitempty"`
	ValidationCode string    `json:"validationCode"`
	Valid          bool      `json:"valid"`
	Chaincode      string    `json:"chaincode,omitempty"`
	Function       string    `json:"function,omitempty"`
	Args           []string  `json:"-"`
	EventName      string    `json:"eventName,omitempty"`
	EventPayload   []byte    `json:"-"`
	// Writes are the keys the transaction writes ("namespace key"; collections as
	// "namespace/collection #hash"), metadata writes included.
	Writes   []string `json:"writes,omitempty"`
	Response []byte   `json:"-"`
	Envelope []byte   `json:"-"` // the raw envelope, for hashing
}

// BlockInfo is a parsed block.
type BlockInfo struct {
	Number       uint64   `json:"number"`
	DataHash     []byte   `json:"dataHash"`
	PreviousHash []byte   `json:"previousHash"`
	HeaderHash   []byte   `json:"headerHash"` // the block's own hash, as the next block links it
	Txs          []TxInfo `json:"txs"`
}

// asn1Header is the ASN.1 structure Fabric hashes as the block header.
type asn1Header struct {
	Number       *big.Int
	PreviousHash []byte
	DataHash     []byte
}

// HeaderBytes is Fabric's ASN.1 DER encoding of a block header (protoutil.BlockHeaderBytes):
// what is hashed for the block's hash and what the orderer's signature covers.
func HeaderBytes(h *common.BlockHeader) []byte {
	der, _ := asn1.Marshal(asn1Header{Number: new(big.Int).SetUint64(h.GetNumber()), PreviousHash: h.GetPreviousHash(), DataHash: h.GetDataHash()})
	return der
}

// HeaderHash computes a block header's hash the way Fabric does (SHA-256 of HeaderBytes):
// the value the next block stores as PreviousHash.
func HeaderHash(h *common.BlockHeader) []byte {
	s := sha256.Sum256(HeaderBytes(h))
	return s[:]
}

// DataHash computes the hash of a block's data the way Fabric does (SHA-256 over the
// concatenated envelopes).
func DataHash(d *common.BlockData) []byte {
	h := sha256.New()
	for _, e := range d.GetData() {
		h.Write(e)
	}
	return h.Sum(nil)
}

// ParseSigner decodes a serialized identity.
func ParseSigner(serialized []byte) (Signer, error) {
	var sid msp.SerializedIdentity
	if err := proto.Unmarshal(serialized, &sid); err != nil {
		return Signer{}, err
	}
	s := Signer{MSPID: sid.GetMspid(), Cert: sid.GetIdBytes()}
	if b, _ := pem.Decode(sid.GetIdBytes()); b != nil {
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			s.Subject, s.Issuer = c.Subject.String(), c.Issuer.String()
		}
	}
	return s, nil
}

// ParseBlock decodes a block's transactions: ids, validation codes, creators, endorsers,
// chaincode calls and events.
func ParseBlock(b *common.Block) (*BlockInfo, error) {
	info := &BlockInfo{Number: b.GetHeader().GetNumber(), DataHash: b.GetHeader().GetDataHash(),
		PreviousHash: b.GetHeader().GetPreviousHash(), HeaderHash: HeaderHash(b.GetHeader())}
	var filter []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	for i, raw := range b.GetData().GetData() {
		tx, err := parseEnvelope(raw)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: %w", info.Number, i, err)
		}
		tx.Index = i
		tx.Envelope = raw
		code := peer.TxValidationCode_VALID
		if i < len(filter) {
			code = peer.TxValidationCode(filter[i])
		}
		tx.ValidationCode = code.String()
		tx.Valid = code == peer.TxValidationCode_VALID
		info.Txs = append(info.Txs, *tx)
	}
	return info, nil
}

func parseEnvelope(raw []byte) (*TxInfo, error) {
	var env common.Envelope
	if err := proto.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	var pl common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &pl); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(pl.GetHeader().GetChannelHeader(), &ch); err != nil {
		return nil, fmt.Errorf("channel header: %w", err)
	}
	var sh common.SignatureHeader
	if err := proto.Unmarshal(pl.GetHeader().GetSignatureHeader(), &sh); err != nil {
		return nil, fmt.Errorf("signature header: %w", err)
	}
	tx := &TxInfo{ID: ch.GetTxId(), Type: common.HeaderType(ch.GetType()).String()}
	if ts := ch.GetTimestamp(); ts != nil {
		tx.Timestamp = ts.AsTime().UTC()
	}
	tx.Creator, _ = ParseSigner(sh.GetCreator())
	if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
		return tx, nil
	}
	var ptx peer.Transaction
	if err := proto.Unmarshal(pl.GetData(), &ptx); err != nil {
		return nil, fmt.Errorf("transaction: %w", err)
	}
	for _, act := range ptx.GetActions() {
		var cap peer.ChaincodeActionPayload
		if err := proto.Unmarshal(act.GetPayload(), &cap); err != nil {
			return nil, fmt.Errorf("action payload: %w", err)
		}
		for _, e := range cap.GetAction().GetEndorsements() {
			s, err := ParseSigner(e.GetEndorser())
			if err == nil {
				tx.Endorsers = append(tx.Endorsers, s)
			}
		}
		var prp peer.ChaincodeProposalPayload
		if err := proto.Unmarshal(cap.GetChaincodeProposalPayload(), &prp); err == nil {
			var spec peer.ChaincodeInvocationSpec
			if err := proto.Unmarshal(prp.GetInput(), &spec); err == nil {
				args := spec.GetChaincodeSpec().GetInput().GetArgs()
				// any signed envelope can reach a block (marked invalid), so nothing here may
				// assume the proposal had a function name
				if len(args) > 0 {
					tx.Function = string(args[0])
					for _, a := range args[1:] {
						tx.Args = append(tx.Args, string(a))
					}
				}
			}
		}
		var prs peer.ProposalResponsePayload
		if err := proto.Unmarshal(cap.GetAction().GetProposalResponsePayload(), &prs); err != nil {
			return nil, fmt.Errorf("proposal response: %w", err)
		}
		var cca peer.ChaincodeAction
		if err := proto.Unmarshal(prs.GetExtension(), &cca); err != nil {
			return nil, fmt.Errorf("chaincode action: %w", err)
		}
		tx.Chaincode = cca.GetChaincodeId().GetName()
		tx.Response = cca.GetResponse().GetPayload()
		w, err := writesOf(cca.GetResults())
		if err != nil {
			return nil, fmt.Errorf("read-write set: %w", err)
		}
		tx.Writes = append(tx.Writes, w...)
		if len(cca.GetEvents()) > 0 {
			var ev peer.ChaincodeEvent
			if err := proto.Unmarshal(cca.GetEvents(), &ev); err == nil {
				tx.EventName, tx.EventPayload = ev.GetEventName(), ev.GetPayload()
			}
		}
	}
	return tx, nil
}

// writesOf lists the keys a transaction's read-write set writes.
func writesOf(results []byte) ([]string, error) {
	if len(results) == 0 {
		return nil, nil
	}
	var set rwset.TxReadWriteSet
	if err := proto.Unmarshal(results, &set); err != nil {
		return nil, err
	}
	var out []string
	for _, ns := range set.GetNsRwset() {
		var kv kvrwset.KVRWSet
		if err := proto.Unmarshal(ns.GetRwset(), &kv); err != nil {
			return nil, err
		}
		for _, w := range kv.GetWrites() {
			out = append(out, ns.GetNamespace()+" "+w.GetKey())
		}
		for _, m := range kv.GetMetadataWrites() {
			out = append(out, ns.GetNamespace()+" "+m.GetKey()+" (metadata)")
		}
		for _, coll := range ns.GetCollectionHashedRwset() {
			var h kvrwset.HashedRWSet
			if err := proto.Unmarshal(coll.GetHashedRwset(), &h); err != nil {
				return nil, err
			}
			for _, w := range h.GetHashedWrites() {
				out = append(out, fmt.Sprintf("%s/%s #%x", ns.GetNamespace(), coll.GetCollectionName(), w.GetKeyHash()))
			}
		}
	}
	return out, nil
}
