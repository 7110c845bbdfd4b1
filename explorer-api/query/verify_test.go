package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/explorer-api/indexer"
	"github.com/pdledger/pdledger/explorer-api/verify"
)

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// endorserTx is a valid transaction of chaincode pdl whose event carries recs.
func endorserTx(t *testing.T, txID string, at time.Time, recs ...model.Record) []byte {
	ev := model.Event{Schema: model.EventSchema, Type: "test.put", TxID: txID, Time: at}
	for _, r := range recs {
		m := r.GetMeta()
		m.Version++
		raw, _ := json.Marshal(r)
		ev.Records = append(ev.Records, model.EventRecord{Kind: m.Kind, ID: m.ID, Version: m.Version, Action: "put", Public: m.Public, Data: raw})
	}
	payload, _ := json.Marshal(ev)
	cca := &peer.ChaincodeAction{ChaincodeId: &peer.ChaincodeID{Name: "pdl"},
		Events: mustMarshal(t, &peer.ChaincodeEvent{ChaincodeId: "pdl", TxId: txID, EventName: ev.Type, Payload: payload})}
	input := &peer.ChaincodeInvocationSpec{ChaincodeSpec: &peer.ChaincodeSpec{Input: &peer.ChaincodeInput{Args: [][]byte{[]byte("Test:Put")}}}}
	cap := &peer.ChaincodeActionPayload{ChaincodeProposalPayload: mustMarshal(t, &peer.ChaincodeProposalPayload{Input: mustMarshal(t, input)}),
		Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: mustMarshal(t, &peer.ProposalResponsePayload{Extension: mustMarshal(t, cca)})}}
	ptx := &peer.Transaction{Actions: []*peer.TransactionAction{{Payload: mustMarshal(t, cap)}}}
	ch := &common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), ChannelId: "pdl", TxId: txID, Timestamp: timestamppb.New(at)}
	pl := &common.Payload{Header: &common.Header{ChannelHeader: mustMarshal(t, ch), SignatureHeader: mustMarshal(t, &common.SignatureHeader{})}, Data: mustMarshal(t, ptx)}
	return mustMarshal(t, &common.Envelope{Payload: mustMarshal(t, pl)})
}

// fabricLedger is a chain of Fabric blocks, indexed as the indexer does, and the peer
// that serves them (Ledger) with a world state of its own.
type fabricLedger struct {
	*ledger
	blocks [][]byte
	state  map[model.RecordRef]model.StateDigest
}

func newFabricLedger(t *testing.T) *fabricLedger {
	return &fabricLedger{ledger: newLedger(t), state: map[model.RecordRef]model.StateDigest{}}
}

// add appends a block with one transaction per record set, indexes it and writes world
// state.
func (f *fabricLedger) add(txs ...[]model.Record) {
	t := f.t
	t.Helper()
	n := uint64(len(f.blocks))
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
	b := &common.Block{Header: &common.BlockHeader{Number: n, PreviousHash: f.prev}, Data: &common.BlockData{}, Metadata: &common.BlockMetadata{Metadata: make([][]byte, 5)}}
	for i, recs := range txs {
		b.Data.Data = append(b.Data.Data, endorserTx(t, fmt.Sprintf("tx-%d-%d", n, i), at, recs...))
		for _, r := range recs {
			m := r.GetMeta()
			raw, _ := json.Marshal(r)
			f.state[model.RecordRef{Kind: m.Kind, ID: m.ID}] = model.StateDigest{Kind: m.Kind, ID: m.ID, Version: m.Version, Digest: gm.SumHex(raw)}
		}
	}
	b.Header.DataHash = verify.DataHash(b.Data)
	row, err := indexer.Convert(b, "pdl")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.ApplyBlock(context.Background(), row); err != nil {
		t.Fatal(err)
	}
	f.blocks = append(f.blocks, row.Raw)
	f.prev = client.HeaderHash(b.Header)
}

func (f *fabricLedger) ChainInfo(context.Context) (*client.ChainInfo, error) {
	return &client.ChainInfo{Height: uint64(len(f.blocks))}, nil
}

func (f *fabricLedger) BlockBytes(_ context.Context, n uint64) ([]byte, error) {
	if n >= uint64(len(f.blocks)) {
		return nil, fmt.Errorf("no block %d", n)
	}
	return f.blocks[n], nil
}

