package remote

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A sealed stream is how everything Custody writes to a remote besides
// pack files is kept (the store snapshots, the head, the identity):
// AES-256-GCM over segments of 64 KiB, so it is written and read with
// bounded memory and any change, cut or reordering is found.
//
//	"custody sealed v1\n"   18 bytes
//	nonce                   16 random bytes; the segments' key is
//	                        HMAC-SHA256(key, nonce), so no key and GCM
//	                        nonce pair is ever used twice
//	segments                each GCM(counter, last flag) of up to 64 KiB;
//	                        only the last is shorter (it may be empty) and
//	                        has the flag set
const (
	sealMagic   = "custody sealed v1\n"
	sealSegment = 64 << 10
	sealNonce   = 16
	sealTag     = 16
)

// ErrSealed is wrapped when a sealed stream is damaged, cut short, not
// one, or sealed under another key.
var ErrSealed = errors.New("sealed data is damaged or was sealed under another key")

func segmentKey(key, nonce []byte) (cipher.AEAD, error) {
	m := hmac.New(sha256.New, key)
	m.Write(nonce)
	b, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func segmentNonce(i uint64, last bool) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint64(n[3:11], i)
	if last {
		n[11] = 1
	}
	return n
}

// Sealer writes a sealed stream to w. Close writes the last segment; a
// stream not closed cannot be opened.
type Sealer struct {
	w    io.Writer
	aead cipher.AEAD
	buf  []byte
	out  []byte
	i    uint64
}

// NewSealer starts a sealed stream under key (32 bytes) on w.
func NewSealer(w io.Writer, key []byte) (*Sealer, error) {
	nonce := make([]byte, sealNonce)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	aead, err := segmentKey(key, nonce)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(append([]byte(sealMagic), nonce...)); err != nil {
		return nil, err
	}
	return &Sealer{w: w, aead: aead, buf: make([]byte, 0, sealSegment), out: make([]byte, 0, sealSegment+sealTag)}, nil
}

// Write seals p.
func (s *Sealer) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if len(s.buf) == sealSegment {
			if err := s.flush(false); err != nil {
				return n, err
			}
		}
		k := copy(s.buf[len(s.buf):sealSegment], p)
		s.buf = s.buf[:len(s.buf)+k]
		p = p[k:]
		n += k
	}
	return n, nil
}

func (s *Sealer) flush(last bool) error {
	s.out = s.aead.Seal(s.out[:0], segmentNonce(s.i, last), s.buf, nil)
	s.i++
	s.buf = s.buf[:0]
	_, err := s.w.Write(s.out)
	return err
}

// Close writes the last segment.
func (s *Sealer) Close() error { return s.flush(true) }

// Opener reads a sealed stream, returning only bytes that were checked.
type Opener struct {
	r     io.Reader
	aead  cipher.AEAD
	in    []byte
	next  []byte // one byte read ahead, to know a segment is the last
	plain []byte
	i     uint64
	done  bool
}

// NewOpener reads the header of a sealed stream from r.
func NewOpener(r io.Reader, key []byte) (*Opener, error) {
	head := make([]byte, len(sealMagic)+sealNonce)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSealed, err)
	}
	if !bytes.Equal(head[:len(sealMagic)], []byte(sealMagic)) {
		return nil, fmt.Errorf("%w: not a sealed stream", ErrSealed)
	}
	aead, err := segmentKey(key, head[len(sealMagic):])
	if err != nil {
		return nil, err
	}
	return &Opener{r: r, aead: aead, in: make([]byte, sealSegment+sealTag+1)}, nil
}

// Read returns checked bytes; io.EOF only after the last segment checked.
func (o *Opener) Read(p []byte) (int, error) {
	for len(o.plain) == 0 {
		if o.done {
			return 0, io.EOF
		}
		if err := o.segment(); err != nil {
			return 0, err
		}
	}
	n := copy(p, o.plain)
	o.plain = o.plain[n:]
	return n, nil
}

// segment reads and opens the next segment: a full one followed by more
// bytes is not the last.
func (o *Opener) segment() error {
	buf := o.in[:0]
	buf = append(buf, o.next...)
	n, err := io.ReadFull(o.r, buf[len(buf):sealSegment+sealTag+1])
	buf = buf[:len(buf)+n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	last := len(buf) <= sealSegment+sealTag
	seg := buf
	o.next = o.next[:0]
	if !last {
		seg = buf[:sealSegment+sealTag]
		o.next = append(o.next[:0], buf[sealSegment+sealTag:]...)
	}
	if len(seg) < sealTag {
		return fmt.Errorf("%w: cut short", ErrSealed)
	}
	plain, oerr := o.aead.Open(seg[:0], segmentNonce(o.i, last), seg, nil)
	if oerr != nil {
		return fmt.Errorf("%w (segment %d)", ErrSealed, o.i)
	}
	o.i++
	o.plain = plain
	o.done = last
	return nil
}
