package client

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// ChainInfo is the peer's view of the channel: height and the hash of the last block.
type ChainInfo struct {
	Height            uint64 `json:"height"`
	CurrentBlockHash  []byte `json:"currentBlockHash"`
	PreviousBlockHash []byte `json:"previousBlockHash"`
}

// ChainInfo asks the client's peer (qscc GetChainInfo).
func (c *Client) ChainInfo(ctx context.Context) (*ChainInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.Evaluate)
	defer cancel()
	raw, err := c.qscc.EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(c.Profile.Channel))
	if err != nil {
		return nil, &NetworkError{Op: "GetChainInfo", Err: err}
	}
	var bi common.BlockchainInfo
	if err := proto.Unmarshal(raw, &bi); err != nil {
		return nil, fmt.Errorf("GetChainInfo: %w", err)
	}
	return &ChainInfo{Height: bi.GetHeight(), CurrentBlockHash: bi.GetCurrentBlockHash(), PreviousBlockHash: bi.GetPreviousBlockHash()}, nil
}

// Block fetches a block by number from the client's peer (qscc GetBlockByNumber).
func (c *Client) Block(ctx context.Context, number uint64) (*common.Block, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.Evaluate)
	defer cancel()
	raw, err := c.qscc.EvaluateWithContext(ctx, "GetBlockByNumber", client.WithArguments(c.Profile.Channel, strconv.FormatUint(number, 10)))
	if err != nil {
		return nil, &NetworkError{Op: "GetBlockByNumber", Err: err}
	}
	var b common.Block
	if err := proto.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("GetBlockByNumber %d: %w", number, err)
	}
	return &b, nil
}

// BlockByTxID fetches the block holding a transaction.
func (c *Client) BlockByTxID(ctx context.Context, txID string) (*common.Block, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.Evaluate)
	defer cancel()
	raw, err := c.qscc.EvaluateWithContext(ctx, "GetBlockByTxID", client.WithArguments(c.Profile.Channel, txID))
	if err != nil {
		return nil, &NetworkError{Op: "GetBlockByTxID", Err: err}
	}
	var b common.Block
	if err := proto.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("GetBlockByTxID %s: %w", txID, err)
	}
	return &b, nil
}
