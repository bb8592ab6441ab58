package bundlewriter

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/custody-app/custody/archive/internal/syncdir"
	"github.com/custody-app/custody/archive/internal/writeback"
	"github.com/custody-app/custody/archive/pathsafe"
)

// sink receives a bundle's files one after another and puts the whole
// bundle in place only when commit is called. Until then everything is
// under a temporary name next to the final one; abort removes it.
type sink interface {
	// create starts the file at name (slash separated, relative to the
	// bag's top), ending the previous one. compress asks for deflate.
	create(name string, compress bool) (io.Writer, error)
	// finish ends the last file and makes everything durable.
	finish() error
	// commit moves the finished bundle to its final path, refusing to
	// replace anything there.
	commit() error
	// abort removes whatever was written.
	abort()
}

// IsZip reports whether out names a zip bundle (it ends in ".zip").
func IsZip(out string) bool { return strings.EqualFold(filepath.Ext(out), ".zip") }

// ErrExists is wrapped when the bundle's path is already taken.
var ErrExists = errors.New("already exists")

func newSink(out string, now time.Time) (sink, error) {
	if _, err := os.Lstat(out); err == nil {
		return nil, fmt.Errorf("%s %w; choose another name (a bundle never replaces anything)", out, ErrExists)
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the folder %s: %w", parent, err)
	}
	if IsZip(out) {
		return newZipSink(out, parent, base, now)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".custody-tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %w", parent, err)
	}
	root, err := os.OpenRoot(tmp)
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return &dirSink{final: out, tmp: tmp, root: root}, nil
}

// parallelSink is a sink that can also write payload files concurrently,
// each through its own writer, between other files.
type parallelSink interface {
	sink
	// open creates the file at name for one writer; close it when done.
	open(name string) (io.WriteCloser, error)
}

// dirSink writes a folder bundle into a temporary folder, through os.Root.
// Files are not synced one by one: their writeback starts as each is
// written, and finish makes the whole folder durable at once (one syncfs
// on Linux), as a copy tool would.
type dirSink struct {
	final, tmp string
	root       *os.Root
	f          *os.File
	bw         *bufio.Writer
	dirs       sync.Map // folders already made

	wbOnce   sync.Once
	written  chan *os.File // payload files to start writing back and close
	closed   chan struct{}
	closeErr error
}

func (d *dirSink) endFile() error {
	if d.f == nil {
		return nil
	}
	err := d.bw.Flush()
	if cerr := d.f.Close(); err == nil {
		err = cerr
	}
	d.f = nil
	return err
}

func (d *dirSink) create(name string, compress bool) (io.Writer, error) {
	if err := d.endFile(); err != nil {
		return nil, err
	}
	if err := d.mkdirs(path.Dir(name)); err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	d.f = f
	if d.bw == nil {
		d.bw = bufio.NewWriterSize(f, 1<<20)
	} else {
		d.bw.Reset(f)
	}
	return d.bw, nil
}

func (d *dirSink) open(name string) (io.WriteCloser, error) {
	if err := d.mkdirs(path.Dir(name)); err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	d.wbOnce.Do(d.startCloser)
	return closeLater{f, d.written}, nil
}

// A payload file, once written, goes to a goroutine that starts the
// kernel's writeback of it and closes it, so that the disk writes while
// the workers copy the next files, and a worker never waits for the
// device's queue.
func (d *dirSink) startCloser() {
	d.written = make(chan *os.File, 64)
	d.closed = make(chan struct{})
	go func() {
		defer close(d.closed)
		for f := range d.written {
			writeback.Start(f, 0, 0)
			if err := f.Close(); err != nil && d.closeErr == nil {
				d.closeErr = err
			}
		}
	}()
}

// stopCloser waits for every handed-over file to be closed.
func (d *dirSink) stopCloser() error {
	if d.written == nil {
		return nil
	}
	close(d.written)
	<-d.closed
	d.written = nil
	return d.closeErr
}

// closeLater hands its file to the sink's closer instead of closing it.
type closeLater struct {
	*os.File
	to chan<- *os.File
}

func (c closeLater) Close() error {
	c.to <- c.File
	return nil
}

// mkdirs makes dir and its parents once per bundle (asking the file
// system again for every file costs more than writing small files).
func (d *dirSink) mkdirs(dir string) error {
	if dir == "." {
		return nil
	}
	if _, done := d.dirs.Load(dir); done {
		return nil
	}
	if err := d.root.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d.dirs.Store(dir, true)
	return nil
}

func (d *dirSink) finish() error {
	err := d.endFile()
	if cerr := d.stopCloser(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return syncTree(d.tmp)
}

func (d *dirSink) commit() error {
	d.root.Close()
	if _, err := os.Lstat(d.final); err == nil {
		return fmt.Errorf("%s %w (it appeared while the bundle was written); the bundle was not kept", d.final, ErrExists)
	}
	if err := os.Rename(d.tmp, d.final); err != nil {
		return err
	}
	syncdir.Sync(filepath.Dir(d.final)) // the bundle is complete either way
	return nil
}

func (d *dirSink) abort() {
	if d.f != nil {
		d.f.Close()
		d.f = nil
	}
	d.stopCloser()
	d.root.Close()
	os.RemoveAll(d.tmp)
}

// zipSink writes a zip bundle into a temporary file. The zip holds one
// top folder named like the file; payload is stored, tag files deflated.
type zipSink struct {
	final string
	f     *os.File
	zw    *zip.Writer
	top   string
	now   time.Time
	done  bool
}

func newZipSink(out, parent, base string, now time.Time) (*zipSink, error) {
	f, err := os.CreateTemp(parent, "."+base+".custody-tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %w", parent, err)
	}
	top, _ := pathsafe.Portable(strings.TrimSuffix(base, filepath.Ext(base)))
	return &zipSink{final: out, f: f, zw: zip.NewWriter(f), top: top, now: now}, nil
}

func (z *zipSink) create(name string, compress bool) (io.Writer, error) {
	h := &zip.FileHeader{Name: z.top + "/" + name, Method: zip.Store, Modified: z.now}
	if compress {
		h.Method = zip.Deflate
	}
	h.SetMode(0o644)
	return z.zw.CreateHeader(h)
}

func (z *zipSink) finish() error {
	err := z.zw.Close()
	if err == nil {
		err = z.f.Sync()
	}
	if cerr := z.f.Close(); err == nil {
		err = cerr
	}
	z.done = true
	return err
}

func (z *zipSink) commit() error {
	tmp := z.f.Name()
	// A hard link never replaces an existing file; where links are not
	// supported (some USB sticks), check, then rename.
	err := os.Link(tmp, z.final)
	switch {
	case err == nil:
		os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		os.Remove(tmp)
		return fmt.Errorf("%s %w (it appeared while the bundle was written); the bundle was not kept", z.final, ErrExists)
	default:
		if _, err := os.Lstat(z.final); err == nil {
			os.Remove(tmp)
			return fmt.Errorf("%s %w; the bundle was not kept", z.final, ErrExists)
		}
		if err := os.Rename(tmp, z.final); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	syncdir.Sync(filepath.Dir(z.final)) // the bundle is complete either way
	return nil
}

func (z *zipSink) abort() {
	if !z.done {
		z.f.Close()
	}
	os.Remove(z.f.Name())
}
