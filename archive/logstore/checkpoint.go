package logstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ErrEmptyLog is returned when asked to sign a log with no events.
var ErrEmptyLog = errors.New("the log has no events yet; there is nothing to sign")

// SignCheckpoint makes the log durable (db.Sync), then signs and stores a
// checkpoint of its current size. When no event was appended since the
// latest checkpoint, it returns that one instead. It refuses to sign a log
// smaller than its latest checkpoint.
func SignCheckpoint(db *badger.DB, signer note.Signer, origin string) (*provenance.Checkpoint, error) {
	if origin == "" || strings.ContainsAny(origin, "\n") {
		return nil, errors.New("log: a checkpoint origin must be one non-empty line")
	}
	// A checkpoint must never cover events that a crash could still lose.
	if err := db.Sync(); err != nil {
		return nil, fmt.Errorf("log: flushing the store before signing: %w", err)
	}
	var size int64
	var root tlog.Hash
	var latest *provenance.Checkpoint
	err := db.View(func(txn *badger.Txn) error {
		var err error
		if size, err = sizeTxn(txn); err != nil {
			return err
		}
		if latest, err = latestTxn(txn); err != nil {
			return err
		}
		if size == 0 || latest != nil && latest.Size >= size {
			return nil
		}
		root, err = tlog.TreeHash(size, txnHashes{txn})
		return err
	})
	if err != nil {
		return nil, err
	}
	if latest != nil && latest.Size > size {
		return nil, fmt.Errorf("log: it has %d events but a checkpoint for %d was signed; refusing to sign (run verify): %w", size, latest.Size, provenance.ErrRolledBack)
	}
	if latest != nil && latest.Size == size {
		return latest, nil
	}
	if size == 0 {
		return nil, fmt.Errorf("log: %w", ErrEmptyLog)
	}
	body := provenance.CheckpointBody(origin, size, root)
	signed, err := note.Sign(&note.Note{Text: body}, signer)
	if err != nil {
		return nil, fmt.Errorf("log: signing the checkpoint: %w", err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		_, err := txn.Get(CheckpointKey(size))
		if err == nil {
			return nil // signed meanwhile by the same writer; keep the first
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		return txn.Set(CheckpointKey(size), signed)
	})
	if err != nil {
		return nil, fmt.Errorf("log: storing the checkpoint: %w", err)
	}
	if err := db.Sync(); err != nil {
		return nil, fmt.Errorf("log: flushing the checkpoint: %w", err)
	}
	cp, err := provenance.ParseUnverified(signed)
	if err != nil {
		return nil, err
	}
	cp.Signers = []string{signer.Name()}
	return cp, nil
}

// Recover signs a checkpoint when events exist past the latest one, as
// after a crash between committing events and signing. It returns nil when
// there was nothing to do, and provenance.ErrRolledBack when the log is smaller than
// its latest checkpoint: it never signs a tree that does not exist.
func Recover(db *badger.DB, signer note.Signer, origin string) (*provenance.Checkpoint, error) {
	size, err := Size(db)
	if err != nil {
		return nil, err
	}
	latest, err := Latest(db)
	if err != nil {
		return nil, err
	}
	have := int64(0)
	if latest != nil {
		have = latest.Size
	}
	switch {
	case size > have:
		return SignCheckpoint(db, signer, origin)
	case size < have:
		return nil, fmt.Errorf("log: it has %d events but a checkpoint for %d was signed: %w", size, have, provenance.ErrRolledBack)
	}
	return nil, nil
}

// Latest returns the checkpoint of the largest size, or nil if none was
// signed. Its signature is not verified here.
func Latest(db *badger.DB) (*provenance.Checkpoint, error) {
	var cp *provenance.Checkpoint
	err := db.View(func(txn *badger.Txn) error {
		var err error
		cp, err = latestTxn(txn)
		return err
	})
	return cp, err
}

func latestTxn(txn *badger.Txn) (*provenance.Checkpoint, error) {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = CheckpointPrefix
	opt.Reverse = true
	// Badger does not stop a reverse iteration at the prefix when it
	// prefetches: it would copy the values of up to 100 keys before it,
	// often document chunks of 1 MiB each. One value is read anyway.
	opt.PrefetchValues = false
	it := txn.NewIterator(opt)
	defer it.Close()
	it.Seek(append(append([]byte{}, CheckpointPrefix...), 0xff))
	if !it.Valid() {
		return nil, nil
	}
	return storedCheckpoint(it.Item())
}

func storedCheckpoint(item *badger.Item) (*provenance.Checkpoint, error) {
	size, ok := KeyInt(item.Key(), CheckpointPrefix)
	if !ok {
		return nil, fmt.Errorf("log: damaged checkpoint key %x", item.Key())
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return nil, fmt.Errorf("log: reading checkpoint %d: %w", size, err)
	}
	cp, err := provenance.ParseUnverified(v)
	if err != nil {
		return nil, fmt.Errorf("log: stored checkpoint %d: %w", size, err)
	}
	if cp.Size != size {
		return nil, fmt.Errorf("log: checkpoint stored for size %d says size %d", size, cp.Size)
	}
	return cp, nil
}

// Checkpoints returns every stored checkpoint, smallest size first. Their
// signatures are not verified here.
func Checkpoints(db *badger.DB) ([]*provenance.Checkpoint, error) {
	var out []*provenance.Checkpoint
	err := db.View(func(txn *badger.Txn) error {
		opt := badger.DefaultIteratorOptions
		opt.Prefix = CheckpointPrefix
		it := txn.NewIterator(opt)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			cp, err := storedCheckpoint(it.Item())
			if err != nil {
				return err
			}
			out = append(out, cp)
		}
		return nil
	})
	return out, err
}
