package cli

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/pdledger/pdledger/chaincode/merkle"
	"github.com/pdledger/pdledger/chaincode/model"
	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/logs"
)

func init() {
	extraCommandFuncs = append(extraCommandFuncs, logsAnchorCmd, logsProveCmd, logsVerifyCmd, logsConsistencyCmd, logsSealCmd, logsUnsealCmd, logsKeygenCmd)
}

// ledger anchors through c, printing a line per anchor, signed if the caller has an SM2
// key (see signer).
func (a *App) ledger(ctx context.Context, c *client.Client, keyFile string, bar *progressBar) *logs.Ledger {
	return logs.NewLedger(c, logs.SignedBy(a.signer(ctx, c, keyFile)), logs.OnAnchored(func(stream string, b logs.Batch, got logs.Anchored) {
		if a.Quiet {
			return
		}
		bar.clear()
		fmt.Fprintf(a.Stderr, a.tr("已存证 %s：叶子 %d..%d，根 %s…，存证 %s（交易 %s）\n", "anchored %s: leaves %d..%d, root %s…, anchor %s (tx %s)\n"),
			stream, b.PrevSize, b.Size, hex.EncodeToString(b.Root)[:16], got.Anchor, got.TxID)
	}))
}

// stateHelp is the help of --state.
func (a *App) stateHelp() string {
	return a.tr("本地日志树目录（默认 $PDL_LOGS_DIR 或 ~/.local/share/pdledger/logs）", "directory of the local stream trees (default $PDL_LOGS_DIR or ~/.local/share/pdledger/logs)")
}

func (a *App) streamFlags(cmd *cobra.Command, stream, state *string) {
	cmd.Flags().StringVar(stream, "stream", "", a.tr("日志流编号（必填）", "log stream id (required)"))
	cmd.Flags().StringVar(state, "state", "", a.stateHelp())
	_ = cmd.MarkFlagRequired("stream")
}

