package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

// App holds what every command shares: the chosen identity, output, and a lazily opened
// connection.
type App struct {
	Profile string
	// Channel overrides the profile's channel (-C, $PDL_CHANNEL): one jurisdiction's ledger.
	Channel string
	Output  string
	Timeout time.Duration
	Quiet   bool
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// AfterBlock: the call waits until its peers have committed this block (0: none).
	AfterBlock uint64
	// Lang is the language of help, tables and messages (DetectLang when empty).
	Lang model.Lang

	langFlag string
	cli      *client.Client
	session  *client.Session
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
	p, err := a.chosenProfile()
	if err != nil {
		return nil, err
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
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return nil, localf(err, "%s", a.tr("身份配置 %s 引用的文件：%v", "a file the profile %s names: %v", p.Name, err))
	case err != nil:
		return nil, &client.NetworkError{Op: "connect", Err: err}
	}
	a.cli = c
	return c, nil
}

// chosenProfile loads --profile (or $PDL_PROFILE).
func (a *App) chosenProfile() (*client.Profile, error) {
	name := a.profileName()
	if name == "" {
		names := profileNames(client.ProfileDir())
		return nil, usagef("%s", a.tr("没有选择身份：用 --profile 名称（-p）或设置 PDL_PROFILE（可选：%s）", "no identity chosen: use --profile NAME (-p) or set PDL_PROFILE (profiles: %s)", strings.Join(names, ", ")))
	}
	return a.loadProfile(name)
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

// groupOf places a contract's functions under a pdl subcommand.
var groupOf = map[string]string{
	"System": "query", "Disclosure": "query", "Grant": "application", "Price": "price", "Logs": "logs",
	"Emergency": "authorization", "DevAgreement": "partner",
}

// verbOverride renames functions whose verb a hand-written command takes (pdl logs
// anchor is the streaming anchorer; the query of one anchor becomes get-anchor).
var verbOverride = map[string]string{"Logs:Anchor": "get-anchor"}

// groupHelp describes the groups, Chinese and English.
var groupHelp = map[string][2]string{
	"participant":   {"参与方及其绑定的身份（实施机构登记；任何人可查）", "parties and the identities bound to them (bureau registers; anyone reads)"},
	"profile":       {"政策配置：各地参数，按版本管理；profile list 列出身份配置", "the policy profile: jurisdiction parameters, versioned; profile list lists identity profiles"},
	"resource":      {"公共数据资源（数源单位登记，实施机构编目）；resource mine：我的数据去哪了", "public data resources (数源单位 registers, bureau catalogues); resource mine: where did my data go"},
	"authorization": {"授权运营协议与应急预案", "authorization agreements (授权运营协议) and emergency plans"},
	"partner":       {"协作单位与开发协议", "partners (协作单位) and development agreements"},
	"application":   {"用数申请及其批复", "data-use applications (用数申请) and the grants they become"},
	"product":       {"数据产品登记：审核、登记、挂牌；product check：能否挂牌交易", "data products (数据产品登记): review, registration, listing; product check: may it be listed or traded"},
	"price":         {"价格上限与定价备案", "price caps and price filings (定价备案)"},
	"trade":         {"交易备案", "trade filings (交易备案)"},
	"revenue":       {"年度收益报告及其调整义务", "annual revenue reports and their obligations"},
	"logs":          {"日志存证：存证、证明、验证、封存", "log-hash anchors (日志存证): anchor, prove, verify, seal"},
	"supervision":   {"检查、整改、评价、安全事件、定期报告、投诉与异议", "inspections, rectification, evaluations, incidents, reports, complaints"},
	"query":         {"记录历史与公开信息", "record history and public disclosures"},
}

func groupName(contract string) string {
	if g, ok := groupOf[contract]; ok {
		return g
	}
	return strings.ToLower(contract)
}

// Root builds the whole command tree.
func Root(a *App) *cobra.Command {
	a.resolveLang()
	root := &cobra.Command{
		Use:   "pdl",
		Short: a.tr("PDLedger 客户端：在账本上记录和核查公共数据资源授权运营", "PDLedger client: record and check public-data authorized operation on the ledger"),
		Long: a.tr(`pdl 以一个身份在 PDLedger 网络上操作（用 --profile 或 PDL_PROFILE 选择；make up 把身份配置写入
.run/profiles，pdl profile list 列出它们）。每个写操作在其 --id（请求编号）下幂等：网络故障后用同一
--id 重新执行是安全的。时间均为北京时间。

退出码：0 成功；1 被规则、权限或状态拒绝（打印代码和说明）；2 命令用法或请求格式错误；
3 网络错误（可用同一 --id 重试）；4 本地文件或状态错误。错误代码说明见 docs/errors.md。`,
			`pdl acts as one identity on the PDLedger network (choose it with --profile or PDL_PROFILE; make up writes
the profiles to .run/profiles, pdl profile list lists them). Every write is idempotent under its --id (request
id): re-running a command with the same --id after a network failure is safe. Times are Beijing time.

Exit codes: 0 ok; 1 refused by a rule, access or state (code and message printed); 2 usage or request-shape
error; 3 network error (retry with the same --id); 4 local file or state error. Codes: docs/errors.md.`),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&a.Profile, "profile", "p", "", a.tr("身份配置的名称或文件（默认 $PDL_PROFILE）", "identity profile name or file (default $PDL_PROFILE)"))
	pf.StringVarP(&a.Channel, "channel", "C", os.Getenv("PDL_CHANNEL"), a.tr("通道（辖区账本）；默认身份配置中的通道（pdlnet channel list 列出全部）", "channel (one jurisdiction's ledger); default the profile's (pdlnet channel list shows them)"))
	pf.StringVarP(&a.Output, "output", "o", "table", a.tr("输出格式：table|json|yaml（出错时错误也按此格式输出到标准错误）", "output format: table|json|yaml (errors too, on stderr)"))
	pf.DurationVar(&a.Timeout, "timeout", 2*time.Minute, a.tr("命令的总超时", "overall timeout of the command"))
	pf.BoolVarP(&a.Quiet, "quiet", "q", false, a.tr("不显示进度和重试信息", "no progress or retry messages"))
	pf.Uint64Var(&a.AfterBlock, "after-block", 0, a.tr("先等节点提交到此区块（每次写入都会打印区块号）；$PDL_SESSION=文件 在多次运行间自动传递", "wait until the peers have committed this block (printed by every write) before acting; $PDL_SESSION=FILE does it between runs"))
	pf.StringVar(&a.langFlag, "lang", "", a.tr("界面语言：zh|en（默认按 LANG/LC_ALL）", "language: zh|en (default from LANG/LC_ALL)"))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		var ue *UsageError
		if errors.As(err, &ue) {
			return ue
		}
		return &UsageError{Msg: err.Error(), Code: model.CodeUsage}
	})
	if a.Lang == model.ZH {
		root.SetUsageTemplate(usageTemplateZH)
		root.InitDefaultHelpFlag()
		root.Flags().Lookup("help").Usage = "显示帮助"
	}

	groups := map[string]*cobra.Command{}
	group := func(name string) *cobra.Command {
		if g, ok := groups[name]; ok {
			return g
		}
		g := &cobra.Command{Use: name, Short: a.tr(groupHelp[name][0], groupHelp[name][1])}
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
	if a.Lang == model.ZH {
		root.InitDefaultHelpCmd()
		root.InitDefaultCompletionCmd()
		for _, c := range root.Commands() {
			if c.Name() == "help" {
				c.Short = "显示命令的帮助"
			}
			if c.Name() == "completion" {
				c.Short = "生成 shell 自动补全脚本"
			}
		}
	}
	markRunning(a, root)
	return root
}

