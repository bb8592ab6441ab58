package pack

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/custody-app/custody/archive/internal/syncdir"
	"github.com/custody-app/custody/archive/internal/writeback"
)

// writebackEvery is how many bytes an appender writes between asking the
// kernel to start writing them to disk.
const writebackEvery = 8 << 20

// maxOpen bounds the pack files kept open for reading: beyond it, the
// least recently used idle one is closed. An archive written to over
// years holds thousands of pack files, and a process may open only so
// many files.
const maxOpen = 64

var _ Storage = (*LocalFiles)(nil)

// LocalFiles keeps packs as files named Name(n) in one folder: appended
// with positioned writes, the kernel asked to start writing them to disk
// every 8 MiB, each synced once when sealed, and the folder synced after
// it so that its name is durable too.
type LocalFiles struct {
	path    string
	mu      sync.Mutex
	files   map[uint64]*handle // open for reading
	tick    uint64
	maxOpen int
}

// handle is a pack file open for reading, in use by refs readers.
type handle struct {
	f    *os.File
	refs int
	used uint64 // LocalFiles.tick when last taken
}

// OpenLocal returns the folder of pack files at path, created when
// create is set (a read-only open must not).
func OpenLocal(path string, create bool) (*LocalFiles, error) {
	if create {
		if err := os.MkdirAll(path, 0o700); err != nil {
			return nil, err
		}
	}
	return &LocalFiles{path: path, files: map[uint64]*handle{}, maxOpen: maxOpen}, nil
}

func (d *LocalFiles) file(n uint64) string { return filepath.Join(d.path, Name(n)) }

// Close closes the files opened for reading.
func (d *LocalFiles) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for n, h := range d.files {
		errs = append(errs, h.f.Close())
		delete(d.files, n)
	}
	return errors.Join(errs...)
}

// ReadAt reads from pack r.Pack, through a file kept open for the next
// reads (see maxOpen).
func (d *LocalFiles) ReadAt(r Ref, buf []byte) error {
	h, err := d.take(r.Pack)
	if err != nil {
		return err
	}
	n, err := h.f.ReadAt(buf, r.Off)
	d.give(h)
	if err == io.EOF || (err == nil && n < len(buf)) {
		return fmt.Errorf("%w: %s ends before byte %d (%d of %d bytes there)", ErrShort, Name(r.Pack), r.Off+int64(len(buf)), n, len(buf))
	}
	return err
}

// take returns pack n open for reading; give it back with give.
func (d *LocalFiles) take(n uint64) (*handle, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tick++
	if h, ok := d.files[n]; ok {
		h.refs++
		h.used = d.tick
		return h, nil
	}
	f, err := os.Open(d.file(n))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missing(n)
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

func missing(n uint64) error {
	return fmt.Errorf("%w: pack file %s is not in the archive", ErrMissing, Name(n))
}

func (d *LocalFiles) give(h *handle) {
	d.mu.Lock()
	h.refs--
	d.mu.Unlock()
}

// closeIdlest closes the least recently used file no reader holds (none
// when every open file is in use: then more stay open for a while).
func (d *LocalFiles) closeIdlest() {
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

// Stat returns the size of pack n's file.
func (d *LocalFiles) Stat(n uint64) (int64, error) {
	fi, err := os.Stat(d.file(n))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, missing(n)
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// List lists the folder; names that are not pack files are skipped, and
// a folder that does not exist holds no packs.
func (d *LocalFiles) List(fn func(n uint64, size int64) error) error {
	entries, err := os.ReadDir(d.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		n, ok := parseName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			return err
		}
		if err := fn(n, fi.Size()); err != nil {
			return err
		}
	}
	return nil
}

// parseName is the inverse of Name.
func parseName(s string) (uint64, bool) {
	digits, ok := strings.CutSuffix(s, ".pack")
	if !ok || len(digits) < 12 {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil && Name(n) == s
}

// Remove removes pack n's file.
func (d *LocalFiles) Remove(n uint64) error {
	err := os.Remove(d.file(n))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Create creates pack n's file; it fails if the file exists.
func (d *LocalFiles) Create(n uint64) (Appender, error) {
	f, err := os.OpenFile(d.file(n), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	return &localAppender{dir: d.path, f: f}, nil
}

// localAppender writes one pack file.
type localAppender struct {
	dir string
	f   *os.File
	off int64
	// flushed is the offset up to which writeback was started.
	flushed int64
}

// Append writes p at the end of the file with one positioned write, and
// every writebackEvery bytes asks the kernel to start writing them out.
func (a *localAppender) Append(p []byte) error {
	if _, err := a.f.WriteAt(p, a.off); err != nil {
		return err
	}
	a.off += int64(len(p))
	if a.off-a.flushed >= writebackEvery {
		writeback.Start(a.f, a.flushed, a.off-a.flushed)
		a.flushed = a.off
	}
	return nil
}

// Seal syncs and closes the file, then syncs the folder, which makes the
// file's name durable.
func (a *localAppender) Seal() error {
	err := a.f.Sync()
	return errors.Join(err, a.f.Close(), syncdir.Sync(a.dir))
}

// Abort closes the file.
func (a *localAppender) Abort() error { return a.f.Close() }
