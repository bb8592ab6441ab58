package pack

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"sync"
)

var _ Storage = (*Encrypted)(nil)

// Encrypted encrypts the packs of any storage: AES-256 in counter mode
// under a key derived from the store key, the counter block being the
// pack number and the offset's 16-byte block index. The storage below
// keeps ciphertext only, of the plaintext's length, so sizes, offsets and
// listings pass through unchanged.
//
// A (pack, offset) pair is never written twice (packs are append-only and
// their numbers never reused), so no key stream is reused. Counter mode
// does not authenticate: integrity comes from each chunk's CRC-32C and
// the document's SHA-256, checked on every read above this package.
//
// Every method is written out rather than inherited by embedding: a method
// added to Storage must be thought through here before it compiles.
type Encrypted struct {
	inner Storage // holds ciphertext
	block cipher.Block
	// bufs holds scratch buffers for the ciphertext of an append, shared
	// by the appenders: one held per appender would stay allocated until
	// its writer closes, for every pack of a long import.
	bufs sync.Pool
}

// Encrypt wraps s so that what is appended is encrypted under storeKey
// (the store's encryption key) and what is read decrypted.
func Encrypt(s Storage, storeKey []byte) (*Encrypted, error) {
	m := hmac.New(sha256.New, storeKey)
	m.Write([]byte("custody pack files v1"))
	b, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	return &Encrypted{inner: s, block: b}, nil
}

// Stat returns the size of pack n below (that of its plaintext too).
func (e *Encrypted) Stat(n uint64) (int64, error) { return e.inner.Stat(n) }

// List lists the packs below.
func (e *Encrypted) List(fn func(n uint64, size int64) error) error { return e.inner.List(fn) }

// Remove removes pack n below.
func (e *Encrypted) Remove(n uint64) error { return e.inner.Remove(n) }

// Close closes the storage below.
func (e *Encrypted) Close() error { return e.inner.Close() }

// ReadAt reads the ciphertext into buf and decrypts it there.
func (e *Encrypted) ReadAt(r Ref, buf []byte) error {
	if err := e.inner.ReadAt(r, buf); err != nil {
		return err
	}
	e.crypt(r, buf, buf)
	return nil
}

// crypt XORs src into dst with the key stream at r (dst and src may be
// the same slice).
func (e *Encrypted) crypt(r Ref, dst, src []byte) {
	if len(src) == 0 {
		return
	}
	var iv [16]byte
	binary.BigEndian.PutUint64(iv[:8], r.Pack)
	binary.BigEndian.PutUint64(iv[8:], uint64(r.Off)/16)
	s := cipher.NewCTR(e.block, iv[:])
	if skip := r.Off % 16; skip > 0 {
		var pad [16]byte
		s.XORKeyStream(pad[:skip], pad[:skip])
	}
	s.XORKeyStream(dst, src)
}

// Create starts pack n below, and returns an appender that encrypts.
func (e *Encrypted) Create(n uint64) (Appender, error) {
	a, err := e.inner.Create(n)
	if err != nil {
		return nil, err
	}
	return &encryptingAppender{inner: a, e: e, n: n}, nil
}

// scratchSize is the smallest scratch buffer made: the size of a chunk
// (package blob), so that one buffer serves every append of an import.
const scratchSize = 1 << 20

// encryptingAppender encrypts what it appends to the appender below.
type encryptingAppender struct {
	inner Appender
	e     *Encrypted
	n     uint64
	off   int64
}

// Append encrypts p into a scratch buffer (p itself is left as it was)
// and appends that.
func (a *encryptingAppender) Append(p []byte) error {
	bp, _ := a.e.bufs.Get().(*[]byte)
	if bp == nil || cap(*bp) < len(p) {
		b := make([]byte, max(len(p), scratchSize))
		bp = &b
	}
	out := (*bp)[:len(p)]
	a.e.crypt(Ref{Pack: a.n, Off: a.off}, out, p)
	err := a.inner.Append(out)
	a.e.bufs.Put(bp)
	if err != nil {
		return err
	}
	a.off += int64(len(p))
	return nil
}

// Seal seals the pack below.
func (a *encryptingAppender) Seal() error { return a.inner.Seal() }

// Abort aborts the pack below.
func (a *encryptingAppender) Abort() error { return a.inner.Abort() }
