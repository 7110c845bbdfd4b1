// Command pdlnet runs the PDLedger Fabric network as native processes.
//
//	pdlnet up                 start everything (make up)
//	pdlnet down               stop exactly what up started and remove the run directory
//	pdlnet status             processes, heights, Raft state; exit 1 if anything is wrong
//	pdlnet ready [-timeout D] wait until every org's gateway can collect an endorsement
//	pdlnet deploy [-upgrade]  (re)deploy the chaincode; -upgrade commits sequence+1
//	pdlnet kill NODE [-9]     stop one process (the supervisor restarts it unless held)
//	pdlnet start NODE         start one stopped node
//	pdlnet hold|release NODE  keep the supervisor from restarting NODE, or stop keeping it
//	pdlnet smoke              commit one heartbeat through each org's gateway
//	pdlnet bench on|off       restart the chaincode servers with the bench baselines (System:BenchPut, BenchPlainPut) and a profile socket, and each peer and orderer with its profile server (off: without)
//	pdlnet evidence [-dir D] REASON [FILE...]
//	                          copy status, logs and FILEs to reports/ (kept by down); prints the directory
//	pdlnet org add NAME --role ROLE
//	                          add a peer org to the running network (CA, crypto, channel config update, peer, chaincode, ledger org list) and to the topology file
//	pdlnet org remove NAME    take a peer org out of the channel (its records stay) and out of the topology file
//	pdlnet crl ORG            put ORG's CA revocation list (pdl-ca revoke) into the channel config and wait until every peer has it
//	pdlnet channel add NAME --preset P
//	                          one more jurisdiction's channel on the running network (same orgs and chaincode, its own ledger and policy profile)
//	pdlnet channel list       the network's channels and their presets
//	pdlnet unit NAME          print a systemd unit running process NAME (node id, ccaas.<org>, ca.<org>) on its org's own host (docs/deploy.md)
//	pdlnet supervise          the supervisor loop (started by up)
//	pdlnet summary            print endpoints, identities and logs
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pdledger/pdledger/network"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	n, err := load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pdlnet:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, args := os.Args[1], os.Args[2:]
	if err := run(ctx, n, cmd, args); err != nil {
		fmt.Fprintln(os.Stderr, "pdlnet:", err)
		if errors.Is(err, network.ErrAlreadyUp) || strings.Contains(err.Error(), network.ErrAlreadyUp.Error()) {
			os.Exit(1)
		}
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: pdlnet up|down|status|ready|smoke|bench on|off|evidence|deploy [-upgrade]|kill NODE [-9]|start NODE|hold NODE|release NODE|org add NAME --role R|org remove NAME|crl ORG|channel add NAME --preset P|channel list|unit NAME|supervise|summary")
}

func caOrgNames(n *network.Net) []string {
	var out []string
	for _, o := range n.T.CAOrgs() {
		out = append(out, o.Name)
	}
	return out
}

func root() (string, error) {
	if r := os.Getenv("PDL_ROOT"); r != "" {
		return r, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "network", "topology.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run pdlnet inside the PDLedger repository (or set PDL_ROOT)")
		}
		dir = parent
	}
}

// topologyPathIn is the topology file: $PDL_TOPOLOGY, else network/topology.yaml under root.
func topologyPathIn(root string) string {
	if t := os.Getenv("PDL_TOPOLOGY"); t != "" {
		return t
	}
	return filepath.Join(root, "network", "topology.yaml")
}

func topologyPath() string {
	r, _ := root()
	return topologyPathIn(r)
}

func load() (*network.Net, error) {
	r, err := root()
	if err != nil {
		return nil, err
	}
	t, err := network.LoadTopology(topologyPathIn(r))
	if err != nil {
		return nil, err
	}
	return &network.Net{T: t, L: network.DefaultLayout(r), Out: os.Stdout}, nil
}

