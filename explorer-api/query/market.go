package query

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// MarketLimit bounds the trades (and filings) one Market answer carries, newest kept.
const MarketLimit = 5000

// Market is a product's trades over time against its filed prices and their caps: what
// a regulator or the product's parties chart to see whether trading kept to the price
// that was filed and the cap it was filed under.
//
// A trade's quantity, amount and buyer are commercial fields the channel never holds
// (model.CommercialCollection): the explorer, which indexes blocks, does not have them,
// so revenue is not part of this answer; the operator and the bureau read it through
// the chaincode (pdl).
type Market struct {
	Product string        `json:"product"`
	Filings []MarketPrice `json:"filings"` // oldest first
	Trades  []MarketTrade `json:"trades"`  // oldest first
	// Hidden counts the product's trades and filings the caller may not read. It is
	// counted only for the overseers and the product's operator and source units (see
	// mayCountHidden); to anyone else the count would itself be the secret.
	Hidden int `json:"hidden,omitempty"`
	// Complete is false when the product has more than MarketLimit of either; the newest
	// are kept.
	Complete bool `json:"complete"`
}

// MarketPrice is one filed price of the product and the cap it was checked against.
type MarketPrice struct {
	ID           string             `json:"id"`
	At           time.Time          `json:"at"`
	Unit         model.ChargingUnit `json:"unit"`
	PriceFen     int64              `json:"priceFen"`
	CapFen       *int64             `json:"capFen,omitempty"`
	Status       model.PriceStatus  `json:"status"`
	SupersededBy string             `json:"supersededBy,omitempty"`
	// Flag: a later cap cut left this price above its cap (the cut's cap and time).
	Flag  *model.PriceFlag `json:"flag,omitempty"`
	TxID  string           `json:"txId"`
	Block uint64           `json:"blockNumber"`
}

// MarketTrade is one filed trade of the product.
type MarketTrade struct {
	ID          string             `json:"id"`
	At          time.Time          `json:"at"`
	Unit        model.ChargingUnit `json:"unit"`
	PriceFen    int64              `json:"priceFen"`
	PriceFiling string             `json:"priceFiling,omitempty"`
	Exchange    string             `json:"exchange,omitempty"`
	TxID        string             `json:"txId"`
	Block       uint64             `json:"blockNumber"`
}

// Market answers product id's market for who: store.ErrNotFound or ErrAccessDenied when
// the caller may not read the product. It costs a fixed number of store round trips
// (one store.Descendants walk one reference deep) whatever the number of trades.
func (ix *Index) Market(ctx context.Context, who model.Reader, id string) (*Market, error) {
	pr, err := ix.Readable(ctx, who, model.KindProduct, id)
	if err != nil {
		return nil, err
	}
	count := mayCountHidden(who, pr)
	root := store.RecordKey{Kind: string(model.KindProduct), ID: id}
	d, err := ix.Store.Descendants(ctx, []store.RecordKey{root}, []store.KindPair{
		{Parent: string(model.KindProduct), Child: string(model.KindPriceFiling)},
		{Parent: string(model.KindProduct), Child: string(model.KindTrade)},
	}, 1)
	if err != nil {
		return nil, err
	}
	out := &Market{Product: id, Filings: []MarketPrice{}, Trades: []MarketTrade{}, Complete: true}
	seen := map[store.RecordKey]bool{}
	for _, e := range d.Edges[root] {
		k := store.RecordKey{Kind: e.FromKind, ID: e.FromID}
		r := d.Records[k]
		if seen[k] || r == nil {
			continue
		}
		seen[k] = true
		if !CanRead(who, r) {
			if count {
				out.Hidden++
			}
			continue
		}
		switch model.Kind(r.Kind) {
		case model.KindPriceFiling:
			var f model.PriceFiling
			if json.Unmarshal(r.Data, &f) != nil {
				continue
			}
			out.Filings = append(out.Filings, MarketPrice{ID: f.ID, At: f.CreatedAt, Unit: f.Unit, PriceFen: f.PriceFen, CapFen: f.CapFen,
				Status: f.Status, SupersededBy: f.SupersededBy, Flag: f.Flag, TxID: f.CreatedTx, Block: blockOf(d, k, f.CreatedTx, r)})
		case model.KindTrade:
			var t model.Trade
			if json.Unmarshal(r.Data, &t) != nil {
				continue
			}
			out.Trades = append(out.Trades, MarketTrade{ID: t.ID, At: t.CreatedAt, Unit: t.Unit, PriceFen: t.PriceFen, PriceFiling: t.PriceFiling,
				Exchange: t.Exchange, TxID: t.CreatedTx, Block: blockOf(d, k, t.CreatedTx, r)})
		}
	}
	slices.SortStableFunc(out.Filings, func(a, b MarketPrice) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	slices.SortStableFunc(out.Trades, func(a, b MarketTrade) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	if n := len(out.Trades); n > MarketLimit {
		out.Trades, out.Complete = out.Trades[n-MarketLimit:], false
	}
	if n := len(out.Filings); n > MarketLimit {
		out.Filings, out.Complete = out.Filings[n-MarketLimit:], false
	}
	return out, nil
}

// mayCountHidden: whether who may learn how many of the product's trades and filings
// it cannot read. A listing exchange of a public product reads the product and its own
// trades, but the number of the other exchanges' private trades is their commercial
// business; the overseers, the operator and the source units whose data the product is
// made of are the ones entitled to know its volume (and they read every trade anyway
// unless a trade names other units).
func mayCountHidden(who model.Reader, product *store.Record) bool {
	if !who.Active || who.Participant == "" {
		return false
	}
	if who.Role == model.RoleBureau || who.Role == model.RoleRegulator {
		return true
	}
	var p model.Product
	if json.Unmarshal(product.Data, &p) != nil {
		return false
	}
	return who.Participant == p.Operator || slices.Contains(p.SourceUnits, who.Participant)
}

// blockOf is the block of the transaction that created record k (its first version),
// the current version's block when that version is not indexed.
func blockOf(d *store.Descent, k store.RecordKey, tx string, current *store.Record) uint64 {
	for _, v := range d.Versions[k] {
		if v.TxID == tx {
			return v.Block
		}
	}
	return current.Block
}
