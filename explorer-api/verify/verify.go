// Package verify checks Hyperledger Fabric v2.5 blocks before the explorer indexes them:
// the previous-hash chain, the data hash, and the ordering service's signature, which
// must come from an orderer organization of the channel configuration and chain to its
// MSP root certificates. Pure functions over fabric-protos; no network.
//
// Fabric sources relied on (v2.5.0): protoutil/blockutils.go (BlockHeaderBytes,
// ComputeBlockDataHash), orderer/common/multichannel/blockwriter.go (addBlockSignature:
// the signed bytes are metadata value || signature header || header bytes),
// common/policies and msp (ECDSA over SHA-256, ASN.1 signatures), msp/mspimplsetup.go
// and mspimplvalidate.go (revocation lists: one per revocation_list entry, PEM or DER; a
// certificate is revoked when a list its issuing CA signed names its serial number).
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
	"sync/atomic"
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

// Orgs holds the MSP roots and verified revocation lists of a channel's organizations
// from a config block. It is not changed after OrgsOf builds it, so the indexer and the
// API can share one.
type Orgs struct {
	Orderers map[string]*mspRoots // orderer organizations by MSP id
	All      map[string]*mspRoots
	// Ignored names the revocation lists that did not verify (org, index, why).
	Ignored []string
}

type mspRoots struct {
	roots, inter *x509.CertPool
	cas          []*x509.Certificate // the roots and intermediates: who may sign the MSP's CRLs
	crls         []*crl
}

