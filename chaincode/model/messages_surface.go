package model

// Codes raised outside the chaincode — by pdl on the user's machine and by the explorer —
// catalogued here with the chaincode's, so that every surface speaks with one voice and
// docs/errors.md lists them all.
const (
	// pdl
	CodeUsage             Code = "USAGE"               // the command line is wrong (exit 2)
	CodeNetwork           Code = "NETWORK"             // peers, orderers or the explorer could not be reached (exit 3)
	CodeLocalState        Code = "LOCAL_STATE"         // a local file or store is missing, unreadable or inconsistent (exit 4)
	CodeProofInvalid      Code = "PROOF_INVALID"       // a Merkle proof does not verify against the anchored root (exit 1)
	CodeLogContentDiffers Code = "LOG_CONTENT_DIFFERS" // a log file differs from the lines anchored from it (exit 1)
	// explorer problem details
	CodeUnauthenticated Code = "UNAUTHENTICATED" // no client certificate of a channel org
	CodeCertRevoked     Code = "CERT_REVOKED"    // the client certificate is on a revocation list of its org's MSP
	CodeBadParameter    Code = "BAD_PARAMETER"   // a query, path or body parameter is wrong
	CodeRateLimited     Code = "RATE_LIMITED"    // too many requests from this caller
	CodeBodyTooLarge    Code = "BODY_TOO_LARGE"  // request body over the limit
	CodeDBDown          Code = "DB_DOWN"         // the index database does not answer
	CodeUnknownChannel  Code = "UNKNOWN_CHANNEL" // the explorer indexes no channel of that name
	// explorer verification mismatches (GET /api/v1/verify, pdl verify) and block checks
	CodeIndexBlockMissing     Code = "INDEX_BLOCK_MISSING"
	CodeIndexChainBroken      Code = "INDEX_CHAIN_BROKEN"
	CodeIndexBlockHashDiffers Code = "INDEX_BLOCK_HASH_DIFFERS"
	CodeIndexUnreadable       Code = "INDEX_UNREADABLE"
	CodeIndexStateDiffers     Code = "INDEX_STATE_DIFFERS"
	CodeIndexTxsUnreadable    Code = "INDEX_TXS_UNREADABLE"
	CodeIndexTxCountDiffers   Code = "INDEX_TX_COUNT_DIFFERS"
	CodeIndexTxDiffers        Code = "INDEX_TX_DIFFERS"
	CodeIndexRecordMissing    Code = "INDEX_RECORD_MISSING"
	CodeIndexRecordDiffers    Code = "INDEX_RECORD_DIFFERS"
	CodeLedgerUnreadable      Code = "LEDGER_UNREADABLE"
	CodeBlockUnreadable       Code = "BLOCK_UNREADABLE"
	CodeBlockPrevHashMismatch Code = "BLOCK_PREV_HASH_MISMATCH"
	CodeBlockDataHashMismatch Code = "BLOCK_DATA_HASH_MISMATCH"
	CodeBlockSignatureInvalid Code = "BLOCK_SIGNATURE_INVALID"
	CodeBlockUnsigned         Code = "BLOCK_UNSIGNED"
	CodeBlockSignerUnknown    Code = "BLOCK_SIGNER_UNKNOWN"
	CodeConfigUnreadable      Code = "CONFIG_UNREADABLE"
)

