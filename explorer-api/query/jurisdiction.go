package query

import (
	"context"
	"encoding/json"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Jurisdiction is whose rules a channel's ledger keeps: the newest policy profile version
// indexed (profiles are public records, so anyone may be told).
type Jurisdiction struct {
	Profile string `json:"profile"` // the profile's id, e.g. "luohu"
	Basis   string `json:"basis"`   // the preset its first version started from, or "custom"
	Version int    `json:"version"`
	ZH      string `json:"zh"`
	EN      string `json:"en"`
	Level   string `json:"level"` // district, city or province
	// Document is the policy text's title.
	Document string `json:"document,omitempty"`
}

// Jurisdiction reads the profile in force as indexed; nil before the bureau set one.
func (ix *Index) Jurisdiction(ctx context.Context) (*Jurisdiction, error) {
	newest, err := ix.profileInForce(ctx)
	if err != nil || newest == nil {
		return nil, err
	}
	j := &Jurisdiction{Basis: newest.Basis, Version: newest.ProfileVersion}
	if pol, err := newest.Policy(); err == nil {
		j.Profile, j.ZH, j.EN, j.Level = pol.ID, pol.Jurisdiction.ZH, pol.Jurisdiction.EN, pol.Jurisdiction.Level
		j.Document = pol.Document.Title
	}
	return j, nil
}

// profileInForce is the newest profile version indexed; nil before the bureau set one.
func (ix *Index) profileInForce(ctx context.Context) (*model.ProfileRecord, error) {
	var newest *model.ProfileRecord
	err := ix.pages(ctx, store.RecordQuery{Kind: string(model.KindProfile), Limit: 500, NoParties: true}, func(rs []store.Record) bool {
		for _, r := range rs {
			var p model.ProfileRecord
			if json.Unmarshal(r.Data, &p) == nil && (newest == nil || p.ProfileVersion > newest.ProfileVersion) {
				newest = &p
			}
		}
		return true
	})
	return newest, err
}
