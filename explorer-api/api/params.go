package api

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// Request parameters: each helper answers a bad value itself (400 naming the parameter)
// and reports whether the handler may go on.

// bindJSON decodes the body strictly; hint says what was expected. A string in it that
// is not clean text is refused like a bad parameter.
func bindJSON(c *gin.Context, v any, hint string) bool {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		if !tooLarge(c, err, maxBody(c)) {
			badParam(c, "body", "unreadable: %v", err)
		}
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		badParam(c, "body", "expected %s: %v", hint, err)
		return false
	}
	var tree any
	if json.Unmarshal(raw, &tree) == nil {
		if where, bad := uncleanIn(tree, "body"); bad {
			badParam(c, where, "%s", uncleanText)
			return false
		}
	}
	return true
}

// uncleanText says why cleanText refused a value.
const uncleanText = "contains a NUL character (U+0000) or bytes that are not UTF-8; no record has such a name"

// cleanText reports whether s can be a name of something on the ledger. The chaincode's
// shim refuses NUL and invalid UTF-8 in keys, so no record is named so; PostgreSQL's text
// type refuses them too, and a query carrying one would fail as an internal error (500)
// instead of the caller's mistake (400).
func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// uncleanIn finds the first string (or object key) of a decoded JSON value that is not
// clean text, named by its path from at.
func uncleanIn(v any, at string) (string, bool) {
	switch v := v.(type) {
	case string:
		return at, !cleanText(v)
	case []any:
		for i, e := range v {
			if where, bad := uncleanIn(e, fmt.Sprintf("%s[%d]", at, i)); bad {
				return where, true
			}
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if !cleanText(k) {
				return at, true
			}
			if where, bad := uncleanIn(v[k], at+"."+k); bad {
				return where, true
			}
		}
	}
	return "", false
}

// wellFormed refuses a request whose path or query parameters are not clean text before
// any handler passes them on to the store.
func wellFormed(c *gin.Context) {
	for _, p := range c.Params {
		if !cleanText(p.Value) {
			badParam(c, p.Key, "%s", uncleanText)
			return
		}
	}
	q := c.Request.URL.Query()
	for _, k := range sortedKeys(q) {
		if !cleanText(k) {
			badParam(c, "query", "%s", uncleanText)
			return
		}
		for _, v := range q[k] {
			if !cleanText(v) {
				badParam(c, k, "%s", uncleanText)
				return
			}
		}
	}
	c.Next()
}

func limitParam(c *gin.Context, def, max int) (int, bool) {
	v := c.Query("limit")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		badParam(c, "limit", "%q is not an integer between 1 and %d", v, max)
		return 0, false
	}
	return n, true
}

func timeParam(c *gin.Context, name string) (time.Time, bool) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		badParam(c, name, "%q is not an RFC 3339 time (2026-09-01T00:00:00+08:00)", v)
		return time.Time{}, false
	}
	return t, true
}

// blockParam reads an optional block number; nil when absent.
func blockParam(c *gin.Context, name string) (*uint64, bool) {
	v := c.Query(name)
	if v == "" {
		return nil, true
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		badParam(c, name, "%q is not a block number", v)
		return nil, false
	}
	return &n, true
}

func hexParam(c *gin.Context, name, v string) ([]byte, bool) {
	b, err := hex.DecodeString(v)
	if err != nil || len(b) == 0 {
		badParam(c, name, "%q is not hex", v)
		return nil, false
	}
	return b, true
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
