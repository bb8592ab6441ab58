package bundlewriter_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/bundleformat"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
	badger "github.com/dgraph-io/badger/v4"
)

var ctx = context.Background()

// newArchive imports files (name → content) from one folder, "leak".
func newArchive(t *testing.T, files map[string]string) *archive.Archive {
	t.Helper()
	a := archivetest.Open(t, filepath.Join(t.TempDir(), "arc"))
	src := filepath.Join(t.TempDir(), "leak")
	for name, text := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Import(ctx, []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return a
}

func allDocs(t *testing.T, a *archive.Archive) [][32]byte {
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

func hexSum(b []byte, alg string) string {
	if alg == "sha512" {
		s := sha512.Sum512(b)
		return hex.EncodeToString(s[:])
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// manifest reads a manifest into path → checksum, decoding paths.
func manifest(t *testing.T, fsys fs.FS, name string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		sum, p, ok := strings.Cut(l, "  ")
		if !ok {
			t.Fatalf("%s: line %q is not CHECKSUM  PATH", name, l)
		}
		out[bag.DecodePath(p)] = sum
	}
	return out
}

// TestBagStructure checks a bundle against the BagIt structure rules
// itself, as a folder and as a zip, then lets verify/bag validate it.
func TestBagStructure(t *testing.T) {
	files := map[string]string{
		"100% real.txt": "percent", "aux.txt": "reserved on Windows", "Report.txt": "upper",
		"report.txt": "lower", "mail/1.eml": "Subject: x\r\n\r\nbody\r\n", "empty.txt": "",
	}
	a := newArchive(t, files)
	day := time.Date(2025, 3, 4, 23, 30, 0, 0, time.UTC)
	for _, name := range []string{"bundle", "bundle.zip"} {
		out := filepath.Join(t.TempDir(), name)
		res, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: allDocs(t, a), SHA512: true, Now: func() time.Time { return day }})
		if err != nil {
			t.Fatal(err)
		}
		fsys, closer, err := bag.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer closer.Close()
		if b, _ := fs.ReadFile(fsys, "bagit.txt"); string(b) != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
			t.Errorf("bagit.txt = %q", b)
		}
		var payload, tags []string
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if strings.HasPrefix(p, "data/") {
					payload = append(payload, p)
				} else if !strings.HasPrefix(p, "tagmanifest-") {
					tags = append(tags, p)
				}
			}
			return err
		})
		slices.Sort(payload)
		slices.Sort(tags)
		var total int
		for _, alg := range []string{"sha256", "sha512"} {
			m := manifest(t, fsys, "manifest-"+alg+".txt")
			if got := slices.Sorted(mapKeys(m)); !slices.Equal(got, payload) {
				t.Errorf("manifest-%s lists %q, payload is %q", alg, got, payload)
			}
			for _, p := range payload {
				b, _ := fs.ReadFile(fsys, p)
				if m[p] != hexSum(b, alg) {
					t.Errorf("%s of %s: manifest %s, file %s", alg, p, m[p], hexSum(b, alg))
				}
				if alg == "sha256" {
					total += len(b)
				}
			}
			tm := manifest(t, fsys, "tagmanifest-"+alg+".txt")
			if got := slices.Sorted(mapKeys(tm)); !slices.Equal(got, tags) {
				t.Errorf("tagmanifest-%s lists %q, tag files are %q", alg, got, tags)
			}
			for _, p := range tags {
				b, _ := fs.ReadFile(fsys, p)
				if tm[p] != hexSum(b, alg) {
					t.Errorf("tag %s: %s", p, alg)
				}
			}
		}
		raw, _ := fs.ReadFile(fsys, "manifest-sha256.txt")
		if !strings.Contains(string(raw), "  data/leak/100%25 real.txt\n") {
			t.Errorf("'%%' not percent-encoded in the manifest:\n%s", raw)
		}
		info, _ := fs.ReadFile(fsys, "bag-info.txt")
		for _, want := range []string{
			fmt.Sprintf("Payload-Oxum: %d.%d\n", total, len(files)), "Bagging-Date: 2025-03-04\n",
			"External-Identifier: " + res.ID + "\n", "Source-Organization: Test Desk\n", "Contact-Name: Test Archivist\n",
			"Bag-Software-Agent: Custody",
		} {
			if !strings.Contains(string(info), want) {
				t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
			}
		}
		for _, p := range []string{"data/leak/aux_.txt", "data/leak/Report.txt", "data/leak/report (2).txt", "data/leak/empty.txt"} {
			if !slices.Contains(payload, p) {
				t.Errorf("payload lacks %s: %q", p, payload)
			}
		}
		names, _ := fs.ReadFile(fsys, bundleformat.FileNames)
		if !strings.Contains(string(names), "data/leak/aux_.txt\t"+hexSum([]byte("reserved on Windows"), "sha256")+"\tleak/aux.txt\n") {
			t.Errorf("names.tsv does not keep the original name:\n%s", names)
		}
		keys, _ := fs.ReadFile(fsys, bundleformat.FileKeys)
		if string(keys) != a.Public().VerifierKey+"\n" {
			t.Errorf("keys.txt = %q", keys)
		}
		_, rep := bag.Validate(ctx, fsys, bag.Options{})
		if rep.Verdict != report.NoProvenance || len(rep.Findings)+len(rep.Warnings) != 0 {
			t.Errorf("verify/bag: %s %+v %+v", rep.Verdict, rep.Findings, rep.Warnings)
		}
		if res.Zip {
			checkZip(t, out, "bundle")
		}
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkZip: one top folder named like the file, payload stored, tag
// files deflated.
func checkZip(t *testing.T, path, top string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rest, ok := strings.CutPrefix(f.Name, top+"/")
		if !ok {
			t.Errorf("entry %s is outside the top folder %s", f.Name, top)
		}
		want := zip.Deflate
		if strings.HasPrefix(rest, "data/") {
			want = zip.Store
		}
		if f.Method != want {
			t.Errorf("%s: method %d, want %d", f.Name, f.Method, want)
		}
	}
}

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

// A zip bundle's payload is written one entry after another while a reader
// runs ahead: documents of several buffers and of none come out whole and
// in their places, and the bag validates.
func TestZipPayloadReadAhead(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 5<<20/16+3) // 5 MiB and a bit: several buffers
	files := map[string]string{"big.bin": big, "empty.txt": "", "small.txt": "small"}
	a := newArchive(t, files)
	out := filepath.Join(t.TempDir(), "b.zip")
	if _, err := bundlewriter.Create(ctx, a, bundlewriter.Options{Out: out, Docs: allDocs(t, a)}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]string{}
	for _, f := range zr.File {
		if !strings.Contains(f.Name, "/data/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		got[f.Name[strings.Index(f.Name, "/data/")+len("/data/"):]] = string(b)
	}
	for name, want := range files {
		var found bool
		for p, b := range got {
			if strings.HasSuffix(p, name) {
				found = true
				if b != want {
					t.Errorf("%s: %d bytes in the zip, want %d", name, len(b), len(want))
				}
			}
		}
		if !found {
			t.Errorf("%s missing from the zip: %v", name, slices.Collect(maps.Keys(got)))
		}
	}
	fsys, closer, err := bag.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if _, rep := bag.Validate(ctx, fsys, bag.Options{}); rep.HasProblems() {
		t.Fatalf("the zip bag does not validate: %+v", rep.Findings)
	}
}
