package archive_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/pathsafe"
	"golang.org/x/text/unicode/norm"
)

// importFiles imports each file on its own, so that it is named by its
// base name ("x"), and each folder, named by its path from the folder on
// ("x/y.txt").
func importFiles(t *testing.T, a *archive.Archive, paths ...string) [][32]byte {
	t.Helper()
	var ids [][32]byte
	for _, p := range paths {
		res, err := a.Import(context.Background(), []string{p}, archive.ImportOptions{})
		if err != nil || len(res.Files) == 0 {
			t.Fatalf("import %s: %v %+v", p, err, res)
		}
		for _, f := range res.Files {
			id, _ := a.Resolve(f.ID)
			ids = append(ids, id)
		}
	}
	return ids
}

// exportedAs checks that the export wrote each document with its bytes
// and returns the paths by content.
func exportedAs(t *testing.T, out string, exp []archive.Exported) map[string]string {
	t.Helper()
	byContent := map[string]string{}
	keys := map[string]string{}
	for _, e := range exp {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(e.Path)))
		if err != nil || sum(b) != e.ID {
			t.Fatalf("%s: %v", e.Path, err)
		}
		if other, dup := keys[pathsafe.FoldKey(e.Path)]; dup {
			t.Errorf("%s and %s are one file on macOS and Windows", other, e.Path)
		}
		keys[pathsafe.FoldKey(e.Path)] = e.Path
		byContent[string(b)] = e.Path
	}
	return byContent
}

// TestExportFileBesideFolder: a document named "x" beside "x/y.txt" used
// to fail the whole export; now the folder keeps its name and the file
// gets a suffix, in either order.
func TestExportFileBesideFolder(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "one", "x"), []byte("file x"))
	writeFile(t, filepath.Join(src, "two", "x", "y.txt"), []byte("file y"))
	a := openTest(t, t.TempDir())
	defer a.Close()
	ids := importFiles(t, a, filepath.Join(src, "one", "x"), filepath.Join(src, "two", "x"))
	for _, order := range [][][32]byte{ids, {ids[1], ids[0]}} {
		out := t.TempDir()
		exp, err := a.Export(context.Background(), order, out, nil)
		if err != nil || len(exp) != 2 {
			t.Fatalf("export: %v %+v", err, exp)
		}
		got := exportedAs(t, out, exp)
		if got["file x"] != "x (2)" || got["file y"] != "x/y.txt" {
			t.Errorf("exported as %v", got)
		}
	}
}

// TestExportLongNameTwice: a second export of a 255-byte name into the
// same folder cuts the name so that it fits with its suffix, at a
// character boundary, keeping the extension.
func TestExportLongNameTwice(t *testing.T) {
	for _, fill := range []string{"a", "é"} {
		src := t.TempDir()
		stem := strings.Repeat(fill, 251/len(fill))
		name := stem + strings.Repeat("b", 251-len(stem)) + ".txt"
		if len(name) != 255 {
			t.Fatalf("name of %d bytes", len(name))
		}
		writeFile(t, filepath.Join(src, name), []byte("long "+fill))
		a := openTest(t, t.TempDir())
		ids := importFiles(t, a, filepath.Join(src, name))
		out := t.TempDir()
		var paths []string
		for range 3 {
			exp, err := a.Export(context.Background(), ids, out, nil)
			if err != nil || len(exp) != 1 {
				t.Fatalf("%s: export: %v", fill, err)
			}
			exportedAs(t, out, exp)
			paths = append(paths, exp[0].Path)
		}
		a.Close()
		if paths[0] != name {
			t.Errorf("first export as %q", paths[0])
		}
		for i, want := range []string{" (2).txt", " (3).txt"} {
			p := paths[i+1]
			if len(p) > pathsafe.MaxNameBytes || !strings.HasSuffix(p, want) || !utf8.ValidString(p) || !strings.HasPrefix(name, strings.TrimSuffix(p, want)) {
				t.Errorf("%s: export %d as %q (%d bytes)", fill, i+2, p, len(p))
			}
		}
	}
}

// TestExportCaseAndNormalisation: names that differ only in letter case,
// or only in Unicode normalisation (NFC and NFD), are one file on macOS
// and Windows: the export gives each its own name on every system.
func TestExportCaseAndNormalisation(t *testing.T) {
	src := t.TempDir()
	nfc, nfd := norm.NFC.String("café.txt"), norm.NFD.String("café.txt")
	if nfc == nfd {
		t.Fatal("the two forms are the same bytes")
	}
	files := map[string]string{"1/Report.txt": "upper", "2/report.txt": "lower", "3/" + nfc: "composed", "4/" + nfd: "decomposed", "5/REPORT.TXT": "shout"}
	var paths []string
	for p, text := range files {
		writeFile(t, filepath.Join(src, filepath.FromSlash(p)), []byte(text))
	}
	for _, p := range []string{"1/Report.txt", "2/report.txt", "5/REPORT.TXT", "3/" + nfc, "4/" + nfd} {
		paths = append(paths, filepath.Join(src, filepath.FromSlash(p)))
	}
	a := openTest(t, t.TempDir())
	defer a.Close()
	ids := importFiles(t, a, paths...)
	out := t.TempDir()
	exp, err := a.Export(context.Background(), ids, out, nil)
	if err != nil || len(exp) != 5 {
		t.Fatalf("export: %v %+v", err, exp)
	}
	got := exportedAs(t, out, exp) // fails on two paths with one fold key
	want := map[string]string{"upper": "Report.txt", "lower": "report (2).txt", "shout": "REPORT (3).TXT", "composed": nfc, "decomposed": norm.NFD.String("café (2).txt")}
	for content, p := range want {
		if got[content] != p {
			t.Errorf("%s exported as %q, want %q", content, got[content], p)
		}
	}
}

// TestExportErrorsSayWhatFailed: a folder the export cannot create is a
// write failure, and says so; it never says "could not read".
func TestExportErrorsSayWhatFailed(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "docs", "a.txt"), []byte("a"))
	a := openTest(t, t.TempDir())
	defer a.Close()
	ids := importFiles(t, a, filepath.Join(src, "docs"))
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "docs"), []byte("a file where the folder goes"))
	exp, err := a.Export(context.Background(), ids, out, nil)
	if err == nil || len(exp) != 0 {
		t.Fatalf("export into a blocked folder: %v %+v", err, exp)
	}
	if msg := err.Error(); !strings.Contains(msg, "could not create the folder docs") || strings.Contains(msg, "could not read") {
		t.Errorf("error %q", msg)
	}
}
