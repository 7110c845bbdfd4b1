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
func (a *App) ledger(ctx context.Context, c *client.Client, keyFile string) *logs.Ledger {
	return logs.NewLedger(c, logs.SignedBy(a.signer(ctx, c, keyFile)), logs.OnAnchored(func(stream string, b logs.Batch, got logs.Anchored) {
		fmt.Fprintf(a.Stderr, "anchored %s: leaves %d..%d, root %s…, anchor %s (tx %s)\n", stream, b.PrevSize, b.Size, hex.EncodeToString(b.Root)[:16], got.Anchor, got.TxID)
	}))
}

func streamFlags(cmd *cobra.Command, stream, state *string) {
	cmd.Flags().StringVar(stream, "stream", "", "log stream id (required)")
	cmd.Flags().StringVar(state, "state", logs.DefaultDir(), "directory of the local stream trees")
	_ = cmd.MarkFlagRequired("stream")
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
		fmt.Fprintf(a.Stderr, "ignoring SM2 key %s: %v\n", path, err)
		return nil
	}
	var who model.WhoAmI
	if err := c.Evaluate(ctx, "Participant:WhoAmI", nil, &who); err != nil || who.Participant == nil {
		return nil
	}
	return &client.SM2Signer{Participant: who.Participant.ID, Key: key}
}

func logsAnchorCmd(a *App) *cobra.Command {
	var stream, state, keyFile string
	var batch uint64
	cmd := &cobra.Command{
		Use:   "anchor --stream S FILE...",
		Short: "append log lines to the stream's Merkle tree and anchor its growth on the ledger",
		Long: `Streams the files line by line (constant memory, any size), appends every line as a leaf of the
stream's local SM3 Merkle tree (kept on disk, so the next run extends it), and submits one
anchor per batch: tree size, root, time window, link to the previous anchor and an RFC 6962
consistency proof from the last anchored root, which the chaincode verifies.`,
		Example:     "  pdl -p operator logs anchor --stream platform-access --batch 100000 access-2026-11-*.log",
		Args:        cobra.MinimumNArgs(1),
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout*100)
			defer cancel()
			c, err := a.Connect(ctx)
			if err != nil {
				return err
			}
			st, err := logs.Open(state, stream)
			if err != nil {
				return usagef("%v", err)
			}
			defer st.Close()
			if err := logs.SyncAnchored(ctx, c, st, stream); err != nil {
				return err
			}
			anch := a.ledger(ctx, c, keyFile)
			if pending := st.Size() - st.Anchored().Size; pending > 0 {
				// Lines an earlier run appended but could not anchor go first, so the tree
				// on the ledger follows the order the lines were read in.
				fmt.Fprintf(a.Stderr, "anchoring %d lines left unanchored by an earlier run first\n", pending)
				if err := st.AnchorPending(ctx, anch, time.Now(), time.Now()); err != nil {
					return err
				}
			}
			total := int64(0)
			for _, f := range files {
				if fi, err := os.Stat(f); err == nil {
					total += fi.Size()
				}
			}
			bar := newProgress(a, "anchor", total)
			var base int64
			var all uint64
			for _, f := range files {
				fh, err := os.Open(f)
				if err != nil {
					return usagef("%v", err)
				}
				n, err := st.Ingest(ctx, fh, anch, logs.IngestOptions{BatchLines: batch,
					Progress: func(b int64, l uint64) { bar.update(base+b, all+l) }})
				fi, _ := fh.Stat()
				fh.Close()
				if err != nil {
					bar.done()
					return err
				}
				all += n
				if fi != nil {
					base += fi.Size()
				}
			}
			bar.done()
			out, _ := json.Marshal(map[string]any{"stream": stream, "lines": all, "treeSize": st.Size(), "root": hex.EncodeToString(st.Root()), "anchored": st.Anchored()})
			return Render(a.Stdout, out, Format(a.Output))
		},
	}
	streamFlags(cmd, &stream, &state)
	cmd.Flags().Uint64Var(&batch, "batch", 100000, "anchor every this many lines (0: once per file)")
	cmd.Flags().StringVar(&keyFile, "sm2-key", "", "SM2 key to sign anchors (default $PDL_SM2_KEY or <profile>.sm2.pem if present)")
	return cmd
}

