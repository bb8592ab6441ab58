package archive_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

func openTest(t *testing.T, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return a
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readAll(t *testing.T, a *archive.Archive, id string) ([]byte, error) {
	t.Helper()
	sid, err := a.Resolve(id)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := a.OpenDoc(sid)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestRoundTripEveryByte(t *testing.T) {
	src := t.TempDir()
	sizes := map[string]int{
		"empty.txt": 0, "one.bin": 1, "below.bin": blob.ChunkSize - 1, "exact.bin": blob.ChunkSize,
		"above.bin": blob.ChunkSize + 1, "several.bin": 3*blob.ChunkSize + 5,
	}
	want := map[string][]byte{}
	for name, n := range sizes {
		want[name] = randBytes(n)
		writeFile(t, filepath.Join(src, "in", name), want[name])
	}
	a := openTest(t, t.TempDir())
	defer a.Close()
	res, err := a.Import(context.Background(), []string{filepath.Join(src, "in")}, archive.ImportOptions{Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != len(sizes) || res.Duplicates != 0 || len(res.Skipped) != 0 {
		t.Fatalf("result: %+v", res)
	}
	for name, data := range want {
		id := sum(data)
		got, err := readAll(t, a, id)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("%s: read back %d bytes, differ from the %d imported", name, len(got), len(data))
		}
		sid, _ := a.Resolve(id)
		rec, _ := a.Record(sid)
		if rec.Size != int64(len(data)) || rec.FirstName() != "in/"+name || rec.Source != "test" {
			t.Errorf("%s: record %+v", name, rec)
		}
	}
	// A ranged read across a chunk boundary.
	data := want["several.bin"]
	sid, _ := a.Resolve(sum(data))
	got, err := a.ReadRange(sid, blob.ChunkSize-10, 20)
	if err != nil || !bytes.Equal(got, data[blob.ChunkSize-10:blob.ChunkSize+10]) {
		t.Fatalf("ReadRange: %v", err)
	}
}

func countKeys(t *testing.T, a *archive.Archive, prefix []byte) int {
	t.Helper()
	n := 0
	err := a.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDedupKeepsEveryName(t *testing.T) {
	src := t.TempDir()
	big := randBytes(2*blob.ChunkSize + 7)
	small := []byte("the same short memo")
	writeFile(t, filepath.Join(src, "a", "memo.txt"), small)
	writeFile(t, filepath.Join(src, "a", "copy of memo.txt"), small)
	writeFile(t, filepath.Join(src, "a", "big.bin"), big)
	writeFile(t, filepath.Join(src, "b", "big again.bin"), big)
	a := openTest(t, t.TempDir())
	defer a.Close()
	res, err := a.Import(context.Background(), []string{filepath.Join(src, "a")}, archive.ImportOptions{Source: "first"})
	if err != nil || res.Added != 2 || res.Duplicates != 1 {
		t.Fatalf("first import: %+v %v", res, err)
	}
	chunks := countKeys(t, a, store.PrefixChunk)
	if chunks != 3+1 {
		t.Fatalf("%d chunks stored, want 4 (3 for big.bin, 1 for the memo)", chunks)
	}
	res, err = a.Import(context.Background(), []string{filepath.Join(src, "b")}, archive.ImportOptions{Source: "second"})
	if err != nil || res.Added != 0 || res.Duplicates != 1 {
		t.Fatalf("second import: %+v %v", res, err)
	}
	if got := countKeys(t, a, store.PrefixChunk); got != chunks {
		t.Fatalf("re-import stored bytes again: %d chunks, want %d", got, chunks)
	}
	if n := countKeys(t, a, store.PrefixPend); n != 0 {
		t.Fatalf("%d pending markers left", n)
	}
	sid, _ := a.Resolve(sum(big))
	rec, _ := a.Record(sid)
	if len(rec.Names) != 2 || rec.Names[0].Path != "a/big.bin" || rec.Names[1].Path != "b/big again.bin" ||
		rec.Names[1].Source != "second" {
		t.Fatalf("names: %+v", rec.Names)
	}
	sid, _ = a.Resolve(sum(small))
	rec, _ = a.Record(sid)
	if len(rec.Names) != 2 {
		t.Fatalf("memo names: %+v", rec.Names)
	}
}

func TestOddNames(t *testing.T) {
	src := t.TempDir()
	names := []string{
		"caf\xe9-latin1-\xff\xfe.txt",
		strings.Repeat("é", 127) + ".t",   // 256 bytes: too long for ext4, must be skipped per file
		strings.Repeat("é", 126) + ".txt", // 256 bytes too
		strings.Repeat("x", 251) + ".txt", // exactly 255 bytes
		"CON", "aux.txt", "what?.txt", "trailing dot.", "Board deck 🚀 draft.jpg", "Отчёт 报告.eml",
	}
	var made []string
	for i, n := range names {
		p := filepath.Join(src, "odd", n)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte{byte(i), 'x'}, 0o644); err != nil {
			continue // the file system refuses this name; that is the point of the case
		}
		made = append(made, n)
	}
	// Windows refuses the reserved names, "?", the trailing dot and the
	// Latin-1 bytes; ext4 refuses the 256-byte names.
	least := 7
	if runtime.GOOS == "windows" {
		least = 5
	}
	if len(made) < least {
		t.Fatalf("could create only %d odd names", len(made))
	}
	a := openTest(t, t.TempDir())
	defer a.Close()
	res, err := a.Import(context.Background(), []string{filepath.Join(src, "odd")}, archive.ImportOptions{})
	if err != nil || res.Added != len(made) {
		t.Fatalf("import: %+v %v", res, err)
	}
	for _, f := range res.Files {
		sid, _ := a.Resolve(f.ID)
		rec, _ := a.Record(sid)
		if got := rec.Names[0].Bytes(); got != "odd/"+filepath.Base(f.Path) {
			t.Errorf("name bytes %q, want %q", got, "odd/"+filepath.Base(f.Path))
		}
	}
	out := t.TempDir()
	var ids [][32]byte
	for _, f := range res.Files {
		sid, _ := a.Resolve(f.ID)
		ids = append(ids, sid)
	}
	exp, err := a.Export(context.Background(), ids, out, nil)
	if err != nil || len(exp) != len(made) {
		t.Fatalf("export: %d files, %v", len(exp), err)
	}
	for _, e := range exp {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(e.Path)))
		if err != nil || sum(data) != e.ID {
			t.Errorf("exported %s: %v", e.Path, err)
		}
	}
}

func TestSecondOpenIsRefusedPlainly(t *testing.T) {
	dir := t.TempDir()
	a := openTest(t, dir)
	defer a.Close()
	_, err := archive.Open(dir, archivetest.Options(false))
	if !errors.Is(err, archive.ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	if err.Error() != "this archive is already open in another Custody window or command; close it and try again" {
		t.Fatalf("message: %q", err)
	}
}

func TestOpenWithoutArchive(t *testing.T) {
	_, err := archive.Open(t.TempDir(), archive.Options{})
	if !errors.Is(err, archive.ErrNoArchive) {
		t.Fatalf("err %v", err)
	}
}

func TestExportNeverOverwrites(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "r.txt"), []byte("new"))
	a := openTest(t, t.TempDir())
	defer a.Close()
	res, err := a.Import(context.Background(), []string{filepath.Join(src, "r.txt")}, archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "r.txt"), []byte("old"))
	if err := os.Symlink("/etc/passwd", filepath.Join(out, "r (2).txt")); err != nil {
		// Windows without the right to make links: an ordinary file
		// takes the name instead.
		writeFile(t, filepath.Join(out, "r (2).txt"), []byte("taken"))
	}
	sid, _ := a.Resolve(res.Files[0].ID)
	exp, err := a.Export(context.Background(), [][32]byte{sid}, out, nil)
	if err != nil || len(exp) != 1 || exp[0].Path != "r (3).txt" {
		t.Fatalf("export %+v %v", exp, err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "r.txt")); string(b) != "old" {
		t.Fatal("existing file overwritten")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "r (3).txt")); string(b) != "new" {
		t.Fatalf("exported %q", b)
	}
}

