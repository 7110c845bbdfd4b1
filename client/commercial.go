package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Commercial requests (model/commercial.go): a trade's buyer, quantity and amount and a
// revenue report's figures, with the signature over them, never go into the arguments,
// which every peer keeps in the block. Submit moves them into the proposal's transient
// map with a fresh random salt and has only the commercial collection's member orgs
// (Profile.CommercialOrgs) endorse, so no other org's peer ever receives them.

// commercialProposal splits fn's request when fn is commercial: the arguments without
// the commercial fields, the transient map, and the orgs that may endorse it.
func (c *Client) commercialProposal(ctx context.Context, fn string, a []string) ([]string, map[string][]byte, []string, error) {
	if model.CommercialRequestFields(fn) == nil {
		return a, nil, nil, nil
	}
	members := c.Profile.CommercialOrgs
	if len(members) == 0 {
		return nil, nil, nil, fmt.Errorf("%s carries commercial fields, and profile %q names no commercialOrgs (the members of collection %q) to send them to; recreate the profile (make up)",
			fn, c.Profile.Name, model.CommercialCollection)
	}
	if len(a) != 1 {
		return nil, nil, nil, fmt.Errorf("%s takes one JSON request", fn)
	}
	if orgs, ok := ctx.Value(endorsersKey{}).([]string); ok {
		for _, o := range orgs {
			if !slices.Contains(members, o) {
				return nil, nil, nil, fmt.Errorf("%s carries commercial fields: not sending them to %s, which is not a member of collection %q (members: %s)",
					fn, o, model.CommercialCollection, strings.Join(members, ", "))
			}
		}
	}
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, nil, err
	}
	args, transient, err := model.SplitCommercialRequest(fn, []byte(a[0]), salt)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s request: %w", fn, err)
	}
	return []string{string(args)}, transient, members, nil
}
