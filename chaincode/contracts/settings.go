package contracts

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// Settings are one org's chaincode server's own configuration: what its operator decides
// for its endorsements, independently of the other orgs (so a majority of endorsements
// means a majority of independent settings agreed). They come from the environment of
// pdlcc (see SettingsFromEnv); unit tests set them directly.
type Settings struct {
	// TimeWindow bounds |proposal timestamp − this server's clock|. Fabric takes a
	// transaction's time from the client's proposal and endorsers do not check it; the
	// chaincode's rules run on that time, so every server refuses a proposal outside the
	// window (TX_TIME_SKEW). 0 turns the check off (unit tests with a simulated clock).
	TimeWindow time.Duration
	// Clock is this server's clock (time.Now outside tests).
	Clock func() time.Time
	// ReplayAllowed lets an open replay session (System:OpenReplay, bureau only) accept
	// proposals outside TimeWindow: dated history replayed on a demo network. Off on any
	// network not started for a demo.
	ReplayAllowed bool
	// Bench enables the benchmarks' bare-write baselines: System:BenchPut through the
	// contract layer and BenchPlainPut in the shim alone (BenchServed).
	Bench bool
	// BootstrapMSP and BootstrapAdmin name who may call Participant:Bootstrap, and later
	// Participant:SetOrgs: an admin of that MSP whose certificate's SHA-256 (hex, of the
	// DER) is BootstrapAdmin. Empty BootstrapAdmin: any admin of BootstrapMSP; both
	// empty: any admin (unit tests).
	BootstrapMSP   string
	BootstrapAdmin string
	// Orgs are the channel's peer orgs (MSP ids). Bootstrap and SetOrgs record them on
	// the ledger (key-level endorsement policies are built from them) only if they equal
	// these: when an org joins or leaves the channel, every server is restarted with the
	// new list before the bureau's admin calls Participant:SetOrgs.
	Orgs []string
	// Auditors are certificates (SHA-256 hex of the DER) that may compare world state with
	// an index (System:Digests) besides org admins, the bureau and regulators: the
	// explorer's indexer, which reads raw blocks anyway.
	Auditors []string
	// MSP is this server's org, and CommercialOrgs the members of the commercial fields'
	// collection: a server outside it refuses commercial requests (COMMERCIAL_NOT_MEMBER)
	// and its queries never read the collection. Both empty: a member (unit tests).
	MSP            string
	CommercialOrgs []string
}

// DefaultTimeWindow is the skew allowed between a proposal's timestamp and an endorser's
// clock when the server's environment sets none.
const DefaultTimeWindow = 5 * time.Minute

// settings are the running server's (SettingsFromEnv in pdlcc; the zero value in tests).
var settings = Settings{Clock: time.Now}

// Configure installs the server's settings; call it before serving.
func Configure(s Settings) {
	if s.Clock == nil {
		s.Clock = time.Now
	}
	s.Orgs = append([]string(nil), s.Orgs...)
	sort.Strings(s.Orgs)
	settings = s
}

// CurrentSettings returns the installed settings.
func CurrentSettings() Settings { return settings }

// SettingsFromEnv reads the server's settings:
//
//	PDL_TX_TIME_WINDOW   e.g. 5m (default); at least 1s, at most 24h
//	PDL_REPLAY           "allowed" on a demo network, unset otherwise
//	PDL_BENCH            "on" to enable System:BenchPut and BenchPlainPut
//	PDL_BOOTSTRAP_MSP    the bureau's MSP id
//	PDL_BOOTSTRAP_ADMIN  SHA-256 (hex) of the bureau admin certificate (DER)
//	PDL_ORGS             the channel's peer orgs, comma-separated MSP ids
//	PDL_AUDITORS         certificates (SHA-256 hex) that may call System:Digests
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	s := Settings{TimeWindow: DefaultTimeWindow, Clock: time.Now}
	if v := getenv("PDL_TX_TIME_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			return s, fmt.Errorf("PDL_TX_TIME_WINDOW=%q: a duration between 1s and 24h", v)
		}
		s.TimeWindow = d
	}
	switch v := getenv("PDL_REPLAY"); v {
	case "", "off":
	case "allowed":
		s.ReplayAllowed = true
	default:
		return s, fmt.Errorf("PDL_REPLAY=%q: \"allowed\" or unset", v)
	}
	switch v := getenv("PDL_BENCH"); v {
	case "", "off":
	case "on":
		s.Bench = true
	default:
		return s, fmt.Errorf("PDL_BENCH=%q: \"on\" or unset", v)
	}
	s.BootstrapMSP = getenv("PDL_BOOTSTRAP_MSP")
	s.BootstrapAdmin = strings.ToLower(getenv("PDL_BOOTSTRAP_ADMIN"))
	s.Orgs = list(getenv("PDL_ORGS"))
	s.Auditors = list(strings.ToLower(getenv("PDL_AUDITORS")))
	s.MSP = strings.TrimSpace(getenv("PDL_MSP"))
	s.CommercialOrgs = list(getenv("PDL_COMMERCIAL_ORGS"))
	// A server without them would let any admin bootstrap the ledger with any org list
	// (and an owner policy of one org): refuse to start instead.
	switch {
	case s.BootstrapMSP == "" || s.BootstrapAdmin == "":
		return s, fmt.Errorf("PDL_BOOTSTRAP_MSP and PDL_BOOTSTRAP_ADMIN must name the bureau's MSP and its admin certificate (SHA-256)")
	case len(s.Orgs) < 2:
		return s, fmt.Errorf("PDL_ORGS must list the channel's peer orgs (at least two), comma-separated")
	case s.MSP == "" || len(s.CommercialOrgs) == 0:
		// without them a non-member's server would take commercial requests
		return s, fmt.Errorf("PDL_MSP (this org's MSP id) and PDL_COMMERCIAL_ORGS (the members of collection %q) must be set", "commercial")
	}
	return s, nil
}

// list splits a comma-separated setting, sorted.
func list(v string) []string {
	var out []string
	for _, o := range strings.Split(v, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	sort.Strings(out)
	return out
}

// String describes the settings for the server's log and `make status`.
func (s Settings) String() string {
	replay := "off"
	if s.ReplayAllowed {
		replay = "allowed"
	}
	return fmt.Sprintf("time window %s, replay %s, bench %v, bootstrap %s, orgs %s", s.TimeWindow, replay, s.Bench, s.BootstrapMSP, strings.Join(s.Orgs, ","))
}
