package api

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/console"
)

// Hub serves every channel the explorer indexes through one router. Each channel is a
// jurisdiction's ledger with a Server of its own (store, indexer, organizations); a
// request names its channel with the "channel" query parameter, the first channel when
// it names none. What a caller may read is decided per channel, by the participant its
// certificate is bound to on that channel's ledger: a binding on one jurisdiction's
// ledger grants nothing on another's.
type Hub struct {
	mu      sync.RWMutex
	servers map[string]*Server
	order   []string
	// Now is the clock of the cross-channel report (time.Now when nil).
	Now func() time.Time
}

// NewHub is a hub with no channel yet.
func NewHub() *Hub { return &Hub{servers: map[string]*Server{}} }

// Add serves a channel; the first added is the default channel. Safe while the router
// serves: a channel created on the running network appears without a restart.
func (h *Hub) Add(channel string, s *Server) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.servers[channel]; dup {
		return fmt.Errorf("channel %s is served already", channel)
	}
	s.Channel = channel
	h.servers[channel] = s
	h.order = append(h.order, channel)
	return nil
}

// Channels lists the channels served, the default first.
func (h *Hub) Channels() []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return append([]string(nil), h.order...)
}

// Server is the server of a channel, nil if none.
func (h *Hub) Server(channel string) *Server {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.servers[channel]
}

func (h *Hub) first() *Server {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.order) == 0 {
		return nil
	}
	return h.servers[h.order[0]]
}

func (h *Hub) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// issuedByAnOrg reports whether an organization of any channel served issued certs.
func (h *Hub) issuedByAnOrg(certs []*x509.Certificate) bool {
	for _, ch := range h.Channels() {
		if msp, _ := mspOf(h.Server(ch).orgs(), certs); msp != "" {
			return true
		}
	}
	return false
}

// pick is the server of the request's channel, or nil after answering why there is none.
// The channel is named once: a second channel parameter is refused, as a proxy or log
// reading the other one would see another channel than the one answered.
func (h *Hub) pick(c *gin.Context) *Server {
	if names := c.QueryArray("channel"); len(names) > 1 {
		badParam(c, "channel", "named %d times; name one channel", len(names))
		return nil
	}
	name := c.Query("channel")
	if name == "" {
		return h.first()
	}
	// a channel served is found by its name as it is (the first may carry any name
	// Fabric allows); any other must be a channel name before it is echoed back
	s := h.Server(name)
	if s == nil && !model.ChannelName.MatchString(name) {
		badParam(c, "channel", "%q is not a channel name (lower-case letters, digits and '-', starting with a letter)", name)
		return nil
	}
	if s == nil {
		problem(c, http.StatusNotFound, "UNKNOWN_CHANNEL", "channel", "no channel %q is indexed here; channels: %s", name, strings.Join(h.Channels(), ", "))
		return nil
	}
	return s
}

// Router builds the gin engine. The request-rate limit and the metrics of requests are
// the process's (kept by the default channel's server): a caller's rate does not
// multiply by the channels it names.
//
// Precondition: at least one channel was added.
func (h *Hub) Router() *gin.Engine {
	d := h.first()
	if d == nil {
		panic("api: Hub.Router with no channel")
	}
	d.AnyOrgs = h.issuedByAnOrg
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), d.observe, d.limit(), wellFormed)
	for _, rt := range hubRoutes() {
		rt := rt
		r.Handle(rt.method, rt.path, func(c *gin.Context) { rt.h(h, c) })
	}
	for _, rt := range routeTable() {
		rt := rt
		r.Handle(rt.method, rt.path, func(c *gin.Context) {
			s := h.pick(c)
			if s == nil {
				return
			}
			if s.Channel != "" {
				c.Header("PDL-Channel", s.Channel)
			}
			if rt.access != public && !s.authorize(c, rt.access) {
				return
			}
			rt.h(s, c)
		})
	}
	console.Register(r)
	r.NoRoute(func(c *gin.Context) {
		problem(c, http.StatusNotFound, "NOT_FOUND", "", "no route %s %s; see /openapi.json", c.Request.Method, c.Request.URL.Path)
	})
	return r
}

// hubRoute is a route over every channel (or none): operations, the channel list and
// the cross-channel oversight report.
type hubRoute struct {
	method, path, group, summary string
	access                       access
	params                       []param
	h                            func(*Hub, *gin.Context)
}

func hubRoutes() []hubRoute {
	return []hubRoute{
		{"GET", "/healthz", "ops", "liveness: the process and every channel's database answer", public, nil, (*Hub).healthz},
		{"GET", "/readyz", "ops", "readiness: each channel's index is within MaxLag blocks of its ledger and no block was refused", public,
			[]param{q("channel", "one channel only (default: all; \"indexer\" is the default channel's)")}, (*Hub).readyz},
		{"GET", "/metrics", "ops", "Prometheus metrics", public, nil, (*Hub).metrics},
		{"GET", "/openapi.json", "ops", "this document", public, nil, func(_ *Hub, c *gin.Context) { c.JSON(http.StatusOK, OpenAPI()) }},
		{"GET", "/api/v1/public/channels", "public", "the channels indexed — one per jurisdiction — with the policy profile in force on each and how far each is indexed; the first is the default of every endpoint's channel parameter", public, nil, (*Hub).channels},
		{"GET", "/api/v1/oversight/compliance", "regulators", "one compliance report over every channel where the caller's certificate is bound to the bureau or a regulator: each finding with its channel and jurisdiction, and a comparison per jurisdiction (authorizations, products, overdue obligations, price deviations); channels where it is not are named, not read", overseer, nil, (*Hub).oversight},
	}
}
