package api

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Limits bound what one request and one caller may cost the explorer.
type Limits struct {
	// MaxBody caps a request body (bytes); larger bodies are refused with 413.
	MaxBody int64
	// Rate and Burst are each caller's token bucket (requests per second, bucket size).
	// A caller is its client certificate, or its address when it presents none.
	Rate  float64
	Burst int
}

// DefaultLimits: a 1 MiB body, 50 requests per second with bursts of 100 per caller.
var DefaultLimits = Limits{MaxBody: 1 << 20, Rate: 50, Burst: 100}

// limit enforces the body cap and the per-caller rate.
func (s *Server) limit() gin.HandlerFunc {
	lim := s.Limits
	if lim.MaxBody == 0 {
		lim = DefaultLimits
	}
	buckets := newBuckets(lim.Rate, lim.Burst)
	return func(c *gin.Context) {
		if wait, ok := buckets.take(s.callerID(c.Request), time.Now()); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			c.Header("Retry-After", strconv.Itoa(secs))
			problem(c, http.StatusTooManyRequests, "RATE_LIMITED", "", "more than %.0f requests per second (bursts of %d) from this caller; retry after %d s", lim.Rate, lim.Burst, secs)
			return
		}
		if c.Request.ContentLength > lim.MaxBody {
			problem(c, http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE", "", "the request body is %d bytes; the limit is %d bytes", c.Request.ContentLength, lim.MaxBody)
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, lim.MaxBody)
		}
		c.Set(maxBodyKey, lim.MaxBody)
		c.Next()
	}
}

const maxBodyKey = "pdl.maxBody"

// maxBody is the body limit in force for the request.
func maxBody(c *gin.Context) int64 { return c.GetInt64(maxBodyKey) }

// tooLarge reports a body that MaxBytesReader cut off (no Content-Length given).
func tooLarge(c *gin.Context, err error, limit int64) bool {
	var mbe *http.MaxBytesError
	if err == nil || !asMaxBytes(err, &mbe) {
		return false
	}
	problem(c, http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE", "", "the request body exceeds the limit of %d bytes", limit)
	return true
}

func asMaxBytes(err error, target **http.MaxBytesError) bool {
	for err != nil {
		if e, ok := err.(*http.MaxBytesError); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// callerID names the caller for rate limiting: its certificate if one of the channel's
// organizations issued it, else its address (a self-signed certificate per request must
// not buy a fresh bucket).
func (s *Server) callerID(r *http.Request) string {
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		sum := sha256.Sum256(r.TLS.PeerCertificates[0].Raw)
		id := "cert:" + hex.EncodeToString(sum[:8])
		if s.verified.known(id, time.Now(), func() bool { return s.issuedByAnOrg(r.TLS.PeerCertificates) }) {
			return id
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}

// issuedByAnOrg reports whether an organization of the caller's channels issued certs:
// the hub's channels (AnyOrgs) when the server serves with others, else its own.
func (s *Server) issuedByAnOrg(certs []*x509.Certificate) bool {
	if s.AnyOrgs != nil {
		return s.AnyOrgs(certs)
	}
	msp, _ := mspOf(s.orgs(), certs)
	return msp != ""
}

// verifiedCerts remembers which certificates chained to the channels' roots, so the
// rate limiter verifies a certificate once, not on every request. A certificate found
// unknown is verified again after a minute (an org may join a channel meanwhile).
// Bounded: when full it forgets everything and verifies again.
type verifiedCerts struct {
	mu sync.Mutex
	m  map[string]verdict
}

type verdict struct {
	ok bool
	at time.Time
}

const maxVerifiedCerts = 10000

// unknownFor is how long a certificate found unknown stays so without verifying again.
const unknownFor = time.Minute

func (v *verifiedCerts) known(id string, now time.Time, verify func() bool) bool {
	v.mu.Lock()
	d, seen := v.m[id]
	v.mu.Unlock()
	if seen && (d.ok || now.Sub(d.at) < unknownFor) {
		return d.ok
	}
	ok := verify()
	v.mu.Lock()
	if v.m == nil || len(v.m) >= maxVerifiedCerts {
		v.m = map[string]verdict{}
	}
	v.m[id] = verdict{ok: ok, at: now}
	v.mu.Unlock()
	return ok
}

// buckets are token buckets per caller; idle ones are dropped.
type buckets struct {
	mu    sync.Mutex
	rate  float64
	burst float64
	m     map[string]*bucket
	swept time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newBuckets(rate float64, burst int) *buckets {
	return &buckets{rate: rate, burst: float64(burst), m: map[string]*bucket{}}
}

// maxBuckets bounds the callers tracked at once; beyond it, new callers share one bucket.
const maxBuckets = 50000

// take spends one token of id's bucket; when none is left it says how long until one is.
func (b *buckets) take(id string, now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.swept) > time.Minute || len(b.m) >= maxBuckets {
		for k, v := range b.m {
			if now.Sub(v.at) > time.Minute || len(b.m) >= maxBuckets && now.Sub(v.at) > time.Second {
				delete(b.m, k)
			}
		}
		b.swept = now
	}
	bk, ok := b.m[id]
	if !ok && len(b.m) >= maxBuckets {
		id = "overflow"
		bk, ok = b.m[id]
	}
	if !ok {
		bk = &bucket{tokens: b.burst, at: now}
		b.m[id] = bk
	}
	bk.tokens = math.Min(b.burst, bk.tokens+now.Sub(bk.at).Seconds()*b.rate)
	bk.at = now
	if bk.tokens >= 1 {
		bk.tokens--
		return 0, true
	}
	return time.Duration((1 - bk.tokens) / b.rate * float64(time.Second)), false
}

func (l Limits) String() string {
	return fmt.Sprintf("body ≤ %d bytes, %.0f req/s per caller (burst %d)", l.MaxBody, l.Rate, l.Burst)
}
