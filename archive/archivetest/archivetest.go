// Package archivetest gives tests real archives that are cheap to make: a
// low passphrase cost and small Badger files. It is for tests only.
package archivetest

import (
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/store"
)

// Passphrase is the passphrase of every test archive.
const Passphrase = "correct horse battery staple"

// Config keeps Badger's files small so tests need little disk.
var Config = store.Config{ValueLogFileSize: 16 << 20, MemTableSize: 4 << 20}

// Options opens (and with create, creates) a test archive.
func Options(create bool) archive.Options {
	return archive.Options{
		Create:     create,
		Passphrase: []byte(Passphrase),
		New: keys.CreateOptions{Name: "Test Archivist", Organisation: "Test Desk",
			EncryptStore: true, ScryptLogN: keys.MinScryptLogN},
		Store: Config,
	}
}

// Plain is Options for an archive whose store is not encrypted, so tests
// can find and damage a document's bytes on disk.
func Plain(create bool) archive.Options {
	o := Options(create)
	o.New.EncryptStore = false
	return o
}

// ReadOnly opens a test archive read-only, as checks do.
func ReadOnly() archive.Options {
	o := Options(false)
	o.Store.ReadOnly = true
	return o
}

// Open creates (if needed) and opens a test archive in dir, closed when
// the test ends.
func Open(t testing.TB, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(dir, Options(true))
	if err != nil {
		t.Fatalf("opening a test archive: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
