package archivecheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/report/reportfile"
)

// TestLongReportOfA100kArchive imports 100,000 tiny documents, checks
// the archive, and writes its report in every format, each held to 10 s
// and 256 MiB of heap added beyond the check's own result. CUSTODY_LONG=1
// runs it (make long); docs/performance.md has the figures.
func TestLongReportOfA100kArchive(t *testing.T) {
	if os.Getenv("CUSTODY_LONG") == "" {
		t.Skip("CUSTODY_LONG=1 runs this (make long)")
	}
	const n = 100_000
	src := t.TempDir()
	for i := range n {
		dir := filepath.Join(src, fmt.Sprintf("d%03d", i/1000))
		if i%1000 == 0 {
			os.Mkdir(dir, 0o755)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%06d.txt", i)), fmt.Appendf(nil, "document %d\n", i), 0o644)
	}
	dir := filepath.Join(t.TempDir(), "arc")
	a := archivetest.Open(t, dir)
	start := time.Now()
	if _, err := a.Import(context.Background(), []string{src}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d documents in %.1f s", n, time.Since(start).Seconds())
	start = time.Now()
	rep := Check(context.Background(), a, Options{})
	t.Logf("checked in %.1f s: %s", time.Since(start).Seconds(), rep.Verdict)
	if rep.Verdict != report.Intact {
		t.Fatalf("verdict %s: %+v", rep.Verdict, rep.Findings)
	}
	for _, format := range []string{reportfile.PDF, reportfile.HTML, reportfile.JSON} {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := before.HeapInuse
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		path := filepath.Join(t.TempDir(), "v"+format)
		_, err := reportfile.Save(path, Document(a, rep))
		took := time.Since(start)
		close(stop)
		<-done
		if err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(path)
		added := peak - before.HeapInuse
		t.Logf("%s report of %d documents: %.2f s, %d MiB of heap added (peak %d MiB), file %d kB", format, n, took.Seconds(), added>>20, peak>>20, st.Size()>>10)
		if took > 10*time.Second || added > 256<<20 {
			t.Errorf("%s: %.1f s, %d MiB added: over 10 s or 256 MiB", format, took.Seconds(), added>>20)
		}
	}
}
