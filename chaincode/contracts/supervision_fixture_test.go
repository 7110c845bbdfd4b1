package contracts

import (
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
)

// Fixture for the log and supervision tests. Resources and authorizations have their own
// contracts and tests: these tests write them straight into the ledger (with put, one
// transaction each, through no contract) and drive only the Logs and Supervision
// contracts.

// storedAuth reads an authorization as stored.
func (h *harness) storedAuth(id string) *model.Authorization {
	h.t.Helper()
	var a model.Authorization
	h.get(model.KindAuthorization, id, &a)
	return &a
}

// signedAuthorization writes an active authorization of operator signed on termStart.
func (h *harness) signedAuthorization(id, operator, termStart, termEnd string) {
	h.put(&model.Authorization{Meta: model.Meta{ID: id, Kind: model.KindAuthorization, Public: true}, Operator: operator,
		Mode: model.ModeWhole, ResourceIDs: []string{"r1"}, TermMonths: 24, TermStart: termStart, TermEnd: termEnd,
		AgreementDigest: digest("agreement " + id), Status: model.AuthActive, EmergencyPlan: "plan-" + id, Profile: "test"})
}

// newSupervision is a ledger with the bureau, operators op and op2, source unit su1,
// partner pt, regulator reg, resource r1 of su1, and authorizations auth1 (op) and
// auth2 (op2) in force from 2025-09-01 (the harness clock's first day) to 2027-08-31.
func newSupervision(t testing.TB, preset string) *harness {
	t.Helper()
	h := newHarness(t, preset)
	h.party("op", model.RoleOperator, "龙华数据运营有限公司")
	h.party("op2", model.RoleOperator, "另一运营机构")
	h.party("su1", model.RoleSourceUnit, "区卫生健康局")
	h.party("pt", model.RolePartner, "平台合作方")
	h.party("reg", model.RoleRegulator, "区委网信办")
	h.put(&model.Resource{Meta: model.Meta{ID: "r1", Kind: model.KindResource, Public: true}, SourceUnit: "su1",
		Name: "全民健康信息", Summary: "测试资源", DataItems: []string{"a"}, DataType: "table", Openness: model.OpenConditional,
		Grade: 2, Domain: "卫生健康", Coverage: "龙华区", UpdateFrequency: "monthly", ResourceVersion: 1, Catalogue: model.CatCatalogued})
	h.signedAuthorization("auth1", "op", "2025-09-01", "2027-08-31")
	h.signedAuthorization("auth2", "op2", "2025-09-01", "2027-08-31")
	return h
}

// okSigned signs req as signer and calls fn, expecting success.
func (h *harness) okSigned(who string, fn string, req model.Requester) string {
	h.t.Helper()
	h.sign(fn, who, req)
	return h.ok(h.as(who), fn, req)
}

// logTree is an off-chain log: a Merkle tree over lines tagged tag.
func logTree(n int, tag string) *merkle.MemoryTree {
	t := merkle.NewMemoryTree(merkle.SM3)
	for i := 0; i < n; i++ {
		t.Append([]byte(fmt.Sprintf("2025-09-01T09:00:%02d %s op=query line=%d", i%60, tag, i)))
	}
	return t
}

// appendReq builds the anchor request growing tree from prev to size leaves.
func appendReq(t testing.TB, tree *merkle.MemoryTree, id, stream string, prev, size uint64, prevDigest string, start, end time.Time) *model.AppendLogRequest {
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
