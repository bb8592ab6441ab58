package blob

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"

	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// Store is where an archive's chunks are: the Badger store, which holds
// every chunk's key (small documents' bytes, larger ones' references) and
// the pack storage holding larger documents' bytes. It is a small value;
// copy it freely.
type Store struct {
	db    *badger.DB
	packs pack.Storage
}

// NewStore returns the chunks kept in db and packs.
func NewStore(db *badger.DB, packs pack.Storage) Store { return Store{db: db, packs: packs} }

// Check says what a visit checks of each chunk besides its length.
type Check bool

const (
	// CheckCRC checks each chunk's CRC-32C before handing it out.
	CheckCRC Check = true
	// SkipCRC skips it, for a caller that hashes every chunk of the
	// document and compares the SHA-256 with its ID, which catches
	// whatever the CRC would (the CRC is for reads of part of a
	// document). A missing or short chunk is still an error. When the
	// SHA-256 differs, visit the chunks again with CheckCRC to learn
	// which one is damaged.
	SkipCRC Check = false
)

// readChunk reads and checks chunk i into buf (grown as needed) and
// returns the data. Errors that mean "read, but wrong" wrap ErrCorrupt or
// ErrMissing inside a *ChunkError; any other error could not read.
func (s Store) readChunk(txn *badger.Txn, l Layout, i uint32, buf []byte) ([]byte, []byte, error) {
	item, err := getChunk(txn, l, i)
	if err != nil {
		return nil, buf, err
	}
	if l.Packed {
		if cap(buf) < l.ChunkLen(i) {
			buf = make([]byte, l.ChunkLen(i))
		}
		data := buf[:l.ChunkLen(i)]
		if err := s.readPacked(item, l, i, data, CheckCRC); err != nil {
			return nil, buf, err
		}
		return data, buf, nil
	}
	v, err := item.ValueCopy(buf[:0])
	if err != nil {
		return nil, buf, err
	}
	data, err := Decode(v, l.ChunkLen(i))
	if err != nil {
		return nil, v, &ChunkError{l.Blob, i, err}
	}
	return data, v, nil
}

// getChunk looks chunk i up; a chunk that is not there is ErrMissing.
func getChunk(txn *badger.Txn, l Layout, i uint32) (*badger.Item, error) {
	item, err := txn.Get(store.ChunkKey(l.Blob, i))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, &ChunkError{l.Blob, i, fmt.Errorf("%w: chunk not in the store", ErrMissing)}
	}
	return item, err
}

// VisitChunks hands every chunk of the document with layout l to fn, in
// order, all read in one transaction, checked as check says. The data is
// Badger's memory map (a small document in an unencrypted store) or a
// pooled buffer (a packed one), so fn must not keep it. It stops at the
// first chunk that cannot be handed out and returns its index with the
// error: one wrapping ErrCorrupt or ErrMissing inside a *ChunkError means
// "read, but wrong"; any other could not read (or is ctx's, which is
// checked between chunks).
func (s Store) VisitChunks(ctx context.Context, l Layout, check Check, fn func(data []byte)) (uint32, error) {
	var at uint32
	err := s.db.View(func(txn *badger.Txn) error {
		for at = 0; at < l.Chunks(); at++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.visit(txn, l, at, check, fn); err != nil {
				return err
			}
		}
		return nil
	})
	return at, err
}

// visit checks chunk i and hands its data to fn without a copy (see
// VisitChunks). Errors are those of readChunk.
func (s Store) visit(txn *badger.Txn, l Layout, i uint32, check Check, fn func(data []byte)) error {
	item, err := getChunk(txn, l, i)
	if err != nil {
		return err
	}
	if l.Packed {
		bp := chunkBufs.Get().(*[]byte)
		defer chunkBufs.Put(bp)
		data := (*bp)[:l.ChunkLen(i)]
		if err := s.readPacked(item, l, i, data, check); err != nil {
			return err
		}
		fn(data)
		return nil
	}
	var bad error
	err = item.Value(func(v []byte) error {
		data, err := decode(v, l.ChunkLen(i), bool(check))
		if err != nil {
			bad = &ChunkError{l.Blob, i, err}
			return nil
		}
		fn(data)
		return nil
	})
	if err != nil {
		return err
	}
	return bad
}

var chunkBufs = sync.Pool{New: func() any { b := make([]byte, ChunkSize); return &b }}

// readPacked reads chunk i, whose reference is item, from its pack into
// data (of the chunk's length) and checks its CRC-32C.
func (s Store) readPacked(item *badger.Item, l Layout, i uint32, data []byte, check Check) error {
	var ref pack.Ref
	var crc uint32
	err := item.Value(func(v []byte) (err error) {
		ref, crc, err = decodeRef(v)
		return err
	})
	if errors.Is(err, ErrCorrupt) {
		return &ChunkError{l.Blob, i, err}
	}
	if err != nil {
		return err
	}
	if err := s.packs.ReadAt(ref, data); errors.Is(err, pack.ErrMissing) {
		return &ChunkError{l.Blob, i, fmt.Errorf("%w: %v", ErrMissing, err)}
	} else if errors.Is(err, pack.ErrShort) {
		return &ChunkError{l.Blob, i, fmt.Errorf("%w: %v", ErrCorrupt, err)}
	} else if err != nil {
		return err
	}
	if check == SkipCRC {
		return nil
	}
	if got := crc32.Checksum(data, castagnoli); got != crc {
		return &ChunkError{l.Blob, i, fmt.Errorf("%w: CRC-32C is %08x, %08x expected (%s at byte %d)", ErrCorrupt, got, crc, pack.Name(ref.Pack), ref.Off)}
	}
	return nil
}

// EachChunk calls fn with the blob id and index of every chunk key in the
// store, reading keys only (to find chunks no document owns).
func (s Store) EachChunk(fn func(blob uint64, index uint32)) error {
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: store.PrefixChunk})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if b, i, ok := store.ParseChunkKey(it.Item().Key()); ok {
				fn(b, i)
			}
		}
		return nil
	})
}

// Delete removes every chunk key of blob b and its pending marker, in
// transactions small enough for Badger. Bytes in pack files stay: packs
// are never rewritten.
func (s Store) Delete(b uint64) error {
	db := s.db
	wb := db.NewWriteBatch()
	defer wb.Cancel()
	prefix := store.ChunkPrefix(b)
	err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := wb.Delete(it.Item().KeyCopy(nil)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	return db.Update(func(txn *badger.Txn) error { return txn.Delete(store.PendKey(b)) })
}
