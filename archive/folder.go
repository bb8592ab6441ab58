package archive

import (
	"os"
	"path/filepath"

	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/lock"
	"github.com/custody-app/custody/archive/store"
)

// The archive folder itself: on read-only media, or gone while in use.

// ErrReadOnlyMedia means the archive is on a disk or mount that cannot be
// written, and the work asked for would change it.
var ErrReadOnlyMedia = errcode.New(errcode.ReadOnlyMedia,
	"the archive is on a disk that cannot be written (read-only), and this changes the archive "+
		"(every change, an export bundle too, is recorded in its log), so it cannot be done there; reading it works")

// ErrFolderGone means the archive folder disappeared while in use
// (deleted, or its disk removed or unmounted).
var ErrFolderGone = store.ErrFolderGone

// acquire takes the archive's lock: for reading, the lock that read-only
// media allow (lock.AcquireForReading); for writing, the lock itself,
// refused in plain words on read-only media.
func acquire(dir string, readOnly bool, wait *lock.Wait) (*lock.Lock, error) {
	path := filepath.Join(dir, LockFile)
	if readOnly {
		return lock.Retry(wait, func() (*lock.Lock, error) { return lock.AcquireForReading(path) })
	}
	lk, err := lock.Retry(wait, func() (*lock.Lock, error) { return lock.Acquire(path) })
	if err != nil && lock.ReadOnlyMedia(err) {
		return nil, ErrReadOnlyMedia
	}
	return lk, err
}

// Gone returns ErrFolderGone when the archive folder is no longer the
// one that was opened: deleted, renamed away, or on a disk that was
// removed. Whatever is written then goes nowhere that lasts, so work that
// reports success checks this first.
func (a *Archive) Gone() error {
	if a.folder == nil {
		return nil
	}
	fi, err := os.Stat(a.dir)
	if err == nil && os.SameFile(fi, a.folder) {
		return nil
	}
	return ErrFolderGone
}

// ChangePassphrase re-wraps the archivist's key in dir under a new
// passphrase. It touches only identity.json (replaced by an atomic
// rename) and never opens the store: after a crash at any moment exactly
// one of the two passphrases opens the archive. It holds the archive's
// lock while it works, so it is refused while the archive is open
// elsewhere.
func ChangePassphrase(dir string, oldPass, newPass []byte) error {
	return ChangePassphraseWaiting(dir, oldPass, newPass, nil)
}

// ChangePassphraseWaiting is ChangePassphrase that waits for the archive
// as wait says while another process has it open (nil: refuse at once).
func ChangePassphraseWaiting(dir string, oldPass, newPass []byte, wait *lock.Wait) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if !Exists(dir) {
		return ErrNoArchive
	}
	lk, err := acquire(dir, false, wait)
	if err != nil {
		return err
	}
	defer lk.Release()
	keys.RemoveStaleTemp(dir)
	return keys.ChangePassphrase(dir, oldPass, newPass)
}
