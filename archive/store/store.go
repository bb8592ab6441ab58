// Package store opens the Badger v4 database inside an archive folder with
// options chosen for a desktop, and turns Badger's failures into plain
// errors.
//
// Why these options: values above 1 KiB go to the value log (the chunks of
// documents below 64 KiB; larger documents' bytes are in pack files, see
// package pack), keeping the LSM small and its compaction fast; memtables
// and caches are small so peak memory stays bounded whatever the
// archive's size; nothing is compressed (documents are mostly
// incompressible and compression costs CPU that hashing needs); and the
// value-log files are modest so file systems without sparse files (exFAT,
// FAT32 USB drives) are not asked for gigabytes up front.
//
// Badger is not trusted to report damage: it can hand back wrong or empty
// values with a nil error. The archive's own hashes are the defence; this
// package only adds what Badger can tell us (its logged errors, its table
// checksums) and refuses to open a store whose index is damaged without
// writing anything.
//
// How a store opens for reading, after a crash, on Windows and on
// read-only media, is one rule: read.go. Closing has a time limit:
// close.go.
package store

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/custody-app/custody/archive/diskspace"
	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// ErrIndexDamaged means Badger's MANIFEST (the index of its tables) cannot
// be read. Nothing was written.
var ErrIndexDamaged = errors.New("the archive's index file is damaged, so the archive cannot be opened; nothing was changed. " +
	"Restore the archive folder from a backup, or rebuild it from bundles you exported")

// ErrWrongKey means the store's encryption key does not match.
var ErrWrongKey = errors.New("the archive's store could not be decrypted: wrong passphrase or a damaged key file")

// ErrIndexMissing means the store has no MANIFEST (the index of its
// tables) at all.
var ErrIndexMissing = errors.New("the archive's store has lost its index file (store/MANIFEST), so the archive cannot be opened; nothing was changed. " +
	"Restore the archive folder from a backup, or rebuild it from bundles you exported")

// Config sets the sizes that bound memory and disk use. The zero value is
// the desktop default.
type Config struct {
	// ValueLogFileSize is the size of one value-log file (default 128 MiB).
	ValueLogFileSize int64
	// MemTableSize is the size of one memtable (default 16 MiB).
	MemTableSize int64
	// EncryptionKey, if set (32 bytes), encrypts the store at rest.
	EncryptionKey []byte
	// ReadOnly opens without writing anything (see OpenForReading).
	ReadOnly bool
	// Shadow makes a read-only open read a private copy of the store
	// (shadow.go) even where the store itself could be read: tests run
	// the path of Windows and read-only media with it on any system.
	Shadow bool
	// registry, when set, is the intact key registry a read-only open
	// gives Badger through the shadow in place of a damaged one.
	registry []byte
}

const numMemtables = 2

func (c Config) withDefaults() Config {
	if c.ValueLogFileSize == 0 {
		c.ValueLogFileSize = 128 << 20
	}
	if c.MemTableSize == 0 {
		c.MemTableSize = 16 << 20
	}
	return c
}

// Reserve is the free space that must remain on the disk, once a store
// is open for writing, for Badger to finish what it has started: its next
// value-log file and memtable file (each allocated in full as it appears,
// see Space) and a margin for tables. Opening for writing needs Allocated
// more.
func (c Config) Reserve() uint64 {
	c = c.withDefaults()
	return uint64(2*c.ValueLogFileSize + numMemtables*c.MemTableSize + 32<<20)
}

// Options returns the Badger options for a store in dir.
func (c Config) Options(dir string, log *Log) badger.Options {
	c = c.withDefaults()
	o := badger.DefaultOptions(dir).
		WithLogger(log).
		WithValueThreshold(1 << 10).
		WithMemTableSize(c.MemTableSize).
		WithNumMemtables(numMemtables).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithValueLogFileSize(c.ValueLogFileSize).
		WithBlockCacheSize(16 << 20).
		WithIndexCacheSize(16 << 20).
		WithCompression(options.None).
		WithNumCompactors(2).
		WithNumGoroutines(2).
		WithMetricsEnabled(false).
		WithDetectConflicts(false).
		WithReadOnly(c.ReadOnly)
	if len(c.EncryptionKey) > 0 {
		o = o.WithEncryptionKey(c.EncryptionKey).WithEncryptionKeyRotationDuration(dataKeyLife)
	}
	return o
}

// Open opens (creating if needed) the Badger store in dir. It checks free
// space first (reopening on a full disk crashes Badger) and the MANIFEST's
// checksums (so a damaged index is reported before Badger touches
// anything).
//
// A read-only open is OpenForReading in a folder the caller may repair.
func Open(dir string, c Config, log *Log) (db *badger.DB, err error) {
	c = c.withDefaults()
	if c.ReadOnly {
		return OpenForReading(dir, c, log, true)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// The files Badger maps are allocated at open (see Space).
	if err := diskspace.Require(dir, c.Reserve()+uint64(c.Allocated())); err != nil {
		return nil, err
	}
	// The residue is our own unfinished work, and Badger cannot open the
	// store around it.
	repaired, err := clearResidue(dir)
	for _, r := range repaired {
		log.Warningf("repaired after an interrupted session: %s", r)
	}
	if err != nil {
		return nil, err
	}
	if _, err := mendRegistry(dir, c.EncryptionKey, true, log); err != nil {
		return nil, err
	}
	opts := c.Options(dir, log)
	if err := checkManifest(dir, opts); err != nil {
		return nil, err
	}
	g, err := guardNewest(dir)
	if err != nil {
		return nil, err
	}
	if g != nil && g.unfinished() {
		// A crash left the newest file: Badger would cut it at its
		// first bad entry, and the guard lets a crashed file be cut.
		// The spacer (recover.go) keeps Badger off it instead.
		g.drop()
		g = nil
		if _, err := addSpacer(dir); err != nil {
			return nil, err
		}
	}
	db, err = openBadger(opts)
	if err != nil {
		g.drop()
		return nil, classify(err, log)
	}
	if g != nil {
		if cut, valid := g.cut(); cut {
			db.Close()
			if rerr := g.restore(); rerr != nil {
				return nil, rerr
			}
			return nil, &ErrNewestFileDamaged{File: filepath.Base(g.file), ValidBytes: valid, Discardable: g.size - valid}
		}
		g.drop()
	}
	keepRegistryCopy(dir, c.EncryptionKey, log)
	track(db, dir, "").key = c.EncryptionKey
	return db, nil
}

func checkManifest(dir string, opts badger.Options) error {
	f, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if _, _, err := badger.ReplayManifestFile(f, 0, opts); err != nil {
		opts.Logger.Errorf("the store's MANIFEST does not read: %v", err)
		return &plainError{ErrIndexDamaged, err.Error()}
	}
	return nil
}