// storeDirs are where a stream's store is looked for when --state is not given: the
// default directory, then the run directory's demo stores.
func storeDirs() []string {
	dirs := []string{logs.DefaultDir()}
	if run := os.Getenv("PDL_RUN"); run != "" {
		dirs = append(dirs, filepath.Join(run, "demo-logs", "state"))
	}
	if pd, err := filepath.Abs(client.ProfileDir()); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(pd), "demo-logs", "state"))
	}
	var out []string
	for _, d := range dirs {
		if !contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// openExisting opens a stream's store for reading without ever creating one: from
// --state, or the first default directory that holds it; otherwise it says where it
// looked.
func (a *App) openExisting(state, stream string) (*logs.Store, error) {
	dirs := []string{state}
	if state == "" {
		dirs = storeDirs()
	}
	for _, d := range dirs {
		st, err := logs.OpenExisting(d, stream)
		if errors.Is(err, logs.ErrNoStore) {
			continue
		}
		if err != nil {
			return nil, localf(err, "%s", a.tr("日志流 %s 的本地存储（%s）：%v", "the local store of stream %s (%s): %v", stream, d, err))
		}
		return st, nil
	}
	return nil, localf(logs.ErrNoStore, "%s", a.tr("没有找到日志流 %s 的本地存储；查找过：%s。用 --state 指定存证时使用的目录",
		"no local store of stream %s; looked in: %s. Give --state, the directory it was anchored from", stream, strings.Join(dirs, ", ")))
}

// openForAnchor opens (creating if needed) the store anchoring writes to.
func (a *App) openForAnchor(state, stream string) (*logs.Store, error) {
	if state == "" {
		state = logs.DefaultDir()
	}
	st, err := logs.Open(state, stream)
	if err != nil {
		return nil, localf(err, "%s", a.tr("日志流 %s 的本地存储（%s）：%v", "the local store of stream %s (%s): %v", stream, state, err))
	}
	return st, nil
}

// logsErr classifies what anchoring can fail with: a file that differs from what was
// anchored is a refusal (exit 1) naming both digests; the local store disagreeing with
// the ledger, or damaged, is a local state error (exit 4).
func (a *App) logsErr(err error) error {
	var cd *logs.ContentDiffersError
	var aa *logs.AlreadyAnchoredError
	var se *logs.StateError
	switch {
	case errors.As(err, &cd):
		msg := a.tr("%s 第 %d 行（叶子 %d，日志流 %s）与已存证内容不同：已存证的叶子哈希 %s，文件中的 %s",
			"%s line %d (leaf %d of stream %s) differs from what was anchored: anchored leaf hash %s, the file's %s", cd.File, cd.Line, cd.Leaf, cd.Stream, cd.Anchored, cd.Got)
		switch {
		case cd.NameOnly:
			msg += a.tr("；同名文件曾以其他内容存证（若是日志轮转后的新文件，加 --rotated）", "; a file of that name was anchored with other content (a new file after log rotation: add --rotated)")
		case cd.GrewPast:
			msg += a.tr("；该文件在其后又有其他行存证之后才增长，新行无法接在原位置之后", "; the file grew after other lines were anchored behind it, so its new lines have no place after its old ones")
		}
		return refusal(model.CodeLogContentDiffers, "%s", msg)
	case errors.As(err, &aa):
		return refusal(model.CodeLogContentDiffers, "%s", a.tr("%s 已作为日志流 %s 的叶子 %d..%d 存证（来自 %s）；封存须在存证时进行，已存证的文件不能再封存",
			"%s is anchored already as leaves %d..%d of stream %s (from %s); a segment is sealed as it is anchored, so an anchored file cannot be sealed", aa.File, aa.Segment.From, aa.Segment.End()-1, aa.Stream, aa.Segment.Name))
	case errors.As(err, &se):
		return localf(err, "%s", se.Msg)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return localf(err, "%v", err)
	}
	return err
}

// signer loads the caller participant's SM2 key if one is available (--sm2-key,
// $PDL_SM2_KEY or the profile's, client.SM2KeyPath): anchors are then signed, as some
// profiles require. Without a key, anchors go unsigned.
func (a *App) signer(ctx context.Context, c *client.Client, keyFile string) *client.SM2Signer {
	path := a.sm2KeyFile(keyFile)
	key, err := client.LoadSM2Key(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, a.tr("忽略 SM2 密钥 %s：%v\n", "ignoring SM2 key %s: %v\n"), path, err)
		return nil
	}
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil || who.Participant == nil {
		return nil
	}
	return &client.SM2Signer{Participant: who.Participant.ID, Key: key}
}

// anchorResult is what pdl logs anchor answers.
type anchorResult struct {
	Stream   string            `json:"stream"`
	Files    []logs.FileResult `json:"files"`
	Lines    uint64            `json:"lines"` // lines appended by this run
	TreeSize uint64            `json:"treeSize"`
	Root     string            `json:"root"`
	Anchored logs.Anchored     `json:"anchored"`
}