func init() {
	g := func(code Code, zh, en Message) { catalogued(code, zh, en) }

	g(CodeUsage,
		Message{"命令用法错误", "命令、参数或参数值不对。", "pdl <组> <动词> --help 列出的参数和取值。", "查看 --help 中的说明和示例后重新输入。"},
		Message{"Usage error", "The command, a flag or a flag's value is wrong.", "The flags and values pdl <group> <verb> --help lists.", "Read --help and its examples and type the command again."})
	g(CodeNetwork,
		Message{"网络错误", "无法连接节点、排序节点或浏览器服务，或交易未能提交。", "写入在同一 --id（请求编号）下幂等：重试不会重复记账。", "确认网络已启动（make status），然后用同一 --id 重新执行该命令。"},
		Message{"Network error", "Peers, orderers or the explorer could not be reached, or the transaction did not commit.", "Writes are idempotent under their --id (request id): a retry never records twice.", "Check the network is up (make status), then run the same command again with the same --id."})
	g(CodeLocalState,
		Message{"本地文件或状态错误", "本地文件、目录或日志存证状态缺失、不可读或不一致。", "pdl 只读写你指定的文件和 --state 目录；prove/verify 不会新建状态。", "检查路径（错误信息列出了查找过的位置）和权限，或用 --state 指定正确目录。"},
		Message{"Local file or state error", "A local file, directory or log-stream store is missing, unreadable or inconsistent.", "pdl reads and writes only the files you name and the --state directory; prove and verify never create state.", "Check the path (the message lists where pdl looked) and its permissions, or name the right directory with --state."})
	g(CodeProofInvalid,
		Message{"证明无效", "默克尔证明不能从该行（或叶子）推导出账本上存证的根哈希。", "日志行及其包含证明须与该树大小的存证根一致。", "确认使用的是原始、未改动的日志行和对应的证明文件；行尾换行符不属于该行。"},
		Message{"Proof invalid", "The Merkle proof does not lead from the line (or leaf) to the root anchored on the ledger.", "A log line and its inclusion proof agree with the anchored root of that tree size.", "Use the original, unmodified line and its proof file; the line end is not part of the line."})
	g(CodeLogContentDiffers,
		Message{"日志内容与已存证内容不一致", "该文件在已存证的位置上与存证时的内容不同（被修改，或换了同名的新文件）。", "已存证的行不能改变；同一文件只能在末尾追加新行。", "比对错误信息中的两个摘要；若是轮转后的新文件，加 --rotated 作为新文件存证。"},
		Message{"Log content differs from what was anchored", "At positions already anchored, the file differs from what was anchored (it was changed, or a new file took its name).", "Anchored lines never change; a file only grows at its end.", "Compare the two digests in the message; if it is a new file after log rotation, anchor it as new with --rotated."})

	g(CodeUnauthenticated,
		Message{"未认证", "该接口需要通道内某组织签发的客户端证书（双向 TLS）。", "公开接口无需证书；其他接口须用通道成员的证书访问。", "用配置文件中的证书访问（pdl 会自动使用），或改用公开接口。"},
		Message{"Not authenticated", "This endpoint needs a client certificate of one of the channel's organizations (mutual TLS).", "Public endpoints need none; the others need a channel member's certificate.", "Call it with a profile's certificate (pdl does), or use a public endpoint."})
	g(CodeCertRevoked,
		Message{"证书已吊销", "该客户端证书已被签发它的组织吊销：通道配置中该组织 MSP 的证书吊销列表列出了它。", "只有未被吊销的通道成员证书才能访问非公开接口；公开接口无需证书。", "向本组织管理员申请新证书，并请实施机构绑定新证书；公开接口仍可访问。"},
		Message{"Certificate revoked", "The organization that issued this client certificate revoked it: a revocation list of its MSP in the channel configuration names it.", "Only channel members' certificates that are not revoked may call non-public endpoints; public endpoints need none.", "Ask your organization's administrator for a new certificate and have the bureau bind it; public endpoints still answer."})
	g(CodeBadParameter,
		Message{"参数错误", "查询、路径或请求体中的参数不正确（param 指明是哪一个）。", "OpenAPI 文档（/openapi.json）描述的参数和格式。", "按错误说明修正该参数。"},
		Message{"Bad parameter", "A query, path or body parameter is wrong (param names it).", "The parameters and formats the OpenAPI document (/openapi.json) describes.", "Correct the parameter as the detail says."})
	g(CodeRateLimited,
		Message{"请求过于频繁", "该调用者的请求速率超过了上限。", "每个调用者有请求速率上限。", "按 Retry-After 头所示的秒数等待后重试。"},
		Message{"Rate limited", "This caller sent requests faster than its limit.", "Each caller has a request-rate limit.", "Wait the seconds the Retry-After header gives, then retry."})
	g(CodeBodyTooLarge,
		Message{"请求体过大", "请求体超过了大小上限。", "请求体不超过服务端的限制。", "缩小请求（如分批查询产品）。"},
		Message{"Body too large", "The request body is over the limit.", "Bodies within the server's limit.", "Send less (for example, check products in batches)."})
	g(CodeDBDown,
		Message{"索引数据库不可用", "浏览器服务的索引数据库没有响应。", "不适用：这不是请求本身的问题。", "稍后重试；若持续出现，请运维检查浏览器服务日志。"},
		Message{"Index database down", "The explorer's index database does not answer.", "Not applicable: the request itself is not at fault.", "Retry later; if it persists, have the operators check the explorer's log."})

	g(CodeUnknownChannel,
		Message{"没有该通道", "浏览器服务不索引这个名称的通道（辖区账本）。", "channel 参数取 /api/v1/public/channels 列出的通道之一；不填即默认通道。", "从 /api/v1/public/channels 选择通道名后重试；新建的通道在浏览器服务发现它后才出现。"},
		Message{"Unknown channel", "The explorer indexes no channel (jurisdiction ledger) of that name.", "The channel parameter names one of the channels /api/v1/public/channels lists; without it, the default channel.", "Pick a channel name from /api/v1/public/channels and retry; a new channel appears once the explorer has found it."})

	v := func(code Code, zhTitle, zhWrong, enTitle, enWrong string) {
		g(code,
			Message{zhTitle, zhWrong, "索引中的每个区块、交易和记录版本都与账本一致。", "记下区块号交给运维；浏览器服务可从该区块重新索引。"},
			Message{enTitle, enWrong, "Every indexed block, transaction and record version agrees with the ledger.", "Note the block number for the operators; the explorer can re-index from that block."})
	}
	v(CodeIndexBlockMissing, "索引缺少区块", "索引中没有该区块。", "Block missing from the index", "The index has no such block.")
	v(CodeIndexChainBroken, "索引中的哈希链断开", "该区块记录的前一区块哈希与索引中前一区块的哈希不符。", "Index hash chain broken", "The block's previous hash does not match the indexed hash of the block before it.")
	v(CodeIndexBlockHashDiffers, "区块哈希不一致", "索引中的区块哈希与账本上的不同。", "Block hash differs", "The indexed block hash differs from the ledger's.")
	v(CodeIndexUnreadable, "索引不可读", "无法从索引中读出要比对的记录。", "Index unreadable", "The records to compare could not be read from the index.")
	v(CodeIndexStateDiffers, "索引与世界状态不一致", "索引中的记录版本与账本世界状态不同。", "Index differs from world state", "An indexed record version differs from the ledger's world state.")
	v(CodeIndexTxsUnreadable, "索引中的交易不可读", "无法读出该区块的已索引交易。", "Indexed transactions unreadable", "The block's indexed transactions could not be read.")
	v(CodeIndexTxCountDiffers, "交易数量不一致", "索引中的交易数与区块中的不同。", "Transaction count differs", "The index holds a different number of transactions than the block.")
	v(CodeIndexTxDiffers, "交易不一致", "索引中的交易（编号、验证码或事件）与区块中的不同。", "Transaction differs", "An indexed transaction (id, validation code or event) differs from the block's.")
	v(CodeIndexRecordMissing, "索引缺少记录版本", "区块写入的记录版本没有被索引。", "Record version missing from the index", "A record version the block wrote is not indexed.")
	v(CodeIndexRecordDiffers, "记录版本不一致", "索引中的记录版本与区块写入的内容不同。", "Record version differs", "An indexed record version differs from what the block wrote.")
	v(CodeLedgerUnreadable, "账本不可读", "无法从节点读取区块或状态来比对。", "Ledger unreadable", "Blocks or state could not be read from the peer to compare.")
	v(CodeBlockUnreadable, "区块不可读", "无法解析该区块。", "Block unreadable", "The block could not be parsed.")
	v(CodeBlockPrevHashMismatch, "前一区块哈希不符", "区块头中的前一区块哈希与前一区块不符。", "Previous hash mismatch", "The block header's previous hash does not match the previous block.")
	v(CodeBlockDataHashMismatch, "区块数据哈希不符", "区块数据的哈希与区块头不符。", "Data hash mismatch", "The hash of the block's data does not match its header.")
	v(CodeBlockSignatureInvalid, "区块签名无效", "排序服务对该区块的签名无效。", "Block signature invalid", "The ordering service's signature on the block does not verify.")
	v(CodeBlockUnsigned, "区块未签名", "区块没有排序服务的签名。", "Block unsigned", "The block carries no ordering-service signature.")
	v(CodeBlockSignerUnknown, "区块签名者未知", "签名者不属于通道配置中的排序组织。", "Block signer unknown", "The signer is not of an orderer organization of the channel configuration.")
	v(CodeConfigUnreadable, "通道配置不可读", "无法解析配置区块。", "Channel configuration unreadable", "A configuration block could not be parsed.")
}
