package pack

import (
	"errors"
	"fmt"
)

// MaxFileSize is the size after which a writer starts a new pack (below
// FAT32's 4 GiB limit for one file).
const MaxFileSize = 1 << 30

// WriteError is an error writing to a pack (a full disk, an I/O error):
// unlike a source file that cannot be read, it concerns the archive, so an
// import stops rather than skipping the file.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "writing a pack file: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// Writer appends chunks to packs of one storage, one pack at a time,
// starting a new one when the next chunk would take the current one past
// MaxFileSize. It is not safe for concurrent use: each import worker has
// its own.
type Writer struct {
	s     Storage
	next  func() (uint64, error)
	cur   Appender
	n     uint64 // the current pack's number
	off   int64  // its size so far
	done  []open // full packs, sealed by Close
	limit int64  // MaxFileSize but in tests
}

// open is a pack a writer wrote to and has not sealed yet.
type open struct {
	n uint64
	a Appender
}

// NewWriter returns a writer to s that numbers its packs with next.
func NewWriter(s Storage, next func() (uint64, error)) *Writer {
	return &Writer{s: s, next: next, limit: MaxFileSize}
}

// Append writes data to the end of the current pack (starting a new one
// when needed) and returns where it is. Once Append returns, a crash of
// the process does not lose the bytes (they are in the kernel's cache);
// Close makes them durable.
func (w *Writer) Append(data []byte) (Ref, error) {
	if w.cur == nil || (w.off > 0 && w.off+int64(len(data)) > w.limit) {
		if err := w.start(); err != nil {
			return Ref{}, &WriteError{err}
		}
	}
	r := Ref{Pack: w.n, Off: w.off}
	if err := w.cur.Append(data); err != nil {
		return Ref{}, &WriteError{err}
	}
	w.off += int64(len(data))
	return r, nil
}

func (w *Writer) start() error {
	n, err := w.next()
	if err != nil {
		return err
	}
	a, err := w.s.Create(n)
	if err != nil {
		return err
	}
	if w.cur != nil {
		w.done = append(w.done, open{w.n, w.cur})
	}
	w.cur, w.n, w.off = a, n, 0
	return nil
}

// take returns every pack the writer wrote and forgets them.
func (w *Writer) take() []open {
	packs := w.done
	if w.cur != nil {
		packs = append(packs, open{w.n, w.cur})
	}
	w.cur, w.done = nil, nil
	return packs
}

// Close seals every pack the writer wrote. Nothing it wrote is durable
// before Close returns nil.
func (w *Writer) Close() error {
	var errs []error
	for _, p := range w.take() {
		if err := p.a.Seal(); err != nil {
			errs = append(errs, fmt.Errorf("could not write %s to disk: %w", Name(p.n), err))
		}
	}
	return errors.Join(errs...)
}

// Discard ends and removes every pack the writer wrote: for an import
// that committed nothing, so that nothing refers to them.
func (w *Writer) Discard() {
	for _, p := range w.take() {
		p.a.Abort()
		w.s.Remove(p.n)
	}
}