func logsAnchorCmd(a *App) *cobra.Command {
	var stream, state, keyFile string
	var batch uint64
	var rotated bool
	cmd := &cobra.Command{
		Use:   "anchor --stream S FILE...",
		Short: a.tr("把日志行加入日志流的默克尔树并在账本上存证其增长（重复存证不会重复记入）", "append log lines to the stream's Merkle tree and anchor its growth on the ledger (anchoring again never duplicates)"),
		Long: a.tr(`逐行读取文件（内存恒定，任意大小），把每行作为日志流本地 SM3 默克尔树的一片叶子（保存在磁盘上，
下次运行接着扩展），每批提交一次存证：树大小、根、时间窗口、与上一存证的链接，以及从上次存证根出发的
RFC 6962 一致性证明，由链码验证。

存证是幂等的：已存证的文件（同一日志流、相同位置上的相同内容）不做任何事并如实说明；在已存证文件后
继续增长的文件只存证新行；与已存证内容不同的文件被拒绝（退出码 1，给出两个摘要）。同名但内容全新的
文件（日志轮转）用 --rotated 作为新文件存证。`,
			`Streams the files line by line (constant memory, any size), appends every line as a leaf of the
stream's local SM3 Merkle tree (kept on disk, so the next run extends it), and submits one
anchor per batch: tree size, root, time window, link to the previous anchor and an RFC 6962
consistency proof from the last anchored root, which the chaincode verifies.

Anchoring is idempotent: a file already anchored (same stream, same content at the same positions) does
nothing and says so; a file that continues an anchored one anchors only its new lines; a file that differs
from what was anchored is refused (exit 1) with both digests. A new file that reuses an anchored name (log
rotation) is anchored as new with --rotated.`),
		Example: `  # the stream is opened once: pdl -p operator logs open --id ex-access --log-kind access
  # (the first file, sealed below, is anchored already: only the second is added)
  pdl -p operator logs anchor --stream ex-access docs/examples/access-2026-11-18.log docs/examples/access-2026-11-19.log
  # the same again: every line is anchored already, nothing is added
  pdl -p operator logs anchor --stream ex-access --batch 100000 docs/examples/access-2026-11-18.log docs/examples/access-2026-11-19.log`,
		Args:        cobra.MinimumNArgs(1),
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout*100)
			defer cancel()
			var total int64
			for _, f := range files {
				fi, err := os.Stat(f)
				if err != nil {
					return localf(err, "%v", err)
				}
				total += fi.Size()
			}
			c, err := a.Connect(ctx)
			if err != nil {
				return err
			}
			st, err := a.openForAnchor(state, stream)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := logs.SyncAnchored(ctx, c, st, stream); err != nil {
				return a.logsErr(err)
			}
			bar := newProgress(a, a.tr("存证", "anchor"), total)
			anch := a.ledger(ctx, c, keyFile, bar)
			if pending := st.Size() - st.Anchored().Size; pending > 0 {
				// Lines an earlier run appended but could not anchor go first, so the tree
				// on the ledger follows the order the lines were read in.
				fmt.Fprintf(a.Stderr, a.tr("先存证上次运行留下的 %d 行\n", "anchoring %d lines left unanchored by an earlier run first\n"), pending)
				if err := st.AnchorPending(ctx, anch, time.Now(), time.Now()); err != nil {
					return a.logsErr(err)
				}
			}
			res := anchorResult{Stream: stream}
			var base int64
			var after *uint64
			for _, f := range files {
				r, err := st.IngestFile(ctx, f, anch, logs.FileOptions{Rotated: rotated, After: after,
					IngestOptions: logs.IngestOptions{BatchLines: batch, Coalesce: true, Progress: func(b int64, l uint64) { bar.update(base+b, res.Lines+l) }}})
				if err != nil {
					bar.done()
					return a.logsErr(err)
				}
				res.Files = append(res.Files, r)
				res.Lines += r.New
				end := r.From + r.Lines
				after = &end
				if fi, err := os.Stat(f); err == nil {
					base += fi.Size()
				}
				if !a.Quiet {
					bar.clear()
					fmt.Fprintln(a.Stderr, a.fileOutcome(stream, r))
				}
			}
			bar.done()
			res.TreeSize, res.Root, res.Anchored = st.Size(), hex.EncodeToString(st.Root()), st.Anchored()
			if res.Lines == 0 && !a.Quiet {
				fmt.Fprintln(a.Stderr, a.tr("没有新行：所有文件都已存证，账本没有变化", "nothing new: every file is anchored already; the ledger is unchanged"))
			}
			return a.printValue(res, view{})
		},
	}
	a.streamFlags(cmd, &stream, &state)
	cmd.Flags().Uint64Var(&batch, "batch", 100000, a.tr("每多少行存证一次；上一次存证尚未上链时，之后的行并入下一次（0：每个文件一次）", "anchor every this many lines; lines that arrive while the previous anchor is still being recorded join the next one (0: once per file)"))
	cmd.Flags().StringVar(&keyFile, "sm2-key", "", a.tr("签署存证的 SM2 密钥（默认 $PDL_SM2_KEY 或 <配置>.sm2.pem）", "SM2 key to sign anchors (default $PDL_SM2_KEY or <profile>.sm2.pem if present)"))
	cmd.Flags().BoolVar(&rotated, "rotated", false, a.tr("同名但内容不同的文件是日志轮转后的新文件", "a file reusing an anchored name with other content is a new file (log rotation)"))
	return cmd
}