func (f *fabricLedger) StateDigests(_ context.Context, refs []model.RecordRef) ([]model.StateDigest, error) {
	var out []model.StateDigest
	for _, r := range refs {
		d, ok := f.state[r]
		if !ok {
			d = model.StateDigest{Kind: r.Kind, ID: r.ID, Missing: true}
		}
		out = append(out, d)
	}
	return out, nil
}

func codes(v *Verification) string {
	var out []string
	for _, m := range v.Mismatches {
		out = append(out, fmt.Sprintf("%d %s", m.Block, m.Code))
	}
	return strings.Join(out, ", ")
}

func verifyLedger(t *testing.T) *fabricLedger {
	f := newFabricLedger(t)
	r1 := &model.Resource{Meta: meta(model.KindResource, "r1", true), SourceUnit: "su1", Name: "楼栋数据"}
	a1 := &model.Application{Meta: meta(model.KindApplication, "a1", false), Operator: "op", DataList: []model.DataRequest{{Resource: "r1"}}}
	f.add([]model.Record{r1})
	f.add([]model.Record{a1}, []model.Record{&model.Product{Meta: meta(model.KindProduct, "p1", true), Operator: "op", Name: "龙数贷"}})
	r1.Name = "楼栋数据 v2"
	f.add([]model.Record{r1})
	return f
}

var zero uint64

// TestVerify_IndexEqualsItsBlocks: an untouched index verifies against the raw blocks
// it stored and against the peer (blocks and world state), over any range.
func TestVerify_IndexEqualsItsBlocks(t *testing.T) {
	f := verifyLedger(t)
	ctx := context.Background()
	v, err := f.index().Verify(ctx, &zero, nil)
	if err != nil || !v.OK || v.From != 0 || v.To != 3 || v.BlocksChecked != 3 || v.ComparedWith != "stored raw blocks" || v.StateChecked != 0 {
		t.Fatalf("%+v %v (%s)", v, err, codes(v))
	}
	ix := f.index()
	ix.Ledger = f
	if v, err = ix.Verify(ctx, &zero, nil); err != nil || !v.OK || v.ComparedWith != "ledger (peer)" || v.StateChecked != 3 {
		t.Fatalf("against the peer: %+v %v (%s)", v, err, codes(v))
	}
	one, two, beyond := uint64(1), uint64(2), uint64(99)
	if v, _ = ix.Verify(ctx, &one, &one); v.From != 1 || v.To != 2 || v.BlocksChecked != 1 || v.StateChecked != 2 {
		t.Fatalf("block 1 only: %+v", v)
	}
	if v, _ = ix.Verify(ctx, &two, &beyond); v.To != 3 || v.BlocksChecked != 1 {
		t.Fatalf("a range past the index ends at its checkpoint: %+v", v)
	}
}

// TestVerify_LongRangePaged: one verification checks at most VerifyBlocks blocks; a
// longer range says where its next page starts, and without a first block the newest
// page is checked.
func TestVerify_LongRangePaged(t *testing.T) {
	f := verifyLedger(t)
	ctx := context.Background()
	ix := f.index()
	ix.Ledger = f
	ix.VerifyBlocks = 2
	v, err := ix.Verify(ctx, nil, nil)
	if err != nil || !v.OK || v.From != 1 || v.To != 3 || v.Next != nil || v.BlocksChecked != 2 {
		t.Fatalf("default range: %+v %v", v, err)
	}
	if v, _ = ix.Verify(ctx, &zero, nil); v.From != 0 || v.To != 2 || v.Next == nil || *v.Next != 2 || !v.OK {
		t.Fatalf("first page: %+v", v)
	}
	if v, _ = ix.Verify(ctx, v.Next, nil); v.From != 2 || v.To != 3 || v.Next != nil || !v.OK {
		t.Fatalf("second page: %+v", v)
	}
	one := uint64(1)
	if v, _ = ix.Verify(ctx, nil, &one); v.From != 0 || v.To != 2 || v.Next != nil {
		t.Fatalf("the page ending at block 1: %+v", v)
	}
	// a version tampered in block 2 is reported for block 2 by the second page only (the
	// first page sees the current row unlike that version, at block 0 where r1 began)
	if _, err := f.st.DB().Exec(`UPDATE record_versions SET data = replace(data, '楼栋数据 v2', '篡改') WHERE kind = ? AND id = ? AND block = 2`, string(model.KindResource), "r1"); err != nil {
		t.Fatal(err)
	}
	v, _ = ix.Verify(ctx, &zero, nil)
	for _, m := range v.Mismatches {
		if m.Block >= v.To {
			t.Fatalf("the first page reports a block it did not check: %s", codes(v))
		}
	}
	if v, _ = ix.Verify(ctx, v.Next, nil); v.OK || !strings.Contains(codes(v), "2 INDEX_RECORD_DIFFERS") {
		t.Fatalf("the second page: %s", codes(v))
	}
}

