package client

import (
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// endorserEnvelope builds an endorser transaction envelope whose proposal carries args.
func endorserEnvelope(args ...[]byte) []byte {
	input, _ := proto.Marshal(&peer.ChaincodeInvocationSpec{ChaincodeSpec: &peer.ChaincodeSpec{Input: &peer.ChaincodeInput{Args: args}}})
	cpp, _ := proto.Marshal(&peer.ChaincodeProposalPayload{Input: input})
	ext, _ := proto.Marshal(&peer.ChaincodeAction{ChaincodeId: &peer.ChaincodeID{Name: "pdl"}})
	prp, _ := proto.Marshal(&peer.ProposalResponsePayload{Extension: ext})
	cap, _ := proto.Marshal(&peer.ChaincodeActionPayload{ChaincodeProposalPayload: cpp, Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: prp}})
	tx, _ := proto.Marshal(&peer.Transaction{Actions: []*peer.TransactionAction{{Payload: cap}}})
	ch, _ := proto.Marshal(&common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), TxId: "t"})
	pl, _ := proto.Marshal(&common.Payload{Header: &common.Header{ChannelHeader: ch}, Data: tx})
	env, _ := proto.Marshal(&common.Envelope{Payload: pl})
	return env
}

// FuzzParseBlock: any bytes in a block's data — anyone who may broadcast can get a
// signed envelope into a block, marked invalid — are parsed or refused, never a panic
// (the explorer's indexer parses every block).
func FuzzParseBlock(f *testing.F) {
	f.Add(endorserEnvelope())
	f.Add(endorserEnvelope([]byte("Resource:Register"), []byte(`{"id":"r1"}`)))
	f.Add([]byte{0x0a, 0x02, 0x08, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &common.Block{Header: &common.BlockHeader{Number: 1}, Data: &common.BlockData{Data: [][]byte{data}}}
		_, _ = ParseBlock(b)
	})
}

// TestParseBlock_ProposalWithoutArguments: a transaction whose proposal names no
// function parses with an empty function name.
func TestParseBlock_ProposalWithoutArguments(t *testing.T) {
	b := &common.Block{Header: &common.BlockHeader{Number: 1}, Data: &common.BlockData{Data: [][]byte{endorserEnvelope()}}}
	info, err := ParseBlock(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Txs) != 1 || info.Txs[0].Function != "" || len(info.Txs[0].Args) != 0 {
		t.Fatalf("parsed %+v", info.Txs)
	}
}