// InclusionProof is what `pdl logs prove` writes and `pdl logs verify` reads.
type InclusionProof struct {
	Stream   string   `json:"stream"`
	Index    uint64   `json:"index"`
	TreeSize uint64   `json:"treeSize"`
	LeafHash string   `json:"leafHash"`
	Proof    []string `json:"proof"`
	Root     string   `json:"root"`
	Anchor   string   `json:"anchor,omitempty"`
	Hash     string   `json:"hash"` // sm3
}

func hexList(p [][]byte) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = hex.EncodeToString(h)
	}
	return out
}

func unhexList(s []string) ([][]byte, error) {
	out := make([][]byte, len(s))
	for i, h := range s {
		b, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("proof[%d]: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}

func logsProveCmd(a *App) *cobra.Command {
	var stream, state string
	var index, size uint64
	cmd := &cobra.Command{
		Use:         "prove --stream S --index N",
		Short:       "inclusion proof of line N against the last anchored root (JSON)",
		Example:     "  pdl logs prove --stream platform-access --index 123456 > proof.json",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := logs.Open(state, stream)
			if err != nil {
				return usagef("%v", err)
			}
			defer st.Close()
			anch := st.Anchored()
			if size == 0 {
				size = anch.Size
			}
			if size == 0 {
				return usagef("stream %s has no anchored lines yet", stream)
			}
			if index >= size {
				return usagef("--index %d: the tree of size %d has leaves 0..%d", index, size, size-1)
			}
			proof, err := st.InclusionProof(index, size)
			if err != nil {
				return err
			}
			leaf, err := st.LeafHash(index)
			if err != nil {
				return err
			}
			root, err := st.RootAt(size)
			if err != nil {
				return err
			}
			p := InclusionProof{Stream: stream, Index: index, TreeSize: size, LeafHash: hex.EncodeToString(leaf),
				Proof: hexList(proof), Root: hex.EncodeToString(root), Hash: "sm3"}
			if size == anch.Size {
				p.Anchor = anch.Anchor
			}
			out, _ := json.MarshalIndent(p, "", "  ")
			_, err = fmt.Fprintln(a.Stdout, string(out))
			return err
		},
	}
	streamFlags(cmd, &stream, &state)
	cmd.Flags().Uint64Var(&index, "index", 0, "leaf (line) number, from 0")
	cmd.Flags().Uint64Var(&size, "size", 0, "tree size to prove against (default: last anchored)")
	return cmd
}

func logsVerifyCmd(a *App) *cobra.Command {
	var proofFile, line, lineFile, anchorFile string
	cmd := &cobra.Command{
		Use:   "verify --proof proof.json (--line TEXT | --line-file F) [--anchor anchor.json]",
		Short: "check a log line and its proof against the anchored root (offline with --anchor, else online)",
		Long: `Recomputes the root from the line and its inclusion proof and compares it with the root the
ledger anchored for that tree size. Offline: give the anchor record (--anchor, JSON as returned by
the ledger); online: the anchor is read from the ledger. Exit 0 when it verifies, 1 when not.`,
		Example:     "  pdl logs verify --proof proof.json --line '2026-11-03T10:00:01 access user=42 op=query'",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			raw, err := os.ReadFile(proofFile)
			if err != nil {
				return usagef("--proof: %v", err)
			}
			var p InclusionProof
			if err := json.Unmarshal(raw, &p); err != nil {
				return usagef("--proof: %v", err)
			}
			var text []byte
			switch {
			case lineFile != "":
				if text, err = os.ReadFile(lineFile); err != nil {
					return usagef("--line-file: %v", err)
				}
				text = []byte(strings.TrimSuffix(string(text), "\n"))
			case cmd.Flags().Changed("line"):
				text = []byte(line)
			default:
				return usagef("give the line with --line or --line-file")
			}
			proof, err := unhexList(p.Proof)
			if err != nil {
				return usagef("%v", err)
			}
			var anchoredRoot []byte
			source := ""
			if anchorFile != "" {
				root, size, err := logs.AnchorRootFromFile(anchorFile)
				if err != nil {
					return usagef("--anchor: %v", err)
				}
				if size != p.TreeSize {
					return usagef("--anchor covers tree size %d, the proof is for size %d", size, p.TreeSize)
				}
				anchoredRoot, source = root, "anchor file "+anchorFile
			} else {
				ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout)
				defer cancel()
				c, err := a.Connect(ctx)
				if err != nil {
					return err
				}
				root, anchorID, err := logs.AnchoredRoot(ctx, c, p.Stream, p.TreeSize)
				if err != nil {
					return err
				}
				anchoredRoot, source = root, "ledger anchor "+anchorID
			}
			leaf := logs.LeafHash(text)
			verr := merkle.VerifyInclusion(merkle.SM3, p.Index, p.TreeSize, leaf, proof, anchoredRoot)
			res := map[string]any{"verified": verr == nil, "stream": p.Stream, "index": p.Index, "treeSize": p.TreeSize, "against": source}
			if verr != nil {
				res["error"] = verr.Error()
			}
			out, _ := json.Marshal(res)
			if err := Render(a.Stdout, out, Format(a.Output)); err != nil {
				return err
			}
			if verr != nil {
				return &client.RefusedError{Err: modelVerifyError(verr)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&proofFile, "proof", "", "inclusion proof from pdl logs prove (required)")
	cmd.Flags().StringVar(&line, "line", "", "the log line (without its line end)")
	cmd.Flags().StringVar(&lineFile, "line-file", "", "file holding the log line")
	cmd.Flags().StringVar(&anchorFile, "anchor", "", "anchor record (JSON) for offline verification")
	_ = cmd.MarkFlagRequired("proof")
	return cmd
}

func logsConsistencyCmd(a *App) *cobra.Command {
	var stream, state string
	var from, to uint64
	cmd := &cobra.Command{
		Use:         "consistency --stream S --from A --to B",
		Short:       "prove that the anchored tree of size A is a prefix of the one of size B, and check both roots on the ledger",
		Example:     "  pdl logs consistency --stream platform-access --from 100000 --to 300000",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := logs.Open(state, stream)
			if err != nil {
				return usagef("%v", err)
			}
			defer st.Close()
			proof, err := st.ConsistencyProof(from, to)
			if err != nil {
				return usagef("%v", err)
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
			out, _ := json.Marshal(res)
			if err := Render(a.Stdout, out, Format(a.Output)); err != nil {
				return err
			}
			if verr != nil {
				return &client.RefusedError{Err: modelVerifyError(verr)}
			}
			return nil
		},
	}
	streamFlags(cmd, &stream, &state)
	cmd.Flags().Uint64Var(&from, "from", 0, "earlier anchored tree size")
	cmd.Flags().Uint64Var(&to, "to", 0, "later anchored tree size")
	return cmd
}

func logsSealCmd(a *App) *cobra.Command {
	var stream, state, sealKeyFile, keyFile, out string
	cmd := &cobra.Command{
		Use:   "seal --stream S --key-file K FILE",
		Short: "anchor a closed log segment and seal it with SM4 (authenticated) for its retention period",
		Long: `Anchors the segment's lines like 'logs anchor', and records in that same anchor the segment's
leaf range, the SM3 digest of its plaintext and the SM3 digest of the sealed archive. The archive
(FILE.sm4 by default) is SM4-GCM in authenticated chunks; 'logs unseal' restores it, and the
restored lines verify against the ledger as before.`,
		Example:     "  pdl -p operator logs seal --stream platform-access --key-file seal.key access-2026-10.log",
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			if out == "" {
				out = file + ".sm4"
			}
			key, err := logs.ReadKeyFile(sealKeyFile)
			if err != nil {
				return usagef("--key-file: %v", err)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), a.Timeout*100)
			defer cancel()
			c, err := a.Connect(ctx)
			if err != nil {
				return err
			}
			st, err := logs.Open(state, stream)
			if err != nil {
				return usagef("%v", err)
			}
			defer st.Close()
			if err := logs.SyncAnchored(ctx, c, st, stream); err != nil {
				return err
			}
			if st.Size() != st.Anchored().Size {
				return usagef("stream %s has %d unanchored lines: run logs anchor first", stream, st.Size()-st.Anchored().Size)
			}
			digest, size, err := logs.PlainDigest(file)
			if err != nil {
				return err
			}
			from := st.Size()
			// Count the segment's lines first: the archive header names its leaf range.
			lines, err := countLines(file)
			if err != nil {
				return err
			}
			tmp := out + ".part"
			dst, err := os.Create(tmp)
			if err != nil {
				return err
			}
			src, err := os.Open(file)
			if err != nil {
				dst.Close()
				return err
			}
			sealedDigest, err := logs.Seal(dst, src, key, logs.SealHeader{Stream: stream, From: from, To: from + lines, PlainSM3: digest, PlainBytes: size})
			src.Close()
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(tmp)
				return err
			}
			fh, err := os.Open(file)
			if err != nil {
				return err
			}
			defer fh.Close()
			bar := newProgress(a, "seal", size)
			seg := &logs.Segment{From: from, To: from + lines, PlainDigest: digest, SealedDigest: sealedDigest}
			n, err := st.Ingest(ctx, fh, a.ledger(ctx, c, keyFile), logs.IngestOptions{Segment: seg, Progress: func(b int64, l uint64) { bar.update(b, l) }})
			bar.done()
			if err != nil {
				os.Remove(tmp)
				return err
			}
			if n != lines {
				os.Remove(tmp)
				return fmt.Errorf("%s changed while sealing (%d lines, then %d)", file, lines, n)
			}
			if err := os.Rename(tmp, out); err != nil {
				return err
			}
			res, _ := json.Marshal(map[string]any{"stream": stream, "archive": out, "from": from, "to": from + lines, "plainSm3": digest, "sealedSm3": sealedDigest, "anchor": st.Anchored().Anchor})
			return Render(a.Stdout, res, Format(a.Output))
		},
	}
	streamFlags(cmd, &stream, &state)
	cmd.Flags().StringVar(&sealKeyFile, "key-file", "", "SM4 key (hex) from pdl logs keygen (required)")
	cmd.Flags().StringVar(&keyFile, "sm2-key", "", "SM2 key to sign the anchor (default $PDL_SM2_KEY or <profile>.sm2.pem if present)")
	cmd.Flags().StringVar(&out, "out", "", "archive path (default FILE.sm4)")
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
		Short:       "restore a sealed segment (every chunk authenticated, plaintext SM3 checked; --check compares with the ledger)",
		Example:     "  pdl -p operator logs unseal --key-file seal.key --check access-2026-10.log.sm4 --out restored.log",
		Args:        cobra.ExactArgs(1),
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := logs.ReadKeyFile(keyFile)
			if err != nil {
				return usagef("--key-file: %v", err)
			}
			if out == "" {
				out = strings.TrimSuffix(args[0], ".sm4")
				if out == args[0] {
					out += ".restored"
				}
			}
			src, err := os.Open(args[0])
			if err != nil {
				return usagef("%v", err)
			}
			defer src.Close()
			tmp := out + ".part"
			dst, err := os.Create(tmp)
			if err != nil {
				return err
			}
			hdr, err := logs.Unseal(dst, src, key)
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(tmp)
				return err
			}
			if err := os.Rename(tmp, out); err != nil {
				return err
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
			}
			raw, _ := json.Marshal(res)
			return Render(a.Stdout, raw, Format(a.Output))
		},
	}
	cmd.Flags().StringVar(&keyFile, "key-file", "", "SM4 key (hex) (required)")
	cmd.Flags().StringVar(&out, "out", "", "restored file (default: archive name without .sm4)")
	cmd.Flags().BoolVar(&check, "check", false, "also check the segment's digest against the anchor recorded on the ledger")
	_ = cmd.MarkFlagRequired("key-file")
	return cmd
}

func logsKeygenCmd(a *App) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:         "keygen --out FILE",
		Short:       "create an SM4 key for sealing log segments (hex, mode 0600)",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "logs"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(out); err == nil {
				return usagef("%s exists; refusing to overwrite a key", out)
			}
			k, err := logs.NewKey()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(out, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(a.Stdout, "key %s written to %s (keep it for the retention period)\n", logs.KeyID(k), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "key file to create (required)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// modelVerifyError reports a failed proof check as a refusal (exit code 1).
func modelVerifyError(err error) *model.Error {
	return &model.Error{Code: "PROOF_INVALID", Message: err.Error()}
}
