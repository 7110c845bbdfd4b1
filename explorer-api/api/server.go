// Package api is the explorer's REST API (gin, /api/v1): traceability answers for
// source units, data exchanges, regulators and the public, each carrying its proof
// (transaction, block, block hash, endorsing organizations, time). Callers authenticate
// with a client certificate of one of the channel's organizations (mutual TLS, checked
// against the MSP roots and revocation lists of the newest channel configuration); the
// certificate's identity is mapped to the participant the bureau bound it to on chain,
// and the chaincode's visibility rule decides what it may read.
package api

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/indexer"
	"github.com/pdledger/pdledger/explorer-api/query"
	"github.com/pdledger/pdledger/explorer-api/store"
	"github.com/pdledger/pdledger/explorer-api/verify"
)

// Server serves the API.
type Server struct {
	// Channel is the channel (jurisdiction ledger) it serves; Hub.Add sets it.
	Channel string
	Store   *store.Store
	Indexer *indexer.Indexer // nil in store-only tests
	Ledger  query.Ledger     // nil: verification compares the index with itself only
	// Orgs is the channel's organizations as of the newest config block the indexer
	// verified (MSP roots and revocation lists), read on every authentication so that a
	// config update (a new CA, a revocation list) applies without a restart; main passes
	// Indexer.Orgs. Nil, or nil answers, authenticate nobody.
	Orgs func() *verify.Orgs
	// AnyOrgs reports whether an organization of any channel the process serves issued a
	// certificate (Hub sets it): the rate limiter counts a member of another channel's
	// orgs by its certificate, not by its address.
	AnyOrgs   func(certs []*x509.Certificate) bool
	Chaincode string
	Log       *slog.Logger
	// MaxLag is the index lag (blocks) above which /readyz answers 503.
	MaxLag uint64
	// Now is the clock for compliance reports (time.Now when nil).
	Now func() time.Time
	// Limits bound request bodies and each caller's request rate (DefaultLimits when zero).
	Limits   Limits
	verified verifiedCerts
	// TimeWindow: transactions whose claimed time is farther than this from their block's
	// are flagged (query.DefaultTimeWindow when zero).
	TimeWindow time.Duration

	requests atomic.Uint64
	errors4  atomic.Uint64
	errors5  atomic.Uint64
	latency  latencies
}

// access says who may call a route.
type access int

const (
	public   access = iota // anyone, no certificate needed
	member                 // any authenticated identity of the channel's orgs
	overseer               // bureau or regulator
)

type route struct {
	method, path, group, summary string
	access                       access
	params                       []param
	body                         string // request body description, "" for none
	h                            func(*Server, *gin.Context)
}

type param struct {
	name, in, desc string
	required       bool
}

func q(name, desc string) param { return param{name: name, in: "query", desc: desc} }
func p(name, desc string) param { return param{name: name, in: "path", desc: desc, required: true} }
func pageParams() []param {
	return []param{q("limit", "page size, 1-500 (default 100)"), q("cursor", "opaque cursor from the previous page")}
}
func with(ps []param, more ...param) []param { return append(append([]param{}, ps...), more...) }

