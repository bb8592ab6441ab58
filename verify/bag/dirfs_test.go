package bag

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenDirNeverFollows(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "secret.txt"), "secret")
	dir := buildBag(t, spec{})
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(dir, "data", "leak.txt"))
	symlink(t, outside, filepath.Join(dir, "data", "outdir"))
	symlink(t, "sub", filepath.Join(dir, "data", "inner")) // stays inside, still refused

	fsys, closer, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	for _, name := range []string{"data/leak.txt", "data/outdir/secret.txt", "data/inner/c.bin", "data/outdir"} {
		f, err := fsys.Open(name)
		if err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			t.Errorf("Open(%q) succeeded and read %q", name, b)
		}
	}
	for _, name := range []string{"../x", "/etc/passwd", "data/../bagit.txt", ""} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want fs.ErrInvalid", name, err)
		}
	}
	f, err := fsys.Open("data/sub/c.bin")
	if err != nil {
		t.Fatalf("regular file refused: %v", err)
	}
	f.Close()
	fi, err := fs.Stat(fsys, "data/leak.txt")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Stat of a link = %v, %v; want the link itself", fi, err)
	}
	_, r := ValidatePath(t.Context(), dir, Options{})
	for _, p := range []string{"data/leak.txt", "data/outdir", "data/inner"} {
		if !has(r, FileNotRegular, p) {
			t.Errorf("no FILE_NOT_REGULAR for %s\n%s", p, dump(r))
		}
	}
}

func TestOpenDirErrors(t *testing.T) {
	var oe *OpenError
	if _, _, err := OpenDir(filepath.Join(t.TempDir(), "missing")); !errors.As(err, &oe) || oe.Code != BagNotFound {
		t.Errorf("missing folder: %v", err)
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, _, err := OpenDir(file); !errors.As(err, &oe) || oe.Code != BagNotFound {
		t.Errorf("file: %v", err)
	}
	if _, _, err := OpenZip(t.TempDir()); !errors.As(err, &oe) || oe.Code != ZipInvalid {
		t.Errorf("folder as zip: %v", err)
	}
}
