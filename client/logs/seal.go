package logs

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pdledger/pdledger/chaincode/gm"
)

// Sealed archive format (one file):
//
//	"PDLSEAL1\n"
//	header: one JSON line (SealHeader) + "\n"
//	chunks: SM4-GCM (standard GCM over the SM4 block cipher, RFC 8998) of each
//	        ChunkSize bytes of plaintext (the last may be shorter), each followed by its
//	        16-byte tag. Nonce = header nonce prefix (8 bytes) || chunk index (4 bytes,
//	        big endian). AAD = SM3(magic || header line) || chunk index (8 bytes) || final
//	        flag (1 byte), so chunks cannot be reordered, dropped, moved between archives,
//	        or the archive truncated at a chunk boundary.
const sealMagic = "PDLSEAL1\n"

// ChunkSize is the plaintext size of each sealed chunk.
const ChunkSize = 1 << 20

// SealHeader describes a sealed segment.
type SealHeader struct {
	Version     int    `json:"v"`
	Alg         string `json:"alg"` // SM4-GCM
	Chunk       int    `json:"chunk"`
	Stream      string `json:"stream"`
	From        uint64 `json:"from"` // first leaf index of the segment
	To          uint64 `json:"to"`   // one past the last leaf index
	PlainSM3    string `json:"plainSm3"`
	PlainBytes  int64  `json:"plainBytes"`
	RetainUntil string `json:"retainUntil,omitempty"` // CST date from the anchor's retention
	KeyID       string `json:"keyId"`                 // SM3 of the key, first 16 hex chars
	Nonce       string `json:"nonce"`                 // hex, 8 bytes
}

// NewKey returns a fresh random SM4 key.
func NewKey() ([]byte, error) {
	k := make([]byte, gm.SM4KeySize)
	_, err := rand.Read(k)
	return k, err
}

// KeyID names a key without revealing it.
func KeyID(key []byte) string { return gm.SumHex(key)[:16] }

// ReadKeyFile reads a hex SM4 key (32 hex characters).
func ReadKeyFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(k) != gm.SM4KeySize {
		return nil, fmt.Errorf("%s: want %d hex-encoded key bytes", path, gm.SM4KeySize)
	}
	return k, nil
}

