// Package blob stores a document's bytes as a sequence of ~1 MiB chunks and
// reads them back with every chunk checked.
//
// A chunk is either held in Badger (small documents: the value is a 4-byte
// CRC-32C, Castagnoli, big-endian, followed by the chunk's bytes) or in a
// pack file (larger documents, see package pack: the Badger value is a
// reference, the pack number, offset and CRC-32C). The document's Layout
// says which. The CRC lets a ranged read (a preview) detect rot in
// the chunks it touches without reading the whole document; a whole read
// also re-computes the document's SHA-256. Chunks are keyed by a blob id
// and an index, not by their own hash: the document's SHA-256 is computed
// once, while streaming, and hashing every byte a second time for chunk
// keys costs import and verify speed for no gain.
//
// Badger can return a damaged value with a nil error, so a chunk whose
// length or CRC is wrong is reported as corrupt here, never passed on.
package blob

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"

	"github.com/custody-app/custody/archive/pack"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// ChunkSize is the size of every chunk but a document's last.
const ChunkSize = 1 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by every error about bytes that were read but are
// wrong (as opposed to bytes that could not be read at all).
var ErrCorrupt = errors.New("corrupt")

// ErrMissing is wrapped when a chunk that should exist is absent.
var ErrMissing = errors.New("missing")

// ChunkError names the chunk a problem was found in.
type ChunkError struct {
	Blob  uint64
	Index uint32
	Err   error // ErrCorrupt or ErrMissing, wrapped with detail
}

func (e *ChunkError) Error() string {
	return fmt.Sprintf("chunk %d of blob %d: %v", e.Index, e.Blob, e.Err)
}

func (e *ChunkError) Unwrap() error { return e.Err }

// Checksum is the CRC-32C (Castagnoli) of data, as stored before a chunk.
func Checksum(data []byte) uint32 { return crc32.Checksum(data, castagnoli) }

// Encode returns the stored value for chunk data: CRC-32C then data.
func Encode(data []byte) []byte {
	v := make([]byte, 4+len(data))
	binary.BigEndian.PutUint32(v, crc32.Checksum(data, castagnoli))
	copy(v[4:], data)
	return v
}

// EncodeInto is Encode into buf, whose first 4 bytes are reserved for the
// CRC and the rest already hold the data. It avoids a copy on import.
func EncodeInto(buf []byte) []byte {
	binary.BigEndian.PutUint32(buf, crc32.Checksum(buf[4:], castagnoli))
	return buf
}

// Decode checks a stored chunk value against its CRC and its expected
// length and returns the data (a sub-slice of v).
func Decode(v []byte, wantLen int) ([]byte, error) {
	return decode(v, wantLen, true)
}

func decode(v []byte, wantLen int, checkCRC bool) ([]byte, error) {
	if len(v) < 4 {
		return nil, fmt.Errorf("%w: stored value is %d bytes, too short to hold a checksum", ErrCorrupt, len(v))
	}
	data := v[4:]
	if len(data) != wantLen {
		return nil, fmt.Errorf("%w: %d bytes stored, %d expected", ErrCorrupt, len(data), wantLen)
	}
	if !checkCRC {
		return data, nil
	}
	if got, want := crc32.Checksum(data, castagnoli), binary.BigEndian.Uint32(v); got != want {
		return nil, fmt.Errorf("%w: CRC-32C is %08x, %08x expected", ErrCorrupt, got, want)
	}
	return data, nil
}

// RefSize is the length of a stored reference to a chunk in a pack file.
const RefSize = 20

// EncodeRef returns the stored value of a chunk kept in a pack file: pack
// number, offset (big-endian, 8 bytes each) and the data's CRC-32C.
func EncodeRef(r pack.Ref, crc uint32) []byte {
	v := make([]byte, RefSize)
	binary.BigEndian.PutUint64(v, r.Pack)
	binary.BigEndian.PutUint64(v[8:], uint64(r.Off))
	binary.BigEndian.PutUint32(v[16:], crc)
	return v
}

func decodeRef(v []byte) (pack.Ref, uint32, error) {
	if len(v) != RefSize {
		return pack.Ref{}, 0, fmt.Errorf("%w: the chunk's reference is %d bytes, %d expected", ErrCorrupt, len(v), RefSize)
	}
	r := pack.Ref{Pack: binary.BigEndian.Uint64(v), Off: int64(binary.BigEndian.Uint64(v[8:]))}
	if r.Off < 0 {
		return pack.Ref{}, 0, fmt.Errorf("%w: the chunk's reference points before its pack file", ErrCorrupt)
	}
	return r, binary.BigEndian.Uint32(v[16:]), nil
}

