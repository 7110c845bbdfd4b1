package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The message catalogue: for every code a refusal or a problem can carry, its title, what
// was wrong, what is allowed and what to do, in Chinese and English. The CLI prints it
// under a refusal, the explorer fills problem details' title and detail from it by
// Accept-Language, and docs/errors.md is generated from it (go run ./chaincode/cmd/errorsdoc).
//
// The catalogue gives the stable, translated frame; an Error's own Message keeps the
// specifics (the offending value, the limit) and stays as the chaincode wrote it, so
// that the text a peer endorsed is never rewritten on the way to a person.

// Lang is a language of the catalogue.
type Lang string

// The catalogue's languages. Chinese comes first: the users are government staff and
// data-exchange desks in China.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Langs lists the catalogue's languages, Chinese first.
func Langs() []Lang { return []Lang{ZH, EN} }

// ParseLang reads a language from a locale (zh_CN.UTF-8), a tag (zh-CN, en), a flag value
// (zh, en) or an Accept-Language header (en;q=0.5, zh-CN;q=0.9): Chinese when the
// preferred language is Chinese, English otherwise.
func ParseLang(s string) Lang {
	best, bestQ := EN, -1.0
	for _, part := range strings.Split(s, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		if tag == "" || q <= bestQ {
			continue
		}
		lang := EN
		if tag == "zh" || strings.HasPrefix(tag, "zh-") || strings.HasPrefix(tag, "zh_") || strings.HasPrefix(tag, "zh.") {
			lang = ZH
		}
		best, bestQ = lang, q
	}
	return best
}

// Message is the catalogue's text for one code in one language.
type Message struct {
	Title   string `json:"title"`   // a few words naming the refusal
	Wrong   string `json:"wrong"`   // what was wrong, in general terms (the error's message has the specifics)
	Allowed string `json:"allowed"` // what is allowed
	Action  string `json:"action"`  // what to do
}

// complete reports whether every part is written.
func (m Message) complete() bool {
	return m.Title != "" && m.Wrong != "" && m.Allowed != "" && m.Action != ""
}

type entry struct{ zh, en Message }

var (
	catalogueMu sync.Mutex
	catalogue   = map[Code]entry{}
)

// catalogued adds a code's messages at package init; a second entry for a code is a
// programming error and panics at start.
func catalogued(code Code, zh, en Message) {
	catalogueMu.Lock()
	defer catalogueMu.Unlock()
	if _, dup := catalogue[code]; dup {
		panic(fmt.Sprintf("model: code %s catalogued twice", code))
	}
	catalogue[code] = entry{zh: zh, en: en}
}

// Describe returns the catalogue's message for code in lang, and whether the code is
// catalogued. A rule's message comes from its rule entry (see ruleMessage).
func Describe(code Code, lang Lang) (Message, bool) {
	catalogueMu.Lock()
	e, ok := catalogue[code]
	catalogueMu.Unlock()
	if !ok {
		if r, isRule := ruleByCode(code); isRule {
			return r.Message(lang)
		}
		return Message{}, false
	}
	if lang == ZH {
		return e.zh, true
	}
	return e.en, true
}

// Catalogued lists every code with messages (generic codes, surface codes and rules),
// sorted.
func Catalogued() []Code {
	catalogueMu.Lock()
	out := make([]Code, 0, len(catalogue)+len(ruleTexts))
	for c := range catalogue {
		out = append(out, c)
	}
	catalogueMu.Unlock()
	for c := range ruleTexts {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func ruleByCode(code Code) (Rule, bool) {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	r, ok := rules[code]
	return r, ok
}

// Localize renders an error for a person in lang: the catalogue's title, then the
// error's own message (the specifics), what is allowed and what to do. A code missing
// from the catalogue shows the message alone.
func (e *Error) Localize(lang Lang) string {
	m, ok := e.Describe(lang)
	if !ok {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(m.Title)
	if e.Message != "" {
		b.WriteString(sep(lang))
		b.WriteString(e.Message)
	}
	if e.Field != "" {
		if lang == ZH {
			fmt.Fprintf(&b, "（字段 %s", e.Field)
			if e.Limit != "" {
				fmt.Fprintf(&b, "，限制 %s", e.Limit)
			}
			b.WriteString("）")
		} else {
			fmt.Fprintf(&b, " (field %s", e.Field)
			if e.Limit != "" {
				fmt.Fprintf(&b, ", limit %s", e.Limit)
			}
			b.WriteString(")")
		}
	}
	return b.String()
}

func sep(lang Lang) string {
	if lang == ZH {
		return "："
	}
	return ": "
}
