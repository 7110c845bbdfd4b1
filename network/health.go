package network

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Ops reads the operations endpoints (health and Prometheus metrics) of the nodes, with
// each org's admin TLS client certificate (the endpoints require client authentication).
type Ops struct {
	t       *Topology
	clients map[string]*http.Client
}

// NewOps builds one HTTP client per org.
func NewOps(t *Topology, l Layout) (*Ops, error) {
	c := NewCrypto(t, l)
	ops := &Ops{t: t, clients: map[string]*http.Client{}}
	for i := range t.Orgs {
		o := &t.Orgs[i]
		cert, key := c.UserTLS(o, "Admin")
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("%s admin TLS: %w", o.Name, err)
		}
		ca, err := os.ReadFile(c.TLSCA(o))
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(ca)
		ops.clients[o.Name] = &http.Client{
			Timeout: 3 * time.Second,
			Transport: &http.Transport{
				TLSClientConfig:   &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12},
				DisableKeepAlives: true,
			},
		}
	}
	return ops, nil
}

func (o *Ops) get(n *Node, path string) ([]byte, int, error) {
	resp, err := o.clients[n.Org().Name].Get("https://" + n.OpsAddr() + path)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return b, resp.StatusCode, err
}

// Healthz returns nil when the node's /healthz answers 200. A hung v2.5.0 orderer still
// answers 200, so callers must also watch heights (see Status).
func (o *Ops) Healthz(n *Node) error {
	b, code, err := o.get(n, "/healthz")
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("%s /healthz: HTTP %d %s", n.ID(), code, strings.TrimSpace(string(b)))
	}
	return nil
}

// Metrics is a parsed Prometheus text exposition: series → value.
type Metrics map[string]float64

// Get returns the value of name whose labels include every given label (k=v pairs).
func (m Metrics) Get(name string, labels ...string) (float64, bool) {
	for k, v := range m {
		n, ls, _ := strings.Cut(k, "{")
		if n != name {
			continue
		}
		ok := true
		for _, want := range labels {
			k2, v2, _ := strings.Cut(want, "=")
			if !strings.Contains(ls, k2+`="`+v2+`"`) {
				ok = false
				break
			}
		}
		if ok {
			return v, true
		}
	}
	return 0, false
}

// Metrics fetches and parses /metrics.
func (o *Ops) Metrics(n *Node) (Metrics, error) {
	b, code, err := o.get(n, "/metrics")
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("%s /metrics: HTTP %d", n.ID(), code)
	}
	return parseMetrics(string(b)), nil
}

func parseMetrics(s string) Metrics {
	m := Metrics{}
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		ln := sc.Text()
		if ln == "" || ln[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(ln, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(ln[i+1:], 64)
		if err != nil {
			continue
		}
		m[ln[:i]] = v
	}
	return m
}

// NodeStatus is what the health checks look at for one node.
type NodeStatus struct {
	Node        string `json:"node"`
	Up          bool   `json:"up"`          // process alive and /healthz 200
	Height      uint64 `json:"height"`      // channel block height
	Leader      bool   `json:"leader"`      // orderers: Raft leader
	ActiveNodes int    `json:"activeNodes"` // orderers: Raft nodes this one sees active
	ClusterSize int    `json:"clusterSize"` // orderers: consenter count
	Err         string `json:"error,omitempty"`
}

// Status reads a node's health and channel metrics.
func (o *Ops) Status(n *Node) NodeStatus {
	st := NodeStatus{Node: n.ID()}
	if err := o.Healthz(n); err != nil {
		st.Err = err.Error()
		return st
	}
	st.Up = true
	m, err := o.Metrics(n)
	if err != nil {
		st.Err = err.Error()
		return st
	}
	ch := "channel=" + o.t.Channel
	if h, ok := m.Get("ledger_blockchain_height", ch); ok {
		st.Height = uint64(h)
	}
	if n.IsOrderer() {
		if v, ok := m.Get("consensus_etcdraft_is_leader", ch); ok {
			st.Leader = v == 1
		}
		if v, ok := m.Get("consensus_etcdraft_active_nodes", ch); ok {
			st.ActiveNodes = int(v)
		}
		if v, ok := m.Get("consensus_etcdraft_cluster_size", ch); ok {
			st.ClusterSize = int(v)
		}
	}
	return st
}
