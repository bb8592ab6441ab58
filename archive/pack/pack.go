// Package pack keeps the bytes of documents in append-only pack files
// beside the Badger store, which keeps only where each chunk is.
//
// Why not Badger's value log: it writes every value through a memory map,
// one goroutine for the whole store, and syncs each 128 MiB file
// synchronously when it fills. Measured on the leak corpus, storing chunks
// there ran at a third of what copying the same files costs; written with
// plain writes by each import worker into its own file, with one sync at
// the end, the same import runs about as fast as the copy
// (docs/performance.md).
//
// A pack file is only ever appended to, by one writer, in one session; a
// new session starts new files. Its name is its number (from the store's
// sequence, so never reused). A chunk is found by its pack number and
// offset; its length and CRC-32C are known to the caller, which checks
// them, so this package only moves bytes and says when a file is missing
// or too short.
//
// When the store is encrypted, pack bytes are too: AES-256 in counter mode
// under a key derived from the store key, the counter block being the pack
// number and the offset's 16-byte block index. A (pack, offset) pair is
// never written twice, so no key stream is reused. Integrity comes from the
// chunk's CRC-32C and the document's SHA-256, checked on every read.
package pack

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/custody-app/custody/archive/internal/syncdir"
	"github.com/custody-app/custody/archive/internal/writeback"
)

// ErrMissing is wrapped when a pack file is not there.
var ErrMissing = errors.New("missing")

// ErrShort is wrapped when a pack file ends before the bytes asked for.
var ErrShort = errors.New("pack file too short")

// WriteError is an error writing to a pack file (a full disk, an I/O
// error): unlike a source file that cannot be read, it concerns the
// archive, so an import stops rather than skipping the file.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "writing a pack file: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// MaxFileSize is the size after which a writer starts a new pack file
// (below FAT32's 4 GiB limit for one file).
const MaxFileSize = 1 << 30

// writebackEvery is how many bytes a writer appends between asking the
// kernel to start writing them to disk.
const writebackEvery = 8 << 20

// Ref says where a chunk's bytes are.
type Ref struct {
	Pack uint64
	Off  int64
}

// maxOpen bounds the pack files kept open for reading: beyond it, the
// least recently used idle one is closed. An archive written to over
// years holds thousands of pack files, and a process may open only so
// many files.
const maxOpen = 64

// Dir is the folder of pack files of one archive.
type Dir struct {
	path    string
	block   cipher.Block // nil: plaintext
	mu      sync.Mutex
	files   map[uint64]*handle // open for reading
	tick    uint64
	maxOpen int
}

// handle is a pack file open for reading, in use by refs readers.
type handle struct {
	f    *os.File
	refs int
	used uint64 // Dir.tick when last taken
}

// Open returns the pack folder at path (created when writable is set).
// storeKey, when not empty, is the store's encryption key.
func Open(path string, storeKey []byte, writable bool) (*Dir, error) {
	if writable {
		if err := os.MkdirAll(path, 0o700); err != nil {
			return nil, err
		}
	}
	d := &Dir{path: path, files: map[uint64]*handle{}, maxOpen: maxOpen}
	if len(storeKey) > 0 {
		m := hmac.New(sha256.New, storeKey)
		m.Write([]byte("custody pack files v1"))
		b, err := aes.NewCipher(m.Sum(nil))
		if err != nil {
			return nil, err
		}
		d.block = b
	}
	return d, nil
}

// Name is the file name of pack n.
func Name(n uint64) string { return fmt.Sprintf("%012d.pack", n) }

// Path is the folder.
func (d *Dir) Path() string { return d.path }

// Close closes the files opened for reading.
func (d *Dir) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for n, h := range d.files {
		errs = append(errs, h.f.Close())
		delete(d.files, n)
	}
	return errors.Join(errs...)
}

