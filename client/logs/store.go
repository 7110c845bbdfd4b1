// Package logs is the operator's side of 日志存证: it turns platform log files into leaves
// of a per-stream Merkle tree (RFC 6962 shape, SM3) kept on disk, so that the next run
// extends it, anchors the tree's growth on the ledger with consistency proofs (Ledger,
// through a client.Client), proves single lines, and seals closed segments with SM4.
//
// The dependency runs one way: logs uses package client; the client knows nothing of
// logs.
//
// Memory stays constant however large the logs: lines are streamed, the tree is kept as
// one file of node hashes per level (level 0 = leaf hashes), and the frontier (the
// O(log n) right edge) is the only tree state held in memory.
package logs

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/pdledger/pdledger/chaincode/merkle"
)

// HashSize is the SM3 digest size.
const HashSize = 32

// Anchored is what the store remembers of the stream's last anchor on the ledger.
type Anchored struct {
	Size   uint64    `json:"size"`
	Root   string    `json:"root"` // hex
	Anchor string    `json:"anchor,omitempty"`
	Digest string    `json:"digest,omitempty"`
	Seq    int       `json:"seq"`
	TxID   string    `json:"txId,omitempty"`
	End    time.Time `json:"windowEnd,omitempty"` // end of the anchored time window
	Block  uint64    `json:"block,omitempty"`     // block that committed the anchor
}

// WindowEnd is the end of the last anchored time window (zero before the first).
func (a Anchored) WindowEnd() time.Time { return a.End }

type meta struct {
	Stream   string   `json:"stream"`
	Hash     string   `json:"hash"`
	Size     uint64   `json:"size"`
	Anchored Anchored `json:"anchored"`
	// Files is the journal of where each file's lines went (files.go), saved with the
	// tree so that the two never disagree.
	Files []FileSegment `json:"files,omitempty"`
}

// Store is a stream's tree on disk. It is not safe for use by two processes at once
// (a lock file guards against that).
type Store struct {
	dir      string
	h        merkle.Hasher
	meta     meta
	frontier *merkle.Frontier
	levels   []*levelFile
	lock     *os.File
	mu       sync.Mutex
	// current is the journal segment lines are being appended to (-1: none); its Lines
	// follow the tree's size at every flush.
	current int
}

type levelFile struct {
	f     *os.File
	w     *bufio.Writer
	count uint64 // nodes written (including buffered)
}

// DefaultDir is where stream stores live unless PDL_LOGS_DIR says otherwise.
func DefaultDir() string {
	if d := os.Getenv("PDL_LOGS_DIR"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "pdledger", "logs")
}

// ErrNoStore is a stream with no store in the directory looked in.
var ErrNoStore = errors.New("no local store of the stream")

// OpenExisting opens the store of stream under dir without ever creating one (proofs
// and verifications read state; they must not leave an empty store behind that a later
// anchor would mistake for the stream's). It fails with ErrNoStore when there is none.
func OpenExisting(dir, stream string) (*Store, error) {
	if _, err := os.Stat(filepath.Join(dir, stream, "meta.json")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w %s in %s", ErrNoStore, stream, dir)
		}
		return nil, err
	}
	return Open(dir, stream)
}

