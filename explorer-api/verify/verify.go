// Package verify checks Hyperledger Fabric v2.5 blocks before the explorer indexes them:
// the previous-hash chain, the data hash, and the ordering service's signature, which
// must come from an orderer organization of the channel configuration and chain to its
// MSP root certificates. Pure functions over fabric-protos; no network.
//
// Fabric sources relied on (v2.5.0): protoutil/blockutils.go (BlockHeaderBytes,
// ComputeBlockDataHash), orderer/common/multichannel/blockwriter.go (addBlockSignature:
// the signed bytes are metadata value || signature header || header bytes),
// common/policies and msp (ECDSA over SHA-256, ASN.1 signatures).
package verify

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/client"
)

// Error is a verification failure with a stable code.
type Error struct {
	Code  string
	Block uint64
	Msg   string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: block %d: %s", e.Code, e.Block, e.Msg) }

// Codes.
const (
	PrevHashMismatch = "BLOCK_PREV_HASH_MISMATCH"
	DataHashMismatch = "BLOCK_DATA_HASH_MISMATCH"
	SignatureInvalid = "BLOCK_SIGNATURE_INVALID"
	Unsigned         = "BLOCK_UNSIGNED"
	SignerUnknown    = "BLOCK_SIGNER_UNKNOWN"
	ConfigUnreadable = "CONFIG_UNREADABLE"
)

// The block hashes are the client's (one definition, client/blocks.go).
var (
	HeaderBytes = client.HeaderBytes
	HeaderHash  = client.HeaderHash
	DataHash    = client.DataHash
)

// CheckLink checks the previous hash and the data hash of b.
func CheckLink(prevHeaderHash []byte, b *common.Block) error {
	n := b.GetHeader().GetNumber()
	if !bytes.Equal(b.GetHeader().GetPreviousHash(), prevHeaderHash) {
		return &Error{PrevHashMismatch, n, fmt.Sprintf("previous hash %x, the previous block's hash is %x", b.GetHeader().GetPreviousHash(), prevHeaderHash)}
	}
	if got := DataHash(b.GetData()); !bytes.Equal(got, b.GetHeader().GetDataHash()) {
		return &Error{DataHashMismatch, n, fmt.Sprintf("header data hash %x, the transactions hash to %x", b.GetHeader().GetDataHash(), got)}
	}
	return nil
}

// Orgs holds the MSP roots of a channel's organizations from a config block.
type Orgs struct {
	Orderers map[string]*mspRoots // orderer organizations by MSP id
	All      map[string]*mspRoots
}

type mspRoots struct {
	roots, inter *x509.CertPool
}

// verify chains cert to the MSP's roots the way Fabric's MSP does: validity is checked
// at the certificate's own start (msp/mspimpl.go uses NotBefore+1s), so blocks signed by
// an orderer whose certificate has expired since still verify when history is re-indexed;
// a CA certificate is not a signing identity.
func (m *mspRoots) verify(cert *x509.Certificate) error {
	if cert.IsCA {
		return errors.New("a CA certificate cannot sign blocks")
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: m.roots, Intermediates: m.inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
		CurrentTime: cert.NotBefore.Add(time.Second)})
	return err
}

// ConfigOf reads the channel configuration from a config block.
func ConfigOf(b *common.Block) (*common.Config, error) {
	n := b.GetHeader().GetNumber()
	if len(b.GetData().GetData()) != 1 {
		return nil, &Error{ConfigUnreadable, n, "a config block holds exactly one envelope"}
	}
	var env common.Envelope
	var pl common.Payload
	var ch common.ChannelHeader
	var ce common.ConfigEnvelope
	if err := proto.Unmarshal(b.GetData().GetData()[0], &env); err != nil {
		return nil, &Error{ConfigUnreadable, n, err.Error()}
	}
	if err := proto.Unmarshal(env.GetPayload(), &pl); err != nil {
		return nil, &Error{ConfigUnreadable, n, err.Error()}
	}
	if err := proto.Unmarshal(pl.GetHeader().GetChannelHeader(), &ch); err != nil {
		return nil, &Error{ConfigUnreadable, n, err.Error()}
	}
	if common.HeaderType(ch.GetType()) != common.HeaderType_CONFIG {
		return nil, &Error{ConfigUnreadable, n, "not a config block (" + common.HeaderType(ch.GetType()).String() + ")"}
	}
	if err := proto.Unmarshal(pl.GetData(), &ce); err != nil {
		return nil, &Error{ConfigUnreadable, n, err.Error()}
	}
	return ce.GetConfig(), nil
}

