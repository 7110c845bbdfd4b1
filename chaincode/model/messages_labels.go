package model

import (
	"fmt"
	"strings"
	"unicode"
)

// Labels of the catalogue: the words a person reads for record kinds and enumerated
// values (statuses, modes, units...). The ledger stores the values; tables show the
// labels, and pdl accepts a label wherever it accepts the value (`--update-frequency 每月`).

var kindLabels = map[Kind]string{
	KindParticipant: "参与方", KindIdentity: "身份绑定", KindProfile: "政策配置", KindResource: "数据资源",
	KindAuthorization: "授权", KindEmergencyPlan: "应急预案", KindPartner: "协作单位", KindDevAgreement: "开发协议",
	KindApplication: "用数申请", KindGrant: "用数批复", KindProduct: "数据产品", KindPriceCap: "价格上限",
	KindPriceFiling: "价格备案", KindTrade: "交易备案", KindRevenue: "收益报告", KindLogStream: "日志流",
	KindAnchor: "日志存证", KindInspection: "检查", KindRectification: "整改", KindEvaluation: "评价",
	KindIncident: "安全事件", KindReport: "定期报告", KindCase: "投诉与异议", KindBench: "基准测试",
	KindHealth: "心跳", KindRequest: "请求", KindConfig: "网络配置", KindHistoryRevision: "资源历史版本",
	KindReplay: "回放会话", KindSupervisionSweep: "到期处理", KindCalendar: "节假日安排",
}

// enumLabels are the Chinese labels of enumerated values. A value that means different
// things in different types has a "<Type>.<value>" entry besides (or instead of) its
// plain one.
var enumLabels = map[string]string{
	// roles and parties
	"bureau": "实施机构", "operator": "运营机构", "source_unit": "数源单位", "partner": "协作单位",
	"regulator": "监管部门", "exchange": "数据交易所",
	// common states
	"active": "有效", "suspended": "已暂停", "exited": "已退出", "pending": "审核中", "approved": "已通过",
	"refused": "不予通过", "revoked": "已撤销", "superseded": "已被替代", "expired": "已期满", "terminated": "已终止",
	"publicized": "公示中", "submitted": "已提交", "rejected": "未通过审核", "registered": "已登记", "listed": "已挂牌",
	"proposed": "编目提议中", "catalogued": "已编目", "withdrawn": "已撤回", "open": "进行中", "reported": "已报告",
	"accepted": "已验收", "overdue": "已逾期", "failed": "整改失败", "answered": "已答复", "closed": "已关闭",
	"rectification": "整改中", "bound": "已绑定", "unbound": "未绑定",
	"CatalogueStatus.refused": "不同意编目", "CatalogueStatus.registered": "已登记（未编目）",
	"CaseStatus.open": "待答复", "RectificationStatus.open": "整改中", "IncidentStatus.reported": "已报告",
	"Openness.closed": "不予开放", "PriceStatus.active": "现行", "AuthStatus.active": "生效",
	// resources
	"unconditional": "无条件开放", "conditional": "有条件开放",
	"realtime": "实时", "daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度", "yearly": "每年", "irregular": "不定期",
	// authorizations
	"whole": "整体授权", "per_scenario": "按场景授权",
	"breach": "违约", "misuse": "违规使用数据", "missing_safeguards": "安全保障措施缺失", "major_incident": "重大安全事件",
	"unresolved_dispute": "争议未解决", "failed_evaluation": "评价不合格", "law_change": "法律政策变化",
	"rectification_failed": "整改失败", "other_legal": "其他法定情形", "voluntary_exit": "主动退出",
	"investigation": "调查核实", "other": "其他",
	// applications
	"privacy_computing": "隐私计算", "trusted_execution": "可信执行环境", "sandbox": "数据沙箱",
	"desensitized_api": "脱敏接口", "statistics": "统计分析",
	"operator_initial": "运营机构初审", "StepKind.bureau": "实施机构审核", "StepKind.source_unit": "数源单位审核",
	// products and prices
	"dataset": "数据集", "api": "数据接口", "indicator": "指标", "report": "报告", "model": "模型", "application": "应用",
	"public_interest": "公益类", "industry": "产业类",
	"per_product": "按份", "per_call": "按次", "per_time": "按时长", "per_volume": "按量",
	"adjust_prices": "调整价格", "adjust_cap": "调整上限",
	// logs
	"access": "访问日志", "processing": "处理日志", "export_review": "导出审核日志", "model_release": "模型发布日志",
	// supervision
	"routine": "日常检查", "special": "专项检查", "security_check": "安全检查", "audit": "审计",
	"minor": "一般", "major": "重大", "critical": "严重",
	"FindingSeverity.major": "较重",
	"excellent":             "优秀", "pass": "合格", "fail": "不合格",
	"general": "一般", "IncidentSeverity.major": "重大",
	"leak": "泄露", "loss": "丢失", "tampering": "篡改", "destruction": "毁损", "unauthorized_access": "非法访问", "risk": "风险隐患",
	"close": "关闭", "rectify": "责令整改", "terminate": "终止授权",
	"security": "安全报告", "partner_supervision": "协作单位监督报告", "annual_operation": "年度运营报告",
	"complaint": "投诉", "objection": "异议", "dispute": "争议", "data_quality": "数据质量反馈",
	// what a deadline asks (model.Deadline.What; the texts that carry no Chinese of their own)
	"Deadline.agreement filing": "协议备案", "Deadline.bureau assessment": "实施机构审核",
	"Deadline.source unit confirmation": "数源单位确认", "Deadline.partner application initial review": "运营机构初审",
	"Deadline.data deletion confirmation": "数据删除确认", "Deadline.incident report": "安全事件报告",
	"Deadline.answer to a complaint": "答复投诉", "Deadline.answer to a objection": "答复异议",
	"Deadline.answer to a dispute": "答复争议", "Deadline.answer to a data_quality": "答复数据质量反馈",
	"Deadline.product compliance review (产品和服务评估审核)": "产品和服务评估审核", "Deadline.rectification (限期整改)": "限期整改",
	// compliance findings (FindingCategory; a plain "price_above_cap" for table cells)
	"FindingCategory.overdue": "逾期义务", "FindingCategory.expired_not_recorded": "期满未记录",
	"FindingCategory.terminated_but_used": "终止后仍在使用", "FindingCategory.price_above_cap": "价格超上限",
	"FindingCategory.revenue_deviation": "收益偏差待处理", "FindingCategory.log_gap": "日志锚定中断",
	"FindingCategory.unanswered_case": "投诉异议未答复", "FindingCategory.no_emergency_plan": "应急预案缺失",
	"price_above_cap": "价格超上限",
	// why a product check fails (CheckReason; "price_above_cap" is above)
	"not_found": "未找到该产品或无权查看", "not_registered": "未登记", "not_approved": "未经审核通过",
	"not_in_force": "非登记或挂牌状态", "authorization_inactive": "运营机构授权未生效",
	"CheckReason.price_above_cap": "备案价格超过上限",
}