// FirstCRC is the CRC-32C of a document's first chunk, read from its
// stored value (either form).
func FirstCRC(l Layout, v []byte) (uint32, bool) {
	switch {
	case l.Packed && len(v) == RefSize:
		return binary.BigEndian.Uint32(v[16:]), true
	case !l.Packed && len(v) >= 4:
		return binary.BigEndian.Uint32(v), true
	}
	return 0, false
}

// Layout describes where a document's bytes are.
type Layout struct {
	Blob   uint64
	Size   int64
	Packed bool // chunks are in pack files
}

// Chunks is the number of chunks the document has (an empty document has
// none).
func (l Layout) Chunks() uint32 {
	return uint32((l.Size + ChunkSize - 1) / ChunkSize)
}

// ChunkLen is the length of chunk i.
func (l Layout) ChunkLen(i uint32) int {
	off := int64(i) * ChunkSize
	if rest := l.Size - off; rest < ChunkSize {
		return int(rest)
	}
	return ChunkSize
}

// ReadChunk reads and checks chunk i into buf (grown as needed) and
// returns the data. Errors that mean "read, but wrong" wrap ErrCorrupt or
// ErrMissing inside a *ChunkError; any other error could not read.
func ReadChunk(txn *badger.Txn, p *pack.Dir, l Layout, i uint32, buf []byte) ([]byte, []byte, error) {
	item, err := getChunk(txn, l, i)
	if err != nil {
		return nil, buf, err
	}
	if l.Packed {
		if cap(buf) < l.ChunkLen(i) {
			buf = make([]byte, l.ChunkLen(i))
		}
		data := buf[:l.ChunkLen(i)]
		if err := readPacked(item, p, l, i, data, true); err != nil {
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

// VisitChunk checks chunk i and hands its data to fn without a copy for
// the caller: the data is Badger's memory map (a small document in an
// unencrypted store) or a pooled buffer (a packed one), so fn must not
// keep it. Errors are those of ReadChunk.
func VisitChunk(txn *badger.Txn, p *pack.Dir, l Layout, i uint32, fn func(data []byte)) error {
	return visit(txn, p, l, i, true, fn)
}

// VisitChunkToHash is VisitChunk without the CRC-32C check, for a caller
// that hashes every chunk of the document and compares the SHA-256 with
// its ID, which catches whatever the CRC would (the CRC is for reads of
// part of a document). A missing or short chunk is still an error. When
// the SHA-256 differs, visit the chunks again with VisitChunk to learn
// which one is damaged.
func VisitChunkToHash(txn *badger.Txn, p *pack.Dir, l Layout, i uint32, fn func(data []byte)) error {
	return visit(txn, p, l, i, false, fn)
}

func visit(txn *badger.Txn, p *pack.Dir, l Layout, i uint32, checkCRC bool, fn func(data []byte)) error {
	item, err := getChunk(txn, l, i)
	if err != nil {
		return err
	}
	if l.Packed {
		bp := chunkBufs.Get().(*[]byte)
		defer chunkBufs.Put(bp)
		data := (*bp)[:l.ChunkLen(i)]
		if err := readPacked(item, p, l, i, data, checkCRC); err != nil {
			return err
		}
		fn(data)
		return nil
	}
	var bad error
	err = item.Value(func(v []byte) error {
		data, err := decode(v, l.ChunkLen(i), checkCRC)
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

// readPacked reads chunk i, whose reference is item, from its pack file
// into data (of the chunk's length) and checks its CRC-32C.
func readPacked(item *badger.Item, p *pack.Dir, l Layout, i uint32, data []byte, checkCRC bool) error {
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
	if err := p.ReadAt(ref, data); errors.Is(err, pack.ErrMissing) {
		return &ChunkError{l.Blob, i, fmt.Errorf("%w: %v", ErrMissing, err)}
	} else if errors.Is(err, pack.ErrShort) {
		return &ChunkError{l.Blob, i, fmt.Errorf("%w: %v", ErrCorrupt, err)}
	} else if err != nil {
		return err
	}
	if !checkCRC {
		return nil
	}
	if got := crc32.Checksum(data, castagnoli); got != crc {
		return &ChunkError{l.Blob, i, fmt.Errorf("%w: CRC-32C is %08x, %08x expected (%s at byte %d)", ErrCorrupt, got, crc, pack.Name(ref.Pack), ref.Off)}
	}
	return nil
}

// Delete removes every chunk of blob b and its pending marker, in
// transactions small enough for Badger.
func Delete(db *badger.DB, b uint64) error {
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
