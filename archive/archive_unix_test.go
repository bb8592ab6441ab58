//go:build unix

package archive_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/custody-app/custody/archive"
)

// Unix only: Windows has no FIFOs (syscall.Mkfifo) and gives symbolic
// links to administrators only.

func TestSkipsLinksAndSpecialFiles(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "in", "real.txt"), []byte("real"))
	os.Symlink("/etc/passwd", filepath.Join(src, "in", "link-out"))
	os.Symlink(".", filepath.Join(src, "in", "loop"))
	if err := syscall.Mkfifo(filepath.Join(src, "in", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := openTest(t, t.TempDir())
	defer a.Close()
	// A missing top-level path refuses the whole import (importpaths.go).
	if _, err := a.Import(context.Background(), []string{filepath.Join(src, "in"), filepath.Join(src, "missing")}, archive.ImportOptions{}); err == nil ||
		!strings.Contains(err.Error(), "missing: cannot read: no such file or folder; nothing was imported") {
		t.Fatalf("missing path: %v", err)
	}
	if n, _ := a.LogSize(); n != 0 {
		t.Fatalf("a refused import logged %d events", n)
	}
	res, err := a.Import(context.Background(), []string{filepath.Join(src, "in")}, archive.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || len(res.Skipped) != 3 {
		t.Fatalf("added %d, skipped %+v", res.Added, res.Skipped)
	}
	reasons := map[string]string{}
	for _, s := range res.Skipped {
		reasons[filepath.Base(s.Path)] = s.Reason
	}
	for name, want := range map[string]string{"link-out": "symbolic link", "loop": "symbolic link", "pipe": "FIFO"} {
		if !strings.Contains(reasons[name], want) {
			t.Errorf("%s: reason %q, want it to mention %q", name, reasons[name], want)
		}
	}
}
