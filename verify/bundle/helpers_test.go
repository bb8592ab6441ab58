package bundle_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

var ctx = context.Background()

// sender is a real archive with a few documents: leak/a.txt,
// leak/mail/b.eml and a redaction of a.txt.
type sender struct {
	dir string
	a   *archive.Archive
}

func newSender(t *testing.T) *sender {
	t.Helper()
	s := &sender{dir: filepath.Join(t.TempDir(), "sender")}
	s.open(t)
	src := filepath.Join(t.TempDir(), "leak")
	writeFile(t, filepath.Join(src, "a.txt"), "the first document\n")
	writeFile(t, filepath.Join(src, "mail", "b.eml"), "Subject: second\r\n\r\n100% real\r\n")
	if _, err := s.a.Import(ctx, []string{src}, archive.ImportOptions{Source: "tip line"}); err != nil {
		t.Fatal(err)
	}
	red := filepath.Join(t.TempDir(), "a-redacted.txt")
	writeFile(t, red, "the ███ document\n")
	if _, err := s.a.Derive(ctx, red, [][32]byte{s.id(t, "leak/a.txt")}, "redaction", "names removed"); err != nil {
		t.Fatal(err)
	}
	return s
}

// open (re)opens the sender's archive, closed when the test ends.
func (s *sender) open(t *testing.T) {
	t.Helper()
	a, err := archive.Open(s.dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	s.a = a
	t.Cleanup(func() { a.Close() })
}

func (s *sender) id(t *testing.T, name string) [32]byte {
	t.Helper()
	recs, err := s.a.Records()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.FirstName() == name {
			return r.Sum()
		}
	}
	t.Fatalf("no document named %s", name)
	return [32]byte{}
}

func (s *sender) all(t *testing.T) [][32]byte {
	t.Helper()
	recs, _ := s.a.Records()
	var out [][32]byte
	for _, r := range recs {
		out = append(out, r.Sum())
	}
	return out
}

// importText adds one more document.
func (s *sender) importText(t *testing.T, name, text string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	writeFile(t, p, text)
	if _, err := s.a.Import(ctx, []string{p}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// bundle writes a bundle of docs (all when none) and returns its path.
func (s *sender) bundle(t *testing.T, name string, docs ...[32]byte) string {
	t.Helper()
	if len(docs) == 0 {
		docs = s.all(t)
	}
	out := filepath.Join(t.TempDir(), name)
	if _, err := bundlewriter.Create(ctx, s.a, bundlewriter.Options{Out: out, Docs: docs}); err != nil {
		t.Fatal(err)
	}
	return out
}

func newArchive(t *testing.T) *archive.Archive {
	t.Helper()
	return archivetest.Open(t, filepath.Join(t.TempDir(), "receiver"))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// rehashTags rewrites tagmanifest-sha256.txt to match the tag files as
// they are now, as an attacker who edits tag files would.
func rehashTags(t *testing.T, dir string) {
	t.Helper()
	var out strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if err != nil || d.IsDir() || strings.HasPrefix(rel, "data/") || strings.HasPrefix(rel, "tagmanifest-") {
			return err
		}
		fmt.Fprintf(&out, "%s  %s\n", sum([]byte(readFile(t, p))), bundlewriter.EncodePath(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "tagmanifest-sha256.txt"), out.String())
}

// rehashAll rewrites the payload manifest, Payload-Oxum and the tag
// manifest to match the files as they are now: the bag is then valid,
// and only the provenance can tell it was changed.
func rehashAll(t *testing.T, dir string) {
	t.Helper()
	var lines []string
	var bytes, files int
	filepath.WalkDir(filepath.Join(dir, "data"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b := readFile(t, p)
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%s  %s\n", sum([]byte(b)), bundlewriter.EncodePath(filepath.ToSlash(rel))))
		bytes += len(b)
		files++
		return nil
	})
	slices.Sort(lines)
	writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), strings.Join(lines, ""))
	info := readFile(t, filepath.Join(dir, "bag-info.txt"))
	var kept []string
	for _, l := range strings.Split(strings.TrimSuffix(info, "\n"), "\n") {
		if strings.HasPrefix(l, "Payload-Oxum:") {
			l = fmt.Sprintf("Payload-Oxum: %d.%d", bytes, files)
		}
		kept = append(kept, l)
	}
	writeFile(t, filepath.Join(dir, "bag-info.txt"), strings.Join(kept, "\n")+"\n")
	rehashTags(t, dir)
}

// zipDir zips a folder bag into a .zip holding it as the one top folder.
func zipDir(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(dir)+".zip")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	top := filepath.Base(dir)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(top + "/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(w, src)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// copyDir copies a folder (an archive, to make two archives that share
// one identity).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// finding returns the first problem or warning with code, or nil.
func finding(rep *report.Report, code string) *report.Finding {
	for _, list := range [][]report.Finding{rep.Findings, rep.Warnings} {
		for i := range list {
			if list[i].Code == code {
				return &list[i]
			}
		}
	}
	return nil
}

// expect checks the verdict and that a finding with code names path.
func expect(t *testing.T, res *bundle.Result, verdict report.Verdict, code, path string) *report.Finding {
	t.Helper()
	rep := res.Report
	if rep.Verdict != verdict {
		t.Errorf("verdict %s, want %s; findings %+v; warnings %+v", rep.Verdict, verdict, rep.Findings, rep.Warnings)
	}
	if code == "" {
		return nil
	}
	f := finding(rep, code)
	switch {
	case f == nil:
		t.Errorf("no finding %s; findings %+v; warnings %+v", code, rep.Findings, rep.Warnings)
	case f.Path != path:
		t.Errorf("finding %s names %q, want %q (%s)", code, f.Path, path, f.Message)
	}
	return f
}

// trust adds the sender's key to the receiver's trust store as "Sender".
func trust(a *archive.Archive, s *sender) error {
	return a.Trust("Sender", s.a.Public().VerifierKey, "fingerprint compared in person")
}
