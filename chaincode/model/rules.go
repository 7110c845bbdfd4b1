package model

import (
	"fmt"
	"sort"
	"sync"
)

// Rule is one enforced rule of the domain: its stable code (also the error code of a
// violation), the seed articles it comes from, and a one-line statement. Each rule is
// declared once, next to the record type it governs, and its unit test carries its name.
type Rule struct {
	Code  Code   `json:"code"`
	Name  string `json:"name"`  // Go-style name, used in test names: TestAuthorization_TermAboveMaxRejected
	Seeds string `json:"seeds"` // seed file and article, e.g. "004 Art. 22(二); 002 八.1"
	Text  string `json:"text"`
}

var (
	rulesMu sync.Mutex
	rules   = map[Code]Rule{}
)

// NewRule registers a rule at package init and returns it. A duplicate code is a
// programming error and panics at start, never at transaction time.
func NewRule(code Code, name, seeds, text string) Rule {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	if _, dup := rules[code]; dup {
		panic(fmt.Sprintf("model: rule %s declared twice", code))
	}
	r := Rule{Code: code, Name: name, Seeds: seeds, Text: text}
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

// Violation is the error for a broken rule: the rule's code, its seeds, and a message
// that names the offending value and the limit.
func (r Rule) Violation(format string, a ...any) *Error {
	return &Error{Code: r.Code, Rule: r.Seeds, Message: fmt.Sprintf(format, a...)}
}

// ViolationField is Violation naming the offending field and the limit.
func (r Rule) ViolationField(field, limit, format string, a ...any) *Error {
	e := r.Violation(format, a...)
	e.Field, e.Limit = field, limit
	return e
}
