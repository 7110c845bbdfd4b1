// Package demo loads the living demo ledger of `make up`: three months of the Longhua
// pilot (source units, the ten first-batch resources, one authorization, applications,
// the eleven first-batch products, prices, trades, anchored logs, supervision) replayed
// with the dates they would have had, each step submitted by the identity that would
// take it. Every request has a fixed id, so running the loader again changes nothing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/replay"
)

// Step is one transaction of the replayed history.
type Step struct {
	At      time.Time      // transaction time (CST)
	Profile string         // identity that submits it
	Fn      string         // chaincode function
	Req     map[string]any // request; "id" fixed for idempotence
	Sign    bool           // attach the participant's SM2 signature
	Note    string         // what it means, for the log
	// Expect names a refusal the step must get (a demo of a rule); "" = must commit.
	Expect model.Code
}

// Env tells the loader where identities live and how to report.
type Env struct {
	ProfilesDir string
	LogsDir     string // where the demo keeps its log-stream stores
	Out         io.Writer
	Progress    func(done, total int)
	// Now is the end of the replayed history; steps later than Now are not run.
	Now time.Time
	// Channel is the channel the steps run on ("" the profiles' own).
	Channel string
}

// Loader runs steps with one client per profile (one gRPC connection per peer).
type Loader struct {
	env     Env
	mu      sync.Mutex
	clients map[string]*client.Client
	conns   map[string]*client.Client // first client per peer endpoint, whose connection others share
	keys    map[string]*gm.PrivateKey // participant id → SM2 key
	whoID   map[string]string         // profile → participant id (for signatures)
	// every step sees the steps before it, whichever org's peers endorse it
	session *client.Session
	sess    *replay.Session // the ledger's replay session the steps run in
	// replayNote is why the replay session is opened (recorded on the ledger).
	replayNote string
}

// NewLoader prepares a loader.
func NewLoader(env Env) *Loader {
	if env.Out == nil {
		env.Out = io.Discard
	}
	if env.Now.IsZero() {
		env.Now = time.Now()
	}
	return &Loader{env: env, clients: map[string]*client.Client{}, conns: map[string]*client.Client{},
		keys: map[string]*gm.PrivateKey{}, whoID: map[string]string{}, session: client.NewSession()}
}

// Close closes every client.
func (l *Loader) Close() {
	for _, c := range l.clients {
		c.Close()
	}
}

func (l *Loader) client(ctx context.Context, profile string) (*client.Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.clients[profile]; ok {
		return c, nil
	}
	p, err := client.LoadProfile(filepath.Join(l.env.ProfilesDir, profile+".json"))
	if err != nil {
		return nil, err
	}
	if l.env.Channel != "" {
		p.Channel = l.env.Channel
	}
	opts := []client.Option{client.WithSession(l.session)}
	if shared, ok := l.conns[p.PeerEndpoint+"|"+p.TLSClientCert]; ok {
		opts = append(opts, client.WithConnection(shared.Conn()))
	}
	c, err := client.Connect(ctx, p, opts...)
	if err != nil {
		return nil, err
	}
	l.clients[profile] = c
	if _, ok := l.conns[p.PeerEndpoint+"|"+p.TLSClientCert]; !ok {
		l.conns[p.PeerEndpoint+"|"+p.TLSClientCert] = c
	}
	return c, nil
}

// identityOf is the certificate identity of a profile: which org, subject and key a
// binding names.
func (l *Loader) identityOf(profile string) (model.CertIdentity, error) {
	p, err := client.LoadProfile(filepath.Join(l.env.ProfilesDir, profile+".json"))
	if err != nil {
		return model.CertIdentity{}, err
	}
	return client.IdentityOf(p)
}

// Key returns (creating and saving once) the SM2 key of a participant, kept next to the
// profile that acts for it (client.SM2KeyPath), so pdl --sign finds it too.
func (l *Loader) Key(participant, profile string) (*gm.PrivateKey, error) {
	if k, ok := l.keys[participant]; ok {
		return k, nil
	}
	k, err := client.LoadOrCreateSM2Key(client.SM2KeyPath(filepath.Join(l.env.ProfilesDir, profile+".json")))
	if err != nil {
		return nil, err
	}
	l.keys[participant] = k
	return k, nil
}

