// Package pack keeps the bytes of documents in append-only pack files
// beside the Badger store, which keeps only where each chunk is.
//
// Why not Badger's value log: it writes every value through a memory map,
// one goroutine for the whole store, and syncs each 128 MiB file
// synchronously when it fills. Measured on the leak corpus, storing chunks
// there ran at a third of what copying the same files costs; written with
// plain writes by each import worker into its own file, with one sync at
// the end, the same import runs about as fast as the copy
// (docs/performance.md).
//
// A pack is only ever appended to, by one writer, in one session; a new
// session starts new packs. It is named by its number (from the store's
// sequence, so never reused). A chunk is found by its pack number and
// offset; its length and CRC-32C are known to the caller, which checks
// them, so this package only moves bytes and says when a pack is missing
// or too short.
//
// Where packs are kept is a Storage: LocalFiles, a folder of files, is
// the one the archive uses today; an object store can be another. What
// every storage shares sits above it: Writer numbers packs, rotates them
// and makes them durable; Encrypted encrypts any storage's bytes (see
// encrypted.go). A storage never sees plaintext when the store is
// encrypted, and never needs to know whether it is.
package pack

import (
	"errors"
	"fmt"
)

// ErrMissing is wrapped when a pack is not there.
var ErrMissing = errors.New("missing")

// ErrShort is wrapped when a pack ends before the bytes asked for.
var ErrShort = errors.New("pack file too short")

// Ref says where a chunk's bytes are.
type Ref struct {
	Pack uint64
	Off  int64
}

// Name is the file (or object) name of pack n.
func Name(n uint64) string { return fmt.Sprintf("%012d.pack", n) }

// Storage is where pack files are kept. Its methods are safe for
// concurrent use; each Appender is used by one goroutine.
type Storage interface {
	// ReadAt fills buf with the bytes of pack r.Pack from offset r.Off.
	// A pack that is not there wraps ErrMissing, one that ends too soon
	// ErrShort; any other error could not read.
	ReadAt(r Ref, buf []byte) error
	// Create starts pack n, which must not exist yet, empty, for
	// appending.
	Create(n uint64) (Appender, error)
	// Stat returns the size of pack n, or an error wrapping ErrMissing.
	Stat(n uint64) (int64, error)
	// List calls fn with the number and size of every pack, in no
	// particular order.
	List(fn func(n uint64, size int64) error) error
	// Remove deletes pack n, one an abandoned import wrote and nothing
	// refers to. A pack that is not there is not an error.
	Remove(n uint64) error
	// Close releases what the storage holds open for reading.
	Close() error
}

// Appender writes one new pack, front to back.
type Appender interface {
	// Append writes p after the bytes appended before. p is not kept
	// nor changed. Once Append returns, a crash of the process does not
	// lose the bytes; only Seal makes them durable.
	Append(p []byte) error
	// Seal makes the pack durable (its bytes and its name) and ends it.
	Seal() error
	// Abort ends the pack without making it durable; Remove then
	// deletes it.
	Abort() error
}
