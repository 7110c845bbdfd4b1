package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Format is an output format.
type Format string

// Output formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// ParseFormat validates -o.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case Table, JSON, YAML:
		return Format(s), nil
	}
	return "", inputErr(model.CodeBadEnum, "output", "table|json|yaml", "-o %q: use table, json or yaml", s)
}

// view tells the table renderer what it is showing when the data alone cannot: the
// function that answered (System:History's versions get actor and action columns).
type view struct {
	fn string
}

// Render writes a JSON answer in the chosen format, in English (App.print renders in
// the App's language).
func Render(w io.Writer, raw []byte, f Format) error {
	return render(w, raw, f, model.EN, view{})
}

// print renders an answer in the App's format and language.
func (a *App) print(raw []byte, v view) error {
	f, err := ParseFormat(a.Output)
	if err != nil {
		return err
	}
	return render(a.Stdout, raw, f, a.Lang, v)
}

// printValue renders a Go value (marshalled to JSON first).
func (a *App) printValue(v any, vw view) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return a.print(raw, vw)
}

func render(w io.Writer, raw []byte, f Format, lang model.Lang, vw view) error {
	v, err := decodeOrdered(raw)
	if err != nil {
		_, err := fmt.Fprintln(w, strings.TrimSpace(string(raw)))
		return err
	}
	v = beijing(v)
	switch f {
	case JSON:
		out, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(out))
		return err
	case YAML:
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(yamlValue(v)); err != nil {
			return err
		}
		return enc.Close()
	}
	t := &tabler{lang: lang, now: time.Now(), view: vw}
	_, err = io.WriteString(w, t.render(v))
	return err
}

// beijing rewrites every RFC 3339 time of a decoded answer to +08:00 (timefmt.go).
func beijing(v any) any {
	switch x := v.(type) {
	case *object:
		for _, k := range x.keys {
			x.vals[k] = beijing(x.vals[k])
		}
	case []any:
		for i, e := range x {
			x[i] = beijing(e)
		}
	case string:
		return toBeijing(x)
	}
	return v
}
