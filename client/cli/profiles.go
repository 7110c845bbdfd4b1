package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
)

func init() { extraCommandFuncs = append(extraCommandFuncs, profileListCmd) }

// profileNames lists the profiles of a directory by name.
func profileNames(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// loadProfile loads the chosen profile; a name that is not there is answered with the
// closest names and the list (or, when there are no profiles at all, with how to get
// them), never with a guess that the network is down.
func (a *App) loadProfile(name string) (*client.Profile, error) {
	p, err := client.LoadProfile(name)
	if err == nil {
		if a.Channel != "" {
			if !model.ChannelName.MatchString(a.Channel) {
				return nil, &UsageError{Msg: a.tr("通道名 %q 无效：小写字母开头，只含小写字母、数字和 -", "channel name %q is not valid: a lower-case letter, then lower-case letters, digits or '-'", a.Channel),
					Code: model.CodeUsage, Field: "channel"}
			}
			p.Channel = a.Channel
		}
		return p, nil
	}
	if !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "not found") {
		return nil, localf(err, "%v", err)
	}
	path := client.ProfilePath(name)
	dir := filepath.Dir(path)
	names := profileNames(dir)
	if len(names) == 0 {
		return nil, usagef("%s", a.tr("没有找到身份配置 %q（%s 中没有任何配置文件）：网络启动后 make up 会写入配置文件；也可用 $PDL_PROFILES 指定目录",
			"profile %q not found: %s holds no profiles (make up writes them once the network is up; $PDL_PROFILES names another directory)", name, dir))
	}
	close := closest(name, names, 3)
	msg := a.tr("没有名为 %q 的身份配置（目录 %s）。", "no profile named %q in %s.", name, dir)
	if len(close) > 0 {
		msg += a.tr("是不是：%s？", " Did you mean: %s?", strings.Join(close, a.tr("、", ", ")))
	}
	msg += a.tr(" 现有配置：%s（pdl profile list 显示每个身份代表谁）", " Profiles: %s (pdl profile list shows whom each acts for)", strings.Join(names, ", "))
	return nil, &UsageError{Msg: msg, Code: model.CodeUsage, Field: "profile"}
}

// closest returns up to n names nearest to s (edit distance, prefix matches first).
func closest(s string, names []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, name := range names {
		d := editDistance(strings.ToLower(s), strings.ToLower(name))
		if strings.HasPrefix(name, s) || strings.HasPrefix(s, name) {
			d = min(d, 1)
		}
		if d <= max(2, len(s)/3) {
			cs = append(cs, cand{name, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// ProfileInfo is one identity as pdl profile list shows it.
type ProfileInfo struct {
	Name        string `json:"name"`
	Org         string `json:"org"`
	MSPID       string `json:"mspId"`
	Role        string `json:"role,omitempty"` // the profile's hint
	Participant string `json:"participant,omitempty"`
	PartyName   string `json:"participantName,omitempty"`
	PartyRole   string `json:"participantRole,omitempty"`
	Status      string `json:"status,omitempty"` // bound | unbound | suspended | ? (not reachable)
	Error       string `json:"error,omitempty"`
}

func profileListCmd(a *App) *cobra.Command {
	var offline bool
	var parallel int
	cmd := &cobra.Command{
		Use:   "list",
		Short: a.tr("列出所有身份配置：组织、绑定的参与方及其中文名称（不是政策配置）", "every identity profile with its organization, bound participant and its name (not the policy profile)"),
		Long: a.tr(`列出身份配置目录（$PDL_PROFILES 或 .run/profiles）中的每个身份。每个身份向账本查询一次
Participant:WhoAmI，显示它代表哪个参与方（编号、中文名称、角色）和绑定状态；--offline 只读文件。`,
			`Lists every identity of the profiles directory ($PDL_PROFILES or .run/profiles). Each identity asks the
ledger Participant:WhoAmI once, to show which participant it acts for (id, name, role) and whether the binding
is active; --offline reads the files only.`),
		Example:     "  pdl profile list\n  pdl profile list --offline -o json",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "profile"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir := client.ProfileDir()
			names := profileNames(dir)
			if len(names) == 0 {
				return localf(nil, "%s", a.tr("%s 中没有身份配置（make up 会写入）", "no profiles in %s (make up writes them)", dir))
			}
			infos := make([]ProfileInfo, len(names))
			var wg sync.WaitGroup
			sem := make(chan struct{}, max(1, parallel))
			for i, n := range names {
				infos[i] = ProfileInfo{Name: n}
				p, err := client.LoadProfile(filepath.Join(dir, n+".json"))
				if err != nil {
					infos[i].Error = err.Error()
					continue
				}
				infos[i].Org, infos[i].MSPID, infos[i].Role = p.Org, p.MSPID, p.Role
				if offline {
					continue
				}
				wg.Add(1)
				go func(info *ProfileInfo, p *client.Profile) {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					a.whoIs(cmd.Context(), info, p)
				}(&infos[i], p)
			}
			wg.Wait()
			return a.printValue(infos, view{})
		},
	}
	cmd.Flags().BoolVar(&offline, "offline", false, a.tr("不连接账本，只读配置文件", "read the files only, ask the ledger nothing"))
	cmd.Flags().IntVar(&parallel, "parallel", 8, a.tr("同时查询的身份数", "identities asked at once"))
	return cmd
}

// whoIs asks the ledger whom profile p acts for.
func (a *App) whoIs(ctx context.Context, info *ProfileInfo, p *client.Profile) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, p, client.WithSession(nil))
	if err != nil {
		info.Status, info.Error = "?", err.Error()
		return
	}
	defer c.Close()
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil {
		info.Status, info.Error = "?", err.Error()
		return
	}
	switch {
	case who.Participant == nil:
		info.Status = "unbound"
	case !who.Active:
		info.Status = "suspended"
	default:
		info.Status = "bound"
	}
	if who.Participant != nil {
		info.Participant, info.PartyName, info.PartyRole = who.Participant.ID, who.Participant.Name, string(who.Participant.Role)
	}
}
