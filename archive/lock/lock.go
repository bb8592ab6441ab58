// Package lock takes the archive's own lock file before Badger opens its
// store.
//
// Badger has a directory lock too, but its message names Badger internals
// and its wording may change between releases. Taking our own lock first
// lets every front end say the same plain sentence and exit with code 2.
// The lock is advisory (flock on Unix, LockFileEx on Windows): the kernel
// drops it when the process dies, so a crash never leaves a stale lock.
package lock

import (
	"errors"
	"os"
)

// ErrLocked means another process holds the lock.
var ErrLocked = errors.New("this archive is already open in another Custody window or command; close it and try again")

// Lock is a held lock file.
type Lock struct {
	f *os.File
}

// Acquire creates (if needed) and locks the file at path without waiting.
// It returns ErrLocked when another process holds it.
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
