// Package catalog keeps one record per document: what it is (its SHA-256,
// size, media type), every name it arrived under, where it came from, and
// how it relates to other documents.
//
// Records are JSON under `doc/<sha256>` in the archive's Badger store. JSON
// keeps them readable with generic tools and lets fields be added without a
// migration. A name that is not valid UTF-8 (possible on Linux) is kept
// byte for byte in Raw, and shown escaped in Path, so nothing about where a
// document came from is lost.
package catalog

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

// Name is one name a document arrived under.
type Name struct {
	// Path is the relative path (slash separated) it was imported under,
	// always valid UTF-8; invalid bytes are shown as \xNN.
	Path string `json:"path"`
	// Raw holds the exact bytes of the path when they are not valid UTF-8.
	Raw    []byte    `json:"raw,omitempty"`
	Source string    `json:"source,omitempty"`
	Note   string    `json:"note,omitempty"`
	Time   time.Time `json:"time"`
}

// NewName builds a Name from a path that may hold any bytes.
func NewName(path string, source, note string, t time.Time) Name {
	n := Name{Path: path, Source: source, Note: note, Time: t.UTC()}
	if !utf8.ValidString(path) {
		n.Raw = []byte(path)
		n.Path = EscapeInvalid(path)
	}
	return n
}

// Bytes returns the exact bytes of the name as imported.
func (n Name) Bytes() string {
	if n.Raw != nil {
		return string(n.Raw)
	}
	return n.Path
}

// EscapeInvalid shows bytes that are not valid UTF-8 as \xNN (see
// quote.EscapeInvalid).
var EscapeInvalid = quote.EscapeInvalid

// Record describes one document.
type Record struct {
	ID        string    `json:"id"`
	Size      int64     `json:"size"`
	MediaType string    `json:"media_type"`
	Blob      uint64    `json:"blob"`
	Packed    bool      `json:"packed,omitempty"` // chunks in pack files
	Names     []Name    `json:"names"`
	Source    string    `json:"source,omitempty"`
	Note      string    `json:"note,omitempty"`
	Imported  time.Time `json:"imported"`
	Tags      []string  `json:"tags,omitempty"`
	Notes     []string  `json:"notes,omitempty"`
	// Parents and Kind are set for a document derived from others.
	Parents []string `json:"parents,omitempty"`
	Kind    string   `json:"kind,omitempty"`
}

// Layout tells the blob package where the record's bytes are.
func (r *Record) Layout() blob.Layout {
	return blob.Layout{Blob: r.Blob, Size: r.Size, Packed: r.Packed}
}

// Sum returns the document's SHA-256 as bytes.
func (r *Record) Sum() [32]byte {
	id, _ := ParseID(r.ID)
	return id
}

// FirstName is the name the document first arrived under.
func (r *Record) FirstName() string {
	if len(r.Names) == 0 {
		return ""
	}
	return r.Names[0].Path
}

// Shown is the name as a person reads it: its exact bytes through
// quote.Safe, so a byte that is not UTF-8 shows as \xNN and a name that
// really holds the characters \xNN shows as \\xNN.
func (n Name) Shown() string { return quote.Safe(n.Bytes()) }

// ShownName is the first name as a person reads it (see Name.Shown), or
// "" when the record has none.
func (r *Record) ShownName() string {
	if len(r.Names) == 0 {
		return ""
	}
	return r.Names[0].Shown()
}

// HasName reports whether the record already holds a name with these bytes.
func (r *Record) HasName(path string) bool {
	for _, n := range r.Names {
		if n.Bytes() == path {
			return true
		}
	}
	return false
}

// ParseID parses a full 64-digit hex document ID.
func ParseID(s string) ([32]byte, error) {
	var id [32]byte
	if len(s) != 64 {
		return id, fmt.Errorf("%q is not a document ID (64 hex digits)", s)
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, fmt.Errorf("%q is not a document ID (64 hex digits)", s)
	}
	return id, nil
}

// ErrNotFound means no document has the given ID or prefix.
var ErrNotFound = errors.New("no such document")

