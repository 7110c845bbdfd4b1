package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/explorer-api/query"
)

// ChannelInfo is one channel of GET /api/v1/public/channels.
type ChannelInfo struct {
	Channel string `json:"channel"`
	// Default: requests that name no channel read this one.
	Default bool `json:"default"`
	// Jurisdiction is the policy profile in force as indexed; null before the bureau set one.
	Jurisdiction *query.Jurisdiction `json:"jurisdiction"`
	// Indexed is how many blocks of the channel's ledger the explorer has verified and stored.
	Indexed uint64 `json:"indexed"`
	// Error says the channel's index could not be read (the others are still listed).
	Error string `json:"error,omitempty"`
}

func (h *Hub) channels(c *gin.Context) {
	out := []ChannelInfo{}
	for i, ch := range h.Channels() {
		s := h.Server(ch)
		j, err := s.index().Jurisdiction(c.Request.Context())
		var next uint64
		if err == nil {
			next, _, err = s.Store.Checkpoint(c.Request.Context())
		}
		if err != nil {
			s.Log.Error("channels: index unreadable", "channel", ch, "err", err)
			out = append(out, ChannelInfo{Channel: ch, Default: i == 0, Error: "the channel's index could not be read"})
			continue
		}
		out = append(out, ChannelInfo{Channel: ch, Default: i == 0, Jurisdiction: j, Indexed: next})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// Oversight is the cross-channel compliance report of GET /api/v1/oversight/compliance.
type Oversight struct {
	At time.Time `json:"at"`
	// Jurisdictions is the comparison table: one row per channel the caller oversees, in
	// the order of /api/v1/public/channels.
	Jurisdictions []JurisdictionRow `json:"jurisdictions"`
	// Findings are every covered channel's, each with its channel and jurisdiction.
	Findings []ChannelFinding `json:"findings"`
	// NotCovered names the channels the caller does not oversee, and why; none of their
	// data is in the report.
	NotCovered []NotCovered `json:"notCovered"`
}

// JurisdictionRow is one jurisdiction in the comparison.
type JurisdictionRow struct {
	Channel      string              `json:"channel"`
	Jurisdiction *query.Jurisdiction `json:"jurisdiction"`
	// Participant and Role: whom the caller's certificate acts for on this ledger.
	Participant          string         `json:"participant"`
	Role                 string         `json:"role"`
	Authorizations       int            `json:"authorizations"`
	ActiveAuthorizations int            `json:"activeAuthorizations"`
	Products             int            `json:"products"`
	Overdue              int            `json:"overdue"`
	PriceDeviations      int            `json:"priceDeviations"` // prices above their cap and revenue deviations awaiting action
	Findings             int            `json:"findings"`
	Counts               map[string]int `json:"counts"`
}

// ChannelFinding is a compliance finding with the jurisdiction it was found in.
type ChannelFinding struct {
	Channel      string `json:"channel"`
	Jurisdiction string `json:"jurisdiction"`
	query.Finding
}

// NotCovered is a channel left out of the report.
type NotCovered struct {
	Channel      string `json:"channel"`
	Jurisdiction string `json:"jurisdiction,omitempty"`
	// Why is for machines: "unauthenticated" (the certificate is not accepted on that
	// channel, or is revoked there), "unbound" (bound to no participant there) or
	// "not_overseer" (bound to Participant, whose Role is neither bureau nor regulator, or
	// who is not active).
	Why         string `json:"why"`
	Participant string `json:"participant,omitempty"`
	Role        string `json:"role,omitempty"`
	// Reason is for people, in the language the request prefers.
	Reason string `json:"reason"`
}

// oversight authenticates the caller on every channel separately (each channel's MSP
// roots, revocation lists and bindings) and reports over those where it is bound to
// the bureau or a regulator. A provincial regulator is a regulator on each district's
// ledger; a district bureau sees its own district only. Nothing of a channel is read
// before the caller is authenticated there, and a channel whose index cannot be read is
// named, not a reason to answer nothing.
func (h *Hub) oversight(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ctx := c.Request.Context()
	rep := Oversight{At: h.now().UTC(), Jurisdictions: []JurisdictionRow{}, Findings: []ChannelFinding{}, NotCovered: []NotCovered{}}
	firstWhy, revokedWhy, anyIdentified := "", "", false
	lang := model.ParseLang(c.GetHeader("Accept-Language"))
	zh := lang == model.ZH
	c.Header("Content-Language", string(lang))
	c.Writer.Header().Add("Vary", "Accept-Language")
	for _, ch := range h.Channels() {
		s := h.Server(ch)
		caller, why, revoked := s.identify(c)
		if caller == nil {
			if firstWhy == "" {
				firstWhy = why
			}
			if revoked && revokedWhy == "" {
				revokedWhy = why
			}
			reason := why
			if zh {
				reason = "该通道不接受此证书（" + why + "）"
			}
			rep.NotCovered = append(rep.NotCovered, NotCovered{Channel: ch, Why: "unauthenticated", Reason: reason})
			continue
		}
		anyIdentified = true
		if !caller.Overseer() {
			nc := NotCovered{Channel: ch, Why: "unbound", Participant: caller.Participant, Role: caller.Role,
				Reason: fmt.Sprintf("on this ledger %s is bound to no participant", caller.Subject)}
			if zh {
				nc.Reason = "在该账本上，此证书未绑定任何参与方"
			}
			if caller.Participant != "" {
				nc.Why, nc.Reason = "not_overseer", fmt.Sprintf("on this ledger %s acts for %q (%s, active %v), neither bureau nor regulator", caller.Subject, caller.Participant, caller.Role, caller.Active)
				if zh {
					nc.Reason = fmt.Sprintf("在该账本上，此证书代表参与方 %s（%s），不是有效的实施机构或监管方", caller.Participant, caller.Role)
				}
			}
			rep.NotCovered = append(rep.NotCovered, nc)
			continue
		}
		j, err := s.index().Jurisdiction(ctx)
		var r *query.Report
		if err == nil {
			r, err = s.index().Compliance(ctx, rep.At)
		}
		if r != nil && zh {
			r.Localize(model.ZH)
		}
		if err != nil {
			s.Log.Error("oversight: channel index unreadable", "channel", ch, "err", err)
			reason := "the channel's index could not be read; see the explorer's log"
			if zh {
				reason = "该通道的索引读取失败，详见浏览器服务日志"
			}
			rep.NotCovered = append(rep.NotCovered, NotCovered{Channel: ch, Why: "unreadable", Participant: caller.Participant, Role: caller.Role, Reason: reason})
			continue
		}
		name := ""
		if j != nil {
			name = j.ZH
		}
		rep.Jurisdictions = append(rep.Jurisdictions, JurisdictionRow{Channel: ch, Jurisdiction: j, Participant: caller.Participant, Role: caller.Role,
			Authorizations: r.Totals.Authorizations, ActiveAuthorizations: r.Totals.ActiveAuthorizations, Products: r.Totals.Products,
			Overdue: r.Counts[string(model.FindingOverdue)], PriceDeviations: r.Counts[string(model.FindingPriceAboveCap)] + r.Counts[string(model.FindingRevenueDeviation)],
			Findings: len(r.Findings), Counts: r.Counts})
		for _, f := range r.Findings {
			rep.Findings = append(rep.Findings, ChannelFinding{Channel: ch, Jurisdiction: name, Finding: f})
		}
	}
	if len(rep.Jurisdictions) == 0 {
		switch {
		case revokedWhy != "" && !anyIdentified:
			unauthenticated(c, revokedWhy, true)
		case !anyIdentified:
			unauthenticated(c, firstWhy, false)
		default:
			problem(c, http.StatusForbidden, "ACCESS_DENIED", "", "the caller oversees none of the %d channels: it is bound to the bureau or a regulator on none of them", len(h.Channels()))
		}
		return
	}
	// the jurisdiction of a channel left out is public (its profile), named once the
	// caller is known to oversee something
	for i := range rep.NotCovered {
		if j, err := h.Server(rep.NotCovered[i].Channel).index().Jurisdiction(ctx); err == nil && j != nil {
			rep.NotCovered[i].Jurisdiction = j.ZH
		}
	}
	c.JSON(http.StatusOK, rep)
}
