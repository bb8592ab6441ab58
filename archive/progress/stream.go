package progress

import (
	"context"
	"io"
)

// Reader counts the bytes read through it and stops with ctx's error once
// ctx is done.
type Reader struct {
	Ctx context.Context
	R   io.Reader
	Ctr *Counter
}

func (r *Reader) Read(p []byte) (int, error) {
	if err := r.Ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.R.Read(p)
	r.Ctr.AddBytes(int64(n))
	return n, err
}

// Writer counts the bytes written through it and stops with ctx's error
// once ctx is done. Wrapping the destination rather than the source keeps
// a source's io.WriterTo usable (io.Copy).
type Writer struct {
	Ctx context.Context
	W   io.Writer
	Ctr *Counter
}

func (w *Writer) Write(p []byte) (int, error) {
	if err := w.Ctx.Err(); err != nil {
		return 0, err
	}
	n, err := w.W.Write(p)
	w.Ctr.AddBytes(int64(n))
	return n, err
}
