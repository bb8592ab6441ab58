package bundlewriter

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"runtime"
	"sync"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/bagdigest"
	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/progress"
)

// payloads writes every document into data/: concurrently, one worker per
// core, when the sink allows it (a folder), else one after another (a
// zip). The manifests list them in recs' order either way.
func (w *bagWriter) payloads(ctx context.Context, a *archive.Archive, recs []*catalog.Record, paths []string, ctr *progress.Counter) error {
	ps, ok := w.s.(parallelSink)
	if !ok || len(recs) < 2 {
		return w.payloadsInOrder(ctx, a, recs, paths, ctr)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := make([]sums, len(recs))
	next := make(chan [2]int) // [from, to) of recs
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(recs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			for span := range next {
				for i := span[0]; i < span[1]; i++ {
					w.payloadAt(ctx, cancel, a, ps, recs, paths, out, i, buf, ctr)
				}
			}
		}()
	}
	sizes := make([]int64, len(recs))
	for i, r := range recs {
		sizes[i] = r.Size
	}
	for _, span := range folderSpans(paths, sizes) {
		if ctx.Err() != nil {
			break
		}
		next <- span
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("cancelled; nothing was written: %w", err)
		}
		return err
	}
	w.files = append(w.files, out...)
	return nil
}

// A worker takes at most maxSpan files, and maxSpanBytes bytes unless a
// single file is larger, of one folder at a time.
const (
	maxSpan      = 64
	maxSpanBytes = 4 << 20
)

// folderSpans cuts paths (in order) into runs of small files of the same
// folder. Workers take a run each, so that two of them rarely create
// files in one folder at once: the file system serialises creations in a
// folder, and a worker waiting for that lock spins on a core the other
// could use. Large files go alone, so that they are still written side by
// side.
func folderSpans(paths []string, sizes []int64) [][2]int {
	var spans [][2]int
	for from := 0; from < len(paths); {
		dir := path.Dir(paths[from])
		to, bytes := from+1, sizes[from]
		for to < len(paths) && to-from < maxSpan && bytes+sizes[to] <= maxSpanBytes && path.Dir(paths[to]) == dir {
			bytes += sizes[to]
			to++
		}
		spans = append(spans, [2]int{from, to})
		from = to
	}
	return spans
}

// payloadAt writes document i; an error cancels the others.
func (w *bagWriter) payloadAt(ctx context.Context, cancel context.CancelCauseFunc, a *archive.Archive, ps parallelSink,
	recs []*catalog.Record, paths []string, out []sums, i int, buf []byte, ctr *progress.Counter) {
	if ctx.Err() != nil {
		return
	}
	r := recs[i]
	ctr.SetCurrent(paths[i])
	f, err := ps.open(paths[i])
	if err == nil {
		out[i], err = w.copyDoc(ctx, a, r, paths[i], f, buf, ctr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		cancel(payloadError(ctx, r, paths[i], err))
		return
	}
	ctr.AddFile()
}

// copyDoc copies one document into dst and returns its checksums. Its
// SHA-256 is its ID, which the archive's reader checks at the end; SHA-512
// is computed on the way when asked for.
func (w *bagWriter) copyDoc(ctx context.Context, a *archive.Archive, r *catalog.Record, name string, dst io.Writer, buf []byte, ctr *progress.Counter) (sums, error) {
	src := a.OpenRecord(r)
	var h512 hash.Hash
	if w.sha512 {
		h512 = bagdigest.SHA512.New()
		dst = io.MultiWriter(dst, h512)
	}
	if _, err := io.CopyBuffer(&progress.Writer{Ctx: ctx, W: dst, Ctr: ctr}, src, buf); err != nil {
		return sums{}, err
	}
	s := sums{path: name, sha256: r.ID}
	if h512 != nil {
		s.sha512 = hex.EncodeToString(h512.Sum(nil))
	}
	return s, nil
}

// payloadError explains why document r could not be written at path.
func payloadError(ctx context.Context, r *catalog.Record, path string, err error) error {
	switch {
	case ctx.Err() != nil:
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return cause // another worker's error stopped this one
		}
		return fmt.Errorf("cancelled; nothing was written: %w", context.Cause(ctx))
	case errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrMissing):
		return errcode.Wrap(errcode.ArchiveDamaged, err, fmt.Sprintf("the archive's copy of %s (%s) is damaged, so no bundle was written", r.FirstName(), r.ID[:12]))
	}
	return fmt.Errorf("writing %s: %w", path, err)
}
