package model

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pdledger/pdledger/chaincode/policy"
)

// Rule is one enforced rule of the domain: its stable code (also the error code of a
// violation), the articles of the policy documents it rests on, and a one-line
// statement. Each rule is declared once, next to the record type it governs, and its
// unit test carries its name.
type Rule struct {
	Code Code   `json:"code"`
	Name string `json:"name"` // Go-style name, used in test names: TestAuthorization_TermAboveMaxRejected
	// Basis cites the articles by the documents' short titles (policy.Docs), then
	// the profile parameters and standards involved, e.g.
	// "《广东省…管理办法》第二十二条（二）; 《龙华区…实施方案》授权运营机制 1.授权期限;
	// authorization.max_term_months". A violation carries it as Error.Rule.
	Basis string `json:"basis"`
	Text  string `json:"text"`
}

// Citations of the policy documents for rule declarations: luohu("六（六）7") is
// "《罗湖区…实施方案》六（六）7" (policy.Doc.Cite).
var (
	luohu       = policy.DocLuohu.Cite
	futian      = policy.DocFutian.Cite
	longhua     = policy.DocLonghua.Cite
	qinhuangdao = policy.DocQinhuangdao.Cite
	guangdong   = policy.DocGuangdong.Cite
)

// basis joins a rule's citations, profile parameters and standards.
func basis(parts ...string) string { return strings.Join(parts, "; ") }

var (
	rulesMu sync.Mutex
	rules   = map[Code]Rule{}
)

// NewRule registers a rule at package init and returns it. A duplicate code is a
// programming error and panics at start, never at transaction time.
func NewRule(code Code, name, basis, text string) Rule {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	if _, dup := rules[code]; dup {
		panic(fmt.Sprintf("model: rule %s declared twice", code))
	}
	r := Rule{Code: code, Name: name, Basis: basis, Text: text}
	rules[code] = r
	return r
}

// Rules returns every registered rule sorted by code.
func Rules() []Rule {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Violation is the error for a broken rule: the rule's code, its basis, and a message
// that names the offending value and the limit.
func (r Rule) Violation(format string, a ...any) *Error {
	return &Error{Code: r.Code, Rule: r.Basis, Message: fmt.Sprintf(format, a...)}
}

// ViolationField is Violation naming the offending field and the limit.
func (r Rule) ViolationField(field, limit, format string, a ...any) *Error {
	e := r.Violation(format, a...)
	e.Field, e.Limit = field, limit
	return e
}
