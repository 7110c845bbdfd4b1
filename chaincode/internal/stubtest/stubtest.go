// Package stubtest is an in-memory ledger for chaincode unit tests. It behaves like a
// peer where it matters to contract code: reads see committed state only (a PutState is
// not visible to GetState in the same transaction), writes commit only when the
// transaction succeeds, range scans are ordered, history is kept per key, and each call
// gets a new transaction id and timestamp from a test-controlled clock.
package stubtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	mspproto "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// BlockTx is what a committed transaction puts into the block every peer of the channel
// receives, as far as contract code decides it: the keys it read (state keys, range
// bounds, history keys), its public writes, its answer (part of the signed proposal
// response) and its event. Private data appear there only as hashes, so they are not
// listed. Tests search it for what must not leave the members' peers.
type BlockTx struct {
	TxID   string
	Reads  []string
	Writes map[string][]byte
	Answer string
	Event  []byte
}

// Text is everything in the transaction as one string, for searching.
func (b BlockTx) Text() string {
	var sb strings.Builder
	for _, r := range b.Reads {
		sb.WriteString(r + "\n")
	}
	for k, v := range b.Writes {
		sb.WriteString(k + "=" + string(v) + "\n")
	}
	sb.WriteString(b.Answer + "\n")
	sb.Write(b.Event)
	return sb.String()
}

// Event is a chaincode event set by a committed transaction.
type Event struct {
	TxID    string
	Name    string
	Payload []byte
}

type histEntry struct {
	txID  string
	ts    time.Time
	value []byte
	del   bool
}

// Ledger is the shared world state of a test.
type Ledger struct {
	mu      sync.Mutex
	state   map[string][]byte
	private map[string]map[string][]byte // collection → key → value
	vps     map[string][]byte            // key-level endorsement policies
	history map[string][]histEntry
	Now     time.Time // timestamp of the next transaction
	Step    time.Duration
	seq     int
	Events  []Event
	calls   map[string]int // peer round trips by shim call, since the last ResetCalls
	// Members lists, per collection, the MSPs that are its members (memberOnlyRead and
	// memberOnlyWrite apply to the caller's MSP, and a peer outside it holds none of its
	// data); a collection not listed is open to every org.
	Members map[string][]string
	// PeerMSP is the org of the peer that runs the next calls ("": a member of every
	// collection).
	PeerMSP string
	// Blocks are the committed transactions as the block shows them, oldest first.
	Blocks []BlockTx
}

// NewLedger starts an empty ledger whose clock begins at start and advances by one
// second per transaction.
func NewLedger(start time.Time) *Ledger {
	return &Ledger{state: map[string][]byte{}, private: map[string]map[string][]byte{}, vps: map[string][]byte{},
		history: map[string][]histEntry{}, Now: start, Step: time.Second, calls: map[string]int{}}
}

// count records one call that the real shim makes as a round trip to the peer (each
// state read, write, scan page, private data access and validation parameter write is a
// message on the chaincode stream; within a peer that is where a transaction's time goes).
func (l *Ledger) count(call string, n int) {
	l.mu.Lock()
	l.calls[call] += n
	l.mu.Unlock()
}

// Calls returns the peer round trips counted by shim call since the last ResetCalls.
func (l *Ledger) Calls() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.calls))
	for k, v := range l.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the counts.
func (l *Ledger) ResetCalls() {
	l.mu.Lock()
	l.calls = map[string]int{}
	l.mu.Unlock()
}

// Call runs fn as one transaction submitted by id. On success the writes and the event
// commit; on error nothing does (as on a peer, where a failed endorsement writes nothing).
func (l *Ledger) Call(id *Identity, fn func(ctx contractapi.TransactionContextInterface) (string, error)) (string, error) {
	return l.CallWith(id, nil, fn)
}

