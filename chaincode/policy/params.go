package policy

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Source traces one parameter value to the sentence of the policy text it
// comes from. A value without a source is refused: the ledger must be able to
// answer "which article says so?" for every rule it enforces.
type Source struct {
	// Doc names the document: a policy document by its official title (e.g.
	// "龙华区公共数据资源授权运营实施方案（试行）（征求意见稿）", see Docs); for the
	// calendar parameter the State Council notice numbers.
	Doc string `json:"doc"`
	// Article locates the clause inside Doc (e.g. "第二十三条", "六、(一)期限").
	Article string `json:"article"`
	// Quote is a short verbatim excerpt of Doc, in Chinese (traditional
	// characters are kept where the document uses them). Elided text is
	// written as "…".
	Quote string `json:"quote"`
	// Note records how the quote was interpreted when that is not obvious,
	// e.g. a hedge such as 原则上, or a reading other summaries of the text do
	// not share.
	Note string `json:"note,omitempty"`
}

const (
	maxQuoteRunes = 200
	maxNoteRunes  = 600
	maxTextRunes  = 200
)

func (s Source) check(field string) []error {
	var errs []error
	req := func(name, v string, limit int) {
		switch {
		case v == "":
			errs = append(errs, fieldErr(field+".source."+name, "is empty; every set value must be traced to its article"))
		case strings.TrimSpace(v) != v:
			errs = append(errs, fieldErr(field+".source."+name, "has leading or trailing white space"))
		case !utf8.ValidString(v):
			errs = append(errs, fieldErr(field+".source."+name, "is not valid UTF-8"))
		case utf8.RuneCountInString(v) > limit:
			errs = append(errs, fieldErr(field+".source."+name, fmt.Sprintf("is %d characters long; allowed at most %d", utf8.RuneCountInString(v), limit)))
		}
	}
	req("doc", s.Doc, maxTextRunes)
	req("article", s.Article, maxTextRunes)
	req("quote", s.Quote, maxQuoteRunes)
	if s.Quote != "" && !hasHan(s.Quote) {
		errs = append(errs, fieldErr(field+".source.quote", fmt.Sprintf("%q contains no Chinese text; quote the policy document verbatim", s.Quote)))
	}
	if s.Note != "" {
		req("note", s.Note, maxNoteRunes)
	}
	return errs
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// IntParam is an integer parameter (months, days, working days, years, basis
// points, counts). A nil *IntParam means "not set": the seed is silent and
// the rule is not enforced.
type IntParam struct {
	Value  int    `json:"value"`
	Source Source `json:"source"`
}

// Get returns the value and whether it is set; it is safe on a nil receiver so
// rule code can write `if n, ok := p.Exit.BlacklistYears.Get(); ok { ... }`.
func (p *IntParam) Get() (int, bool) {
	if p == nil {
		return 0, false
	}
	return p.Value, true
}

// BoolParam is a yes/no parameter. A nil *BoolParam means "not set", which is
// deliberately different from an explicit false: false is a traced statement
// of the seed (e.g. Luohu forbids renewal), nil is silence.
type BoolParam struct {
	Value  bool   `json:"value"`
	Source Source `json:"source"`
}

// Get returns the value and whether it is set; safe on a nil receiver.
func (p *BoolParam) Get() (bool, bool) {
	if p == nil {
		return false, false
	}
	return p.Value, true
}

// True reports whether the parameter is set and true. Rules that only fire
// when a seed demands something use this, so silence never triggers them.
func (p *BoolParam) True() bool { return p != nil && p.Value }

// False reports whether the parameter is set and false (an explicit
// prohibition, as opposed to silence).
func (p *BoolParam) False() bool { return p != nil && !p.Value }

// TextParam is an enumerated string parameter (mode, anchors, calendar id).
type TextParam struct {
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// Get returns the value and whether it is set; safe on a nil receiver.
func (p *TextParam) Get() (string, bool) {
	if p == nil {
		return "", false
	}
	return p.Value, true
}

// ListParam is an ordered list of strings (grades, dimensions, methods).
// Order is kept because it can carry meaning (优秀 before 合格 before 不合格).
type ListParam struct {
	Value  []string `json:"value"`
	Source Source   `json:"source"`
}

// Get returns a copy of the value and whether it is set; safe on a nil
// receiver. A copy, so callers cannot mutate a shared profile through it.
func (p *ListParam) Get() ([]string, bool) {
	if p == nil {
		return nil, false
	}
	return append([]string(nil), p.Value...), true
}

// Contains reports whether the parameter is set and lists v.
func (p *ListParam) Contains(v string) bool {
	if p == nil {
		return false
	}
	for _, x := range p.Value {
		if x == v {
			return true
		}
	}
	return false
}

// DateParam is a civil date ("YYYY-MM-DD", China Standard Time).
type DateParam struct {
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// Time returns the start of the date in CST and whether it is set.
func (p *DateParam) Time() (time.Time, bool) {
	if p == nil {
		return time.Time{}, false
	}
	t, err := ParseDate(p.Value)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// param is implemented by every traced parameter type so Validate and the
// tests can walk a Profile generically.
type param interface {
	src() Source
	checkValue(field string, sp spec) []error
	// display renders the value for the generated README table.
	display() string
}

func (p *IntParam) src() Source  { return p.Source }
func (p *BoolParam) src() Source { return p.Source }
func (p *TextParam) src() Source { return p.Source }
func (p *ListParam) src() Source { return p.Source }
func (p *DateParam) src() Source { return p.Source }

func (p *IntParam) display() string { return fmt.Sprint(p.Value) }
func (p *BoolParam) display() string {
	if p.Value {
		return "yes"
	}
	return "no"
}
func (p *TextParam) display() string { return p.Value }
func (p *ListParam) display() string { return strings.Join(p.Value, ", ") }
func (p *DateParam) display() string { return p.Value }

func (p *IntParam) checkValue(field string, sp spec) []error {
	if !sp.hasRange {
		return []error{fieldErr(field, "internal: integer parameter has no range in its policy tag")}
	}
	if p.Value < sp.min || p.Value > sp.max {
		return []error{fieldErr(field+".value", fmt.Sprintf("%d is out of range; allowed %d..%d%s", p.Value, sp.min, sp.max, sp.unitSuffix()))}
	}
	return nil
}

func (p *BoolParam) checkValue(string, spec) []error { return nil }

func (p *TextParam) checkValue(field string, sp spec) []error {
	if sp.calendar {
		if _, err := LoadCalendar(p.Value); err != nil {
			return []error{fieldErr(field+".value", fmt.Sprintf("%q is not a known calendar; allowed %s", p.Value, strings.Join(Calendars(), ", ")))}
		}
		return nil
	}
	if len(sp.enum) == 0 {
		return []error{fieldErr(field, "internal: text parameter has no enum in its policy tag")}
	}
	if !sp.allows(p.Value) {
		return []error{fieldErr(field+".value", fmt.Sprintf("%q is not allowed; allowed %s", p.Value, strings.Join(sp.enum, ", ")))}
	}
	return nil
}

func (p *ListParam) checkValue(field string, sp spec) []error {
	var errs []error
	if len(p.Value) == 0 {
		return []error{fieldErr(field+".value", "is empty; a set list needs at least one item (use null for not set)")}
	}
	if len(p.Value) > 32 {
		errs = append(errs, fieldErr(field+".value", fmt.Sprintf("has %d items; allowed at most 32", len(p.Value))))
	}
	seen := make(map[string]bool, len(p.Value))
	for i, v := range p.Value {
		f := fmt.Sprintf("%s.value[%d]", field, i)
		switch {
		case v == "" || strings.TrimSpace(v) != v:
			errs = append(errs, fieldErr(f, fmt.Sprintf("%q is empty or has leading/trailing white space", v)))
		case utf8.RuneCountInString(v) > 64:
			errs = append(errs, fieldErr(f, "is longer than 64 characters"))
		case len(sp.enum) > 0 && !sp.allows(v):
			errs = append(errs, fieldErr(f, fmt.Sprintf("%q is not allowed; allowed %s", v, strings.Join(sp.enum, ", "))))
		case seen[v]:
			errs = append(errs, fieldErr(f, fmt.Sprintf("%q is listed twice", v)))
		}
		seen[v] = true
	}
	return errs
}

func (p *DateParam) checkValue(field string, _ spec) []error {
	if _, err := ParseDate(p.Value); err != nil {
		return []error{fieldErr(field+".value", fmt.Sprintf("%q is not a date; expected YYYY-MM-DD", p.Value))}
	}
	return nil
}
