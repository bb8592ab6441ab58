package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
)

// growing starts a goroutine that appends to path until the test ends.
func growing(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("still being written ", 50) + "\n")
	for range 8 << 10 { // start at 8 MiB: each read takes a while
		f.Write(line)
	}
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			f.Write(line)
			time.Sleep(50 * time.Microsecond)
		}
	}()
	t.Cleanup(func() { stop.Store(true); <-done; f.Close() })
}

// TestFileChangingDuringImport imports a folder in which one file keeps
// growing: it is read twice, skipped with a finding (exit 1), and the
// steady file beside it is imported; with --keep-changing it is kept,
// noted "changed while imported" in its ingest event.
func TestFileChangingDuringImport(t *testing.T) {
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "steady.txt"), []byte("a finished document\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	growing(t, filepath.Join(src, "growing.log"))
	dir := filepath.Join(t.TempDir(), "arc")
	out, e, code := runCLI(dir, "import", src)
	if code != 1 || !strings.Contains(out, "Imported 1 new document") || !strings.Contains(out, "growing.log: skipped: the file changed while it was being read, twice") ||
		!strings.Contains(e, "1 file changed while being read") {
		t.Fatalf("import with a growing file: exit %d\n%s%s", code, out, e)
	}
	out, e, code = runCLI(dir, "import", "--keep-changing", src)
	if code != 0 || !strings.Contains(out, "Imported 1 new document") || !strings.Contains(out, "warning") {
		t.Fatalf("import --keep-changing: exit %d\n%s%s", code, out, e)
	}
	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	recs, _ := a.Records()
	if len(recs) != 2 {
		t.Fatalf("%d documents, want 2", len(recs))
	}
	notes := 0
	for _, r := range recs {
		idx, _ := logstore.DocEvents(a.DB(), r.Sum())
		b, _ := logstore.ReadEvent(a.DB(), idx[0])
		ev, err := provenance.ParseEvent(b)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(ev.Note, "changed while imported") {
			notes++
			if r.FirstName() != filepath.Base(src)+"/growing.log" || r.Size < 8<<20 {
				t.Errorf("the kept file: %s, %d bytes", r.FirstName(), r.Size)
			}
		}
	}
	if notes != 1 {
		t.Errorf("%d ingest events noted as changed while imported, want 1", notes)
	}
}
