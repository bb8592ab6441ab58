package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// Badger's errors name its internals ("Log truncate required", "value log
// file", fids and offsets) and change wording between releases. People
// are told in plain words what happened; Badger's own words go to the
// store's log (which a verification report shows) and stay reachable
// through Detail for tests and bug reports.

// plainError is one of this package's errors with Badger's words kept
// apart.
type plainError struct {
	err    error  // what is said
	detail string // Badger's words
}

func (e *plainError) Error() string  { return e.err.Error() }
func (e *plainError) Unwrap() error  { return e.err }
func (e *plainError) Detail() string { return e.detail }

// errUnopenable is said when Badger refuses a store for a reason with no
// plainer name.
var errUnopenable = errors.New("the archive's store could not be opened; nothing was changed. " +
	"Its files may be damaged or unreadable: check the disk, and restore the folder from a backup if it stays so")

// classify turns an error of badger.Open into one of this package's,
// logging Badger's words.
func classify(err error, log *Log) error {
	msg := err.Error()
	log.Errorf("the store did not open: %s", msg)
	switch {
	case errors.Is(err, ErrIndexDamaged), errors.Is(err, ErrWrongKey), errors.Is(err, ErrIndexMissing):
		return err
	case strings.Contains(msg, "Encryption key mismatch"), strings.Contains(msg, "key registry"):
		return &plainError{ErrWrongKey, msg}
	case strings.Contains(msg, "no manifest found"):
		return &plainError{ErrIndexMissing, msg}
	case strings.Contains(msg, "MANIFEST"), strings.Contains(msg, "manifest"),
		strings.Contains(msg, "file does not exist for table"):
		return &plainError{ErrIndexDamaged, msg}
	case strings.Contains(msg, syscall.ENOSPC.Error()):
		return &plainError{errors.New("the disk holding the archive is full, so its store could not be opened; nothing was changed. Free some space and try again"), msg}
	case strings.Contains(msg, syscall.EACCES.Error()), strings.Contains(msg, syscall.EPERM.Error()):
		return &plainError{errors.New("the archive's store files cannot be read with this account's permissions; nothing was changed"), msg}
	case strings.Contains(msg, syscall.EIO.Error()):
		return &plainError{errors.New("the disk reported an error while the archive's store was read; nothing was changed. Check the disk (and its cable), then verify the archive"), msg}
	}
	return &plainError{errUnopenable, msg}
}

// readError says in plain words why the store folder could not be read.
func readError(err error) error {
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("the archive's store cannot be read with this account's permissions: %w", err)
	}
	return fmt.Errorf("the archive's store cannot be read: %w", err)
}
