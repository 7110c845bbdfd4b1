package client

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// Session gives the clients that share it read-your-writes across organizations: after
// any of them commits block N, every later call of any of them (submit or evaluate) is
// endorsed only by peers that have committed block N. Without it, a party acting right
// after another can be endorsed on a peer that has not yet received the other's block and
// be refused on the state from before it (one org's commit says nothing about another
// org's peer). A Session is safe for concurrent use; the zero value is not usable.
type Session struct {
	block atomic.Uint64 // highest committed block seen + 1 (0: none)
}

// NewSession starts a session that has seen no commit.
func NewSession() *Session { return &Session{} }

// Observe records that block n committed (its state is what later calls must see).
func (s *Session) Observe(n uint64) {
	for {
		cur := s.block.Load()
		if n+1 <= cur || s.block.CompareAndSwap(cur, n+1) {
			return
		}
	}
}

// Block is the highest block observed; ok is false before any.
func (s *Session) Block() (n uint64, ok bool) {
	v := s.block.Load()
	if v == 0 {
		return 0, false
	}
	return v - 1, true
}

// WithSession shares s with other clients (each client otherwise has a session of its own,
// which gives it read-your-own-writes). A nil s turns the waiting off (load generators
// whose calls do not depend on each other).
func WithSession(s *Session) Option {
	return func(o *options) { o.session, o.sessionSet = s, true }
}

// WithConsistencyWait bounds how long a call waits for lagging peers (default 10 s);
// after it, the call goes to the peers that have caught up, or fails if none has.
func WithConsistencyWait(d time.Duration) Option { return func(o *options) { o.consistencyWait = d } }

type afterBlockKey struct{}

// AfterBlock makes calls under ctx wait until their peers have committed block n, for a
// block learned elsewhere (another process's Result.BlockNumber, `pdl --after-block`).
func AfterBlock(ctx context.Context, n uint64) context.Context {
	return context.WithValue(ctx, afterBlockKey{}, n)
}

// required is the block the call must see committed.
func (c *Client) required(ctx context.Context) (uint64, bool) {
	need, ok := uint64(0), false
	if c.session != nil {
		need, ok = c.session.Block()
	}
	if n, has := ctx.Value(afterBlockKey{}).(uint64); has && (!ok || n > need) {
		need, ok = n, true
	}
	return need, ok
}

// heights caches what the client knows of each org's peer height.
type heights struct {
	mu   sync.Mutex
	orgs []string          // channel peer orgs (MSP ids), sorted
	h    map[string]uint64 // MSP id → ledger height last seen
	// down: MSP id → until when its peer counts as unreachable without asking again. A
	// peer cut off the network does not answer at all, so each probe costs the whole
	// probe timeout; without this every call of a session paid it while one org was away.
	down map[string]time.Time
}

// downFor is how long an org whose peer did not answer a height probe is left out of
// read-your-writes choices before it is asked again.
const downFor = 15 * time.Second

func (c *Client) recentlyDown(msp string) bool {
	c.hts.mu.Lock()
	defer c.hts.mu.Unlock()
	return time.Now().Before(c.hts.down[msp])
}

func (c *Client) setDown(msp string, down bool) {
	c.hts.mu.Lock()
	defer c.hts.mu.Unlock()
	if !down {
		delete(c.hts.down, msp)
		return
	}
	if c.hts.down == nil {
		c.hts.down = map[string]time.Time{}
	}
	c.hts.down[msp] = time.Now().Add(downFor)
}

func (c *Client) known(msp string) uint64 {
	c.hts.mu.Lock()
	defer c.hts.mu.Unlock()
	return c.hts.h[msp]
}

func (c *Client) learn(msp string, height uint64) {
	c.hts.mu.Lock()
	defer c.hts.mu.Unlock()
	if c.hts.h == nil {
		c.hts.h = map[string]uint64{}
	}
	if height > c.hts.h[msp] {
		c.hts.h[msp] = height
	}
}

// channelOrgs lists the channel's peer orgs: from the profile, else from discovery (once).
func (c *Client) channelOrgs(ctx context.Context) ([]string, error) {
	c.hts.mu.Lock()
	orgs := c.hts.orgs
	c.hts.mu.Unlock()
	if orgs != nil {
		return orgs, nil
	}
	if len(c.Profile.ChannelOrgs) > 0 {
		orgs = append([]string(nil), c.Profile.ChannelOrgs...)
	} else {
		peers, err := c.DiscoverPeers(ctx)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, p := range peers {
			if !seen[p.MSPID] {
				seen[p.MSPID] = true
				orgs = append(orgs, p.MSPID)
			}
		}
	}
	sort.Strings(orgs)
	c.hts.mu.Lock()
	c.hts.orgs = orgs
	c.hts.mu.Unlock()
	return orgs, nil
}

