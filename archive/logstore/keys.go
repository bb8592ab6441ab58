package logstore

import (
	"bytes"
	"encoding/binary"
)

// Key prefixes of the log in the archive's Badger store.
var (
	SizeKey          = []byte("log/size")
	EventPrefix      = []byte("log/e/")
	HashPrefix       = []byte("log/h/")
	CheckpointPrefix = []byte("log/cp/")
	DocPrefix        = []byte("log/doc/")
)

// EventKey is the key of the event at index i.
func EventKey(i int64) []byte { return withInt(EventPrefix, i) }

// HashKey is the key of the hash at stored-hash index i (tlog.StoredHashIndex).
func HashKey(i int64) []byte { return withInt(HashPrefix, i) }

// CheckpointKey is the key of the signed checkpoint of the tree of size n.
func CheckpointKey(n int64) []byte { return withInt(CheckpointPrefix, n) }

// DocKey is the index entry saying that event i names document doc.
func DocKey(doc [32]byte, i int64) []byte {
	k := make([]byte, 0, len(DocPrefix)+32+8)
	k = append(k, DocPrefix...)
	k = append(k, doc[:]...)
	return binary.BigEndian.AppendUint64(k, uint64(i))
}

// KeyInt returns the 8-byte big-endian number after prefix in key, or
// false when key does not have that shape.
func KeyInt(key, prefix []byte) (int64, bool) {
	if len(key) != len(prefix)+8 || !bytes.HasPrefix(key, prefix) {
		return 0, false
	}
	v := binary.BigEndian.Uint64(key[len(prefix):])
	if v > 1<<62 {
		return 0, false
	}
	return int64(v), true
}

func withInt(prefix []byte, i int64) []byte {
	k := make([]byte, 0, len(prefix)+8)
	k = append(k, prefix...)
	return binary.BigEndian.AppendUint64(k, uint64(i))
}
