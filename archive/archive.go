// Package archive is an archive folder: a content-addressed store of
// documents with a catalog, opened by one process at a time.
//
// Everything Custody promises rests on this package keeping each
// document's bytes once, under their SHA-256, in a form that can be proven
// unchanged at any time. The folder holds our lock file, the Badger store,
// the pack files holding larger documents' bytes and a temp folder (see
// docs/architecture.md). Sub-packages each do one job: store (Badger
// options and keys), pack (pack files), blob (chunks), catalog (records),
// lock, diskspace, progress.
package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/lock"
	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// File and folder names inside an archive folder.
const (
	LockFile  = "custody.lock"
	StoreDir  = "store"
	PackDir   = "packs"
	TempDir   = "tmp"
	formatVer = "1"
)

// ErrLocked is returned when another process has the archive open.
var ErrLocked = lock.ErrLocked

// ErrNoArchive means the folder holds no archive (and Create was not set).
var ErrNoArchive = errors.New("no archive here")

// ErrPassphraseNeeded means the archive must be unlocked to do this. Its
// code is errcode.PassphraseNeeded; the front ends say how to give it.
var ErrPassphraseNeeded = errcode.New(errcode.PassphraseNeeded, "this archive is protected by a passphrase")

// Options controls Open.
type Options struct {
	// Create makes a new archive when the folder holds none, with the
	// identity described by New (its Passphrase is taken from Passphrase).
	Create bool
	New    keys.CreateOptions
	// Passphrase unlocks the archivist's key and the store key. Read-write
	// opens always need it; read-only opens of an unencrypted store do not
	// (they can check, list and read, but not sign).
	Passphrase []byte
	// UnlockInBackground, for a store that is not encrypted, derives the passphrase's key (about half a second of
	// one core, by design) on another goroutine while the store opens and
	// work starts. Everything that records or signs waits for it and fails
	// with its error, before changing anything, if the passphrase is
	// wrong. Open itself then does not check the passphrase.
	UnlockInBackground bool
	// Store sets Badger sizes, the encryption key and read-only mode.
	// Read-only opens are for checks, listing and reading: they never
	// cut or change what was committed, work on read-only media, and after
	// a crash recover the store under the archive's lock or read a
	// private shadow of it (store.OpenForReading; docs/architecture.md,
	// "How the store opens").
	Store store.Config
	// Unlocked, when set, is the identity an earlier open of this archive
	// unlocked (a check that reopens the archive to record itself): it is
	// used instead of deriving the passphrase's key again.
	Unlocked *keys.Identity
	// WrapPacks, when set, wraps the storage of the pack files below their
	// encryption (tests inject faults through it, see pack/packtest).
	WrapPacks func(pack.Storage) pack.Storage
	// Wait, when set, makes Open wait while another process has the
	// archive open (until its context is done) instead of returning
	// ErrLocked at once.
	Wait *lock.Wait
}

// Archive is an open archive folder. Its methods are safe for concurrent
// use.
type Archive struct {
	dir    string
	folder os.FileInfo // dir at the open, to notice it vanishing
	lk     *lock.Lock
	db     *badger.DB
	pk     pack.Storage
	log    *store.Log
	cfg    store.Config
	seq    *badger.Sequence
	// space keeps Badger off pages the disk cannot give (store.Space);
	// nil when opened read-only.
	space *store.Space
	// tempNotice says tmp/ could not be emptied at open (see clearTemp).
	tempNotice string
	id         *keys.Identity // nil when opened read-only without a passphrase
	pub        *keys.Public
	// idDone is closed when a background unlock ended, with id or idErr
	// set; nil when Open unlocked. Read id through identity().
	idDone      chan struct{}
	idErr       error
	recoverOnce sync.Once
	recoverErr  error
	wmu         sync.Mutex // serialises commits of records and log events
	// lastEventTime is the time of the last event this session appended
	// (TimeLayout), under wmu: no later event may claim an earlier one.
	lastEventTime string
	// unreached remembers when each TSA last failed to answer (anchors.go).
	unreached unreachedTSAs
	// witnessing serialises AddCheckpoint: the store does not detect
	// conflicting transactions (archive/store), and of two forks asked at
	// once only one may be cosigned.
	witnessing sync.Mutex
	// view is set for ReadingPacksFrom's archives, which own only their
	// pack storage.
	view   bool
	source string
	// tablesDamaged is set once CheckStoreTables found a table whose
	// checksum fails: from then on this open records nothing (storedamage.go).
	tablesDamaged atomic.Bool
}

