package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gwclient "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/chaincode/model"
)

// gatewayError is what the Fabric 2.5 gateway answers: a status with one ErrorDetail
// per node it tried.
func gatewayError(code codes.Code, msg string, details ...*gateway.ErrorDetail) error {
	st := status.New(code, msg)
	for _, d := range details {
		var err error
		if st, err = st.WithDetails(d); err != nil {
			panic(err)
		}
	}
	return st.Err()
}

func node(addr, msp, msg string) *gateway.ErrorDetail {
	return &gateway.ErrorDetail{Address: addr, MspId: msp, Message: msg}
}

// TestRetryable_RetriesOnlyPassingConditions: leader failover, unreachable peers and a
// gateway that has not yet rediscovered a restarted peer are retried; a chaincode
// refusal, a proposal an endorser rejects, a malformed request, and text that merely
// looks like a retryable status are not.
func TestRetryable_RetriesOnlyPassingConditions(t *testing.T) {
	refused := `chaincode response 500, {"code":"AUTH_NOT_ACTIVE","message":"authorization a1 is suspended"}`
	for name, err := range map[string]error{
		"no Raft leader": gatewayError(codes.Unavailable, "no orderers could successfully process transaction",
			node("orderer1:7050", "OrdererMSP", "received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=no Raft leader")),
		"discovery behind": gatewayError(codes.FailedPrecondition,
			"no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy"),
		"endorser unreachable": gatewayError(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			node("peer0.operator:9051", "OperatorMSP", "rpc error: code = Unavailable desc = connection refused")),
		"pinned org unknown": gatewayError(codes.Unavailable, "failed to find any endorsing peers for org(s): OperatorMSP"),
		"endorse timeout":    gatewayError(codes.DeadlineExceeded, "endorsement timeout expired while collecting endorsements"),
		"wrapped":            &NetworkError{Op: "endorse X", TxID: "t1", Err: gatewayError(codes.Unavailable, "connection refused")},
		"MVCC conflict":      &NetworkError{Op: "commit X", TxID: "t1", Code: peer.TxValidationCode_MVCC_READ_CONFLICT, Err: errors.New("transaction invalid")},
		"peers behind":       &NetworkError{Op: "read-your-writes", Err: &behindError{block: 9, waited: time.Second}},
	} {
		if !retryable(err) {
			t.Errorf("%s: not retried: %v", name, err)
		}
	}
	for name, err := range map[string]error{
		"refused on evaluate": gatewayError(codes.Unknown, "evaluate call to endorser returned error: "+refused),
		"refused on endorse": gatewayError(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			node("peer0.bureau:7051", "BureauMSP", refused), node("peer0.operator:9051", "OperatorMSP", "rpc error: code = Unavailable desc = connection refused")),
		"endorser rejects proposal": gatewayError(codes.FailedPrecondition, "evaluate call to endorser returned error: access denied",
			node("peer0.bureau:7051", "BureauMSP", "access denied: channel [pdl] creator org unknown")),
		"malformed":         gatewayError(codes.InvalidArgument, "malformed request"),
		"cancelled":         gatewayError(codes.Canceled, "context canceled"),
		"policy failure":    &NetworkError{Op: "commit X", TxID: "t1", Code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE, Err: errors.New("transaction invalid")},
		"looks like status": errors.New("rpc error: code = Aborted desc = failed to collect enough transaction endorsements"),
	} {
		if retryable(err) {
			t.Errorf("%s: retried: %v", name, err)
		}
	}
}

// fakeGateway answers the gateway's calls in the order a test scripts; past the script,
// every call succeeds.
type fakeGateway struct {
	gateway.UnimplementedGatewayServer
	mu                      sync.Mutex
	endorse, submit, status []error
	calls                   map[string]int
}

func (g *fakeGateway) next(call string, script *[]error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls[call]++
	if len(*script) == 0 {
		return nil
	}
	err := (*script)[0]
	*script = (*script)[1:]
	return err
}

func (g *fakeGateway) Endorse(_ context.Context, req *gateway.EndorseRequest) (*gateway.EndorseResponse, error) {
	if err := g.next("endorse", &g.endorse); err != nil {
		return nil, err
	}
	return &gateway.EndorseResponse{PreparedTransaction: preparedTx(req.GetChannelId(), []byte(`{"id":"p1"}`))}, nil
}

func (g *fakeGateway) Submit(context.Context, *gateway.SubmitRequest) (*gateway.SubmitResponse, error) {
	if err := g.next("submit", &g.submit); err != nil {
		return nil, err
	}
	return &gateway.SubmitResponse{}, nil
}

func (g *fakeGateway) CommitStatus(context.Context, *gateway.SignedCommitStatusRequest) (*gateway.CommitStatusResponse, error) {
	if err := g.next("status", &g.status); err != nil {
		return nil, err
	}
	return &gateway.CommitStatusResponse{Result: peer.TxValidationCode_VALID, BlockNumber: 7}, nil
}

