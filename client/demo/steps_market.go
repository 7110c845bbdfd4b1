package demo

import (
	"github.com/pdledger/pdledger/chaincode/gm"
)

// digest is the SM3 of a named demo document (the documents themselves stay off chain).
func digest(name string) string { return gm.SumHex([]byte("pdledger demo document: " + name)) }

func pass(note string) map[string]any { return map[string]any{"passed": true, "note": note} }

func allChecksPass() map[string]any {
	return map[string]any{
		"purposeScopeMatch":      pass("与用数申请场景一致"),
		"sourcesStatedLawful":    pass("数据来源已注明并经数源单位确认"),
		"noRawSensitiveExposure": pass("仅输出模型结果或统计值"),
		"noLeakRisk":             pass("隐私计算环境内处理, 无个人信息输出"),
		"crossBorder":            map[string]any{"involved": false, "passed": true},
		"otherRisks":             pass("未发现其他风险"),
	}
}

// marketSteps walk the first-batch products of Longhua table 2 through review,
// registration, listing, pricing and trades, with varied outcomes: registered and listed
// products, one refused at review, one whose review is overdue.
func (l *Loader) marketSteps() []Step {
	var s []Step
	add := func(date string, min int, profile, fn, note string, req map[string]any, sign bool) {
		s = append(s, Step{At: Day(date, min), Profile: profile, Fn: fn, Note: note, Req: req, Sign: sign})
	}
	prod := func(p Prod, grant string, date string) {
		add(date, 0, "operator", "Product:Submit", "submit product "+p.Scenario, map[string]any{
			"id": p.ID, "name": p.Scenario, "summary": p.Summary, "form": p.Form, "class": p.Class,
			"scenarios": []string{p.Scenario}, "grantIds": []string{grant}, "resourceIds": p.Resources,
			"descriptionDigest": digest(p.ID + " 产品说明书"),
		}, false)
	}
	approve := func(p Prod, date string) {
		add(date, 30, "bureau", "Product:Review", "approve "+p.Scenario+" (six checks passed)", map[string]any{
			"id": "demo-review-" + p.ID, "product": p.ID, "checks": allChecksPass(), "decision": "approved",
			"reportDigest": digest(p.ID + " 合规审核报告"),
		}, false)
	}
	register := func(p Prod, date string) {
		add(date, 60, "operator", "Product:Register", "register "+p.Scenario, map[string]any{"id": "demo-register-" + p.ID, "product": p.ID}, true)
	}
	list := func(p Prod, date, ref string) {
		add(date, 90, "exchange", "Product:ListOnExchange", "list "+p.Scenario+" on 深圳数据交易所",
			map[string]any{"id": "demo-list-" + p.ID, "product": p.ID, "listingRef": ref}, false)
	}
	byID := map[string]Prod{}
	for _, p := range Products {
		byID[p.ID] = p
	}

	// Price caps (上限收费标准) set by the bureau before the first filing (龙华 收益分配机制).
	add("2026-10-14", 0, "bureau", "Price:SetCap", "cap: industry products, per call 5.00 元", map[string]any{
		"id": "cap-industry-call", "class": "industry", "unit": "per_call", "capFen": 500, "unitLabel": "次",
		"basisDigest": digest("2026 上限收费标准测算报告 按次"), "reason": "按服务次数收费的上限收费标准"}, false)
	add("2026-10-14", 5, "bureau", "Price:SetCap", "cap: industry products, per product 20000 元", map[string]any{
		"id": "cap-industry-product", "class": "industry", "unit": "per_product", "capFen": 2000000, "unitLabel": "份",
		"basisDigest": digest("2026 上限收费标准测算报告 按产品"), "reason": "按产品数量收费的上限收费标准"}, false)

	// 01 企业商业金融贷款 (龙数贷): approved, registered, listed, priced, traded.
	p := byID["lh-prd-01"]
	prod(p, "G-lh-app-01", "2026-10-12")
	approve(p, "2026-10-16")
	register(p, "2026-10-19")
	add("2026-10-20", 0, "operator", "Price:File", "price 龙数贷 at 3.00 元 per call", map[string]any{
		"id": "price-lh-prd-01-call", "product": p.ID, "unit": "per_call", "unitLabel": "次", "priceFen": 300,
		"scenario": p.Scenario, "scope": "深圳市内持牌金融机构的企业授信审批", "method": "隐私计算平台联合建模, 仅返回增信评分",
		"basisDigest": digest("龙数贷 定价依据")}, true)
	list(p, "2026-10-21", "SZDE-2026-LH-0001")
	for i, t := range []struct {
		date, buyer, body string
		qty               int64
	}{
		{"2026-10-28", "中国光大银行股份有限公司深圳分行", "91440300MA5DC1QH1", 12000},
		{"2026-11-05", "深圳农村商业银行股份有限公司", "91440300MA5DC2RJ2", 8000},
		{"2026-11-12", "招商银行股份有限公司深圳分行", "91440300MA5DC3TK3", 15000},
	} {
		add(t.date, 0, "exchange", "Trade:File", "trade 龙数贷 to "+t.buyer, map[string]any{
			"id": "trade-lh-prd-01-" + string(rune('a'+i)), "product": p.ID,
			"buyer":    map[string]any{"name": t.buyer, "uscc": USCC(t.body)},
			"scenario": p.Scenario, "quantity": t.qty, "unit": "per_call", "amountFen": t.qty * 300,
			"contractDigest": digest("龙数贷 交易合同 " + t.buyer)}, true)
	}

	// 02 个人商业金融贷款: approved and registered, not yet listed.
	p = byID["lh-prd-02"]
	prod(p, "G-lh-app-02", "2026-10-14")
	approve(p, "2026-10-22")
	register(p, "2026-10-26")

	// 03 企业出海拓客: registered and listed.
	p = byID["lh-prd-03"]
	prod(p, "G-lh-app-03", "2026-10-13")
	approve(p, "2026-10-20")
	register(p, "2026-10-23")
	list(p, "2026-10-27", "SZDE-2026-LH-0002")

	// 04 AI中医大模型训练: submitted, review overdue (10 working days, 广东 Art. 26).
	prod(byID["lh-prd-04"], "G-lh-app-04", "2026-10-26")

	// 06 区域装修热力图: approved and registered.
	p = byID["lh-prd-06"]
	prod(p, "G-lh-app-06", "2026-10-15")
	approve(p, "2026-10-23")
	register(p, "2026-10-28")

	// 07 企业优化资源配置 (public interest): registered, free of charge.
	p = byID["lh-prd-07"]
	prod(p, "G-lh-app-07", "2026-10-15")
	approve(p, "2026-10-22")
	register(p, "2026-10-27")
	add("2026-10-27", 120, "operator", "Price:File", "public-interest product filed free of charge", map[string]any{
		"id": "price-lh-prd-07", "product": p.ID, "unit": "per_product", "unitLabel": "份", "priceFen": 0,
		"scenario": p.Scenario, "scope": "区内政府部门与街道", "method": "统计指标接口",
		"basisDigest": digest("公益类产品 免费提供说明")}, true)

	// 08 城中村改造规划与评估: refused at review (check (三) fails).
	p = byID["lh-prd-08"]
	prod(p, "G-lh-app-08", "2026-10-20")
	checks := allChecksPass()
	checks["noRawSensitiveExposure"] = map[string]any{"passed": false, "note": "房屋套数与空间坐标组合可识别到户"}
	add("2026-10-29", 30, "bureau", "Product:Review", "refuse 城中村改造规划与评估 (check 三 failed)", map[string]any{
		"id": "demo-review-" + p.ID, "product": p.ID, "checks": checks, "decision": "refused",
		"reason": "第二十六条(三): 输出含可识别到户的房屋数据, 需聚合到社区级后重新提交", "reportDigest": digest(p.ID + " 合规审核报告")}, false)

	// 10 产业空间分析与规划 (public interest): registered and listed.
	p = byID["lh-prd-10"]
	prod(p, "G-lh-app-10", "2026-10-19")
	approve(p, "2026-10-26")
	register(p, "2026-10-30")
	list(p, "2026-11-03", "SZDE-2026-LH-0003")
	return s
}