// CallWith is Call with a proposal's transient map.
func (l *Ledger) CallWith(id *Identity, transient map[string][]byte, fn func(ctx contractapi.TransactionContextInterface) (string, error)) (string, error) {
	l.mu.Lock()
	l.seq++
	txid := fmt.Sprintf("tx%06d", l.seq)
	ts := l.Now
	l.Now = l.Now.Add(l.Step)
	l.mu.Unlock()

	stub := &Stub{l: l, txID: txid, ts: ts, writes: map[string][]byte{}, pwrites: map[string]map[string][]byte{}, vpWrites: map[string][]byte{},
		creatorMSP: id.MSP, creator: id.Creator(), transient: transient}
	ctx := &contractapi.TransactionContext{}
	ctx.SetStub(stub)
	// As contract-api's Invoke does: the client identity is cid's reading of the
	// proposal's creator, and cid's error is dropped (a creator cid cannot read, such as
	// a certificate whose attribute extension is not attribute JSON, leaves a nil
	// *cid.ClientID for the chaincode to meet).
	ci, _ := cid.New(stub)
	ctx.SetClientIdentity(ci)
	out, err := fn(ctx)
	if err != nil {
		return "", err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := make([]string, 0, len(stub.writes))
	for k := range stub.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := stub.writes[k]
		if v == nil {
			delete(l.state, k)
		} else {
			l.state[k] = v
		}
		l.history[k] = append(l.history[k], histEntry{txID: txid, ts: ts, value: v, del: v == nil})
	}
	for coll, kv := range stub.pwrites {
		if l.private[coll] == nil {
			l.private[coll] = map[string][]byte{}
		}
		for k, v := range kv {
			l.private[coll][k] = v
		}
	}
	for k, v := range stub.vpWrites {
		l.vps[k] = v
	}
	if stub.eventName != "" {
		l.Events = append(l.Events, Event{TxID: txid, Name: stub.eventName, Payload: stub.eventPayload})
	}
	l.Blocks = append(l.Blocks, BlockTx{TxID: txid, Reads: stub.reads, Writes: stub.writes, Answer: out, Event: stub.eventPayload})
	return out, nil
}

// LastTx is the last committed transaction as the block shows it.
func (l *Ledger) LastTx() BlockTx {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.Blocks) == 0 {
		return BlockTx{}
	}
	return l.Blocks[len(l.Blocks)-1]
}

// ValidationParameter returns the key-level endorsement policy committed for key.
func (l *Ledger) ValidationParameter(key string) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.vps[key]
}

// Private returns a committed private data value (for assertions).
func (l *Ledger) Private(collection, key string) ([]byte, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.private[collection][key]
	return v, ok
}

// PutCommitted writes state as if a transaction had committed it, bypassing the
// contracts (tests of records forged by a modified chaincode).
func (l *Ledger) PutCommitted(key string, value []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state[key] = value
}

// LastEvent returns the most recent committed event.
func (l *Ledger) LastEvent() (Event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.Events) == 0 {
		return Event{}, false
	}
	return l.Events[len(l.Events)-1], true
}

// Get returns a committed value (for assertions).
func (l *Ledger) Get(key string) ([]byte, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.state[key]
	return v, ok
}

// CompositeKey builds a key the way the shim does (for assertions).
func CompositeKey(objectType string, attrs []string) (string, error) {
	return createKey(objectType, attrs)
}

// PutPrivateCommitted writes private data as if a transaction had committed it,
// bypassing the contracts (tests of records forged by a modified chaincode).
func (l *Ledger) PutPrivateCommitted(collection, key string, value []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.private[collection] == nil {
		l.private[collection] = map[string][]byte{}
	}
	l.private[collection][key] = value
}

