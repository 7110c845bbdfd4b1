package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/logs"
)

// Exit codes of pdl, one per class of failure (model.Class), as README and
// docs/errors.md document them.
const (
	ExitOK      = 0
	ExitRefused = 1 // refused by a rule, access or state (code and message printed); a proof that does not verify
	ExitUsage   = 2 // the command line or the request's shape (INPUT_*): fix the command
	ExitNetwork = 3 // peers, orderers or the explorer: retrying with the same --id is safe
	ExitLocal   = 4 // a local file or log-stream store is missing, unreadable or inconsistent
)

// UsageError is a mistake in the command line or the request's shape (exit 2). Code is
// USAGE or the INPUT_* code the chaincode would have answered; Field and Limit name
// what is wrong as a refusal does.
type UsageError struct {
	Msg   string
	Code  model.Code
	Field string
	Limit string
}

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, a ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, a...), Code: model.CodeUsage}
}

// inputErr is a usage error with an INPUT_* code, the field and its limit.
func inputErr(code model.Code, field, limit, format string, a ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, a...), Code: code, Field: field, Limit: limit}
}

// LocalError is a local file or state problem (exit 4): a missing or unreadable file, a
// log-stream store that is absent or disagrees with the ledger.
type LocalError struct {
	Msg string
	Err error
}

func (e *LocalError) Error() string { return e.Msg }
func (e *LocalError) Unwrap() error { return e.Err }

func localf(err error, format string, a ...any) error {
	return &LocalError{Msg: fmt.Sprintf(format, a...), Err: err}
}

// retryable is a network error of a write with the request id to retry it under: only
// network errors say "re-run with --id" — a refusal would be refused again.
type retryable struct {
	err error
	id  string
}

func (e *retryable) Error() string { return e.err.Error() }
func (e *retryable) Unwrap() error { return e.err }

// refusal turns a local refusal (a proof that fails, a log file that differs) into the
// refusal error pdl reports with exit 1.
func refusal(code model.Code, format string, a ...any) error {
	return &client.RefusedError{Err: &model.Error{Code: code, Message: fmt.Sprintf(format, a...)}}
}

// ExitCode maps an error to pdl's exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ue *UsageError
	var le *LocalError
	var re *client.RefusedError
	var ee *ExplorerError
	var ne *client.NetworkError
	var pe *fs.PathError
	var cd *logs.ContentDiffersError
	var aa *logs.AlreadyAnchoredError
	var ce *childExit
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &re):
		return model.ClassOf(re.Code()).Exit()
	case errors.As(err, &ee):
		return ee.exit()
	case errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ExitNetwork
	case errors.As(err, &cd), errors.As(err, &aa):
		return ExitRefused
	case errors.As(err, &le), errors.As(err, &pe), errors.Is(err, logs.ErrNoStore), errors.As(err, new(*logs.StateError)):
		return ExitLocal
	}
	if cobraUsage(err) {
		return ExitUsage
	}
	return ExitNetwork
}

// cobraUsage recognizes cobra's own errors for a wrong command line (unknown command or
// flag, missing required flag, wrong number of arguments), which carry no type.
func cobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "required flag", "accepts ", "requires at least", "requires at most", "invalid argument", "flag needs an argument", "if any flags in the group"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// Failure is an error as pdl reports it with -o json|yaml (on stderr).
type Failure struct {
	Code    model.Code `json:"code" yaml:"code"`
	Message string     `json:"message" yaml:"message"`
	Field   string     `json:"field,omitempty" yaml:"field,omitempty"`
	Limit   string     `json:"limit,omitempty" yaml:"limit,omitempty"`
	Rule    string     `json:"rule,omitempty" yaml:"rule,omitempty"`
	Class   string     `json:"class" yaml:"class"`
	Exit    int        `json:"exit" yaml:"exit"`
	Title   string     `json:"title,omitempty" yaml:"title,omitempty"`
	Allowed string     `json:"allowed,omitempty" yaml:"allowed,omitempty"`
	Action  string     `json:"action,omitempty" yaml:"action,omitempty"`
	TxID    string     `json:"txId,omitempty" yaml:"txId,omitempty"`
	RetryID string     `json:"retryId,omitempty" yaml:"retryId,omitempty"` // re-run with --id this (network errors of writes)
}

