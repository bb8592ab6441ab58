package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The archive's tmp/ folder holds only work in progress of the process
// that holds the lock. Custody writes no document's plaintext there any
// more (a receive from a zip streams each entry into the store), but an
// archive written by an older version, or any other leftover of a killed
// process, may still hold some: every open, read-only ones included,
// empties the folder under the lock, so nothing outlives the process
// that wrote it.

// clearTemp removes everything inside tmp/. A read-only open of a folder
// on read-only media cannot: it says so through TempNotice.
func (a *Archive) clearTemp() {
	dir := filepath.Join(a.dir, TempDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	n := 0
	for _, e := range entries {
		if rerr := os.RemoveAll(filepath.Join(dir, e.Name())); rerr != nil {
			err = rerr
			continue
		}
		n++
	}
	if err != nil {
		a.tempNotice = fmt.Sprintf("could not remove %d leftover temporary item(s) in %s (%v); "+
			"they may hold documents' bytes unencrypted: open the archive for writing (any import or tag) where the folder is writable to remove them",
			len(entries)-n, dir, err)
		a.log.Warningf("%s", a.tempNotice)
	} else if n > 0 {
		a.log.Warningf("removed %d leftover temporary item(s) from %s", n, dir)
	}
}

// TempNotice says, when it is not empty, that leftover temporary files
// could not be removed at open (a read-only folder).
func (a *Archive) TempNotice() string { return a.tempNotice }

// ErrLeftOpen means the disk was too full for the store to write its last
// table at close: its write-ahead files keep what was committed, and the
// next open replays them.
var ErrLeftOpen = errors.New("the disk is full, so the store could not write its last table when closing; " +
	"everything committed is kept in its write-ahead files and is replayed at the next open once space is freed")

// leaveOpen syncs the store without closing it, for a disk too full for
// Badger to flush its memtable into a table (which it would write
// through mmap, and a write into a page the disk cannot give kills the
// process). The process should end soon after.
func (a *Archive) leaveOpen() error {
	if err := a.db.Sync(); err != nil {
		return fmt.Errorf("%w (syncing: %v)", ErrLeftOpen, err)
	}
	return ErrLeftOpen
}