// Exists reports whether dir holds an archive (its identity or its store).
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, StoreDir, badger.ManifestFilename))
	return err == nil || keys.Exists(dir)
}

// Open opens the archive in dir, taking its lock first.
func Open(dir string, opt Options) (*Archive, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if !Exists(dir) {
		if !opt.Create {
			return nil, fmt.Errorf("%w: %s (create one with \"custody init\")", ErrNoArchive, dir)
		}
		if emptyOrMissing(dir) {
			if err := createAside(dir, opt); err != nil {
				return nil, err
			}
		} else if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the archive folder: %w", err)
		}
	}
	return openIn(dir, opt)
}

// openIn opens (or, with opt.Create, creates in place) the archive in dir.
func openIn(dir string, opt Options) (*Archive, error) {
	lk, err := acquire(dir, opt.Store.ReadOnly, opt.Wait)
	if err != nil {
		return nil, err
	}
	if lk.Writable() {
		keys.RemoveStaleTemp(dir)
	}
	a := &Archive{dir: dir, lk: lk, log: &store.Log{}, cfg: opt.Store}
	a.folder, _ = os.Stat(dir)
	if err := a.unlock(opt); err != nil {
		lk.Release()
		return nil, err
	}
	if a.idDone == nil && a.id != nil {
		a.cfg.EncryptionKey = a.id.StoreKey()
	}
	if a.idDone == nil && lk.Writable() {
		a.mendIdentity(a.id)
	}
	if a.cfg.ReadOnly {
		a.db, err = store.OpenForReading(filepath.Join(dir, StoreDir), a.cfg, a.log, lk.Writable())
	} else {
		a.db, err = store.Open(filepath.Join(dir, StoreDir), a.cfg, a.log)
	}
	if err != nil {
		lk.Release()
		return nil, err
	}
	if !a.cfg.ReadOnly {
		if a.space, err = store.Watch(filepath.Join(dir, StoreDir), a.cfg); err != nil {
			a.Close()
			return nil, err
		}
	}
	a.clearTemp()
	a.pk, err = openPacks(filepath.Join(dir, PackDir), a.cfg, opt.WrapPacks)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("cannot open the archive's pack folder: %w", err)
	}
	if err := a.init(); err != nil {
		a.Close()
		return nil, err
	}
	// Opening a store that a large import left behind makes tens of MiB
	// of garbage (Badger replays and flushes its tables); give it back
	// before the work starts, so the two never add up (the first open
	// after the leak import: 146-149 MiB of anonymous memory with this,
	// 169-187 MiB without).
	debug.FreeOSMemory()
	return a, nil
}

func (a *Archive) init() error {
	if !a.cfg.ReadOnly {
		err := a.db.Update(func(txn *badger.Txn) error {
			if _, err := txn.Get(store.KeyFormat); errors.Is(err, badger.ErrKeyNotFound) {
				return txn.Set(store.KeyFormat, []byte(formatVer))
			} else {
				return err
			}
		})
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(a.dir, TempDir), 0o700); err != nil {
			return err
		}
		if a.seq, err = a.db.GetSequence(store.KeyBlobSeq, 256); err != nil {
			return err
		}
		if err := a.sweep(); err != nil {
			return err
		}
		if err := indexSizes(a.db); err != nil {
			return err
		}
		if a.idDone == nil {
			return a.recoverLog(a.id)
		}
	}
	return nil
}

