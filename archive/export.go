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
// overwritten: a clash gets " (2)", " (3)"… before the extension. Each
// document's bytes are verified while they are written; a document that
// fails is removed and reported.
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
	ctr.SetTotals(int64(len(recs)), total)
	stop := ctr.Report(ctx, fn)
	defer stop()
	var out []Exported
	var errs []error
	for _, r := range recs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		ctr.SetCurrent(r.FirstName())
		rel, err := a.exportOne(root, r, ctr)
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

func (a *Archive) exportOne(root *os.Root, r *catalog.Record, ctr *progress.Counter) (string, error) {
	rel := ExportName(r)
	if dir := path.Dir(rel); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	f, rel, err := createUnique(root, rel)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, countingReader{a.OpenRecord(r), ctr})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		root.Remove(rel)
		return "", err
	}
	return rel, nil
}

// createUnique creates rel, or "name (N).ext" if it exists, never
// overwriting.
func createUnique(root *os.Root, rel string) (*os.File, string, error) {
	dir, file := path.Split(rel)
	ext := path.Ext(file)
	stem := strings.TrimSuffix(file, ext)
	for n := 1; n < 10000; n++ {
		name := rel
		if n > 1 {
			name = fmt.Sprintf("%s%s (%d)%s", dir, stem, n, ext)
		}
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("too many files named %s", rel)
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
