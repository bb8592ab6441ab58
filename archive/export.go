package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/archive/progress"
)

// Exported is one document written out.
type Exported struct {
	ID   string `json:"id"`
	Path string `json:"path"` // relative to the target folder
}

// Export writes documents into folder to under their original relative
// paths. Every write goes through os.Root, so nothing can land outside the
// folder, whatever a stored name holds. An existing file is never
// overwritten, and no two documents land on one file on any system (case,
// Unicode normalisation, a file named like a folder; see exportNames): a
// clash gets " (2)", " (3)"… before the extension, the name cut to fit.
// Each document's bytes are verified while they are written; a document
// that fails is removed and reported, saying whether reading it from the
// archive or writing it failed.
func (a *Archive) Export(ctx context.Context, ids [][32]byte, to string, fn progress.Func) ([]Exported, error) {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", to, err)
	}
	root, err := os.OpenRoot(to)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	ctr := progress.NewCounter()
	var total int64
	recs := make([]*catalog.Record, 0, len(ids))
	for _, id := range ids {
		r, err := a.Record(id)
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
		total += r.Size
	}
	rels := make([]string, len(recs))
	for i, r := range recs {
		rels[i] = ExportName(r)
	}
	names := newExportNames(rels)
	ctr.SetTotals(int64(len(recs)), total)
	stop := ctr.Report(ctx, fn)
	defer stop()
	var out []Exported
	var errs []error
	for i, r := range recs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		ctr.SetCurrent(r.FirstName())
		rel, err := a.exportOne(root, r, rels[i], names, ctr)
		ctr.AddFile()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %w", r.FirstName(), r.ID[:12], err))
			continue
		}
		out = append(out, Exported{ID: r.ID, Path: rel})
	}
	return out, errors.Join(errs...)
}

// ExportName is the relative path a record is exported under: its first
// name, each component made legal on every desktop OS.
func ExportName(r *catalog.Record) string {
	name := r.FirstName()
	if name == "" {
		name = r.ID
	}
	var parts []string
	for _, c := range strings.Split(path.Clean("/" + name)[1:], "/") {
		if c == "" || c == "." || c == ".." {
			continue
		}
		safe, _ := pathsafe.Portable(c)
		parts = append(parts, safe)
	}
	if len(parts) == 0 {
		return r.ID
	}
	return strings.Join(parts, "/")
}

// readError marks an export error that came from reading the archive.
type readError struct{ err error }

func (e readError) Error() string { return "could not read it from the archive: " + e.err.Error() }
func (e readError) Unwrap() error { return e.err }

func (a *Archive) exportOne(root *os.Root, r *catalog.Record, rel string, names *exportNames, ctr *progress.Counter) (string, error) {
	f, rel, err := createUnique(root, rel, names)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(writeTo{f, rel}, readFrom{countingReader{a.OpenRecord(r), ctr}})
	if err == nil {
		if err = f.Sync(); err != nil {
			err = fmt.Errorf("could not write %s: %w", rel, err)
		}
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("could not write %s: %w", rel, cerr)
	}
	if err != nil {
		root.Remove(rel)
		return "", err
	}
	return rel, nil
}

// readFrom and writeTo tell the two sides of the copy apart in its error.
type readFrom struct{ r io.Reader }

func (r readFrom) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = readError{err}
	}
	return n, err
}

type writeTo struct {
	f   *os.File
	rel string
}

func (w writeTo) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = fmt.Errorf("could not write %s: %w", w.rel, err)
	}
	return n, err
}

// createUnique creates rel, or "name (N).ext" when rel is taken in the
// target folder or by another document of the export, never overwriting.
func createUnique(root *os.Root, rel string, names *exportNames) (*os.File, string, error) {
	if dir := path.Dir(rel); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return nil, "", fmt.Errorf("could not create the folder %s: %w", dir, err)
		}
	}
	for n := 1; n < 10000; n++ {
		name := suffixed(rel, n)
		if !names.free(name) {
			continue
		}
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("could not create %s: %w", name, err)
		}
		names.take(name)
		return f, name, nil
	}
	return nil, "", fmt.Errorf("could not create %s: too many files of that name", rel)
}

type countingReader struct {
	r   io.Reader
	ctr *progress.Counter
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.ctr.AddBytes(int64(n))
	return n, err
}
