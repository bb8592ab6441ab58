package fixity_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

// crashImage imports the fixture's kind of documents into a new archive
// and copies its folder while the archive is still open for writing:
// exactly what a kill -9 leaves behind (Badger's writes are in the page
// cache, which the copy reads). It returns the copy and the marked
// document's ID.
func crashImage(t *testing.T) (dir, marked string, marker []byte) {
	t.Helper()
	src := t.TempDir()
	marker = []byte("CRASH-MARKER-5d0c17e2a8b94f63-CRASH")
	doc := append(bytes.Repeat([]byte("padding "), 4096), marker...)
	doc = append(doc, bytes.Repeat([]byte(" tail"), 4096)...)
	os.WriteFile(filepath.Join(src, "marked.txt"), doc, 0o644)
	for i := range 30 {
		os.WriteFile(filepath.Join(src, "later-"+string(rune('a'+i))+".txt"), bytes.Repeat([]byte{byte('A' + i)}, 9000+i), 0o644)
	}
	live := t.TempDir()
	a, err := archive.Open(live, archivetest.Plain(true))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	copyFolder(t, live, dir)
	s := sha256.Sum256(doc)
	return dir, hex.EncodeToString(s[:]), marker
}

func copyFolder(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		if runtime.GOOS == "windows" && d.Name() == "LOCK" {
			// Badger's lock on Windows: held open without sharing, and
			// deleted by Windows when its process ends, so a crash
			// leaves none.
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A byte flipped in the newest value-log file is reported by the fixity
// check, naming exactly its document, whichever way the store opens:
// read-only as it is, through the shadow (the path of Windows and
// read-only media, forced here), recovered in place after a crash, or
// opened for writing after a crash. No path cuts the damaged file.
func TestDamagedNewestValueLogInEveryOpenPath(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("TMP", tmp) // Windows's temporary folder
	t.Setenv("TEMP", tmp)
	for _, tc := range []struct {
		name            string
		crash           bool
		shadow, writing bool
	}{
		{"read-only", false, false, false},
		{"shadow", false, true, false},
		{"crash, recovered in place", true, false, false},
		{"crash, shadow", true, true, false},
		{"crash, opened for writing", true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dir, marked string
			var marker []byte
			if tc.crash {
				dir, marked, marker = crashImage(t)
			} else {
				dir, marked, marker = fixture(t)
			}
			damaged, before := archivetest.FlipMarker(t, dir, "store/*.vlog", marker, 5, 0x01)
			opt := archivetest.ReadOnly()
			if tc.writing {
				opt = archivetest.Plain(false)
			}
			opt.Store.Shadow = tc.shadow
			a, err := archive.Open(dir, opt)
			if err != nil {
				t.Fatal(err)
			}
			rep := fixity.Check(context.Background(), a, fixity.Options{})
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != report.Corrupt || len(rep.Findings) != 1 || rep.Findings[0].Doc != marked {
				t.Errorf("verdict %s, findings %+v; want CORRUPT naming only %s", rep.Verdict, rep.Findings, marked[:12])
			}
			if after, _ := os.ReadFile(damaged); !bytes.Equal(after, before) {
				t.Errorf("the damaged file changed: %d bytes, was %d", len(after), len(before))
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "custody-shadow-*")); len(left) != 0 {
		t.Errorf("shadows left: %v", left)
	}
}