// PlainDigest computes the SM3 of a file (the segment's plaintext digest).
func PlainDigest(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := gm.New()
	n, err := io.Copy(h, bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func chunkAAD(headerSum []byte, i uint64, final bool) []byte {
	aad := make([]byte, 0, len(headerSum)+9)
	aad = append(aad, headerSum...)
	aad = binary.BigEndian.AppendUint64(aad, i)
	if final {
		return append(aad, 1)
	}
	return append(aad, 0)
}

func chunkNonce(prefix []byte, i uint64) []byte {
	n := make([]byte, 0, gm.GCMNonceSize)
	n = append(n, prefix...)
	return binary.BigEndian.AppendUint32(n, uint32(i))
}

// Seal encrypts plaintext from src into dst. hdr's PlainSM3 and PlainBytes must already
// describe src (PlainDigest). It returns the SM3 of everything written to dst.
func Seal(dst io.Writer, src io.Reader, key []byte, hdr SealHeader) (string, error) {
	if len(key) != gm.SM4KeySize {
		return "", fmt.Errorf("SM4 key must be %d bytes", gm.SM4KeySize)
	}
	if hdr.PlainBytes/ChunkSize >= 1<<32 {
		return "", errors.New("segment too large for one archive")
	}
	prefix := make([]byte, 8)
	if _, err := rand.Read(prefix); err != nil {
		return "", err
	}
	hdr.Version, hdr.Alg, hdr.Chunk, hdr.KeyID, hdr.Nonce = 1, "SM4-GCM", ChunkSize, KeyID(key), hex.EncodeToString(prefix)
	line, _ := json.Marshal(hdr)
	line = append(line, '\n')
	sum := gm.New()
	out := io.MultiWriter(dst, sum)
	headerSum := gm.Sum(append([]byte(sealMagic), line...))
	if _, err := io.WriteString(out, sealMagic); err != nil {
		return "", err
	}
	if _, err := out.Write(line); err != nil {
		return "", err
	}
	br := bufio.NewReaderSize(src, ChunkSize)
	buf := make([]byte, ChunkSize)
	var total int64
	for i := uint64(0); ; i++ {
		n, err := io.ReadFull(br, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return "", err
		}
		total += int64(n)
		_, peekErr := br.Peek(1)
		final := n < ChunkSize || errors.Is(peekErr, io.EOF)
		ct, serr := gm.SealGCM(key, chunkNonce(prefix, i), buf[:n], chunkAAD(headerSum[:], i, final))
		if serr != nil {
			return "", serr
		}
		if _, err := out.Write(ct); err != nil {
			return "", err
		}
		if final {
			break
		}
	}
	if total != hdr.PlainBytes {
		return "", fmt.Errorf("segment changed while sealing: read %d bytes, digest was over %d", total, hdr.PlainBytes)
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// ReadSealHeader reads an archive's header.
func ReadSealHeader(r *bufio.Reader) (SealHeader, []byte, error) {
	var hdr SealHeader
	magic := make([]byte, len(sealMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != sealMagic {
		return hdr, nil, errors.New("not a PDLedger sealed archive (bad magic)")
	}
	line, err := r.ReadBytes('\n')
	if err != nil {
		return hdr, nil, fmt.Errorf("archive header: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&hdr); err != nil {
		return hdr, nil, fmt.Errorf("archive header: %w", err)
	}
	if hdr.Version != 1 || hdr.Alg != "SM4-GCM" || hdr.Chunk != ChunkSize {
		return hdr, nil, fmt.Errorf("unsupported archive: version %d %s chunk %d", hdr.Version, hdr.Alg, hdr.Chunk)
	}
	return hdr, append([]byte(magic), line...), nil
}

// Unseal decrypts an archive into dst, checking every chunk's tag, the final chunk
// marker and the plaintext SM3 recorded in the header.
func Unseal(dst io.Writer, src io.Reader, key []byte) (SealHeader, error) {
	br := bufio.NewReaderSize(src, ChunkSize+64)
	hdr, headBytes, err := ReadSealHeader(br)
	if err != nil {
		return hdr, err
	}
	if KeyID(key) != hdr.KeyID {
		return hdr, fmt.Errorf("wrong key: archive was sealed with key %s, this is %s", hdr.KeyID, KeyID(key))
	}
	prefix, err := hex.DecodeString(hdr.Nonce)
	if err != nil || len(prefix) != 8 {
		return hdr, errors.New("archive header: bad nonce")
	}
	headerSum := gm.Sum(headBytes)
	plain := gm.New()
	out := io.MultiWriter(dst, plain)
	buf := make([]byte, ChunkSize+gm.GCMTagSize)
	var total int64
	for i := uint64(0); ; i++ {
		n, err := io.ReadFull(br, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			if errors.Is(err, io.EOF) {
				return hdr, errors.New("archive truncated: final chunk missing")
			}
			return hdr, err
		}
		_, peekErr := br.Peek(1)
		final := errors.Is(peekErr, io.EOF)
		pt, oerr := gm.OpenGCM(key, chunkNonce(prefix, i), buf[:n], chunkAAD(headerSum[:], i, final))
		if oerr != nil {
			return hdr, fmt.Errorf("chunk %d fails authentication (tampered, truncated or reordered): %w", i, oerr)
		}
		if _, err := out.Write(pt); err != nil {
			return hdr, err
		}
		total += int64(len(pt))
		if final {
			break
		}
	}
	if got := hex.EncodeToString(plain.Sum(nil)); got != hdr.PlainSM3 || total != hdr.PlainBytes {
		return hdr, fmt.Errorf("restored segment SM3 %s (%d bytes) differs from the sealed digest %s (%d bytes)", got, total, hdr.PlainSM3, hdr.PlainBytes)
	}
	return hdr, nil
}
