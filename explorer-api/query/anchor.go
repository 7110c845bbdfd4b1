package query

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/pdledger/pdledger/chaincode/model"
)

// ErrNoAnchor is a log stream with no anchor of the tree size asked for.
var ErrNoAnchor = errors.New("no anchor of that tree size")

// Anchor finds the indexed anchor of a log stream the caller may read whose tree has
// exactly size leaves: the root a log proof of that size is checked against. It fails
// like Readable for the stream, and with ErrNoAnchor when no anchor has that size.
func (ix *Index) Anchor(ctx context.Context, who model.Reader, stream string, size uint64) (*model.Anchor, error) {
	sr, err := ix.Readable(ctx, who, model.KindLogStream, stream)
	if err != nil {
		return nil, err
	}
	edges, err := ix.Store.EdgesTo(ctx, string(model.KindLogStream), sr.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range edges {
		if e.FromKind != string(model.KindAnchor) {
			continue
		}
		r, err := ix.Store.Record(ctx, string(model.KindAnchor), e.FromID)
		if err != nil {
			continue
		}
		var a model.Anchor
		if json.Unmarshal(r.Data, &a) == nil && a.Size == size {
			return &a, nil
		}
	}
	return nil, ErrNoAnchor
}
