package logs

import (
	"bufio"
	"bytes"
	"testing"
)

func BenchmarkRawLeafHash(b *testing.B) {
	data := []byte(lines(0, 100000))
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		r := bufio.NewReaderSize(bytes.NewReader(data), 1<<20)
		for {
			line, err := r.ReadSlice('\n')
			if len(line) > 0 {
				_ = LeafHash(line[:len(line)-1])
			}
			if err != nil {
				break
			}
		}
	}
}