// routeTable is the one table the router and the OpenAPI document are built from.
func routeTable() []route {
	return []route{
		{"GET", "/api/v1/public/authorizations", "public", "disclosed authorizations: operator, scope, term (Guangdong Art. 23)", public, pageParams(), "", publicKind(model.KindAuthorization)},
		{"GET", "/api/v1/public/products", "public", "registered products (the public product list)", public, pageParams(), "", publicKind(model.KindProduct)},
		{"GET", "/api/v1/public/fees", "public", "price caps and filed prices that are public", public, []param{q("proofs", "1: add \"proofs\", each item's transaction proof by transaction id")}, "", (*Server).publicFees},
		{"GET", "/api/v1/public/session", "identity", "who the caller is, without refusing a visitor without a certificate (the console's login state)", public, nil, "", (*Server).session},
		{"GET", "/api/v1/public/labels", "public", "the message catalogue: labels of record kinds and enumerated values, and every rule code's title, what was wrong, what is allowed and what to do, in Chinese and English (the console's and pdl's words)", public, nil, "", (*Server).labels},
		{"GET", "/api/v1/public/catalogue", "public", "the authorized-operation catalogue (catalogued resources)", public, pageParams(), "", publicKind(model.KindResource)},

		{"GET", "/api/v1/whoami", "identity", "how the explorer maps the caller's certificate to a participant", member, nil, "", (*Server).whoami},
		{"GET", "/api/v1/records/:kind/:id", "records", "one record as indexed, with its proof", member, []param{p("kind", "record kind"), p("id", "record id")}, "", (*Server).record},
		{"GET", "/api/v1/records/:kind/:id/history", "records", "every version of a record with the transaction of each", member, []param{p("kind", "record kind"), p("id", "record id")}, "", (*Server).recordHistory},

		{"GET", "/api/v1/resources/:id/provenance", "source units", "where a resource went: authorizations, applications, grants, products, prices, trades descending from it, with who did what when", member, []param{p("id", "resource id")}, "", (*Server).provenance},
		{"GET", "/api/v1/me/uses", "source units", "every use of the caller's resources (source units)", member, nil, "", (*Server).myUses},
		{"GET", "/api/v1/me/records", "identity", "the caller's own records of a kind, public or not (an operator's authorizations), with proofs", member, with(pageParams(), q("kind", "record kind (required)")), "", (*Server).myRecords},
		{"GET", "/api/v1/me/obligations", "identity", "the open deadlines the caller must meet (reviews and confirmations of applications, rectifications, deletion confirmations, price adjustments, answers to complaints; for the bureau also agreement filings and product reviews), the earliest first, overdue ones marked", member, nil, "", (*Server).myObligations},

		{"GET", "/api/v1/products/:id/check", "exchanges", "is the product registered, approved, in force, its operator's authorization active, its filed prices within their caps — with proof; reasons are codes (not_found, not_registered, not_approved, not_in_force, authorization_inactive, price_above_cap) labelled by /api/v1/public/labels", member, []param{p("id", "product id")}, "", (*Server).productCheck},
		{"GET", "/api/v1/products/:id/market", "exchanges", "a product's trades over time against its filed prices and their caps (time, unit price, exchange, transaction of each; quantities and amounts are commercial and not on the channel)", member, []param{p("id", "product id")}, "", (*Server).productMarket},
		{"POST", "/api/v1/products/check", "exchanges", "the product check for up to 100 products", member, nil, `{"ids": ["product id", ...]}`, (*Server).productCheckBatch},

		{"GET", "/api/v1/trail", "regulators", "the trail of a record or a party, filterable by kinds and time, cursor-paginated", overseer,
			with(pageParams(), q("kind", "subject record kind (with id)"), q("id", "subject record id"), q("party", "participant id"), q("kinds", "comma-separated record kinds"), q("from", "RFC 3339 start"), q("to", "RFC 3339 end")), "", (*Server).trail},
		{"GET", "/api/v1/compliance", "regulators", "compliance report: overdue obligations, terminated-but-still-used, prices above cap, revenue deviations, stale log streams, unanswered cases, authorizations without the emergency plan their profile requires; details in the Accept-Language", overseer, nil, "", (*Server).compliance},
		{"GET", "/api/v1/verify", "regulators", "chain verification report: the index against the ledger, block by block", overseer, []param{q("from", fmt.Sprintf("first block (default: the newest page); at most %d blocks per answer, `next` names the next page's first block", query.DefaultVerifyBlocks)), q("to", "last block (default the last indexed)")}, "", (*Server).verifyChain},

		{"POST", "/api/v1/logs/inclusion", "logs", "verify a log line's inclusion proof against the anchored root of that tree size", member, nil, `{"stream","index","size","line" or "leafHash","proof":[hex]}`, (*Server).logInclusion},
		{"POST", "/api/v1/logs/consistency", "logs", "verify that one anchored tree extends another", member, nil, `{"stream","from","to","proof":[hex]}`, (*Server).logConsistency},

		{"GET", "/api/v1/blocks", "ledger", "the latest blocks", member, []param{q("limit", "how many (default 20, max 500)"), q("before", "blocks below this number")}, "", (*Server).blocks},
		{"GET", "/api/v1/blocks/:number", "ledger", "one block by number with its transactions", member, []param{p("number", "block number")}, "", (*Server).blockByNumber},
		{"GET", "/api/v1/blocks/hash/:hash", "ledger", "one block by header hash (hex)", member, []param{p("hash", "block hash, hex")}, "", (*Server).blockByHash},
		{"GET", "/api/v1/txs/:id", "ledger", "one transaction with the records it changed", member, []param{p("id", "transaction id")}, "", (*Server).txByID},
	}
}