// A copy of a large document imported again is recognised before any of
// its bytes are stored: the store does not grow by the document's size.
// A different file of the same size is still stored.
func TestReimportStoresNoBytes(t *testing.T) {
	src, dir := t.TempDir(), t.TempDir()
	big := randBytes(3*blob.ChunkSize + 11)
	other := randBytes(len(big))
	writeFile(t, filepath.Join(src, "a", "big.bin"), big)
	writeFile(t, filepath.Join(src, "b", "big again.bin"), big)
	writeFile(t, filepath.Join(src, "c", "same size.bin"), other)
	importDir := func(sub string) *archive.ImportResult {
		t.Helper()
		a := openTest(t, dir)
		defer a.Close()
		res, err := a.Import(context.Background(), []string{filepath.Join(src, sub)}, archive.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	importDir("a")
	before := storedBytes(t, dir)
	if res := importDir("b"); res.Added != 0 || res.Duplicates != 1 {
		t.Fatalf("re-import: %+v", res)
	}
	if grew := storedBytes(t, dir) - before; grew > blob.ChunkSize/2 {
		t.Fatalf("re-importing a known %d-byte document grew the stored bytes by %d", len(big), grew)
	}
	if res := importDir("c"); res.Added != 1 || res.Duplicates != 0 {
		t.Fatalf("same size, other bytes: %+v", res)
	}
	a := openTest(t, dir)
	for _, want := range [][]byte{big, other} {
		got, err := readAll(t, a, sum(want))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("read back %d bytes (%v), want %d", len(got), err, len(want))
		}
	}
	sid, _ := a.Resolve(sum(big))
	rec, _ := a.Record(sid)
	if len(rec.Names) != 2 || rec.Names[1].Path != "b/big again.bin" {
		t.Fatalf("names: %+v", rec.Names)
	}
	if n := countKeys(t, a, store.PrefixSize); n != 2 {
		t.Fatalf("%d size keys, want 2", n)
	}

	// An archive written before the size index: the next writable open
	// indexes every record.
	err := a.DB().DropPrefix(store.PrefixSize, store.KeySizeIndex)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	a = openTest(t, dir)
	if n := countKeys(t, a, store.PrefixSize); n != 2 {
		t.Fatalf("after reopening an archive without the index: %d size keys, want 2", n)
	}
	a.Close()
	if res := importDir("b"); res.Added != 0 || res.Duplicates != 1 {
		t.Fatalf("re-import after indexing: %+v", res)
	}
}

// storedBytes is the size of the store's value-log files and of the pack
// files (of a closed archive, whose files Badger has trimmed to their
// contents): where documents' bytes go.
func storedBytes(t *testing.T, dir string) int64 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, archive.StoreDir, "*.vlog"))
	packs, _ := filepath.Glob(filepath.Join(dir, archive.PackDir, "*.pack"))
	files = append(files, packs...)
	var n int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// Copies of one large file within a single import are stored once: the
