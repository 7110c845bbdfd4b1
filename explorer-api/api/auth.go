package api

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
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

// authenticate requires a client certificate issued under one organization's MSP roots
// and resolves its on-chain binding.
func (s *Server) authenticate(need access) gin.HandlerFunc {
	return func(c *gin.Context) {
		// what one identity may read is not for a shared cache
		c.Header("Cache-Control", "no-store")
		caller, why := s.identify(c)
		if caller == nil {
			problem(c, http.StatusUnauthorized, "UNAUTHENTICATED", "", "%s", why)
			return
		}
		if need == overseer && !caller.Overseer() {
			problem(c, http.StatusForbidden, "ACCESS_DENIED", "", "only the bureau and regulators may call %s; %s acts for %q (%s)", c.FullPath(), caller.Subject, caller.Participant, caller.Role)
			return
		}
		c.Set(callerKey, caller)
		c.Next()
	}
}

// identify maps the request's client certificate to its organization and the participant
// bound to it; nil and the reason when there is no certificate of the channel's orgs.
func (s *Server) identify(c *gin.Context) (*Caller, string) {
	if c.Request.TLS == nil || len(c.Request.TLS.PeerCertificates) == 0 {
		return nil, "this endpoint needs a client certificate of one of the channel's organizations (mutual TLS)"
	}
	certs := c.Request.TLS.PeerCertificates
	msp := s.mspOf(certs)
	if msp == "" {
		return nil, fmt.Sprintf("certificate %q is not issued by any organization of the channel", certs[0].Subject.String())
	}
	id := model.IdentityOf(msp, certs[0])
	caller := &Caller{MSPID: msp, Subject: id.Subject, Issuer: id.Issuer, IdentityKey: id.Key()}
	s.bind(c.Request.Context(), caller)
	return caller, ""
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
	caller, why := s.identify(c)
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

func (s *Server) mspOf(certs []*x509.Certificate) string {
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	for _, msp := range sortedKeys(s.Roots) {
		_, err := certs[0].Verify(x509.VerifyOptions{Roots: s.Roots[msp], Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err == nil {
			return msp
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
