// Package archivetest gives tests real archives that are cheap to make: a
// low passphrase cost and small Badger files. It is for tests only.
package archivetest

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
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

// FlipMarker damages a stored document the way bit rot would: it finds
// marker in the files of the archive folder dir that match pattern (a
// glob relative to dir, such as "store/*.vlog" or "packs/*.pack"), XORs
// the byte at offset into it with mask, and returns the file it changed
// and that file's new bytes. A marker found nowhere fails the test: the
// document's bytes are not stored where the test expects (for example in
// plain text in an encrypted store).
func FlipMarker(t testing.TB, dir, pattern string, marker []byte, offset int, mask byte) (string, []byte) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(b, marker); i >= 0 {
			b[i+offset] ^= mask
			if err := os.WriteFile(f, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return f, b
		}
	}
	t.Fatalf("%q is in none of the files %s of %s", marker, pattern, dir)
	return "", nil
}
