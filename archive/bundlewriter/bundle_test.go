package bundlewriter_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

var ctx = context.Background()

// newArchive imports files (name → content) from one folder, "leak".
func newArchive(t *testing.T, files map[string]string) *archive.Archive {
	return archivetest.WithFiles(t, files)
}

func allDocs(t *testing.T, a *archive.Archive) [][32]byte { return archivetest.AllDocs(t, a) }

// TestExportEvent: the export event comes after the checkpoint the bundle
// carries, and the next bundle proves it extends that checkpoint.
func TestExportEvent(t *testing.T) {
	a := newArchive(t, map[string]string{"a.txt": "a", "b.txt": "b"})
	first, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(t.TempDir(), "one"), Docs: allDocs(t, a), Note: "for the court"})
	if err != nil {
		t.Fatal(err)
	}
	if first.CheckpointSize != 2 || first.Events != 2 || len(first.ConsistentFrom) != 0 {
		t.Fatalf("first bundle %+v", first)
	}
	b, err := logstore.ReadEvent(a.DB(), first.CheckpointSize)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := provenance.ParseEvent(b)
	if ev.Type != provenance.Export || ev.Bundle != first.ID || ev.CheckpointSize != 2 || len(ev.Docs) != 2 || ev.Note != "for the court" {
		t.Fatalf("export event %+v", ev)
	}
	if sizes, _ := a.ExportedSizes(); !slices.Equal(sizes, []int64{2}) {
		t.Fatalf("exported sizes %v", sizes)
	}
	if cp, _ := logstore.Latest(a.DB()); cp == nil || cp.Size != 3 {
		t.Fatalf("no checkpoint signed over the export event: %+v", cp)
	}
	out := filepath.Join(t.TempDir(), "two")
	second, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: allDocs(t, a)[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if second.CheckpointSize != 3 || !slices.Equal(second.ConsistentFrom, []int64{2}) || second.Events != 2 {
		t.Fatalf("second bundle %+v", second)
	}
	cons, _ := os.ReadFile(filepath.Join(out, "custody", "consistency.json"))
	note, _ := os.ReadFile(filepath.Join(filepath.Dir(first.Path), "one", "custody", "checkpoint"))
	if !strings.Contains(string(cons), `"size":2,"checkpoint":`+strings.ReplaceAll(fmt.Sprintf("%q", note), `\u2014`, "—")) {
		t.Errorf("consistency.json lacks the first bundle's checkpoint:\n%s\n%q", cons, note)
	}
}

func TestAncestors(t *testing.T) {
	a := newArchive(t, map[string]string{"orig.txt": "secret names"})
	red := filepath.Join(t.TempDir(), "red.txt")
	os.WriteFile(red, []byte("██ names"), 0o644)
	parent := allDocs(t, a)[0]
	rec, err := a.Derive(ctx, red, [][32]byte{parent}, "redaction", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, with := range []bool{false, true} {
		res, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(t.TempDir(), "b"), Docs: [][32]byte{rec.Sum()}, WithAncestors: with})
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if with {
			want = 2
		}
		if len(res.Files) != want || res.Events < 2 {
			t.Errorf("with ancestors %v: %d files, %d events", with, len(res.Files), res.Events)
		}
	}
}

// Bundling many documents reads the catalog in one pass instead of a
// lookup each: the same files come out, derived documents still bring
// their ancestors, and a document the archive lacks is still named.
func TestManyDocuments(t *testing.T) {
	files := map[string]string{}
	for i := range 300 {
		files[fmt.Sprintf("mail/%03d.eml", i)] = fmt.Sprintf("message %d", i)
	}
	a := newArchive(t, files)
	docs := allDocs(t, a)
	red := filepath.Join(t.TempDir(), "red.txt")
	os.WriteFile(red, []byte("message ██"), 0o644)
	rec, err := a.Derive(ctx, red, [][32]byte{docs[0]}, "redaction", "")
	if err != nil {
		t.Fatal(err)
	}
	asked := append(slices.Clone(docs[1:]), rec.Sum()) // all but the original, which comes as an ancestor
	res, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(t.TempDir(), "b"), Docs: asked, WithAncestors: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range res.Files {
		got[f.Doc] = true
	}
	if len(res.Files) != 301 || len(got) != 301 || !got[rec.ID] || !got[hex.EncodeToString(docs[0][:])] {
		t.Fatalf("%d files (%d distinct); want the 300 documents and the redaction", len(res.Files), len(got))
	}
	missing := [32]byte{0xde, 0xad}
	_, err = bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(t.TempDir(), "c"), Docs: append(slices.Clone(docs), missing)})
	if !errors.Is(err, catalog.ErrNotFound) || !strings.Contains(err.Error(), "dead00") {
		t.Fatalf("a document the archive lacks: %v", err)
	}
}

