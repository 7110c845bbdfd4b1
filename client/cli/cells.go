package cli

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Computed columns (not fields of the record).
const (
	colDue    = "~due"    // the earliest open deadline in the record
	colActor  = "~actor"  // who wrote a history entry's version
	colAction = "~action" // what that version changed
)

// kindColumns are the columns a person needs in a list of records of each kind: who,
// what state, what is due, and the numbers that matter (anchor size and root, amounts).
var kindColumns = map[string][]string{
	"participant":      {"id", "name", "role", "status", "mspId"},
	"identity":         {"id", "participant", "mspId", "subject", "status"},
	"resource":         {"id", "name", "sourceUnit", "catalogue", "openness", "grade", "updateFrequency", "resourceVersion"},
	"authorization":    {"id", "operator", "mode", "status", "termStart", "termEnd", colDue},
	"emergencyplan":    {"id", "authorization", "operator", "version", "updatedAt"},
	"partner":          {"id", "partner", "operator", "authorization", "status", "agreementEnd"},
	"application":      {"id", "operator", "scenario", "method", "status", colDue, "updatedAt"},
	"grant":            {"id", "applicationId", "operator", "scenario", "status", "validFrom", "validTo"},
	"product":          {"id", "name", "operator", "form", "class", "status", "registrationNo", colDue},
	"pricecap":         {"id", "class", "unit", "product", "capFen", "status"},
	"pricefiling":      {"id", "product", "unit", "priceFen", "capFen", "status", "scenario"},
	"trade":            {"id", "product", "buyer.name", "quantity", "unit", "amountFen", "createdAt"},
	"revenue":          {"id", "operator", "year", "revenueFen", "allowedFen", "obligationAction", colDue},
	"logstream":        {"id", "owner", "logKind", "size", "anchors", "root", "windowEnd"},
	"anchor":           {"id", "stream", "seq", "size", "root", "windowStart", "windowEnd"},
	"inspection":       {"id", "inspector", "subject", "type", "createdAt"},
	"rectification":    {"id", "operator", "authorizationId", "status", colDue},
	"evaluation":       {"id", "operator", "period", "grade", "outcome"},
	"incident":         {"id", "subject", "severity", "category", "status", colDue},
	"report":           {"id", "reportKind", "operator", "period", "due", "late"},
	"case":             {"id", "caseKind", "title", "addressee", "status", colDue},
	"replay":           {"id", "status", "openedBy", "expiresAt", "closedAt"},
	"supervisionsweep": {"id", "authorizationId", "checked", "more"},
}

// viewColumns are the columns of answers that are no records: the explorer's trail
// entries and compliance findings.
var viewColumns = map[string][]string{
	"trail":      {"time", "kind", "id", "version", "action", "actor", "txId", "blockNumber"},
	"compliance": {"category", "kind", "id", "party", "due", "detail"},
}

// cliLabels are Chinese labels of values that are no model enumeration: compliance
// categories.
var cliLabels = map[string]string{"overdue": "逾期义务", "expired_not_recorded": "期满未记录", "terminated_but_used": "终止后仍在使用",
	"price_above_cap": "价格超上限", "revenue_deviation": "收益偏差待处理", "log_gap": "日志断档", "unanswered_case": "未答复的投诉与异议"}

// historyColumns are the columns of System:History's versions.
var historyColumns = []string{"version", "time", colActor, colAction, "txId"}

// preferred orders the columns of lists that are no record kind.
var preferred = []string{"id", "kind", "name", "product", "stream", "category", "role", "status", "ok", "verified", "catalogue", "operator", "sourceUnit", "scenario", "party", "due", "amountFen", "size", "version", "updatedAt", "detail"}

// columns chooses a list's columns: the kind's, System:History's, or the first row's
// plain fields in preferred order (nested objects one level down), up to seven.
func (t *tabler) columns(rows []*object) []string {
	first := rows[0]
	if cols, ok := viewColumns[t.view.fn]; ok {
		return cols
	}
	if t.view.fn == "System:History" || (first.str("txId") != "" && has(first, "isDelete")) {
		return historyColumns
	}
	if cols, ok := kindColumns[first.str("kind")]; ok {
		return cols
	}
	var cols []string
	for _, p := range preferred {
		if v, ok := first.get(p); ok && !isList(v) {
			cols = append(cols, p)
		}
	}
	for _, k := range first.keys {
		if len(cols) >= 7 {
			break
		}
		v := first.vals[k]
		if contains(cols, k) || hiddenKey(k) {
			continue
		}
		switch x := v.(type) {
		case []any:
			if len(x) > 0 {
				if _, objs := x[0].(*object); objs {
					continue
				}
			}
			cols = append(cols, k)
		case *object:
			for _, sk := range x.keys {
				if _, nested := x.vals[sk].(*object); !nested && !isList(x.vals[sk]) && len(cols) < 7 {
					cols = append(cols, k+"."+sk)
				}
			}
		default:
			cols = append(cols, k)
		}
	}
	return cols
}

