package contracts

import (
	"encoding/json"
	"testing"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

func TestProfile_SetOnceThenAmend(t *testing.T) {
	h := newHarness(t, "longhua")
	h.refused(h.Bureau, "Profile:Set", map[string]any{"id": h.id("p"), "preset": "futian", "reason": "again"}, model.RuleProfileSetOnce.Code)
	patch := `{"product":{"review_working_days":{"value":10,"source":{"doc":"广东省公共数据资源授权运营管理办法（征求意见稿）","article":"第二十六条","quote":"评估审核结果应当在 10 个工作日内出具"}}}}`
	var rec model.ProfileRecord
	h.okInto(h.Bureau, "Profile:Amend", `{"id":"amend-1","patch":`+patch+`,"reason":"省级办法第二十六条适用于本区"}`, &rec)
	if rec.ProfileVersion != 2 || rec.Previous != "v1" {
		t.Fatalf("amended record: version %d previous %q", rec.ProfileVersion, rec.Previous)
	}
	p, err := rec.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := p.Product.ReviewWorkingDays.Get(); !ok || d != 10 {
		t.Fatalf("review days = %d %v", d, ok)
	}
	var cur model.ProfileRecord
	h.okInto(h.Bureau, "Profile:Get", "{}", &cur)
	if cur.ProfileVersion != 2 {
		t.Fatalf("current version = %d", cur.ProfileVersion)
	}
	var v1 model.ProfileRecord
	h.okInto(h.Bureau, "Profile:Get", `{"version":1}`, &v1)
	p1, _ := v1.Policy()
	if _, ok := p1.Product.ReviewWorkingDays.Get(); ok {
		t.Fatal("version 1 changed by the amendment")
	}
}

func TestProfile_OnlyBureauSetsOrAmends(t *testing.T) {
	h := newHarness(t, "")
	op := h.party("op", model.RoleOperator, "运营机构")
	h.refused(op, "Profile:Set", map[string]any{"id": h.id("p"), "preset": "longhua", "reason": "x"}, model.RuleProfileBureauOnly.Code)
	h.ok(h.Bureau, "Profile:Set", map[string]any{"id": h.id("p"), "preset": "longhua", "reason": "x"})
	h.refused(op, "Profile:Amend", map[string]any{"id": h.id("p"), "patch": map[string]any{"exit": map[string]any{"blacklist_years": nil}}, "reason": "x"}, model.RuleProfileBureauOnly.Code)
}

func TestProfile_UntracedAmendmentRefused(t *testing.T) {
	h := newHarness(t, "longhua")
	e := h.refused(h.Bureau, "Profile:Amend", `{"id":"a","patch":{"authorization":{"max_term_months":{"value":12}}},"reason":"x"}`, model.CodeBadFormat)
	if e.Field != "patch.authorization.max_term_months" {
		t.Fatalf("field = %q (%s)", e.Field, e.Message)
	}
}

func TestProfile_EveryPresetLoads(t *testing.T) {
	for _, name := range policy.Presets() {
		h := newHarness(t, name)
		var rec model.ProfileRecord
		h.okInto(h.Bureau, "Profile:Get", "{}", &rec)
		var doc map[string]any
		if err := json.Unmarshal(rec.Profile, &doc); err != nil || doc["id"] != name {
			t.Fatalf("%s: stored profile id %v (%v)", name, doc["id"], err)
		}
	}
}

// Decoded profiles are cached by their bytes: an amendment must still govern the very
// next transaction, and a second ledger with another profile must not see the first's.
func TestProfile_AmendmentGovernsTheNextTransaction(t *testing.T) {
	h := newHarness(t, "longhua")
	reviewDays := func(h *harness) (int, bool) {
		t.Helper()
		var d int
		var ok bool
		_, err := h.L.Call(h.Bureau, func(ctx contractapi.TransactionContextInterface) (string, error) {
			tx, err := newTx(ctx, "test:profile")
			if err != nil {
				return "", err
			}
			v, err := tx.Profile()
			if err != nil {
				return "", err
			}
			d, ok = v.P.Product.ReviewWorkingDays.Get()
			return "", nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return d, ok
	}
	if _, ok := reviewDays(h); ok {
		t.Fatal("longhua v1 sets product.review_working_days; pick another parameter for this test")
	}
	patch := `{"product":{"review_working_days":{"value":10,"source":{"doc":"广东省公共数据资源授权运营管理办法（征求意见稿）","article":"第二十六条","quote":"评估审核结果应当在 10 个工作日内出具"}}}}`
	h.ok(h.Bureau, "Profile:Amend", `{"id":"amend-1","patch":`+patch+`,"reason":"省级办法第二十六条适用于本区"}`)
	if d, ok := reviewDays(h); !ok || d != 10 {
		t.Fatalf("after the amendment: review days = %d %v, want 10", d, ok)
	}
	other := newHarness(t, "longhua")
	if _, ok := reviewDays(other); ok {
		t.Fatal("another ledger's profile sees this ledger's amendment")
	}
}
