package api

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client/cli"
	"github.com/pdledger/pdledger/client/logs"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// headAnchorer records tree heads without a ledger.
type headAnchorer struct{ heads []logs.Batch }

func (h *headAnchorer) Anchor(_ context.Context, stream string, b logs.Batch, _ logs.Anchored) (logs.Anchored, error) {
	h.heads = append(h.heads, b)
	return logs.Anchored{Size: b.Size, Root: hex.EncodeToString(b.Root), Anchor: fmt.Sprintf("%s-%d", stream, b.Size)}, nil
}

// TestLogInclusion_AcceptsWhatPdlProves: the proof `pdl logs prove` prints (the CLI's own
// code, run offline against a local tree) is accepted unchanged by POST
// /api/v1/logs/inclusion, with the line added; it verifies, and a changed line does not.
func TestLogInclusion_AcceptsWhatPdlProves(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := logs.Open(dir, "acc")
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&text, "2026-11-18T08:00:%02d+08:00 op=query caller=bank-%03d\n", i, i)
	}
	heads := &headAnchorer{}
	if _, err := st.Ingest(ctx, strings.NewReader(text.String()), heads, logs.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	root := hex.EncodeToString(st.Root())
	st.Close()

	var proof, errb bytes.Buffer
	if code := cli.Execute(ctx, &cli.App{Lang: model.EN, Output: "json", Stdout: &proof, Stderr: &errb}, []string{"logs", "prove", "--stream", "acc", "--state", dir, "--index", "7"}); code != 0 {
		t.Fatalf("pdl logs prove exited %d: %s", code, errb.String())
	}

	// the explorer's index holds the stream and its anchor of size 20
	idx, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	stream, _ := json.Marshal(model.LogStream{Meta: model.Meta{ID: "acc", Kind: model.KindLogStream}, Owner: "op1", Size: 20, Root: root})
	anchor, _ := json.Marshal(model.Anchor{Meta: model.Meta{ID: "acc-20", Kind: model.KindAnchor, UpdatedTx: "tx1"}, Stream: "acc", Owner: "op1", Seq: 1, Size: 20, Root: root})
	b := &store.Block{Number: 0, Hash: []byte{1}, DataHash: []byte{2}, Time: time.Now(), Raw: []byte{1},
		Txs: []store.Tx{{ID: "tx1", Valid: true, ValidationCode: "VALID", Time: time.Now(), Records: []store.RecordChange{
			{Kind: string(model.KindLogStream), ID: "acc", Version: 1, Action: "opened", Parties: []string{"op1"}, Data: stream},
			{Kind: string(model.KindAnchor), ID: "acc-20", Version: 1, Action: "anchored", Parties: []string{"op1"}, Data: anchor}}}},
		Edges: []store.EdgeAt{{Edge: store.Edge{FromKind: string(model.KindAnchor), FromID: "acc-20", ToKind: string(model.KindLogStream), ToID: "acc", Rel: "of"}, TxID: "tx1"}}}
	if err := idx.ApplyBlock(ctx, b); err != nil {
		t.Fatal(err)
	}
	s := &Server{Store: idx}
	post := func(body []byte) (int, map[string]any) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/logs/inclusion", bytes.NewReader(body))
		c.Set(callerKey, &Caller{Participant: "op1", Role: string(model.RoleOperator), Active: true})
		s.logInclusion(c)
		var out map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		return w.Code, out
	}

	// unchanged: the proof file as pdl printed it (its leafHash names the line)
	if code, out := post(proof.Bytes()); code != http.StatusOK || out["verified"] != true {
		t.Fatalf("the proof pdl printed: %d %v\n%s", code, out, proof.String())
	}
	// with the line added, as a verifier sends it
	var p map[string]any
	if err := json.Unmarshal(proof.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	p["line"] = "2026-11-18T08:00:07+08:00 op=query caller=bank-007"
	body, _ := json.Marshal(p)
	if code, out := post(body); code != http.StatusOK || out["verified"] != true {
		t.Fatalf("proof with its line: %d %v", code, out)
	}
	// a changed line is not the one proved
	delete(p, "leafHash")
	p["line"] = "2026-11-18T08:00:07+08:00 op=query caller=bank-999"
	body, _ = json.Marshal(p)
	if code, out := post(body); code != http.StatusOK || out["verified"] != false {
		t.Fatalf("changed line: %d %v", code, out)
	}
	// a field that is not in the schema is still refused, naming it
	p["colour"] = "red"
	body, _ = json.Marshal(p)
	if code, out := post(body); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["detail"]), "colour") {
		t.Fatalf("unknown field: %d %v", code, out)
	}
}
