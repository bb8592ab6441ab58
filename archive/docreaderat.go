package archive

import (
	"io"
	"sync"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
)

// docReaderAt reads a stored document at any offset, one verified chunk
// at a time, keeping the last chunk read (a stream of small reads costs
// one chunk read per chunk, and memory stays one chunk).
type docReaderAt struct {
	a   *Archive
	rec *catalog.Record
	mu  sync.Mutex
	at  int64 // offset of the cached chunk; -1 for none
	buf []byte
}

func (a *Archive) docReaderAt(rec *catalog.Record) *docReaderAt {
	return &docReaderAt{a: a, rec: rec, at: -1}
}

func (d *docReaderAt) ReadAt(p []byte, off int64) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= d.rec.Size {
			return n, io.EOF
		}
		start := pos - pos%blob.ChunkSize
		if d.at != start {
			b, err := d.a.chunks().ReadRange(d.rec.Layout(), start, min(blob.ChunkSize, d.rec.Size-start))
			if err != nil {
				d.at = -1
				return n, err
			}
			d.at, d.buf = start, b
		}
		n += copy(p[n:], d.buf[pos-start:])
	}
	return n, nil
}
