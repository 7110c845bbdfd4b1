package network

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/chaincode/policy"
)

// OnChannel returns n acting on another channel of the same network: same orgs, nodes,
// chaincode and run directory. Profiles and clients made from it name that channel.
func (n *Net) OnChannel(name string) *Net {
	t := *n.T
	t.Channel = name
	return &Net{T: &t, L: n.L, Out: n.Out}
}

// AddChannel creates channel name on the running network for one more jurisdiction:
// genesis block from the same organizations and ACLs, every orderer and peer joined,
// the chaincode definition approved by every org (their chaincode servers serve every
// channel) and committed, the bureau bootstrapped on it, and its policy profile set to
// preset by the bureau's admin. Each channel is a ledger of its own: its own rules, its
// own records, its own Raft log (which gets its snapshot before this returns, as the
// first channel's does: Fabric v2.5.0 orderers restarted without one may deadlock).
func (n *Net) AddChannel(ctx context.Context, ch JurisdictionChannel) error {
	st, err := n.runningState()
	if err != nil {
		return err
	}
	if err := n.addChannel(ctx, st, ch); err != nil {
		return err
	}
	return n.SaveState(st)
}

// addChannel does AddChannel's work for make up (st not saved yet) and pdlnet channel
// add, and records the channel in st.
func (n *Net) addChannel(ctx context.Context, st *State, ch JurisdictionChannel) error {
	name, preset := ch.Name, ch.Preset
	if (ch.Bureau.Name == "") != (ch.Bureau.USCC == "") {
		return fmt.Errorf("channel %s: the bureau's name and code go together", name)
	}
	if !model.ChannelName.MatchString(name) {
		return fmt.Errorf("channel name %q: a lower-case letter, then lower-case letters, digits or '-', at most 49", name)
	}
	if _, err := policy.Preset(preset); err != nil {
		return err
	}
	if name == n.T.Channel || st.Channels[name] != "" {
		return fmt.Errorf("channel %s exists already", name)
	}
	c := n.OnChannel(name)
	if ch.Bureau.Name != "" {
		t := *c.T
		t.Bureau.Name, t.Bureau.USCC = ch.Bureau.Name, ch.Bureau.USCC
		c.T = &t
	}
	steps := []struct {
		name string
		f    func() error
	}{
		{"genesis block of channel " + name, func() error { _, err := GenerateChannelBlock(c.T, c.L); return err }},
		{"join orderers to channel " + name, func() error { return c.joinOrderers(ctx) }},
		{"join peers to channel " + name, func() error { return c.joinPeers(ctx) }},
		{"chaincode definition on channel " + name + " (every org approves, then commit)", func() error {
			return c.define(st, st.Version, 1)
		}},
		{"wait until every gateway endorses on " + name, func() error { return c.WaitReady(ctx, ReadyTimeout) }},
		{"bootstrap the bureau on " + name + " and wait for Raft snapshots", func() error { return c.bootstrap(ctx) }},
		{"policy profile " + preset + " on " + name, func() error {
			admin, err := c.Connect(ctx, "bureau-admin")
			if err != nil {
				return err
			}
			defer admin.Close()
			_, err = admin.Submit(ctx, "Profile:Set", model.SetProfileRequest{Request: model.Request{ID: "profile-" + name},
				Preset: preset, Reason: "新建辖区通道 " + name + "，适用预设 " + preset})
			return err
		}},
	}
	for _, s := range steps {
		if err := n.step(s.name, s.f); err != nil {
			return err
		}
	}
	if st.Channels == nil {
		st.Channels = map[string]string{}
	}
	st.Channels[name] = preset
	return nil
}

// Channels lists the network's channels: the topology's first, then those added, by name.
func (n *Net) Channels() ([]string, error) {
	st, err := n.LoadState()
	if err != nil {
		return nil, err
	}
	out := []string{n.T.Channel}
	if st != nil {
		out = append(out, slices.Sorted(maps.Keys(st.Channels))...)
	}
	return out, nil
}
