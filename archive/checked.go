package archive

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// Each document's last fixity check is kept under checked/<id>: its time
// (Unix nanoseconds, big-endian) and its outcome (1 intact, 0 damaged).
// A rolling check reads them all to choose the least recently checked
// bytes; a repair sets it too (it hashed the new copy).
// The keys are small (41 bytes a document) and outside the log: they are
// a schedule, not evidence. The evidence is each check's verify event.

// LastCheck is a document's last fixity check. A zero Time: never checked.
type LastCheck struct {
	Time time.Time
	OK   bool
}

// Checked is one document a check covered, and whether it was intact.
type Checked struct {
	ID [32]byte
	OK bool
}

// Verification is what a check found, as it is recorded.
type Verification struct {
	// What names the check and its counts (see docs/provenance.md: a
	// verify event's what), Verdict its outcome (INTACT, CORRUPT, ...).
	What, Verdict string
	// Damaged lists the damaged documents, named in the event.
	Damaged [][32]byte
	// Checked are the documents whose bytes were read; their last-check
	// time is set to At.
	Checked []Checked
	At      time.Time
}

// LastChecks returns every document's last fixity check that is known.
func (a *Archive) LastChecks() (map[[32]byte]LastCheck, error) {
	out := map[[32]byte]LastCheck{}
	err := a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: store.PrefixChecked, PrefetchValues: true, PrefetchSize: 256})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) != len(store.PrefixChecked)+32 {
				continue
			}
			var id [32]byte
			copy(id[:], k[len(store.PrefixChecked):])
			err := it.Item().Value(func(v []byte) error {
				if len(v) != 9 {
					return nil // unreadable: treated as never checked
				}
				out[id] = LastCheck{Time: time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC(), OK: v[8] == 1}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func checkedValue(t time.Time, ok bool) []byte {
	v := make([]byte, 9)
	binary.BigEndian.PutUint64(v, uint64(t.UnixNano()))
	if ok {
		v[8] = 1
	}
	return v
}

// setChecked records one document's check inside txn.
func setChecked(txn *badger.Txn, id [32]byte, t time.Time, ok bool) error {
	return txn.Set(store.CheckedKey(id), checkedValue(t, ok))
}

// ErrReadOnly means the archive was opened read-only (or without its
// passphrase), so nothing can be recorded.
var ErrReadOnly = errors.New("the archive is open read-only")

// maxNamedDamaged bounds the damaged documents one verify event names, so
// the event stays far below provenance.MaxEventSize.
const maxNamedDamaged = 10000

// RecordVerification records a check: every checked document's last-check
// time and a signed verify event naming its scope, counts, verdict and
// damaged documents, then a checkpoint. It returns the event's index.
func (a *Archive) RecordVerification(v Verification) (int64, error) {
	if a.cfg.ReadOnly {
		return 0, ErrReadOnly
	}
	if a.tablesDamaged.Load() {
		return 0, ErrStoreTablesDamaged
	}
	if _, err := a.signer(); err != nil {
		return 0, err
	}
	if v.At.IsZero() {
		v.At = time.Now()
	}
	ev := &provenance.Event{Type: provenance.Verify, What: v.What, Verdict: v.Verdict}
	for i, d := range v.Damaged {
		if i == maxNamedDamaged {
			break // the count in What says how many there were
		}
		ev.Docs = append(ev.Docs, hex.EncodeToString(d[:]))
	}
	var idx int64
	// Checked times are written in batches ahead of the event: a crash
	// between them leaves times without an event, which only moves the
	// schedule, never the evidence.
	const batch = 4096
	for i := 0; i < len(v.Checked); i += batch {
		part := v.Checked[i:min(i+batch, len(v.Checked))]
		if err := a.db.Update(func(txn *badger.Txn) error {
			for _, c := range part {
				if err := setChecked(txn, c.ID, v.At, c.OK); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return 0, fmt.Errorf("could not record the check: %w", err)
		}
	}
	a.wmu.Lock()
	err := a.db.Update(func(txn *badger.Txn) error {
		var err error
		idx, err = a.appendEvent(txn, ev)
		return err
	})
	a.wmu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("could not record the check: %w", err)
	}
	if _, err := a.Checkpoint(); err != nil {
		return idx, fmt.Errorf("could not sign the log's checkpoint: %w", err)
	}
	return idx, nil
}
