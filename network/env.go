package network

import (
	"fmt"
	"path/filepath"
	"strings"
)

// list renders a path list for orderer settings, which Fabric decodes as "[a,b]".
func list(paths []string) string { return "[" + strings.Join(paths, ",") + "]" }

// words renders a path list for peer settings: viper reads an environment string slice
// as white-space separated words.
func words(paths []string) string { return strings.Join(paths, " ") }

// gossipReconnect is how often a peer retries a gossip member it could not reach (see
// PeerEnv). Measured on `make up`: 25 s (Fabric's default) → cross-org discovery converged
// after 25.9 s; with 2 s it converges within a few seconds.
const gossipReconnect = "2s"

// OrdererEnv is the environment of an orderer process: no system channel, channel
// participation API on a mutual-TLS admin endpoint, client authentication on the main
// listener and on operations, Raft WAL and snapshots under the node's data directory.
func OrdererEnv(t *Topology, l Layout, n *Node) []string {
	c := NewCrypto(t, l)
	cert, key := c.NodeTLS(n)
	o := n.Org()
	data := l.DataDir(n.ID())
	return []string{
		"FABRIC_CFG_PATH=" + l.ConfigDir(),
		"FABRIC_LOGGING_SPEC=info",
		"ORDERER_GENERAL_LISTENADDRESS=" + n.Host,
		fmt.Sprintf("ORDERER_GENERAL_LISTENPORT=%d", n.Port),
		"ORDERER_GENERAL_LOCALMSPID=" + o.MSPID,
		"ORDERER_GENERAL_LOCALMSPDIR=" + c.NodeMSP(n),
		"ORDERER_GENERAL_TLS_ENABLED=true",
		"ORDERER_GENERAL_TLS_PRIVATEKEY=" + key,
		"ORDERER_GENERAL_TLS_CERTIFICATE=" + cert,
		"ORDERER_GENERAL_TLS_ROOTCAS=" + list([]string{c.TLSCA(o)}),
		"ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED=true",
		"ORDERER_GENERAL_TLS_CLIENTROOTCAS=" + list(c.AllTLSCAs()),
		"ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=" + cert,
		"ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=" + key,
		"ORDERER_GENERAL_CLUSTER_ROOTCAS=" + list([]string{c.TLSCA(o)}),
		"ORDERER_GENERAL_CLUSTER_RPCTIMEOUT=" + t.Orderer.ClusterRPCTimeout,
		"ORDERER_GENERAL_BOOTSTRAPMETHOD=none",
		"ORDERER_CHANNELPARTICIPATION_ENABLED=true",
		"ORDERER_ADMIN_LISTENADDRESS=" + n.AdminAddr(),
		"ORDERER_ADMIN_TLS_ENABLED=true",
		"ORDERER_ADMIN_TLS_PRIVATEKEY=" + key,
		"ORDERER_ADMIN_TLS_CERTIFICATE=" + cert,
		"ORDERER_ADMIN_TLS_ROOTCAS=" + list([]string{c.TLSCA(o)}),
		"ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true",
		"ORDERER_ADMIN_TLS_CLIENTROOTCAS=" + list([]string{c.TLSCA(o)}),
		"ORDERER_OPERATIONS_LISTENADDRESS=" + n.OpsAddr(),
		"ORDERER_OPERATIONS_TLS_ENABLED=true",
		"ORDERER_OPERATIONS_TLS_PRIVATEKEY=" + key,
		"ORDERER_OPERATIONS_TLS_CERTIFICATE=" + cert,
		"ORDERER_OPERATIONS_TLS_CLIENTAUTHREQUIRED=true",
		"ORDERER_OPERATIONS_TLS_CLIENTROOTCAS=" + list([]string{c.TLSCA(o)}),
		"ORDERER_METRICS_PROVIDER=prometheus",
		"ORDERER_FILELEDGER_LOCATION=" + filepath.Join(data, "ledger"),
		"ORDERER_CONSENSUS_WALDIR=" + filepath.Join(data, "etcdraft", "wal"),
		"ORDERER_CONSENSUS_SNAPDIR=" + filepath.Join(data, "etcdraft", "snap"),
	}
}