// Keys returns the committed keys, sorted (for assertions).
func (l *Ledger) Keys() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.state))
	for k := range l.state {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Stub implements the parts of shim.ChaincodeStubInterface the contracts use. Calling
// any other method panics (the embedded interface is nil), which flags a test gap.
type Stub struct {
	shim.ChaincodeStubInterface
	l            *Ledger
	txID         string
	ts           time.Time
	writes       map[string][]byte
	pwrites      map[string]map[string][]byte
	vpWrites     map[string][]byte
	eventName    string
	eventPayload []byte
	creatorMSP   string
	creator      []byte // the proposal's creator: a serialized msp.SerializedIdentity
	transient    map[string][]byte
	reads        []string // keys and range bounds read, as the read set records them
}

// GetTransient returns the proposal's transient map.
func (s *Stub) GetTransient() (map[string][]byte, error) {
	out := make(map[string][]byte, len(s.transient))
	for k, v := range s.transient {
		out[k] = append([]byte(nil), v...)
	}
	return out, nil
}

// GetCreator returns the proposal's creator (SignatureHeader.Creator): the serialized
// identity of the submitter, its MSP id and its certificate as PEM.
func (s *Stub) GetCreator() ([]byte, error) { return append([]byte(nil), s.creator...), nil }

// member reports whether msp belongs to collection ("" always does).
func (l *Ledger) member(collection, msp string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.memberLocked(collection, msp)
}

func (l *Ledger) memberLocked(collection, msp string) bool {
	m, listed := l.Members[collection]
	if !listed || msp == "" {
		return true
	}
	for _, x := range m {
		if x == msp {
			return true
		}
	}
	return false
}

// GetPrivateData returns a committed private value as a peer does: an error for a caller
// outside the collection (memberOnlyRead), nil on a peer outside it (it holds no data).
func (s *Stub) GetPrivateData(collection, key string) ([]byte, error) {
	s.l.count("GetPrivateData", 1)
	if collection == "" || key == "" {
		return nil, fmt.Errorf("collection and key must not be empty")
	}
	if !s.l.member(collection, s.creatorMSP) {
		return nil, fmt.Errorf("tx creator does not have read access permission on privatedata in chaincodeName:pdl collectionName: %s", collection)
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	v, ok := s.l.private[collection][key]
	if !ok {
		return nil, nil
	}
	if !s.l.memberLocked(collection, s.l.PeerMSP) {
		// a peer outside the collection has the hash, not the value: Fabric answers an error
		return nil, fmt.Errorf("private data matching public hash version is not available. Public hash version = {BlockNum: 1, TxNum: 0}, Private data version = <nil>")
	}
	return append([]byte(nil), v...), nil
}

// PutPrivateData buffers a private data write (committed with the transaction).
func (s *Stub) PutPrivateData(collection, key string, value []byte) error {
	s.l.count("PutPrivateData", 1)
	if collection == "" || key == "" {
		return fmt.Errorf("collection and key must not be empty")
	}
	if len(value) == 0 {
		return fmt.Errorf("value must not be empty")
	}
	if !s.l.member(collection, s.creatorMSP) {
		return fmt.Errorf("tx creator does not have write access permission on privatedata in chaincodeName:pdl collectionName: %s", collection)
	}
	if s.pwrites[collection] == nil {
		s.pwrites[collection] = map[string][]byte{}
	}
	s.pwrites[collection][key] = value
	return nil
}

// GetPrivateDataHash returns the SHA-256 of a committed private value, nil when absent
// (like the peer, it does not see this transaction's own writes).
func (s *Stub) GetPrivateDataHash(collection, key string) ([]byte, error) {
	s.l.count("GetPrivateDataHash", 1)
	if collection == "" || key == "" {
		return nil, fmt.Errorf("collection and key must not be empty")
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	v, ok := s.l.private[collection][key]
	if !ok {
		return nil, nil
	}
	h := sha256.Sum256(v)
	return h[:], nil
}

// SetStateValidationParameter buffers a key-level endorsement policy.
func (s *Stub) SetStateValidationParameter(key string, ep []byte) error {
	s.l.count("SetStateValidationParameter", 1)
	if key == "" {
		return fmt.Errorf("key must not be empty")
	}
	s.vpWrites[key] = ep
	return nil
}

// GetTxID returns the transaction id.
func (s *Stub) GetTxID() string { return s.txID }

// GetChannelID returns the test channel.
func (s *Stub) GetChannelID() string { return "pdl" }

// GetTxTimestamp returns the transaction's timestamp.
func (s *Stub) GetTxTimestamp() (*timestamppb.Timestamp, error) { return timestamppb.New(s.ts), nil }

// GetState returns the committed value (not this transaction's pending write).
func (s *Stub) GetState(key string) ([]byte, error) {
	s.l.count("GetState", 1)
	s.reads = append(s.reads, key)
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	v := s.l.state[key]
	if v == nil {
		return nil, nil
	}
	return append([]byte(nil), v...), nil
}

// PutState records a pending write.
func (s *Stub) PutState(key string, value []byte) error {
	s.l.count("PutState", 1)
	if key == "" {
		return fmt.Errorf("empty key")
	}
	if value == nil {
		value = []byte{}
	}
	s.writes[key] = append([]byte(nil), value...)
	return nil
}

// DelState records a pending delete.
func (s *Stub) DelState(key string) error {
	s.l.count("DelState", 1)
	s.writes[key] = nil
	return nil
}

// SetEvent sets the transaction's event (the last call wins, as in Fabric).
func (s *Stub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return fmt.Errorf("event name can not be empty string")
	}
	s.eventName, s.eventPayload = name, append([]byte(nil), payload...)
	return nil
}

const (
	ns     = "\x00"
	minRun = "\x00"
	maxRun = string(rune(0x10FFFF))
)

// CreateCompositeKey builds a key the way the shim does.
func (s *Stub) CreateCompositeKey(objectType string, attrs []string) (string, error) {
	return createKey(objectType, attrs)
}

func createKey(objectType string, attrs []string) (string, error) {
	check := func(v string) error {
		if !utf8.ValidString(v) {
			return fmt.Errorf("not a valid utf8 string: [%x]", v)
		}
		for i, r := range v {
			if r == 0 || r == 0x10FFFF {
				return fmt.Errorf("input contains unicode %#U starting at position [%d]", r, i)
			}
		}
		return nil
	}
	if err := check(objectType); err != nil {
		return "", err
	}
	k := ns + objectType + minRun
	for _, a := range attrs {
		if err := check(a); err != nil {
			return "", err
		}
		k += a + minRun
	}
	return k, nil
}

// SplitCompositeKey splits a key the way the shim does.
func (s *Stub) SplitCompositeKey(key string) (string, []string, error) {
	parts := strings.Split(strings.TrimSuffix(key[1:], minRun), minRun)
	if len(parts) == 0 {
		return "", nil, fmt.Errorf("not a composite key")
	}
	return parts[0], parts[1:], nil
}

// GetStateByPartialCompositeKey scans committed composite keys with the prefix.
func (s *Stub) GetStateByPartialCompositeKey(objectType string, attrs []string) (shim.StateQueryIteratorInterface, error) {
	start, err := createKey(objectType, attrs)
	if err != nil {
		return nil, err
	}
	return s.scan(start, start+maxRun), nil
}

// GetStateByRange scans committed simple keys in [start, end).
func (s *Stub) GetStateByRange(start, end string) (shim.StateQueryIteratorInterface, error) {
	if end == "" {
		end = maxRun
	}
	it := s.scan(start, end)
	// simple-key ranges never include composite keys
	var kept []*queryresult.KV
	for _, kv := range it.kvs {
		if !strings.HasPrefix(kv.Key, ns) {
			kept = append(kept, kv)
		}
	}
	it.kvs = kept
	return it, nil
}

// GetStateByPartialCompositeKeyWithPagination pages a partial composite key scan.
func (s *Stub) GetStateByPartialCompositeKeyWithPagination(objectType string, keys []string, pageSize int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	start, err := createKey(objectType, keys)
	if err != nil {
		return nil, nil, err
	}
	end := start + maxRun
	if bookmark != "" {
		start = bookmark
	}
	it := s.scan(start, end)
	meta := &peer.QueryResponseMetadata{}
	if pageSize > 0 && len(it.kvs) > int(pageSize) {
		meta.Bookmark = it.kvs[pageSize].Key
		it.kvs = it.kvs[:pageSize]
	}
	meta.FetchedRecordsCount = int32(len(it.kvs))
	return it, meta, nil
}

func (s *Stub) scan(start, end string) *iter {
	s.reads = append(s.reads, start, end)
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	var keys []string
	for k := range s.l.state {
		if k >= start && k < end {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	it := &iter{}
	for _, k := range keys {
		it.kvs = append(it.kvs, &queryresult.KV{Namespace: "pdl", Key: k, Value: append([]byte(nil), s.l.state[k]...)})
	}
	// a peer answers a range query in batches of 100 results (QUERY_STATE_NEXT)
	s.l.calls["Scan"] += 1 + len(keys)/100
	s.l.calls["ScannedKVs"] += len(keys)
	return it
}

type iter struct {
	kvs []*queryresult.KV
	i   int
}

func (it *iter) HasNext() bool { return it.i < len(it.kvs) }
func (it *iter) Close() error  { return nil }
func (it *iter) Next() (*queryresult.KV, error) {
	if it.i >= len(it.kvs) {
		return nil, fmt.Errorf("iterator exhausted")
	}
	kv := it.kvs[it.i]
	it.i++
	return kv, nil
}

// GetHistoryForKey returns committed versions, newest first (as Fabric does).
func (s *Stub) GetHistoryForKey(key string) (shim.HistoryQueryIteratorInterface, error) {
	s.l.count("GetHistoryForKey", 1)
	s.reads = append(s.reads, key)
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	h := s.l.history[key]
	it := &histIter{}
	for i := len(h) - 1; i >= 0; i-- {
		e := h[i]
		it.mods = append(it.mods, &queryresult.KeyModification{TxId: e.txID, Value: e.value, Timestamp: timestamppb.New(e.ts), IsDelete: e.del})
	}
	return it, nil
}

type histIter struct {
	mods []*queryresult.KeyModification
	i    int
}

func (it *histIter) HasNext() bool { return it.i < len(it.mods) }
func (it *histIter) Close() error  { return nil }
func (it *histIter) Next() (*queryresult.KeyModification, error) {
	if it.i >= len(it.mods) {
		return nil, fmt.Errorf("iterator exhausted")
	}
	m := it.mods[it.i]
	it.i++
	return m, nil
}

// Identity is a test client identity: an MSP id and an X.509 certificate issued by a
// per-MSP test CA. A transaction sees it as a peer's chaincode does, through cid reading
// the creator it serializes to (Creator). It implements cid.ClientIdentity with cid's
// own methods on that creator.
type Identity struct {
	MSP  string
	Cert *x509.Certificate
}

var _ cid.ClientIdentity = (*Identity)(nil)

var (
	caMu sync.Mutex
	cas  = map[string]*testCA{}
)

type testCA struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

func caFor(msp string) *testCA {
	caMu.Lock()
	defer caMu.Unlock()
	if ca, ok := cas[msp]; ok {
		return ca
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + strings.ToLower(msp), Organization: []string{msp}},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ca := &testCA{key: key, cert: cert}
	cas[msp] = ca
	return ca
}

// NewIdentity issues a certificate for cn in msp with the given OUs ("admin", "client"),
// without attributes (as cryptogen issues them).
func NewIdentity(msp, cn string, ous ...string) *Identity {
	return issue(msp, cn, ous, nil)
}

// NewIdentityWithAttrs issues a certificate for cn in msp carrying attrs the way a
// Fabric CA (1.5) enrollment certificate does: the attribute extension (OID
// 1.2.3.4.5.6.7.8.1, not critical) whose value is the JSON {"attrs":{name:value,...}}
// that Fabric's attrmgr writes and cid reads.
func NewIdentityWithAttrs(msp, cn string, attrs map[string]string, ous ...string) *Identity {
	var scratch x509.Certificate
	if err := attrmgr.New().AddAttributesToCert(&attrmgr.Attributes{Attrs: attrs}, &scratch); err != nil {
		panic(err)
	}
	return issue(msp, cn, ous, scratch.Extensions)
}

// NewIdentityWithAttrExtension issues a certificate whose attribute extension holds raw
// as its value, whatever it is: for a CA that wrote something cid cannot read.
func NewIdentityWithAttrExtension(msp, cn string, raw []byte, ous ...string) *Identity {
	return issue(msp, cn, ous, []pkix.Extension{{Id: attrmgr.AttrOID, Critical: false, Value: raw}})
}

func issue(msp, cn string, ous []string, extra []pkix.Extension) *Identity {
	ca := caFor(msp)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sum := sha256.Sum256([]byte(msp + "/" + cn))
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(sum[:8]),
		Subject:      pkix.Name{CommonName: cn, OrganizationalUnit: ous, Country: []string{"CN"}},
		NotBefore:    time.Unix(0, 0), NotAfter: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC),
		// x509.CreateCertificate writes ExtraExtensions (Extensions is what it parsed)
		ExtraExtensions: extra,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &Identity{MSP: msp, Cert: cert}
}

// PEM is the certificate as PEM.
func (i *Identity) PEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: i.Cert.Raw}))
}

