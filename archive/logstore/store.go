package logstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// ErrMissing is wrapped by errors about log records that should exist but
// do not (a damaged or rolled-back store).
var ErrMissing = errors.New("log record missing")

// Append adds event (exactly these bytes) as the next entry of the log
// inside txn and returns its index. The event is checked with
// provenance.ParseEvent first and indexed under every document it names,
// plus any extra docs.
//
// Appends must be serialised by the caller: one writer at a time. Several
// events may be appended in one transaction; each sees the ones before it.
// The caller commits txn; nothing is written until then. A checkpoint is
// signed afterwards with SignCheckpoint.
func Append(txn *badger.Txn, event []byte, docs ...[32]byte) (int64, error) {
	ev, err := provenance.ParseEvent(event)
	if err != nil {
		return 0, fmt.Errorf("log: refusing to append an unreadable event: %w", err)
	}
	leaf := event
	if ev.V != 1 {
		if leaf, err = ev.Seal(); err != nil {
			return 0, fmt.Errorf("log: refusing to append an event that cannot be sealed: %w", err)
		}
	}
	return appendParsed(txn, event, leaf, ev, docs)
}

// AppendPrepared appends the prepared event inside txn, as Append does,
// and returns its index.
func AppendPrepared(txn *badger.Txn, p *provenance.Prepared, docs ...[32]byte) (int64, error) {
	return appendParsed(txn, p.Bytes(), p.Leaf(), p.Parsed(), docs)
}

// appendParsed stores event (its open form) and the hashes of leaf (what
// the tree covers: see provenance.LeafData).
func appendParsed(txn *badger.Txn, event, leaf []byte, ev *provenance.Event, docs [][32]byte) (int64, error) {
	n, err := sizeTxn(txn)
	if err != nil {
		return 0, err
	}
	hashes, err := tlog.StoredHashes(n, leaf, txnHashes{txn})
	if err != nil {
		return 0, fmt.Errorf("log: appending event %d: %w", n, err)
	}
	// Badger keeps the slices until commit: give it our own copy.
	if err := txn.Set(EventKey(n), bytes.Clone(event)); err != nil {
		return 0, fmt.Errorf("log: appending event %d: %w", n, err)
	}
	base := tlog.StoredHashIndex(0, n)
	for i, h := range hashes {
		if err := txn.Set(HashKey(base+int64(i)), bytes.Clone(h[:])); err != nil {
			return 0, fmt.Errorf("log: appending event %d: %w", n, err)
		}
	}
	seen := map[[32]byte]bool{}
	for _, d := range append(ev.DocIDs(), docs...) {
		if seen[d] {
			continue
		}
		seen[d] = true
		if err := txn.Set(DocKey(d, n), nil); err != nil {
			return 0, fmt.Errorf("log: appending event %d: %w", n, err)
		}
	}
	if err := txn.Set(SizeKey, binary.BigEndian.AppendUint64(nil, uint64(n+1))); err != nil {
		return 0, fmt.Errorf("log: appending event %d: %w", n, err)
	}
	return n, nil
}

// Size returns the number of events in the log.
func Size(db *badger.DB) (int64, error) {
	var n int64
	err := db.View(func(txn *badger.Txn) error {
		var err error
		n, err = sizeTxn(txn)
		return err
	})
	return n, err
}

// SizeTxn is Size inside a transaction (including its own appends).
func SizeTxn(txn *badger.Txn) (int64, error) { return sizeTxn(txn) }

func sizeTxn(txn *badger.Txn) (int64, error) {
	item, err := txn.Get(SizeKey)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("log: reading the log size: %w", err)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return 0, fmt.Errorf("log: reading the log size: %w", err)
	}
	if len(v) != 8 || binary.BigEndian.Uint64(v) > 1<<62 {
		return 0, fmt.Errorf("log: the stored log size is damaged (%d bytes: %x)", len(v), v)
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

// ReadEvent returns the bytes of the event at index i.
func ReadEvent(db *badger.DB, i int64) ([]byte, error) {
	var b []byte
	err := db.View(func(txn *badger.Txn) error {
		var err error
		b, err = eventTxn(txn, i)
		return err
	})
	return b, err
}

func eventTxn(txn *badger.Txn, i int64) ([]byte, error) {
	item, err := txn.Get(EventKey(i))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("log: event %d: %w", i, ErrMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("log: reading event %d: %w", i, err)
	}
	b, err := item.ValueCopy(nil)
	if err != nil {
		return nil, fmt.Errorf("log: reading event %d: %w", i, err)
	}
	return b, nil
}

// Events calls fn with the index and bytes of every event in [from, to),
// in order, stopping at fn's first error. A missing event is an error
// wrapping ErrMissing.
func Events(db *badger.DB, from, to int64, fn func(i int64, event []byte) error) error {
	return db.View(func(txn *badger.Txn) error {
		opt := badger.DefaultIteratorOptions
		opt.Prefix = EventPrefix
		it := txn.NewIterator(opt)
		defer it.Close()
		next := from
		for it.Seek(EventKey(from)); it.Valid() && next < to; it.Next() {
			i, ok := KeyInt(it.Item().Key(), EventPrefix)
			if !ok || i != next {
				return fmt.Errorf("log: event %d: %w", next, ErrMissing)
			}
			b, err := it.Item().ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("log: reading event %d: %w", i, err)
			}
			if err := fn(i, b); err != nil {
				return err
			}
			next++
		}
		if next < to {
			return fmt.Errorf("log: event %d: %w", next, ErrMissing)
		}
		return nil
	})
}

