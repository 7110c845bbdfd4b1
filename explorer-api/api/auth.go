package api

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/verify"
)

// Caller is the authenticated identity and the participant it acts for.
type Caller struct {
	MSPID       string `json:"mspId"`
	Subject     string `json:"subject"`
	Issuer      string `json:"issuer"`
	IdentityKey string `json:"identityKey"`
	Participant string `json:"participant,omitempty"`
	Role        string `json:"role,omitempty"`
	Active      bool   `json:"active"`
}

// Overseer reports whether the caller sees everything (bureau, regulators).
func (c *Caller) Overseer() bool {
	return c != nil && c.Active && (c.Role == string(model.RoleBureau) || c.Role == string(model.RoleRegulator))
}

// Reader is the caller as the visibility rule (model.CanRead) sees it.
func (c *Caller) Reader() model.Reader {
	if c == nil {
		return model.Reader{}
	}
	return model.Reader{Participant: c.Participant, Role: model.Role(c.Role), Active: c.Active}
}

const callerKey = "pdl.caller"

// authorize requires a client certificate issued under one organization's MSP roots
// and not revoked by it, resolves its on-chain binding and checks it against need; false
// when it answered the refusal.
func (s *Server) authorize(c *gin.Context, need access) bool {
	// what one identity may read is not for a shared cache
	c.Header("Cache-Control", "no-store")
	caller, why, revoked := s.identify(c)
	if caller == nil {
		unauthenticated(c, why, revoked)
		return false
	}
	if need == overseer && !caller.Overseer() {
		problem(c, http.StatusForbidden, "ACCESS_DENIED", "", "only the bureau and regulators may call %s; %s acts for %q (%s)", c.FullPath(), caller.Subject, caller.Participant, caller.Role)
		return false
	}
	c.Set(callerKey, caller)
	return true
}

// unauthenticated answers 401. A certificate its own organization revoked gets its own
// code: its holder needs a new certificate, not another try with the same one.
func unauthenticated(c *gin.Context, why string, revoked bool) {
	if revoked {
		problem(c, http.StatusUnauthorized, "CERT_REVOKED", "", "%s", why)
		return
	}
	problem(c, http.StatusUnauthorized, "UNAUTHENTICATED", "", "%s", why)
}

// identify maps the request's client certificate to its organization and the participant
// bound to it; nil and the reason when there is no certificate of the channel's orgs, or
// when its organization revoked it (revoked true).
func (s *Server) identify(c *gin.Context) (caller *Caller, why string, revoked bool) {
	if c.Request.TLS == nil || len(c.Request.TLS.PeerCertificates) == 0 {
		return nil, "this endpoint needs a client certificate of one of the channel's organizations (mutual TLS)", false
	}
	certs := c.Request.TLS.PeerCertificates
	// one configuration for both questions: a config block arriving in between must not
	// pair one config's chain with another's revocation lists
	orgs := s.orgs()
	if orgs == nil {
		return nil, "the explorer has not read the channel configuration yet (see /readyz); try again later", false
	}
	msp, chains := mspOf(orgs, certs)
	if msp == "" {
		return nil, fmt.Sprintf("certificate %q is not issued by any organization of the channel", certs[0].Subject.String()), false
	}
	if why := revocation(orgs, msp, chains); why != "" {
		return nil, why, true
	}
	id := model.IdentityOf(msp, certs[0])
	caller = &Caller{MSPID: msp, Subject: id.Subject, Issuer: id.Issuer, IdentityKey: id.Key()}
	s.bind(c.Request.Context(), caller)
	return caller, "", false
}

// Session answers who the caller is without refusing anyone: the console asks it on
// every page, and a visitor without a certificate is the public, not an error.
type Session struct {
	Authenticated bool    `json:"authenticated"`
	Caller        *Caller `json:"caller,omitempty"`
	// Reason says why a presented certificate was not accepted.
	Reason string `json:"reason,omitempty"`
}

func (s *Server) session(c *gin.Context) {
	caller, why, _ := s.identify(c)
	c.Header("Cache-Control", "no-store")
	if caller == nil {
		if c.Request.TLS == nil || len(c.Request.TLS.PeerCertificates) == 0 {
			why = ""
		}
		c.JSON(http.StatusOK, Session{Reason: why})
		return
	}
	c.JSON(http.StatusOK, Session{Authenticated: true, Caller: caller})
}

// orgs is the channel's organizations as of the newest configuration, nil before it
// was read.
func (s *Server) orgs() *verify.Orgs {
	if s.Orgs == nil {
		return nil
	}
	return s.Orgs()
}

// mspOf names the organization of orgs whose MSP issued certs[0] (with its intermediates
// and those the client sent) and the chains it verified along; "" when none did.
func mspOf(orgs *verify.Orgs, certs []*x509.Certificate) (string, [][]*x509.Certificate) {
	if orgs == nil {
		return "", nil
	}
	for _, msp := range orgs.MSPs() {
		if chains := orgs.ClientChains(msp, certs); len(chains) > 0 {
			return msp, chains
		}
	}
	return "", nil
}

// revocation says why msp refuses the certificate the chains start from: "" when one
// chain holds no certificate a revocation list of msp names. The client certificate is
// on every chain; a revoked intermediate refuses only if no other chain avoids it.
func revocation(orgs *verify.Orgs, msp string, chains [][]*x509.Certificate) string {
	first := ""
	for _, chain := range chains {
		why := revokedIn(orgs, msp, chain)
		if why == "" {
			return ""
		}
		if first == "" {
			first = why
		}
	}
	return first
}

// revokedIn checks every certificate of a verified chain but its root: a root is the
// MSP's trust anchor, taken out by a config update, not by a list.
func revokedIn(orgs *verify.Orgs, msp string, chain []*x509.Certificate) string {
	for _, cert := range chain[:len(chain)-1] {
		if r, why := orgs.Revoked(msp, cert); r {
			return why
		}
	}
	return ""
}

// bind looks the identity up in the index: binding → participant.
func (s *Server) bind(ctx context.Context, caller *Caller) {
	rec, err := s.Store.Record(ctx, string(model.KindIdentity), caller.IdentityKey)
	if err != nil {
		return
	}
	var b model.IdentityBinding
	if json.Unmarshal(rec.Data, &b) != nil || b.MSPID != caller.MSPID {
		return
	}
	prec, err := s.Store.Record(ctx, string(model.KindParticipant), b.Participant)
	if err != nil {
		return
	}
	var p model.Participant
	if json.Unmarshal(prec.Data, &p) != nil {
		return
	}
	caller.Participant, caller.Role = p.ID, string(p.Role)
	caller.Active = b.Status == model.StatusActive && p.Status == model.StatusActive
}

func callerOf(c *gin.Context) *Caller {
	v, ok := c.Get(callerKey)
	if !ok {
		return nil
	}
	return v.(*Caller)
}

func (s *Server) whoami(c *gin.Context) {
	c.JSON(http.StatusOK, callerOf(c))
}
