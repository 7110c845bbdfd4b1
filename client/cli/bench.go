package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/bench"
)

func init() { extraCommandFuncs = append(extraCommandFuncs, benchCmd) }

// BenchReport is what pdl bench prints and writes as JSON.
type BenchReport struct {
	Time    time.Time `json:"time"`
	Workers int       `json:"workers,omitempty"` // without a sweep
	Seconds float64   `json:"secondsPerRun"`
	// Baseline and Mix are the runs compared: each workload's peak in a sweep.
	Baseline bench.Stats  `json:"baseline"`
	Mix      *bench.Stats `json:"mix,omitempty"`
	// Ratio is Mix over Baseline committed throughput: at their peaks in a sweep.
	Ratio         float64            `json:"mixOverBaseline,omitempty"`
	BaselineSweep *bench.SweepReport `json:"baselineSweep,omitempty"`
	// Plain is the plain Fabric put (--plain) and BaselineOverPlain the baseline's peak
	// over its peak: what the contract layer costs a bare write.
	Plain             *bench.Stats       `json:"plain,omitempty"`
	PlainSweep        *bench.SweepReport `json:"plainSweep,omitempty"`
	BaselineOverPlain float64            `json:"baselineOverPlain,omitempty"`
	MixSweep          *bench.SweepReport `json:"mixSweep,omitempty"`
	Logs              *bench.LogStats    `json:"logs,omitempty"`
	// Profile and BaselineProfile: where the CPU went during a run of each workload at
	// its peak load (--profile-dir).
	Profile         *WorkloadProfile `json:"profile,omitempty"`
	BaselineProfile *WorkloadProfile `json:"baselineProfile,omitempty"`
}

