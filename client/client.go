package client

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/pdledger/pdledger/client/internal/stamp"
)

// Timeouts per phase of a transaction.
type Timeouts struct {
	Evaluate     time.Duration
	Endorse      time.Duration
	Submit       time.Duration
	CommitStatus time.Duration
}

// DefaultTimeouts suit an interactive network with a 100 ms batch timeout: a commit
// normally arrives in well under a second. A transaction accepted by a Raft leader that
// dies before replicating it never commits; after CommitStatus the client asks the
// ledger and resubmits, so this bounds how long such a loss stalls a caller.
var DefaultTimeouts = Timeouts{Evaluate: 10 * time.Second, Endorse: 15 * time.Second, Submit: 10 * time.Second, CommitStatus: 6 * time.Second}

type options struct {
	timeouts    Timeouts
	maxAttempts int
	backoff     time.Duration
	maxBackoff  time.Duration
	logf        func(format string, a ...any)
	conn        *grpc.ClientConn
	// read-your-writes (consistency.go)
	session         *Session
	sessionSet      bool
	consistencyWait time.Duration
}

// Option configures a Client.
type Option func(*options)

// WithTimeouts sets per-phase timeouts.
func WithTimeouts(t Timeouts) Option { return func(o *options) { o.timeouts = t } }

// WithRetry sets how many times a submission is attempted and the first backoff (doubled
// per attempt up to 8×).
func WithRetry(attempts int, backoff time.Duration) Option {
	return func(o *options) { o.maxAttempts, o.backoff, o.maxBackoff = attempts, backoff, 8*backoff }
}

// WithLogger receives one line per retry.
func WithLogger(f func(format string, a ...any)) Option { return func(o *options) { o.logf = f } }

// WithConnection reuses an existing gRPC connection to the profile's peer (several
// identities of one org can share it).
func WithConnection(c *grpc.ClientConn) Option { return func(o *options) { o.conn = c } }

// Client acts as one identity. It is safe for concurrent use; one gRPC connection is
// shared by all calls.
type Client struct {
	Profile  *Profile
	conn     *grpc.ClientConn
	ownConn  bool
	gw       *client.Gateway
	network  *client.Network
	contract *client.Contract
	qscc     *client.Contract
	opts     options
	closeMu  sync.Once
	// what the discovery and readiness calls sign with (the gateway keeps its own copy)
	creator []byte        // serialized identity (MSP id + certificate PEM)
	sign    identity.Sign // signs a SHA-256 digest
	tlsHash []byte        // SHA-256 of the TLS client certificate, nil without mutual TLS
	session *Session      // nil: no read-your-writes waiting
	hts     heights
}

