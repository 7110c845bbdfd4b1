package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	gwclient "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/status"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// These examples need a running network (make up), so they are compiled but not run.

func ExampleConnect() {
	ctx := context.Background()

	// A profile is one identity: its peer, TLS trust, certificate and key, channel and
	// chaincode. make up writes one per identity to .run/profiles; a name is looked up
	// there ($PDL_PROFILES overrides), a path is read as is.
	p, err := client.LoadProfile("operator")
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Connect(ctx, p)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// What this identity may do is decided on chain by the participant it is bound to.
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
		log.Fatal(err)
	}
	if who.Participant != nil {
		fmt.Printf("%s acts for %s (%s)\n", p.Name, who.Participant.ID, who.Participant.Role)
	}
}

func ExampleClient_Submit() {
	ctx := context.Background()
	var bureau *client.Client // from client.Connect, as a bureau identity

	// A write names the chaincode function and passes its request type from the model;
	// the request id makes it idempotent, so running it again answers the same record.
	res, err := bureau.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{
		Request: model.Request{ID: "pt-partner-01"},
		Role:    model.RolePartner,
		Name:    "示例协作单位",
		USCC:    "91440300MA5G0000XX",
		MSPID:   "OperatorMSP",
	})
	if err != nil {
		log.Fatal(err)
	}

	// The block number is what another party waits for to read this write (see
	// AfterBlock); the answer decodes into the function's result type.
	var p model.Participant
	if err := res.Decode(&p); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("registered %s in tx %s, block %d\n", p.ID, res.TxID, res.BlockNumber)
}

func ExampleClient_Submit_errorHandling() {
	ctx := context.Background()
	var operator *client.Client // from client.Connect

	_, err := operator.Submit(ctx, "Resource:Register", model.RegisterResourceRequest{Request: model.Request{ID: "res-01"}})
	var refused *client.RefusedError
	var network *client.NetworkError
	switch {
	case errors.As(err, &refused):
		// A rule said no; retrying cannot help (the client never does).
		fmt.Printf("refused: %s: %s\n", refused.Code(), refused.Err.Message)
	case errors.As(err, &network):
		// The network did not get it done within the client's retries. The same request
		// (same id) is safe to submit again. Inside is fabric-gateway's error of the
		// phase that failed, with the gRPC status and the transaction id.
		var endorseErr *gwclient.EndorseError
		var submitErr *gwclient.SubmitError
		var commitStatusErr *gwclient.CommitStatusError
		switch {
		case errors.As(err, &endorseErr):
			fmt.Printf("endorsement of %s failed (%v)\n", endorseErr.TransactionID, status.Code(err))
		case errors.As(err, &submitErr):
			fmt.Printf("no orderer took %s (%v)\n", submitErr.TransactionID, status.Code(err))
		case errors.As(err, &commitStatusErr):
			fmt.Printf("no commit status for %s\n", commitStatusErr.TransactionID)
		case network.Code != peer.TxValidationCode_VALID:
			fmt.Printf("%s committed invalid: %s\n", network.TxID, network.Code)
		}
		fmt.Println(err) // names each peer or orderer and what it said
	case err != nil:
		log.Fatal(err)
	}
}

func ExampleClient_Evaluate() {
	ctx := context.Background()
	var regulator *client.Client // from client.Connect

	// A query runs on one peer and writes nothing; its answer decodes into the
	// function's result type (model.Function("Resource:List") names both types).
	var page model.PageResult[*model.Resource]
	if err := regulator.Evaluate(ctx, "Resource:List", model.ResourcesRequest{SourceUnit: "su-zjj"}, &page); err != nil {
		log.Fatal(err)
	}
	for _, r := range page.Records {
		fmt.Println(r.ID, r.Name)
	}
}

func ExampleSession() {
	ctx := context.Background()
	bureauProfile, err := client.LoadProfile("bureau")
	if err != nil {
		log.Fatal(err)
	}
	operatorProfile, err := client.LoadProfile("operator")
	if err != nil {
		log.Fatal(err)
	}

	// Two identities of two orgs share one session: once the bureau's write commits,
	// the operator's calls run only on peers that have committed its block, so the read
	// below sees the write even if the operator's own peer was a block behind.
	session := client.NewSession()
	bureau, err := client.Connect(ctx, bureauProfile, client.WithSession(session))
	if err != nil {
		log.Fatal(err)
	}
	defer bureau.Close()
	operator, err := client.Connect(ctx, operatorProfile, client.WithSession(session))
	if err != nil {
		log.Fatal(err)
	}
	defer operator.Close()

	if _, err := bureau.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{
		Request: model.Request{ID: "pt-partner-02"}, Role: model.RolePartner, Name: "示例协作单位二", USCC: "91440300MA5G0001XX", MSPID: "OperatorMSP",
	}); err != nil {
		log.Fatal(err)
	}
	var p model.Participant
	if err := operator.Evaluate(ctx, "Participant:Get", model.Ref{ID: "pt-partner-02"}, &p); err != nil {
		log.Fatal(err) // not NOT_FOUND: the operator's peer has the bureau's block
	}
	fmt.Println(p.Name)
}

func ExampleAfterBlock() {
	ctx := context.Background()
	var operator *client.Client // from client.Connect

	// Another process committed in block 42 (pdl prints "committed: tx …, block 42"):
	// calls under this context wait until their peers have committed it.
	ctx = client.AfterBlock(ctx, 42)
	var p model.Participant
	if err := operator.Evaluate(ctx, "Participant:Get", model.Ref{ID: "pt-partner-01"}, &p); err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Status)
}

func ExampleEndorsedBy() {
	ctx := context.Background()
	var bureau *client.Client // from client.Connect

	// Pin the endorsing orgs instead of letting the gateway choose: here, keep the
	// operator's org out. The endorsement policy still decides whether the result
	// commits valid (a pinning that does not satisfy it commits as
	// ENDORSEMENT_POLICY_FAILURE, a *client.NetworkError with that Code).
	pinned := client.EndorsedBy(ctx, "BureauMSP", "SourceUnitMSP")
	res, err := bureau.Submit(pinned, "Participant:Register", model.RegisterParticipantRequest{
		Request: model.Request{ID: "pt-partner-03"}, Role: model.RolePartner, Name: "示例协作单位三", USCC: "91440300MA5G0002XX", MSPID: "OperatorMSP",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.TxID, res.Code)
}
