package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// TestHistory_EachVersionItsOwnVisibility: a resource private in version 1 (before its
// cataloguing) and public in version 2 shows the public the second version's data and
// only the transaction of the first; a record private in every version is refused.
func TestHistory_EachVersionItsOwnVisibility(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	change := func(id string, v int, public bool, data string) store.RecordChange {
		return store.RecordChange{Kind: string(model.KindResource), ID: id, Version: v, Action: "x", Public: public, Parties: []string{"su1"}, Data: json.RawMessage(data)}
	}
	prev := []byte(nil)
	for n, c := range []store.RecordChange{change("r1", 1, false, `{"name":"草稿"}`), change("r1", 2, true, `{"name":"已编目"}`), change("r2", 1, false, `{"name":"私有"}`)} {
		b := &store.Block{Number: uint64(n), Hash: []byte{byte(n + 1)}, PrevHash: prev, DataHash: []byte{9}, Time: time.Now(), Raw: []byte{1},
			Txs: []store.Tx{{ID: "tx" + string(rune('a'+n)), Block: uint64(n), Valid: true, ValidationCode: "VALID", Time: time.Now(), Records: []store.RecordChange{c}}}}
		if err := st.ApplyBlock(ctx, b); err != nil {
			t.Fatal(err)
		}
		prev = b.Hash
	}
	s := &Server{Store: st}
	get := func(id string) (int, []VersionView) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest("GET", "/", nil)
		c.Params = gin.Params{{Key: "kind", Value: string(model.KindResource)}, {Key: "id", Value: id}}
		s.recordHistory(c)
		var out struct {
			Versions []VersionView `json:"versions"`
		}
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		return w.Code, out.Versions
	}
	code, vs := get("r1")
	if code != http.StatusOK || len(vs) != 2 {
		t.Fatalf("r1: %d %+v", code, vs)
	}
	if !vs[0].Hidden || vs[0].Data != nil || vs[0].TxID == "" {
		t.Errorf("version 1 (private) shown to the public: %+v", vs[0])
	}
	if vs[1].Hidden || string(vs[1].Data) != `{"name":"已编目"}` {
		t.Errorf("version 2 (public): %+v", vs[1])
	}
	if code, _ := get("r2"); code != http.StatusForbidden {
		t.Errorf("a record private in every version: %d, want 403", code)
	}
}
