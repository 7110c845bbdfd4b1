package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/bench"
)

func init() { extraCommandFuncs = append(extraCommandFuncs, benchCmd) }

// BenchReport is what pdl bench prints and writes as JSON.
type BenchReport struct {
	Time     time.Time       `json:"time"`
	Workers  int             `json:"workers"`
	Seconds  float64         `json:"secondsPerRun"`
	Baseline bench.Stats     `json:"baseline"`
	Mix      *bench.Stats    `json:"mix,omitempty"`
	Ratio    float64         `json:"mixOverBaseline,omitempty"`
	Logs     *bench.LogStats `json:"logs,omitempty"`
}

func benchCmd(a *App) *cobra.Command {
	var workers int
	var dur, warm time.Duration
	var out string
	var logLines int
	var skipMix bool
	cmd := &cobra.Command{
		Use:   "bench",
		Short: a.tr("对运行中的网络施加闭环负载：基准 PutState 与真实业务组合对比，以及日志存证与原始 SM3 对比", "closed-loop load on the live network: baseline PutState vs. a realistic domain mix, and log anchoring vs. raw SM3"),
		Long: `Runs N concurrent clients for T seconds each (closed loop: each waits for its commit before the
next) against (a) System:BenchPut, a bare PutState in the same chaincode — the baseline — and
(b) a realistic mix of domain transactions, and reports committed tx/s, latency p50/p95/p99 and
the ratio b/a measured in the same run. Then anchors a generated log end to end (lines/s) and
compares it with raw SM3 hashing of the same lines on this machine. Prints the results and
writes them as JSON.`,
		Example: `  # needs: pdlnet bench on (the baseline function System:BenchPut enabled)
  pdl -p bureau-admin bench --workers 2 --duration 2s --warmup 1s --baseline-only --log-lines 10000 --out bench.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// the baseline's puts are independent: no read-your-writes waits
			c, err := a.ConnectWith(ctx, client.WithSession(nil))
			if err != nil {
				return err
			}
			rep := BenchReport{Time: time.Now().UTC(), Workers: workers, Seconds: dur.Seconds()}
			prefix := strconv.FormatInt(time.Now().UnixNano(), 36)
			fmt.Fprintf(a.Stderr, "baseline: System:BenchPut, %d workers, %s\n", workers, dur)
			rep.Baseline = bench.Run(ctx, "baseline: bare PutState", workers, dur, warm, bench.Baseline(c, prefix))
			printStats(a, rep.Baseline)
			if !skipMix {
				mix, err := bench.NewMix(ctx, prefix)
				if err != nil {
					return fmt.Errorf("preparing the domain mix: %w", err)
				}
				defer mix.Close()
				fmt.Fprintf(a.Stderr, "mix: %s, %d workers, %s\n", mix.Describe(), workers, dur)
				st := bench.Run(ctx, "mix: domain transactions", workers, dur, warm, mix.Do)
				rep.Mix = &st
				printStats(a, st)
				if rep.Baseline.TPS > 0 {
					rep.Ratio = st.TPS / rep.Baseline.TPS
				}
				fmt.Fprintf(a.Stdout, "mix/baseline throughput ratio: %.2f\n", rep.Ratio)
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
	cmd.Flags().IntVar(&workers, "workers", 32, "concurrent closed-loop clients")
	cmd.Flags().DurationVar(&dur, "duration", 20*time.Second, "measured time per workload")
	cmd.Flags().DurationVar(&warm, "warmup", 3*time.Second, "warm-up before measuring")
	cmd.Flags().StringVar(&out, "out", "", "write the report as JSON to this file")
	cmd.Flags().IntVar(&logLines, "log-lines", 1000000, "lines of the generated log to anchor (0: skip)")
	cmd.Flags().BoolVar(&skipMix, "baseline-only", false, "skip the domain mix")
	return cmd
}

func printStats(a *App, s bench.Stats) {
	fmt.Fprintf(a.Stdout, "%-28s %7.1f tx/s  p50 %6.0f ms  p95 %6.0f ms  p99 %6.0f ms  (%d committed, %d failed)\n",
		s.Name, s.TPS, s.P50Ms, s.P95Ms, s.P99Ms, s.Committed, s.Failed)
	for _, e := range s.Errors {
		fmt.Fprintf(a.Stderr, "  error: %s\n", e)
	}
}