// first of each size is stored, the others are hashed, wait for it to
// reach the committer, and add only their names. Files of that size with
// other bytes are stored. With the passphrase checked in the background
// nothing commits until it is, and the copies must not wait for that.
func TestCopiesInOneImportStoreOnce(t *testing.T) {
	for _, background := range []bool{false, true} {
		t.Run(fmt.Sprintf("background=%v", background), func(t *testing.T) {
			src, dir := t.TempDir(), t.TempDir()
			n := 3*blob.ChunkSize + 5
			same := randBytes(n)
			others := [][]byte{randBytes(n), randBytes(n)}
			for i := range 4 {
				writeFile(t, filepath.Join(src, "copies", fmt.Sprintf("copy %d.bin", i)), same)
			}
			for i, b := range others {
				writeFile(t, filepath.Join(src, "others", fmt.Sprintf("other %d.bin", i)), b)
			}
			open := func() *archive.Archive {
				t.Helper()
				opt := archivetest.Options(true)
				if background {
					opt = archivetest.Plain(true)
					opt.UnlockInBackground = true
				}
				a, err := archive.Open(dir, opt)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			open().Close()
			before := storedBytes(t, dir)
			a := open()
			res, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{Workers: 4})
			if err != nil || res.Added != 3 || res.Duplicates != 3 {
				t.Fatalf("import: %+v %v", res, err)
			}
			a.Close()
			if grew, limit := storedBytes(t, dir)-before, int64(3*n+blob.ChunkSize); grew > limit {
				t.Fatalf("the stored bytes grew by %d for 3 distinct documents of %d bytes (limit %d): copies were stored", grew, n, limit)
			}
			a = open()
			defer a.Close()
			for _, want := range append(others, same) {
				got, err := readAll(t, a, sum(want))
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("read back %d bytes (%v)", len(got), err)
				}
			}
			sid, _ := a.Resolve(sum(same))
			rec, _ := a.Record(sid)
			if len(rec.Names) != 4 {
				t.Fatalf("names of the copied document: %+v", rec.Names)
			}
			if n := countKeys(t, a, store.PrefixPend); n != 0 {
				t.Fatalf("%d pending markers left", n)
			}
		})
	}
}