// DocEvents returns, in log order, the indexes of the events that name doc.
func DocEvents(db *badger.DB, doc [32]byte) ([]int64, error) {
	var out []int64
	err := db.View(func(txn *badger.Txn) error {
		var err error
		out, err = docEventsTxn(txn, doc)
		return err
	})
	return out, err
}

func docEventsTxn(txn *badger.Txn, doc [32]byte) ([]int64, error) {
	prefix := append(append([]byte{}, DocPrefix...), doc[:]...)
	opt := badger.DefaultIteratorOptions
	opt.Prefix = prefix
	opt.PrefetchValues = false
	it := txn.NewIterator(opt)
	defer it.Close()
	var out []int64
	for it.Rewind(); it.Valid(); it.Next() {
		i, ok := KeyInt(it.Item().Key(), prefix)
		if !ok {
			return nil, fmt.Errorf("log: damaged index entry %x", it.Item().Key())
		}
		out = append(out, i)
	}
	return out, nil
}

// txnHashes reads stored hashes inside a transaction.
type txnHashes struct{ txn *badger.Txn }

func (r txnHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for k, idx := range indexes {
		item, err := r.txn.Get(HashKey(idx))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil, fmt.Errorf("log: stored hash %d: %w", idx, ErrMissing)
		}
		if err != nil {
			return nil, fmt.Errorf("log: reading stored hash %d: %w", idx, err)
		}
		err = item.Value(func(v []byte) error {
			if len(v) != tlog.HashSize {
				return fmt.Errorf("log: stored hash %d is damaged (%d bytes)", idx, len(v))
			}
			copy(out[k][:], v)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// HashReader returns a tlog.HashReader over the stored hashes as txn sees them.
func HashReader(txn *badger.Txn) tlog.HashReader { return txnHashes{txn} }

// TreeHash returns the root hash of the log's first n events.
func TreeHash(db *badger.DB, n int64) (tlog.Hash, error) {
	var h tlog.Hash
	err := db.View(func(txn *badger.Txn) error {
		size, err := sizeTxn(txn)
		if err != nil {
			return err
		}
		if n < 0 || n > size {
			return fmt.Errorf("log: no tree of size %d (the log has %d events)", n, size)
		}
		h, err = tlog.TreeHash(n, txnHashes{txn})
		return err
	})
	return h, err
}

// InclusionProof proves that event i is in the tree of size n.
func InclusionProof(db *badger.DB, i, n int64) (tlog.RecordProof, error) {
	var p tlog.RecordProof
	err := db.View(func(txn *badger.Txn) error {
		size, err := sizeTxn(txn)
		if err != nil {
			return err
		}
		if i < 0 || n > size || i >= n {
			return fmt.Errorf("log: cannot prove event %d in a tree of size %d (the log has %d events)", i, n, size)
		}
		p, err = tlog.ProveRecord(n, i, txnHashes{txn})
		return err
	})
	return p, err
}

// ConsistencyProof proves that the tree of size to extends the tree of
// size from (0 < from ≤ to ≤ Size).
func ConsistencyProof(db *badger.DB, from, to int64) (tlog.TreeProof, error) {
	var p tlog.TreeProof
	err := db.View(func(txn *badger.Txn) error {
		size, err := sizeTxn(txn)
		if err != nil {
			return err
		}
		if from < 1 || from > to || to > size {
			return fmt.Errorf("log: cannot prove size %d extends size %d (the log has %d events)", to, from, size)
		}
		p, err = tlog.ProveTree(to, from, txnHashes{txn})
		return err
	})
	return p, err
}
