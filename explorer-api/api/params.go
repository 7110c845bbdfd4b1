package api

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Request parameters: each helper answers a bad value itself (400 naming the parameter)
// and reports whether the handler may go on.

// bindJSON decodes the body strictly; hint says what was expected.
func bindJSON(c *gin.Context, v any, hint string) bool {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(c, err, maxBody(c)) {
			return false
		}
		badParam(c, "body", "expected %s: %v", hint, err)
		return false
	}
	return true
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