func has(o *object, k string) bool { _, ok := o.get(k); return ok }

func isList(v any) bool { _, ok := v.([]any); return ok }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// metaKeys are the bookkeeping fields every record carries (model.Meta): shown after
// the record's own fields.
var metaKeys = map[string]bool{"kind": true, "version": true, "createdBy": true, "createdTx": true, "createdAt": true,
	"updatedBy": true, "updatedTx": true, "updatedAt": true, "public": true, "requestDigest": true}

// orderKeys puts id first, the record's own fields next (in their declared order), the
// bookkeeping last.
func orderKeys(keys []string) []string {
	out := make([]string, 0, len(keys))
	if contains(keys, "id") {
		out = append(out, "id")
	}
	for _, k := range keys {
		if k != "id" && !metaKeys[k] {
			out = append(out, k)
		}
	}
	for _, k := range keys {
		if k != "id" && metaKeys[k] {
			out = append(out, k)
		}
	}
	return out
}

// hiddenKey: fields no table shows (JSON and YAML keep everything).
func hiddenKey(k string) bool { return k == "requestDigest" }

// labelsZH are the Chinese names of fields, for headers and detail rows.
var labelsZH = map[string]string{
	"id": "编号", "name": "名称", "role": "角色", "status": "状态", "mspId": "组织", "kind": "类型", "version": "版本",
	"updatedAt": "更新时间", "createdAt": "创建时间", "updatedBy": "更新者", "createdBy": "创建者", "updatedTx": "更新交易", "createdTx": "创建交易",
	"public": "公开", "participant": "参与方", "subject": "对象", "issuer": "签发者", "identityKey": "身份键", "bound": "已绑定", "active": "有效",
	"sourceUnit": "数源单位", "catalogue": "编目状态", "openness": "开放属性", "grade": "等级", "updateFrequency": "更新频率",
	"resourceVersion": "资源版本", "operator": "运营机构", "mode": "授权模式", "termStart": "起始日", "termEnd": "截止日",
	colDue: "下一期限", colActor: "操作方", colAction: "操作", "authorization": "授权", "authorizationId": "授权", "partner": "协作单位",
	"agreementEnd": "协议截止", "applicationId": "申请", "scenario": "场景", "scenarios": "场景", "method": "使用方式", "validFrom": "有效期起",
	"validTo": "有效期止", "form": "产品形态", "class": "类别", "registrationNo": "登记号", "unit": "计费单位", "product": "产品",
	"capFen": "上限", "priceFen": "价格", "buyer": "买方", "quantity": "数量", "amountFen": "金额", "year": "年度",
	"revenueFen": "收入", "costFen": "成本", "taxFen": "税费", "allowedFen": "允许收入", "obligationAction": "调整义务", "owner": "所有者",
	"logKind": "日志类型", "size": "树大小", "anchors": "存证数", "root": "根哈希", "windowStart": "时间窗口起", "windowEnd": "时间窗口止",
	"stream": "日志流", "seq": "序号", "inspector": "检查方", "type": "类型", "period": "期间", "outcome": "结果", "severity": "级别",
	"category": "类别", "reportKind": "报告类型", "due": "期限", "late": "逾期", "caseKind": "案件类型", "title": "标题", "addressee": "受理方",
	"openedBy": "开启方", "expiresAt": "到期时间", "closedAt": "关闭时间", "time": "时间", "txId": "交易", "blockNumber": "区块", "detail": "说明",
	"party": "当事方", "rule": "依据", "code": "代码", "ok": "通过", "reasons": "原因", "found": "已找到", "registered": "已登记",
	"approved": "审核通过", "inForce": "有效", "authorizationActive": "授权有效", "pricesWithinCap": "价格未超上限", "file": "文件",
	"from": "起", "to": "止", "lines": "行数", "new": "新增行", "lastAnchor": "最新存证", "verified": "验证通过", "anchor": "存证",
	"leafHash": "叶子哈希", "index": "行号", "uscc": "统一社会信用代码", "sm2PublicKey": "SM2 公钥", "summary": "摘要", "dataItems": "数据项",
	"dataType": "数据类型", "domain": "领域", "coverage": "覆盖范围", "personalInfo": "含个人信息", "resourceIds": "资源", "grantIds": "用数批复",
	"checked": "已检查", "more": "还有", "digest": "摘要", "profile": "政策配置", "reason": "理由", "description": "描述", "steps": "审核环节",
	"decision": "决定", "deadline": "期限", "met": "完成时间", "filing": "备案", "rel": "关系", "hiddenChildren": "不可见的下级",
	"treeSize": "树大小", "proof": "证明", "hash": "哈希算法", "plainSm3": "明文 SM3", "sealedSm3": "密文 SM3", "archive": "归档文件",
	"restored": "恢复文件", "matchesLedger": "与账本一致", "anchoredIn": "存证", "against": "比对对象", "error": "错误", "files": "文件",
	"rootFrom": "起始根", "rootTo": "目标根", "profiles": "配置文件", "org": "组织", "bureauMsp": "实施机构组织", "bureauParticipant": "实施机构",
	"orgs": "组织", "tx": "交易", "blocksChecked": "已核对区块", "comparedWith": "比对对象", "mismatches": "不一致", "counts": "计数",
	"findings": "发现", "at": "时间", "items": "条目", "next": "下一页", "checks": "检查", "prices": "价格", "authorizations": "授权",
	"caps": "价格上限", "usageFrom": "使用起", "usageTo": "使用止", "dataList": "数据清单", "grantId": "用数批复", "filer": "提交方",
	"respondent": "被投诉方", "answer": "答复", "evidenceDigest": "证据摘要", "listingRef": "挂牌编号", "agreed": "同意", "lastDigest": "最新摘要",
	"logRetentionUntil": "日志保存至", "termMonths": "期限（月）", "publicityEnds": "公示截止", "publicityStart": "公示开始",
	"occurredAt": "发生时间", "detectedAt": "发现时间", "value": "内容", "isDelete": "删除", "hidden": "不可见",
}

