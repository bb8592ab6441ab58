package fixity_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

// packedMarker is in the third chunk of "marked big.bin", a document
// whose bytes go to pack files.
var packedMarker = []byte("PACKED-MARKER-0b7e4d2a91c6f358-PACKED")

// fixture imports a few documents, one of them holding a unique marker, and
// returns the archive folder (closed) and the marked document's ID. The
// marked document is small, so its bytes are in Badger's value log;
// "marked big.bin" holds packedMarker and is stored in pack files.
func fixture(t *testing.T) (dir, marked string, marker []byte) {
	t.Helper()
	src := t.TempDir()
	marker = []byte("UNIQUE-MARKER-7f3a9c21e4b85d06-UNIQUE")
	doc := append(bytes.Repeat([]byte("padding "), 4096), marker...)
	doc = append(doc, bytes.Repeat([]byte(" tail"), 4096)...)
	big := bytes.Repeat([]byte("big "), (2*blob.ChunkSize+1000)/4)
	copy(big[2*blob.ChunkSize+100:], packedMarker)
	files := map[string][]byte{"marked.txt": doc, "other.bin": make([]byte, 3*blob.ChunkSize+11), "small.txt": []byte("hello"),
		"marked big.bin": big}
	rand.Read(files["other.bin"])
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(src, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir = t.TempDir()
	a, err := archive.Open(dir, archivetest.Plain(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if rep := fixity.Check(context.Background(), a, fixity.Options{}); rep.Verdict != report.Intact {
		t.Fatalf("fresh archive: %s %+v", rep.Verdict, rep.Findings)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(doc)
	return dir, hex.EncodeToString(s[:]), marker
}

// reopen opens read-only, as "custody verify" does: a read-write open lets
// Badger cut its newest value-log file at the first damaged entry.
func reopen(t *testing.T, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(dir, archivetest.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func storeFiles(t *testing.T, dir, ext string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, archive.StoreDir, "*"+ext))
	sort.Strings(m)
	return m
}

func TestFlippedValueLogByteIsAttributed(t *testing.T) {
	dir, marked, marker := fixture(t)
	archivetest.FlipMarker(t, dir, "store/*.vlog", marker, 5, 0x01)
	a := reopen(t, dir)
	rep := fixity.Check(context.Background(), a, fixity.Options{})
	if rep.Verdict != report.Corrupt || rep.ExitCode(false) != 1 {
		t.Fatalf("verdict %s", rep.Verdict)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Code != fixity.ChunkCorrupt || rep.Findings[0].Doc != marked ||
		!strings.HasSuffix(rep.Findings[0].Path, "/marked.txt") {
		t.Fatalf("findings %+v", rep.Findings)
	}
	// Reading it stops with an error, and hands out no wrong byte.
	id, _ := a.Resolve(marked)
	r, _, _ := a.OpenDoc(id)
	got, err := io.ReadAll(r)
	if !errors.Is(err, blob.ErrCorrupt) {
		t.Fatalf("read error %v", err)
	}
	if bytes.Contains(got, marker[:5]) && len(got) > 0 {
		t.Fatalf("damaged bytes were handed out")
	}
}

func TestTruncatedValueLog(t *testing.T) {
	dir, _, _ := fixture(t)
	var biggest string
	var size int64
	for _, f := range storeFiles(t, dir, ".vlog") {
		if fi, _ := os.Stat(f); fi.Size() > size {
			biggest, size = f, fi.Size()
		}
	}
	// Cut the file inside the first document stored in it (the small
	// documents are in the value log): everything stored later is gone.
	if err := os.Truncate(biggest, 16<<10); err != nil {
		t.Fatal(err)
	}
	a := reopen(t, dir)
	rep := fixity.Check(context.Background(), a, fixity.Options{})
	if rep.Verdict != report.Corrupt && rep.Verdict != report.Unreadable {
		t.Fatalf("verdict %s after truncation", rep.Verdict)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range rep.Findings {
		if f.Doc == "" && f.Code != fixity.StoreLogError && f.Code != fixity.StoreTableCorrupt {
			t.Errorf("finding names no document: %+v", f)
		}
	}
}

func TestDamagedIndexChangesNothing(t *testing.T) {
	dir, _, _ := fixture(t)
	manifest := filepath.Join(dir, archive.StoreDir, "MANIFEST")
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-3] ^= 0xff
	os.WriteFile(manifest, b, 0o644)
	before := snapshot(t, dir)
	_, err = archive.Open(dir, archivetest.Options(false))
	if !errors.Is(err, store.ErrIndexDamaged) {
		t.Fatalf("open: %v", err)
	}
	if after := snapshot(t, dir); after != before {
		t.Fatalf("the archive folder changed:\n%s\n---\n%s", before, after)
	}
}

// snapshot lists every file in the store with its size and hash.
func snapshot(t *testing.T, dir string) string {
	var out bytes.Buffer
	filepath.Walk(filepath.Join(dir, archive.StoreDir), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		s := sha256.Sum256(b)
		out.WriteString(filepath.Base(p) + " " + hex.EncodeToString(s[:8]) + "\n")
		return nil
	})
	return out.String()
}

func TestEncryptedStoreHoldsNoPlaintext(t *testing.T) {
	src := t.TempDir()
	sentence := []byte("The minister met the contractor on 4 March at the harbour office.")
	os.WriteFile(filepath.Join(src, "memo.txt"), bytes.Repeat(sentence, 100), 0o644)
	// Large enough for pack files.
	os.WriteFile(filepath.Join(src, "report.txt"), bytes.Repeat(sentence, 30000), 0o644)
	dir := t.TempDir()
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{Source: "harbour leak"}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, needle := range [][]byte{sentence[:24], []byte("harbour leak"), []byte("memo.txt")} {
			if bytes.Contains(b, needle) {
				t.Errorf("%s holds %q in plain text", filepath.Base(p), needle)
			}
		}
		return nil
	})
}

// A writable open must not let Badger cut its newest value-log file at a
// damaged entry (which would silently drop every later document in it).
func TestWritableOpenKeepsDamagedNewestFile(t *testing.T) {
	dir, marked, marker := fixture(t)
	damaged, before := archivetest.FlipMarker(t, dir, "store/*.vlog", marker, 5, 0x01)
	_, err := archive.Open(dir, archivetest.Plain(false))
	var nf *store.ErrNewestFileDamaged
	if !errors.As(err, &nf) {
		t.Fatalf("writable open: %v", err)
	}
	if after, _ := os.ReadFile(damaged); !bytes.Equal(after, before) {
		t.Fatalf("the damaged file changed: %d bytes, was %d", len(after), len(before))
	}
	if g, _ := filepath.Glob(filepath.Join(dir, archive.StoreDir, "*.guard")); len(g) != 0 {
		t.Fatalf("guard copies left: %v", g)
	}
	// Read-only, every other document is still there and whole.
	a := reopen(t, dir)
	rep := fixity.Check(context.Background(), a, fixity.Options{})
	if len(rep.Findings) != 1 || rep.Findings[0].Doc != marked {
		t.Fatalf("findings %+v", rep.Findings)
	}
}

// packFiles lists the archive's pack files.
func packFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, archive.PackDir, "*.pack"))
	sort.Strings(m)
	if len(m) == 0 {
		t.Fatal("no pack files")
	}
	return m
}