// take returns pack n open for reading; give it back with give.
func (d *Dir) take(n uint64) (*handle, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tick++
	if h, ok := d.files[n]; ok {
		h.refs++
		h.used = d.tick
		return h, nil
	}
	f, err := os.Open(filepath.Join(d.path, Name(n)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: pack file %s is not in the archive", ErrMissing, Name(n))
	}
	if err != nil {
		return nil, err
	}
	if len(d.files) >= d.maxOpen {
		d.closeIdlest()
	}
	h := &handle{f: f, refs: 1, used: d.tick}
	d.files[n] = h
	return h, nil
}

func (d *Dir) give(h *handle) {
	d.mu.Lock()
	h.refs--
	d.mu.Unlock()
}

// closeIdlest closes the least recently used file no reader holds (none
// when every open file is in use: then more stay open for a while).
func (d *Dir) closeIdlest() {
	var victim *handle
	var vn uint64
	for n, h := range d.files {
		if h.refs == 0 && (victim == nil || h.used < victim.used) {
			victim, vn = h, n
		}
	}
	if victim != nil {
		victim.f.Close()
		delete(d.files, vn)
	}
}

// ReadAt fills buf with the bytes at r. A missing file wraps ErrMissing, a
// file that ends too soon ErrShort; other errors could not read.
func (d *Dir) ReadAt(r Ref, buf []byte) error {
	h, err := d.take(r.Pack)
	if err != nil {
		return err
	}
	n, err := h.f.ReadAt(buf, r.Off)
	d.give(h)
	if err == io.EOF || (err == nil && n < len(buf)) {
		return fmt.Errorf("%w: %s ends before byte %d (%d of %d bytes there)", ErrShort, Name(r.Pack), r.Off+int64(len(buf)), n, len(buf))
	}
	if err != nil {
		return err
	}
	d.crypt(r, buf, buf)
	return nil
}

// crypt XORs src into dst with the key stream at r (a no-op copy when the
// store is not encrypted).
func (d *Dir) crypt(r Ref, dst, src []byte) {
	if len(src) == 0 {
		return
	}
	if d.block == nil {
		if &dst[0] != &src[0] {
			copy(dst, src)
		}
		return
	}
	var iv [16]byte
	binary.BigEndian.PutUint64(iv[:8], r.Pack)
	binary.BigEndian.PutUint64(iv[8:], uint64(r.Off)/16)
	s := cipher.NewCTR(d.block, iv[:])
	if skip := r.Off % 16; skip > 0 {
		var pad [16]byte
		s.XORKeyStream(pad[:skip], pad[:skip])
	}
	s.XORKeyStream(dst, src)
}

// Writer appends to pack files, one at a time. It is not safe for
// concurrent use: each import worker has its own.
type Writer struct {
	d     *Dir
	next  func() (uint64, error)
	f     *os.File
	n     uint64
	off   int64
	done  []*os.File // full files, synced by Close
	buf   []byte     // encrypted copy
	limit int64      // MaxFileSize but in tests
	// flushed is the offset up to which writeback was started.
	flushed int64
}

// NewWriter returns a writer that numbers its files with next.
func (d *Dir) NewWriter(next func() (uint64, error)) *Writer {
	return &Writer{d: d, next: next, limit: MaxFileSize}
}

// Append writes data to the end of the current pack file (starting a new
// one when needed) and returns where it is. Once Append returns, a crash
// of the process does not lose the bytes (they are in the kernel's
// cache); Close makes them durable.
func (w *Writer) Append(data []byte) (Ref, error) {
	if w.f == nil || (w.off > 0 && w.off+int64(len(data)) > w.limit) {
		if err := w.start(); err != nil {
			return Ref{}, &WriteError{err}
		}
	}
	r := Ref{Pack: w.n, Off: w.off}
	out := data
	if w.d.block != nil {
		if cap(w.buf) < len(data) {
			w.buf = make([]byte, len(data))
		}
		out = w.buf[:len(data)]
		w.d.crypt(r, out, data)
	}
	if _, err := w.f.WriteAt(out, w.off); err != nil {
		return Ref{}, &WriteError{err}
	}
	w.off += int64(len(data))
	if w.off-w.flushed >= writebackEvery {
		writeback.Start(w.f, w.flushed, w.off-w.flushed)
		w.flushed = w.off
	}
	return r, nil
}

func (w *Writer) start() error {
	n, err := w.next()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(w.d.path, Name(n)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if w.f != nil {
		w.done = append(w.done, w.f)
	}
	w.f, w.n, w.off, w.flushed = f, n, 0, 0
	return nil
}

// take returns every file the writer wrote and forgets them.
func (w *Writer) take() []*os.File {
	files := w.done
	if w.f != nil {
		files = append(files, w.f)
	}
	w.f, w.done = nil, nil
	return files
}

// Close syncs and closes every file the writer wrote. Nothing it wrote is
// durable before Close returns nil.
func (w *Writer) Close() error {
	files := w.take()
	var errs []error
	for _, f := range files {
		if err := f.Sync(); err != nil {
			errs = append(errs, fmt.Errorf("could not write %s to disk: %w", filepath.Base(f.Name()), err))
		}
		errs = append(errs, f.Close())
	}
	if len(files) > 0 {
		errs = append(errs, syncdir.Sync(w.d.path))
	}
	return errors.Join(errs...)
}

// Discard closes and removes every file the writer wrote: for an import
// that committed nothing, so that nothing refers to them.
func (w *Writer) Discard() {
	for _, f := range w.take() {
		f.Close()
		os.Remove(f.Name())
	}
}