// TestVerify_ChangedRowsReported: a record version changed in the index, a current
// record that no longer equals its last version, a block the peer holds otherwise, and
// world state that differs are each reported with their block and code.
func TestVerify_ChangedRowsReported(t *testing.T) {
	f := verifyLedger(t)
	ctx := context.Background()
	db := f.st.DB()
	if _, err := db.Exec(`UPDATE record_versions SET data = replace(data, '龙数贷', '篡改') WHERE kind = ? AND id = ?`, string(model.KindProduct), "p1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE records SET data = replace(data, 'v2', 'v3') WHERE kind = ? AND id = ?`, string(model.KindResource), "r1"); err != nil {
		t.Fatal(err)
	}
	// each block writing r1 or p1 finds its current version unlike its last indexed one
	v, err := f.index().Verify(ctx, &zero, nil)
	if err != nil || v.OK || codes(v) != "0 INDEX_RECORD_DIFFERS, 1 INDEX_RECORD_DIFFERS, 1 INDEX_RECORD_DIFFERS, 2 INDEX_RECORD_DIFFERS" {
		t.Fatalf("tampered index: %v (%s)", err, codes(v))
	}
	if d := v.Mismatches[0].Detail + " | " + v.Mismatches[1].Detail; !strings.Contains(d, "current resource r1") || !strings.Contains(d, "product p1 v1 written by tx tx-1-1") {
		t.Fatalf("details: %s", d)
	}

	// the peer: block 1 holds other transactions, and world state lost a1 and moved on
	// for r1 (p1's current row, untouched, still equals world state)
	other := newFabricLedger(t)
	other.add([]model.Record{&model.Resource{Meta: meta(model.KindResource, "r1", true), SourceUnit: "su1"}})
	other.add([]model.Record{&model.Trade{Meta: meta(model.KindTrade, "t1", false), Operator: "op"}})
	f.blocks[1] = other.blocks[1]
	r1 := f.state[model.RecordRef{Kind: model.KindResource, ID: "r1"}]
	r1.Version++
	f.state[model.RecordRef{Kind: model.KindResource, ID: "r1"}] = r1
	delete(f.state, model.RecordRef{Kind: model.KindApplication, ID: "a1"})
	ix := f.index()
	ix.Ledger = f
	if v, _ = ix.Verify(ctx, &zero, nil); codes(v) != "0 INDEX_RECORD_DIFFERS, 1 INDEX_BLOCK_HASH_DIFFERS, 1 INDEX_TX_COUNT_DIFFERS, 2 INDEX_RECORD_DIFFERS, 1 INDEX_STATE_DIFFERS, 2 INDEX_STATE_DIFFERS" {
		t.Fatalf("against the peer: %s", codes(v))
	}
}

// TestVerify_PageLinkedToTheBlockBefore: a page's first block is held to the hash of the
// block before it, so a chain broken at a page boundary is found by the page after it;
// a range naming no indexed block is refused.
func TestVerify_PageLinkedToTheBlockBefore(t *testing.T) {
	f := verifyLedger(t)
	ctx := context.Background()
	ix := f.index()
	ix.VerifyBlocks = 2
	if _, err := f.st.DB().Exec(`UPDATE blocks SET prev_hash = ? WHERE number = 2`, []byte("not the hash of block 1")); err != nil {
		t.Fatal(err)
	}
	v, err := ix.Verify(ctx, &zero, nil)
	if err != nil || !v.OK || v.Next == nil {
		t.Fatalf("the first page, blocks 0 and 1: %+v %v", v, err)
	}
	if v, _ = ix.Verify(ctx, v.Next, nil); v.OK || codes(v) != "2 INDEX_CHAIN_BROKEN" {
		t.Fatalf("the second page starts at the broken link: %s", codes(v))
	}
	one, two, three := uint64(1), uint64(2), uint64(3)
	if _, err := ix.Verify(ctx, &three, nil); !errors.Is(err, ErrBadRange) {
		t.Fatalf("a first block past the index: %v", err)
	}
	if _, err := ix.Verify(ctx, &two, &one); !errors.Is(err, ErrBadRange) {
		t.Fatalf("a last block before the first: %v", err)
	}
}
