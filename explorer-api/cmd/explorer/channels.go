package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/explorer-api/api"
	"github.com/pdledger/pdledger/explorer-api/indexer"
	"github.com/pdledger/pdledger/explorer-api/store"
)

// channels starts, for each channel, a client on it, its store, its indexer and its
// server in the hub.
type channels struct {
	ctx     context.Context
	hub     *api.Hub
	profile *client.Profile
	dsn     string
	log     *slog.Logger
	errc    chan<- error
	server  func() *api.Server // a server with the process's settings

	mu      sync.Mutex
	clients []*client.Client
	stores  []*store.Store
}

func (cs *channels) add(name string) error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.hub.Server(name) != nil {
		return nil
	}
	first := len(cs.clients) == 0
	p := *cs.profile
	p.Channel = name
	var opts []client.Option
	if !first {
		opts = append(opts, client.WithConnection(cs.clients[0].Conn())) // one connection to the peer serves every channel
	}
	c, err := client.Connect(cs.ctx, &p, opts...)
	if err != nil {
		return err
	}
	// the profile's channel keeps the store an explorer of one channel had
	st, err := store.OpenChannel(cs.ctx, cs.dsn, name, name == cs.profile.Channel)
	if err != nil {
		c.Close()
		return err
	}
	log := cs.log.With("channel", name)
	ix := indexer.New(c, st, p.Chaincode, log)
	// Callers are authenticated against the organizations of the newest config block
	// indexed, not the genesis block's: read them before the API answers anyone. If that
	// fails (peer not up yet, a gap in the index), the public API and /readyz still
	// answer, nobody authenticates, and Run reads the configuration when it can.
	if err := ix.LoadConfig(cs.ctx); err != nil {
		log.Error("explorer: channel configuration not read; no caller authenticates until it is", "err", err)
	}
	srv := cs.server()
	srv.Store, srv.Indexer, srv.Ledger, srv.Orgs, srv.Log = st, ix, ledger{c}, ix.Orgs, log
	if err := cs.hub.Add(name, srv); err != nil {
		st.Close()
		c.Close()
		return err
	}
	cs.clients, cs.stores = append(cs.clients, c), append(cs.stores, st)
	go func() {
		if err := ix.Run(cs.ctx); err != nil && !errors.Is(err, context.Canceled) {
			select { // the first error stops the process; the others are not waited for
			case cs.errc <- fmt.Errorf("indexer of channel %s: %w", name, err):
			case <-cs.ctx.Done():
			}
		}
	}()
	log.Info("explorer: indexing channel", "store", st.Engine())
	return nil
}

// follow adds the channels the run directory's network gains.
func (cs *channels) follow(runDir string, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-cs.ctx.Done():
			return
		case <-t.C:
		}
		names, err := stateChannels(runDir)
		if err != nil {
			cs.log.Warn("explorer: the network's channel list is unreadable", "err", err)
			continue
		}
		for _, n := range names {
			if err := cs.add(n); err != nil {
				cs.log.Error("explorer: new channel not served yet", "channel", n, "err", err)
			}
		}
	}
}

func (cs *channels) close() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for i := len(cs.clients) - 1; i >= 0; i-- { // the first owns the shared connection
		cs.clients[i].Close()
	}
	for _, st := range cs.stores {
		st.Close()
	}
}

// channelList is the channels to serve, the default first, and whether to follow the
// run directory for more.
func channelList(flagValue, profileChannel, runDir string) ([]string, bool, error) {
	if flagValue == "auto" {
		more, err := stateChannels(runDir)
		if err != nil {
			return nil, false, err
		}
		out := []string{profileChannel}
		for _, n := range more {
			if n != profileChannel {
				out = append(out, n)
			}
		}
		return out, true, nil
	}
	var out []string
	for _, n := range strings.Split(flagValue, ",") {
		n = strings.TrimSpace(n)
		if !model.ChannelName.MatchString(n) && n != profileChannel {
			return nil, false, fmt.Errorf("--channels: %q is not a channel name", n)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, false, errors.New("--channels names no channel")
	}
	return out, false, nil
}

// stateChannels reads the jurisdiction channels pdlnet recorded in the run directory
// (state.json "channels"), sorted; none when the file does not exist.
func stateChannels(runDir string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(runDir, "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st struct {
		Channels map[string]string `json:"channels"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(runDir, "state.json"), err)
	}
	var out []string
	for n := range st.Channels {
		if model.ChannelName.MatchString(n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}
