package archive

import (
	"io"
	"sync"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
)

// docReaderAt reads a stored document at any offset, a verified chunk at
// a time. It keeps the last few chunks read, shared by every reader of
// the document (the import's workers read neighbouring messages of one
// mailbox at once): each chunk is read about once, and memory stays a
// few chunks.
type docReaderAt struct {
	a      *Archive
	rec    *catalog.Record
	mu     sync.Mutex
	chunks map[int64][]byte // chunk offset → bytes
	order  []int64          // oldest first
}

// cachedChunks is how many chunks a docReaderAt keeps (1 MiB each).
const cachedChunks = 8

func (a *Archive) docReaderAt(rec *catalog.Record) *docReaderAt {
	return &docReaderAt{a: a, rec: rec, chunks: map[int64][]byte{}}
}

func (d *docReaderAt) chunk(start int64) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if b, ok := d.chunks[start]; ok {
		return b, nil
	}
	b, err := d.a.chunks().ReadRange(d.rec.Layout(), start, min(blob.ChunkSize, d.rec.Size-start))
	if err != nil {
		return nil, err
	}
	if len(d.order) == cachedChunks {
		delete(d.chunks, d.order[0])
		d.order = d.order[1:]
	}
	d.chunks[start] = b
	d.order = append(d.order, start)
	return b, nil
}

func (d *docReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= d.rec.Size {
			return n, io.EOF
		}
		start := pos - pos%blob.ChunkSize
		b, err := d.chunk(start)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], b[pos-start:])
	}
	return n, nil
}