// crl is a revocation list of an MSP whose signature verified against signer, one of
// the MSP's CA certificates.
type crl struct {
	signer  *x509.Certificate
	list    *x509.RevocationList
	revoked map[string]x509.RevocationListEntry // by serial number, decimal
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

// OrgsOf extracts every organization's MSP roots and revocation lists from a config
// block. A revocation list that none of its organization's root or intermediate
// certificates signed revokes nothing, as in Fabric's MSP (which skips a list whose
// signature fails when it finds a serial in it): the explorer refuses exactly what the
// peers refuse, and one org's bad list cannot stop the index. It is named in
// Orgs.Ignored for the operators.
func OrgsOf(b *common.Block) (*Orgs, error) {
	cfg, err := ConfigOf(b)
	if err != nil {
		return nil, err
	}
	n := b.GetHeader().GetNumber()
	o := &Orgs{Orderers: map[string]*mspRoots{}, All: map[string]*mspRoots{}}
	for _, section := range []string{"Orderer", "Application"} {
		g := cfg.GetChannelGroup().GetGroups()[section]
		for name, org := range g.GetGroups() {
			v := org.GetValues()["MSP"]
			if v == nil {
				continue
			}
			id, r, ignored, err := orgMSP(n, name, v.GetValue())
			if err != nil {
				return nil, err
			}
			o.Ignored = append(o.Ignored, ignored...)
			o.All[id] = r
			if section == "Orderer" {
				o.Orderers[id] = r
			}
		}
	}
	if len(o.Orderers) == 0 {
		return nil, &Error{ConfigUnreadable, n, "no orderer organization in the channel configuration"}
	}
	return o, nil
}

// orgMSP reads the MSP value of config group name of block n.
func orgMSP(n uint64, name string, value []byte) (id string, r *mspRoots, ignored []string, err error) {
	var mc msp.MSPConfig
	var fc msp.FabricMSPConfig
	if err := proto.Unmarshal(value, &mc); err != nil {
		return "", nil, nil, &Error{ConfigUnreadable, n, "org " + name + ": " + err.Error()}
	}
	if err := proto.Unmarshal(mc.GetConfig(), &fc); err != nil {
		return "", nil, nil, &Error{ConfigUnreadable, n, "org " + name + ": " + err.Error()}
	}
	r = &mspRoots{roots: x509.NewCertPool(), inter: x509.NewCertPool()}
	for _, c := range fc.GetRootCerts() {
		certs := pemCerts(c)
		if len(certs) == 0 {
			return "", nil, nil, &Error{ConfigUnreadable, n, "org " + name + ": a root certificate is not PEM"}
		}
		for _, cert := range certs {
			r.roots.AddCert(cert)
		}
		r.cas = append(r.cas, certs...)
	}
	for _, c := range fc.GetIntermediateCerts() {
		for _, cert := range pemCerts(c) {
			r.inter.AddCert(cert)
			r.cas = append(r.cas, cert)
		}
	}
	for i, raw := range fc.GetRevocationList() {
		l, err := r.verifiedCRL(raw)
		if err != nil {
			ignored = append(ignored, fmt.Sprintf("block %d: org %s (%s): revocation list %d: %v", n, name, fc.GetName(), i, err))
			continue
		}
		r.crls = append(r.crls, l)
	}
	return fc.GetName(), r, ignored, nil
}

// pemCerts parses the certificates of PEM bytes, skipping what is not one (as
// CertPool.AppendCertsFromPEM does, which this replaces because CRL checks need the
// parsed certificates).
func pemCerts(b []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for len(b) > 0 {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" || len(blk.Headers) != 0 {
			continue
		}
		if c, err := x509.ParseCertificate(blk.Bytes); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// verifiedCRL parses one revocation_list entry the way Fabric's MSP does (the first PEM
// block, or DER) and finds the CA of the MSP that signed it: one whose subject is the
// list's issuer, whose key id (when both carry one) is the list's, and whose key
// verifies the list's signature. Fabric checks that signature only when a revoked
// serial matches; checking it here reports a bad list at its config block.
func (r *mspRoots) verifiedCRL(raw []byte) (*crl, error) {
	der := raw
	if blk, _ := pem.Decode(raw); blk != nil {
		der = blk.Bytes
	}
	l, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, err
	}
	var last error = fmt.Errorf("issuer %q is none of the MSP's root or intermediate certificates", l.Issuer)
	for _, ca := range r.cas {
		if !bytes.Equal(ca.RawSubject, l.RawIssuer) || !sameKeyID(ca.SubjectKeyId, l.AuthorityKeyId) {
			continue
		}
		if err := l.CheckSignatureFrom(ca); err != nil {
			last = fmt.Errorf("issuer %q: signature does not verify against the MSP's certificate of that name: %w", l.Issuer, err)
			continue
		}
		out := &crl{signer: ca, list: l, revoked: map[string]x509.RevocationListEntry{}}
		for _, e := range l.RevokedCertificateEntries {
			out.revoked[e.SerialNumber.String()] = e
		}
		return out, nil
	}
	return nil, last
}

// sameKeyID compares a subject key id with an authority key id; a side without one
// does not tell them apart (the signature check decides).
func sameKeyID(ski, aki []byte) bool {
	return len(ski) == 0 || len(aki) == 0 || bytes.Equal(ski, aki)
}

// Revoked reports whether a verified revocation list of MSP mspID revokes cert, and
// why. A list applies to cert when cert's issuer is the list's: same name, same key id
// when both carry one, and the key that signed the list also signed cert. The time of
// revocation in the list is not used: as in Fabric, a revocation takes effect from the
// config block that carries the list, and the list's next-update time is not enforced.
//
// Preconditions: o is from OrgsOf (its lists verified), and cert already chains to
// mspID's roots (Revoked does not check that); call it for the client certificate and
// for each intermediate of its chain, not for a root. An unknown mspID revokes nothing.
func (o *Orgs) Revoked(mspID string, cert *x509.Certificate) (bool, string) {
	r := o.All[mspID]
	if r == nil || cert == nil {
		return false, ""
	}
	for _, l := range r.crls {
		e, ok := l.revoked[cert.SerialNumber.String()]
		if !ok || !l.issued(cert) {
			continue
		}
		return true, fmt.Sprintf("certificate %q (serial 0x%x) is revoked by %s's revocation list of %q (issued %s, revoked %s)",
			cert.Subject.String(), cert.SerialNumber, mspID, l.list.Issuer.String(), l.list.ThisUpdate.UTC().Format(time.RFC3339),
			e.RevocationTime.UTC().Format(time.RFC3339))
	}
	return false, ""
}

// issued reports whether the list's signer issued cert: the serial numbers of a list
// are those of its own CA's certificates only.
func (l *crl) issued(cert *x509.Certificate) bool {
	return bytes.Equal(cert.RawIssuer, l.list.RawIssuer) && sameKeyID(l.list.AuthorityKeyId, cert.AuthorityKeyId) &&
		cert.CheckSignatureFrom(l.signer) == nil
}

// MSPs lists the organizations' MSP ids, sorted (the order the API tries them in).
func (o *Orgs) MSPs() []string { return keys(o.All) }

// ClientChains verifies an API client's certificate certs[0] against mspID's roots now,
// with the MSP's intermediates and the others the client presented (certs[1:]); the
// chains it verified along, or nil when it does not chain to mspID. Revocation is not
// checked here (see Revoked).
func (o *Orgs) ClientChains(mspID string, certs []*x509.Certificate) [][]*x509.Certificate {
	r := o.All[mspID]
	if r == nil || len(certs) == 0 {
		return nil
	}
	inter := r.inter.Clone()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	chains, err := certs[0].Verify(x509.VerifyOptions{Roots: r.roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return nil
	}
	return chains
}

// OrgRoots returns, per MSP id, the root pool of every organization of the channel.
// It knows nothing of intermediates or revocation lists: the API authenticates with
// Orgs.ClientChains and Orgs.Revoked instead.
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

// Verifier checks a chain of blocks, following configuration changes. One goroutine
// calls Verify and Observe; any may call Orgs.
type Verifier struct {
	orgs atomic.Pointer[Orgs]
}

// NewVerifier starts from the channel's genesis (config) block, the trust root.
func NewVerifier(genesis *common.Block) (*Verifier, error) {
	o, err := OrgsOf(genesis)
	if err != nil {
		return nil, err
	}
	v := &Verifier{}
	v.orgs.Store(o)
	return v, nil
}

// Orgs is the channel's organizations as of the newest config block verified or
// observed; it stays valid (unchanged) after a later config block replaces it.
func (v *Verifier) Orgs() *Orgs { return v.orgs.Load() }

// Verify checks b against the previous block's hash and the current orderers; a valid
// config block then replaces the organizations for the blocks after it.
func (v *Verifier) Verify(b *common.Block, prevHeaderHash []byte) error {
	if err := CheckLink(prevHeaderHash, b); err != nil {
		return err
	}
	if err := v.Orgs().CheckSignature(b); err != nil {
		return err
	}
	return v.Observe(b)
}

// Observe takes the organizations of a config block already verified (a resumed index
// replays its stored config blocks); other blocks are ignored. A config block OrgsOf
// refuses leaves the previous organizations in place.
func (v *Verifier) Observe(b *common.Block) error {
	if !IsConfig(b) {
		return nil
	}
	o, err := OrgsOf(b)
	if err != nil {
		return err
	}
	v.orgs.Store(o)
	return nil
}