// sweep deletes the chunks of uploads that never committed (a crash or a
// cancel mid-document), which their pending markers name.
func (a *Archive) sweep() error {
	var stray []uint64
	err := a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: store.PrefixPend})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) != len(store.PrefixPend)+8 {
				continue
			}
			var b uint64
			for _, c := range k[len(store.PrefixPend):] {
				b = b<<8 | uint64(c)
			}
			stray = append(stray, b)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, b := range stray {
		if err := a.chunks().Delete(b); err != nil {
			return err
		}
	}
	return nil
}

// Close syncs and closes the store and releases the lock.
func (a *Archive) Close() error {
	if a.view {
		return a.pk.Close()
	}
	var errs []error
	if a.idDone != nil {
		<-a.idDone // never leave the key derivation running
	}
	if a.seq != nil {
		errs = append(errs, a.seq.Release())
	}
	if a.pk != nil {
		errs = append(errs, a.pk.Close())
		a.pk = nil
	}
	if a.db != nil {
		if a.space.RoomToClose() {
			errs = append(errs, store.Close(a.db, filepath.Join(a.dir, StoreDir), a.cfg.ReadOnly))
		} else {
			errs = append(errs, a.leaveOpen())
		}
		a.space.Stop()
		a.db = nil
	}
	errs = append(errs, a.lk.Release())
	return errors.Join(errs...)
}

// Dir is the archive folder.
func (a *Archive) Dir() string { return a.dir }

// DB gives the archive's own writers and checks that read the store's
// records themselves (archive/bundlewriter, verify/fixity,
// verify/logcheck) access to it. The front ends use the Archive's
// methods instead.
func (a *Archive) DB() *badger.DB { return a.db }

// StoreLog returns the errors and warnings Badger logged.
func (a *Archive) StoreLog() *store.Log { return a.log }

// Record returns a document's record.
func (a *Archive) Record(id [32]byte) (*catalog.Record, error) {
	var r *catalog.Record
	err := a.db.View(func(txn *badger.Txn) (err error) {
		r, err = catalog.Get(txn, id)
		return err
	})
	return r, err
}

// Resolve turns a full ID or a unique prefix of 8+ hex digits into an ID.
func (a *Archive) Resolve(ref string) (id [32]byte, err error) {
	err = a.db.View(func(txn *badger.Txn) error {
		id, err = catalog.Resolve(txn, ref)
		return err
	})
	return id, err
}

// Each calls fn for every document record in ID order; bad (if not nil)
// gets records that cannot be decoded.
func (a *Archive) Each(fn func(*catalog.Record) error, bad func([32]byte, error)) error {
	return a.db.View(func(txn *badger.Txn) error { return catalog.Each(txn, fn, bad) })
}

// Records returns every record in ID order.
func (a *Archive) Records() ([]*catalog.Record, error) {
	var out []*catalog.Record
	err := a.Each(func(r *catalog.Record) error { out = append(out, r); return nil }, nil)
	return out, err
}

// OpenDoc streams a document's bytes, verified (see blob.Reader).
func (a *Archive) OpenDoc(id [32]byte) (*blob.Reader, *catalog.Record, error) {
	r, err := a.Record(id)
	if err != nil {
		return nil, nil, err
	}
	return a.OpenRecord(r), r, nil
}

// OpenRecord streams the bytes of the document whose record the caller
// already holds, verified like OpenDoc's, without reading the record again.
func (a *Archive) OpenRecord(r *catalog.Record) *blob.Reader {
	return a.chunks().NewReader(r.Layout(), r.Sum())
}

// ReadRange returns up to n bytes at off, CRC-checked (for previews).
func (a *Archive) ReadRange(id [32]byte, off, n int64) ([]byte, error) {
	r, err := a.Record(id)
	if err != nil {
		return nil, err
	}
	return a.chunks().ReadRange(r.Layout(), off, n)
}
