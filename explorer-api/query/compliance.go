package query

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// Report is the compliance report: when it was made, how many findings of each
// category, and the findings.
type Report struct {
	At       time.Time      `json:"at"`
	Counts   map[string]int `json:"counts"`
	Findings []Finding      `json:"findings"`
	// Totals is the size of what the report looked at: authorizations (and of them those
	// in force), products. The provincial comparison puts them beside the findings.
	Totals Totals `json:"totals"`
}

// Totals counts records a compliance report covered.
type Totals struct {
	Authorizations       int `json:"authorizations"`
	ActiveAuthorizations int `json:"activeAuthorizations"`
	Products             int `json:"products"`
}

// Finding is one item of the compliance report.
type Finding struct {
	Category string    `json:"category"` // a model.FindingCategory
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	Detail   string    `json:"detail"`
	Party    string    `json:"party,omitempty"`
	Due      time.Time `json:"due,omitzero"`
	Rule     string    `json:"rule,omitempty"`
	// Provisional: the due time was counted without holiday data for a year it spans
	// (model.Deadline.Covered false), so it may be too early and the finding with it.
	Provisional bool `json:"provisional,omitempty"`
	// zh is Detail in Chinese, which Report.Localize puts in its place.
	zh string
}

// Localize puts each finding's detail in lang (the report is made with both; Chinese for
// the people who read it first, English as made).
func (r *Report) Localize(lang model.Lang) {
	if lang != model.ZH {
		return
	}
	for i := range r.Findings {
		if r.Findings[i].zh != "" {
			r.Findings[i].Detail = r.Findings[i].zh
		}
	}
}

// beijing writes a time as a person in China reads it: Beijing time to the minute.
func beijing(t time.Time) string { return t.In(model.CST).Format("2006-01-02 15:04") }

// yuan writes an amount in fen as yuan with its two decimals.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// deadlines finds every open obligation in a record's data (model.Deadline objects at
// any depth), so new record types with deadlines are covered without code here.
func deadlines(v any, path string, visit func(path string, d model.Deadline)) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["due"]; ok {
			if _, ok := x["rule"]; ok {
				raw, _ := json.Marshal(x)
				var d model.Deadline
				if json.Unmarshal(raw, &d) == nil {
					visit(path, d)
				}
				return
			}
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			deadlines(x[k], path+"."+k, visit)
		}
	case []any:
		for i, e := range x {
			deadlines(e, fmt.Sprintf("%s[%d]", path, i), visit)
		}
	}
}

// allRecords reads every current record of a kind, page by page, without parties (no
// rule here depends on them).
func (ix *Index) allRecords(ctx context.Context, kind model.Kind) ([]store.Record, error) {
	var out []store.Record
	err := ix.pages(ctx, store.RecordQuery{Kind: string(kind), Limit: 500, NoParties: true}, func(rs []store.Record) bool {
		out = append(out, rs...)
		return true
	})
	return out, err
}