// Open opens (creating if needed) the store of stream under dir.
func Open(dir, stream string) (*Store, error) {
	d := filepath.Join(dir, stream)
	if err := os.MkdirAll(d, 0o700); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(d, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := flock(lock); err != nil {
		lock.Close()
		return nil, fmt.Errorf("stream %s is in use by another pdl process: %w", stream, err)
	}
	s := &Store{dir: d, h: merkle.SM3, lock: lock, meta: meta{Stream: stream, Hash: "sm3"}, current: -1}
	if raw, err := os.ReadFile(filepath.Join(d, "meta.json")); err == nil {
		if err := json.Unmarshal(raw, &s.meta); err != nil {
			s.release()
			return nil, fmt.Errorf("%s/meta.json: %w", d, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		s.release()
		return nil, err
	}
	s.frontier = merkle.NewFrontier(s.h)
	if raw, err := os.ReadFile(filepath.Join(d, "frontier.bin")); err == nil {
		if err := s.frontier.UnmarshalBinary(raw); err != nil {
			s.release()
			return nil, fmt.Errorf("%s/frontier.bin: %w", d, err)
		}
	}
	if s.frontier.Size() != s.meta.Size {
		s.release()
		return nil, fmt.Errorf("stream %s: frontier has %d leaves but meta says %d (interrupted write?)", stream, s.frontier.Size(), s.meta.Size)
	}
	// A crash between appending node files and saving the frontier leaves extra nodes at
	// the end of level files: cut every level back to what the saved size implies.
	for level := uint(0); ; level++ {
		want := s.meta.Size >> level
		path := s.levelPath(level)
		st, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			if want == 0 {
				break
			}
			s.release()
			return nil, fmt.Errorf("stream %s: level %d file missing", stream, level)
		}
		if err != nil {
			s.release()
			return nil, err
		}
		if uint64(st.Size()) < want*HashSize {
			s.release()
			return nil, fmt.Errorf("stream %s: level %d has %d nodes, want %d (store damaged)", stream, level, st.Size()/HashSize, want)
		}
		if err := os.Truncate(path, int64(want*HashSize)); err != nil {
			s.release()
			return nil, err
		}
		if want == 0 {
			break
		}
	}
	s.clipJournal()
	return s, nil
}

func (s *Store) levelPath(level uint) string {
	return filepath.Join(s.dir, fmt.Sprintf("level-%02d.hashes", level))
}

func (s *Store) level(l uint) (*levelFile, error) {
	for uint(len(s.levels)) <= l {
		lv := uint(len(s.levels))
		f, err := os.OpenFile(s.levelPath(lv), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			return nil, err
		}
		s.levels = append(s.levels, &levelFile{f: f, w: bufio.NewWriterSize(f, 1<<16), count: uint64(st.Size()) / HashSize})
	}
	return s.levels[l], nil
}

// Size is the number of leaves in the tree. Size, Root and Anchored may be called while
// an ingest runs (its anchors are recorded from a goroutine of their own).
func (s *Store) Size() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frontier.Size()
}

// Root is the root at the current size.
func (s *Store) Root() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frontier.Root()
}

// Anchored is the last anchor recorded.
func (s *Store) Anchored() Anchored {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.meta.Anchored
}

// AppendLine adds one log line (without its line terminator) as the next leaf.
func (s *Store) AppendLine(line []byte) error {
	return s.AppendLeafHash(s.h.HashLeaf(line))
}

// AppendLeafHash adds a leaf by its hash.
func (s *Store) AppendLeafHash(leaf []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frontier.Append(leaf, s.writeNodes)
}

// writeNodes appends consecutive nodes (HashSize bytes each) of one level, the first
// being node index; with one node it is the frontier's NodeFunc. Callers hold s.mu.
func (s *Store) writeNodes(level uint, index uint64, hashes []byte) error {
	lf, err := s.level(level)
	if err != nil {
		return err
	}
	if index != lf.count {
		return fmt.Errorf("level %d: node %d arrives after %d nodes (store out of step)", level, index, lf.count)
	}
	if _, err := lf.w.Write(hashes); err != nil {
		return err
	}
	lf.count += uint64(len(hashes) / HashSize)
	return nil
}

// subtreeHeight is the height of the perfect subtrees AppendLeafHashes hashes on several
// cores: 256 leaves, 255 inner nodes each.
const subtreeHeight = 8

