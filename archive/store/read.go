package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/custody-app/custody/archive/diskspace"
	badger "github.com/dgraph-io/badger/v4"
)

// How the store opens for reading (docs/architecture.md, "How the store
// opens"). One rule covers a crash, Windows and read-only media:
//
//  1. Badger's read-only mode, which never writes a byte, when the store
//     allows it: it was closed cleanly (no write-ahead files are left),
//     and nothing an interrupted open left needs repairing.
//  2. After a crash the write-ahead files hold committed transactions
//     that only a writable open replays; Badger's read-only mode refuses
//     them ("truncate required"), so it is not asked. Where the folder
//     can be written, the store is recovered in place under the
//     archive's lock (recover.go) and opened read-only again.
//  3. Where that is impossible (read-only media; a disk too full to
//     recover on; Badger without a read-only mode; residue that cannot
//     be repaired in place) a private shadow of the store is opened
//     instead (shadow.go), and removed when it is closed.
//
// No path lets Badger cut a value-log file: recovery and the shadow put
// an empty value-log file after the newest one (the spacer), so the only
// file Badger trims at the end of its log is that empty one, and damage
// anywhere stays in place for verify to report.

// OpenForReading opens the store in dir for reading. mayWrite says that
// the caller holds the archive's lock in a folder it can write, so that
// what a crash left may be repaired there; without it nothing in dir is
// changed.
func OpenForReading(dir string, c Config, log *Log, mayWrite bool) (*badger.DB, error) {
	c = c.withDefaults()
	c.ReadOnly = true
	if _, err := os.Stat(filepath.Join(dir, badger.ManifestFilename)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrIndexMissing
		}
		return nil, readError(err)
	}
	residue := hasResidue(dir)
	if residue && mayWrite {
		repaired, err := clearResidue(dir)
		for _, r := range repaired {
			log.Warningf("repaired after an interrupted session: %s", r)
		}
		if err != nil {
			return nil, err
		}
		residue = false
	}
	use, err := mendRegistry(dir, c.EncryptionKey, mayWrite, log)
	if err != nil {
		return nil, err
	}
	c.registry = use
	opts := c.Options(dir, log)
	if err := checkManifest(dir, opts); err != nil {
		return nil, err
	}
	if !residue && !c.Shadow && c.registry == nil {
		if hasWriteAhead(dir) {
			// A writer did not close the store: Badger's read-only
			// mode would refuse it, and a refused open keeps the
			// write-ahead files it read open and mapped (Badger does
			// not close them on that error), which on Windows forbids
			// the recovery's trimming of them for the rest of the
			// process. So it is not asked.
			if mayWrite {
				db, err := recoverAndOpen(dir, c, opts, log)
				if db != nil || err != nil {
					return db, err
				}
			}
			return openShadow(dir, c, log, mayWrite)
		}
		db, err := openBadger(readOnlyOptions(opts))
		switch {
		case err == nil:
			readPaths.direct.Add(1)
			track(db, dir, "")
			return db, nil
		case needsRecovery(err) && mayWrite:
			if db, err := recoverAndOpen(dir, c, opts, log); db != nil || err != nil {
				return db, err
			}
		case needsRecovery(err), unsupported(err):
		case fallBackOnAnyError && !isDamage(classify(err, log)):
		default:
			return nil, classify(err, log)
		}
	}
	return openShadow(dir, c, log, mayWrite)
}

// recoverAndOpen recovers the crashed store in dir in place and opens it
// read-only. Where the disk is too full to recover on it returns neither
// a store nor an error: the shadow is read instead.
func recoverAndOpen(dir string, c Config, opts badger.Options, log *Log) (*badger.DB, error) {
	rerr := recoverInPlace(dir, c, log)
	var low *diskspace.ErrLow
	if errors.As(rerr, &low) {
		log.Warningf("the disk is too full to recover the store in place; reading a private copy")
		return nil, nil
	}
	if rerr != nil {
		return nil, rerr
	}
	db, err := openBadger(readOnlyOptions(opts))
	if err != nil {
		return nil, classify(err, log)
	}
	readPaths.recovered.Add(1)
	track(db, dir, "")
	return db, nil
}

// hasWriteAhead reports whether the store in dir holds write-ahead
// files (NNNNN.mem) with something in them. A clean close leaves none
// (Badger flushes them into tables and deletes them); empty ones are
// residue of an interrupted open (hasResidue).
func hasWriteAhead(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".mem") {
			if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
				return true
			}
		}
	}
	return false
}

// readPaths counts the opens for reading by the way they went: read-only
// as it was, read-only after recovery in place, shadow. For tests.
var readPaths struct{ direct, recovered, shadow atomic.Int64 }

func readOnlyOptions(o badger.Options) badger.Options {
	// The archive's own lock (or read-only media) already keeps every
	// writer out; where Badger's directory lock has no read-only form
	// (Windows) it is left out.
	return o.WithReadOnly(true).WithBypassLockGuard(bypassReadOnlyLock)
}

// openBadger is badger.Open that turns a panic (Badger panics on some
// damaged tables) into ErrIndexDamaged.
func openBadger(o badger.Options) (db *badger.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, &plainError{ErrIndexDamaged, fmt.Sprint(r)}
		}
	}()
	return badger.Open(o)
}

// needsRecovery reports whether Badger's read-only open refused because
// its write-ahead files end in what a crash left (space it had reserved,
// or an entry being written): only a writable open replays them. Badger
// formats its errors with %v, so only the words can be matched.
func needsRecovery(err error) bool {
	return strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error())
}

func unsupported(err error) bool {
	return strings.Contains(err.Error(), badger.ErrWindowsNotSupported.Error())
}

func isDamage(err error) bool {
	return errors.Is(err, ErrIndexDamaged) || errors.Is(err, ErrWrongKey) || errors.Is(err, ErrIndexMissing)
}

// hasResidue reports whether an interrupted open left anything that
// clearResidue repairs (see residue.go).
func hasResidue(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, tmpSuffix), strings.HasSuffix(name, ".vlog"+guardSuffix):
			return true
		case strings.HasSuffix(name, ".vlog"), strings.HasSuffix(name, ".mem"):
			if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
				return true
			}
		}
	}
	return false
}