// Run submits the steps in time order. A step that is already on the ledger (same id,
// same request) is a no-op there; a step expected to be refused must be refused with the
// expected code.
//
// The steps carry the dates they would have had: they run in a replay session the bureau
// opens first and closes after (see package replay), which the ledger records and the
// explorer shows on every record the steps touched. A network whose chaincode servers do
// not allow replay refuses to open one (FUNCTION_DISABLED).
func (l *Loader) Run(ctx context.Context, steps []Step) (err error) {
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].At.Before(steps[j].At) })
	bureau, err := l.client(ctx, "bureau-admin")
	if err != nil {
		return err
	}
	note := l.replayNote
	if note == "" {
		note = "演示数据：回放龙华区试点三个月的历史（demo ledger: the Longhua pilot's dated history）"
	}
	sess, err := replay.Open(ctx, bureau, fmt.Sprintf("demo-replay-%d", time.Now().UnixNano()), note)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := sess.Close(context.WithoutCancel(ctx)); err == nil {
			err = cerr
		}
	}()
	l.sess = sess
	for i, s := range steps {
		if s.At.After(l.env.Now) {
			continue
		}
		if err := l.run(ctx, s); err != nil {
			return fmt.Errorf("step %d (%s %s as %s, %s): %w", i+1, s.At.Format("2006-01-02 15:04"), s.Fn, s.Profile, s.Note, err)
		}
		if l.env.Progress != nil {
			l.env.Progress(i+1, len(steps))
		}
	}
	return nil
}

func (l *Loader) run(ctx context.Context, s Step) error {
	c, err := l.client(ctx, s.Profile)
	if err != nil {
		return err
	}
	var payload any = s.Req
	if s.Sign {
		if payload, err = l.sign(ctx, c, s); err != nil {
			return err
		}
	}
	_, err = c.Submit(l.sess.At(ctx, s.At), s.Fn, payload)
	var re *client.RefusedError
	switch {
	case s.Expect != "" && errors.As(err, &re) && re.Code() == s.Expect:
		fmt.Fprintf(l.env.Out, "%s  %-14s %-32s refused as intended: %s\n", s.At.Format("2006-01-02"), s.Profile, s.Fn, re.Err.Message)
		return nil
	case s.Expect != "" && errors.As(err, &re):
		// On a re-run the ledger has moved on (the step's record is further along), so
		// the same request meets another rule; it is still refused, which is the point.
		fmt.Fprintf(l.env.Out, "%s  %-14s %-32s refused (ledger moved on): %s\n", s.At.Format("2006-01-02"), s.Profile, s.Fn, re.Code())
		return nil
	case s.Expect != "" && err == nil:
		return fmt.Errorf("expected refusal %s, but it committed", s.Expect)
	case err != nil:
		return err
	}
	fmt.Fprintf(l.env.Out, "%s  %-14s %-32s %s\n", s.At.Format("2006-01-02"), s.Profile, s.Fn, s.Note)
	return nil
}

// sign attaches the SM2 signature of the participant the step's profile acts for.
func (l *Loader) sign(ctx context.Context, c *client.Client, s Step) (any, error) {
	f, ok := model.Function(s.Fn)
	if !ok {
		return nil, fmt.Errorf("unknown function %s", s.Fn)
	}
	pid := l.whoID[s.Profile]
	if pid == "" {
		var who model.WhoAmI
		if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
			return nil, err
		}
		if who.Participant == nil {
			return nil, fmt.Errorf("profile %s is bound to no participant", s.Profile)
		}
		pid = who.Participant.ID
		l.whoID[s.Profile] = pid
	}
	key, err := l.Key(pid, s.Profile)
	if err != nil {
		return nil, err
	}
	return client.SignRequest(f, s.Req, pid, key)
}

// Day returns 09:30 CST on a date plus an offset in minutes, for readable step times.
func Day(date string, minutes int) time.Time {
	t, err := time.ParseInLocation("2006-01-02", date, model.CST)
	if err != nil {
		panic(err)
	}
	return t.Add(9*time.Hour + 30*time.Minute + time.Duration(minutes)*time.Minute)
}

// USCC completes a 17-character body with its GB 32100 check character.
func USCC(body string) string {
	c, err := model.USCCCheckChar(body)
	if err != nil {
		panic(fmt.Sprintf("demo code %s: %v", body, err))
	}
	return body + string(c)
}

// UnitProfile is the SourceUnit identity that acts for the i-th unit (sourceunit-user1, ...).
func UnitProfile(i int) string { return fmt.Sprintf("sourceunit-user%d", i+1) }

// Steps is the whole replayed history, in time order.
func (l *Loader) Steps() ([]Step, error) {
	steps, err := l.partySteps()
	if err != nil {
		return nil, err
	}
	steps = append(steps, l.chain1Steps()...)
	steps = append(steps, l.marketSteps()...)
	steps = append(steps, l.supervisionSteps()...)
	return steps, nil
}

// Load replays the demo history (idempotent: run it again and nothing changes).
func Load(ctx context.Context, env Env) error {
	l := NewLoader(env)
	defer l.Close()
	steps, err := l.Steps()
	if err != nil {
		return err
	}
	return l.Run(ctx, steps)
}
