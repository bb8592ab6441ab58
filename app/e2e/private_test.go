//go:build linux

package e2e_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
)

// notPrivate lists what under dir others could read: files not 0600
// (or stricter) and folders not 0700.
func notPrivate(t *testing.T, dir string) []string {
	t.Helper()
	var bad []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // removed meanwhile
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		if fi.Mode().Perm()&0o077 != 0 {
			bad = append(bad, p+" "+fi.Mode().String())
		}
		return nil
	})
	return bad
}

// TestPrivateUnderUmask000 works on an archive with the umask at 000 (it
// is the process's: no other test runs meanwhile): every file and folder
// the archive writes, Badger's included, is not readable by others,
// while it is open and once it is closed.
func TestPrivateUnderUmask000(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	src := markedTree(t)
	dir := filepath.Join(t.TempDir(), "arc")
	if _, e, code := runCLI(dir, "import", src); code != 0 {
		t.Fatal(e)
	}
	bag := filepath.Join(t.TempDir(), "b.zip")
	if _, e, code := runCLI(dir, "bundle", "create", "--all", "--out", bag); code != 0 {
		t.Fatal(e)
	}
	recv := filepath.Join(t.TempDir(), "recv")
	if _, e, code := runCLI(recv, "init"); code != 0 {
		t.Fatal(e)
	}
	if _, e, code := runCLI(recv, "bundle", "receive", bag); code != 0 {
		t.Fatal(e)
	}
	// While open for writing: Badger creates its files 0666 less the
	// umask; they are private within milliseconds, in a folder others
	// cannot enter meanwhile.
	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{Source: "again"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if bad := notPrivate(t, dir); len(bad) > 0 {
		t.Errorf("while open, readable by others: %v", bad)
	}
	a.Close()
	for _, d := range []string{dir, recv} {
		if bad := notPrivate(t, d); len(bad) > 0 {
			t.Errorf("readable by others under umask 000: %v", bad)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "store")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("store folder: %v %v", fi.Mode(), err)
	}
}