// Dial opens a mutual-TLS gRPC connection to the profile's peer.
func Dial(p *Profile) (*grpc.ClientConn, error) {
	root, err := os.ReadFile(p.TLSRootCert)
	if err != nil {
		return nil, fmt.Errorf("profile %s: TLS root: %w", p.Name, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(root) {
		return nil, fmt.Errorf("profile %s: no certificate in %s", p.Name, p.TLSRootCert)
	}
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12, ServerName: p.PeerHostname}
	if p.TLSClientCert != "" {
		pair, err := tls.LoadX509KeyPair(p.TLSClientCert, p.TLSClientKey)
		if err != nil {
			return nil, fmt.Errorf("profile %s: TLS client pair: %w", p.Name, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return grpc.NewClient(p.PeerEndpoint,
		grpc.WithTransportCredentials(credentials.NewTLS(cfg)),
		// Peers refuse pings closer than peer.keepalive.minInterval (60 s by default) and
		// answer a client that sends them with GOAWAY "too_many_pings", which closed the
		// explorer's block stream every minute and a half; ping less often than that.
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 75 * time.Second, Timeout: 20 * time.Second}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(100<<20)),
	)
}

// Connect connects as the profile's identity.
func Connect(ctx context.Context, p *Profile, opts ...Option) (*Client, error) {
	o := options{timeouts: DefaultTimeouts, maxAttempts: 8, backoff: 250 * time.Millisecond, maxBackoff: 2 * time.Second,
		consistencyWait: 10 * time.Second}
	for _, f := range opts {
		f(&o)
	}
	if !o.sessionSet {
		o.session = NewSession()
	}
	certPEM, err := os.ReadFile(p.Cert)
	if err != nil {
		return nil, fmt.Errorf("profile %s: certificate: %w", p.Name, err)
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("profile %s: certificate: %w", p.Name, err)
	}
	id, err := identity.NewX509Identity(p.MSPID, cert)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(p.Key)
	if err != nil {
		return nil, fmt.Errorf("profile %s: key: %w", p.Name, err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("profile %s: key: %w", p.Name, err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, err
	}
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id.MspID(), IdBytes: id.Credentials()})
	if err != nil {
		return nil, err
	}
	c := &Client{Profile: p, opts: o, conn: o.conn, creator: creator, sign: sign, session: o.session}
	if c.conn == nil {
		if c.conn, err = Dial(p); err != nil {
			return nil, err
		}
		c.ownConn = true
	}
	gwOpts := []client.ConnectOption{
		client.WithSign(sign), client.WithHash(hash.SHA256), client.WithClientConnection(c.conn),
		client.WithEvaluateTimeout(o.timeouts.Evaluate), client.WithEndorseTimeout(o.timeouts.Endorse),
		client.WithSubmitTimeout(o.timeouts.Submit), client.WithCommitStatusTimeout(o.timeouts.CommitStatus),
	}
	if p.TLSClientCert != "" {
		// With mutual TLS the peer's deliver service binds event requests to the client's
		// TLS certificate: without its hash, block events are refused.
		h, err := tlsCertHash(p.TLSClientCert)
		if err != nil {
			return nil, err
		}
		gwOpts = append(gwOpts, client.WithTLSClientCertificateHash(h))
		c.tlsHash = h
	}
	c.gw, err = client.Connect(id, gwOpts...)
	if err != nil {
		if c.ownConn {
			c.conn.Close()
		}
		return nil, err
	}
	c.network = c.gw.GetNetwork(p.Channel)
	c.contract = c.network.GetContract(p.Chaincode)
	c.qscc = c.network.GetContract("qscc")
	_ = ctx
	return c, nil
}

func tlsCertHash(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cert, err := ParseCertPEM(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sum := sha256.Sum256(cert.Raw)
	return sum[:], nil
}

// Close releases the gateway and, if the client opened it, the connection.
func (c *Client) Close() error {
	var err error
	c.closeMu.Do(func() {
		c.gw.Close()
		if c.ownConn {
			err = c.conn.Close()
		}
	})
	return err
}

// Conn is the client's gRPC connection (for sharing with WithConnection).
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Network is the gateway network (channel) the client is connected to.
func (c *Client) Network() *client.Network { return c.network }

// Result of a committed transaction.
type Result struct {
	TxID        string                `json:"txId"`
	BlockNumber uint64                `json:"blockNumber"`
	Code        peer.TxValidationCode `json:"validationCode"`
	Payload     []byte                `json:"-"`
	Attempts    int                   `json:"attempts"`
}

// Decode unmarshals the chaincode's answer.
func (r *Result) Decode(v any) error { return json.Unmarshal(r.Payload, v) }

func args(req any) ([]string, error) {
	switch v := req.(type) {
	case nil:
		return []string{"{}"}, nil
	case string:
		return []string{v}, nil
	case []byte:
		return []string{string(v)}, nil
	case json.RawMessage:
		return []string{string(v)}, nil
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	return []string{string(b)}, nil
}

// Evaluate runs a query on the client's peer and decodes the answer into out (if not nil).
// Under a session (see Session) it runs on a peer that has committed the session's
// latest block.
func (c *Client) Evaluate(ctx context.Context, fn string, req any, out any) error {
	a, err := args(req)
	if err != nil {
		return err
	}
	res, err := c.evaluate(ctx, fn, a)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(res, out); err != nil {
			return fmt.Errorf("decode %s answer: %w", fn, err)
		}
	}
	return nil
}

// EvaluateRaw runs a query with raw string arguments and returns the raw answer.
func (c *Client) EvaluateRaw(ctx context.Context, fn string, rawArgs ...string) ([]byte, error) {
	return c.evaluate(ctx, fn, rawArgs)
}

// endorse collects fn's endorsements under the endorse timeout. A chaincode refusal
// becomes a RefusedError and any other failure a NetworkError, both carrying the tx id.
func (c *Client) endorse(ctx context.Context, fn string, proposal *client.Proposal) (*client.Transaction, error) {
	ectx, cancel := context.WithTimeout(ctx, c.opts.timeouts.Endorse)
	defer cancel()
	tx, err := proposal.EndorseWithContext(ectx)
	if err != nil {
		if e := refusal(err); e != nil {
			return nil, &RefusedError{Err: e, TxID: proposal.TransactionID()}
		}
		return nil, &NetworkError{Op: "endorse " + fn, TxID: proposal.TransactionID(), Err: err}
	}
	return tx, nil
}

// evaluate retries what retryable allows (a peer restarting, a gateway that has not yet
// seen another org) a few times within the evaluate timeout.
func (c *Client) evaluate(ctx context.Context, fn string, a []string) ([]byte, error) {
	if err := checkEvaluable(fn); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.Evaluate)
	defer cancel()
	for attempt := 1; ; attempt++ {
		orgs, err := c.pinned(ctx)
		if err == nil {
			popts := []client.ProposalOption{client.WithArguments(a...)}
			if orgs != nil {
				popts = append(popts, client.WithEndorsingOrganizations(orgs...))
			}
			var res []byte
			if res, err = c.contract.EvaluateWithContext(ctx, fn, popts...); err == nil {
				return res, nil
			}
			if e := refusal(err); e != nil {
				return nil, &RefusedError{Err: e}
			}
		}
		if attempt >= 3 || !retryable(err) || ctx.Err() != nil {
			var ne *NetworkError
			if errors.As(err, &ne) {
				return nil, err
			}
			return nil, &NetworkError{Op: "evaluate " + fn, Err: err}
		}
		sleep(ctx, time.Duration(attempt)*200*time.Millisecond)
	}
}

// Submit sends a write transaction and waits until it commits. It survives orderer
// failover: what retryable allows (peers or orderers unavailable, no Raft leader, a
// gateway whose discovery has not caught up, a commit status that never arrived, an MVCC
// conflict) is tried again with backoff as a new transaction. Resubmission is safe
// because every PDLedger write is idempotent under its request id: a request that did
// commit answers the existing record. A chaincode refusal is a *RefusedError and is
// never retried; any other failure is a *NetworkError.
func (c *Client) Submit(ctx context.Context, fn string, req any) (*Result, error) {
	a, err := args(req)
	if err != nil {
		return nil, err
	}
	return c.SubmitArgs(ctx, fn, a...)
}

// SubmitArgs is Submit with raw string arguments (for functions that do not take one
// JSON request, such as the System:BenchPut baseline).
func (c *Client) SubmitArgs(ctx context.Context, fn string, a ...string) (*Result, error) {
	if err := checkSubmittable(fn); err != nil {
		return nil, err
	}
	a, transient, members, err := c.commercialProposal(ctx, fn, a)
	if err != nil {
		return nil, err
	}
	backoff := c.opts.backoff
	var last error
	var lastTx string
	for attempt := 1; attempt <= c.opts.maxAttempts; attempt++ {
		if attempt > 1 {
			if c.opts.logf != nil {
				c.opts.logf("pdl: %s attempt %d after: %v", fn, attempt, last)
			}
			sleep(ctx, backoff)
			if backoff *= 2; backoff > c.opts.maxBackoff {
				backoff = c.opts.maxBackoff
			}
		}
		if ctx.Err() != nil {
			break
		}
		res, err := c.submitOnce(ctx, fn, a, transient, members)
		if err == nil {
			res.Attempts = attempt
			return res, nil
		}
		var ne *NetworkError
		if errors.As(err, &ne) && ne.TxID != "" {
			lastTx = ne.TxID
		}
		if !retryable(err) {
			return nil, err
		}
		last = err
	}
	if last == nil {
		last = ctx.Err()
	}
	return nil, &NetworkError{Op: "submit " + fn, TxID: lastTx, Err: fmt.Errorf("gave up after %d attempts: %w", c.opts.maxAttempts, last)}
}

// submitOnce runs one transaction through endorsement, ordering and commit. Its errors
// keep fabric-gateway's typed error of the phase that failed, for retryable and for
// callers.
func (c *Client) submitOnce(ctx context.Context, fn string, a []string, transient map[string][]byte, members []string) (*Result, error) {
	orgs, err := c.pinned(ctx)
	if err != nil {
		return nil, err
	}
	if transient != nil {
		// commercial fields: only the collection's members endorse (EndorsedBy, checked
		// against them, may narrow it; read-your-writes waited in pinned)
		if _, explicit := ctx.Value(endorsersKey{}).([]string); !explicit {
			orgs = members
		}
	}
	popts := []client.ProposalOption{client.WithArguments(a...)}
	if orgs != nil {
		popts = append(popts, client.WithEndorsingOrganizations(orgs...))
	}
	if transient != nil {
		popts = append(popts, client.WithTransient(transient))
	}
	proposal, err := c.contract.NewProposal(fn, popts...)
	if err != nil {
		return nil, err
	}
	if ts, ok := stamp.From(ctx); ok {
		if proposal, err = c.restamp(proposal, ts); err != nil {
			return nil, err
		}
	}
	txID := proposal.TransactionID()
	tx, err := c.endorse(ctx, fn, proposal)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.Submit)
	commit, err := tx.SubmitWithContext(sctx)
	cancel()
	if err != nil {
		return nil, &NetworkError{Op: "order " + fn, TxID: txID, Err: err}
	}
	res := &Result{TxID: txID, Payload: tx.Result()}
	cctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.CommitStatus)
	st, err := commit.StatusWithContext(cctx)
	cancel()
	if err != nil {
		// The orderer took it but we did not hear of a commit: it may have been swallowed
		// by a dying Raft leader, or may still be on its way. Ask once more (a committed
		// transaction answers at once); raw ledger lookups are for auditors only.
		cctx, cancel := context.WithTimeout(ctx, c.opts.timeouts.CommitStatus/2)
		st, err = commit.StatusWithContext(cctx)
		cancel()
		if err != nil {
			return nil, &NetworkError{Op: "commit status " + fn, TxID: txID, Err: fmt.Errorf("no commit seen: %w", err)}
		}
	}
	res.Code, res.BlockNumber = st.Code, st.BlockNumber
	// Any validation code means the block committed on the gateway's peer; later calls
	// must see it (an invalid transaction's block may hold another party's writes).
	c.observe(st.BlockNumber)
	if st.Code != peer.TxValidationCode_VALID {
		return nil, &NetworkError{Op: "commit " + fn, TxID: txID, Code: st.Code, Err: fmt.Errorf("transaction invalid: %s", st.Code)}
	}
	return res, nil
}

