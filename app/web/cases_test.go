package web_test

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rewriteZip copies the zip at from to to, passing each entry's bytes
// through change (by entry name).
func rewriteZip(t *testing.T, from, to string, change func(name string, b []byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		r, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: e.Method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(change(e.Name, b))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// zipEntry returns one entry's bytes.
func zipEntry(t *testing.T, path, suffix string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, e := range zr.File {
		if strings.HasSuffix(e.Name, suffix) {
			r, _ := e.Open()
			defer r.Close()
			b, _ := io.ReadAll(r)
			return b
		}
	}
	t.Fatalf("%s has no entry %s", path, suffix)
	return nil
}

// zipFolder zips the folder dir (under its own name, as a bundle zip
// holds its bag) to path.
func zipFolder(t *testing.T, dir, path string) {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	top := filepath.Base(dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(top + "/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		w.Write(b)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = os.WriteFile(path, out.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// sameAsCLI checks that the page gave the CLI's verdict and finding
// codes, and (exact) the CLI's --json bytes.
func sameAsCLI(t *testing.T, got pageResult, want string, exact bool) {
	t.Helper()
	if got.State != "done" {
		t.Fatalf("the page ended %s: %s", got.State, got.Error)
	}
	wv, wc := verdictOf(t, want)
	gv, gc := verdictOf(t, got.JSON)
	if gv != wv || got.Verdict != wv || !slices.Equal(gc, wc) {
		t.Errorf("the page says %s (data-verdict %q) with %v; the CLI %s with %v", gv, got.Verdict, gc, wv, wc)
	}
	if exact && got.JSON != want {
		t.Errorf("the page's JSON differs from the CLI's:\npage:\n%s\ncli:\n%s", got.JSON, want)
	}
}

func TestPageTamperCases(t *testing.T) {
	b := newBrowser(t)
	page := testPage(t)
	dir := t.TempDir()
	arc := sender(t, dir, "good.zip")
	good := filepath.Join(dir, "good.zip")

	// The keys file as `custody keys show` prints it: INTACT.
	shown, _ := custody(t, "", arc, "keys", "show")
	keysFile := filepath.Join(dir, "keys.txt")
	os.WriteFile(keysFile, []byte(shown), 0o644)
	got := b.check(t, page, keysFile, good, false)
	if got.Verdict != "INTACT" {
		t.Errorf("with the sender's key the page says %q (%s)", got.Verdict, got.Error)
	}

	// One changed byte of a document: TAMPERED, naming it.
	rewriteZip(t, good, filepath.Join(dir, "byte.zip"), func(name string, b []byte) []byte {
		if strings.HasSuffix(name, "/memo.txt") {
			b = bytes.Replace(b, []byte("every"), []byte("Every"), 1)
		}
		return b
	})
	want, _ := custody(t, dir, "", "bundle", "verify", "--no-archive", "--json", "byte.zip")
	got = b.check(t, page, "", filepath.Join(dir, "byte.zip"), false)
	sameAsCLI(t, got, want, true)
	if got.Verdict != "TAMPERED" || !strings.Contains(got.JSON, `"path": "data/leak/memo.txt"`) {
		t.Errorf("a changed byte gives %s:\n%s", got.Verdict, got.JSON)
	}
	state, err := b.text(`Array.from(document.querySelectorAll("#docs tr")).map(r => r.textContent).join("\n")`)
	if err != nil || !strings.Contains(state, "DAMAGEDleak/memo.txt") || !strings.Contains(state, "VERIFIEDleak/mail/1.eml") {
		t.Errorf("the documents table reads %q (%v)", state, err)
	}

	// A changed event: TAMPERED.
	rewriteZip(t, good, filepath.Join(dir, "event.zip"), func(name string, b []byte) []byte {
		if strings.HasSuffix(name, "custody/events.jsonl") {
			b = bytes.Replace(b, []byte(`\"ingest\"`), []byte(`\"Ingest\"`), 1)
		}
		return b
	})
	want, _ = custody(t, dir, "", "bundle", "verify", "--no-archive", "--json", "event.zip")
	got = b.check(t, page, "", filepath.Join(dir, "event.zip"), false)
	sameAsCLI(t, got, want, true)
	if got.Verdict != "TAMPERED" && got.Verdict != "INVALID" {
		t.Errorf("a changed event gives %s", got.Verdict)
	}
	if t.Failed() {
		t.Logf("requests: %q", b.requests())
	}
}

// TestPageForked: a sender whose archive was copied and used twice signs
// two histories of the same size. Given the checkpoint of the first (as
// seen before), the page finds the second FORKED, as the CLI does with an
// archive that received the first.
func TestPageForked(t *testing.T) {
	b := newBrowser(t)
	page := testPage(t)
	dir := t.TempDir()
	arc := sender(t, dir, "first-old.zip")
	twin := filepath.Join(t.TempDir(), "twin")
	if err := os.CopyFS(twin, os.DirFS(arc)); err != nil {
		t.Fatal(err)
	}
	for k, a := range []string{arc, twin} {
		src := filepath.Join(t.TempDir(), "more")
		os.MkdirAll(src, 0o755)
		os.WriteFile(filepath.Join(src, "x.txt"), []byte{'a' + byte(k)}, 0o644)
		if _, code := custody(t, "", a, "import", src); code != 0 {
			t.Fatal("import")
		}
		name := []string{"a.zip", "b.zip"}[k]
		if _, code := custody(t, "", a, "bundle", "create", "--out", filepath.Join(dir, name), "--all"); code != 0 {
			t.Fatal("bundle create")
		}
	}
	seen := filepath.Join(dir, "seen-checkpoint")
	os.WriteFile(seen, zipEntry(t, filepath.Join(dir, "a.zip"), "custody/checkpoint"), 0o644)

	receiver := filepath.Join(t.TempDir(), "receiver")
	custody(t, "", receiver, "init", "--name", "receiver")
	if out, code := custody(t, "", receiver, "bundle", "receive", filepath.Join(dir, "a.zip")); code != 0 {
		t.Fatalf("receiving a.zip: exit %d\n%s", code, out)
	}
	want, _ := custody(t, dir, receiver, "bundle", "verify", "--json", "b.zip")
	got := b.checkSeen(t, page, "", seen, filepath.Join(dir, "b.zip"), false)
	sameAsCLI(t, got, want, false)
	if got.Verdict != "FORKED" {
		t.Errorf("the page says %q", got.Verdict)
	}
	ev, _ := b.text(`document.getElementById("evidence").textContent`)
	if !strings.Contains(ev, "custody.app/") {
		t.Errorf("no evidence of the fork shown: %q", ev)
	}
}

// TestPageConformanceZips gives the page each bag of the shared BagIt
// conformance suite as a zip, and compares with the CLI on the same zip
// (the folders themselves go through the page's folder reader in
// app/web/check). Two bags in a normal run, all with CUSTODY_LONG=1.
func TestPageConformanceZips(t *testing.T) {
	root := os.Getenv("CUSTODY_BAGIT_CONFORMANCE")
	if root == "" {
		wd, _ := os.Getwd()
		root = filepath.Join(wd, "..", "..", "..", "shared", "conformance", "bagit")
	}
	list, err := os.ReadFile(filepath.Join(root, "expected.tsv"))
	if err != nil {
		t.Skipf("conformance bags not found at %s (set CUSTODY_BAGIT_CONFORMANCE): skipping", root)
	}
	b := newBrowser(t)
	page := testPage(t)
	dir := t.TempDir()
	short := []string{"v1.0/valid/basicBag", "v0.97/invalid/corrupt-data-file"}
	for line := range strings.Lines(string(list)) {
		rel, _, _ := strings.Cut(strings.TrimSpace(line), "\t")
		if rel == "" || strings.HasPrefix(rel, "#") || (!long() && !slices.Contains(short, rel)) {
			continue
		}
		bag := filepath.Join(root, filepath.FromSlash(rel))
		if _, err := os.Stat(bag); err != nil {
			continue
		}
		t.Run(rel, func(t *testing.T) {
			name := strings.ReplaceAll(rel, "/", "_") + ".zip"
			zipFolder(t, bag, filepath.Join(dir, name))
			want, _ := custody(t, dir, "", "bundle", "verify", "--no-archive", "--json", name)
			sameAsCLI(t, b.check(t, page, "", filepath.Join(dir, name), false), want, true)
		})
	}
}

// TestPageFolder gives the page a bundle folder through its folder
// picker, as Chromium lets a tool set a directory on it.
func TestPageFolder(t *testing.T) {
	b := newBrowser(t)
	page := testPage(t)
	dir := t.TempDir()
	sender(t, dir, "bag")
	want, _ := custody(t, dir, "", "bundle", "verify", "--no-archive", "--json", "bag")
	sameAsCLI(t, b.check(t, page, "", filepath.Join(dir, "bag"), true), want, true)
}
