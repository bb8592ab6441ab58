package archive

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// job is one regular file to import.
type job struct {
	path string // on disk
	name string // relative, slash separated, as recorded
	size int64
	// open, when set, reads the document from a stream (a zip entry)
	// instead of path; it checks the stream's own checksums at its end.
	open func() (io.ReadCloser, error)
}

// Skipped is a path that was not imported, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Listing is what Scan found under some paths, for Import.
type Listing struct {
	paths   []string
	jobs    *jobList
	skipped []Skipped
	err     error
}

// Scan lists what importing paths would import, without an archive. A
// front end can scan the sources while the archive is still being
// unlocked (the passphrase's key derivation takes most of a second; the
// scan of 30,000 files ~0.4 s) and hand the listing to Import through
// ImportOptions.Listing.
func Scan(ctx context.Context, paths []string) *Listing {
	jobs, skipped, err := walk(ctx, paths)
	return &Listing{paths: slices.Clone(paths), jobs: jobs, skipped: skipped, err: err}
}

// walk lists the regular files under paths without following symbolic
// links. A folder argument's own name starts the recorded relative paths
// ("leak/mail/1.eml"); a file argument is recorded under its base name.
// Anything else (links, FIFOs, devices, unreadable folders) is skipped
// with a reason; a FIFO is never opened, since opening one blocks.
func walk(ctx context.Context, paths []string) (jobs *jobList, skipped []Skipped, err error) {
	jobs = &jobList{}
	for _, root := range paths {
		fi, err := os.Lstat(root)
		if err != nil {
			skipped = append(skipped, Skipped{root, plainIOError(err)})
			continue
		}
		if !fi.IsDir() {
			if reason := notRegular(fi.Mode()); reason != "" {
				skipped = append(skipped, Skipped{root, reason})
				continue
			}
			jobs.add(root, filepath.Base(root), fi.Size())
			continue
		}
		abs, err := filepath.Abs(root)
		if err != nil {
			return nil, nil, err
		}
		base := filepath.Dir(abs)
		err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				skipped = append(skipped, Skipped{p, plainIOError(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if reason := notRegular(d.Type()); reason != "" {
				skipped = append(skipped, Skipped{p, reason})
				return nil
			}
			info, err := d.Info()
			if err != nil {
				skipped = append(skipped, Skipped{p, plainIOError(err)})
				return nil
			}
			rel, _ := filepath.Rel(base, p)
			jobs.add(p, filepath.ToSlash(rel), info.Size())
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return jobs, skipped, nil
}

func notRegular(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "skipped: symbolic link (links are not followed)"
	case m&fs.ModeNamedPipe != 0:
		return "skipped: named pipe (FIFO), not a regular file"
	case m&fs.ModeSocket != 0:
		return "skipped: socket, not a regular file"
	case m&fs.ModeDevice != 0:
		return "skipped: device file, not a regular file"
	case !m.IsRegular() && !m.IsDir():
		return "skipped: not a regular file"
	}
	return ""
}

// plainIOError words an I/O error for the person reading the summary.
func plainIOError(err error) string {
	switch {
	case os.IsPermission(err):
		return "cannot read: permission denied"
	case os.IsNotExist(err):
		return "cannot read: no such file or folder"
	}
	var pe *fs.PathError
	if e, ok := err.(*fs.PathError); ok {
		pe = e
		return "cannot read: " + pe.Err.Error()
	}
	return "cannot read: " + err.Error()
}
