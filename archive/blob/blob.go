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
//
// A Store holds the two places chunks are kept, the Badger store and the
// pack storage, so that readers name one thing (store.go).
package blob

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/custody-app/custody/archive/pack"
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
