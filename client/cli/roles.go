package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/chaincode/model"
)

// One verb per question each role asks, each the twin of an explorer endpoint:
//
//	数源单位  where did my data go?          pdl resource mine, pdl resource provenance ID
//	交易所    may this product be traded?    pdl product check ID... | --file ids.csv
//	监管      what happened to X / party Y?  pdl trail
//	监管      what is overdue or wrong?      pdl compliance
//	监管      does the index match the chain? pdl verify --from N

func init() {
	extraCommandFuncs = append(extraCommandFuncs, resourceMineCmd, resourceProvenanceCmd, productCheckCmd, trailCmd, complianceCmd, verifyCmd)
}

// withExplorer runs f with a connected explorer client under the command's timeout.
func (a *App) withExplorer(cmd *cobra.Command, f func(ctx context.Context, e *explorerClient) error) error {
	e, err := a.explorer()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout)
	defer cancel()
	return f(ctx, e)
}

func resourceMineCmd(a *App) *cobra.Command {
	var steps bool
	cmd := &cobra.Command{
		Use:   "mine",
		Short: a.tr("我的数据去哪了：本单位每个资源被谁、在何时、以何种方式使用（浏览器 /api/v1/me/uses）", "where did my data go: every use of your unit's resources, who, when, how (explorer /api/v1/me/uses)"),
		Long: a.tr(`数源单位的问题“我的数据去哪了”，一条命令回答：调用者所代表单位的每个资源，以及从它派生的授权、
用数申请、批复、产品、价格和交易，每条记录附最近一步（谁、做了什么、何时、哪笔交易）。--steps 显示每一步。`,
			`A source unit's question "where did my data go", in one command: every resource of the caller's unit and
what descends from it — authorizations, applications, grants, products, prices, trades — each with its latest
step (who did what, when, in which transaction). --steps shows every step.`),
		Example:     "  pdl -p sourceunit-user1 resource mine\n  pdl -p sourceunit-user13 resource mine --steps -o yaml",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "resource"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withExplorer(cmd, func(ctx context.Context, e *explorerClient) error {
				raw, err := e.get(ctx, "/api/v1/me/uses", nil)
				if err != nil {
					return err
				}
				var ans struct {
					Participant string      `json:"participant"`
					Resources   []*provNode `json:"resources"`
				}
				if err := json.Unmarshal(raw, &ans); err != nil {
					return fmt.Errorf("explorer answer: %w", err)
				}
				uses := 0
				for _, r := range ans.Resources {
					uses += countNodes(r)
				}
				sum := a.tr("%s 的资源 %d 个，派生记录 %d 条", "%s: %d resources, %d records descending from them", ans.Participant, len(ans.Resources), uses)
				return a.printTrees(raw, ans.Resources, steps, sum)
			})
		},
	}
	cmd.Flags().BoolVar(&steps, "steps", false, a.tr("显示每条记录的每一步", "show every step of every record"))
	return cmd
}

func resourceProvenanceCmd(a *App) *cobra.Command {
	var steps bool
	cmd := &cobra.Command{
		Use:         "provenance RESOURCE-ID",
		Short:       a.tr("一个资源的去向树（浏览器 /api/v1/resources/:id/provenance）", "the provenance tree of one resource (explorer /api/v1/resources/:id/provenance)"),
		Example:     "  pdl -p sourceunit-user1 resource provenance lh-res-01\n  pdl -p regulator resource provenance lh-res-09 --steps",
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{"group": "resource"},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withExplorer(cmd, func(ctx context.Context, e *explorerClient) error {
				raw, err := e.get(ctx, "/api/v1/resources/"+url.PathEscape(args[0])+"/provenance", nil)
				if err != nil {
					return err
				}
				n, err := decodeTree(raw)
				if err != nil {
					return err
				}
				return a.printTrees(raw, []*provNode{n}, steps, "")
			})
		},
	}
	cmd.Flags().BoolVar(&steps, "steps", false, a.tr("显示每条记录的每一步", "show every step of every record"))
	return cmd
}