// fileOutcome says what anchoring did with one file.
func (a *App) fileOutcome(stream string, r logs.FileResult) string {
	switch r.Outcome {
	case logs.FileAlreadyAnchored:
		return a.tr("%s：已存证（日志流 %s 的叶子 %d..%d），无需操作", "%s: already anchored (leaves %d..%d of stream %s); nothing to do", r.File, r.From, r.From+r.Lines-1, stream)
	case logs.FileContinued:
		return a.tr("%s：前 %d 行已存证，新增 %d 行（叶子 %d..%d）", "%s: first %d lines already anchored, %d new lines (leaves %d..%d)", r.File, r.Lines-r.New, r.New, r.From+r.Lines-r.New, r.From+r.Lines-1)
	case logs.FileEmpty:
		return a.tr("%s：空文件", "%s: empty", r.File)
	}
	return a.tr("%s：%d 行已存证（叶子 %d..%d）", "%s: %d lines anchored (leaves %d..%d)", r.File, r.New, r.From, r.From+r.Lines-1)
}

func logsProveCmd(a *App) *cobra.Command {
	var stream, state string
	var index, size uint64
	cmd := &cobra.Command{
		Use:   "prove --stream S --index N",
		Short: a.tr("第 N 行（从 0 起）对已存证根的包含证明（JSON，浏览器 POST /api/v1/logs/inclusion 原样接受）", "inclusion proof of line N (from 0) against the last anchored root (JSON the explorer's POST /api/v1/logs/inclusion accepts as it is)"),
		Long: a.tr(`从本地日志树生成证明；不会新建任何状态。不给 --state 时在默认目录中查找该日志流，找不到时列出查找过的位置（退出码 4）。`,
			`Builds the proof from the local tree; never creates state. Without --state it looks for the stream in the default
directories and, when it is in none, says where it looked (exit 4).`),
		Example:     "  pdl logs prove --stream ex-access --index 3 > proof.json",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openExisting(state, stream)
			if err != nil {
				return err
			}
			defer st.Close()
			p, err := st.Prove(index, size)
			var fe *logs.ProofFieldError
			if errors.As(err, &fe) {
				return inputErr(model.CodeOutOfRange, fe.Field, "", "--%s: %s", fe.Field, fe.Problem)
			}
			if err != nil {
				return localf(err, "%v", err)
			}
			if Format(a.Output) == YAML {
				out, _ := yaml.Marshal(p)
				_, err = a.Stdout.Write(out)
				return err
			}
			out, _ := json.MarshalIndent(p, "", "  ")
			_, err = fmt.Fprintln(a.Stdout, string(out))
			return err
		},
	}
	a.streamFlags(cmd, &stream, &state)
	cmd.Flags().Uint64Var(&index, "index", 0, a.tr("叶子（行）号，从 0 起（必填）", "leaf (line) number, from 0 (required)"))
	cmd.Flags().Uint64Var(&size, "size", 0, a.tr("针对的树大小（默认最近一次存证）", "tree size to prove against (default: last anchored)"))
	_ = cmd.MarkFlagRequired("index")
	return cmd
}

