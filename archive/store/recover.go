package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/diskspace"
)

// Recovery for reading. A process killed while it had the store open for
// writing leaves write-ahead files (NNNNN.mem) that end in the space
// Badger reserved for them, possibly after an entry it was writing.
// Badger's read-only mode will not open such a store; a writable open
// replays every committed transaction from them into tables and trims
// them. That is what recoverInPlace does, under the archive's lock, before
// the store is opened read-only again.
//
// A writable open also reads the newest value-log file and cuts it at
// the first entry whose checksum fails. The file a crash left is the
// newest, and it may be damaged anywhere: cutting it would destroy the
// evidence verify must report. So the recovery first adds the spacer: an
// empty value-log file numbered after the newest. Badger then reads and
// trims only the spacer, never the file before it, whose unused tail
// simply stays (value pointers never reach it). The next writable open
// deletes the spacer, as Badger deletes every empty value-log file that is
// not the newest.

// vlogHeader is the size of a value-log file's header: the ID of its
// data key (8 bytes, 0 for none) and a base IV (12 bytes).
const vlogHeader = 20

// recoverInPlace replays what a crash left in the store in dir.
func recoverInPlace(dir string, c Config, log *Log) error {
	if err := diskspace.Require(dir, c.Reserve()); err != nil {
		return err
	}
	spacer, err := addSpacer(dir)
	if err != nil {
		return fmt.Errorf("could not prepare the archive's store for recovery: %w", err)
	}
	c.ReadOnly = false
	db, err := openBadger(c.Options(dir, log))
	if err != nil {
		if spacer != "" {
			os.Remove(spacer)
		}
		return classify(err, log)
	}
	if err := Close(db, dir, false); err != nil {
		return err
	}
	log.Warningf("recovered the store after an interrupted session: every committed change was replayed, nothing was cut")
	return nil
}

// addSpacer writes an empty value-log file numbered after the newest one
// in dir and returns its path ("" when dir holds no value-log file:
// Badger then makes the first one itself).
func addSpacer(dir string) (string, error) {
	fid, ok, err := maxVlogID(dir)
	if err != nil || !ok {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("%06d.vlog", fid+1))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = f.Write(make([]byte, vlogHeader))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// maxVlogID returns the highest value-log file number in dir.
func maxVlogID(dir string) (uint32, bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, false, err
	}
	var best uint64
	found := false
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".vlog") {
			continue
		}
		id, err := strconv.ParseUint(strings.TrimSuffix(name, ".vlog"), 10, 32)
		if err == nil && (!found || id > best) {
			best, found = id, true
		}
	}
	return uint32(best), found, nil
}