// IsConfig reports whether b's (single) transaction is a configuration transaction,
// from its channel header alone, so an unreadable config block is an error later rather
// than silently taken for a data block.
func IsConfig(b *common.Block) bool {
	if len(b.GetData().GetData()) != 1 {
		return false
	}
	var env common.Envelope
	var pl common.Payload
	var ch common.ChannelHeader
	if proto.Unmarshal(b.GetData().GetData()[0], &env) != nil || proto.Unmarshal(env.GetPayload(), &pl) != nil ||
		proto.Unmarshal(pl.GetHeader().GetChannelHeader(), &ch) != nil {
		return false
	}
	return common.HeaderType(ch.GetType()) == common.HeaderType_CONFIG
}

// OrgsOf extracts every organization's MSP roots from a config block.
func OrgsOf(b *common.Block) (*Orgs, error) {
	cfg, err := ConfigOf(b)
	if err != nil {
		return nil, err
	}
	o := &Orgs{Orderers: map[string]*mspRoots{}, All: map[string]*mspRoots{}}
	for _, section := range []string{"Orderer", "Application"} {
		g := cfg.GetChannelGroup().GetGroups()[section]
		for name, org := range g.GetGroups() {
			v := org.GetValues()["MSP"]
			if v == nil {
				continue
			}
			var mc msp.MSPConfig
			var fc msp.FabricMSPConfig
			if err := proto.Unmarshal(v.GetValue(), &mc); err != nil {
				return nil, &Error{ConfigUnreadable, b.GetHeader().GetNumber(), "org " + name + ": " + err.Error()}
			}
			if err := proto.Unmarshal(mc.GetConfig(), &fc); err != nil {
				return nil, &Error{ConfigUnreadable, b.GetHeader().GetNumber(), "org " + name + ": " + err.Error()}
			}
			r := &mspRoots{roots: x509.NewCertPool(), inter: x509.NewCertPool()}
			for _, c := range fc.GetRootCerts() {
				if !r.roots.AppendCertsFromPEM(c) {
					return nil, &Error{ConfigUnreadable, b.GetHeader().GetNumber(), "org " + name + ": a root certificate is not PEM"}
				}
			}
			for _, c := range fc.GetIntermediateCerts() {
				r.inter.AppendCertsFromPEM(c)
			}
			o.All[fc.GetName()] = r
			if section == "Orderer" {
				o.Orderers[fc.GetName()] = r
			}
		}
	}
	if len(o.Orderers) == 0 {
		return nil, &Error{ConfigUnreadable, b.GetHeader().GetNumber(), "no orderer organization in the channel configuration"}
	}
	return o, nil
}

// OrgRoots returns, per MSP id, the root pool of every organization of the channel
// (for authenticating API clients); intermediates are folded into the pool's chain
// building by callers that pass them.
func OrgRoots(configBlock *common.Block) (map[string]*x509.CertPool, error) {
	o, err := OrgsOf(configBlock)
	if err != nil {
		return nil, err
	}
	out := map[string]*x509.CertPool{}
	for id, r := range o.All {
		out[id] = r.roots
	}
	return out, nil
}

