package contracts

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/internal/stubtest"
	"github.com/pdledger/pdledger/chaincode/model"
)

// commercialMembers configures the test ledger's collections as the network does: the
// bureau's and the operators' orgs hold the commercial fields, the source units' do not.
func commercialMembers(h *harness) {
	h.L.Members = map[string][]string{model.CommercialCollection: {"BureauMSP", "OperatorMSP"}}
}

// fileTrade files a signed trade as op with amount and returns it as op reads it back.
// The write's own answer goes into the block, so it must withhold the fields.
func fileTrade(h *harness, id string, amount int64) *model.Trade {
	h.t.Helper()
	h.ok(h.as("op"), "Trade:File", h.trade("op", tradeReq(id, "p1", scCredit, 1, amount)))
	notInBlock(h, `"amountFen"`, `"buyer"`, `"quantity"`, `"signature"`, buyerUSCC, "某银行")
	var tr model.Trade
	h.okInto(h.as("op"), "Trade:Get", map[string]any{"id": id}, &tr)
	return &tr
}

// notInBlock fails if the last transaction's read keys, public writes, answer (which
// every endorser signs) or event carry any of leaks.
func notInBlock(h *harness, leaks ...string) {
	h.t.Helper()
	b := h.L.LastTx()
	text := b.Text()
	for _, leak := range leaks {
		if strings.Contains(text, leak) {
			h.t.Fatalf("transaction %s puts %s into the block:\n%s", b.TxID, leak, text)
		}
	}
}

// TestCommercial_FieldsOffTheChannel: a trade's buyer, quantity, amount and signature are
// neither in the state every peer holds nor in the event; the collection holds them under
// the salted digest the channel keeps.
func TestCommercial_FieldsOffTheChannel(t *testing.T) {
	h := pricedMarket(t)
	commercialMembers(h)
	tr := fileTrade(h, "t-c1", 47)
	if tr.AmountFen != 47 || tr.Buyer.USCC != buyerUSCC || tr.Signature == nil || tr.Commercial == nil || tr.Commercial.Withheld {
		t.Fatalf("the filer's answer lacks its own fields: %+v", tr)
	}
	key, _ := stubtest.CompositeKey(string(model.KindTrade), []string{"t-c1"})
	state, ok := h.L.Get(key)
	if !ok {
		t.Fatal("trade not stored")
	}
	ev, _ := h.L.LastEvent()
	for what, raw := range map[string][]byte{"state": state, "event": ev.Payload} {
		for _, leak := range []string{`"amountFen"`, `"buyer"`, `"quantity"`, `"signature"`, buyerUSCC, "某银行"} {
			if strings.Contains(string(raw), leak) {
				t.Fatalf("%s carries %s: %s", what, leak, raw)
			}
		}
		if !strings.Contains(string(raw), tr.Commercial.Digest) {
			t.Fatalf("%s lacks the commercial digest: %s", what, raw)
		}
	}
	priv, ok := h.L.Private(model.CommercialCollection, model.CommercialKey(model.KindTrade, "t-c1", tr.Commercial.Tx))
	if !ok {
		t.Fatal("no commercial entry in the collection")
	}
	var e model.CommercialEntry
	if err := json.Unmarshal(priv, &e); err != nil {
		t.Fatal(err)
	}
	salt, _ := hex.DecodeString(e.Salt)
	if len(salt) < 16 || gm.SumHex(append(salt, e.Fields...)) != tr.Commercial.Digest || !strings.Contains(string(e.Fields), buyerUSCC) {
		t.Fatalf("entry %s does not prove digest %s", priv, tr.Commercial.Digest)
	}
}