func run(ctx context.Context, n *network.Net, cmd string, args []string) error {
	switch cmd {
	case "up":
		start := time.Now()
		if err := n.Up(ctx); err != nil {
			if !strings.Contains(err.Error(), network.ErrAlreadyUp.Error()) {
				dir, kerr := n.KeepEvidence("", "make-up")
				if kerr != nil {
					fmt.Fprintln(os.Stderr, "pdlnet: keeping evidence:", kerr)
				}
				fmt.Fprintf(os.Stderr, "pdlnet: up failed; stopping what was started. Evidence (status, every process log) kept in %s\n", dir)
				_ = n.Stop()
			}
			return err
		}
		fmt.Printf("network up in %.1fs\n\n", time.Since(start).Seconds())
		fmt.Print(n.Summary())
		return nil
	case "down":
		if err := n.Stop(); err != nil {
			return err
		}
		if err := os.RemoveAll(n.L.Run); err != nil {
			return err
		}
		fmt.Println("network down; removed", n.L.Run)
		return nil
	case "status":
		rep, ok := n.Report()
		fmt.Print(rep)
		if st, err := n.LoadSupervisorStatus(); err == nil {
			for _, e := range st.Events {
				if time.Since(e.Time) < 10*time.Minute {
					fmt.Printf("supervisor %s %s %s: %s\n", e.Time.Format("15:04:05"), strings.ToUpper(e.Kind), e.Node, e.Detail)
				}
			}
		}
		if !ok {
			return errors.New("network is not healthy")
		}
		return nil
	case "ready":
		fs := flag.NewFlagSet("ready", flag.ExitOnError)
		timeout := fs.Duration("timeout", network.ReadyTimeout, "how long to wait")
		_ = fs.Parse(args)
		return n.WaitReady(ctx, *timeout)
	case "deploy":
		fs := flag.NewFlagSet("deploy", flag.ExitOnError)
		upgrade := fs.Bool("upgrade", false, "build the chaincode again and commit sequence+1 (state is kept)")
		_ = fs.Parse(args)
		st, err := n.LoadState()
		if err != nil {
			return err
		}
		if st == nil {
			return errors.New("network is not up")
		}
		return n.Deploy(ctx, st, *upgrade)
	case "kill", "start", "hold", "release":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		nine := fs.Bool("9", false, "SIGKILL instead of SIGTERM")
		_ = fs.Parse(args)
		if fs.NArg() != 1 {
			return fmt.Errorf("usage: pdlnet %s NODE", cmd)
		}
		name := fs.Arg(0)
		switch cmd {
		case "hold":
			return n.Hold(name)
		case "release":
			n.Release(name)
			return nil
		case "start":
			node := n.T.Node(name)
			if node == nil {
				return fmt.Errorf("unknown node %q", name)
			}
			return n.StartNode(node)
		}
		p, err := network.ReadProc(n.L, name)
		if err != nil || p == nil {
			return fmt.Errorf("no process %q", name)
		}
		if *nine {
			return p.Signal(syscall.SIGKILL)
		}
		p.Stop(10 * time.Second)
		return nil
	case "bench":
		if len(args) != 1 || (args[0] != "on" && args[0] != "off") {
			return errors.New("usage: pdlnet bench on|off")
		}
		return n.SetBench(ctx, args[0] == "on")
	case "channel":
		if len(args) >= 1 && args[0] == "list" {
			st, err := n.LoadState()
			if err != nil || st == nil {
				return errors.New("network is not up")
			}
			chs, err := n.Channels()
			if err != nil {
				return err
			}
			for _, c := range chs {
				preset := st.Channels[c]
				if c == n.T.Channel {
					preset = "(set by make up / the demo)"
				}
				fmt.Printf("%-20s %s\n", c, preset)
			}
			return nil
		}
		if len(args) < 2 || args[0] != "add" {
			return errors.New("usage: pdlnet channel add NAME --preset P | pdlnet channel list")
		}
		fs := flag.NewFlagSet("channel add", flag.ContinueOnError)
		preset := fs.String("preset", "", "policy preset of the jurisdiction: futian, guangdong, longhua, luohu, qinhuangdao")
		bureauName := fs.String("bureau-name", "", "the jurisdiction's implementing body (实施机构), bootstrapped as the channel's bureau (default: the topology's bureau)")
		bureauUSCC := fs.String("bureau-uscc", "", "its unified social credit code (with --bureau-name)")
		if err := fs.Parse(args[2:]); err != nil {
			return err
		}
		if *preset == "" {
			return errors.New("channel add: --preset is required (futian, guangdong, longhua, luohu, qinhuangdao)")
		}
		start := time.Now()
		if err := n.AddChannel(ctx, network.JurisdictionChannel{Name: args[1], Preset: *preset,
			Bureau: network.ChannelBureau{Name: *bureauName, USCC: *bureauUSCC}}); err != nil {
			return err
		}
		fmt.Printf("channel %s added in %.1fs with preset %s; pdl -C %s acts on it\n", args[1], time.Since(start).Seconds(), *preset, args[1])
		return nil
	case "unit":
		if len(args) != 1 {
			return errors.New("usage: pdlnet unit NAME (a node id such as peer0.bureau, ccaas.<org> or ca.<org>)")
		}
		c, err := n.ProcessCommand(args[0])
		if err != nil {
			return err
		}
		fmt.Print(network.SystemdUnit(c, n.L.Run))
		return nil
	case "smoke":
		res, err := n.Smoke(ctx)
		for _, r := range res {
			fmt.Printf("%-12s committed in block %d in %.2fs (tx %s)\n", r.Org, r.Block, r.Latency.Seconds(), r.TxID)
		}
		return err
	case "evidence":
		fs := flag.NewFlagSet("evidence", flag.ExitOnError)
		dir := fs.String("dir", "", "directory to write (default: a new reports/<UTC time>-REASON/)")
		_ = fs.Parse(args)
		if fs.NArg() < 1 {
			return errors.New("usage: pdlnet evidence [-dir D] REASON [FILE...]")
		}
		out, err := n.KeepEvidence(*dir, fs.Arg(0), fs.Args()[1:]...)
		fmt.Println(out)
		return err
	case "org":
		if len(args) == 2 && args[0] == "remove" {
			if err := n.RemoveOrg(ctx, topologyPath(), args[1]); err != nil {
				return err
			}
			fmt.Printf("%s left the channel; its records stay on the ledger\n", args[1])
			return nil
		}
		if len(args) < 2 || args[0] != "add" {
			return errors.New("usage: pdlnet org add NAME --role operator|source_unit|partner|regulator|exchange | pdlnet org remove NAME")
		}
		fs := flag.NewFlagSet("org add", flag.ContinueOnError)
		role := fs.String("role", "operator", "the role of the org's parties (a hint for its profiles)")
		if err := fs.Parse(args[2:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("unexpected arguments %q", fs.Args())
		}
		if err := n.AddOrg(ctx, topologyPath(), args[1], *role); err != nil {
			return err
		}
		fmt.Printf("%s joined: profiles %s-admin, %s (and %s-userN); the bureau binds its participants next\n", args[1], strings.ToLower(args[1]), strings.ToLower(args[1]), strings.ToLower(args[1]))
		return nil
	case "crl":
		if len(args) != 1 || n.T.Org(args[0]) == nil || n.T.Org(args[0]).CA == nil {
			return errors.New("usage: pdlnet crl ORG (a peer org with a CA: " + strings.Join(caOrgNames(n), ", ") + ")")
		}
		block, err := n.ApplyCRL(ctx, n.T.Org(args[0]))
		if err != nil {
			return err
		}
		fmt.Printf("%s's revocation list is in config block %d; every peer has it: revoked certificates are refused from now on\n", args[0], block)
		return nil
	case "supervise":
		logger := log.New(os.Stdout, "", log.LstdFlags)
		logger.Printf("supervisor watching %s", n.L.Run)
		return n.Supervise(ctx, logger)
	case "summary":
		fmt.Print(n.Summary())
		return nil
	}
	usage()
	return fmt.Errorf("unknown command %q", cmd)
}
