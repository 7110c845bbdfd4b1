package client

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
)

// SM2Signer is a participant's SM2 key: the participant a signature names and the key it
// is made with, for requests the profile wants signed (see SignRequest, SM2KeyPath).
type SM2Signer struct {
	Participant string
	Key         *gm.PrivateKey
}

// SignRequest decodes req (any JSON-marshalable value) into the function's request type
// and attaches signer's SM2 signature over model.SigningBytes — the same canonical bytes
// the chaincode recomputes to verify it.
func SignRequest(f model.Func, req any, signer string, key *gm.PrivateKey) (model.Requester, error) {
	raw, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	typed := reflect.New(f.Request).Interface()
	if err := json.Unmarshal(raw, typed); err != nil {
		return nil, fmt.Errorf("%s request: %w", f.Name, err)
	}
	r, ok := typed.(model.Requester)
	if !ok {
		return nil, fmt.Errorf("%s takes no signature", f.Name)
	}
	r.ClearSig()
	msg, err := model.SigningBytes(f.Name, r)
	if err != nil {
		return nil, err
	}
	sig, err := gm.Sign(nil, key, msg)
	if err != nil {
		return nil, err
	}
	r.SetSignature(&model.Signature{Signer: signer, Value: hex.EncodeToString(sig)})
	return r, nil
}
