package client

import (
	"context"
	"errors"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// retryable decides whether a failed call may succeed if made again — for a submit, as a
// new transaction, which is safe because every PDLedger write is idempotent under its
// request id. It decides from the structure of what the gateway says, never from message
// text (which changes between Fabric releases and can quote the chaincode): the typed
// error of the phase that failed, the gRPC status code, which the Fabric 2.5 gateway
// assigns per cause, and whether the gateway attached ErrorDetails (one per peer or
// orderer it tried; none when its own planning failed).
//
//	condition                                  gateway's answer                      retried
//	chaincode refusal (a model error)          any code; in a detail or the message  never
//	gateway peer unreachable or restarting     Unavailable                           yes
//	pinned org has no endorser it knows        Unavailable (EndorseError)            yes
//	no orderer took it: down, or no Raft       Unavailable (SubmitError), a detail   yes
//	  leader (SERVICE_UNAVAILABLE)               per orderer
//	a phase timed out                          DeadlineExceeded                      yes
//	endorsers failed: unreachable, chaincode   Aborted, a detail per endorser        yes
//	  container restarting, results differ
//	  (a non-model chaincode error looks the
//	  same, and costs the attempt budget)
//	an orderer answered 4xx (the gateway       Aborted (SubmitError)                 yes
//	  stops at the first; order is random)
//	discovery cannot satisfy the policy yet    FailedPrecondition, no detail         yes
//	  (a restarted peer not yet seen alive)
//	evaluate: the peer rejected the proposal   FailedPrecondition with details       no
//	  itself (signature, ACL)
//	gateway overloaded                         ResourceExhausted                     yes
//	read-your-writes: no peer has the          behindError (no gateway call made)    yes
//	  session's block within the wait
//	orderer took it, commit status unheard     CommitStatusError, any code but       yes
//	                                             Canceled
//	committed invalid: MVCC or phantom read    NetworkError.Code                     yes
//	  conflict, duplicate transaction id
//	committed invalid otherwise                NetworkError.Code                     no
//	  (ENDORSEMENT_POLICY_FAILURE, ...)
//	evaluate: non-model chaincode error        Unknown                               no
//	caller cancelled, malformed request, the   Canceled, InvalidArgument, ...        no
//	  rest
func retryable(err error) bool {
	if err == nil || refusal(err) != nil {
		return false
	}
	var ne *NetworkError
	if errors.As(err, &ne) && ne.Code != peer.TxValidationCode_VALID {
		return resubmittable(ne.Code)
	}
	var be *behindError
	if errors.As(err, &be) {
		return true
	}
	var cse *client.CommitStatusError
	if errors.As(err, &cse) {
		// The orderer accepted the transaction; whether it committed is unknown (a Raft
		// leader that dies before replicating it loses it). A resubmission under the same
		// request id answers the existing record if it did commit.
		return status.Code(err) != codes.Canceled
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted, codes.ResourceExhausted:
		return true
	case codes.FailedPrecondition:
		// Without details it is the gateway's own plan that failed (discovery's view of
		// the channel), which changes as peers come back; with details an endorser
		// rejected the proposal itself, as it will again.
		return len(endpointErrors(err)) == 0
	}
	return false
}

// resubmittable reports whether a transaction that committed with code can succeed as a
// new transaction: its reads went stale between endorsement and commit, or its id was
// taken. Any other code is a verdict on the transaction itself.
func resubmittable(code peer.TxValidationCode) bool {
	switch code {
	case peer.TxValidationCode_MVCC_READ_CONFLICT, peer.TxValidationCode_PHANTOM_READ_CONFLICT, peer.TxValidationCode_DUPLICATE_TXID:
		return true
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