// restamp rewrites a proposal's channel-header timestamp, for package replay only (the
// context key lives in client/internal/stamp). The transaction id derives from the nonce
// and the creator only, so it stays valid; the proposal is signed after.
func (c *Client) restamp(p *client.Proposal, ts time.Time) (*client.Proposal, error) {
	raw, err := p.Bytes()
	if err != nil {
		return nil, err
	}
	var pt gateway.ProposedTransaction
	if err := proto.Unmarshal(raw, &pt); err != nil {
		return nil, err
	}
	var prop peer.Proposal
	if err := proto.Unmarshal(pt.GetProposal().GetProposalBytes(), &prop); err != nil {
		return nil, err
	}
	var hdr common.Header
	if err := proto.Unmarshal(prop.GetHeader(), &hdr); err != nil {
		return nil, err
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(hdr.GetChannelHeader(), &ch); err != nil {
		return nil, err
	}
	ch.Timestamp = timestamppb.New(ts)
	if hdr.ChannelHeader, err = proto.Marshal(&ch); err != nil {
		return nil, err
	}
	if prop.Header, err = proto.Marshal(&hdr); err != nil {
		return nil, err
	}
	if pt.Proposal.ProposalBytes, err = proto.Marshal(&prop); err != nil {
		return nil, err
	}
	pt.Proposal.Signature = nil
	out, err := proto.Marshal(&pt)
	if err != nil {
		return nil, err
	}
	return c.gw.NewProposal(out)
}