func logsVerifyCmd(a *App) *cobra.Command {
	var proofFile, line, lineFile, anchorFile string
	cmd := &cobra.Command{
		Use:   "verify --proof proof.json (--line TEXT | --line-file F) [--anchor anchor.json]",
		Short: a.tr("用证明核对一行日志与已存证的根（--anchor 离线，否则在线）", "check a log line and its proof against the anchored root (offline with --anchor, else online)"),
		Long: a.tr(`由该行及其包含证明重算根，与账本为该树大小存证的根比较。离线：给出存证记录（--anchor，账本返回的 JSON）；
在线：从账本读取存证。验证通过退出码 0，不通过 1（PROOF_INVALID）。不读写任何本地日志树。`,
			`Recomputes the root from the line and its inclusion proof and compares it with the root the
ledger anchored for that tree size. Offline: give the anchor record (--anchor, JSON as returned by
the ledger); online: the anchor is read from the ledger. Exit 0 when it verifies, 1 when not (PROOF_INVALID).
Reads and writes no local stream tree.`),
		Example: `  # online: the anchored root is read from the ledger (proof.json from pdl logs prove)
  pdl -p regulator logs verify --proof proof.json --line '2026-11-18T08:00:03+08:00 app=lh-prd-01 caller=bank-003 op=score status=200 ms=41'
  # offline: save the anchor once, then verify without the network
  pdl -p operator logs get-anchor --id ex-access-20 -o json > anchor.json
  pdl logs verify --proof proof.json --line-file docs/examples/access-line-3.txt --anchor anchor.json`,
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			raw, err := os.ReadFile(proofFile)
			if err != nil {
				return localf(err, "--proof: %v", err)
			}
			p, err := logs.DecodeInclusionProof(raw)
			if err != nil {
				return inputErr(model.CodeMalformed, "proof", "", "--proof %s: %v", proofFile, err)
			}
			var text []byte
			switch {
			case lineFile != "":
				if text, err = os.ReadFile(lineFile); err != nil {
					return localf(err, "--line-file: %v", err)
				}
				text = []byte(strings.TrimSuffix(strings.TrimSuffix(string(text), "\n"), "\r"))
			case cmd.Flags().Changed("line"):
				text = []byte(line)
			default:
				return usagef("%s", a.tr("用 --line 或 --line-file 给出这一行", "give the line with --line or --line-file"))
			}
			s := string(text)
			p.Line = &s
			leaf, err := p.Leaf()
			if err != nil {
				res := map[string]any{"verified": false, "stream": p.Stream, "index": p.Index, "size": p.Size, "error": err.Error()}
				_ = a.printValue(res, view{})
				return refusal(model.CodeProofInvalid, "%v", err)
			}
			var anchoredRoot []byte
			source := ""
			if anchorFile != "" {
				root, size, err := logs.AnchorRootFromFile(anchorFile)
				if err != nil {
					return localf(err, "--anchor: %v", err)
				}
				if size != p.Size {
					return usagef("%s", a.tr("--anchor 的树大小是 %d，证明针对的是 %d", "--anchor covers tree size %d, the proof is for size %d", size, p.Size))
				}
				anchoredRoot, source = root, a.tr("存证文件 ", "anchor file ")+anchorFile
			} else {
				ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout)
				defer cancel()
				c, err := a.Connect(ctx)
				if err != nil {
					return err
				}
				root, anchorID, err := logs.AnchoredRoot(ctx, c, p.Stream, p.Size)
				if err != nil {
					return err
				}
				anchoredRoot, source = root, a.tr("账本存证 ", "ledger anchor ")+anchorID
			}
			verr := p.Verify(leaf, anchoredRoot)
			res := map[string]any{"verified": verr == nil, "stream": p.Stream, "index": p.Index, "size": p.Size, "against": source}
			if verr != nil {
				res["error"] = verr.Error()
			}
			if err := a.printValue(res, view{}); err != nil {
				return err
			}
			if verr != nil {
				return refusal(model.CodeProofInvalid, "%v", verr)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&proofFile, "proof", "", a.tr("pdl logs prove 生成的包含证明（必填）", "inclusion proof from pdl logs prove (required)"))
	cmd.Flags().StringVar(&line, "line", "", a.tr("这一行日志（不含行尾）", "the log line (without its line end)"))
	cmd.Flags().StringVar(&lineFile, "line-file", "", a.tr("存放这一行的文件", "file holding the log line"))
	cmd.Flags().StringVar(&anchorFile, "anchor", "", a.tr("存证记录（JSON），用于离线验证", "anchor record (JSON) for offline verification"))
	_ = cmd.MarkFlagRequired("proof")
	return cmd
}

