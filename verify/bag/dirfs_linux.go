package bag

import (
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// openFast opens name beneath dir with openat2, which refuses every
// symbolic link on the way and any escape from dir (RESOLVE_BENEATH,
// RESOLVE_NO_SYMLINKS). Like the checked path it never opens what is not
// a regular file or folder (opening a device can make its driver act): it
// first takes an O_PATH handle, which opens nothing, checks its type, then
// opens for reading and makes sure it got the same file. Checking each
// element of a path with Lstat instead costs a walk per element, which
// dominated the verification of bags of many small files.
//
// ok is false whenever the fast path does not succeed (an old kernel
// without openat2, a link, anything that is not a regular file or folder,
// any error): the caller then takes the checked path, which explains the
// refusal.
func openFast(dir *os.File, name string) (f *os.File, isDir, ok bool) {
	if dir == nil {
		return nil, false, false
	}
	resolve := uint64(unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS)
	pfd, err := unix.Openat2(int(dir.Fd()), name, &unix.OpenHow{
		Flags: unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC, Resolve: resolve})
	if err != nil {
		return nil, false, false
	}
	var before unix.Stat_t
	err = unix.Fstat(pfd, &before)
	unix.Close(pfd)
	if err != nil {
		return nil, false, false
	}
	if t := before.Mode & unix.S_IFMT; t != unix.S_IFREG && t != unix.S_IFDIR {
		return nil, false, false
	}
	fd, err := unix.Openat2(int(dir.Fd()), name, &unix.OpenHow{
		Flags: unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NOCTTY, Resolve: resolve})
	if err != nil {
		return nil, false, false
	}
	var after unix.Stat_t
	if err := unix.Fstat(fd, &after); err != nil || after.Dev != before.Dev || after.Ino != before.Ino {
		unix.Close(fd) // swapped between the check and the open
		return nil, false, false
	}
	return os.NewFile(uintptr(fd), name), after.Mode&unix.S_IFMT == unix.S_IFDIR, true
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
