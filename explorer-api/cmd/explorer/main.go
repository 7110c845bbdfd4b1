// Command explorer runs the PDLedger block indexer and the explorer REST API.
//
//	explorer --profile .run/profiles/indexer.json --store sqlite:.run/explorer/index.db
//
// Every channel of the network (one per jurisdiction) is indexed into a store of its own
// (store.OpenChannel) and served through one API (api.Hub): requests name the channel
// with ?channel=.
//
// The indexer reads blocks with a dedicated non-admin identity (the "indexer" profile);
// the API listens with TLS and asks for client certificates (mutual TLS).
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/explorer-api/api"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "explorer:", err)
		os.Exit(1)
	}
}

type ledger struct{ c *client.Client }

func (l ledger) ChainInfo(ctx context.Context) (*client.ChainInfo, error) { return l.c.ChainInfo(ctx) }
func (l ledger) StateDigests(ctx context.Context, refs []model.RecordRef) ([]model.StateDigest, error) {
	var out []model.StateDigest
	err := l.c.Evaluate(ctx, "System:Digests", model.DigestsRequest{Items: refs}, &out)
	return out, err
}

func (l ledger) BlockBytes(ctx context.Context, n uint64) ([]byte, error) {
	b, err := l.c.Block(ctx, n)
	if err != nil {
		return nil, err
	}
	return proto.Marshal(b)
}

func run() error {
	runDir := os.Getenv("PDL_RUN")
	if runDir == "" {
		runDir = ".run"
	}
	profile := flag.String("profile", filepath.Join(runDir, "profiles", "indexer.json"), "client profile of the indexer identity (not an admin)")
	dsn := flag.String("store", envOr("PDL_EXPLORER_STORE", "sqlite:"+filepath.Join(runDir, "explorer", "index.db")), "sqlite:<file> or postgres://...")
	listen := flag.String("listen", "", "address to listen on (default: the profile's explorer URL)")
	tlsDir := flag.String("tls-dir", filepath.Join(runDir, "explorer", "tls"), "server TLS material (created if missing: ca.pem, server.pem, server.key)")
	maxLag := flag.Uint64("max-lag", 5, "index lag in blocks above which /readyz is 503")
	maxBody := flag.Int64("max-body", api.DefaultLimits.MaxBody, "request body limit in bytes (413 above it)")
	rate := flag.Float64("rate", api.DefaultLimits.Rate, "requests per second per caller (429 with Retry-After above it)")
	burst := flag.Int("burst", api.DefaultLimits.Burst, "burst of requests per caller")
	chans := flag.String("channels", "auto", "channels to index and serve, comma-separated, the default first; \"auto\": the profile's, then those the run directory's network lists (state.json), followed while running")
	followEvery := flag.Duration("follow-every", 15*time.Second, "with --channels auto: how often to look for channels added to the running network")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	p, err := client.LoadProfile(*profile)
	if err != nil {
		return err
	}
	if *listen == "" {
		u, err := url.Parse(p.Explorer)
		if err != nil || u.Host == "" {
			return fmt.Errorf("profile %s names no explorer URL; give --listen", *profile)
		}
		*listen = u.Host
	}
	hub := api.NewHub()
	errc := make(chan error, 2)
	ch := &channels{ctx: ctx, hub: hub, profile: p, dsn: *dsn, log: log, errc: errc,
		server: func() *api.Server {
			return &api.Server{Chaincode: p.Chaincode, Log: log, MaxLag: *maxLag, Limits: api.Limits{MaxBody: *maxBody, Rate: *rate, Burst: *burst}}
		}}
	// the indexers stop (the context) before their stores close
	defer func() { stop(); ch.close() }()
	names, follow, err := channelList(*chans, p.Channel, runDir)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := ch.add(name); err != nil {
			return fmt.Errorf("channel %s: %w", name, err)
		}
	}
	if follow {
		// a channel created on the running network (pdlnet channel add) is indexed and
		// served without a restart
		go ch.follow(runDir, *followEvery)
	}
	srv := hub.Server(names[0])

	host, _, _ := net.SplitHostPort(*listen)
	cert, err := serverCert(*tlsDir, host)
	if err != nil {
		return err
	}
	// A slow or idle client cannot hold a connection: headers within 10 s, the whole
	// request within 30 s; an answer gets 5 min (a full /verify re-reads every block).
	hs := &http.Server{Addr: *listen, Handler: hub.Router(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}}
	go func() {
		log.Info("explorer listening", "addr", *listen, "store", srv.Store.Engine(), "channels", hub.Channels(), "limits", srv.Limits.String())
		if err := hs.ListenAndServeTLS("", ""); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Error("explorer stopping", "err", err)
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(shut)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// serverCert loads the explorer's TLS certificate, creating a small CA and a server
// certificate for host the first time (clients trust ca.pem: curl --cacert).
func serverCert(dir, host string) (tls.Certificate, error) {
	certPath, keyPath, caPath := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key"), filepath.Join(dir, "ca.pem")
	if c, err := tls.LoadX509KeyPair(certPath, keyPath); err == nil {
		return c, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "PDLedger explorer CA"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.AddDate(5, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "pdledger-explorer"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.AddDate(5, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
	} else if host != "" {
		tmpl.DNSNames = append(tmpl.DNSNames, host)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	write := func(path, typ string, b []byte, mode os.FileMode) error {
		return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), mode)
	}
	if err := write(caPath, "CERTIFICATE", caDER, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	if err := write(certPath, "CERTIFICATE", der, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	if err := write(keyPath, "EC PRIVATE KEY", keyDER, 0o600); err != nil {
		return tls.Certificate{}, err
	}
	return tls.LoadX509KeyPair(certPath, keyPath)
}