// TestCommercial_ReadersAndPeers: the operator, the bureau and regulators read the
// fields; a source unit party to the trade reads the trade without them (no zeros); on a
// peer outside the collection nobody gets them, and a commercial request is refused.
func TestCommercial_ReadersAndPeers(t *testing.T) {
	h := pricedMarket(t)
	commercialMembers(h)
	fileTrade(h, "t-c2", 48)
	for i, who := range []*stubtest.Identity{h.as("op"), h.as("reg"), h.Bureau} {
		var tr model.Trade
		h.okInto(who, "Trade:Get", map[string]any{"id": "t-c2"}, &tr)
		if tr.AmountFen != 48 || tr.Quantity != 1 || tr.Commercial.Withheld {
			t.Fatalf("reader %d reads %+v", i, tr)
		}
	}
	withheld := func(raw string) {
		t.Helper()
		var obj map[string]any
		if err := json.Unmarshal([]byte(raw), &obj); err != nil {
			t.Fatal(err)
		}
		for _, f := range model.CommercialFields(model.KindTrade) {
			if _, ok := obj[f]; ok {
				t.Fatalf("withheld field %s present: %s", f, raw)
			}
		}
		if c, _ := obj["commercial"].(map[string]any); c["withheld"] != true {
			t.Fatalf("not marked withheld: %s", raw)
		}
	}
	withheld(h.ok(h.as("su1"), "Trade:Get", map[string]any{"id": "t-c2"}))
	page := h.ok(h.as("su1"), "Trade:ByProduct", map[string]any{"product": "p1"})
	if strings.Contains(page, `"amountFen"`) {
		t.Fatalf("page leaks amounts to a source unit: %s", page)
	}
	hist := h.ok(h.as("su1"), "System:History", map[string]any{"kind": "trade", "id": "t-c2"})
	if strings.Contains(hist, `"amountFen"`) || strings.Contains(hist, buyerUSCC) {
		t.Fatalf("history leaks commercial fields to a source unit: %s", hist)
	}
	if hist := h.ok(h.as("op"), "System:History", map[string]any{"kind": "trade", "id": "t-c2"}); !strings.Contains(hist, `"amountFen":48`) {
		t.Fatalf("history hides the operator's own amount: %s", hist)
	}

	// a source unit peer holds none of it: the operator's query there gets no fields
	h.L.PeerMSP = "SourceUnitMSP"
	withSettings(t, Settings{MSP: "SourceUnitMSP", CommercialOrgs: []string{"BureauMSP", "OperatorMSP"}})
	withheld(h.ok(h.as("op"), "Trade:Get", map[string]any{"id": "t-c2"}))
	h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 40)), model.CodeCommercialNotMember)
}

// TestCommercial_InArgumentsRefused: commercial fields (or the signature over them) in
// the arguments, a non-commercial field in the transient map, or a missing salt are
// refused with their codes; a key in both is a duplicate.
func TestCommercial_InArgumentsRefused(t *testing.T) {
	h := pricedMarket(t)
	req := h.trade("op", tradeReq(h.id("t"), "p1", scCredit, 1, 30))
	raw, _ := json.Marshal(req)
	salt := h.salt()
	if _, err := h.callWith(h.as("op"), "Trade:File", string(raw), map[string][]byte{model.TransientSalt: salt}); model.CodeOf(err) != model.CodeCommercialInArgs {
		t.Fatalf("fields in the arguments: %v", err)
	}
	args, transient, err := model.SplitCommercialRequest("Trade:File", raw, salt)
	if err != nil {
		t.Fatal(err)
	}
	noSalt := map[string][]byte{model.TransientCommercial: transient[model.TransientCommercial]}
	if _, err := h.callWith(h.as("op"), "Trade:File", string(args), noSalt); model.CodeOf(err) != model.CodeMalformed {
		t.Fatalf("no salt: %v", err)
	}
	var priv map[string]json.RawMessage
	_ = json.Unmarshal(transient[model.TransientCommercial], &priv)
	priv["scenario"] = json.RawMessage(`"x"`)
	moved, _ := json.Marshal(priv)
	if _, err := h.callWith(h.as("op"), "Trade:File", string(args), map[string][]byte{model.TransientCommercial: moved, model.TransientSalt: salt}); model.CodeOf(err) != model.CodeUnknownField {
		t.Fatalf("a public field in the transient map: %v", err)
	}
	if _, err := h.callWith(h.as("op"), "Trade:File", string(args), transient); err != nil {
		t.Fatalf("the client's split: %v", err)
	}
}

