package model

// Catalogue entries of the generic codes (errors.go): input checks, identity, access
// and lifecycle, shared by every entry point.

func init() {
	g := func(code Code, zh, en Message) { catalogued(code, zh, en) }

	g(CodeMalformed,
		Message{"请求格式错误", "请求不是一个完整、合法的 JSON 对象。", "每个请求是一个 UTF-8 编码的 JSON 对象（或可转换为它的 YAML 文件）。", "检查请求文件的括号、引号和逗号；错误信息给出行号和列号。"},
		Message{"Malformed request", "The request is not one complete, valid JSON object.", "Every request is one UTF-8 JSON object (or a YAML file that converts to one).", "Check the file's brackets, quotes and commas; the message gives the line and column."})
	g(CodeUnknownField,
		Message{"未知字段", "请求含有该功能没有的字段（字段名区分大小写）。", "只能使用该功能列出的字段。", "用 pdl <组> <动词> --help 查看字段名，修正拼写或大小写。"},
		Message{"Unknown field", "The request has a field the function does not take (field names are case-sensitive).", "Only the fields the function lists.", "See the field names with pdl <group> <verb> --help and fix the spelling or case."})
	g(CodeMissingField,
		Message{"缺少必填字段", "必填字段没有给出或为空。", "标为“必填”的字段都要给出非空值。", "用对应的参数（--字段名）或在 -f 文件中补上该字段。"},
		Message{"Required field missing", "A required field is absent or empty.", "Every field marked “required” has a non-empty value.", "Add the field with its flag (--field-name) or in the -f file."})
	g(CodeTooLong,
		Message{"内容过长", "文本超出了该字段的长度上限。", "不超过字段的字符数上限（见 limit）。", "缩短内容，或把长文本存档后只提交其 SM3 摘要。"},
		Message{"Text too long", "A text is longer than the field allows.", "At most the field's character limit (see limit).", "Shorten it, or keep the long text elsewhere and submit its SM3 digest."})
	g(CodeTooMany,
		Message{"条目过多", "列表中的条目超过上限。", "不超过字段的条目数上限（见 limit）。", "拆分为多次请求，或减少列表条目。"},
		Message{"Too many items", "A list has more items than the field allows.", "At most the field's item limit (see limit).", "Split the request or shorten the list."})
	g(CodeBadEnum,
		Message{"取值不在可选范围内", "字段的值不是可选值之一。", "只能取列出的可选值；pdl 也接受对应的中文名称（如“每月”= monthly）。", "从可选值中选一个（见 limit 或 --help）。"},
		Message{"Value not allowed", "The field's value is not one of its allowed values.", "One of the listed values; pdl also accepts their Chinese labels (每月 = monthly).", "Choose one of the allowed values (see limit or --help)."})
	g(CodeBadFormat,
		Message{"格式错误", "字段的格式不对（编号、摘要、日期、统一社会信用代码、密钥或数值类型）。", "编号为 1–64 个字母、数字或 . _ : -；摘要为 64 位小写十六进制 SM3；日期为 YYYY-MM-DD；金额为整数分。", "按 limit 所示的格式改正该字段。"},
		Message{"Bad format", "A field has the wrong format (id, digest, date, credit code, key or number type).", "Ids are 1-64 letters, digits or . _ : -; digests 64 lower-case hex (SM3); dates YYYY-MM-DD; amounts whole fen.", "Correct the field to the format the limit names."})
	g(CodeOutOfRange,
		Message{"超出范围", "数值或日期超出了允许的范围。", "在字段的上下限之内（见 limit）。", "改为范围内的值。"},
		Message{"Out of range", "A number or date is outside its allowed range.", "Within the field's bounds (see limit).", "Use a value inside the range."})
	g(CodeTooLarge,
		Message{"请求过大", "整个请求超过了大小上限。", "单个请求不超过 256 KiB；正文和附件以 SM3 摘要提交。", "拆分请求，或只提交大文件的摘要。"},
		Message{"Request too large", "The whole request is over the size limit.", "One request is at most 256 KiB; documents go by their SM3 digest.", "Split the request, or submit large documents by digest."})
	g(CodeDuplicate,
		Message{"列表中有重复项", "同一项在列表中出现了两次。", "列表中每项只出现一次。", "删除重复项。"},
		Message{"Duplicate item", "The same item appears twice in a list.", "Each item once per list.", "Remove the duplicate."})
	g(CodeDuplicateKey,
		Message{"JSON 键重复", "同一个 JSON 对象中出现了两个相同的键。", "每个对象中每个键只出现一次（任何层级）。", "删除重复的键，只保留想要的值。"},
		Message{"Duplicate JSON key", "The same key appears twice in one JSON object.", "Each key once per object, at any depth.", "Remove the duplicate key and keep the value you mean."})
	g(CodeIDReused,
		Message{"请求编号已被使用", "这个 --id（请求编号）已用于另一份内容不同的请求。", "同一编号只能重复提交完全相同的请求（安全重试）；新的请求用新编号。", "不带 --id 让 pdl 生成新编号，或换一个编号。"},
		Message{"Request id reused", "This --id (request id) was used for a different request.", "An id may be re-sent only with the identical request (a safe retry); a new request needs a new id.", "Leave out --id so pdl generates one, or choose another id."})
	g(CodeNotFound,
		Message{"记录不存在", "所引用的记录不存在（或尚未同步到所连接的节点）。", "只能引用账本上已有的记录。", "核对编号；若记录刚由另一方写入，用 --after-block N 等待该区块。"},
		Message{"Not found", "The record referred to does not exist (or the peer has not yet committed it).", "Only records on the ledger can be referred to.", "Check the id; if another party just wrote it, wait for its block with --after-block N."})
	g(CodeAccessDenied,
		Message{"无权访问", "调用者的角色或所代表的参与方不能执行此操作或读取此记录。", "非公开记录只对实施机构、监管部门和记录的当事方可见；各操作限定角色。", "换用有权限的身份（-p），或请实施机构确认你的身份绑定。"},
		Message{"Access denied", "The caller's role or participant may not do this or read this record.", "Non-public records are visible to the bureau, regulators and the record's parties; each action is limited to roles.", "Act as an identity that may (-p), or ask the bureau to check your binding."})
	g(CodeUnbound,
		Message{"身份未绑定", "调用者的证书没有绑定到任何参与方。", "只有实施机构绑定到参与方的证书才能代表其行事。", "请实施机构执行 participant bind-identity 绑定你的证书，然后重试。"},
		Message{"Identity not bound", "The caller's certificate is bound to no participant.", "Only certificates the bureau bound to a participant act for it.", "Ask the bureau to bind your certificate (participant bind-identity), then retry."})
	g(CodeSuspended,
		Message{"身份或参与方已暂停", "调用者的参与方或证书绑定不处于有效状态。", "只有有效的参与方和有效的绑定才能写入。", "联系实施机构了解暂停原因，恢复后再操作。"},
		Message{"Identity or participant suspended", "The caller's participant or binding is not active.", "Only active participants through active bindings write.", "Ask the bureau why it was suspended; act again once reactivated."})
	g(CodeBadState,
		Message{"状态不允许此操作", "记录当前所处的状态不允许这一转换。", "只允许记录生命周期中规定的转换。", "用 get 查看记录当前状态，先完成前置步骤。"},
		Message{"Transition not allowed", "The record's current state does not allow this transition.", "Only the transitions of the record's lifecycle.", "Look at the record's state (get) and complete the earlier steps first."})
	g(CodeSignature,
		Message{"SM2 签名无效", "需要 SM2 签名而没有提供，或签名与请求、签名方的公钥不符。", "签名方为调用者所代表的参与方，用其登记的 SM2 公钥对请求的规范字节签名。", "加 --sign（密钥由 --sm2-key、$PDL_SM2_KEY 或配置文件旁的 .sm2.pem 提供），并确认公钥已登记。"},
		Message{"SM2 signature invalid", "An SM2 signature is missing where required, or does not match the request or the signer's key.", "The signer is the caller's participant, signing the request's canonical bytes with its registered SM2 key.", "Add --sign (key from --sm2-key, $PDL_SM2_KEY or the .sm2.pem next to the profile) and check the key is registered."})
	g(CodeNotBootstrap,
		Message{"账本未初始化", "账本上还没有实施机构。", "先由实施机构的管理员身份执行一次 participant bootstrap。", "运行 make up（会完成初始化），或以管理员身份执行 participant bootstrap。"},
		Message{"Ledger not bootstrapped", "The ledger has no bureau yet.", "The bureau's admin identity runs participant bootstrap once first.", "Run make up (it bootstraps), or participant bootstrap as the admin identity."})
	g(CodeAlreadyExists,
		Message{"记录已存在", "同类唯一记录已经存在。", "每个编号（或唯一键）只对应一条记录。", "换一个编号，或对已有记录执行更新类操作。"},
		Message{"Already exists", "A unique record of that kind exists already.", "One record per id (or unique key).", "Choose another id, or change the existing record with its update verb."})
	g(CodeProfileUnset,
		Message{"未设置政策配置", "实施机构尚未设置政策配置（profile）。", "各项期限和上限取自政策配置，需先设置。", "由实施机构执行 profile set（如 --preset longhua）。"},
		Message{"Policy profile not set", "The bureau has not set a policy profile.", "Deadlines and limits come from the profile, which must be set first.", "The bureau runs profile set (e.g. --preset longhua)."})
	g(CodeInternal,
		Message{"内部错误", "已存记录无法读取，或发现了程序错误。", "不适用：这不是请求本身的问题。", "保留命令和输出，联系网络运维；不要反复重试。"},
		Message{"Internal error", "A stored record could not be read, or a bug was caught.", "Not applicable: the request itself is not at fault.", "Keep the command and its output and contact the network operators; do not retry in a loop."})
	g(CodeTxTimeSkew,
		Message{"交易时间偏差过大", "提案的时间与背书节点的时钟相差超过其时间窗口（默认 5 分钟）。", "交易时间在各组织节点时钟的窗口之内。", "校准本机时钟（NTP）后重试。"},
		Message{"Transaction time skewed", "The proposal's time is farther from an endorser's clock than its window (5 min by default).", "A transaction time inside every org's window.", "Synchronize this machine's clock (NTP) and retry."})
	g(CodeDisabled,
		Message{"功能未启用", "该功能在此链码服务上关闭。", "基准测试等功能只在显式开启的网络上可用。", "如需使用，由运维执行 pdlnet bench on。"},
		Message{"Function disabled", "The function is off on this chaincode server.", "Functions such as the benchmark baseline run only where enabled.", "Have the operators enable it (pdlnet bench on)."})
	g(CodeUnguarded,
		Message{"记录缺少所有者背书", "该记录创建时没有所有者组织的背书标记。", "记录须经其所有者组织的节点背书创建。", "联系网络运维核查该记录的来源。"},
		Message{"Record unguarded", "The record was created without its owner org's endorsement marker.", "Records are created with the endorsement of their owner org's peer.", "Ask the network operators to investigate where the record came from."})
	g(CodeCommercialInArgs,
		Message{"商业字段不得放在参数中", "交易的买方、数量、金额，收益的各项数字（及其签名）出现在请求参数里；参数会随区块发给所有组织的节点。", "商业字段只放在提案的临时数据（transient）中，只发给实施机构和运营机构的节点。", "用 pdl 或客户端库提交（它们会自动这样做）；自行构造提案时把这些字段移入 transient 的 pdl.commercial。"},
		Message{"Commercial field in the arguments", "A trade's buyer, quantity or amount, or a revenue report's figures (or the signature over them), came in the request's arguments, which every org's peer receives in the block.", "Commercial fields travel only in the proposal's transient map, to the bureau's and the operators' peers.", "Submit with pdl or the client library (they do this); in a hand-made proposal move them into the transient entry pdl.commercial."})
	g(CodeCommercialNotMember,
		Message{"此节点不保存商业字段", "含商业字段的请求被发到了不属于商业数据集合的组织的节点。", "含商业字段的请求只由实施机构和运营机构的节点背书。", "用 pdl 或客户端库提交（它们只发给成员组织）；数源单位的身份不能提交交易备案或收益报告。"},
		Message{"Peer outside the commercial collection", "A request with commercial fields reached a peer of an org outside the commercial data collection.", "Requests with commercial fields are endorsed by the bureau's and the operators' peers only.", "Submit with pdl or the client library (they send to member orgs only); a source unit's identity cannot file trades or revenue reports."})
}