// bigDoc is the ID of "marked big.bin" in the fixture's archive.
func bigDoc(t *testing.T, a *archive.Archive) string {
	t.Helper()
	var id string
	a.Each(func(r *catalog.Record) error {
		if strings.HasSuffix(r.FirstName(), "/marked big.bin") {
			id = r.ID
		}
		return nil
	}, nil)
	if id == "" {
		t.Fatal("marked big.bin is not in the archive")
	}
	return id
}

// Damage to a pack file is found, named by document and chunk, and no
// wrong byte is handed out; every other document stays intact.
func TestDamagedPackFile(t *testing.T) {
	cases := []struct {
		name    string
		damage  func(t *testing.T, dir string)
		code    string
		message string
	}{
		{"byte flipped", func(t *testing.T, dir string) {
			archivetest.FlipMarker(t, dir, "packs/*.pack", packedMarker, 3, 0x20)
		}, fixity.ChunkCorrupt, "chunk 3 of 3 is damaged: corrupt: CRC-32C is"},
		{"file cut short", func(t *testing.T, dir string) {
			for _, f := range packFiles(t, dir) {
				b, _ := os.ReadFile(f)
				if i := bytes.Index(b, packedMarker); i >= 0 {
					os.Truncate(f, int64(i))
				}
			}
		}, fixity.ChunkCorrupt, "chunk 3 of 3 is damaged: corrupt: pack file too short"},
		{"file removed", func(t *testing.T, dir string) {
			for _, f := range packFiles(t, dir) {
				if b, _ := os.ReadFile(f); bytes.Contains(b, packedMarker) {
					os.Remove(f)
				}
			}
		}, fixity.ChunkMissing, "chunk 1 of 3 is missing from the store"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, _, _ := fixture(t)
			before := func() map[string]string {
				a := reopen(t, dir)
				defer a.Close()
				return map[string]string{"big": bigDoc(t, a)}
			}()
			c.damage(t, dir)
			a := reopen(t, dir)
			rep := fixity.Check(context.Background(), a, fixity.Options{})
			if rep.Verdict != report.Corrupt || rep.ExitCode(false) != 1 {
				t.Fatalf("verdict %s, findings %+v", rep.Verdict, rep.Findings)
			}
			// The two large documents may share a pack file: only
			// findings about documents in the damaged file are allowed,
			// and the marked one must be among them.
			found := false
			for _, f := range rep.Findings {
				if f.Doc == before["big"] {
					found = true
					if f.Code != c.code || !strings.Contains(f.Message, c.message) {
						t.Errorf("finding %s %q, want %s %q", f.Code, f.Message, c.code, c.message)
					}
				}
			}
			if !found {
				t.Fatalf("the damaged document is not named: %+v", rep.Findings)
			}
			id, _ := a.Resolve(before["big"])
			r, _, _ := a.OpenDoc(id)
			got, err := io.ReadAll(r)
			if err == nil || bytes.Contains(got, packedMarker[:3]) {
				t.Fatalf("read %d bytes, error %v: damaged bytes were handed out", len(got), err)
			}
		})
	}
}
