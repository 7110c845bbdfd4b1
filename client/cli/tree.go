package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pdledger/pdledger/chaincode/model"
)

// provNode is a provenance tree node as the explorer answers it (query.Node): the CLI
// keeps its own copy of the shape rather than import the explorer (and its databases).
type provNode struct {
	Kind     string      `json:"kind"`
	ID       string      `json:"id"`
	Rel      string      `json:"rel,omitempty"`
	Status   string      `json:"status,omitempty"`
	Version  int         `json:"version"`
	Steps    []provStep  `json:"steps"`
	Children []*provNode `json:"children,omitempty"`
	Hidden   int         `json:"hiddenChildren,omitempty"`
}

type provStep struct {
	Version int       `json:"version"`
	Action  string    `json:"action"`
	By      string    `json:"by,omitempty"`
	TxID    string    `json:"txId"`
	Block   uint64    `json:"blockNumber"`
	Time    time.Time `json:"time"`
	Hidden  bool      `json:"hidden,omitempty"`
}

// relLabels name the references a provenance tree follows (model.References).
var relLabels = map[string]string{
	"uses": "使用", "requests": "申请使用", "from": "来自", "made_under": "依据批复", "derived_from": "衍生自",
	"of": "属于", "under": "依据授权", "concerns": "涉及", "became": "形成", "has": "包含",
}

// writeTree draws a provenance tree: one line per record (kind, id, how it refers to
// its parent, status, its latest step: what, by whom, when, in which transaction), and
// with allSteps every step under it.
func writeTree(b *strings.Builder, n *provNode, lang model.Lang, allSteps bool) {
	var walk func(n *provNode, prefix string, last, root bool)
	walk = func(n *provNode, prefix string, last, root bool) {
		branch, next := "├─ ", "│  "
		if last {
			branch, next = "└─ ", "   "
		}
		if root {
			branch, next = "", ""
		}
		line := model.KindLabel(model.Kind(n.Kind), lang) + " " + n.ID
		if n.Rel != "" {
			rel := n.Rel
			if lang == model.ZH && relLabels[rel] != "" {
				rel = relLabels[rel]
			}
			line += " (" + rel + ")"
		}
		if n.Status != "" {
			st := n.Status
			if lang == model.ZH {
				if l := model.ValueLabel(st); l != "" {
					st = l
				}
			}
			line += tr(lang, " 【%s】", " [%s]", st)
		}
		if len(n.Steps) > 0 && !allSteps {
			line += "  " + stepText(n.Steps[len(n.Steps)-1], lang)
		}
		b.WriteString(prefix + branch + line + "\n")
		if allSteps {
			for _, s := range n.Steps {
				b.WriteString(prefix + next + "  · " + stepText(s, lang) + "\n")
			}
		}
		kids := n.Children
		for i, c := range kids {
			walk(c, prefix+next, i == len(kids)-1 && n.Hidden == 0, false)
		}
		if n.Hidden > 0 {
			b.WriteString(prefix + next + "└─ " + tr(lang, "（另有 %d 条你无权查看的记录）", "(%d more records you may not read)", n.Hidden) + "\n")
		}
	}
	walk(n, "", true, true)
}

// stepText is one step: v3 signed by bureau at 2026-09-21 08:30:00 CST (tx 1a2b…, block 42).
func stepText(s provStep, lang model.Lang) string {
	if s.Hidden {
		return tr(lang, "v%d（不可见） %s", "v%d (hidden) %s", s.Version, cstTable(s.Time))
	}
	tx := s.TxID
	if len(tx) > 12 {
		tx = tx[:12] + "…"
	}
	by := s.By
	if by == "" {
		by = "?"
	}
	return tr(lang, "v%d %s · %s · %s · 交易 %s 区块 %d", "v%d %s by %s at %s (tx %s, block %d)", s.Version, s.Action, by, cstTable(s.Time), tx, s.Block)
}

// countNodes counts the records of a tree below its root.
func countNodes(n *provNode) int {
	c := 0
	for _, k := range n.Children {
		c += 1 + countNodes(k)
	}
	return c
}

// printTrees renders provenance answers: trees in a table, the answer as it is in JSON
// and YAML.
func (a *App) printTrees(raw []byte, trees []*provNode, allSteps bool, summary string) error {
	if Format(a.Output) != Table {
		return a.print(raw, view{})
	}
	var b strings.Builder
	if summary != "" {
		b.WriteString(summary + "\n\n")
	}
	for i, t := range trees {
		if i > 0 {
			b.WriteString("\n")
		}
		writeTree(&b, t, a.Lang, allSteps)
	}
	if len(trees) == 0 {
		b.WriteString(a.tr("（无）\n", "(none)\n"))
	}
	_, err := fmt.Fprint(a.Stdout, b.String())
	return err
}

func decodeTree(raw []byte) (*provNode, error) {
	var n provNode
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, fmt.Errorf("explorer answer: %w", err)
	}
	return &n, nil
}
