package model

import "time"

// Replay is a replay session: the bureau opens it to load dated history (the demo's three
// months of the Longhua pilot) and closes it after. While it is open, and only on chaincode
// servers whose operator allows replay, proposals are not held to the endorsers' clocks;
// every transaction of the session carries its id (Event.Replay) so the explorer marks
// every record it touched. The session itself is public.
type Replay struct {
	Meta
	Reason   string `json:"reason"`
	Status   string `json:"status"` // open, closed
	OpenedBy string `json:"openedBy"`
	// ExpiresAt ends the session by itself: after it, every endorser holds proposals to
	// its clock again, whether or not the session was closed.
	ExpiresAt time.Time `json:"expiresAt"`
	ClosedAt  time.Time `json:"closedAt,omitempty"`
	ClosedTx  string    `json:"closedTx,omitempty"`
}

// Parties of a replay session: none (it is public).
func (r *Replay) Parties() []string { return nil }

// Replay session states.
const (
	ReplayOpen   = "open"
	ReplayClosed = "closed"
)

// OpenReplayRequest opens a replay session (bureau only, at real time).
type OpenReplayRequest struct {
	Request
	Reason string `json:"reason" pdl:"req,max=512"`
	// Minutes the session may stay open (default 60, at most 240).
	Minutes int `json:"minutes,omitempty" pdl:"ge=0,le=240"`
}

// CloseReplayRequest closes the open replay session (bureau only).
type CloseReplayRequest struct {
	Request
	Replay string `json:"replay" pdl:"req,fmt=id"`
}

// ReplayState answers System:ReplayState: the open session, if any, and how this
// endorser treats proposal times.
type ReplayState struct {
	Open *Replay `json:"open,omitempty"`
}

func init() {
	registerKind(KindReplay, func() Record { return &Replay{} })
	RegisterFuncs(
		W[OpenReplayRequest, Replay]("System:OpenReplay", "open a replay session for dated history (bureau; demo networks only)"),
		W[CloseReplayRequest, Replay]("System:CloseReplay", "close the open replay session (bureau)"),
		R[Empty, ReplayState]("System:ReplayState", "the open replay session, if any (public)"),
	)
}
