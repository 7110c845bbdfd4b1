package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-gateway/pkg/client"

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
	if !slices.Contains(members, c.Profile.MSPID) {
		// the gateway peer of the profile's own org receives the whole proposal
		return nil, nil, nil, fmt.Errorf("%s carries commercial fields: this identity's org %s is not a member of collection %q (members: %s), and its gateway would receive them",
			fn, c.Profile.MSPID, model.CommercialCollection, strings.Join(members, ", "))
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

// checkSubmittable refuses what Submit must never send: a query (its answer would be
// signed by the endorsers and go into a block, commercial fields included).
func checkSubmittable(fn string) error {
	if f, ok := model.Function(fn); ok && !f.Write {
		return fmt.Errorf("%s is a query: evaluate it (a submitted query's answer would go into the block for every peer)", fn)
	}
	return nil
}

// checkEvaluable refuses to evaluate a commercial write: the arguments would carry its
// commercial fields to whichever peer the gateway picks.
func checkEvaluable(fn string) error {
	if model.CommercialRequestFields(fn) != nil {
		return fmt.Errorf("%s carries commercial fields: submit it (evaluating would send them as arguments)", fn)
	}
	return nil
}

// DryRun runs the write fn against the ledger as it stands without submitting it: it is
// evaluated on one peer, or — for a commercial write, whose fields may reach members'
// peers only and only in the transient map — endorsed by the commercial collection's
// members and then dropped. Refusals come back as from Submit.
func (c *Client) DryRun(ctx context.Context, fn string, req any) ([]byte, error) {
	a, err := args(req)
	if err != nil {
		return nil, err
	}
	if model.CommercialRequestFields(fn) == nil {
		return c.evaluate(ctx, fn, a)
	}
	a, transient, members, err := c.commercialProposal(ctx, fn, a)
	if err != nil {
		return nil, err
	}
	proposal, err := c.contract.NewProposal(fn, client.WithArguments(a...), client.WithTransient(transient), client.WithEndorsingOrganizations(members...))
	if err != nil {
		return nil, err
	}
	tx, err := c.endorse(ctx, fn, proposal)
	if err != nil {
		return nil, err
	}
	return tx.Result(), nil
}