// markRunning wraps every command's RunE to apply --lang and check -o before it runs,
// and gives every command's --help its Chinese usage.
func markRunning(a *App, c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if a.langFlag != "" {
				a.Lang = model.ParseLang(a.langFlag)
			}
			if _, err := ParseFormat(a.Output); err != nil {
				return err
			}
			return run(cmd, args)
		}
	}
	if a.Lang == model.ZH {
		c.InitDefaultHelpFlag()
		if h := c.Flags().Lookup("help"); h != nil {
			h.Usage = "显示帮助"
		}
	}
	for _, sub := range c.Commands() {
		markRunning(a, sub)
	}
}

// Execute runs the command line and reports a failure on a.Stderr; it returns the exit
// code.
func Execute(ctx context.Context, a *App, args []string) int {
	if a.Lang == "" {
		a.Lang = DetectLang(args, os.Getenv)
	}
	root := Root(a)
	root.SetArgs(args)
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	err := root.ExecuteContext(ctx)
	a.Close()
	if err != nil {
		a.Output = outputFlag(args, a.Output)
	}
	if err != nil && ExitCode(err) == ExitUsage && !errors.As(err, new(*childExit)) {
		var ue *UsageError
		if !errors.As(err, &ue) {
			err = &UsageError{Msg: err.Error(), Code: model.CodeUsage}
		}
	}
	Report(a, a.Stderr, err)
	return ExitCode(err)
}

