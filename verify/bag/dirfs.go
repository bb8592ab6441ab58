package bag

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// ErrNotRegular is returned when opening something in a folder bag that is
// neither a regular file nor a folder.
var ErrNotRegular = errors.New("not a regular file or folder; refused without following or opening it")

// OpenDir opens a folder bag. The fs.FS it returns is confined to the folder
// by os.Root (no "..", no absolute paths, no escape through links) and
// never follows a symbolic link or opens a device, pipe or socket: every
// element of a path is checked with Lstat first. Close the io.Closer when
// done.
func OpenDir(path string) (fs.FS, io.Closer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, &OpenError{Code: BagNotFound, Path: path, Err: err,
			Message: fmt.Sprintf("cannot open the bag %s: %v", displayPath(path), cause(err))}
	}
	if !fi.IsDir() {
		return nil, nil, &OpenError{Code: BagNotFound, Path: path,
			Message: fmt.Sprintf("%s is a file, not a folder; give the folder holding bagit.txt, or a .zip", displayPath(path))}
	}
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, nil, &OpenError{Code: BagNotFound, Path: path, Err: err,
			Message: fmt.Sprintf("cannot open the bag %s: %v", displayPath(path), cause(err))}
	}
	dir, _ := os.Open(path) // for openFast; nil just means the checked path
	return dirFS{root: root, dir: dir}, dirCloser{root, dir}, nil
}

type dirFS struct {
	root *os.Root
	dir  *os.File
}

type dirCloser struct {
	root *os.Root
	dir  *os.File
}

func (c dirCloser) Close() error {
	if c.dir != nil {
		c.dir.Close()
	}
	return c.root.Close()
}

// check refuses invalid names and any path element that is not a folder
// (or, for the last element, a regular file or folder).
func (d dirFS) check(op, name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return d.root.Lstat(".")
	}
	var fi fs.FileInfo
	for i := 0; ; {
		j := strings.IndexByte(name[i:], '/')
		prefix := name
		if j >= 0 {
			prefix = name[:i+j]
		}
		var err error
		if fi, err = d.root.Lstat(prefix); err != nil {
			return nil, err
		}
		t := fi.Mode().Type()
		if j >= 0 && !t.IsDir() || !t.IsDir() && !t.IsRegular() {
			return nil, &fs.PathError{Op: op, Path: prefix, Err: ErrNotRegular}
		}
		if j < 0 {
			return fi, nil
		}
		i += j + 1
	}
}

func (d dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, isDir, ok := openFast(d.dir, name); ok {
		if isDir {
			return rootDir{f, d, name}, nil
		}
		return f, nil
	}
	before, err := d.check("open", name)
	if err != nil {
		return nil, err
	}
	f, err := d.root.Open(name)
	if err != nil {
		return nil, err
	}
	// The file could have been swapped between Lstat and open.
	after, err := f.Stat()
	if err != nil || !os.SameFile(before, after) {
		f.Close()
		if err == nil {
			err = &fs.PathError{Op: "open", Path: name, Err: errors.New("changed while being opened")}
		}
		return nil, err
	}
	return f, nil
}

// Stat returns the file's own information; links are not followed.
func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return d.root.Lstat(name)
}

// ReadDir lists a folder. Entry types come from the directory itself, so
// a link shows as a link.
func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := d.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a folder")}
	}
	return dir.ReadDir(-1)
}

// rootDir is a folder opened by openFast. Its entries answer Info through
// the root: an *os.File opened that way knows only its relative name, so
// its entries would look themselves up from the working folder.
type rootDir struct {
	*os.File
	d    dirFS
	name string
}

func (r rootDir) ReadDir(n int) ([]fs.DirEntry, error) {
	list, err := r.File.ReadDir(n)
	names := make([]string, len(list))
	for i, e := range list {
		names[i] = e.Name()
	}
	infos := statEntries(r.File, names) // while the folder is open
	for i, e := range list {
		list[i] = rootEntry{e, r.d, path.Join(r.name, e.Name()), infos[i]}
	}
	return list, err
}

type rootEntry struct {
	fs.DirEntry
	d    dirFS
	name string
	info fs.FileInfo // nil: ask the root
}

func (e rootEntry) Info() (fs.FileInfo, error) {
	if e.info != nil {
		return e.info, nil
	}
	return e.d.Stat(e.name)
}

// OpenError says why a bag could not be opened at all. Code is one of the
// finding codes (BAG_NOT_FOUND, ZIP_*, PATH_UNSAFE, ...); Findings holds
// every problem found when there were several.
type OpenError struct {
	Code     string
	Path     string
	Message  string
	Err      error
	Findings []report.Finding
}

func (e *OpenError) Error() string { return e.Message }
func (e *OpenError) Unwrap() error { return e.Err }