// readIDs reads product ids from a CSV or text file: the first column of each line; a
// header line (id, product, 产品...) and blank lines are skipped.
func readIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		first := strings.TrimSpace(strings.Trim(strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '，' || r == '\t' || r == ';' })[0], `"`))
		if n == 0 && (strings.EqualFold(first, "id") || strings.EqualFold(first, "product") || strings.Contains(first, "产品") || strings.Contains(first, "编号")) {
			continue
		}
		out = append(out, first)
	}
	return out, sc.Err()
}

func productCheckCmd(a *App) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "check PRODUCT-ID... | --file ids.csv",
		Short: a.tr("产品能否挂牌交易：已登记、已审核通过、有效、授权有效、价格未超上限，附证明（浏览器 /api/v1/products/:id/check）", "may a product be listed or traded: registered, approved, in force, authorization active, prices within cap — with proof (explorer /api/v1/products/:id/check)"),
		Long: a.tr(`数据交易所挂牌或交易前的核查。给出一个或多个产品编号，或 --file 读取 CSV/文本文件（每行第一列为产品编号，
可有表头）；多个产品按每批 100 个核查。每项结论附账本证明（交易、区块、背书组织、时间）。`,
			`The check a data exchange makes before listing or trading. Give product ids, or --file with a CSV or text file
(the first column of each line; a header is skipped); many products are checked 100 at a time. Each answer
carries its ledger proof (transaction, block, endorsing orgs, time).`),
		Example:     "  pdl -p exchange product check lh-prd-01\n  pdl -p exchange product check lh-prd-01 lh-prd-03 lh-prd-08\n  pdl -p exchange product check --file docs/examples/product-ids.csv -o json",
		Annotations: map[string]string{"group": "product"},
		RunE: func(cmd *cobra.Command, args []string) error {
			ids := append([]string{}, args...)
			if file != "" {
				more, err := readIDs(file)
				if err != nil {
					return localf(err, "--file: %v", err)
				}
				ids = append(ids, more...)
			}
			if len(ids) == 0 {
				return usagef("%s", a.tr("给出产品编号或 --file", "give product ids or --file"))
			}
			return a.withExplorer(cmd, func(ctx context.Context, e *explorerClient) error {
				if len(ids) == 1 && file == "" {
					raw, err := e.get(ctx, "/api/v1/products/"+url.PathEscape(ids[0])+"/check", nil)
					if err != nil {
						return err
					}
					return a.print(raw, view{})
				}
				var all []json.RawMessage
				for start := 0; start < len(ids); start += 100 {
					end := min(start+100, len(ids))
					raw, err := e.post(ctx, "/api/v1/products/check", map[string]any{"ids": ids[start:end]})
					if err != nil {
						return err
					}
					var ans struct {
						Checks []json.RawMessage `json:"checks"`
					}
					if err := json.Unmarshal(raw, &ans); err != nil {
						return fmt.Errorf("explorer answer: %w", err)
					}
					all = append(all, ans.Checks...)
				}
				return a.printValue(all, view{})
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", a.tr("产品编号文件（CSV 或每行一个）", "file of product ids (CSV or one per line)"))
	return cmd
}

func trailCmd(a *App) *cobra.Command {
	var kind, id, party, from, to, cursor string
	var kinds listValue
	var limit int
	cmd := &cobra.Command{
		Use:   "trail",
		Short: a.tr("一条记录或一个当事方的完整轨迹：谁在何时做了什么（浏览器 /api/v1/trail，监管部门和实施机构）", "the trail of a record or a party: who did what when (explorer /api/v1/trail; regulators and the bureau)"),
		Long: a.tr(`按记录（--kind 与 --id）或当事方（--party）列出每个版本：时间、操作、操作方、交易和区块；
可按类型（--kinds，可用中文名和顿号）和时间（--from/--to，北京时间）筛选，按页返回（--cursor）。`,
			`Every version of a record (--kind with --id) or of a party's records (--party): time, action, actor,
transaction and block; filter by kinds (--kinds) and time (--from/--to, Beijing time); paged (--cursor).`),
		Example:     "  pdl -p regulator trail --kind product --id lh-prd-01\n  pdl -p regulator trail --party op-lhdata --kinds 交易备案、价格备案 --from 2026-10-01",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{},
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{}
			if kind != "" {
				k, ok := model.ParseKind(kind)
				if !ok {
					return inputErr(model.CodeBadEnum, "kind", "", "%s", a.tr("--kind %q：不是记录类型", "--kind %q: not a record kind", kind))
				}
				q.Set("kind", string(k))
			}
			var ks []string
			for _, k := range kinds.items {
				kk, ok := model.ParseKind(k)
				if !ok {
					return inputErr(model.CodeBadEnum, "kinds", "", "%s", a.tr("--kinds %q：不是记录类型", "--kinds %q: not a record kind", k))
				}
				ks = append(ks, string(kk))
			}
			if len(ks) > 0 {
				q.Set("kinds", strings.Join(ks, ","))
			}
			for name, v := range map[string]string{"from": from, "to": to} {
				if v == "" {
					continue
				}
				t, ok := parseLocalTime(v)
				if !ok {
					return inputErr(model.CodeBadFormat, name, "time", "%s", a.tr("--%s %q：时间格式为 2026-10-01 或 \"2026-10-01 08:00\"（北京时间）", "--%s %q: give a time as 2026-10-01 or \"2026-10-01 08:00\" (Beijing time)", name, v))
				}
				q.Set(name, cstJSON(t))
			}
			for name, v := range map[string]string{"id": id, "party": party, "cursor": cursor} {
				if v != "" {
					q.Set(name, v)
				}
			}
			if limit > 0 {
				q.Set("limit", strconv.Itoa(limit))
			}
			return a.withExplorer(cmd, func(ctx context.Context, e *explorerClient) error {
				raw, err := e.get(ctx, "/api/v1/trail", q)
				if err != nil {
					return err
				}
				if Format(a.Output) != Table {
					return a.print(raw, view{})
				}
				var ans struct {
					Items json.RawMessage `json:"items"`
					Next  string          `json:"next"`
				}
				if err := json.Unmarshal(raw, &ans); err != nil {
					return fmt.Errorf("explorer answer: %w", err)
				}
				if err := a.print(ans.Items, view{fn: "trail"}); err != nil {
					return err
				}
				if ans.Next != "" {
					fmt.Fprintln(a.Stdout, a.tr("下一页：--cursor %s", "next page: --cursor %s", ans.Next))
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "", a.tr("记录类型（与 --id 一起）", "record kind (with --id)"))
	f.StringVar(&id, "id", "", a.tr("记录编号（与 --kind 一起）", "record id (with --kind)"))
	f.StringVar(&party, "party", "", a.tr("当事方（参与方编号）", "party (participant id)"))
	f.Var(&kinds, "kinds", a.tr("只看这些类型（逗号或顿号分隔，可用中文名）", "only these kinds (comma or 、 separated; Chinese names too)"))
	f.StringVar(&from, "from", "", a.tr("起始时间（北京时间）", "from (Beijing time)"))
	f.StringVar(&to, "to", "", a.tr("截止时间（北京时间）", "to (Beijing time)"))
	f.IntVar(&limit, "limit", 0, a.tr("每页条数（1–500）", "page size (1-500)"))
	f.StringVar(&cursor, "cursor", "", a.tr("上一页给出的游标", "cursor from the previous page"))
	return cmd
}

func complianceCmd(a *App) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:     "compliance",
		Short:   a.tr("合规报告："+findingCategories(model.ZH, "、")+"（浏览器 /api/v1/compliance）", "compliance report: "+findingCategories(model.EN, ", ")+" (explorer /api/v1/compliance)"),
		Example: "  pdl -p regulator compliance\n  pdl -p bureau compliance -o json\n  pdl -p regulator -C luohu compliance\n  pdl -p regulator compliance --all-channels",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withExplorer(cmd, func(ctx context.Context, e *explorerClient) error {
				if all {
					return a.oversight(ctx, e)
				}
				raw, err := e.get(ctx, "/api/v1/compliance", nil)
				if err != nil {
					return err
				}
				if Format(a.Output) != Table {
					return a.print(raw, view{})
				}
				var rep struct {
					Counts   map[string]int  `json:"counts"`
					Findings json.RawMessage `json:"findings"`
				}
				if err := json.Unmarshal(raw, &rep); err != nil {
					return fmt.Errorf("explorer answer: %w", err)
				}
				var parts []string
				for _, k := range sortedKeys(rep.Counts) {
					parts = append(parts, fmt.Sprintf("%s %d", a.category(k), rep.Counts[k]))
				}
				if len(parts) > 0 {
					fmt.Fprintln(a.Stdout, strings.Join(parts, a.tr("；", "; ")))
					fmt.Fprintln(a.Stdout)
				}
				return a.print(rep.Findings, view{fn: "compliance"})
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all-channels", false, a.tr("所有辖区：在本身份担任实施机构或监管方的每个辖区账本上的合规报告，附各辖区对比（浏览器 /api/v1/oversight/compliance）",
		"every jurisdiction: the report on each ledger where the identity acts for the bureau or a regulator, with a comparison (explorer /api/v1/oversight/compliance)"))
	return cmd
}

// oversight prints the cross-channel report: the comparison per jurisdiction, the
// channels left out and why, then every finding with its jurisdiction.
func (a *App) oversight(ctx context.Context, e *explorerClient) error {
	raw, err := e.get(ctx, "/api/v1/oversight/compliance", nil)
	if err != nil {
		return err
	}
	if Format(a.Output) != Table {
		return a.print(raw, view{})
	}
	var rep struct {
		Jurisdictions []struct {
			Channel      string `json:"channel"`
			Jurisdiction *struct {
				ZH string `json:"zh"`
				EN string `json:"en"`
			} `json:"jurisdiction"`
			Participant          string `json:"participant"`
			Authorizations       int    `json:"authorizations"`
			ActiveAuthorizations int    `json:"activeAuthorizations"`
			Products             int    `json:"products"`
			Overdue              int    `json:"overdue"`
			PriceDeviations      int    `json:"priceDeviations"`
			Findings             int    `json:"findings"`
		} `json:"jurisdictions"`
		NotCovered []struct {
			Channel, Jurisdiction, Reason string
		} `json:"notCovered"`
		Findings json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		return fmt.Errorf("explorer answer: %w", err)
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, a.tr("辖区\t通道\t本身份\t授权（有效/全部）\t产品\t逾期义务\t价格偏离\t问题合计", "JURISDICTION\tCHANNEL\tACTS FOR\tAUTHORIZATIONS (IN FORCE/ALL)\tPRODUCTS\tOVERDUE\tPRICE DEVIATIONS\tFINDINGS"))
	for _, j := range rep.Jurisdictions {
		name := j.Channel
		if j.Jurisdiction != nil {
			name = a.tr(j.Jurisdiction.ZH, j.Jurisdiction.EN)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d/%d\t%d\t%d\t%d\t%d\n", name, j.Channel, j.Participant, j.ActiveAuthorizations, j.Authorizations, j.Products, j.Overdue, j.PriceDeviations, j.Findings)
	}
	w.Flush()
	for _, n := range rep.NotCovered {
		fmt.Fprintf(a.Stdout, a.tr("未纳入 %s（%s）：%s\n", "left out: %s (%s): %s\n"), n.Jurisdiction, n.Channel, n.Reason)
	}
	fmt.Fprintln(a.Stdout)
	return a.print(rep.Findings, view{fn: "oversight"})
}

// findingCategories lists the compliance report's categories in lang, in the catalogue's
// words.
func findingCategories(lang model.Lang, sep string) string {
	var out []string
	for _, c := range model.FindingCategory("").Values() {
		out = append(out, model.EnumLabel(model.FindingCategory(""), c, lang))
	}
	return strings.Join(out, sep)
}

// category names a compliance finding's category.
func (a *App) category(c string) string {
	if a.Lang == model.ZH {
		return model.EnumLabel(model.FindingCategory(""), c, model.ZH)
	}
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func verifyCmd(a *App) *cobra.Command {
	var from, to int64
	cmd := &cobra.Command{
		Use:     "verify --from N [--to M]",
		Short:   a.tr("核对浏览器索引与账本是否一致，逐区块（浏览器 /api/v1/verify）；不一致时退出码 1", "check the explorer's index against the ledger, block by block (explorer /api/v1/verify); exit 1 on a mismatch"),
		Example: "  pdl -p regulator verify --from 0 --to 50\n  pdl -p regulator verify --from 20 --to 40 -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{}
			q.Set("from", strconv.FormatInt(from, 10))
			if cmd.Flags().Changed("to") {
				q.Set("to", strconv.FormatInt(to, 10))
			}
			e, err := a.explorer()
			if err != nil {
				return err
			}
			// the timeout holds per page: a long range is many pages
			rep, err := verifyPages(cmd.Context(), e, q, a.Timeout)
			if err != nil {
				return err
			}
			raw, err := json.Marshal(rep)
			if err != nil {
				return err
			}
			if err := a.print(raw, view{}); err != nil {
				return err
			}
			if rep.OK {
				return nil
			}
			code, detail := model.CodeIndexRecordDiffers, ""
			if len(rep.Mismatches) > 0 {
				m := rep.Mismatches[0]
				code, detail = model.Code(m.Code), a.tr("区块 %d：%s（共 %d 处不一致）", "block %d: %s (%d mismatches in all)", m.Block, m.Detail, len(rep.Mismatches))
			}
			return refusal(code, "%s", detail)
		},
	}
	cmd.Flags().Int64Var(&from, "from", 0, a.tr("起始区块", "first block"))
	cmd.Flags().Int64Var(&to, "to", 0, a.tr("截止区块（默认最后一个已索引区块）", "last block (default: the last indexed)"))
	_ = cmd.MarkFlagRequired("from")
	return cmd
}

// verifyPages asks for the range in q and follows the explorer's pages (it verifies a
// bounded number of blocks per request) until the range is done, summing them into one
// report.
func verifyPages(ctx context.Context, e *explorerClient, q url.Values, timeout time.Duration) (*model.VerifyReport, error) {
	var all *model.VerifyReport
	for {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		raw, err := e.get(pctx, "/api/v1/verify", q)
		cancel()
		if err != nil {
			if all != nil {
				// say how far the range got: the pages before were verified
				return nil, fmt.Errorf("blocks %d–%d verified (%d mismatches), then block %s: %w", all.From, all.To-1, len(all.Mismatches), q.Get("from"), err)
			}
			return nil, err
		}
		var page model.VerifyReport
		if err := json.Unmarshal(raw, &page); err != nil {
			return nil, fmt.Errorf("explorer answer: %w", err)
		}
		if all == nil {
			all = &page
			all.OK = true
		} else {
			all.To, all.BlocksChecked, all.StateChecked = page.To, all.BlocksChecked+page.BlocksChecked, all.StateChecked+page.StateChecked
			all.Seconds += page.Seconds
			all.Mismatches = append(all.Mismatches, page.Mismatches...)
		}
		all.OK = all.OK && page.OK
		if all.Mismatches == nil {
			all.Mismatches = []model.VerifyMismatch{}
		}
		if page.Next == nil || *page.Next <= page.From {
			all.Next = nil
			return all, nil
		}
		q.Set("from", strconv.FormatUint(*page.Next, 10))
	}
}