// preparedTx is the least envelope fabric-gateway reads a result from.
func preparedTx(channel string, result []byte) *common.Envelope {
	must := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			panic(err)
		}
		return b
	}
	action := must(&peer.ChaincodeAction{Response: &peer.Response{Status: 200, Payload: result}})
	payload := must(&peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{
		ProposalResponsePayload: must(&peer.ProposalResponsePayload{Extension: action})}})
	return &common.Envelope{Payload: must(&common.Payload{
		Header: &common.Header{ChannelHeader: must(&common.ChannelHeader{ChannelId: channel})},
		Data:   must(&peer.Transaction{Actions: []*peer.TransactionAction{{Payload: payload}}}),
	})}
}

// fakeClient connects a Client to g in memory (no network, no ports).
func fakeClient(t *testing.T, g *fakeGateway) *Client {
	t.Helper()
	g.calls = map[string]int{}
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	gateway.RegisterGatewayServer(srv, g)
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///gateway", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c, err := Connect(context.Background(), testProfile(t), WithConnection(conn), WithSession(nil), WithRetry(4, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testProfile is an identity with a fresh self-signed certificate.
func testProfile(t *testing.T) *Profile {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "User1@operator"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := &Profile{Name: "test", MSPID: "OperatorMSP", Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem"), Channel: "pdl", Chaincode: "pdl"}
	for path, b := range map[string]*pem.Block{p.Cert: {Type: "CERTIFICATE", Bytes: der}, p.Key: {Type: "PRIVATE KEY", Bytes: pkcs8}} {
		if err := os.WriteFile(path, pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestSubmit_RetriesByPhase drives Submit against a gateway that fails the way the
// Fabric 2.5 gateway does: each failure the table allows costs one attempt, and what it
// does not allow ends the call with fabric-gateway's typed error of the phase inside.
func TestSubmit_RetriesByPhase(t *testing.T) {
	ctx := context.Background()
	req := model.RegisterParticipantRequest{Request: model.Request{ID: "p1"}, Role: model.RolePartner, Name: "测试", MSPID: "OperatorMSP"}

	t.Run("failover", func(t *testing.T) {
		g := &fakeGateway{
			endorse: []error{gatewayError(codes.FailedPrecondition, "no combination of peers can be derived which satisfy the endorsement policy")},
			submit: []error{gatewayError(codes.Unavailable, "no orderers could successfully process transaction",
				node("orderer1:7050", "OrdererMSP", "received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=no Raft leader"))},
			// both asks of the first accepted transaction go unanswered
			status: []error{gatewayError(codes.DeadlineExceeded, "context deadline exceeded"), gatewayError(codes.DeadlineExceeded, "context deadline exceeded")},
		}
		res, err := fakeClient(t, g).Submit(ctx, "Participant:Register", req)
		if err != nil {
			t.Fatal(err)
		}
		var p model.Participant
		if err := res.Decode(&p); err != nil || p.ID != "p1" || res.BlockNumber != 7 || res.Attempts != 4 {
			t.Fatalf("result %+v, participant %+v (%v); want block 7 after 4 attempts", res, p, err)
		}
		if g.calls["endorse"] != 4 || g.calls["submit"] != 3 || g.calls["status"] != 3 {
			t.Fatalf("calls %v", g.calls)
		}
	})

	t.Run("refused", func(t *testing.T) {
		g := &fakeGateway{endorse: []error{gatewayError(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			node("peer0.bureau:7051", "BureauMSP", `chaincode response 500, {"code":"FORBIDDEN","message":"bureau only"}`))}}
		_, err := fakeClient(t, g).Submit(ctx, "Participant:Register", req)
		var re *RefusedError
		if !errors.As(err, &re) || re.Code() != "FORBIDDEN" || re.TxID == "" || g.calls["endorse"] != 1 {
			t.Fatalf("got %v after %d endorsements, want FORBIDDEN at once", err, g.calls["endorse"])
		}
	})

	t.Run("rejected", func(t *testing.T) {
		g := &fakeGateway{submit: []error{gatewayError(codes.InvalidArgument, "prepared transaction must be signed")}}
		_, err := fakeClient(t, g).Submit(ctx, "Participant:Register", req)
		var ne *NetworkError
		var se *gwclient.SubmitError
		if !errors.As(err, &ne) || !errors.As(err, &se) || se.TransactionID != ne.TxID || status.Code(err) != codes.InvalidArgument || g.calls["submit"] != 1 {
			t.Fatalf("got %v (%T) after %d submissions, want one SubmitError in a NetworkError", err, errors.Unwrap(err), g.calls["submit"])
		}
	})

	t.Run("gives up", func(t *testing.T) {
		down := gatewayError(codes.Unavailable, "no orderers could successfully process transaction",
			node("orderer1:7050", "OrdererMSP", "connection refused"), node("orderer2:8050", "OrdererMSP", "connection refused"))
		g := &fakeGateway{submit: []error{down, down, down, down}}
		_, err := fakeClient(t, g).Submit(ctx, "Participant:Register", req)
		var se *gwclient.SubmitError
		if !errors.As(err, &se) || g.calls["submit"] != 4 {
			t.Fatalf("got %v after %d submissions", err, g.calls["submit"])
		}
		if want := "orderer2:8050 (OrdererMSP): connection refused"; !containsLine(err.Error(), want) {
			t.Fatalf("message does not name each orderer:\n%s", err)
		}
	})
}

func containsLine(s, line string) bool {
	return slices.Contains(strings.Split(s, "\n"), "  "+line)
}
