package bag

import (
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// openFast opens name beneath dir in one system call that refuses every
// symbolic link on the way and any escape from dir (openat2 with
// RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS), without blocking on a pipe
// (O_NONBLOCK until the type is known). Checking each element of a path
// with Lstat instead costs a walk per element, which dominated the
// verification of bags of many small files.
//
// ok is false whenever the fast path does not succeed (an old kernel
// without openat2, a link, anything that is not a regular file or folder,
// any error): the caller then takes the checked path, which explains the
// refusal.
func openFast(dir *os.File, name string) (f *os.File, isDir, ok bool) {
	if dir == nil {
		return nil, false, false
	}
	fd, err := unix.Openat2(int(dir.Fd()), name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_NOCTTY,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return nil, false, false
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, false, false
	}
	if t := st.Mode & unix.S_IFMT; t != unix.S_IFREG && t != unix.S_IFDIR {
		unix.Close(fd)
		return nil, false, false
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, false, false
	}
	return os.NewFile(uintptr(fd), name), st.Mode&unix.S_IFMT == unix.S_IFDIR, true
}

// statEntries returns the information of each of names, entries of the
// folder dir, without following links: one fstatat per entry, relative to
// the open folder, instead of a walk from the bag's top for each. A nil
// slot means the fast path could not tell.
func statEntries(dir *os.File, names []string) []fs.FileInfo {
	out := make([]fs.FileInfo, len(names))
	for i, name := range names {
		var st unix.Stat_t
		if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
			out[i] = statInfo{name: name, st: st}
		}
	}
	return out
}

// statInfo is an fs.FileInfo from a stat result.
type statInfo struct {
	name string
	st   unix.Stat_t
}

func (s statInfo) Name() string       { return s.name }
func (s statInfo) Size() int64        { return s.st.Size }
func (s statInfo) ModTime() time.Time { return time.Unix(s.st.Mtim.Unix()) }
func (s statInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s statInfo) Sys() any           { return &s.st }

func (s statInfo) Mode() fs.FileMode {
	m := fs.FileMode(s.st.Mode & 0o777)
	switch s.st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	}
	return m
}