// PeerEnv is the environment of a peer process: LevelDB with the history database, the
// gateway, gossip bootstrapped from and advertised at its own address (needed for
// cross-org discovery), mutual TLS everywhere.
func PeerEnv(t *Topology, l Layout, n *Node) []string {
	c := NewCrypto(t, l)
	cert, key := c.NodeTLS(n)
	o := n.Org()
	data := l.DataDir(n.ID())
	return []string{
		"FABRIC_CFG_PATH=" + l.ConfigDir(),
		"FABRIC_LOGGING_SPEC=info:gossip=warning",
		"CORE_PEER_ID=" + c.NodeHost(n),
		"CORE_PEER_ADDRESS=" + n.Addr(),
		"CORE_PEER_LISTENADDRESS=" + n.Addr(),
		fmt.Sprintf("CORE_PEER_CHAINCODELISTENADDRESS=%s:%d", n.Host, n.ChaincodePort),
		fmt.Sprintf("CORE_PEER_CHAINCODEADDRESS=%s:%d", n.Host, n.ChaincodePort),
		"CORE_PEER_GOSSIP_BOOTSTRAP=" + n.Addr(),
		"CORE_PEER_GOSSIP_EXTERNALENDPOINT=" + n.Addr(),
		"CORE_PEER_GOSSIP_USELEADERELECTION=true",
		"CORE_PEER_GOSSIP_ORGLEADER=false",
		// Gossip tries an unreachable member (an anchor peer that had not joined the channel
		// when first probed, a restarted peer) again only every reconnectInterval: Fabric's
		// 25 s default left the orgs blind to each other for 25 s after every start, which
		// is what made the first endorsements of `make up` fail at random.
		"CORE_PEER_GOSSIP_RECONNECTINTERVAL=" + gossipReconnect,
		"CORE_PEER_LOCALMSPID=" + o.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + c.NodeMSP(n),
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_TLS_CERT_FILE=" + cert,
		"CORE_PEER_TLS_KEY_FILE=" + key,
		"CORE_PEER_TLS_ROOTCERT_FILE=" + c.TLSCA(o),
		"CORE_PEER_TLS_CLIENTAUTHREQUIRED=true",
		"CORE_PEER_TLS_CLIENTROOTCAS_FILES=" + words(c.AllTLSCAs()),
		"CORE_PEER_TLS_CLIENTCERT_FILE=" + cert,
		"CORE_PEER_TLS_CLIENTKEY_FILE=" + key,
		"CORE_PEER_FILESYSTEMPATH=" + filepath.Join(data, "fs"),
		"CORE_LEDGER_SNAPSHOTS_ROOTDIR=" + filepath.Join(data, "snapshots"),
		"CORE_LEDGER_STATE_STATEDATABASE=goleveldb",
		"CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE=true",
		"CORE_PEER_GATEWAY_ENABLED=true",
		"CORE_OPERATIONS_LISTENADDRESS=" + n.OpsAddr(),
		"CORE_OPERATIONS_TLS_ENABLED=true",
		"CORE_OPERATIONS_TLS_CERT_FILE=" + cert,
		"CORE_OPERATIONS_TLS_KEY_FILE=" + key,
		"CORE_OPERATIONS_TLS_CLIENTAUTHREQUIRED=true",
		"CORE_OPERATIONS_TLS_CLIENTROOTCAS_FILES=" + words([]string{c.TLSCA(o)}),
		"CORE_METRICS_PROVIDER=prometheus",
		"CORE_CHAINCODE_EXECUTETIMEOUT=30s",
	}
}

// AdminEnv is the environment for peer CLI calls as the org's admin against its peer.
func AdminEnv(t *Topology, l Layout, n *Node) []string {
	c := NewCrypto(t, l)
	o := n.Org()
	cert, key := c.UserTLS(o, "Admin")
	return []string{
		"FABRIC_CFG_PATH=" + l.ConfigDir(),
		"FABRIC_LOGGING_SPEC=warning",
		"CORE_PEER_LOCALMSPID=" + o.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + c.UserMSP(o, "Admin"),
		"CORE_PEER_ADDRESS=" + n.Addr(),
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_TLS_ROOTCERT_FILE=" + c.TLSCA(o),
		"CORE_PEER_TLS_CLIENTAUTHREQUIRED=true",
		"CORE_PEER_TLS_CLIENTCERT_FILE=" + cert,
		"CORE_PEER_TLS_CLIENTKEY_FILE=" + key,
	}
}

// OrdererClientArgs are the peer CLI flags to reach an orderer with client TLS as the
// admin of org o.
func OrdererClientArgs(t *Topology, l Layout, o *Org, orderer *Node) []string {
	c := NewCrypto(t, l)
	cert, key := c.UserTLS(o, "Admin")
	return []string{
		"-o", orderer.Addr(),
		"--tls", "--cafile", c.TLSCA(orderer.Org()),
		"--clientauth", "--certfile", cert, "--keyfile", key,
	}
}