// Compliance is the compliance report at now: overdue obligations (every open deadline on
// any record), authorizations past their term whose expiry is not recorded yet, trades
// and price filings after their product's authorization ended, prices above their cap,
// revenue deviations awaiting action, log streams with no anchored window for 7 days,
// unanswered complaints, objections and disputes, and — where the profile in force
// requires an emergency plan — authorizations in force without one. Findings are ordered
// by category, then record.
func (ix *Index) Compliance(ctx context.Context, now time.Time) (*Report, error) {
	findings := []Finding{}
	add := func(f Finding) { findings = append(findings, f) }
	prof, err := ix.profileInForce(ctx)
	if err != nil {
		return nil, err
	}
	var planRequired *policy.BoolParam
	if prof != nil {
		if pol, err := prof.Policy(); err == nil && pol.Security.EmergencyPlanRequired.True() {
			planRequired = pol.Security.EmergencyPlanRequired
		}
	}
	kinds := []model.Kind{model.KindAuthorization, model.KindApplication, model.KindProduct, model.KindPriceFiling, model.KindRevenue,
		model.KindRectification, model.KindCase, model.KindLogStream, model.KindTrade, model.KindIncident}
	byKind := map[model.Kind][]store.Record{}
	for _, k := range kinds {
		rs, err := ix.allRecords(ctx, k)
		if err != nil {
			return nil, err
		}
		byKind[k] = rs
		for _, r := range rs {
			var v any
			if json.Unmarshal(r.Data, &v) != nil {
				continue
			}
			deadlines(v, "", func(path string, d model.Deadline) {
				if d.Overdue(now) {
					add(Finding{Category: string(model.FindingOverdue), Kind: r.Kind, ID: r.ID, Detail: d.What + " overdue (" + path[1:] + ")", Party: d.Party, Due: d.Due, Rule: d.Rule,
						Provisional: !d.Covered, zh: model.DeadlineLabel(d.What) + "逾期"})
				}
			})
		}
	}
	// terminated but still used: a trade or price filing dated after its product's
	// authorization ended
	ended := map[string]time.Time{}
	for _, r := range byKind[model.KindAuthorization] {
		var a model.Authorization
		if json.Unmarshal(r.Data, &a) == nil && a.Termination != nil {
			ended[a.ID] = a.Termination.At
		} else if a.Status == model.AuthActive && a.TermEnd != "" && model.DateOf(now) > a.TermEnd {
			add(Finding{Category: string(model.FindingExpiredNotRecorded), Kind: string(model.KindAuthorization), ID: a.ID, Detail: "term ended " + a.TermEnd + "; the next transaction touching it records the expiry", Party: a.Operator,
				zh: "授权期限已于 " + a.TermEnd + " 届满；下一笔涉及该授权的交易将记录期满"})
		}
	}
	productAuths := map[string][]string{}
	for _, r := range byKind[model.KindProduct] {
		var p model.Product
		if json.Unmarshal(r.Data, &p) == nil {
			productAuths[p.ID] = p.Authorizations
		}
	}
	for _, k := range []model.Kind{model.KindTrade, model.KindPriceFiling} {
		for _, r := range byKind[k] {
			var x struct {
				Product   string    `json:"product"`
				CreatedAt time.Time `json:"createdAt"`
			}
			if json.Unmarshal(r.Data, &x) != nil {
				continue
			}
			for _, a := range productAuths[x.Product] {
				if at, ok := ended[a]; ok && x.CreatedAt.After(at) {
					add(Finding{Category: string(model.FindingTerminatedButUsed), Kind: string(k), ID: r.ID, Detail: fmt.Sprintf("%s of product %s on %s after authorization %s ended %s", k, x.Product, x.CreatedAt.Format(time.RFC3339), a, at.Format(time.RFC3339)),
						zh: fmt.Sprintf("产品 %s 的%s发生于 %s，晚于授权 %s 的终止时间 %s", x.Product, model.KindLabel(k, model.ZH), beijing(x.CreatedAt), a, beijing(at))})
				}
			}
		}
	}
	for _, r := range byKind[model.KindPriceFiling] {
		var f model.PriceFiling
		if json.Unmarshal(r.Data, &f) == nil && f.SupersededBy == "" && (f.Flag != nil || (f.CapFen != nil && f.PriceFen > *f.CapFen)) {
			cap := int64(0)
			if f.Flag != nil {
				cap = f.Flag.CapFen
			} else {
				cap = *f.CapFen
			}
			add(Finding{Category: string(model.FindingPriceAboveCap), Kind: string(model.KindPriceFiling), ID: f.ID, Party: f.Operator, Detail: fmt.Sprintf("product %s filed at %d fen, cap %d fen", f.Product, f.PriceFen, cap),
				zh: fmt.Sprintf("产品 %s 备案价格 %s 元，超过上限 %s 元", f.Product, yuan(f.PriceFen), yuan(cap))})
		}
	}
	for _, r := range byKind[model.KindRevenue] {
		var rv model.Revenue
		if json.Unmarshal(r.Data, &rv) == nil && rv.ObligationAction != "" && rv.Obligation.Open() {
			add(Finding{Category: string(model.FindingRevenueDeviation), Kind: string(model.KindRevenue), ID: rv.ID, Party: rv.Obligation.Party, Due: rv.Obligation.Due,
				Detail: fmt.Sprintf("%d revenue deviates from the maximum allowed: %s pending", rv.Year, rv.ObligationAction),
				zh:     fmt.Sprintf("%d 年度收益与允许收益存在偏差：待%s", rv.Year, model.EnumLabel(rv.ObligationAction, string(rv.ObligationAction), model.ZH))})
		}
	}
	for _, r := range byKind[model.KindLogStream] {
		var ls model.LogStream
		if json.Unmarshal(r.Data, &ls) != nil {
			continue
		}
		last := ls.WindowEnd
		if ls.Anchors == 0 {
			last = ls.CreatedAt
		}
		if now.Sub(last) > 7*24*time.Hour {
			add(Finding{Category: string(model.FindingLogGap), Kind: string(model.KindLogStream), ID: ls.ID, Party: ls.Owner, Detail: fmt.Sprintf("no anchored log window since %s (%d anchors)", last.Format(time.RFC3339), ls.Anchors),
				zh: fmt.Sprintf("自 %s 起没有锚定的日志窗口（累计锚定 %d 次）", beijing(last), ls.Anchors)})
		}
	}
	for _, r := range byKind[model.KindCase] {
		var cs model.Case
		if json.Unmarshal(r.Data, &cs) == nil && cs.Status == model.CaseOpen {
			add(Finding{Category: string(model.FindingUnansweredCase), Kind: string(model.KindCase), ID: cs.ID, Party: cs.Addressee, Detail: string(cs.CaseKind) + ": " + cs.Title,
				zh: model.EnumLabel(cs.CaseKind, string(cs.CaseKind), model.ZH) + "：" + cs.Title})
		}
	}
	totals := Totals{Authorizations: len(byKind[model.KindAuthorization]), Products: len(byKind[model.KindProduct])}
	for _, r := range byKind[model.KindAuthorization] {
		var a model.Authorization
		if json.Unmarshal(r.Data, &a) != nil || (a.TermEnd != "" && model.DateOf(now) > a.TermEnd) {
			continue
		}
		if a.Status == model.AuthActive {
			totals.ActiveAuthorizations++
		}
		// a suspended authorization still owes its plan: suspension for missing safeguards
		// must not make the finding disappear
		if planRequired != nil && a.EmergencyPlan == "" && (a.Status == model.AuthActive || a.Status == model.AuthSuspended) {
			state, stateZH := "in force", "授权"
			if a.Status == model.AuthSuspended {
				state, stateZH = "suspended", "授权（已暂停）"
			}
			if a.TermStart != "" {
				state, stateZH = state+" since "+a.TermStart, stateZH+"自 "+a.TermStart+" 起生效"
			}
			findings = append(findings, Finding{Category: string(model.FindingNoEmergencyPlan), Kind: string(model.KindAuthorization), ID: a.ID, Party: a.Operator,
				Detail: state + ", and the ledger holds no emergency plan of it (security.emergency_plan_required: " + planRequired.Source.Doc + " " + planRequired.Source.Article + ")",
				zh:     stateZH + "，账本上没有它的应急预案；依据《" + planRequired.Source.Doc + "》" + planRequired.Source.Article})
		}
	}
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].Category != findings[j].Category {
			return findings[i].Category < findings[j].Category
		}
		return findings[i].Kind+"/"+findings[i].ID < findings[j].Kind+"/"+findings[j].ID
	})
	counts := map[string]int{}
	for _, f := range findings {
		counts[f.Category]++
	}
	return &Report{At: now.UTC(), Counts: counts, Findings: findings, Totals: totals}, nil
}