// failureOf describes err with its code, the catalogue's text in lang and the exit code.
func failureOf(err error, lang model.Lang) Failure {
	f := Failure{Message: strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(err.Error(), "\n\n", "\n"), "\n\t", " ")), Exit: ExitCode(err)}
	var ue *UsageError
	var re *client.RefusedError
	var ee *ExplorerError
	var cd *logs.ContentDiffersError
	var aa *logs.AlreadyAnchoredError
	var rt *retryable
	switch {
	case errors.As(err, &ue):
		f.Code, f.Field, f.Limit = ue.Code, ue.Field, ue.Limit
		if f.Code == "" {
			f.Code = model.CodeUsage
		}
	case errors.As(err, &re):
		f.Code, f.Message, f.Field, f.Limit, f.Rule, f.TxID = re.Err.Code, re.Err.Message, re.Err.Field, re.Err.Limit, re.Err.Rule, re.TxID
	case errors.As(err, &ee):
		f.Code, f.Message, f.Field = ee.Code, ee.Detail, ee.Param
	case errors.As(err, &cd), errors.As(err, &aa):
		f.Code = model.CodeLogContentDiffers
	default:
		switch f.Exit {
		case ExitLocal:
			f.Code = model.CodeLocalState
		case ExitUsage:
			f.Code = model.CodeUsage
		default:
			f.Code = model.CodeNetwork
		}
	}
	if errors.As(err, &rt) {
		f.RetryID = rt.id
	}
	f.Class = string(classOfExit(f.Exit))
	if m, ok := model.Describe(f.Code, lang); ok {
		f.Title, f.Allowed, f.Action = m.Title, m.Allowed, m.Action
	}
	if f.Code == model.CodeBadEnum && f.Limit != "" {
		f.Limit = labelledValues(f.Limit, lang)
	}
	return f
}

func classOfExit(code int) model.Class {
	switch code {
	case ExitUsage:
		return model.ClassInput
	case ExitNetwork:
		return model.ClassNetwork
	case ExitLocal:
		return model.ClassLocal
	}
	return model.ClassRefused
}

// labelledValues writes an enumeration ("a|b|c") with each value's Chinese label.
func labelledValues(limit string, lang model.Lang) string {
	vals := strings.Split(limit, "|")
	if lang != model.ZH {
		return strings.Join(vals, ", ")
	}
	for i, v := range vals {
		if l := model.ValueLabel(v); l != "" {
			vals[i] = v + "（" + l + "）"
		}
	}
	return strings.Join(vals, "、")
}

// Report prints err for a person (text) or a program (-o json|yaml), on w (stderr).
func Report(a *App, w io.Writer, err error) {
	if err == nil || errors.As(err, new(*childExit)) {
		return // a child process (pdl-ca) reported it already
	}
	a.resolveLang()
	f := failureOf(err, a.Lang)
	switch Format(a.Output) {
	case JSON:
		b, _ := json.MarshalIndent(map[string]Failure{"error": f}, "", "  ")
		fmt.Fprintln(w, string(b))
		return
	case YAML:
		b, _ := yaml.Marshal(map[string]Failure{"error": f})
		fmt.Fprint(w, string(b))
		return
	}
	head := map[int][2]string{ExitRefused: {"拒绝", "refused"}, ExitUsage: {"用法错误", "usage error"}, ExitNetwork: {"网络错误", "network error"}, ExitLocal: {"本地错误", "local error"}}[f.Exit]
	title := f.Title
	if title == "" {
		title = f.Message
	}
	fmt.Fprintf(w, "%s %s%s%s\n", a.tr(head[0], head[1]), f.Code, a.tr("：", ": "), title)
	line := func(zh, en, v string) {
		if v != "" {
			fmt.Fprintf(w, "  %s%s\n", a.tr(zh+"：", en+": "), v)
		}
	}
	if f.Title != "" {
		line("详情", "detail", f.Message)
	}
	line("字段", "field", f.Field)
	if f.Code == model.CodeBadEnum {
		line("可选值", "allowed values", f.Limit)
	} else {
		line("限制", "limit", f.Limit)
	}
	if f.Code != model.CodeUsage {
		line("允许", "allowed", f.Allowed)
	}
	if f.RetryID != "" {
		line("处理", "what to do", a.tr("交易可能已提交也可能没有：用 --id %s 重新执行同一命令是安全的（不会重复记账）", "the transaction may or may not have committed: re-running the same command with --id %s is safe (it never records twice)", f.RetryID))
	} else {
		line("处理", "what to do", f.Action)
	}
	line("依据", "basis", f.Rule)
	line("交易", "transaction", f.TxID)
}