// peerHeight asks one org's peer for its ledger height (qscc GetChainInfo routed by the
// gateway to that org). The peer answers only after the block it reports is committed to
// its state database, so height > n means block n's writes are readable there.
func (c *Client) peerHeight(ctx context.Context, msp string) (uint64, error) {
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	raw, err := c.qscc.EvaluateWithContext(pctx, "GetChainInfo", client.WithArguments(c.Profile.Channel), client.WithEndorsingOrganizations(msp))
	if ctx.Err() == nil { // the caller giving up says nothing about the peer
		c.setDown(msp, err != nil)
	}
	if err != nil {
		return 0, err
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return 0, err
	}
	c.learn(msp, info.GetHeight())
	return info.GetHeight(), nil
}

// awaitCommitted waits until the channel's peers have committed the block the call must
// see. It returns the orgs the call must be pinned to: nil when every reachable org has
// caught up (the gateway may choose freely), else the orgs that have. Unreachable peers do
// not hold the call up (their org cannot endorse anyway); a reachable peer that stays
// behind past the consistency wait is left out.
func (c *Client) awaitCommitted(ctx context.Context) ([]string, error) {
	need, ok := c.required(ctx)
	if !ok {
		return nil, nil
	}
	orgs, err := c.channelOrgs(ctx)
	if err != nil {
		return nil, fmt.Errorf("read-your-writes: %w", err)
	}
	return c.awaitOrgs(ctx, need, orgs)
}

// awaitOrgs waits until the peers of orgs have committed block need, as awaitCommitted
// documents.
func (c *Client) awaitOrgs(ctx context.Context, need uint64, orgs []string) ([]string, error) {
	deadline := time.Now().Add(c.opts.consistencyWait)
	pause := 10 * time.Millisecond
	unreachable := map[string]bool{}
	for {
		var behind, ahead []string
		for _, org := range orgs {
			if unreachable[org] {
				continue
			}
			if c.recentlyDown(org) {
				unreachable[org] = true
				continue
			}
			if c.known(org) > need {
				ahead = append(ahead, org)
				continue
			}
			h, err := c.peerHeight(ctx, org)
			switch {
			case err != nil:
				unreachable[org] = true
			case h > need:
				ahead = append(ahead, org)
			default:
				behind = append(behind, org)
			}
		}
		if len(behind) == 0 && len(ahead) > 0 {
			if len(unreachable) == 0 {
				return nil, nil
			}
			return ahead, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if len(ahead) > 0 {
				return ahead, nil
			}
			return nil, &NetworkError{Op: "read-your-writes", Err: &behindError{block: need, waited: c.opts.consistencyWait, behind: behind, unreachable: len(unreachable)}}
		}
		sleep(ctx, pause)
		if pause *= 2; pause > 250*time.Millisecond {
			pause = 250 * time.Millisecond
		}
	}
}

// behindError: no reachable peer had committed the block a call must see within the
// consistency wait. Peers catch up, so a later attempt may succeed (see retryable).
type behindError struct {
	block       uint64
	waited      time.Duration
	behind      []string
	unreachable int
}

func (e *behindError) Error() string {
	return fmt.Sprintf("no peer has committed block %d after %s (behind: %s; unreachable: %d)",
		e.block, e.waited, strings.Join(e.behind, ", "), e.unreachable)
}

// observe records a commit in the client's session and what it says of the gateway's
// own peer (it delivered the commit status, so it has committed the block).
func (c *Client) observe(block uint64) {
	if c.session != nil {
		c.session.Observe(block)
	}
	c.learn(c.Profile.MSPID, block+1)
}

type endorsersKey struct{}

// EndorsedBy pins the calls under ctx to peers of the given orgs (MSP ids): a submit is
// endorsed by exactly those orgs, an evaluation runs on one of them. For operators who
// must keep an org out, and for tests of the endorsement policies (an attacker can do
// the same, which is why the policies, not the client, decide).
func EndorsedBy(ctx context.Context, msps ...string) context.Context {
	return context.WithValue(ctx, endorsersKey{}, append([]string(nil), msps...))
}

// pinned returns the orgs the call is pinned to: those EndorsedBy names, else the
// read-your-writes choice (nil: the gateway decides). Orgs named by EndorsedBy are
// waited for too — up to the consistency wait — so that an org pinned right after another
// org's commit is endorsed on the state after it; one that stays behind (or cannot be
// reached) is still used, as the caller named it, and the ledger's rules decide.
func (c *Client) pinned(ctx context.Context) ([]string, error) {
	if orgs, ok := ctx.Value(endorsersKey{}).([]string); ok && len(orgs) > 0 {
		if need, ok := c.required(ctx); ok {
			if _, err := c.awaitOrgs(ctx, need, orgs); err != nil && ctx.Err() != nil {
				return nil, err
			}
		}
		return orgs, nil
	}
	return c.awaitCommitted(ctx)
}