// A listing made by Scan before the archive is open imports exactly what
// Import would have found itself; a listing of other paths is ignored.
func TestImportFromScan(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "a", "one.txt"), []byte("one"))
	writeFile(t, filepath.Join(src, "a", "sub", "two.txt"), []byte("two"))
	writeFile(t, filepath.Join(src, "b", "three.txt"), []byte("three"))
	links := 1
	if err := os.Symlink("one.txt", filepath.Join(src, "a", "link")); err != nil {
		if runtime.GOOS != "windows" {
			t.Fatal(err)
		}
		links = 0 // Windows without the right to make links
	}
	paths := []string{filepath.Join(src, "a")}
	listing := archive.Scan(context.Background(), paths)
	writeFile(t, filepath.Join(src, "a", "later.txt"), []byte("added after the scan"))

	a := openTest(t, t.TempDir())
	defer a.Close()
	res, err := a.Import(context.Background(), paths, archive.ImportOptions{Listing: listing})
	if err != nil || res.Added != 2 || len(res.Skipped) != links {
		t.Fatalf("import from the listing: %+v %v", res, err)
	}
	other := []string{filepath.Join(src, "b")}
	res, err = a.Import(context.Background(), other, archive.ImportOptions{Listing: listing})
	if err != nil || res.Added != 1 || res.Files[0].Path != filepath.Join(src, "b", "three.txt") {
		t.Fatalf("a listing of other paths was not ignored: %+v %v", res, err)
	}
}

// A file that cannot be read is skipped, but a pack file that cannot be
// written stops the import: the problem is the archive's, not the file's.
// Every document committed before stays whole.
func TestPackWriteFailureStopsTheImport(t *testing.T) {
	src, dir := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(src, "first", "a.bin"), randBytes(200<<10))
	writeFile(t, filepath.Join(src, "second", "b.bin"), randBytes(200<<10))
	writeFile(t, filepath.Join(src, "second", "c.bin"), randBytes(300<<10))
	a := openTest(t, dir)
	defer a.Close()
	if _, err := a.Import(context.Background(), []string{filepath.Join(src, "first")}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// The pack folder becomes a file: creating the next pack file fails.
	packs := filepath.Join(dir, archive.PackDir)
	if err := os.Rename(packs, packs+".moved"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, packs, []byte("not a folder"))
	res, err := a.Import(context.Background(), []string{filepath.Join(src, "second")}, archive.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "could not save to the archive: writing a pack file") {
		t.Fatalf("import: %v", err)
	}
	if len(res.Skipped) != 0 || res.Added != 0 {
		t.Fatalf("result: %+v", res)
	}
	os.Remove(packs)
	if err := os.Rename(packs+".moved", packs); err != nil {
		t.Fatal(err)
	}
	recs, err := a.Records()
	if err != nil || len(recs) != 1 || !strings.HasSuffix(recs[0].FirstName(), "a.bin") {
		t.Fatalf("records: %d %v", len(recs), err)
	}
	if got, err := readAll(t, a, recs[0].ID); err != nil || len(got) != 200<<10 {
		t.Fatalf("read back %d bytes: %v", len(got), err)
	}
}