func logsConsistencyCmd(a *App) *cobra.Command {
	var stream, state string
	var from, to uint64
	cmd := &cobra.Command{
		Use:         "consistency --stream S --from A --to B",
		Short:       a.tr("证明大小为 A 的已存证树是大小为 B 的树的前缀，并核对账本上的两个根", "prove that the anchored tree of size A is a prefix of the one of size B, and check both roots on the ledger"),
		Example:     "  pdl -p regulator logs consistency --stream ex-access --from 12 --to 20",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openExisting(state, stream)
			if err != nil {
				return err
			}
			defer st.Close()
			proof, err := st.ConsistencyProof(from, to)
			if err != nil {
				return inputErr(model.CodeOutOfRange, "to", "", "%v", err)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout)
			defer cancel()
			c, err := a.Connect(ctx)
			if err != nil {
				return err
			}
			r1, _, err := logs.AnchoredRoot(ctx, c, stream, from)
			if err != nil {
				return err
			}
			r2, _, err := logs.AnchoredRoot(ctx, c, stream, to)
			if err != nil {
				return err
			}
			verr := merkle.VerifyConsistency(merkle.SM3, from, to, proof, r1, r2)
			res := map[string]any{"stream": stream, "from": from, "to": to, "proof": hexList(proof), "rootFrom": hex.EncodeToString(r1), "rootTo": hex.EncodeToString(r2), "verified": verr == nil}
			if verr != nil {
				res["error"] = verr.Error()
			}
			if err := a.printValue(res, view{}); err != nil {
				return err
			}
			if verr != nil {
				return refusal(model.CodeProofInvalid, "%v", verr)
			}
			return nil
		},
	}
	a.streamFlags(cmd, &stream, &state)
	cmd.Flags().Uint64Var(&from, "from", 0, a.tr("较早的已存证树大小", "earlier anchored tree size"))
	cmd.Flags().Uint64Var(&to, "to", 0, a.tr("较晚的已存证树大小", "later anchored tree size"))
	return cmd
}

func hexList(p [][]byte) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = hex.EncodeToString(h)
	}
	return out
}