// Get reads a record by ID.
func Get(txn *badger.Txn, id [32]byte) (*Record, error) {
	item, err := txn.Get(store.DocKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("%w: %x", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	var r Record
	err = item.Value(func(v []byte) error { return decode(v, id, &r) })
	return &r, err
}

// ErrRecordCorrupt is wrapped when a stored record cannot be decoded or
// does not describe the key it is stored under.
var ErrRecordCorrupt = errors.New("document record is damaged")

func decode(v []byte, id [32]byte, r *Record) error {
	if err := json.Unmarshal(v, r); err != nil {
		return fmt.Errorf("%w: %x: %v", ErrRecordCorrupt, id, err)
	}
	if r.ID != hex.EncodeToString(id[:]) {
		return fmt.Errorf("%w: %x: record names %q", ErrRecordCorrupt, id, r.ID)
	}
	if r.Size < 0 {
		return fmt.Errorf("%w: %x: size %d", ErrRecordCorrupt, id, r.Size)
	}
	return nil
}

// Put writes a record.
func Put(txn *badger.Txn, r *Record) error {
	id, err := ParseID(r.ID)
	if err != nil {
		return err
	}
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return txn.Set(store.DocKey(id), v)
}

// IndexSize records that document id has n bytes and a first chunk with
// the CRC-32C crc (for documents of more than one chunk).
func IndexSize(txn *badger.Txn, n int64, crc uint32, id [32]byte) error {
	return txn.Set(store.SizeKey(n, crc, id), nil)
}

// SizeHeld reports whether the archive holds a document of exactly n
// bytes whose first chunk has the CRC-32C crc (keys only).
func SizeHeld(txn *badger.Txn, n int64, crc uint32) bool {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: store.SizePrefix(n, crc)})
	defer it.Close()
	it.Rewind()
	return it.Valid()
}

// Has reports whether the archive holds document id (its key only).
func Has(txn *badger.Txn, id [32]byte) (bool, error) {
	_, err := txn.Get(store.DocKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Each calls fn for every record, in ID order. A record that cannot be
// decoded is passed to bad (when not nil) and skipped.
func Each(txn *badger.Txn, fn func(*Record) error, bad func(id [32]byte, err error)) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: store.PrefixDoc, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var id [32]byte
		k := it.Item().Key()
		copy(id[:], k[len(store.PrefixDoc):])
		var r Record
		err := it.Item().Value(func(v []byte) error { return decode(v, id, &r) })
		if err != nil {
			if bad != nil {
				bad(id, err)
			}
			continue
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

// EachID calls fn with the ID of every document, reading keys only (no
// record is decoded).
func EachID(txn *badger.Txn, fn func(id [32]byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: store.PrefixDoc})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		if len(k) != len(store.PrefixDoc)+32 {
			continue
		}
		var id [32]byte
		copy(id[:], k[len(store.PrefixDoc):])
		if err := fn(id); err != nil {
			return err
		}
	}
	return nil
}

// ErrAmbiguous means a prefix matches more than one document.
var ErrAmbiguous = errors.New("more than one document starts with")

// Resolve finds the document a user means: a full ID or a unique prefix of
// at least 8 hex digits.
func Resolve(txn *badger.Txn, ref string) ([32]byte, error) {
	var zero [32]byte
	ref = strings.ToLower(strings.TrimSpace(ref))
	if len(ref) == 64 {
		return ParseID(ref)
	}
	if len(ref) < 8 || len(ref) > 64 {
		return zero, fmt.Errorf("%q: give a document ID or at least 8 of its first hex digits", ref)
	}
	if _, err := strconv.ParseUint(ref[:8], 16, 64); err != nil || strings.Trim(ref, "0123456789abcdef") != "" {
		return zero, fmt.Errorf("%q is not hex: give a document ID or at least 8 of its first hex digits", ref)
	}
	even := ref
	if len(even)%2 == 1 {
		even = even[:len(even)-1]
	}
	pb, _ := hex.DecodeString(even)
	prefix := append(append([]byte{}, store.PrefixDoc...), pb...)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	var found [][32]byte
	for it.Rewind(); it.Valid() && len(found) < 2; it.Next() {
		var id [32]byte
		copy(id[:], it.Item().Key()[len(store.PrefixDoc):])
		if strings.HasPrefix(hex.EncodeToString(id[:]), ref) {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return zero, fmt.Errorf("%w starting with %s", ErrNotFound, ref)
	case 1:
		return found[0], nil
	}
	return zero, fmt.Errorf("%w %s; type more digits", ErrAmbiguous, ref)
}
