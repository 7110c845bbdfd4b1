// Package client is the PDLedger client library: it acts as one org identity through the
// Fabric Gateway, submits domain transactions that survive orderer failover, and
// evaluates queries.
//
// # Calling the chaincode
//
// There is one way to call the chaincode: [Client.Submit] for a write, [Client.Evaluate]
// for a query. Each names the function ("Participant:Register") and passes its request
// as the model type the chaincode decodes (model.RegisterParticipantRequest); the answer
// decodes into the model type the function returns, with [Result.Decode] after a write.
// The chaincode's function table (model.Functions, model.Function) is the single list of
// functions: for each it gives the name, whether it writes, and its request and result
// types. The pdl CLI builds one verb per entry of it; the demo, the network bootstrap,
// the benchmarks and the tests call Submit and Evaluate the same way.
//
// The client has no generated method per function. Such methods would add nothing to
// the table but a second spelling of each name: the request and result types already
// come from the model, and the callers that choose a function at run time (the CLI, the
// demo's replayed steps, tests that drive every function) need the name anyway. A
// second way to do one thing is a second thing to keep in step with the table.
//
// # Failures
//
// A chaincode refusal (a rule, an input check, access control) is a *[RefusedError]
// carrying the model's stable code; it is never retried. Any other failure is a
// *[NetworkError] carrying the transaction id; it wraps fabric-gateway's typed error of
// the phase that failed (*client.EndorseError, *client.SubmitError,
// *client.CommitStatusError), so errors.As and status.Code see what the gateway said,
// and its message names each peer or orderer that failed. Submit retries, as a new
// transaction, what the network may still get right — unavailable peers or orderers, no
// Raft leader, a gateway whose discovery has not caught up, a lost commit status, an
// MVCC conflict — deciding from gRPC status codes and the typed errors, never from
// message text. Resubmission is safe because every PDLedger write is idempotent under
// its request id.
//
// # Read-your-writes
//
// One org's commit says nothing about another org's peer. Clients that share a
// [Session] wait, before each call, until the peers they use have committed the latest
// block any of them committed; [AfterBlock] does the same for a block learned elsewhere.
// [EndorsedBy] pins a call to the given orgs' peers.
package client
