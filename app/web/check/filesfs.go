package check

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Entry is one file of a folder the reader chose: its path inside the
// bag (slash-separated, without the bag's own folder name), its size and
// where its bytes are read from. In the page the reader is a File of the
// browser, read a slice at a time; nothing holds a whole file.
type Entry struct {
	Path string
	Size int64
	Data io.ReaderAt
}

// FilesFS is a read-only fs.FS over a list of files, for a bag that came
// as a folder (a file picker's list or a drop): folders are implied by
// the files' paths, as the browser gives no empty folders.
type FilesFS struct {
	files map[string]*Entry
	dirs  map[string][]string // folder → sorted names of its children
}

// NewFilesFS makes the file system; a path that is not valid (fs.ValidPath)
// or names both a file and a folder is an error.
func NewFilesFS(entries []Entry) (*FilesFS, error) {
	f := &FilesFS{files: map[string]*Entry{}, dirs: map[string][]string{".": nil}}
	for k := range entries {
		e := &entries[k]
		if !fs.ValidPath(e.Path) || e.Path == "." {
			return nil, errors.New("the folder holds a file with an unusable path: " + e.Path)
		}
		if _, dup := f.files[e.Path]; dup {
			return nil, errors.New("the folder lists a file twice: " + e.Path)
		}
		f.files[e.Path] = e
		for child := e.Path; child != "."; child = path.Dir(child) {
			dir := path.Dir(child)
			f.dirs[dir] = append(f.dirs[dir], path.Base(child))
		}
	}
	for p, names := range f.dirs {
		if _, clash := f.files[p]; clash {
			return nil, errors.New("the folder names both a file and a folder " + p)
		}
		slices.Sort(names)
		f.dirs[p] = slices.Compact(names)
	}
	return f, nil
}

// Open opens a file or folder.
func (f *FilesFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if e, ok := f.files[name]; ok {
		return &openFile{e: e}, nil
	}
	if _, ok := f.dirs[name]; ok {
		return &openDir{fsys: f, name: name}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists a folder, sorted by name.
func (f *FilesFS) ReadDir(name string) ([]fs.DirEntry, error) {
	names, ok := f.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(names))
	for _, n := range names {
		out = append(out, fs.FileInfoToDirEntry(f.info(path.Join(name, n))))
	}
	return out, nil
}

func (f *FilesFS) info(name string) info {
	if e, ok := f.files[name]; ok {
		return info{name: path.Base(name), size: e.Size}
	}
	return info{name: path.Base(name), dir: true}
}

type info struct {
	name string
	size int64
	dir  bool
}

func (i info) Name() string { return i.name }
func (i info) Size() int64  { return i.size }
func (i info) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i info) ModTime() time.Time { return time.Time{} }
func (i info) IsDir() bool        { return i.dir }
func (i info) Sys() any           { return nil }

// openFile reads one file front to back (and at any offset).
type openFile struct {
	e   *Entry
	off int64
}

func (o *openFile) Stat() (fs.FileInfo, error) {
	return info{name: path.Base(o.e.Path), size: o.e.Size}, nil
}
func (o *openFile) Close() error { return nil }

func (o *openFile) Read(p []byte) (int, error) {
	if o.off >= o.e.Size {
		return 0, io.EOF
	}
	if rest := o.e.Size - o.off; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := o.e.Data.ReadAt(p, o.off)
	o.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (o *openFile) ReadAt(p []byte, off int64) (int, error) { return o.e.Data.ReadAt(p, off) }

// openDir is an open folder.
type openDir struct {
	fsys *FilesFS
	name string
	read int
}

func (d *openDir) Stat() (fs.FileInfo, error) { return d.fsys.info(d.name), nil }
func (d *openDir) Close() error               { return nil }
func (d *openDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a folder")}
}

func (d *openDir) ReadDir(n int) ([]fs.DirEntry, error) {
	all, _ := d.fsys.ReadDir(d.name)
	rest := all[d.read:]
	if n > 0 {
		if len(rest) == 0 {
			return nil, io.EOF
		}
		rest = rest[:min(n, len(rest))]
	}
	d.read += len(rest)
	return rest, nil
}

// TopFolder strips the one folder every path starts with (the bag's own
// folder, as a picker or a drop names it) and returns it; "" when the
// paths do not share one.
func TopFolder(entries []Entry) string {
	top := ""
	for k, e := range entries {
		first, _, ok := strings.Cut(e.Path, "/")
		if !ok || (k > 0 && first != top) {
			return ""
		}
		top = first
	}
	for k := range entries {
		entries[k].Path = strings.TrimPrefix(entries[k].Path, top+"/")
	}
	return top
}
