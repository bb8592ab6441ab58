// Package archivetest gives tests real archives that are cheap to make (a
// low passphrase cost, small Badger files), the trees of files they
// import, and the faults they suffer: trees with known sizes and SHA-256
// sums, generated from a seed so a failure can be replayed; child
// processes of the test binary for faults that would kill the process
// running them (kill -9, SIGBUS on a full disk); small file systems to
// fill; and looks inside a store that only a test may take.
//
// Everything here is real: real files in the test's temporary folder,
// real processes, real mounts. It is for tests only, and it stays on the
// archive's side of the walls: it imports nothing from verify/ or app/,
// so the archive's own tests can use it. The end-to-end tests (app/e2e)
// use it too.
package archivetest

import (
	"bytes"
	"context"
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

// Config keeps Badger's files small so tests need little disk, as the
// crash and disk-full tests need.
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

// WithFiles opens a new test archive (closed when the test ends) holding
// files (slash-separated name → content), imported from one folder named
// "leak", so a document's first name is "leak/" + its name.
func WithFiles(t testing.TB, files map[string]string) *archive.Archive {
	t.Helper()
	a := Open(t, filepath.Join(t.TempDir(), "arc"))
	src := filepath.Join(t.TempDir(), "leak")
	for name, text := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return a
}

// AllDocs lists the IDs of every document the archive holds.
func AllDocs(t testing.TB, a *archive.Archive) [][32]byte {
	t.Helper()
	recs, err := a.Records()
	if err != nil {
		t.Fatal(err)
	}
	var ids [][32]byte
	for _, r := range recs {
		ids = append(ids, r.Sum())
	}
	return ids
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
