package archive

// Checkpoints that crossed the archive's border: the newest checkpoint
// accepted from each other archive (under seen/<origin>), and the sizes of
// this archive's own checkpoints that went out in bundles and proofs
// (under exported/<size>).
//
// A log alone cannot show that it was not forked: two copies of one
// archive, each used on its own, are each internally consistent. A
// receiver who remembers the last checkpoint it accepted from an origin
// is a witness of that origin's history: every later checkpoint must
// extend it, and the bundle must carry the proof. The memory only ever
// moves forward, in one transaction that compares before it writes, so a
// bundle with an older checkpoint can never lower it.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	badger "github.com/dgraph-io/badger/v4"
)

// Key prefixes of the two records kept here.
var (
	seenPrefix     = []byte("seen/")
	exportedPrefix = []byte("exported/")
)

// maxOrigin bounds the origin line used as a key (Badger keys are short).
const maxOrigin = 1024

// maxExportDocs is how many documents one export event names; a larger
// bundle is recorded as several events.
const maxExportDocs = 10000

// Seen is the newest checkpoint this archive accepted from one origin
// (the record's format is provenance.Seen).
type Seen = provenance.Seen

// ErrSeenDamaged is wrapped when a remembered checkpoint cannot be read.
var ErrSeenDamaged = errors.New("remembered checkpoint is damaged")

func seenKey(origin string) []byte { return append(append([]byte{}, seenPrefix...), origin...) }

// SeenCheckpoint returns the newest checkpoint remembered for origin, or
// nil when none was ever accepted from it.
func (a *Archive) SeenCheckpoint(origin string) (*Seen, error) {
	var s *Seen
	err := a.db.View(func(txn *badger.Txn) error {
		var err error
		s, err = seenTxn(txn, origin)
		return err
	})
	return s, err
}

func seenTxn(txn *badger.Txn, origin string) (*Seen, error) {
	if origin == "" || len(origin) > maxOrigin {
		return nil, nil
	}
	item, err := txn.Get(seenKey(origin))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s Seen
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, &s) })
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSeenDamaged, origin, err)
	}
	cp, err := provenance.ParseUnverified([]byte(s.Checkpoint))
	if err != nil || cp.Origin != origin || cp.Size != s.Size || s.Origin != origin {
		return nil, fmt.Errorf("%w: %s: its checkpoint does not match the record", ErrSeenDamaged, origin)
	}
	return &s, nil
}

// RememberCheckpoint stores s as the newest checkpoint seen from its
// origin when it is newer than the one remembered, and reports whether it
// did. It never lowers the remembered size and never replaces a
// checkpoint of the same size. The caller must have verified s's
// signature and its consistency with the remembered checkpoint.
func (a *Archive) RememberCheckpoint(s *Seen) (bool, error) {
	if a.cfg.ReadOnly {
		return false, errors.New("the archive is open read-only")
	}
	cp, err := provenance.ParseUnverified([]byte(s.Checkpoint))
	if err != nil {
		return false, err
	}
	if cp.Origin != s.Origin || cp.Size != s.Size {
		return false, fmt.Errorf("the checkpoint to remember is of %q size %d, not %q size %d", cp.Origin, cp.Size, s.Origin, s.Size)
	}
	if s.Origin == "" || len(s.Origin) > maxOrigin {
		return false, fmt.Errorf("the origin line is empty or longer than %d bytes", maxOrigin)
	}
	if s.Time.IsZero() {
		s.Time = time.Now().UTC().Truncate(time.Second)
	}
	val, err := json.Marshal(s)
	if err != nil {
		return false, err
	}
	// Compare and swap: the store does not detect conflicts between
	// transactions, so the read, the comparison and the write happen under
	// the archive's write lock (and the archive's lock file keeps other
	// processes out).
	a.wmu.Lock()
	defer a.wmu.Unlock()
	moved := false
	err = a.db.Update(func(txn *badger.Txn) error {
		cur, err := seenTxn(txn, s.Origin)
		if err != nil && !errors.Is(err, ErrSeenDamaged) {
			return err
		}
		if cur != nil && cur.Size >= s.Size {
			return nil
		}
		moved = true
		return txn.Set(seenKey(s.Origin), val)
	})
	return moved && err == nil, err
}

// SeenAll returns every remembered checkpoint, in origin order.
func (a *Archive) SeenAll() ([]*Seen, error) {
	var out []*Seen
	err := a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: seenPrefix, PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			s, err := seenTxn(txn, string(it.Item().Key()[len(seenPrefix):]))
			if err != nil {
				return err
			}
			if s != nil {
				out = append(out, s)
			}
		}
		return nil
	})
	return out, err
}

func exportedKey(size int64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte{}, exportedPrefix...), uint64(size))
}

// RecordPublished remembers that this archive's checkpoint of size went
// out (what says how: "proof"), so that every later bundle carries the
// proof that its checkpoint extends it. A size already remembered keeps
// what it was remembered with (the bundle id).
func (a *Archive) RecordPublished(size int64, what string) error {
	if a.cfg.ReadOnly {
		return errors.New("the archive is open read-only")
	}
	if size < 1 {
		return nil
	}
	a.wmu.Lock()
	defer a.wmu.Unlock()
	return a.db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(exportedKey(size)); err == nil {
			return nil
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		return txn.Set(exportedKey(size), []byte(what))
	})
}

// ExportedSizes returns, smallest first, the sizes of the checkpoints
// that went out: in bundles, and in proofs (RecordPublished).
func (a *Archive) ExportedSizes() ([]int64, error) {
	var out []int64
	err := a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: exportedPrefix, PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if n, ok := logstore.KeyInt(it.Item().Key(), exportedPrefix); ok {
				out = append(out, n)
			}
		}
		return nil
	})
	return out, err
}

// RecordExport logs that a bundle went out: export events naming its
// documents (one event per maxExportDocs) and the size of the checkpoint
// it carried, which later bundles prove their consistency from. It then
// signs a checkpoint over the new events.
func (a *Archive) RecordExport(bundle string, docs [][32]byte, checkpointSize int64, note string) error {
	if _, err := a.signer(); err != nil {
		return err
	}
	if len(docs) == 0 {
		return errors.New("a bundle names at least one document")
	}
	a.wmu.Lock()
	for start := 0; start < len(docs); start += maxExportDocs {
		part := docs[start:min(start+maxExportDocs, len(docs))]
		ids := make([]string, len(part))
		for i, d := range part {
			ids[i] = fmt.Sprintf("%x", d)
		}
		err := a.db.Update(func(txn *badger.Txn) error {
			ev := &provenance.Event{Type: provenance.Export, Bundle: bundle, Docs: ids, CheckpointSize: checkpointSize, Note: note}
			if _, err := a.appendEvent(txn, ev); err != nil {
				return err
			}
			return txn.Set(exportedKey(checkpointSize), []byte(bundle))
		})
		if err != nil {
			a.wmu.Unlock()
			return fmt.Errorf("recording the export in the log: %w", err)
		}
	}
	a.wmu.Unlock()
	_, err := a.Checkpoint()
	return err
}
