package bag

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Entries listed through the fast path report what Lstat reports, and
// opening through a link or a pipe is still refused.
func TestDirFSFastPathMatchesLstat(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "file.txt"), []byte("hello"), 0o640))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o750))
	must(os.WriteFile(filepath.Join(dir, "sub", "inner.bin"), make([]byte, 4097), 0o600))
	must(os.Symlink("file.txt", filepath.Join(dir, "link")))
	must(os.Symlink("sub", filepath.Join(dir, "linkdir")))
	must(syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600))

	fsys, closer, err := OpenDir(dir)
	must(err)
	defer closer.Close()
	for _, folder := range []string{".", "sub"} {
		list, err := fs.ReadDir(fsys, folder)
		must(err)
		for _, e := range list {
			got, err := e.Info()
			must(err)
			want, err := os.Lstat(filepath.Join(dir, folder, e.Name()))
			must(err)
			if got.Name() != want.Name() || got.Mode() != want.Mode() || got.Size() != want.Size() || !got.ModTime().Equal(want.ModTime()) {
				t.Errorf("%s/%s: got %s %v %d %v, Lstat says %s %v %d %v", folder, e.Name(),
					got.Name(), got.Mode(), got.Size(), got.ModTime(), want.Name(), want.Mode(), want.Size(), want.ModTime())
			}
		}
	}
	for _, name := range []string{"link", "linkdir/inner.bin", "pipe"} {
		if f, err := fsys.Open(name); !errors.Is(err, ErrNotRegular) {
			if f != nil {
				f.Close()
			}
			t.Errorf("open %s: %v, want ErrNotRegular", name, err)
		}
	}
	if b, err := fs.ReadFile(fsys, "sub/inner.bin"); err != nil || len(b) != 4097 {
		t.Errorf("read sub/inner.bin: %d bytes, %v", len(b), err)
	}
}