// CheckSignature checks that an orderer of the channel signed b.
func (o *Orgs) CheckSignature(b *common.Block) error {
	n := b.GetHeader().GetNumber()
	md := b.GetMetadata().GetMetadata()
	if len(md) <= int(common.BlockMetadataIndex_SIGNATURES) || len(md[common.BlockMetadataIndex_SIGNATURES]) == 0 {
		return &Error{Unsigned, n, "no signature metadata"}
	}
	var m common.Metadata
	if err := proto.Unmarshal(md[common.BlockMetadataIndex_SIGNATURES], &m); err != nil {
		return &Error{SignatureInvalid, n, "signature metadata: " + err.Error()}
	}
	if len(m.GetSignatures()) == 0 {
		return &Error{Unsigned, n, "no signatures"}
	}
	header := HeaderBytes(b.GetHeader())
	var last error
	for _, s := range m.GetSignatures() {
		if err := o.checkOne(n, m.GetValue(), s, header); err != nil {
			last = err
			continue
		}
		return nil // one valid orderer signature suffices for Raft (crash fault tolerant)
	}
	return last
}

func (o *Orgs) checkOne(n uint64, value []byte, s *common.MetadataSignature, header []byte) error {
	var sh common.SignatureHeader
	if err := proto.Unmarshal(s.GetSignatureHeader(), &sh); err != nil || len(sh.GetCreator()) == 0 {
		return &Error{SignerUnknown, n, "signature without a signature header (BFT identifier headers are not supported by this explorer)"}
	}
	var id msp.SerializedIdentity
	if err := proto.Unmarshal(sh.GetCreator(), &id); err != nil {
		return &Error{SignerUnknown, n, "creator: " + err.Error()}
	}
	roots, ok := o.Orderers[id.GetMspid()]
	if !ok {
		return &Error{SignerUnknown, n, fmt.Sprintf("signer MSP %q is not an orderer organization (%v)", id.GetMspid(), keys(o.Orderers))}
	}
	blk, _ := pem.Decode(id.GetIdBytes())
	if blk == nil {
		return &Error{SignerUnknown, n, "signer certificate is not PEM"}
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return &Error{SignerUnknown, n, "signer certificate: " + err.Error()}
	}
	if err := roots.verify(cert); err != nil {
		return &Error{SignerUnknown, n, fmt.Sprintf("signer %s does not chain to %s's roots: %v", cert.Subject, id.GetMspid(), err)}
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return &Error{SignatureInvalid, n, "signer key is not ECDSA"}
	}
	digest := sha256.Sum256(bytes.Join([][]byte{value, s.GetSignatureHeader(), header}, nil))
	if !ecdsa.VerifyASN1(pub, digest[:], s.GetSignature()) {
		return &Error{SignatureInvalid, n, fmt.Sprintf("signature by %s (%s) does not verify", cert.Subject, id.GetMspid())}
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Verifier checks a chain of blocks, following configuration changes.
type Verifier struct {
	orgs *Orgs
}

// NewVerifier starts from the channel's genesis (config) block, the trust root.
func NewVerifier(genesis *common.Block) (*Verifier, error) {
	o, err := OrgsOf(genesis)
	if err != nil {
		return nil, err
	}
	return &Verifier{orgs: o}, nil
}

// Verify checks b against the previous block's hash and the current orderers; a valid
// config block then replaces the orderer set for the blocks after it.
func (v *Verifier) Verify(b *common.Block, prevHeaderHash []byte) error {
	if err := CheckLink(prevHeaderHash, b); err != nil {
		return err
	}
	if err := v.orgs.CheckSignature(b); err != nil {
		return err
	}
	return v.Observe(b)
}

// Observe takes the orderer set of a config block already verified (a resumed index
// replays its stored config blocks); other blocks are ignored.
func (v *Verifier) Observe(b *common.Block) error {
	if !IsConfig(b) {
		return nil
	}
	o, err := OrgsOf(b)
	if err != nil {
		return err
	}
	v.orgs = o
	return nil
}
