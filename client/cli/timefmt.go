package cli

import (
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// Times in pdl's output are Beijing time (model.CST): tables show
// "2026-10-22 23:59:59 CST" (to the second), JSON and YAML RFC 3339 with +08:00 (the
// instant unchanged, fractions kept, so a record re-read from the output digests the
// same). Dates (YYYY-MM-DD) are calendar days already and stay as they are.

// tableTime is the layout of times in tables.
const tableTime = "2006-01-02 15:04:05 MST"

// parseTime recognizes an RFC 3339 time in a JSON string.
func parseTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// cstTable renders a time for a table ("" for the zero time).
func cstTable(t time.Time) string {
	if t.IsZero() || t.Year() <= 1 {
		return ""
	}
	return t.In(model.CST).Format(tableTime)
}

// cstJSON renders a time for JSON and YAML: RFC 3339 in +08:00.
func cstJSON(t time.Time) string {
	if t.Year() <= 1 {
		return t.Format(time.RFC3339)
	}
	return t.In(model.CST).Format(time.RFC3339Nano)
}

// toBeijing rewrites every RFC 3339 time in a decoded JSON value to +08:00.
func toBeijing(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = toBeijing(e)
		}
	case []any:
		for i, e := range x {
			x[i] = toBeijing(e)
		}
	case string:
		if t, ok := parseTime(x); ok {
			return cstJSON(t)
		}
	}
	return v
}

// parseLocalTime reads a time given on the command line: RFC 3339, or a Beijing time
// "2026-10-22 10:00[:05]" / "2026-10-22T10:00[:05]", or a date (its start, Beijing time).
func parseLocalTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, model.CST); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
