package blob

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	badger "github.com/dgraph-io/badger/v4"
	sha256 "github.com/minio/sha256-simd"
)

// Reader streams a document's bytes, checking each chunk's length and CRC
// before handing any of its bytes out, and the whole document's SHA-256 at
// the end. A damaged chunk stops the stream with a *ChunkError, so no wrong
// byte reaches the caller (barring a CRC collision, which the final SHA-256
// check still catches).
type Reader struct {
	s    Store
	l    Layout
	want [32]byte
	next uint32
	buf  []byte
	rest []byte
	h    hash.Hash
	err  error
}

// NewReader returns a reader of the document with layout l whose SHA-256
// must be want.
func (s Store) NewReader(l Layout, want [32]byte) *Reader {
	return &Reader{s: s, l: l, want: want, h: sha256.New()}
}

func (r *Reader) Read(p []byte) (int, error) {
	for len(r.rest) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.next >= r.l.Chunks() {
			r.err = r.finish()
			continue
		}
		var data []byte
		err := r.s.db.View(func(txn *badger.Txn) error {
			var err error
			data, r.buf, err = r.s.readChunk(txn, r.l, r.next, r.buf)
			return err
		})
		if err != nil {
			r.err = err
			return 0, err
		}
		r.h.Write(data)
		r.rest = data
		r.next++
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

// WriteTo writes the rest of the document to w straight from the store,
// without copying it through a buffer, with the same checks as Read: each
// chunk's CRC before any of its bytes are written, the SHA-256 at the end
// (an error then means the bytes written are wrong). io.Copy uses it.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	if len(r.rest) > 0 {
		n, err := w.Write(r.rest)
		total += int64(n)
		r.rest = r.rest[n:]
		if err != nil {
			return total, err
		}
	}
	for r.err == nil && r.next < r.l.Chunks() {
		var werr error
		err := r.s.db.View(func(txn *badger.Txn) error {
			return r.s.visit(txn, r.l, r.next, CheckCRC, func(data []byte) {
				r.h.Write(data)
				n, err := w.Write(data)
				total += int64(n)
				werr = err
			})
		})
		if err != nil {
			r.err = err
			return total, err
		}
		if werr != nil {
			return total, werr
		}
		r.next++
	}
	if r.err == nil {
		r.err = r.finish()
	}
	if r.err == io.EOF {
		return total, nil
	}
	return total, r.err
}

func (r *Reader) finish() error {
	var got [32]byte
	r.h.Sum(got[:0])
	if !bytes.Equal(got[:], r.want[:]) {
		return fmt.Errorf("%w: document's SHA-256 is %s, %s expected", ErrCorrupt,
			hex.EncodeToString(got[:]), hex.EncodeToString(r.want[:]))
	}
	return io.EOF
}

// ReadRange returns n bytes at off, checking the CRC of each chunk it
// touches (not the document's SHA-256: that needs every byte). Use it for
// previews.
func (s Store) ReadRange(l Layout, off, n int64) ([]byte, error) {
	if off < 0 || off > l.Size {
		return nil, fmt.Errorf("offset %d outside a document of %d bytes", off, l.Size)
	}
	if off+n > l.Size {
		n = l.Size - off
	}
	out := make([]byte, 0, n)
	var buf []byte
	err := s.db.View(func(txn *badger.Txn) error {
		for i := uint32(off / ChunkSize); int64(len(out)) < n; i++ {
			data, b, err := s.readChunk(txn, l, i, buf)
			buf = b
			if err != nil {
				return err
			}
			start := int64(0)
			if len(out) == 0 {
				start = off - int64(i)*ChunkSize
			}
			take := min(int64(len(data))-start, n-int64(len(out)))
			out = append(out, data[start:start+take]...)
		}
		return nil
	})
	return out, err
}
