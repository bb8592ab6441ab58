package store

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/lock"
	badger "github.com/dgraph-io/badger/v4"
)

// Closing has a time limit. Badger's Close flushes the memtable and, when
// that fails, retries for ever: a folder deleted or a disk unplugged
// while the store was open made every command hang in its Close. Close
// therefore waits for Badger in the background, looks every
// closeCheckEvery whether the store's folder is still the one it opened,
// and gives up with ErrFolderGone when it is not, or with an error after
// closeLimit whatever happens. The goroutines Badger leaves behind end
// with the process.

// ErrFolderGone means the archive's folder disappeared while the store
// was open: deleted, or its disk removed or unmounted.
var ErrFolderGone = errcode.New(errcode.FolderGone,
	"the archive folder disappeared while Custody was using it (deleted, or its disk removed or unmounted); what this command did last may not have been saved")

var (
	closeLimit      = 2 * time.Minute
	closeCheckEvery = 250 * time.Millisecond
)

// opened is what Close needs to know about an open store.
type opened struct {
	dir        string      // where the DB's files are (the shadow's store folder for a shadow)
	folder     os.FileInfo // dir as it was at the open, to notice it vanishing
	shadow     string      // the shadow's root folder, removed at close; "" for none
	shadowLock *lock.Lock
	key        []byte // the store key, to check the key registry at close
}

var openStores sync.Map // *badger.DB → *opened

func track(db *badger.DB, dir, shadow string) *opened {
	o := &opened{dir: dir, shadow: shadow}
	o.folder, _ = os.Stat(dir)
	openStores.Store(db, o)
	return o
}

// Gone reports whether the folder the store db lives in is no longer
// the one it was opened in.
func Gone(db *badger.DB) bool {
	v, ok := openStores.Load(db)
	return ok && v.(*opened).gone()
}

func (o *opened) gone() bool {
	if o.folder == nil {
		return false
	}
	fi, err := os.Stat(o.dir)
	return err != nil || !os.SameFile(fi, o.folder)
}

// Close closes db within its time limit and, for a store opened for
// writing, seals its newest value-log file (a seal that cannot be
// written only costs the next open a copy). A shadow is removed.
func Close(db *badger.DB, dir string, readOnly bool) error {
	o := &opened{dir: dir}
	if v, ok := openStores.LoadAndDelete(db); ok {
		o = v.(*opened)
	}
	err := o.closeWithin(db)
	if err == nil && !readOnly && o.shadow == "" {
		writeSeal(dir)
		keepRegistryCopy(dir, o.key, &Log{})
	}
	if o.shadow != "" {
		o.shadowLock.Release()
		if rerr := os.RemoveAll(o.shadow); rerr != nil && err == nil {
			err = fmt.Errorf("could not remove the private copy of the store in the temporary folder: %w", rerr)
		}
	}
	return err
}

func (o *opened) closeWithin(db *badger.DB) error {
	done := make(chan error, 1)
	go func() { done <- db.Close() }()
	tick := time.NewTicker(closeCheckEvery)
	defer tick.Stop()
	limit := time.After(closeLimit)
	for {
		select {
		case err := <-done:
			if err != nil && o.gone() {
				return ErrFolderGone
			}
			if err != nil {
				return fmt.Errorf("could not close the archive's store cleanly: %w", err)
			}
			return nil
		case <-tick.C:
			if o.gone() {
				return ErrFolderGone
			}
		case <-limit:
			if o.gone() {
				return ErrFolderGone
			}
			return fmt.Errorf("the archive's store did not finish closing within %v; if its disk is slow or was disconnected, check it, then verify the archive", closeLimit)
		}
	}
}
