package contracts

import (
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
)

// Fixture for the log and supervision tests. Resources and authorizations belong to
// Chaincode I: these tests write them straight into the ledger (one transaction each,
// through no contract) and drive only the Logs and Supervision contracts.

// svPut stores a record as is (creating it, or updating it when it exists).
func (h *harness) svPut(rec model.Record) {
	h.t.Helper()
	_, err := h.L.Call(h.Bureau, func(ctx contractapi.TransactionContextInterface) (string, error) {
		tx, err := newTx(ctx, "test:put")
		if err != nil {
			return "", err
		}
		m := rec.GetMeta()
		if ok, err := tx.Exists(m.Kind, m.ID); err != nil {
			return "", err
		} else if ok {
			return "", tx.Update(rec, "test-updated")
		}
		return "", tx.Create(rec, "test-created")
	})
	if err != nil {
		h.t.Fatalf("put %s %s: %v", rec.GetMeta().Kind, rec.GetMeta().ID, err)
	}
}

// svGet reads a committed record as stored (no visibility rule, no lazy transition).
func (h *harness) svGet(kind model.Kind, id string, out model.Record) {
	h.t.Helper()
	_, err := h.L.Call(h.Bureau, func(ctx contractapi.TransactionContextInterface) (string, error) {
		tx, err := newTx(ctx, "test:get")
		if err != nil {
			return "", err
		}
		return "", tx.Get(kind, id, out)
	})
	if err != nil {
		h.t.Fatalf("get %s %s: %v", kind, id, err)
	}
}

// svAuth reads an authorization as stored.
func (h *harness) svAuth(id string) *model.Authorization {
	h.t.Helper()
	var a model.Authorization
	h.svGet(model.KindAuthorization, id, &a)
	return &a
}

// svAuthorization writes an active authorization of operator signed on termStart.
func (h *harness) svAuthorization(id, operator, termStart, termEnd string) {
	h.svPut(&model.Authorization{Meta: model.Meta{ID: id, Kind: model.KindAuthorization, Public: true}, Operator: operator,
		Mode: model.ModeWhole, ResourceIDs: []string{"r1"}, TermMonths: 24, TermStart: termStart, TermEnd: termEnd,
		AgreementDigest: svDigest("agreement " + id), Status: model.AuthActive, EmergencyPlan: "plan-" + id, Profile: "test"})
}

// svDigest is the SM3 digest of a label, standing in for a document's.
func svDigest(label string) string { return gm.SumHex([]byte(label)) }

// newSupervision is a ledger with the bureau, operators op and op2, source unit su1,
// partner pt, regulator reg, resource r1 of su1, and authorizations auth1 (op) and
// auth2 (op2) in force from 2025-09-01 (the harness clock's first day) to 2027-08-31.
func newSupervision(t *testing.T, preset string) *harness {
	t.Helper()
	h := newHarness(t, preset)
	h.party("op", model.RoleOperator, "龙华数据运营有限公司")
	h.party("op2", model.RoleOperator, "另一运营机构")
	h.party("su1", model.RoleSourceUnit, "区卫生健康局")
	h.party("pt", model.RolePartner, "平台合作方")
	h.party("reg", model.RoleRegulator, "区委网信办")
	h.svPut(&model.Resource{Meta: model.Meta{ID: "r1", Kind: model.KindResource, Public: true}, SourceUnit: "su1",
		Name: "全民健康信息", Summary: "测试资源", DataItems: []string{"a"}, DataType: "table", Openness: model.OpenConditional,
		Grade: 2, Domain: "卫生健康", Coverage: "龙华区", UpdateFrequency: "monthly", ResourceVersion: 1, Catalogue: model.CatCatalogued})
	h.svAuthorization("auth1", "op", "2025-09-01", "2027-08-31")
	h.svAuthorization("auth2", "op2", "2025-09-01", "2027-08-31")
	return h
}

// svSigned signs req as signer and calls fn, expecting success.
func (h *harness) svSigned(who string, fn string, req model.Requester) string {
	h.t.Helper()
	h.sign(fn, who, req)
	return h.ok(h.as(who), fn, req)
}

// svLogTree is an off-chain log: a Merkle tree over lines tagged tag.
func svLogTree(n int, tag string) *merkle.MemoryTree {
	t := merkle.NewMemoryTree(merkle.SM3)
	for i := 0; i < n; i++ {
		t.Append([]byte(fmt.Sprintf("2025-09-01T09:00:%02d %s op=query line=%d", i%60, tag, i)))
	}
	return t
}

// svAppendReq builds the anchor request growing tree from prev to size leaves.
func svAppendReq(t *testing.T, tree *merkle.MemoryTree, id, stream string, prev, size uint64, prevDigest string, start, end time.Time) *model.AppendLogRequest {
	t.Helper()
	root, err := merkle.RootOf(tree, merkle.SM3, size)
	if err != nil {
		t.Fatal(err)
	}
	proof, err := merkle.ConsistencyProof(tree, merkle.SM3, prev, size)
	if err != nil {
		t.Fatal(err)
	}
	req := &model.AppendLogRequest{Request: model.Request{ID: id}, Stream: stream, PrevSize: prev, Size: size,
		Root: hex.EncodeToString(root), WindowStart: start, WindowEnd: end, PrevDigest: prevDigest, Proof: []string{}}
	for _, p := range proof {
		req.Proof = append(req.Proof, hex.EncodeToString(p))
	}
	return req
}