// TestCommercial_RetryIdempotentWithNewSalt: an identical retry (a new salt, as a client
// retrying after a lost commit sends) answers the committed trade; another amount under
// the same id is ID_REUSED.
func TestCommercial_RetryIdempotentWithNewSalt(t *testing.T) {
	h := pricedMarket(t)
	first := fileTrade(h, "t-c3", 49)
	again := fileTrade(h, "t-c3", 49)
	if again.Version != 1 || again.Commercial.Tx != first.Commercial.Tx || again.AmountFen != 49 {
		t.Fatalf("retry made a change: %+v", again)
	}
	h.refused(h.as("op"), "Trade:File", h.trade("op", tradeReq("t-c3", "p1", scCredit, 1, 45)), model.CodeIDReused)
}

// TestCommercial_RevenueVersionsProvable: a correction writes a new entry and keeps the
// report's first figures provable under the first version's reference; a write that does
// not change the figures (the obligation met) keeps the entry and answers without them.
func TestCommercial_RevenueVersionsProvable(t *testing.T) {
	h := pricedMarket(t)
	commercialMembers(h)
	h.advance(time.Hour)
	r1 := h.report("op", revenueReq("rev-c", 2024, 1_150_000, bp(800)))
	if r1.RevenueFen != 1_150_000 || r1.Commercial == nil {
		t.Fatalf("report %+v", r1)
	}
	h.ok(h.as("op"), "Revenue:Correct", h.signed("Revenue:Correct", "op", &model.CorrectRevenueRequest{Request: model.Request{ID: h.id("c")}, Report: "rev-c",
		RevenueInput: revenueReq("x", 2024, 1_160_000, bp(800)).RevenueInput, Reason: "审计调整"}))
	r2 := h.revenue("rev-c")
	if r2.RevenueFen != 1_160_000 || r2.Commercial.Tx == r1.Commercial.Tx || len(r2.Corrections) != 1 || r2.Corrections[0].Replaced.RevenueFen != 1_150_000 {
		t.Fatalf("correction %+v", r2)
	}
	for _, ref := range []*model.CommercialRef{r1.Commercial, r2.Commercial} {
		if _, ok := h.L.Private(model.CommercialCollection, model.CommercialKey(model.KindRevenue, "rev-c", ref.Tx)); !ok {
			t.Fatalf("entry of tx %s gone", ref.Tx)
		}
	}
	hist := h.ok(h.Bureau, "System:History", map[string]any{"kind": "revenue", "id": "rev-c"})
	if !strings.Contains(hist, `"revenueFen":1150000`) || !strings.Contains(hist, `"revenueFen":1160000`) {
		t.Fatalf("history lost a version's figures: %s", hist)
	}
	if !r2.Obligation.Open() || r2.Obligation.Party != "op" {
		t.Fatalf("no obligation of op: %+v", r2.Obligation)
	}
	evidence := h.filePrice("op", "p1", model.UnitPerCall, scCredit, 40)
	metRaw := h.ok(h.as("op"), "Revenue:Fulfil", map[string]any{"id": h.id("f"), "report": "rev-c", "evidence": evidence.ID})
	var met model.Revenue
	_ = json.Unmarshal([]byte(metRaw), &met)
	if met.Commercial.Tx != r2.Commercial.Tx || !met.Commercial.Withheld || strings.Contains(metRaw, `"revenueFen"`) || met.Obligation.Met == nil {
		t.Fatalf("fulfil changed or answered the figures: %s", metRaw)
	}
	if got := h.revenue("rev-c"); got.RevenueFen != 1_160_000 || got.Obligation.Met == nil {
		t.Fatalf("bureau reads %d", got.RevenueFen)
	}
}

