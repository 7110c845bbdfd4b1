package contracts

// Stand-in for the Chaincode I grant loader the product contracts call. Deleted when the
// applications contract provides the real one with the same signature.

import "github.com/pdledger/pdledger/chaincode/model"

// loadGrant (stand-in): a plain load.
func loadGrant(tx *Tx, id, field string) (*model.Grant, error) {
	var g model.Grant
	if err := tx.GetField(model.KindGrant, id, field, &g); err != nil {
		return nil, err
	}
	return &g, nil
}
