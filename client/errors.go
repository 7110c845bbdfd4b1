package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/status"

	"github.com/pdledger/pdledger/chaincode/model"
)

// RefusedError is a chaincode refusal: a rule, an input check or access control said no.
// Retrying the same request cannot succeed, so the client never does.
type RefusedError struct {
	Err  *model.Error
	TxID string
}

// Code is the stable error code.
func (e *RefusedError) Code() model.Code { return e.Err.Code }

func (e *RefusedError) Error() string {
	s := fmt.Sprintf("%s: %s", e.Err.Code, e.Err.Message)
	if e.Err.Field != "" {
		s += fmt.Sprintf(" (field %s", e.Err.Field)
		if e.Err.Limit != "" {
			s += ", limit " + e.Err.Limit
		}
		s += ")"
	}
	return s
}

// Unwrap exposes the model error (errors.As(err, **model.Error)).
func (e *RefusedError) Unwrap() error { return e.Err }

// NetworkError is a failure to reach agreement or commit: peers or orderers unavailable,
// timeouts, an invalid validation code. It carries the last transaction id tried and
// wraps what the gateway said, so that errors.As finds fabric-gateway's typed error of
// the phase that failed (*client.EndorseError, *client.SubmitError,
// *client.CommitStatusError) and status.Code its gRPC code. Its message lists the
// gateway's per-node details (which peer or orderer said what).
type NetworkError struct {
	Op   string
	TxID string
	Code peer.TxValidationCode // the validation code when the transaction committed invalid
	Err  error
}

func (e *NetworkError) Error() string {
	s := e.Op
	if e.TxID != "" {
		s += " " + e.TxID
	}
	return s + ": " + describe(e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// endpointErrors are the gateway's per-node details of a failure: one ErrorDetail
// (address, MSP id, message) for each peer or orderer that failed. The gateway attaches
// them when it tried nodes; a failure of its own planning (discovery) has none.
func endpointErrors(err error) []*gateway.ErrorDetail {
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	var out []*gateway.ErrorDetail
	for _, d := range st.Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok {
			out = append(out, ed)
		}
	}
	return out
}

// refusal extracts a chaincode refusal: from the endorsers' details, else from the
// status message (an evaluation's single peer answers there).
func refusal(err error) *model.Error {
	if err == nil {
		return nil
	}
	for _, ed := range endpointErrors(err) {
		if e := model.ParseError(ed.GetMessage()); e != nil {
			return e
		}
	}
	if st, ok := status.FromError(err); ok {
		if e := model.ParseError(st.Message()); e != nil {
			return e
		}
	}
	return model.ParseError(err.Error())
}

// describe renders an error with the gateway's per-node details, for logs and the CLI. A
// NetworkError inside err has rendered them already.
func describe(err error) string {
	if err == nil {
		return "<nil>"
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(err.Error())
	for _, ed := range endpointErrors(err) {
		fmt.Fprintf(&b, "\n  %s (%s): %s", ed.GetAddress(), ed.GetMspId(), ed.GetMessage())
	}
	return b.String()
}
