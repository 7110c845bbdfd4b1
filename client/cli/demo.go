package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/demo"
)

func init() { extraCommandFuncs = append(extraCommandFuncs, demoCmd) }

func demoCmd(a *App) *cobra.Command {
	var dir string
	var verbose bool
	root := &cobra.Command{Use: "demo", Short: a.tr("由龙华试点种子数据构建的演示账本", "the demo ledger built from the Longhua seed")}
	load := &cobra.Command{
		Use:   "load",
		Short: a.tr("在账本上重放龙华试点三个月的历史（幂等：重复运行不改变任何内容）", "replay the Longhua pilot's history on the ledger (idempotent: re-running changes nothing)"),
		Long: `Registers the source units, the ten first-batch resources (龙华 table 1), one authorization, the
data-use applications and the eleven first-batch products (table 2), walked to varied states
(approved, pending, refused, overdue, priced, traded, logs anchored), each step as the identity
that takes it and dated when it would have happened.

With -C naming one of the default topology's jurisdiction channels (luohu, futian,
qinhuangdao, guangdong), it loads that jurisdiction's operator, source unit, regulator and
catalogued resources instead; Guangdong's provincial regulator is bound on the Guangdong
ledgers, not on Qinhuangdao's.`,
		Example: "  pdl demo load\n  pdl -C luohu demo load",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				dir = client.ProfileDir()
			}
			bar := newProgress(a, "demo", 0)
			env := demo.Env{ProfilesDir: dir, LogsDir: filepath.Join(filepath.Dir(dir), "demo-logs"), Now: time.Now()}
			if verbose {
				env.Out = a.Stderr
			} else if bar.on {
				env.Progress = func(done, total int) {
					bar.total = int64(total)
					bar.update(int64(done), uint64(done))
				}
			}
			load := demo.Load
			if a.Channel != "" {
				first, err := client.LoadProfile(filepath.Join(dir, "bureau-admin.json"))
				if err != nil {
					return err
				}
				if a.Channel != first.Channel {
					// another jurisdiction's channel: its parties and catalogue
					env.Channel, load = a.Channel, demo.LoadJurisdiction
				}
			}
			err := load(cmd.Context(), env)
			bar.done()
			if err != nil {
				return err
			}
			fmt.Fprintln(a.Stdout, "demo ledger loaded")
			return nil
		},
	}
	load.Flags().StringVar(&dir, "profiles", os.Getenv("PDL_PROFILES"), "profiles directory (default: .run/profiles)")
	load.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every step")
	root.AddCommand(load)
	return root
}