// outputFlag finds -o in args when parsing stopped before it (the error of an earlier
// flag is still reported in the format asked for).
func outputFlag(args []string, cur string) string {
	for i, a := range args {
		switch {
		case a == "--":
			return cur
		case (a == "-o" || a == "--output") && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "--output="):
			return strings.TrimPrefix(a, "--output=")
		case strings.HasPrefix(a, "-o") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			return a[2:]
		}
	}
	return cur
}

// extraCommands are registered by other files (logs, bench, demo, role verbs).
var extraCommandFuncs []func(*App) *cobra.Command

func extraCommands(a *App) []*cobra.Command {
	var out []*cobra.Command
	for _, f := range extraCommandFuncs {
		out = append(out, f(a))
	}
	return out
}

// creates are the writes whose request id becomes the new record's id; every other
// write's id names only the request (the action), and a read's id is the record's.
var creates = map[string]bool{
	"Participant:Register": true, "Participant:Bootstrap": true, "Resource:Register": true, "Authorization:Create": true,
	"Application:Submit": true, "Partner:Onboard": true, "Product:Submit": true, "Price:SetCap": true, "Price:File": true,
	"Trade:File": true, "Revenue:Report": true, "Logs:Open": true, "Logs:Append": true, "Supervision:Inspect": true,
	"Supervision:Evaluate": true, "Supervision:Sweep": true, "Supervision:ReportIncident": true, "Supervision:FileReport": true,
	"Supervision:FileCase": true, "Supervision:OrderRectification": true, "System:OpenReplay": true,
}

// idHelp says what --id is on a function: the record's id, or a request id.
func (a *App) idHelp(f model.Func) string {
	switch {
	case !f.Write:
		return a.tr("记录编号（要读取的记录）", "record id (the record to read)")
	case creates[f.Name]:
		return a.tr("请求编号，同时是新记录的编号（省略时自动生成；重试时用同一编号）", "request id, which is also the new record's id (generated when left out; retry with the same id)")
	}
	return a.tr("请求编号：标识这次操作，不是记录编号（要操作的记录由其他参数指定；省略时自动生成；重试时用同一编号）",
		"request id: names this action, not the record (the other flags name the record; generated when left out; retry with the same id)")
}