// TestCommercial_BuyerNotInReadSet: where source units use products free of charge
// (Luohu), the check reads the product's source units whatever the buyer and the amount,
// so the buyer's code is in no read key; a source unit buyer charged is still refused.
func TestCommercial_BuyerNotInReadSet(t *testing.T) {
	h := newMarket(t, "luohu")
	h.registered("p1", model.ClassIndustry)
	h.filePrice("op", "p1", model.UnitPerCall, scCredit, 50)
	for _, amount := range []int64{0, 100} {
		h.ok(h.as("op"), "Trade:File", tradeReq(h.id("t"), "p1", scCredit, 2, amount))
		notInBlock(h, buyerUSCC, `"amountFen"`)
	}
	var su model.Participant
	h.okInto(h.Bureau, "Participant:Get", map[string]any{"id": "su2"}, &su)
	req := tradeReq(h.id("t"), "p1", scCredit, 2, 100)
	req.Buyer = model.Buyer{Name: su.Name, USCC: su.USCC}
	h.refused(h.as("op"), "Trade:File", req, model.RuleTradeSourceUnitFree.Code)
}

// TestCommercial_RevenueFiguresNotInBlock: a report's and a correction's figures, the
// deviation and the correction's reason stay out of the block; the public obligation
// names who adjusts what by when, and only the threshold.
func TestCommercial_RevenueFiguresNotInBlock(t *testing.T) {
	h := pricedMarket(t)
	h.advance(time.Hour)
	h.report("op", revenueReq("rev-b", 2024, 1_150_000, bp(800)))
	var reported stubtest.BlockTx
	for _, b := range h.L.Blocks {
		if strings.Contains(string(b.Event), `"rev-b"`) {
			reported = b
		}
	}
	if reported.TxID == "" {
		t.Fatal("no block of the report")
	}
	text := reported.Text()
	for _, leak := range []string{"1150000", `"revenueFen"`, `"deviationBp"`, `"overageFen"`, "+455", "455 bp"} {
		if strings.Contains(text, leak) {
			t.Fatalf("the report's transaction carries %s:\n%s", leak, text)
		}
	}
	if !strings.Contains(text, "within 1000 bp") {
		t.Fatalf("the public obligation lost its threshold:\n%s", text)
	}
	h.ok(h.as("op"), "Revenue:Correct", h.signed("Revenue:Correct", "op", &model.CorrectRevenueRequest{Request: model.Request{ID: h.id("c")}, Report: "rev-b",
		RevenueInput: revenueReq("x", 2024, 1_160_000, bp(800)).RevenueInput, Reason: "审计调整收入 1160000"}))
	notInBlock(h, "1160000", "1150000", "审计调整", `"corrections"`)
	if got := h.revenue("rev-b"); got.RevenueFen != 1_160_000 || len(got.Corrections) != 1 || got.Corrections[0].Reason != "审计调整收入 1160000" {
		t.Fatalf("the operator reads %+v", got)
	}
}

// TestCommercial_ReadAfterWriteInOneTransaction: a record written earlier in the same
// transaction is read back as written (fields included), so a second update keeps them.
func TestCommercial_ReadAfterWriteInOneTransaction(t *testing.T) {
	h := pricedMarket(t)
	h.advance(time.Hour)
	// 2023 filed late after 2024: the 2023 report's overage cascades into 2024's
	h.report("op", revenueReq("rv24", 2024, 1_100_000, bp(800)))
	h.report("op", revenueReq("rv23", 2023, 1_210_000, bp(800)))
	r24 := h.revenue("rv24")
	if r24.CarriedInFen == 0 || r24.RevenueFen != 1_100_000 || r24.CostFen != 1_000_000 {
		t.Fatalf("2024 after the cascade: %+v", r24.RevenueFigures)
	}
}