// AppendLeafHashes adds leaves (HashSize bytes each, concatenated) in order, as that many
// AppendLeafHash calls would. The inner nodes of each perfect subtree of 2^subtreeHeight
// leaves the run completes are hashed on the machine's cores: they are half the hashing
// of a log (a node is two SM3 blocks) and, once the leaves are known, independent of
// each other.
func (s *Store) AppendLeafHashes(leaves []byte) error {
	if len(leaves)%HashSize != 0 {
		return fmt.Errorf("%d bytes of leaf hashes: not a multiple of %d", len(leaves), HashSize)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	const group = HashSize << subtreeHeight
	one := func() error {
		err := s.frontier.Append(leaves[:HashSize], s.writeNodes)
		leaves = leaves[HashSize:]
		return err
	}
	for len(leaves) > 0 && s.frontier.Size()%(1<<subtreeHeight) != 0 {
		if err := one(); err != nil {
			return err
		}
	}
	if n := len(leaves) / group; n > 0 {
		levels := make([][][]byte, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		next := make(chan int, n)
		for i := 0; i < n; i++ {
			next <- i
		}
		close(next)
		for w := 0; w < min(n, runtime.GOMAXPROCS(0)); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					levels[i], errs[i] = merkle.SubtreeLevels(s.h, leaves[i*group:(i+1)*group], subtreeHeight)
				}
			}()
		}
		wg.Wait()
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				return errs[i]
			}
			first := s.frontier.Size()
			if err := s.writeNodes(0, first, leaves[i*group:(i+1)*group]); err != nil {
				return err
			}
			for l, level := range levels[i] {
				if err := s.writeNodes(uint(l+1), first>>(l+1), level); err != nil {
					return err
				}
			}
			if err := s.frontier.AppendSubtree(subtreeHeight, levels[i][subtreeHeight-1], s.writeNodes); err != nil {
				return err
			}
		}
		leaves = leaves[n*group:]
	}
	for len(leaves) > 0 {
		if err := one(); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes buffered nodes and saves the frontier and metadata (atomically: a crash
// leaves either the old or the new state, and Open repairs level files).
func (s *Store) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flushLocked()
}

func (s *Store) flushLocked() error {
	for _, lf := range s.levels {
		if err := lf.w.Flush(); err != nil {
			return err
		}
		if err := lf.f.Sync(); err != nil {
			return err
		}
	}
	fr, err := s.frontier.MarshalBinary()
	if err != nil {
		return err
	}
	s.meta.Size = s.frontier.Size()
	if s.current >= 0 {
		s.meta.Files[s.current].Lines = s.meta.Size - s.meta.Files[s.current].From
	}
	mj, _ := json.MarshalIndent(s.meta, "", "  ")
	// frontier first, then meta: Open checks they agree, and a mismatch is reported
	// rather than silently trusted.
	if err := writeAtomic(filepath.Join(s.dir, "frontier.bin"), fr); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(s.dir, "meta.json"), mj)
}

// SetAnchored records the stream's last anchor (after the ledger accepted it).
func (s *Store) SetAnchored(a Anchored) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.meta.Anchored = a
	// Only the metadata: its size and journal are those of the last flush, which saved the
	// frontier and nodes the anchor covers (the batch was made right after one), so
	// meta.json stays consistent with frontier.bin; nodes appended since wait for the
	// next flush instead of being synced a second time per anchor.
	mj, _ := json.MarshalIndent(s.meta, "", "  ")
	return writeAtomic(filepath.Join(s.dir, "meta.json"), mj)
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Node implements merkle.NodeReader from the level files. Callers flush first.
func (s *Store) Node(level uint, index uint64) ([]byte, error) {
	lf, err := s.level(level)
	if err != nil {
		return nil, err
	}
	if index >= lf.count {
		return nil, fmt.Errorf("node (%d,%d) not stored (level has %d)", level, index, lf.count)
	}
	if err := lf.w.Flush(); err != nil {
		return nil, err
	}
	buf := make([]byte, HashSize)
	if _, err := lf.f.ReadAt(buf, int64(index*HashSize)); err != nil {
		return nil, fmt.Errorf("node (%d,%d): %w", level, index, err)
	}
	return buf, nil
}

// InclusionProof proves leaf index against the tree of the given size.
func (s *Store) InclusionProof(index, size uint64) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if size > s.frontier.Size() {
		return nil, fmt.Errorf("size %d beyond the stored tree (%d leaves)", size, s.frontier.Size())
	}
	return merkle.InclusionProof(s, s.h, index, size)
}

// ConsistencyProof proves the tree of size1 is a prefix of the tree of size2.
func (s *Store) ConsistencyProof(size1, size2 uint64) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if size2 > s.frontier.Size() {
		return nil, fmt.Errorf("size %d beyond the stored tree (%d leaves)", size2, s.frontier.Size())
	}
	return merkle.ConsistencyProof(s, s.h, size1, size2)
}

// RootAt recomputes the root of the tree at an earlier size.
func (s *Store) RootAt(size uint64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if size > s.frontier.Size() {
		return nil, fmt.Errorf("size %d beyond the stored tree (%d leaves)", size, s.frontier.Size())
	}
	return merkle.RootOf(s, s.h, size)
}

// LeafHash returns the stored hash of leaf index.
func (s *Store) LeafHash(index uint64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Node(0, index)
}

// Close flushes and releases the store.
func (s *Store) Close() error {
	err := s.Flush()
	s.release()
	return err
}

// release closes files without saving (Open's error paths must not overwrite state).
func (s *Store) release() {
	for _, lf := range s.levels {
		lf.f.Close()
	}
	s.levels = nil
	if s.lock != nil {
		funlock(s.lock)
		s.lock.Close()
		s.lock = nil
	}
}