func functionCommand(a *App, f model.Func, g, verb string) *cobra.Command {
	fl := fieldsIn(f.Request, a.Lang)
	for i := range fl {
		if fl[i].JSON == "id" && fl[i].Flag == "id" {
			fl[i].Help = a.idHelp(f)
			if fl[i].Req && !f.Write {
				fl[i].Help += a.tr("（必填）", " (required)")
			}
		}
	}
	var file string
	var sign, dryRun bool
	var keyFile string
	kind := a.tr("查询（由节点计算，不写入任何内容）", "query (evaluated on the peer, nothing is written)")
	if f.Write {
		kind = a.tr("交易（两个组织背书、排序、提交；在 --id 下幂等）", "transaction (endorsed by two orgs, ordered, committed; idempotent under --id)")
	}
	cmd := &cobra.Command{
		Use:   verb,
		Short: f.Summary,
		Long: a.tr("%s\n\n链码函数 %s —— %s。\n请求字段来自参数和/或 JSON、YAML 文件（-f）；两者都给时以参数为准。%s",
			"%s\n\nChaincode function %s — a %s.\nRequest fields come from flags and/or a JSON or YAML file (-f); flags win.%s", f.Summary, f.Name, kind, a.jsonFlagNotes(f, fl)),
		Example:     a.exampleText(f, g, verb),
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"function": f.Name},
		RunE: func(cmd *cobra.Command, _ []string) error {
			obj, generated, err := BuildRequest(cmd.Flags(), fl, f.Request, file, a.Stdin)
			if err != nil {
				return err
			}
			// only a write that may not have reached the ledger is worth retrying under its id
			retry := func(err error) error {
				if id, _ := obj["id"].(string); f.Write && !dryRun && ExitCode(err) == ExitNetwork && id != "" {
					return &retryable{err: err, id: id}
				}
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout)
			defer cancel()
			c, err := a.Connect(ctx)
			if err != nil {
				return retry(err)
			}
			var payload any = obj
			if sign {
				if payload, err = signRequest(ctx, a, c, f, obj, keyFile); err != nil {
					return err
				}
			}
			if !f.Write || dryRun {
				var raw []byte
				if f.Write {
					raw, err = c.DryRun(ctx, f.Name, payload)
				} else {
					raw, err = c.EvaluateRaw(ctx, f.Name, mustJSON(payload))
				}
				if err != nil {
					return err
				}
				if dryRun && !a.Quiet {
					fmt.Fprintln(a.Stderr, a.tr("试运行：已由节点按当前账本状态计算，未提交，账本没有变化", "dry run: evaluated by a peer against the ledger as it stands; not submitted, nothing written"))
				}
				return a.print(raw, view{fn: f.Name})
			}
			if generated && !a.Quiet {
				fmt.Fprintf(a.Stderr, a.tr("请求编号 %s（自动生成）\n", "request id %s (generated)\n"), obj["id"])
			}
			res, err := c.Submit(ctx, f.Name, payload)
			if err != nil {
				return retry(err)
			}
			if !a.Quiet {
				fmt.Fprintf(a.Stderr, a.tr("已提交：交易 %s，区块 %d，%s\n", "committed: tx %s, block %d, %s\n"), res.TxID, res.BlockNumber, res.Code)
			}
			return a.print(res.Payload, view{fn: f.Name})
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", a.tr("请求文件（JSON 或 YAML；- 为标准输入）", "request as a JSON or YAML file (- for stdin)"))
	if f.Write {
		cmd.Flags().BoolVar(&sign, "sign", false, a.tr("附上调用者的 SM2 签名（密钥来自 --sm2-key、$PDL_SM2_KEY 或配置文件旁的 <配置>.sm2.pem）", "attach the caller's SM2 signature (key from --sm2-key, $PDL_SM2_KEY or <profile>.sm2.pem next to the profile)"))
		cmd.Flags().StringVar(&keyFile, "sm2-key", "", a.tr("--sign 使用的 SM2 私钥（PEM）", "SM2 private key (PEM) for --sign"))
		cmd.Flags().BoolVar(&dryRun, "dry-run", false, a.tr("试运行：由节点按当前账本计算结果（含拒绝），不提交", "evaluate on a peer against the current ledger (refusals included) without submitting"))
	}
	addFlags(cmd.Flags(), fl)
	cmd.Flags().SortFlags = false
	return cmd
}

// jsonFlagNotes documents the JSON-valued flags of a function: their shape and the
// sample file shipped under docs/examples/.
func (a *App) jsonFlagNotes(f model.Func, fl []field) string {
	var b strings.Builder
	for _, x := range fl {
		if x.Kind != kindJSON {
			continue
		}
		fmt.Fprintf(&b, a.tr("\n\n--%s 的 JSON 结构：%s", "\n\n--%s takes JSON shaped %s"), x.Flag, shapeOf(x.Type, 0))
		if s := sampleFile(f.Name, x.JSON); s != "" {
			fmt.Fprintf(&b, a.tr("\n示例文件：%s（用 --%s @%s 读取）", "\nsample: %s (read it with --%s @%s)"), s, x.Flag, s)
		}
	}
	return b.String()
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
		return nil, localf(err, "--sign: %v", err)
	}
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
		return nil, err
	}
	if who.Participant == nil {
		return nil, refusal(model.CodeUnbound, "%s", a.tr("--sign：此身份没有绑定参与方", "--sign: this identity is bound to no participant"))
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