// Creator is what a proposal by this identity carries as its creator (and the shim's
// GetCreator returns): the serialized msp.SerializedIdentity of its MSP id and its
// certificate as PEM.
func (i *Identity) Creator() []byte {
	raw, err := proto.Marshal(&mspproto.SerializedIdentity{Mspid: i.MSP, IdBytes: []byte(i.PEM())})
	if err != nil {
		panic(err)
	}
	return raw
}

// creatorOf is a cid.ChaincodeStubInterface that answers with a fixed creator.
type creatorOf []byte

func (c creatorOf) GetCreator() ([]byte, error) { return c, nil }

// clientID is cid's reading of the identity (cid.New on its creator): what a chaincode
// on a peer sees, attributes parsed from the certificate by cid itself.
func (i *Identity) clientID() (*cid.ClientID, error) { return cid.New(creatorOf(i.Creator())) }

// GetID is cid's GetID of the identity.
func (i *Identity) GetID() (string, error) {
	c, err := i.clientID()
	if err != nil {
		return "", err
	}
	return c.GetID()
}

// GetMSPID returns the MSP id.
func (i *Identity) GetMSPID() (string, error) { return i.MSP, nil }

// GetAttributeValue is cid's GetAttributeValue: the Fabric CA attribute from the
// certificate's attribute extension (found false without one). A certificate cid
// cannot read is an error here; in a transaction contract-api leaves a nil identity.
func (i *Identity) GetAttributeValue(name string) (string, bool, error) {
	c, err := i.clientID()
	if err != nil {
		return "", false, err
	}
	return c.GetAttributeValue(name)
}

// AssertAttributeValue is cid's AssertAttributeValue.
func (i *Identity) AssertAttributeValue(name, value string) error {
	c, err := i.clientID()
	if err != nil {
		return err
	}
	return c.AssertAttributeValue(name, value)
}

// GetX509Certificate returns the certificate.
func (i *Identity) GetX509Certificate() (*x509.Certificate, error) { return i.Cert, nil }

// Fingerprint is a short stable id of the certificate, for test names.
func (i *Identity) Fingerprint() string {
	s := sha256.Sum256(i.Cert.Raw)
	return hex.EncodeToString(s[:4])
}
