// Package lock takes the archive's own lock file before Badger opens its
// store.
//
// Badger has a directory lock too, but its message names Badger internals
// and its wording may change between releases. Taking our own lock first
// lets every front end say the same plain sentence and exit with code 2.
// The lock is advisory (flock on Unix, LockFileEx on Windows): the kernel
// drops it when the process dies, so a crash never leaves a stale lock.
//
// An archive on read-only media (a write-protected disk, a read-only
// mount) cannot hold a lock file that was never made, and needs none:
// nothing can write there. AcquireForReading therefore locks the existing
// file through a read-only handle when the folder cannot be written, and
// goes without a lock when the file system itself is read-only. The Lock
// says which (Writable), so the caller never tries to repair anything in
// a folder it cannot write.
package lock

import (
	"errors"
	"os"
)

// ErrLocked means another process holds the lock.
var ErrLocked = errors.New("this archive is already open in another Custody window or command; close it and try again")

// Lock is a held lock file.
type Lock struct {
	f        *os.File
	readOnly bool // the folder cannot be written through this lock
}

// Acquire creates (if needed) and locks the file at path without waiting.
// It returns ErrLocked when another process holds it. On read-only media
// its error matches ReadOnlyMedia.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// AcquireForReading is Acquire for a process that will only read. Where
// the lock file cannot be opened for writing it locks the existing file
// through a read-only handle (so writers are still kept out), and on a
// read-only file system without a lock file it holds nothing: no process
// can write there. Writable reports which.
func AcquireForReading(path string) (*Lock, error) {
	l, err := Acquire(path)
	if err == nil || !cannotWrite(err) {
		return l, err
	}
	f, ferr := os.Open(path)
	switch {
	case ferr == nil:
		if err := tryLock(f); err != nil {
			f.Close()
			return nil, err
		}
		return &Lock{f: f, readOnly: true}, nil
	case errors.Is(ferr, os.ErrNotExist) && ReadOnlyMedia(err):
		return &Lock{readOnly: true}, nil
	}
	return nil, err
}

// Writable reports whether the lock was taken in a folder this process
// may write: only then may the holder repair what a crash left there.
func (l *Lock) Writable() bool { return l != nil && !l.readOnly }

// ReadOnlyMedia reports whether err says the file system cannot be
// written at all (a read-only mount, a write-protected disk).
func ReadOnlyMedia(err error) bool { return readOnlyFS(err) }

// cannotWrite reports whether err refuses a write for lack of
// permission or because the media is read-only.
func cannotWrite(err error) bool {
	return readOnlyFS(err) || errors.Is(err, os.ErrPermission)
}

// Release unlocks and closes the lock file. The file itself stays, so the
// next opener need not create it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	unlock(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}
