//go:build unix

package bag

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/custody-app/custody/verify/report"
)

// A named pipe in a folder bag must be refused without being opened:
// opening it for reading would block until a writer came.
func TestNamedPipeNotOpened(t *testing.T) {
	dir := buildBag(t, spec{})
	fifo := filepath.Join(dir, "data", "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	// Also list it in the manifest, so the verifier is tempted to hash it.
	editManifest(t, dir, sum("sha256", "")+"  data/fifo\n")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, r := ValidatePath(ctx, dir, Options{})
	if ctx.Err() != nil {
		t.Fatal("validation blocked on the named pipe")
	}
	if r.Verdict != report.Invalid || !has(r, FileNotRegular, "data/fifo") {
		t.Fatalf("verdict %s\n%s", r.Verdict, dump(r))
	}
	fsys, closer, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if f, err := fsys.Open("data/fifo"); err == nil {
		f.Close()
		t.Fatal("OpenDir's fs opened a named pipe")
	}
}