// enumTypeName is the type's own name ("UpdateFrequency").
func enumTypeName(e Enum) string {
	s := fmt.Sprintf("%T", e)
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// EnumLabel is the label of an enumerated value in lang: the Chinese label, or the value
// with spaces for underscores in English. e is any value of the enum's type (its zero
// value will do); a value with no label is shown as it is.
func EnumLabel(e Enum, value string, lang Lang) string {
	if lang != ZH {
		return strings.ReplaceAll(value, "_", " ")
	}
	if l, ok := enumLabels[enumTypeName(e)+"."+value]; ok {
		return l
	}
	if l, ok := enumLabels[value]; ok {
		return l
	}
	return value
}

// ValueLabel is the Chinese label of a value whose enum type is unknown (a table cell),
// "" when it has none.
func ValueLabel(value string) string { return enumLabels[value] }

// DeadlineLabel is what a deadline asks (Deadline.What) in Chinese: its catalogue label,
// else the Chinese words the text carries in its first parentheses ("adjust prices
// within the cap (调整具体收费标准): …" reads 调整具体收费标准), else the text as it is.
func DeadlineLabel(what string) string {
	if l := enumLabels["Deadline."+what]; l != "" {
		return l
	}
	if i := strings.IndexByte(what, '('); i >= 0 {
		if j := strings.IndexByte(what[i:], ')'); j > 1 {
			if in := what[i+1 : i+j]; strings.ContainsFunc(in, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				return in
			}
		}
	}
	return what
}

// ParseEnum accepts an enumerated value or its label (Chinese or English, case and
// surrounding space ignored) and returns the value.
func ParseEnum(e Enum, s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, v := range e.Values() {
		if s == v || strings.EqualFold(s, v) || s == EnumLabel(e, v, ZH) || strings.EqualFold(s, EnumLabel(e, v, EN)) {
			return v, true
		}
	}
	return "", false
}

// KindLabel is the label of a record kind in lang.
func KindLabel(k Kind, lang Lang) string {
	if lang == ZH {
		if l, ok := kindLabels[k]; ok {
			return l
		}
	}
	return string(k)
}

// ParseKind accepts a record kind or its Chinese label.
func ParseKind(s string) (Kind, bool) {
	s = strings.TrimSpace(s)
	for k, l := range kindLabels {
		if s == string(k) || s == l {
			return k, true
		}
	}
	return "", false
}

// ValueLabels is a copy of the Chinese labels of enumerated values, keyed as
// EnumLabel looks them up ("<Type>.<value>" before "<value>"): the web console reads them
// from the explorer so its labels and pdl's are one catalogue.
func ValueLabels() map[string]string {
	out := make(map[string]string, len(enumLabels))
	for k, v := range enumLabels {
		out[k] = v
	}
	return out
}
