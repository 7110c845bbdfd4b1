package contracts

// Stand-ins for the Chaincode I functions Chaincode II calls. Deleted at merge, when
// Chaincode I provides the real ones with the same signatures. Nothing else lives here.

import "github.com/pdledger/pdledger/chaincode/model"

// loadAuthorization (stand-in): a plain load; the real one applies due lazy transitions
// (expiry, missed deadlines) first.
func loadAuthorization(tx *Tx, id, field string) (*model.Authorization, error) {
	var a model.Authorization
	if err := tx.GetField(model.KindAuthorization, id, field, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// requireActiveAuthorization (stand-in): refuses unless the authorization is active.
func requireActiveAuthorization(tx *Tx, a *model.Authorization, field string) error {
	if a.Status != model.AuthActive {
		return model.FieldErr("AUTH_NOT_ACTIVE", field, string(model.AuthActive), "authorization %s of %s is %s, not active", a.ID, a.Operator, a.Status)
	}
	return nil
}

// loadGrant (stand-in): a plain load.
func loadGrant(tx *Tx, id, field string) (*model.Grant, error) {
	var g model.Grant
	if err := tx.GetField(model.KindGrant, id, field, &g); err != nil {
		return nil, err
	}
	return &g, nil
}
