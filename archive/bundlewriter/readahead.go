package bundlewriter

import (
	"context"
	"encoding/hex"
	"errors"
	"hash"
	"io"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/bagdigest"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
)

// A zip is written one entry after another, so its payload cannot be
// written by several workers. Reading a document back (CRC of each chunk,
// SHA-256 of the whole) costs about as much as writing it (the zip's own
// CRC-32, the write calls), so a reader goroutine runs ahead of the
// writer, through a small ring of buffers: the two halves of the work
// run on two cores at once, in bounded memory.

const (
	aheadBufs    = 8
	aheadBufSize = 1 << 20
)

// piece is the next part of document doc: bytes, or its end (done, with
// err when it could not be read whole and checked).
type piece struct {
	doc  int
	data []byte
	done bool
	err  error
}

// readAhead streams recs' bytes, in order, into the returned channel.
// Buffers go back through free once written. stopped is closed when the
// reader has returned: after cancelling ctx, wait for it before the
// archive may be closed.
func readAhead(ctx context.Context, a *archive.Archive, recs []*catalog.Record) (_ <-chan piece, _ chan<- []byte, stopped <-chan struct{}) {
	pieces := make(chan piece, aheadBufs)
	free := make(chan []byte, aheadBufs)
	for range aheadBufs {
		free <- make([]byte, aheadBufSize)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(pieces)
		send := func(p piece) bool {
			select {
			case pieces <- p:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for i, r := range recs {
			src := a.OpenRecord(r)
			var err error
			for err == nil {
				var buf []byte
				select {
				case buf = <-free:
				case <-ctx.Done():
					return
				}
				var n int
				n, err = io.ReadFull(src, buf)
				if n > 0 && !send(piece{doc: i, data: buf[:n]}) {
					return
				}
				if n == 0 {
					free <- buf // taken from free just now: there is room
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = nil // the reader checked the SHA-256 before its EOF
			}
			if !send(piece{doc: i, done: true, err: err}) || err != nil {
				return
			}
		}
	}()
	return pieces, free, done
}

// payloadsInOrder writes every document into the sink one after another,
// with a reader running ahead.
func (w *bagWriter) payloadsInOrder(ctx context.Context, a *archive.Archive, recs []*catalog.Record, paths []string, ctr *progress.Counter) error {
	ctx, cancel := context.WithCancel(ctx)
	pieces, free, stopped := readAhead(ctx, a, recs)
	// The reader uses the archive: it must have stopped before Create
	// returns, or a caller that then closes the archive races with it.
	defer func() { cancel(); <-stopped }()
	for i, r := range recs {
		ctr.SetCurrent(paths[i])
		dst, err := w.s.create(paths[i], false)
		if err != nil {
			return payloadError(ctx, r, paths[i], err)
		}
		var h512 hash.Hash
		if w.sha512 {
			h512 = bagdigest.SHA512.New()
			dst = io.MultiWriter(dst, h512)
		}
		for {
			var p piece
			var open bool
			select {
			case p, open = <-pieces:
			case <-ctx.Done():
				return payloadError(ctx, r, paths[i], ctx.Err())
			}
			if !open { // the reader stopped: cancelled
				if err = ctx.Err(); err == nil {
					err = errors.New("the reader stopped before the document's end")
				}
				break
			}
			if p.done {
				err = p.err
				break
			}
			_, err = dst.Write(p.data)
			ctr.AddBytes(int64(len(p.data)))
			select {
			case free <- p.data[:cap(p.data)]:
			default: // never full while the reader runs; do not wait if it stopped
			}
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				break
			}
		}
		if err != nil {
			return payloadError(ctx, r, paths[i], err)
		}
		s := sums{path: paths[i], sha256: r.ID}
		if h512 != nil {
			s.sha512 = hex.EncodeToString(h512.Sum(nil))
		}
		w.files = append(w.files, s)
		ctr.AddFile()
	}
	return nil
}