// Router builds the gin engine of a server serving its channel alone (see Hub).
func (s *Server) Router() *gin.Engine {
	h := NewHub()
	_ = h.Add(s.Channel, s)
	return h.Router()
}

// index is the query layer over the server's store and ledger: the handlers parse the
// request, ask it, and serialize its answer.
func (s *Server) index() *query.Index {
	return &query.Index{Store: s.Store, Ledger: s.Ledger, Chaincode: s.Chaincode, TimeWindow: s.TimeWindow}
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.requests.Add(1)
	switch st := c.Writer.Status(); {
	case st >= 500:
		s.errors5.Add(1)
	case st >= 400:
		s.errors4.Add(1)
	}
	s.latency.add(c.FullPath(), time.Since(start))
}

// Problem is an RFC 9457 problem details body with PDLedger's stable code.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Param  string `json:"param,omitempty"`
}

// problem answers an RFC 9457 problem. Title and detail are for people, in the language
// the caller's Accept-Language prefers (Chinese or English, from the message catalogue,
// docs/errors.md): the catalogue's title, and the specific detail framed by what was
// wrong and what to do. Code, status and param are for machines and never change with
// the language.
func problem(c *gin.Context, status int, code, param, format string, a ...any) {
	lang := model.ParseLang(c.GetHeader("Accept-Language"))
	title, detail := http.StatusText(status), fmt.Sprintf(format, a...)
	if m, ok := model.Describe(model.Code(code), lang); ok {
		title = m.Title
		if lang == model.ZH {
			detail = m.Wrong + "（" + detail + "）" + m.Action
		} else {
			detail = strings.TrimSuffix(detail, ".") + ". " + m.Action
		}
	}
	c.Header("Content-Type", "application/problem+json")
	c.Header("Content-Language", string(lang))
	c.Header("Vary", "Accept-Language")
	c.AbortWithStatusJSON(status, Problem{Type: "https://pdledger.example/problems/" + strings.ToLower(code), Title: title,
		Status: status, Detail: detail, Code: code, Param: param})
	// gin sets application/json; keep the problem type
	c.Writer.Header().Set("Content-Type", "application/problem+json")
}

func badParam(c *gin.Context, name, format string, a ...any) {
	problem(c, http.StatusBadRequest, "BAD_PARAMETER", name, "parameter %q: %s", name, fmt.Sprintf(format, a...))
}

func (s *Server) storeErr(c *gin.Context, what string, err error) {
	if errors.Is(err, store.ErrNotFound) {
		problem(c, http.StatusNotFound, "NOT_FOUND", "", "%s not found", what)
		return
	}
	if errors.Is(err, store.ErrBadCursor) {
		badParam(c, "cursor", "%q is not a cursor of this list: pass the \"next\" of the previous page", c.Query("cursor"))
		return
	}
	s.Log.Error("store", "what", what, "err", err)
	problem(c, http.StatusInternalServerError, "INTERNAL", "", "%s: the index could not be read", what)
}

// sortedKeys is for deterministic JSON of computed maps.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
