package network

import (
	"fmt"
	"strings"
)

// Summary describes the running network for humans: endpoints, identities, logs, and how
// to use the CLI.
func (n *Net) Summary() string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	w("PDLedger network: channel %q, chaincode %q (CCaaS, one server per org)", n.T.Channel, n.T.Chaincode.Name)
	w("  batch timeout %s, Raft tick %s x election %d, snapshot every %s", n.T.Orderer.BatchTimeout,
		n.T.Orderer.Raft.TickInterval, n.T.Orderer.Raft.ElectionTick, n.T.Orderer.Raft.SnapshotIntervalSize)
	w("")
	w("  %-18s %-22s %-22s %s", "NODE", "LISTEN", "OPERATIONS (mTLS)", "OTHER")
	for _, o := range n.T.Orderers() {
		w("  %-18s %-22s %-22s admin %s", o.ID(), o.Addr(), o.OpsAddr(), o.AdminAddr())
	}
	for _, p := range n.T.Peers() {
		w("  %-18s %-22s %-22s chaincode server %s", p.ID(), p.Addr(), p.OpsAddr(), p.CCaaSAddr())
	}
	w("  %-18s https://%s:%d", "explorer API", n.T.Host, n.T.Explorer.Port)
	w("")
	w("  identities:  %s/<name>.json (bureau, regulator, exchange, operator, partner, sourceunit-userN, ...)", n.L.ProfilesDir())
	w("  crypto:      %s", n.L.CryptoDir())
	w("  logs:        %s/logs/<process>.log   pids: %s/pids", n.L.Run, n.L.Run)
	w("  status:      go run ./network/cmd/pdlnet status")
	w("  CLI:         go run ./client/cmd/pdl --profile bureau participant list")
	return b.String()
}
