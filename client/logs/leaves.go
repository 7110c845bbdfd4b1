package logs

import (
	"bytes"
	"context"
	"errors"
	"hash"
	"io"
	"runtime"
	"sync"

	"github.com/pdledger/pdledger/chaincode/gm"
)

// Leaf hashing in parallel. Reading a log and appending its leaves to the tree are
// sequential, but the leaf hash of one line does not depend on any other, and it is the
// bulk of the work (a line is several SM3 blocks, a tree node two). So a reader cuts the
// input into chunks of whole lines, the machine's cores hash the chunks' lines, and the
// caller receives the leaves in input order. Memory stays bounded: at most 2·cores+1
// chunks of chunkSize bytes exist at once, whatever the size of the input or of a line.

// chunkSize is the bytes a chunk holds; a line longer than that is hashed by the reader
// itself as it streams past (it is one leaf, which no other core could share anyway).
const chunkSize = 1 << 20

// chunk is a run of whole lines and, once hashed, their leaves.
type chunk struct {
	buf    []byte // backing array, chunkSize bytes
	data   []byte // the lines, each ending in '\n' except possibly the input's last
	leaves []byte // HashSize bytes per line
	ends   []int64
	base   int64         // input bytes before data
	long   []byte        // a single line's leaf hashed by the reader (data is empty)
	done   chan struct{} // closed when leaves and ends are ready
}

// maxHashers bounds the cores hashing leaves, and with them the chunks in memory (17 MiB
// at most): past a few cores the tree, which takes the leaves one by one, is the limit.
const maxHashers = 8

// readLeaves hands each the leaf hashes of r's lines, in order, a run at a time: hashes
// holds len(ends) leaves of HashSize bytes, ends[i] the bytes read through the end of
// leaf i's line; done gets the total at the end. A line is its bytes up to (not
// including) '\n'; a final line without '\n' counts too. each must not keep hashes or
// ends after it returns (they are reused).
func readLeaves(ctx context.Context, r io.Reader, each func(hashes []byte, ends []int64) error, done func(bytesRead int64)) error {
	workers := min(runtime.GOMAXPROCS(0), maxHashers)
	inFlight := 2*workers + 1
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	free := make(chan *chunk, inFlight)
	for i := 0; i < inFlight; i++ {
		free <- &chunk{buf: make([]byte, chunkSize), done: make(chan struct{})}
	}
	work := make(chan *chunk, inFlight)
	order := make(chan *chunk, inFlight)
	var readErr error
	var total int64

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := gm.New()
			for c := range work {
				c.hash(h)
				close(c.done)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(work)
		total, readErr = cut(ctx, r, free, func(c *chunk) bool {
			select {
			case order <- c:
			case <-ctx.Done():
				return false
			}
			if c.long != nil {
				close(c.done)
				return true
			}
			work <- c // never blocks: no more chunks exist than work holds
			return true
		})
	}()

	var err error
	for c := range order {
		<-c.done
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			switch {
			case c.long != nil:
				err = each(c.long, []int64{c.base})
			case len(c.ends) > 0:
				err = each(c.leaves, c.ends)
			}
			if err != nil {
				cancel() // the reader stops; the chunks in flight are drained
			}
		}
		c.done = make(chan struct{})
		free <- c
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	done(total)
	return nil
}

// cut reads r into chunks of whole lines taken from free and hands each to emit, in
// order, until the input ends, emit refuses (false) or ctx is done. It returns the
// bytes read.
func cut(ctx context.Context, r io.Reader, free chan *chunk, emit func(*chunk) bool) (int64, error) {
	var read int64 // bytes handed out in chunks so far
	take := func() (*chunk, error) {
		select {
		case c := <-free:
			return c, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c, err := take()
	if err != nil {
		return 0, err
	}
	carried := 0 // bytes at the start of c.buf that belong to the chunk before's last line
	for {
		m, rerr := io.ReadFull(r, c.buf[carried:])
		n := carried + m
		eof := errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF)
		if rerr != nil && !eof {
			return read, rerr
		}
		if err := ctx.Err(); err != nil {
			return read, err
		}
		if n == 0 {
			return read, nil
		}
		cutAt := bytes.LastIndexByte(c.buf[:n], '\n') + 1
		if eof {
			cutAt = n // the last line needs no terminator
		}
		next, err := take()
		if err != nil {
			return read, err
		}
		if cutAt == 0 {
			// no line ends in a full chunk: one long line, hashed as it streams past
			leaf, rest, consumed, err := longLine(r, c.buf[:n])
			if err != nil {
				return read, err
			}
			read += consumed
			c.data, c.ends, c.long, c.base = nil, c.ends[:0], leaf, read
			if !emit(c) {
				return read, ctx.Err()
			}
			if rest == nil {
				return read, nil // the long line ended the input
			}
			carried, c = copy(next.buf, rest), next
			continue
		}
		c.data, c.long, c.base = c.buf[:cutAt], nil, read
		read += int64(cutAt)
		// the next chunk starts with the line the cut split; copied before c is handed
		// out, since c's buffer is reused once its leaves are consumed
		carried = copy(next.buf, c.buf[cutAt:n])
		if !emit(c) {
			return read, ctx.Err()
		}
		c = next
		if eof {
			return read, nil
		}
	}
}

// longLine hashes a line that starts with head (which holds no '\n') and continues in r
// up to its '\n' or the end of r. It answers the leaf, what r held after the line (nil
// at the end of input), and the bytes the line took including its '\n'.
func longLine(r io.Reader, head []byte) (leaf, rest []byte, consumed int64, err error) {
	h := gm.New()
	h.Write([]byte{0})
	h.Write(head)
	consumed = int64(len(head))
	buf := make([]byte, 64<<10)
	for {
		n, rerr := r.Read(buf)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			h.Write(buf[:i])
			return h.Sum(nil), bytes.Clone(buf[i+1 : n]), consumed + int64(i) + 1, nil
		}
		h.Write(buf[:n])
		consumed += int64(n)
		if errors.Is(rerr, io.EOF) {
			return h.Sum(nil), nil, consumed, nil
		}
		if rerr != nil {
			return nil, nil, consumed, rerr
		}
	}
}

// hash computes the leaves of c's lines with h.
func (c *chunk) hash(h hash.Hash) {
	c.leaves, c.ends = c.leaves[:0], c.ends[:0]
	data, pos := c.data, c.base
	zero := []byte{0}
	for len(data) > 0 {
		line := data
		next := len(data)
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, next = data[:i], i+1
		}
		h.Reset()
		h.Write(zero)
		h.Write(line)
		c.leaves = h.Sum(c.leaves)
		pos += int64(next)
		c.ends = append(c.ends, pos)
		data = data[next:]
	}
}
