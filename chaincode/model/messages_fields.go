package model

// Field labels: the Chinese names of the JSON fields of records, requests and the
// explorer's answers, for table headers (pdl) and record pages (the console). The ledger
// and the API keep the field names; people read these.

var fieldLabels = map[string]string{
	// record fields beyond the tables' columns
	"action": "动作", "agreementDigest": "协议摘要", "agreements": "协议", "allowedProfitFen": "允许利润", "answerDeadline": "答复期限",
	"assessor": "评价方", "authorizationIds": "授权", "basis": "依据", "basisDigest": "依据摘要", "blacklistedUntil": "禁入至",
	"bureauSigning": "实施机构签署", "by": "执行方", "calendarCovered": "节假日历已覆盖", "cap": "价格上限编号", "carriedInFen": "结转金额",
	"cataloguedAt": "编目时间", "closedTx": "关闭交易", "comment": "评语", "commercial": "商业字段", "consentDigest": "同意书摘要",
	"consentRef": "同意书编号", "contractDigest": "合同摘要", "contributingUnits": "参与单位", "corrections": "更正", "crossBorder": "跨境",
	"decidedAt": "决定时间", "decidedTx": "决定交易", "deletion": "数据删除", "deletionDigest": "删除证明摘要", "derivedFrom": "派生自",
	"descriptionDigest": "说明摘要", "deviationBp": "偏离率", "dimension": "维度", "dimensions": "评价维度", "effectiveFrom": "生效时间",
	"effectiveOn": "生效日", "effects": "处理结果", "emergencyPlan": "应急预案", "evaluation": "评价", "exchange": "交易所", "exit": "退出",
	"exitReason": "退出原因", "exitedAt": "退出时间", "expectedOutcome": "预期成果", "failedEvaluations": "不合格评价", "failures": "不合格项",
	"filedBy": "备案方", "filerKey": "提交方身份键", "filerRole": "提交方角色", "filingRef": "备案编号", "flag": "超限标记", "gradeZh": "等级（中文）",
	"ground": "事由", "grounds": "事由", "incident": "安全事件", "inspection": "检查", "inspectorRole": "检查方角色", "involved": "涉及",
	"keyDigest": "公钥摘要", "listings": "挂牌", "maxAllowedFen": "最高允许收入", "measures": "处置措施", "metTx": "完成交易", "months": "月数",
	"necessity": "必要性", "needsApproval": "需审批", "newEnd": "新截止日", "no": "序号", "noLeakRisk": "无泄露风险",
	"noRawSensitiveExposure": "不暴露原始敏感数据", "note": "备注", "noticeAt": "通知时间", "noticeDigest": "通知摘要", "obligation": "义务",
	"obligationEvidence": "履行证明", "obligationOpened": "义务开启", "oldEnd": "原截止日", "onOverdue": "逾期处理", "opened": "开启时间",
	"operatorSigning": "运营机构签署", "operators": "运营机构", "otherRisks": "其他风险", "overageFen": "超额收入", "passed": "通过",
	"pastObligations": "以往义务", "periodEnd": "期间止", "periodStart": "期间起", "plainDigest": "明文摘要", "planDigest": "方案摘要",
	"prevDigest": "上一摘要", "prevRoot": "上一根哈希", "prevSize": "上一树大小", "previous": "上一版本", "priceFiling": "价格备案",
	"privacyComputing": "隐私计算", "profileVersion": "配置版本", "profitRateBp": "利润率", "profitRateSource": "利润率来源",
	"providerUnit": "提供单位", "provisional": "临时", "purposeScopeMatch": "用途与范围一致", "rectification": "整改", "region": "地区",
	"registeredAt": "登记时间", "registrationSignature": "登记签名", "renewals": "续期", "replaced": "被替换内容", "replacedSignature": "被替换签名",
	"reportDeadline": "报告期限", "reportDigest": "报告摘要", "reportLagMinutes": "报告延迟（分钟）", "reports": "报告", "requestDigest": "请求摘要",
	"requestedAt": "申请时间", "requirements": "整改要求", "resource": "资源", "retention": "保存期限", "review": "审核", "reviewDeadline": "审核期限",
	"reviewer": "审核方", "revokedReason": "撤销原因", "schemaDigest": "结构摘要", "scope": "范围", "score": "得分", "sealedDigest": "密文摘要",
	"sealedTo": "已封存至", "securityDigest": "安全方案摘要", "segment": "日志段", "selfReported": "自行报告", "serviceObjects": "服务对象",
	"serviceScope": "服务范围", "sharedFrom": "共享来源", "signature": "签名", "signer": "签名方", "since": "起始时间", "snapshot": "快照",
	"sourceUnits": "数源单位", "sources": "来源", "sourcesStatedLawful": "来源合法", "statusChanges": "状态变更", "statusReason": "状态原因",
	"submittedAt": "提交时间", "supersededBy": "被替代为", "suspendedFrom": "暂停自", "suspends": "暂停", "suspension": "暂停",
	"termination": "终止", "terminationGround": "终止事由", "text": "内容", "treasuryYieldBp": "国债收益率", "treeHash": "树哈希算法",
	"unitLabel": "计费单位名称", "until": "至", "waived": "已豁免", "what": "事项", "withheld": "已隐去", "years": "年数",

	"id": "编号", "name": "名称", "role": "角色", "status": "状态", "mspId": "组织", "kind": "类型", "version": "版本",
	"updatedAt": "更新时间", "createdAt": "创建时间", "updatedBy": "更新者", "createdBy": "创建者", "updatedTx": "更新交易", "createdTx": "创建交易",
	"public": "公开", "participant": "参与方", "subject": "对象", "issuer": "签发者", "certificate": "证书", "identityKey": "身份键", "bound": "已绑定", "active": "有效",
	"sourceUnit": "数源单位", "catalogue": "编目状态", "openness": "开放属性", "grade": "等级", "updateFrequency": "更新频率",
	"resourceVersion": "资源版本", "operator": "运营机构", "mode": "授权模式", "termStart": "起始日", "termEnd": "截止日",
	"authorization": "授权", "authorizationId": "授权", "partner": "协作单位",
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
	"rootFrom": "起始根", "rootTo": "目标根", "profiles": "配置文件", "org": "组织", "bureauMsp": "实施机构组织", "bureauParticipant": "实施机构", "orgsReason": "组织变更理由",
	"orgs": "组织", "tx": "交易", "blocksChecked": "已核对区块", "comparedWith": "比对对象", "mismatches": "不一致", "counts": "计数",
	"findings": "发现", "at": "时间", "items": "条目", "next": "下一页", "checks": "检查", "prices": "价格", "authorizations": "授权",
	"caps": "价格上限", "usageFrom": "使用起", "usageTo": "使用止", "dataList": "数据清单", "grantId": "用数批复", "filer": "提交方",
	"respondent": "被投诉方", "answer": "答复", "evidenceDigest": "证据摘要", "listingRef": "挂牌编号", "agreed": "同意", "lastDigest": "最新摘要",
	"logRetentionUntil": "日志保存至", "termMonths": "期限（月）", "publicityEnds": "公示截止", "publicityStart": "公示开始",
	"occurredAt": "发生时间", "detectedAt": "发现时间", "value": "内容", "isDelete": "删除", "hidden": "不可见",
}

// FieldLabel is the label of a JSON field name in lang: its Chinese label, or the name
// itself in English or when it has none.
func FieldLabel(name string, lang Lang) string {
	if lang == ZH {
		if l, ok := fieldLabels[name]; ok {
			return l
		}
	}
	return name
}

// FieldLabels is a copy of the Chinese field labels (the console reads them from the
// explorer).
func FieldLabels() map[string]string {
	out := make(map[string]string, len(fieldLabels))
	for k, v := range fieldLabels {
		out[k] = v
	}
	return out
}