func benchCmd(a *App) *cobra.Command {
	var workers int
	var dur, warm time.Duration
	var out, profileDir string
	var logLines int
	var skipMix, sweep, plain bool
	var sweepFrom, sweepMax int
	var minGain float64
	cmd := &cobra.Command{
		Use:   "bench",
		Short: a.tr("对运行中的网络施加闭环负载：基准 PutState 与真实业务组合对比，以及日志存证与原始 SM3 对比", "closed-loop load on the live network: baseline PutState vs. a realistic domain mix, and log anchoring vs. raw SM3"),
		Long: `Drives closed-loop clients (each waits for its commit before the next) against (a)
System:BenchPut, a bare PutState in the same chaincode — the baseline — and (b) a realistic mix
of domain transactions. By default each workload is swept: the clients double from
--sweep-from until committed throughput stops rising (--min-gain) or --sweep-max, and the
report gives every step, each workload's peak committed tx/s with latency p50/p95/p99 there and
at the step nearest half the peak, and the ratio b/a of the peaks, measured in the same run.
With --plain (default) the baseline is itself compared with a plain Fabric put (the same write
answered by the chaincode server's shim without contract-api, BenchPlainPut), which shows what
the contract layer costs. --sweep=false runs --workers clients once instead. Then anchors a generated log end to end
(lines/s) and compares it with raw SM3 hashing of the same lines on this machine. Prints the
results and writes them as JSON.`,
		Example: `  # needs: pdlnet bench on (the baseline function System:BenchPut enabled)
  pdl -p bureau-admin bench --sweep=false --workers 2 --duration 2s --warmup 1s --baseline-only --log-lines 10000 --out bench.json
  # needs: pdlnet bench on
  pdl -p bureau-admin bench --sweep-from 2 --sweep-max 4 --duration 2s --warmup 1s --baseline-only --log-lines 0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// the baseline's puts are independent: no read-your-writes waits
			c, err := a.ConnectWith(ctx, client.WithSession(nil))
			if err != nil {
				return err
			}
			if sweep && (sweepFrom < 1 || sweepMax < sweepFrom || minGain < 0) {
				return usagef("--sweep-from %d, --sweep-max %d, --min-gain %g: want 1 ≤ from ≤ max and a gain ≥ 0", sweepFrom, sweepMax, minGain)
			}
			rep := BenchReport{Time: time.Now().UTC(), Seconds: dur.Seconds()}
			prefix := strconv.FormatInt(time.Now().UnixNano(), 36)
			sw := bench.SweepOptions{From: sweepFrom, Max: sweepMax, Duration: dur, Warmup: warm, MinGain: minGain}
			measure := func(name string, do bench.Doer) (bench.Stats, *bench.SweepReport) {
				if !sweep {
					fmt.Fprintf(a.Stderr, "%s: %d workers, %s\n", name, workers, dur)
					st := bench.Run(ctx, name, workers, dur, warm, do)
					printStats(a, st)
					return st, nil
				}
				fmt.Fprintf(a.Stderr, "%s: sweep from %d workers, %s per step\n", name, sweepFrom, dur)
				rep := bench.Sweep(ctx, name, sw, do)
				for _, st := range rep.Steps {
					printStats(a, st)
				}
				fmt.Fprintf(a.Stdout, "%s: peak %.1f tx/s at %d workers", name, rep.Peak.TPS, rep.Peak.Workers)
				if rep.Half != nil {
					fmt.Fprintf(a.Stdout, "; at %.1f tx/s (%d workers) p50 %.0f ms p95 %.0f ms p99 %.0f ms", rep.Half.TPS, rep.Half.Workers, rep.Half.P50Ms, rep.Half.P95Ms, rep.Half.P99Ms)
				}
				fmt.Fprintln(a.Stdout)
				return rep.Peak, &rep
			}
			if !sweep {
				rep.Workers = workers
			}
			if plain {
				st, psw := measure("plain: Fabric put, shim only", bench.PlainPut(c, prefix+"f"))
				rep.Plain, rep.PlainSweep = &st, psw
			}
			rep.Baseline, rep.BaselineSweep = measure("baseline: bare PutState", bench.Baseline(c, prefix))
			if rep.Plain != nil && rep.Plain.TPS > 0 {
				rep.BaselineOverPlain = rep.Baseline.TPS / rep.Plain.TPS
				fmt.Fprintf(a.Stdout, "baseline/plain throughput ratio: %.2f\n", rep.BaselineOverPlain)
			}
			if profileDir != "" && rep.Baseline.Workers > 0 {
				if rep.BaselineProfile, err = profileRun(ctx, a, "baseline", filepath.Join(profileDir, "baseline"), rep.Baseline.Workers, dur, bench.Baseline(c, prefix+"p")); err != nil {
					return err
				}
			}
			if !skipMix {
				mix, err := bench.NewMix(ctx, prefix)
				if err != nil {
					return fmt.Errorf("preparing the domain mix: %w", err)
				}
				defer mix.Close()
				fmt.Fprintf(a.Stderr, "mix: %s\n", mix.Describe())
				st, msw := measure("mix: domain transactions", mix.Do)
				rep.Mix, rep.MixSweep = &st, msw
				if rep.Baseline.TPS > 0 {
					rep.Ratio = st.TPS / rep.Baseline.TPS
				}
				fmt.Fprintf(a.Stdout, "mix/baseline throughput ratio: %.2f\n", rep.Ratio)
				if profileDir != "" && st.Workers > 0 {
					if rep.Profile, err = profileRun(ctx, a, "mix", filepath.Join(profileDir, "mix"), st.Workers, dur, mix.Do); err != nil {
						return err
					}
				}
			}
			if logLines > 0 {
				dir, err := os.MkdirTemp("", "pdl-bench-logs")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				ls, err := bench.Logs(ctx, dir, logLines, prefix)
				if err != nil {
					return fmt.Errorf("log anchoring: %w", err)
				}
				rep.Logs = ls
				fmt.Fprintf(a.Stdout, "logs: %d lines anchored end to end at %.0f lines/s; raw SM3 leaf hashing %.0f lines/s (%.1f MB/s); ratio %.2f\n",
					ls.Lines, ls.AnchorLinesPerSec, ls.HashLinesPerSec, ls.HashMBPerSec, ls.Ratio)
			}
			if out != "" {
				raw, _ := json.MarshalIndent(rep, "", "  ")
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(out, raw, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(a.Stderr, "written to %s\n", out)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&workers, "workers", 32, "concurrent closed-loop clients (with --sweep=false)")
	cmd.Flags().BoolVar(&sweep, "sweep", true, "double the clients until throughput stops rising, per workload")
	cmd.Flags().IntVar(&sweepFrom, "sweep-from", 8, "clients at the sweep's first step")
	cmd.Flags().IntVar(&sweepMax, "sweep-max", 256, "most clients a sweep reaches")
	cmd.Flags().Float64Var(&minGain, "min-gain", 0.05, "a sweep stops at the first step whose throughput rises less than this fraction")
	cmd.Flags().DurationVar(&dur, "duration", 20*time.Second, "measured time per workload")
	cmd.Flags().DurationVar(&warm, "warmup", 3*time.Second, "warm-up before measuring")
	cmd.Flags().StringVar(&out, "out", "", "write the report as JSON to this file")
	cmd.Flags().IntVar(&logLines, "log-lines", 1000000, "lines of the generated log to anchor (0: skip)")
	cmd.Flags().BoolVar(&skipMix, "baseline-only", false, "skip the domain mix")
	cmd.Flags().BoolVar(&plain, "plain", true, "compare the baseline with a plain Fabric put (shim only, no contract-api)")
	cmd.Flags().StringVar(&profileDir, "profile-dir", "", "run each workload again at its peak while timing every process of the network and profiling the chaincode servers (bench mode) into DIR/baseline and DIR/mix")
	return cmd
}

func printStats(a *App, s bench.Stats) {
	fmt.Fprintf(a.Stdout, "%-28s %7.1f tx/s  p50 %6.0f ms  p95 %6.0f ms  p99 %6.0f ms  (%d committed, %d failed)\n",
		s.Name, s.TPS, s.P50Ms, s.P95Ms, s.P99Ms, s.Committed, s.Failed)
	for _, e := range s.Errors {
		fmt.Fprintf(a.Stderr, "  error: %s\n", e)
	}
}

// runDir is the network's run directory: $PDL_RUN, else the one holding the profiles.
func runDir() string {
	if run := os.Getenv("PDL_RUN"); run != "" {
		return run
	}
	dir, _ := filepath.Abs(client.ProfileDir())
	return filepath.Dir(dir)
}

// WorkloadProfile is a profiled run of one workload at its peak: the processes' CPU and
// the network's CPU time per transaction it committed, in all and by kind of process and
// phase of the work.
type WorkloadProfile struct {
	*bench.Profile
	Committed  int         `json:"committed"`
	CPUPerTxMs float64     `json:"cpuPerCommittedTxMs"`
	PerTx      []PhaseCost `json:"perCommittedTx"`
}

// PhaseCost is the CPU time per committed transaction that one kind of process (peers,
// orderers, chaincode servers) spent in one phase, from their profiles.
type PhaseCost struct {
	Processes string  `json:"processes"`
	Phase     string  `json:"phase"`
	Ms        float64 `json:"ms"`
}

// processKind groups the network's processes by what they are.
func processKind(name string) string {
	switch {
	case strings.HasPrefix(name, "peer"):
		return "peers"
	case strings.HasPrefix(name, "orderer"):
		return "orderers"
	case strings.HasPrefix(name, "ccaas."):
		return "chaincode servers"
	}
	return name
}

// perTx charges each profiled process's CPU time to its phases in the proportions of its
// profile, per committed transaction, summed over processes of a kind; largest first
// within a kind, phases of under 0.05 ms left out.
func perTx(prof *bench.Profile, committed int) []PhaseCost {
	if committed == 0 {
		return nil
	}
	sum := map[[2]string]float64{}
	for _, p := range prof.Profiled {
		for _, ph := range p.Phases {
			sum[[2]string{processKind(p.Process), ph.Phase}] += ph.Share * p.CPUSeconds / float64(committed) * 1000
		}
	}
	var out []PhaseCost
	for k, ms := range sum {
		if ms >= 0.05 {
			out = append(out, PhaseCost{Processes: k[0], Phase: k[1], Ms: ms})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Processes != b.Processes {
			return a.Processes < b.Processes
		}
		across := func(p string) bool { return strings.HasPrefix(p, "across: ") }
		if across(a.Phase) != across(b.Phase) {
			return !across(a.Phase)
		}
		return a.Ms > b.Ms || a.Ms == b.Ms && a.Phase < b.Phase
	})
	return out
}

// profileRun runs do with workers clients for dur while profiling the chaincode servers
// and timing every process of the network, and prints where the CPU went.
func profileRun(ctx context.Context, a *App, name, dir string, workers int, dur time.Duration, do bench.Doer) (*WorkloadProfile, error) {
	fmt.Fprintf(a.Stderr, "profiling: %s at %d workers for %s\n", name, workers, dur)
	var run bench.Stats
	prof, err := bench.ProfileServers(ctx, runDir(), dir, dur, func() {
		run = bench.Run(ctx, name+": profiled", workers, dur, 0, do)
	})
	if err != nil {
		return nil, fmt.Errorf("profiling %s: %w", name, err)
	}
	out := &WorkloadProfile{Profile: prof, Committed: run.Committed}
	total := 0.0
	for _, p := range prof.Processes {
		total += p.CPUSeconds
		fmt.Fprintf(a.Stdout, "  %-20s %6.1f CPU s in %.0f s\n", p.Name, p.CPUSeconds, prof.Seconds)
	}
	if run.Committed > 0 {
		out.CPUPerTxMs = total / float64(run.Committed) * 1000
	}
	fmt.Fprintf(a.Stdout, "%s: network CPU per committed transaction %.1f ms (%d committed); profiles in %s\n", name, out.CPUPerTxMs, run.Committed, dir)
	out.PerTx = perTx(prof, run.Committed)
	for _, c := range out.PerTx {
		fmt.Fprintf(a.Stdout, "  %-18s %-48s %6.2f ms/tx\n", c.Processes, c.Phase, c.Ms)
	}
	return out, nil
}
