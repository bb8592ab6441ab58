package reportfile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/verify/report"
)

// TestLongReportOf100kDocuments writes, in every format, the report of a
// check of 100,000 documents that all failed (the largest report an
// archive of that size gives: one finding per document, each naming it)
// and holds each to 10 s and 256 MiB of heap. CUSTODY_LONG=1 runs it
// (make long); the report of a real 100,000-document archive is measured
// in app/cli's long test.
func TestLongReportOf100kDocuments(t *testing.T) {
	if os.Getenv("CUSTODY_LONG") == "" {
		t.Skip("CUSTODY_LONG=1 runs this (make long)")
	}
	const n = 100_000
	r := &report.Report{Subject: "/archive", Verdict: report.Corrupt}
	r.AddCheck("document fixity", false, fmt.Sprintf("0 of %d documents match", n))
	for i := range n {
		r.Add(report.Finding{Code: "DOC_HASH_MISMATCH", Path: fmt.Sprintf("leak/folder-%03d/mail-%06d.eml", i/1000, i),
			Doc: fmt.Sprintf("%064x", i), Expected: fmt.Sprintf("%064x", i), Found: strings.Repeat("f", 64), Message: "the bytes read do not hash to the document's ID"})
	}
	d := report.NewDocument(report.ArchiveCheck, r)
	for _, format := range []string{JSON, HTML, PDF} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := uint64(0)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { // sample the heap while the report is written
			defer close(done)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		path := filepath.Join(t.TempDir(), "r"+format)
		if _, err := Save(path, d); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		close(stop)
		<-done
		runtime.ReadMemStats(&after)
		st, _ := os.Stat(path)
		// What writing the report adds to the heap, beyond the check's
		// own result (the Document, held before and after).
		added := peak - min(peak, before.HeapInuse)
		t.Logf("%s: %d findings, %.1f s, peak heap %d MiB (%d MiB of it the check's result, %d MiB added by writing), file %.1f MiB",
			format, n, took.Seconds(), peak>>20, before.HeapInuse>>20, added>>20, float64(st.Size())/(1<<20))
		if took > 10*time.Second || added > 256<<20 {
			t.Errorf("%s: %.1f s and %d MiB added to the heap, over 10 s or 256 MiB", format, took.Seconds(), added>>20)
		}
	}
}
