package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// Exit codes of pdl.
const (
	ExitOK      = 0
	ExitRefused = 1 // refused by a rule (code and message printed)
	ExitUsage   = 2
	ExitNetwork = 3
)

// App holds what every command shares: the chosen identity, output, and a lazily opened
// connection.
type App struct {
	Profile string
	Output  string
	Timeout time.Duration
	Quiet   bool
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// AfterBlock: the call waits until its peers have committed this block (0: none).
	AfterBlock uint64

	cli     *client.Client
	session *client.Session
}

// Connect opens (once) the connection as the chosen profile.
func (a *App) Connect(ctx context.Context) (*client.Client, error) {
	return a.ConnectWith(ctx)
}

// ConnectWith is Connect with client options after pdl's own (client.WithSession(nil)
// for load whose calls do not depend on each other).
func (a *App) ConnectWith(ctx context.Context, opts ...client.Option) (*client.Client, error) {
	if a.cli != nil {
		return a.cli, nil
	}
	name := a.Profile
	if name == "" {
		name = os.Getenv("PDL_PROFILE")
	}
	if name == "" {
		return nil, usagef("no identity chosen: use --profile NAME or set PDL_PROFILE (profiles: %s)", client.ProfileDir())
	}
	p, err := client.LoadProfile(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	a.session = client.NewSession()
	if n, ok := readSessionFile(); ok {
		a.session.Observe(n)
	}
	if a.AfterBlock > 0 {
		a.session.Observe(a.AfterBlock)
	}
	c, err := client.Connect(ctx, p, append([]client.Option{client.WithSession(a.session), client.WithLogger(func(f string, args ...any) {
		if !a.Quiet {
			fmt.Fprintf(a.Stderr, f+"\n", args...)
		}
	})}, opts...)...)
	if err != nil {
		return nil, &client.NetworkError{Op: "connect", Err: err}
	}
	a.cli = c
	return c, nil
}

// Close closes the connection if one was opened, and records the session's latest block
// in $PDL_SESSION (if set) for the next pdl run.
func (a *App) Close() {
	if a.cli != nil {
		a.cli.Close()
	}
	if a.session != nil {
		if n, ok := a.session.Block(); ok {
			writeSessionFile(n)
		}
	}
}

// PDL_SESSION names a file that successive pdl runs share, as different identities
// perhaps: each run waits until its peers have committed the block the file names, and
// writes the latest block it committed or waited for. Without it, use --after-block.
func readSessionFile() (uint64, bool) {
	path := os.Getenv("PDL_SESSION")
	if path == "" {
		return 0, false
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	return n, err == nil
}

func writeSessionFile(n uint64) {
	path := os.Getenv("PDL_SESSION")
	if path == "" {
		return
	}
	if cur, ok := readSessionFile(); ok && cur >= n {
		return
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if os.WriteFile(tmp, []byte(strconv.FormatUint(n, 10)+"\n"), 0o644) == nil {
		_ = os.Rename(tmp, path)
	}
}

// ExitCode maps an error to pdl's exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var re *client.RefusedError
	var ue *UsageError
	var ne *client.NetworkError
	switch {
	case errors.As(err, &re):
		return ExitRefused
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &ne):
		return ExitNetwork
	}
	if strings.Contains(err.Error(), "unknown command") || strings.Contains(err.Error(), "flag") || strings.Contains(err.Error(), "argument") {
		return ExitUsage
	}
	return ExitNetwork
}

// groupOf places a contract's functions under a pdl subcommand.
var groupOf = map[string]string{
	"System": "query", "Disclosure": "query", "Grant": "application", "Price": "price", "Logs": "logs",
	"Emergency": "authorization", "DevAgreement": "partner",
}

// verbOverride renames functions whose verb a hand-written command takes (pdl logs
// anchor is the streaming anchorer; the query of one anchor becomes get-anchor).
var verbOverride = map[string]string{"Logs:Anchor": "get-anchor"}

var groupHelp = map[string]string{
	"participant":   "parties and the identities bound to them (bureau registers; anyone reads)",
	"profile":       "the policy profile: jurisdiction parameters, versioned",
	"resource":      "public data resources (数源单位 registers, bureau catalogues)",
	"authorization": "authorization agreements (授权运营协议) and emergency plans",
	"partner":       "partners (协作单位) and development agreements",
	"application":   "data-use applications (用数申请) and the grants they become",
	"product":       "data products (数据产品登记): review, registration, listing",
	"price":         "price caps and price filings (定价备案)",
	"trade":         "trade filings (交易备案)",
	"revenue":       "annual revenue reports and their obligations",
	"logs":          "log-hash anchors (日志存证): anchor, prove, verify, seal",
	"supervision":   "inspections, rectification, evaluations, incidents, reports, complaints",
	"query":         "record history and public disclosures",
}

func groupName(contract string) string {
	if g, ok := groupOf[contract]; ok {
		return g
	}
	return strings.ToLower(contract)
}

// Root builds the whole command tree.
func Root(a *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "pdl",
		Short: "PDLedger client: record and check public-data authorized operation on the ledger",
		Long: `pdl acts as one identity on the PDLedger network (choose it with --profile or PDL_PROFILE;
profiles are written to .run/profiles by make up). Every write is idempotent under its --id:
re-running a command with the same --id after a network failure is safe.

Exit codes: 0 ok, 1 refused by a rule (code and message printed), 2 usage error, 3 network error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&a.Profile, "profile", "p", "", "identity profile name or file (default $PDL_PROFILE)")
	root.PersistentFlags().StringVarP(&a.Output, "output", "o", "table", "output format: table|json|yaml")
	root.PersistentFlags().DurationVar(&a.Timeout, "timeout", 2*time.Minute, "overall timeout of the command")
	root.PersistentFlags().BoolVarP(&a.Quiet, "quiet", "q", false, "no progress or retry messages")
	root.PersistentFlags().Uint64Var(&a.AfterBlock, "after-block", 0, "wait until the peers have committed this block (printed by every write) before acting; $PDL_SESSION=FILE does it between runs")

	groups := map[string]*cobra.Command{}
	group := func(name string) *cobra.Command {
		if g, ok := groups[name]; ok {
			return g
		}
		g := &cobra.Command{Use: name, Short: groupHelp[name]}
		groups[name] = g
		root.AddCommand(g)
		return g
	}
	verbs := map[string]map[string]bool{}
	for _, f := range model.Functions() {
		g := groupName(f.Contract())
		verb := Kebab(f.Method())
		if v, ok := verbOverride[f.Name]; ok {
			verb = v
		}
		if g != strings.ToLower(f.Contract()) && g != "query" {
			verb = Kebab(f.Contract()) + "-" + verb
		}
		if verbs[g] == nil {
			verbs[g] = map[string]bool{}
		}
		if verbs[g][verb] {
			verb = Kebab(f.Contract()) + "-" + Kebab(f.Method())
		}
		verbs[g][verb] = true
		group(g).AddCommand(functionCommand(a, f, g, verb))
	}
	for _, c := range extraCommands(a) {
		if parent := c.Annotations["group"]; parent != "" {
			group(parent).AddCommand(c)
		} else {
			root.AddCommand(c)
		}
	}
	return root
}

// extraCommands are registered by other files (logs, bench, demo).
var extraCommandFuncs []func(*App) *cobra.Command

func extraCommands(a *App) []*cobra.Command {
	var out []*cobra.Command
	for _, f := range extraCommandFuncs {
		out = append(out, f(a))
	}
	return out
}

func example(f model.Func, g, verb string, fl []field) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  pdl -p <profile> %s %s", g, verb)
	for _, x := range fl {
		if !x.Req || x.JSON == "id" {
			continue
		}
		switch x.Kind {
		case "bool":
			fmt.Fprintf(&b, " --%s", x.Flag)
		case "int":
			fmt.Fprintf(&b, " --%s 1", x.Flag)
		case "json":
			fmt.Fprintf(&b, " --%s '<json>'", x.Flag)
		default:
			v := "<" + x.JSON + ">"
			if len(x.Enum) > 0 {
				v = x.Enum[0]
			}
			fmt.Fprintf(&b, " --%s %s", x.Flag, v)
		}
	}
	fmt.Fprintf(&b, "\n  pdl -p <profile> %s %s -f request.yaml -o json", g, verb)
	return b.String()
}

func functionCommand(a *App, f model.Func, g, verb string) *cobra.Command {
	fl := fields(f.Request)
	var file string
	var sign bool
	var keyFile string
	kind := "query (evaluated on the peer, nothing is written)"
	if f.Write {
		kind = "transaction (endorsed by two orgs, ordered, committed; idempotent under --id)"
	}
	cmd := &cobra.Command{
		Use:         verb,
		Short:       f.Summary,
		Long:        fmt.Sprintf("%s\n\nChaincode function %s — a %s.\nRequest fields come from flags and/or a JSON or YAML file (-f); flags win.", f.Summary, f.Name, kind),
		Example:     example(f, g, verb, fl),
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"function": f.Name},
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := ParseFormat(a.Output)
			if err != nil {
				return err
			}
			obj, generated, err := BuildRequest(cmd.Flags(), fl, f.Request, file, a.Stdin)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout)
			defer cancel()
			c, err := a.Connect(ctx)
			if err != nil {
				return err
			}
			var payload any = obj
			if sign {
				if payload, err = signRequest(ctx, a, c, f, obj, keyFile); err != nil {
					return err
				}
			}
			if !f.Write {
				raw, err := c.EvaluateRaw(ctx, f.Name, mustJSON(payload))
				if err != nil {
					return err
				}
				return Render(a.Stdout, raw, format)
			}
			if generated && !a.Quiet {
				fmt.Fprintf(a.Stderr, "request id %s (re-run with --id %s to retry safely)\n", obj["id"], obj["id"])
			}
			res, err := c.Submit(ctx, f.Name, payload)
			if err != nil {
				return err
			}
			if !a.Quiet {
				fmt.Fprintf(a.Stderr, "committed: tx %s, block %d, %s\n", res.TxID, res.BlockNumber, res.Code)
			}
			return Render(a.Stdout, res.Payload, format)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "request as a JSON or YAML file (- for stdin)")
	if f.Write {
		cmd.Flags().BoolVar(&sign, "sign", false, "attach the caller's SM2 signature (key from --sm2-key, $PDL_SM2_KEY or <profile>.sm2.pem next to the profile)")
		cmd.Flags().StringVar(&keyFile, "sm2-key", "", "SM2 private key (PEM) for --sign")
	}
	addFlags(cmd.Flags(), fl)
	return cmd
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// signRequest attaches the caller participant's SM2 signature over the request's
// canonical signing bytes (the same bytes the chaincode recomputes).
func signRequest(ctx context.Context, a *App, c *client.Client, f model.Func, obj map[string]any, keyFile string) (any, error) {
	path := a.sm2KeyFile(keyFile)
	key, err := client.LoadSM2Key(path)
	if err != nil {
		return nil, usagef("--sign: %v", err)
	}
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
		return nil, err
	}
	if who.Participant == nil {
		return nil, usagef("--sign: this identity is bound to no participant")
	}
	return client.SignRequest(f, obj, who.Participant.ID, key)
}

// sm2KeyFile is the SM2 key the caller signs with: --sm2-key, else $PDL_SM2_KEY, else the
// one kept next to the profile (client.SM2KeyPath).
func (a *App) sm2KeyFile(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("PDL_SM2_KEY"); env != "" {
		return env
	}
	return client.SM2KeyPath(client.ProfilePath(a.profileName()))
}

func (a *App) profileName() string {
	if a.Profile != "" {
		return a.Profile
	}
	return os.Getenv("PDL_PROFILE")
}

// FunctionNames lists the functions as "group verb" for docs and tests.
func FunctionNames(root *cobra.Command) []string {
	var out []string
	for _, g := range root.Commands() {
		for _, c := range g.Commands() {
			out = append(out, g.Name()+" "+c.Name())
		}
	}
	sort.Strings(out)
	return out
}
