package client

import (
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestTransient_RetriesOnlyPassingConditions: leader failover, unreachable peers and a
// gateway that has not yet rediscovered a restarted peer are retried; a chaincode
// refusal or a malformed request is not.
func TestTransient_RetriesOnlyPassingConditions(t *testing.T) {
	for _, err := range []error{
		status.Error(codes.Unavailable, "no orderers could successfully process transaction"),
		status.Error(codes.FailedPrecondition, "no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy"),
		errors.New("rpc error: code = Aborted desc = failed to collect enough transaction endorsements"),
	} {
		if !transient(err) {
			t.Errorf("not retried: %v", err)
		}
	}
	for _, err := range []error{
		status.Error(codes.Unknown, `chaincode response 500, {"code":"AUTH_NOT_ACTIVE","message":"authorization a1 is suspended"}`),
		status.Error(codes.InvalidArgument, "malformed request"),
	} {
		if transient(err) {
			t.Errorf("retried: %v", err)
		}
	}
}