func logsSealCmd(a *App) *cobra.Command {
	var stream, state, sealKeyFile, keyFile, out string
	cmd := &cobra.Command{
		Use:   "seal --stream S --key-file K FILE",
		Short: a.tr("存证一个已关闭的日志段并以 SM4（带认证）封存，以备保存期", "anchor a closed log segment and seal it with SM4 (authenticated) for its retention period"),
		Long: a.tr(`像 logs anchor 一样存证该段的各行，并在同一存证中记录该段的叶子范围、明文 SM3 摘要和封存文件的 SM3
摘要。封存文件（默认 FILE.sm4）为分块认证的 SM4-GCM；logs unseal 恢复后各行仍可对账本验证。
已存证过的文件不能再封存（退出码 1）。`,
			`Anchors the segment's lines like 'logs anchor', and records in that same anchor the segment's
leaf range, the SM3 digest of its plaintext and the SM3 digest of the sealed archive. The archive
(FILE.sm4 by default) is SM4-GCM in authenticated chunks; 'logs unseal' restores it, and the
restored lines verify against the ledger as before. A file already anchored cannot be sealed (exit 1).`),
		Example: `  # seal.key from pdl logs keygen; the stream open and not sealed yet (segments are sealed in order, from leaf 0)
  pdl -p operator logs seal --stream ex-access --key-file seal.key --out access-2026-11-18.log.sm4 docs/examples/access-2026-11-18.log`,
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			if out == "" {
				out = file + ".sm4"
			}
			key, err := logs.ReadKeyFile(sealKeyFile)
			if err != nil {
				return localf(err, "--key-file: %v", err)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout*100)
			defer cancel()
			c, err := a.Connect(ctx)
			if err != nil {
				return err
			}
			st, err := a.openForAnchor(state, stream)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := logs.SyncAnchored(ctx, c, st, stream); err != nil {
				return a.logsErr(err)
			}
			if st.Size() != st.Anchored().Size {
				return localf(nil, "%s", a.tr("日志流 %s 有 %d 行尚未存证：先运行 logs anchor", "stream %s has %d unanchored lines: run logs anchor first", stream, st.Size()-st.Anchored().Size))
			}
			if seg, _, err := st.Locate(file); err != nil {
				return localf(err, "%v", err)
			} else if seg != nil {
				return a.logsErr(&logs.AlreadyAnchoredError{Stream: stream, File: file, Segment: *seg})
			}
			digest, size, err := logs.PlainDigest(file)
			if err != nil {
				return localf(err, "%v", err)
			}
			from := st.Size()
			// Count the segment's lines first: the archive header names its leaf range.
			lines, err := countLines(file)
			if err != nil {
				return localf(err, "%v", err)
			}
			tmp := out + ".part"
			dst, err := os.Create(tmp)
			if err != nil {
				return localf(err, "%v", err)
			}
			src, err := os.Open(file)
			if err != nil {
				dst.Close()
				return localf(err, "%v", err)
			}
			sealedDigest, err := logs.Seal(dst, src, key, logs.SealHeader{Stream: stream, From: from, To: from + lines, PlainSM3: digest, PlainBytes: size})
			src.Close()
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(tmp)
				return localf(err, "%v", err)
			}
			bar := newProgress(a, a.tr("封存", "seal"), size)
			seg := &logs.Segment{From: from, To: from + lines, PlainDigest: digest, SealedDigest: sealedDigest}
			r, err := st.IngestFile(ctx, file, a.ledger(ctx, c, keyFile, bar), logs.FileOptions{RequireNew: true,
				IngestOptions: logs.IngestOptions{Segment: seg, Progress: func(b int64, l uint64) { bar.update(b, l) }}})
			bar.done()
			if err != nil {
				os.Remove(tmp)
				return a.logsErr(err)
			}
			if r.New != lines {
				os.Remove(tmp)
				return localf(nil, "%s", a.tr("%s 在封存期间发生了变化（%d 行，之后 %d 行）", "%s changed while sealing (%d lines, then %d)", file, lines, r.New))
			}
			if err := os.Rename(tmp, out); err != nil {
				return localf(err, "%v", err)
			}
			return a.printValue(map[string]any{"stream": stream, "archive": out, "from": from, "to": from + lines, "plainSm3": digest, "sealedSm3": sealedDigest, "anchor": st.Anchored().Anchor}, view{})
		},
	}
	a.streamFlags(cmd, &stream, &state)
	cmd.Flags().StringVar(&sealKeyFile, "key-file", "", a.tr("pdl logs keygen 生成的 SM4 密钥（十六进制，必填）", "SM4 key (hex) from pdl logs keygen (required)"))
	cmd.Flags().StringVar(&keyFile, "sm2-key", "", a.tr("签署存证的 SM2 密钥（默认 $PDL_SM2_KEY 或 <配置>.sm2.pem）", "SM2 key to sign the anchor (default $PDL_SM2_KEY or <profile>.sm2.pem if present)"))
	cmd.Flags().StringVar(&out, "out", "", a.tr("封存文件路径（默认 FILE.sm4）", "archive path (default FILE.sm4)"))
	_ = cmd.MarkFlagRequired("key-file")
	return cmd
}

