package gm

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"sync"

	"github.com/tjfoc/gmsm/sm4"
)

const (
	// SM4KeySize is the SM4 key length in bytes.
	SM4KeySize = 16
	// GCMNonceSize is the nonce length SealGCM and OpenGCM require (the
	// 96-bit GCM nonce used by RFC 8998).
	GCMNonceSize = 12
	// GCMTagSize is the length of the authentication tag SealGCM appends.
	GCMTagSize = 16
)

// ErrDecrypt is returned by OpenGCM when the ciphertext, tag, nonce, key or
// additional data do not authenticate. It deliberately says nothing more.
var ErrDecrypt = errors.New("gm: SM4-GCM message authentication failed")

// NewSM4 returns the SM4 block cipher (GB/T 32907) for a 16-byte key. Unlike
// tjfoc's sm4.NewCipher the returned Block is safe for concurrent use.
func NewSM4(key []byte) (cipher.Block, error) {
	if len(key) != SM4KeySize {
		return nil, fmt.Errorf("gm: SM4 key is %d bytes, want %d", len(key), SM4KeySize)
	}
	b, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("gm: SM4 key: %w", err)
	}
	return &lockedBlock{b: b}, nil
}

// lockedBlock serialises access to tjfoc's Sm4Cipher, which encrypts through
// scratch buffers stored in the cipher value itself.
type lockedBlock struct {
	mu sync.Mutex
	b  cipher.Block
}

func (l *lockedBlock) BlockSize() int { return sm4.BlockSize }

func (l *lockedBlock) Encrypt(dst, src []byte) {
	checkBlock(dst, src)
	l.mu.Lock()
	l.b.Encrypt(dst, src)
	l.mu.Unlock()
}

func (l *lockedBlock) Decrypt(dst, src []byte) {
	checkBlock(dst, src)
	l.mu.Lock()
	l.b.Decrypt(dst, src)
	l.mu.Unlock()
}

// checkBlock panics with a clear message (as crypto/aes does) instead of an
// index-out-of-range from deep inside tjfoc.
func checkBlock(dst, src []byte) {
	if len(src) < sm4.BlockSize {
		panic("gm: SM4 input not full block")
	}
	if len(dst) < sm4.BlockSize {
		panic("gm: SM4 output not full block")
	}
}

func newSM4GCM(key, nonce []byte) (cipher.AEAD, error) {
	if len(nonce) != GCMNonceSize {
		return nil, fmt.Errorf("gm: SM4-GCM nonce is %d bytes, want %d", len(nonce), GCMNonceSize)
	}
	b, err := NewSM4(key)
	if err != nil {
		return nil, err
	}
	// The standard library's generic GCM over the SM4 block function is
	// exactly RFC 8998's AEAD_SM4_GCM; tjfoc's own GCM helper is not.
	return cipher.NewGCM(b)
}

// SealGCM encrypts and authenticates plaintext and authenticates aad with
// SM4-GCM (RFC 8998), returning ciphertext||tag. The nonce must be 12 bytes
// and must never repeat under the same key: GCM loses both confidentiality
// and integrity on nonce reuse.
func SealGCM(key, nonce, plaintext, aad []byte) ([]byte, error) {
	aead, err := newSM4GCM(key, nonce)
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, nonce, plaintext, aad), nil
}

// OpenGCM authenticates and decrypts ciphertext||tag produced by SealGCM or
// any RFC 8998 implementation. On any mismatch it returns ErrDecrypt and no
// plaintext.
func OpenGCM(key, nonce, ciphertext, aad []byte) ([]byte, error) {
	aead, err := newSM4GCM(key, nonce)
	if err != nil {
		return nil, err
	}
	if len(ciphertext) < GCMTagSize {
		return nil, fmt.Errorf("gm: SM4-GCM ciphertext is %d bytes, shorter than the %d-byte tag", len(ciphertext), GCMTagSize)
	}
	pt, err := aead.Open(nil, nonce, ciphertext, aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}
