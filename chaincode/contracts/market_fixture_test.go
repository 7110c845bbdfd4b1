package contracts

import (
	"slices"
	"sort"
	"testing"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// Fixture for the product, pricing, trade and revenue tests. Resources, authorizations and
// grants have their own contracts and tests; these tests write them straight into the
// ledger (one transaction each, no contract, so no test-only entry point exists) and
// drive only the contracts under test.

// put stores a record as is (creating it, or updating it when it exists), as an identity
// whose role may create records of its kind (model.CreatorRoles), so the record is owned
// and guarded like one a contract created.
func (h *harness) put(rec model.Record) {
	h.t.Helper()
	_, err := h.L.Call(h.creatorOf(rec.GetMeta().Kind), func(ctx contractapi.TransactionContextInterface) (string, error) {
		tx, err := newTx(ctx, "test:put")
		if err != nil {
			return "", err
		}
		m := rec.GetMeta()
		if a, ok := rec.(*model.Authorization); ok {
			// the status index the authorization contracts keep (lists page through it)
			var prev model.Authorization
			if found, err := tx.GetIf(model.KindAuthorization, a.ID, &prev); err != nil {
				return "", err
			} else if found {
				if err := tx.Unindex(ixAuthStatus, string(prev.Status), a.ID); err != nil {
					return "", err
				}
			}
			if err := tx.Index(ixAuthStatus, string(a.Status), a.ID); err != nil {
				return "", err
			}
		}
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

// creatorOf is the identity of the first party (by id) whose role may create kind.
func (h *harness) creatorOf(kind model.Kind) *stubtest.Identity {
	roles := model.CreatorRoles(kind)
	if roles == nil {
		return h.Bureau
	}
	ids := make([]string, 0, len(h.roles))
	for id := range h.roles {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if slices.Contains(roles, h.roles[id]) {
			return h.ids[id]
		}
	}
	h.t.Fatalf("no party of the harness may create a %s (roles %v)", kind, roles)
	return nil
}

// get reads a committed record as the ledger stores it (no visibility rule).
func (h *harness) get(kind model.Kind, id string, out model.Record) {
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

func (h *harness) resource(id, unit string) {
	h.put(&model.Resource{Meta: model.Meta{ID: id, Kind: model.KindResource, Public: true}, SourceUnit: unit,
		Name: "资源 " + id, Summary: "测试资源", DataItems: []string{"a", "b"}, DataType: "table", Openness: model.OpenConditional,
		Grade: 2, Domain: "城市治理", Coverage: "龙华区", UpdateFrequency: "monthly", ResourceVersion: 1, Catalogue: model.CatCatalogued})
}

func (h *harness) authorization(id, operator string, status model.AuthStatus, resources ...string) {
	h.put(&model.Authorization{Meta: model.Meta{ID: id, Kind: model.KindAuthorization, Public: true}, Operator: operator,
		Mode: model.ModeWhole, ResourceIDs: resources, TermMonths: 60, TermStart: "2025-01-01", TermEnd: "2029-12-31",
		AgreementDigest: digest("agreement " + id), Status: status, Profile: "test"})
}

func (h *harness) setAuthStatus(id string, status model.AuthStatus) {
	var a model.Authorization
	h.get(model.KindAuthorization, id, &a)
	a.Status = status
	h.put(&a)
}

func (h *harness) grant(id, auth, operator, scenario string, resources ...string) {
	var units []string
	for _, r := range resources {
		var res model.Resource
		h.get(model.KindResource, r, &res)
		units = append(units, res.SourceUnit)
	}
	h.put(&model.Grant{Meta: model.Meta{ID: id, Kind: model.KindGrant}, Application: "app-" + id, Authorization: auth,
		Operator: operator, Scenario: scenario, ResourceIDs: resources, Method: model.MethodPrivacyComputing,
		ValidFrom: "2025-01-01", ValidTo: "2026-12-31", Status: model.GrantActive, SourceUnits: sortedUnique(units)})
}

// digest is the SM3 digest of a label, standing in for a document's.
func digest(label string) string { return gm.SumHex([]byte(label)) }

// Scenarios of the fixture's grants (《龙华区…实施方案》表2).
const (
	scCredit = "企业信用评估"
	scCity   = "城中村改造规划与评估"
)

// newMarket is a ledger with the bureau, two operators (op, op2), two source units (su1,
// su2), an exchange (ex), a regulator (reg); resources r1, r3 of su1 and r2 of su2;
// active authorizations auth1 (op: r1 r2 r3) and auth2 (op2: r1); grants g1 (op, credit:
// r1 r2), g2 (op, city: r3) and g3 (op2, credit: r1).
func newMarket(t *testing.T, preset string) *harness {
	t.Helper()
	h := newHarness(t, preset)
	h.party("op", model.RoleOperator, "龙华数据运营有限公司")
	h.party("op2", model.RoleOperator, "另一运营机构")
	h.party("su1", model.RoleSourceUnit, "区住房和建设局")
	h.party("su2", model.RoleSourceUnit, "区市场监督管理局")
	h.party("ex", model.RoleExchange, "深圳数据交易所")
	h.party("reg", model.RoleRegulator, "区发展和改革局")
	h.resource("r1", "su1")
	h.resource("r2", "su2")
	h.resource("r3", "su1")
	h.authorization("auth1", "op", model.AuthActive, "r1", "r2", "r3")
	h.authorization("auth2", "op2", model.AuthActive, "r1")
	h.grant("g1", "auth1", "op", scCredit, "r1", "r2")
	h.grant("g2", "auth1", "op", scCity, "r3")
	h.grant("g3", "auth2", "op2", scCredit, "r1")
	return h
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func pass(note string) model.ReviewCheck { return model.ReviewCheck{Passed: yes(), Note: note} }

// allPass is a review with the six checks of 《广东省…管理办法》第二十六条 passed.
func allPass() model.ProductChecks {
	return model.ProductChecks{
		PurposeScopeMatch: pass("符合申请用途"), SourcesStatedLawful: pass("来源已注明"), NoRawSensitiveExposure: pass("无原始数据暴露"),
		NoLeakRisk: pass("无泄露风险"), CrossBorder: model.CrossBorderCheck{Involved: no(), Passed: yes()}, OtherRisks: pass("无"),
	}
}

// signed attaches the signer's SM2 signature (the longhua profile requires one on filings).
func (h *harness) signed(fn, signer string, req model.Requester) model.Requester {
	h.t.Helper()
	h.sign(fn, signer, req)
	return req
}

func productReq(id string, class model.ProductClass, scenarios, grants, resources []string) *model.SubmitProductRequest {
	return &model.SubmitProductRequest{Request: model.Request{ID: id}, Name: "产品 " + id, Summary: "测试产品", Form: model.FormAPI,
		Class: class, Scenarios: scenarios, Grants: grants, Resources: resources, DescriptionDigest: digest(id)}
}

// submit submits a credit-scenario product of op made from g1.
func (h *harness) submit(id string, class model.ProductClass) *model.Product {
	h.t.Helper()
	var p model.Product
	h.okInto(h.as("op"), "Product:Submit", productReq(id, class, []string{scCredit}, []string{"g1"}, []string{"r1", "r2"}), &p)
	return &p
}

func (h *harness) approve(product string) {
	h.t.Helper()
	h.ok(h.Bureau, "Product:Review", &model.ReviewProductRequest{Request: model.Request{ID: h.id("review")}, Product: product,
		Checks: allPass(), Decision: model.Approved})
}

func (h *harness) registerProduct(operator, product string) *model.Product {
	h.t.Helper()
	var p model.Product
	h.okInto(h.as(operator), "Product:Register", h.signed("Product:Register", operator,
		&model.RegisterProductRequest{Request: model.Request{ID: h.id("register")}, Product: product}), &p)
	return &p
}

// registered submits, approves and registers a product of op.
func (h *harness) registered(id string, class model.ProductClass) *model.Product {
	h.t.Helper()
	h.submit(id, class)
	h.approve(id)
	return h.registerProduct("op", id)
}

func fen(n int64) *int64 { return &n }

func (h *harness) setCap(class model.ProductClass, unit model.ChargingUnit, product string, capFen int64) *model.PriceCap {
	h.t.Helper()
	var c model.PriceCap
	h.okInto(h.Bureau, "Price:SetCap", &model.SetCapRequest{Request: model.Request{ID: h.id("cap")}, Class: class, Unit: unit,
		Product: product, CapFen: fen(capFen), UnitLabel: "每次调用", Reason: "成本调查"}, &c)
	return &c
}

func priceReq(id, product string, unit model.ChargingUnit, scenario string, price int64) *model.FilePriceRequest {
	return &model.FilePriceRequest{Request: model.Request{ID: id}, Product: product, Unit: unit, UnitLabel: "每次调用",
		PriceFen: fen(price), Scenario: scenario, Scope: "企业授信前评估", Method: "API 调用", BasisDigest: digest("basis " + id)}
}

func (h *harness) filePrice(operator, product string, unit model.ChargingUnit, scenario string, price int64) *model.PriceFiling {
	h.t.Helper()
	var f model.PriceFiling
	h.okInto(h.as(operator), "Price:File", h.signed("Price:File", operator, priceReq(h.id("price"), product, unit, scenario, price)), &f)
	return &f
}

// buyerUSCC is a valid 统一社会信用代码 of a buyer that is no participant.
const buyerUSCC = "91350100M000100Y43"

func tradeReq(id, product, scenario string, qty, amount int64) *model.FileTradeRequest {
	return &model.FileTradeRequest{Request: model.Request{ID: id}, Product: product, Buyer: model.Buyer{Name: "某银行股份有限公司", USCC: buyerUSCC},
		Scenario: scenario, Quantity: qty, Unit: model.UnitPerCall, AmountFen: fen(amount), ContractDigest: digest("contract " + id)}
}