// With the passphrase checked in the background (the CLI does so for an
// unencrypted store), a wrong one stops the copy and leaves nothing: no
// bundle, no temporary file, no folder made for it, no event.
func TestWrongPassphraseInBackground(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arc")
	a, err := archive.Open(dir, archivetest.Plain(true))
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	for i := range 40 {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("%02d.bin", i)), bytes.Repeat([]byte{byte(i)}, 300_000), 0o644)
	}
	if _, err := a.Import(ctx, []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	docs := allDocs(t, a)
	a.Close()
	opt := archivetest.Plain(false)
	opt.Passphrase = []byte("not the passphrase")
	opt.UnlockInBackground = true
	a, err = archive.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, name := range []string{"b", "b.zip"} {
		outDir := t.TempDir()
		// In folders that do not exist yet: they go too.
		_, err = bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(outDir, "new", "deeper", name), Docs: docs})
		if !errors.Is(err, keys.ErrWrongPassphrase) {
			t.Fatalf("%s: Create = %v, want the wrong passphrase", name, err)
		}
		if left, _ := os.ReadDir(outDir); len(left) != 0 {
			t.Fatalf("%s: left behind: %v", name, left)
		}
	}
	if n, err := logstore.Size(a.DB()); err != nil || n != int64(len(docs)) {
		t.Fatalf("log size %d, %v; want %d (no export event)", n, err, len(docs))
	}
}

// TestFailureLeavesNothing: a document that turns out damaged halfway, a
// cancel, or a taken name leave nothing under the bundle's name, no
// temporary file, and no export event.
func TestFailureLeavesNothing(t *testing.T) {
	a := newArchive(t, map[string]string{"a.txt": "fine", "b.txt": "about to be damaged"})
	var damaged [32]byte
	recs, _ := a.Records()
	for _, r := range recs {
		if strings.HasSuffix(r.FirstName(), "b.txt") {
			damaged = r.Sum()
			err := a.DB().Update(func(txn *badger.Txn) error {
				return txn.Set(store.ChunkKey(r.Blob, 0), []byte("\x00\x00\x00\x00garbage that fails its CRC"))
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	size, _ := logstore.Size(a.DB())
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, name := range []string{"b", "b.zip"} {
		dir := t.TempDir()
		out := filepath.Join(dir, name)
		_, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: allDocs(t, a)})
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%s: damaged document: %v", name, err)
		}
		for _, docs := range [][][32]byte{{damaged}, allDocs(t, a)} {
			_, err = bundlewriter.Create(cancelled, a, bundlewriter.Options{Out: out, Docs: docs})
			if err == nil || !strings.Contains(err.Error(), "cancelled") {
				t.Errorf("%s, %d documents: cancelled bundle: %v", name, len(docs), err)
			}
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%s: left behind %v", name, left)
		}
		os.Mkdir(out, 0o755)
		os.WriteFile(filepath.Join(out, "keep"), []byte("x"), 0o644)
		_, err = bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: allDocs(t, a)[:1]})
		if !errors.Is(err, bundlewriter.ErrExists) {
			t.Errorf("%s: existing path: %v", name, err)
		}
		if b, _ := os.ReadFile(filepath.Join(out, "keep")); string(b) != "x" {
			t.Errorf("%s: an existing path was touched", name)
		}
	}
	if after, _ := logstore.Size(a.DB()); after != size {
		t.Errorf("failed bundles appended %d events", after-size)
	}
}

func TestCreateProgress(t *testing.T) {
	a := newArchive(t, map[string]string{"a.txt": "a", "b.txt": "bb"})
	var last progress.Progress
	calls := 0
	_, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: filepath.Join(t.TempDir(), "b.zip"), Docs: allDocs(t, a),
		Progress: func(p progress.Progress) { last = p; calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || !last.Done || last.Files != 2 || last.TotalFiles != 2 || last.Bytes != 3 || last.TotalBytes != 3 {
		t.Fatalf("last progress %+v after %d calls", last, calls)
	}
}