// header is a column's heading.
func (t *tabler) header(c string) string {
	if t.lang == model.ZH {
		return t.pathLabel(c)
	}
	switch c {
	case colDue:
		return "NEXT DUE"
	case colActor:
		return "ACTOR"
	case colAction:
		return "ACTION"
	}
	return strings.ToUpper(words(strings.TrimSuffix(strings.ReplaceAll(c, ".", " "), "Fen")))
}

// pathLabel names a (dotted) field path in the table's language.
func (t *tabler) pathLabel(path string) string {
	if t.lang != model.ZH {
		if strings.HasPrefix(path, "~") {
			return strings.ToLower(t.header(path))
		}
		return path
	}
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if l, ok := labelsZH[p]; ok {
			parts[i] = l
		}
	}
	return strings.Join(parts, ".")
}

// words splits camelCase ("updatedAt" → "updated At").
func words(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && unicode.IsLower(rs[i-1]) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var longHex = regexp.MustCompile(`^[0-9a-f]{40,}$`)

// enumKeys are fields holding an enumerated value, with their type where one key names
// several (status: per record kind, resolved by the value's generic label).
var enumKeys = map[string]model.Enum{
	"openness": model.Openness(""), "updateFrequency": model.UpdateFrequency(""), "catalogue": model.CatalogueStatus(""),
	"mode": model.AuthMode(""), "method": model.Method(""), "form": model.ProductForm(""), "class": model.ProductClass(""),
	"unit": model.ChargingUnit(""), "logKind": model.LogKind(""), "caseKind": model.CaseKind(""), "reportKind": model.ReportKind(""),
	"role": model.Role(""), "filerRole": model.Role(""), "inspectorRole": model.Role(""), "decision": nil, "status": nil, "grade": nil,
	"severity": nil, "category": model.IncidentCategory(""), "type": model.InspectionType(""), "obligationAction": model.ObligationAction(""),
	"ground": model.TerminationGround(""), "reasons": model.CheckReason(""),
}

// cell renders a value for a table: times in Beijing time, money in yuan, basis points
// as percentages, enumerated values and kinds by their labels (Chinese tables), long
// hashes shortened in lists, lists joined.
func (t *tabler) cell(key string, v any, max int) string {
	leaf := key
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		leaf = key[i+1:]
	}
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		s = t.tr("否", "no")
		if x {
			s = t.tr("是", "yes")
		}
	case json.Number:
		s = t.number(leaf, x)
	case string:
		s = t.text(leaf, x, max)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, t.cell(leaf, e, max))
		}
		s = strings.Join(parts, t.tr("、", ", "))
	case *object:
		b, _ := json.Marshal(x)
		s = string(b)
	default:
		s = fmt.Sprint(x)
	}
	s = strings.ReplaceAll(s, "\n", " ")
	return truncateWidth(s, max)
}

func (t *tabler) number(key string, n json.Number) string {
	i, err := n.Int64()
	switch {
	case err != nil:
		return n.String()
	case strings.HasSuffix(key, "Fen"):
		return yuan(i)
	case strings.HasSuffix(key, "Bp"):
		return strconv.FormatFloat(float64(i)/100, 'f', 2, 64) + "%"
	}
	return n.String()
}

// yuan renders fen as yuan: ¥1,234.56.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, b.String(), fen%100)
}

func (t *tabler) text(key, s string, max int) string {
	if tm, ok := parseTime(s); ok {
		return cstTable(tm)
	}
	if max <= listCell && longHex.MatchString(s) {
		return s[:12] + "…"
	}
	if t.lang != model.ZH {
		return s
	}
	if key == "kind" {
		return model.KindLabel(model.Kind(s), model.ZH)
	}
	if key == "category" && cliLabels[s] != "" {
		return cliLabels[s]
	}
	if e, ok := enumKeys[key]; ok {
		if e != nil {
			if contains(e.Values(), s) {
				return model.EnumLabel(e, s, model.ZH)
			}
			return s
		}
		if l := model.ValueLabel(s); l != "" {
			return l
		}
	}
	return s
}
