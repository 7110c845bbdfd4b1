package model

import (
	"fmt"
	"strings"
)

// Class is what kind of failure a code reports; pdl's exit status follows it (see
// Class.Exit), so a script can tell "fix the command" from "the ledger said no" from
// "try again" from "fix the local files".
type Class string

// Classes of codes.
const (
	ClassInput   Class = "input"   // the request's shape: fix the command or file (exit 2)
	ClassRefused Class = "refused" // a rule, access or state said no (exit 1)
	ClassNetwork Class = "network" // could not reach agreement or an endpoint: retry (exit 3)
	ClassLocal   Class = "local"   // local files or state (exit 4)
)

// ClassOf classifies a code.
func ClassOf(c Code) Class {
	switch {
	case strings.HasPrefix(string(c), "INPUT_"), c == CodeUsage, c == CodeBadParameter, c == CodeBodyTooLarge:
		return ClassInput
	case c == CodeNetwork, c == CodeRateLimited, c == CodeDBDown:
		return ClassNetwork
	case c == CodeLocalState:
		return ClassLocal
	}
	return ClassRefused
}

// Exit is pdl's exit status for the class.
func (c Class) Exit() int {
	switch c {
	case ClassInput:
		return 2
	case ClassNetwork:
		return 3
	case ClassLocal:
		return 4
	}
	return 1
}

// ErrorsMarkdown renders the catalogue as docs/errors.md, Chinese first.
func ErrorsMarkdown() string {
	var b strings.Builder
	b.WriteString(`# 错误代码 / Error codes

由 ` + "`go run ./chaincode/cmd/errorsdoc > docs/errors.md`" + ` 从消息目录（chaincode/model/messages*.go）生成；目录缺少任一代码的中文或英文条目、或本文件过期时，单元测试失败。
pdl 按所在环境的语言（LANG/LC_ALL 为 zh_CN.UTF-8 时为中文）或 ` + "`--lang zh|en`" + ` 显示这些文字；浏览器服务的 problem details 按 Accept-Language 填写 ` + "`title`/`detail`" + `，` + "`code`" + ` 等机器字段不变。
错误自身的 message 给出具体值和限制（field、limit），目录给出通用的说明。

Generated from the message catalogue (chaincode/model/messages*.go); a unit test fails when a code lacks its Chinese or
English entry or this file is stale. pdl shows these texts in the locale's language (Chinese where LANG/LC_ALL is
zh_CN.UTF-8) or ` + "`--lang zh|en`" + `; the explorer's problem details carry them as ` + "`title`/`detail`" + ` by Accept-Language, with
` + "`code`" + ` and the machine fields unchanged. An error's own message carries the specifics (value, field, limit).

## 退出码 / Exit codes of pdl

| 退出码 exit | 类别 class | 含义 | meaning |
|---|---|---|---|
| 0 | — | 成功 | ok |
| 1 | ` + "`refused`" + ` | 被规则、权限或状态拒绝（代码和说明已打印）；证明不成立 | refused by a rule, access or state (code and message printed); a proof that does not verify |
| 2 | ` + "`input`" + ` | 命令用法或请求格式错误（INPUT_*、USAGE） | usage or request-shape error (INPUT_*, USAGE) |
| 3 | ` + "`network`" + ` | 网络错误：用同一 --id 重试是安全的 | network error: retrying with the same --id is safe |
| 4 | ` + "`local`" + ` | 本地文件或状态错误（LOCAL_STATE） | local file or state error (LOCAL_STATE) |

`)
	sections := []struct {
		zh, en string
		match  func(Code) bool
	}{
		{"通用代码", "Generic codes", func(c Code) bool { _, rule := ruleTexts[c]; return !rule && !surface(c) }},
		{"规则代码（依据见 rules.md）", "Rule codes (basis in rules.md)", func(c Code) bool { _, rule := ruleTexts[c]; return rule }},
		{"pdl 与浏览器服务的代码", "Codes of pdl and the explorer", surface},
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "## %s / %s\n\n", s.zh, s.en)
		b.WriteString("| 代码 code | 类别 class | 中文 | English |\n|---|---|---|---|\n")
		for _, c := range Catalogued() {
			if !s.match(c) {
				continue
			}
			zh, _ := Describe(c, ZH)
			en, _ := Describe(c, EN)
			fmt.Fprintf(&b, "| `%s` | %s (%d) | **%s** %s 允许：%s 处理：%s | **%s** %s Allowed: %s. Do: %s |\n", c, ClassOf(c), ClassOf(c).Exit(),
				cellMD(zh.Title), cellMD(zh.Wrong), cellMD(zh.Allowed), cellMD(zh.Action),
				cellMD(en.Title), cellMD(en.Wrong), cellMD(strings.TrimSuffix(en.Allowed, ".")), cellMD(en.Action))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// surface reports whether a code is raised outside the chaincode (pdl, the explorer).
func surface(c Code) bool {
	switch c {
	case CodeUsage, CodeNetwork, CodeLocalState, CodeProofInvalid, CodeLogContentDiffers,
		CodeUnauthenticated, CodeBadParameter, CodeRateLimited, CodeBodyTooLarge, CodeDBDown, CodeUnknownChannel:
		return true
	}
	return strings.HasPrefix(string(c), "INDEX_") || strings.HasPrefix(string(c), "BLOCK_") || c == CodeLedgerUnreadable || c == CodeConfigUnreadable
}

func cellMD(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
