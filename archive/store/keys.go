package store

import "encoding/binary"

// Key prefixes of the archive's Badger store. docs/architecture.md lists
// the whole layout; each owner package documents its own values.
var (
	PrefixDoc   = []byte("doc/")
	PrefixChunk = []byte("chunk/")
	PrefixPend  = []byte("pend/")
	PrefixSize  = []byte("size/")
	// PrefixChecked keys each document's last fixity check (archive's
	// checked.go): its time and outcome.
	PrefixChecked = []byte("checked/")
	KeyFormat     = []byte("meta/format")
	KeyBlobSeq    = []byte("seq/blob")
	// KeySizeIndex is set once every document stored in pack files (or big
	// enough to be) has
	// its size/ key.
	KeySizeIndex = []byte("meta/size-index-3")
)

// SizePrefix is the prefix of the size/ keys of the documents of n bytes
// whose first chunk has the CRC-32C crc.
func SizePrefix(n int64, crc uint32) []byte {
	k := make([]byte, len(PrefixSize)+12, len(PrefixSize)+12+32)
	copy(k, PrefixSize)
	binary.BigEndian.PutUint64(k[len(PrefixSize):], uint64(n))
	binary.BigEndian.PutUint32(k[len(PrefixSize)+8:], crc)
	return k
}

// SizeKey indexes document id (empty value) under its size n and its
// first chunk's CRC-32C, so that an import can tell cheaply whether a
// large file could be a copy of a document the archive holds.
func SizeKey(n int64, crc uint32, id [32]byte) []byte {
	return append(SizePrefix(n, crc), id[:]...)
}

// DocKey is the key of a document's record.
func DocKey(id [32]byte) []byte {
	return append(append(make([]byte, 0, len(PrefixDoc)+32), PrefixDoc...), id[:]...)
}

// ChunkKey is the key of chunk index i of blob b.
func ChunkKey(b uint64, i uint32) []byte {
	k := make([]byte, len(PrefixChunk)+12)
	n := copy(k, PrefixChunk)
	binary.BigEndian.PutUint64(k[n:], b)
	binary.BigEndian.PutUint32(k[n+8:], i)
	return k
}

// ChunkPrefix is the prefix of every chunk of blob b.
func ChunkPrefix(b uint64) []byte {
	return ChunkKey(b, 0)[:len(PrefixChunk)+8]
}

// ParseChunkKey splits a chunk key; ok is false for any other key.
func ParseChunkKey(k []byte) (b uint64, i uint32, ok bool) {
	if len(k) != len(PrefixChunk)+12 || string(k[:len(PrefixChunk)]) != string(PrefixChunk) {
		return 0, 0, false
	}
	n := len(PrefixChunk)
	return binary.BigEndian.Uint64(k[n:]), binary.BigEndian.Uint32(k[n+8:]), true
}

// PendKey marks blob b as an upload in progress.
func PendKey(b uint64) []byte {
	k := make([]byte, len(PrefixPend)+8)
	n := copy(k, PrefixPend)
	binary.BigEndian.PutUint64(k[n:], b)
	return k
}

// CheckedKey is the key of document id's last fixity check.
func CheckedKey(id [32]byte) []byte {
	return append(append(make([]byte, 0, len(PrefixChecked)+32), PrefixChecked...), id[:]...)
}
