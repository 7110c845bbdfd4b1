package bench

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/logs"
)

// Mix is a realistic blend of domain transactions, each strictly decoded, rule-checked,
// idempotent and evented by the chaincode:
//   - 40% log anchors (Logs:Append): each worker owns a stream and anchors 16 new lines
//     with an RFC 6962 consistency proof verified on chain, SM2-signed where the profile
//     requires it (the signature is verified on chain too);
//   - 30% complaints (Supervision:FileCase) filed by the data exchange's desk;
//   - 30% participant registrations (Participant:Register) by the bureau.
//
// The workers' transactions are independent, so the clients wait for no other org's
// peer (no read-your-writes session); only a worker's next anchor must see its last
// one, which it asks for with client.AfterBlock.
type Mix struct {
	bureau, operator, desk *client.Client
	anchors                *logs.Ledger // as the operator, SM2-signed if it has a key
	prefix                 string
	mu                     sync.Mutex
	streams                map[int]*workerStream
}

type workerStream struct {
	id     string
	tree   *merkle.MemoryTree
	last   logs.Anchored
	opened bool
	block  uint64 // the stream's last commit (its opening, then its last anchor)
}

// NewMix connects the identities the mix needs from the profiles directory:
// bureau-admin, operator (bound to an operator participant, as after the demo) and
// exchange (bound to the data exchange, which files the complaints it receives).
func NewMix(ctx context.Context, prefix string) (*Mix, error) {
	load := func(name string) (*client.Client, error) {
		p, err := client.LoadProfile(filepath.Join(client.ProfileDir(), name+".json"))
		if err != nil {
			return nil, err
		}
		return client.Connect(ctx, p, client.WithSession(nil))
	}
	m := &Mix{prefix: prefix, streams: map[int]*workerStream{}}
	var err error
	if m.bureau, err = load("bureau-admin"); err != nil {
		return nil, err
	}
	if m.operator, err = load("operator"); err != nil {
		return nil, err
	}
	if m.desk, err = load("exchange"); err != nil {
		return nil, err
	}
	signer, err := operatorSigner(ctx, m.operator)
	if err != nil {
		return nil, err
	}
	m.anchors = logs.NewLedger(m.operator, logs.SignedBy(signer))
	return m, nil
}

// operatorSigner checks that c acts for an operator and loads its SM2 key if present.
func operatorSigner(ctx context.Context, c *client.Client) (*client.SM2Signer, error) {
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
		return nil, err
	}
	if who.Participant == nil || who.Participant.Role != model.RoleOperator {
		return nil, fmt.Errorf("profile %s is not bound to an operator participant (load the demo first: pdl demo load)", c.Profile.Name)
	}
	key, err := client.LoadSM2Key(client.SM2KeyPath(client.ProfilePath(c.Profile.Name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &client.SM2Signer{Participant: who.Participant.ID, Key: key}, nil
}

// Close releases the mix's connections.
func (m *Mix) Close() {
	m.bureau.Close()
	m.operator.Close()
	m.desk.Close()
}

// Describe names the mix.
func (m *Mix) Describe() string {
	return "40% Logs:Append (consistency-proved, SM2-signed), 30% Supervision:FileCase, 30% Participant:Register"
}

// Do is the mix's Doer.
func (m *Mix) Do(ctx context.Context, w, i int) (string, error) {
	switch i % 10 {
	case 0, 3, 6, 8:
		return "Logs:Append", m.anchor(ctx, w, i)
	case 1, 4, 9:
		_, err := m.desk.Submit(ctx, "Supervision:FileCase", model.FileCaseRequest{
			Request: model.Request{ID: fmt.Sprintf("%s-case-%d-%d", m.prefix, w, i)}, CaseKind: model.CaseComplaint,
			Title: "数据产品收费咨询", Description: fmt.Sprintf("压测 %s-%d-%d: 询问数据产品收费标准是否已备案并公开", m.prefix, w, i)})
		return "Supervision:FileCase", err
	default:
		body := benchUSCCBody(m.prefix, w, i)
		c, err := model.USCCCheckChar(body)
		if err != nil {
			return "Participant:Register", err
		}
		_, err = m.bureau.Submit(ctx, "Participant:Register", model.RegisterParticipantRequest{
			Request: model.Request{ID: fmt.Sprintf("%s-pt-%d-%d", m.prefix, w, i)}, Role: model.RolePartner,
			Name: fmt.Sprintf("压测协作单位 %d-%d", w, i), USCC: body + string(c), MSPID: "OperatorMSP"})
		return "Participant:Register", err
	}
}

func (m *Mix) anchor(ctx context.Context, w, i int) error {
	m.mu.Lock()
	s := m.streams[w]
	if s == nil {
		s = &workerStream{id: fmt.Sprintf("%s-s%d", m.prefix, w), tree: merkle.NewMemoryTree(merkle.SM3)}
		m.streams[w] = s
	}
	m.mu.Unlock()
	if !s.opened {
		res, err := m.operator.Submit(ctx, "Logs:Open", model.OpenLogStreamRequest{Request: model.Request{ID: s.id}, LogKind: model.LogAccess, Description: "bench"})
		if err != nil {
			return err
		}
		s.opened, s.block = true, res.BlockNumber
	}
	prevSize, prevRoot := s.tree.Size(), s.tree.Root()
	for k := 0; k < 16; k++ {
		s.tree.Append([]byte(fmt.Sprintf("2026-11-22T10:00:00Z op=query user=u%d seq=%d-%d", w, i, k)))
	}
	proof, err := merkle.ConsistencyProof(s.tree, merkle.SM3, prevSize, s.tree.Size())
	if err != nil {
		return err
	}
	now := time.Now()
	b := logs.Batch{PrevSize: prevSize, Size: s.tree.Size(), PrevRoot: prevRoot, Root: s.tree.Root(), Proof: proof,
		WindowStart: now.Add(-time.Second), WindowEnd: now.Add(-time.Millisecond)}
	if !s.last.WindowEnd().IsZero() && b.WindowStart.Before(s.last.WindowEnd()) {
		b.WindowStart = s.last.WindowEnd()
	}
	got, err := m.anchors.Anchor(client.AfterBlock(ctx, s.block), s.id, b, s.last)
	if err != nil {
		return err
	}
	got.End = b.WindowEnd
	s.last, s.block = got, got.Block
	return nil
}

// benchUSCCBody is a 统一社会信用代码 body (17 characters) unique to the run, the worker
// and the iteration: the registration rule refuses a second partner with the same code,
// so a generator that repeated codes across runs measured its own refusals.
func benchUSCCBody(prefix string, w, i int) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d/%d", prefix, w, i)))
	body := []byte("91440300")
	for _, b := range sum[:9] {
		body = append(body, alphabet[int(b)%len(alphabet)])
	}
	return string(body)
}