func countLines(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var n uint64
	var last byte = '\n'
	buf := make([]byte, 1<<20)
	for {
		k, err := r.Read(buf)
		for _, b := range buf[:k] {
			if b == '\n' {
				n++
			}
		}
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++ // a final line without a terminator is a line too
	}
	return n, nil
}

func logsUnsealCmd(a *App) *cobra.Command {
	var keyFile, out string
	var check bool
	cmd := &cobra.Command{
		Use:         "unseal --key-file K FILE.sm4",
		Short:       a.tr("恢复封存的日志段（每块认证、校验明文 SM3；--check 与账本比对）", "restore a sealed segment (every chunk authenticated, plaintext SM3 checked; --check compares with the ledger)"),
		Example:     "  pdl -p operator logs unseal --key-file seal.key --check --out restored.log access-2026-11-18.log.sm4",
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := logs.ReadKeyFile(keyFile)
			if err != nil {
				return localf(err, "--key-file: %v", err)
			}
			if out == "" {
				out = strings.TrimSuffix(args[0], ".sm4")
				if out == args[0] {
					out += ".restored"
				}
			}
			src, err := os.Open(args[0])
			if err != nil {
				return localf(err, "%v", err)
			}
			defer src.Close()
			tmp := out + ".part"
			dst, err := os.Create(tmp)
			if err != nil {
				return localf(err, "%v", err)
			}
			hdr, err := logs.Unseal(dst, src, key)
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(tmp)
				return refusal(model.CodeProofInvalid, "%s: %v", args[0], err)
			}
			if err := os.Rename(tmp, out); err != nil {
				return localf(err, "%v", err)
			}
			res := map[string]any{"restored": out, "stream": hdr.Stream, "from": hdr.From, "to": hdr.To, "plainSm3": hdr.PlainSM3}
			if check {
				ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout)
				defer cancel()
				c, err := a.Connect(ctx)
				if err != nil {
					return err
				}
				ok, anchorID, err := logs.SegmentAnchored(ctx, c, hdr.Stream, hdr.From, hdr.To, hdr.PlainSM3)
				if err != nil {
					return err
				}
				res["anchoredIn"] = anchorID
				res["matchesLedger"] = ok
				if !ok {
					_ = a.printValue(res, view{})
					return refusal(model.CodeProofInvalid, "%s", a.tr("封存段与账本存证记录不符（存证 %s）", "the segment does not match what the ledger recorded (anchor %s)", anchorID))
				}
			}
			return a.printValue(res, view{})
		},
	}
	cmd.Flags().StringVar(&keyFile, "key-file", "", a.tr("SM4 密钥（十六进制，必填）", "SM4 key (hex) (required)"))
	cmd.Flags().StringVar(&out, "out", "", a.tr("恢复后的文件（默认去掉 .sm4）", "restored file (default: archive name without .sm4)"))
	cmd.Flags().BoolVar(&check, "check", false, a.tr("同时与账本上的存证记录比对该段摘要", "also check the segment's digest against the anchor recorded on the ledger"))
	_ = cmd.MarkFlagRequired("key-file")
	return cmd
}

func logsKeygenCmd(a *App) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:         "keygen --out FILE",
		Short:       a.tr("生成封存日志段用的 SM4 密钥（十六进制，权限 0600）", "create an SM4 key for sealing log segments (hex, mode 0600)"),
		Example:     "  pdl logs keygen --out seal.key",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(out); err == nil {
				return usagef("%s", a.tr("%s 已存在；不会覆盖密钥", "%s exists; refusing to overwrite a key", out))
			}
			k, err := logs.NewKey()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
				return localf(err, "%v", err)
			}
			if err := os.WriteFile(out, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
				return localf(err, "%v", err)
			}
			fmt.Fprintf(a.Stdout, a.tr("密钥 %s 已写入 %s（请在保存期内妥善保管）\n", "key %s written to %s (keep it for the retention period)\n"), logs.KeyID(k), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", a.tr("要创建的密钥文件（必填）", "key file to create (required)"))
	_ = cmd.MarkFlagRequired("out")
	return cmd
}
