package web_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBenchPage measures the page on the bundle CUSTODY_BENCH_BUNDLE (a
// zip; scripts/bench web makes it): the seconds the page reports from the
// file's choice to the verdict, and the peak resident memory of the
// browser's renderer processes (the page and its worker), sampled every
// 50 ms from /proc. It prints one line scripts/bench reads.
func TestBenchPage(t *testing.T) {
	bundle := os.Getenv("CUSTODY_BENCH_BUNDLE")
	if bundle == "" {
		t.Skip("set CUSTODY_BENCH_BUNDLE to a bundle zip to measure the page (scripts/bench web)")
	}
	b := newBrowser(t)
	page := os.Getenv("CUSTODY_BENCH_PAGE")
	if page == "" {
		page = testPage(t)
	}
	fi, err := os.Stat(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var peak int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			peak = max(peak, rendererRSS())
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	got := b.check(t, page, "", bundle, false)
	close(stop)
	wg.Wait()
	secs, _ := b.text(`document.body.dataset.seconds`)
	s, _ := strconv.ParseFloat(secs, 64)
	pi, _ := os.Stat(page)
	t.Logf("verdict %s", got.Verdict)
	// The line scripts/bench reads.
	os.Stdout.WriteString("page: bytes=" + strconv.FormatInt(fi.Size(), 10) + " seconds=" + secs +
		" mbps=" + strconv.FormatFloat(float64(fi.Size())/1e6/s, 'f', 1, 64) +
		" peak_rss_mib=" + strconv.FormatInt(peak>>20, 10) + " html_bytes=" + strconv.FormatInt(pi.Size(), 10) +
		" verdict=" + strings.ReplaceAll(got.Verdict, " ", "_") + "\n")
}

// rendererRSS sums the resident memory of the running Chromium renderer
// processes.
func rendererRSS() int64 {
	var sum int64
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmd, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(cmd), "--type=renderer") {
			continue
		}
		status, err := os.ReadFile(filepath.Join(filepath.Dir(p), "status"))
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(status)) {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				sum += kb << 10
			}
		}
	}
	return sum
}
