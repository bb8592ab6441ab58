package gui

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
)

// synthRecords makes n records shaped like a leak: mail, chat, scans.
func synthRecords(n int) []*catalog.Record {
	recs := make([]*catalog.Record, n)
	kinds := []string{"message/rfc822", "text/plain; charset=utf-8", "application/json", "image/png", "application/pdf"}
	base := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	for i := range recs {
		name := fmt.Sprintf("leak/mail/%04d/message-%06d.eml", i/1000, i)
		if i%5 == 1 {
			name = fmt.Sprintf("leak/chat/room-%03d/day-%06d.txt", i%97, i)
		}
		recs[i] = &catalog.Record{
			ID: fmt.Sprintf("%016x%048x", uint64(i)*0x9e3779b97f4a7c15, i), Size: int64(200 + i%50000),
			MediaType: kinds[i%len(kinds)], Source: fmt.Sprintf("USB stick %d", i%7),
			Names:    []catalog.Name{{Path: name, Source: fmt.Sprintf("USB stick %d", i%7), Time: base}},
			Imported: base.Add(time.Duration(i) * time.Second),
		}
		if i%100 == 0 {
			recs[i].Tags = []string{"board", fmt.Sprintf("batch-%d", i/10000)}
		}
	}
	return recs
}

// BenchmarkIndex100k measures building the search index over 100,000
// records and one search over it.
func BenchmarkIndex100k(b *testing.B) {
	recs := synthRecords(100_000)
	b.Run("build", func(b *testing.B) {
		for range b.N {
			buildIndex(recs)
		}
	})
	ix := buildIndex(recs)
	for _, q := range []query{{text: "message-0421", sort: colID}, {text: "room-042 day", sort: colID},
		{kind: "Email", sort: colID}, {text: "usb", sort: colName}} {
		ix.Order(q.index().Sort)
		b.Run(fmt.Sprintf("filter %q %s", q.text, q.kind), func(b *testing.B) {
			for range b.N {
				ix.Search(q.index())
			}
		})
	}
}

// TestLargeArchive imports 100,000 documents into a real archive and
// measures what a person waits for: the list after unlocking, a search,
// and how often the window hears of an import's progress. It takes a few
// minutes, so it runs only with CUSTODY_GUI_LARGE=1 (CUSTODY_GUI_LARGE=N
// sets the number of documents).
func TestLargeArchive(t *testing.T) {
	n := 0
	switch v := os.Getenv("CUSTODY_GUI_LARGE"); v {
	case "":
		t.Skip("set CUSTODY_GUI_LARGE=1 to measure with 100,000 documents")
	case "1":
		n = 100_000
	default:
		fmt.Sscan(v, &n)
	}
	// CUSTODY_GUI_ARCHIVE names an archive made before (scripts/bench
	// -scale 10 small, a million documents) to open instead, with
	// $CUSTODY_PASSPHRASE.
	dir, pass := os.Getenv("CUSTODY_GUI_ARCHIVE"), os.Getenv("CUSTODY_PASSPHRASE")
	var t0 time.Time
	if dir == "" {
		dir, pass = importLarge(t, n), archivetest.Passphrase
	}
	softMemoryLimit() // as Main does
	defer debug.SetMemoryLimit(math.MaxInt64)
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir, "CUSTODY_PASSPHRASE": pass})
	var unlocked, listed time.Time
	t0 = time.Now()
	act(u, func() {
		u.start()
	})
	// act waited for the open and the load; the load's own clock says how
	// long the list took after the archive opened.
	listed = time.Now()
	unlocked = listed.Add(-u.main.loaded)
	if os.Getenv("CUSTODY_GUI_ARCHIVE") != "" {
		n = u.main.docs.ix.Len()
	}
	if len(u.main.docs.shown) != n {
		t.Fatalf("%d rows shown, want %d", len(u.main.docs.shown), n)
	}
	t.Logf("open (passphrase at test cost) + list: %v; first rows %v after unlock, all %v after unlock",
		listed.Sub(t0).Round(time.Millisecond), u.main.first.Round(time.Millisecond), listed.Sub(unlocked).Round(time.Millisecond))
	if d := u.main.first; d > time.Second {
		t.Errorf("the first rows took %v after unlocking; the goal is 1 s", d)
	}
	t.Logf("resident memory with the list loaded: %s", resident(t))

	d := u.main.docs
	for _, q := range []string{"message-04213", "person17", "leak 099"} {
		t0 = time.Now()
		act(u, func() { d.search.SetText(q) })
		took := time.Since(t0)
		t.Logf("search %q: %d rows in %v", q, len(d.shown), took.Round(time.Microsecond))
		if took > 200*time.Millisecond {
			t.Errorf("search %q took %v; the goal is 200 ms", q, took)
		}
	}
	// Each keystroke of a name typed into the search box.
	// The search itself (the index) is timed apart from the whole
	// keystroke (search, hand-over to the UI goroutine, the table's
	// redraw in the test driver), which a loaded machine stretches.
	typed := "leak/012/message-0123"
	if os.Getenv("CUSTODY_GUI_ARCHIVE") != "" {
		typed = "d0421/f0004" // the small corpus's names
	}
	var slowest, slowestSearch time.Duration
	for k := 1; k <= len(typed); k++ {
		t0 = time.Now()
		d.ix.Search(query{text: typed[:k], sort: colID}.index())
		slowestSearch = max(slowestSearch, time.Since(t0))
		t0 = time.Now()
		act(u, func() { d.search.SetText(typed[:k]) })
		slowest = max(slowest, time.Since(t0))
	}
	t.Logf("typing %q: slowest search %v, slowest keystroke with the redraw %v, %d rows at the end",
		typed, slowestSearch.Round(time.Microsecond), slowest.Round(time.Microsecond), len(d.shown))
	if slowestSearch > 100*time.Millisecond {
		t.Errorf("a keystroke's search took %v; the goal is 100 ms", slowestSearch)
	}
	act(u, func() { d.search.SetText("") })
	ix := d.ix
	t0 = time.Now()
	ix.Prepare() // as the window does in the background after loading
	t.Logf("sort orders built in %v", time.Since(t0).Round(time.Millisecond))
	for _, col := range []int{colName, colSize, colImported, colType, colSource, colName} {
		t0 = time.Now()
		d.ix.Search(query{sort: col}.index())
		took := time.Since(t0)
		t0 = time.Now()
		act(u, func() { d.sortBy(col) })
		t.Logf("sort by %s: %v (with the redraw %v)", colTitles[col], took.Round(time.Microsecond), time.Since(t0).Round(time.Microsecond))
		if took > 100*time.Millisecond {
			t.Errorf("sort by %s took %v; the goal is 100 ms", colTitles[col], took)
		}
	}

	// Drawing a screenful of rows (30 rows, every column).
	c := newCell()
	t0 = time.Now()
	locked(func() {
		for row := range 30 {
			for col := range numCols {
				d.updateCell(widget.TableCellID{Row: 50_000 + row, Col: col}, c)
			}
		}
	})
	t.Logf("filling a screenful of cells: %v", time.Since(t0).Round(time.Microsecond))
	if !strings.Contains(u.main.status.Text, count(int64(n))+" documents") {
		t.Errorf("status bar: %s", u.main.status.Text)
	}
	// Another archive opened: the list's memory goes back to the system.
	act(u, func() { u.closeArchive() })
	time.Sleep(2 * time.Second)
	t.Logf("resident memory after the archive was closed: %s", resident(t))
}

// importLarge writes n small e-mail files and imports them into a new
// archive, measuring how often the window hears of the progress.
func importLarge(t *testing.T, n int) string {
	src := t.TempDir()
	t0 := time.Now()
	for i := range n {
		d := filepath.Join(src, "leak", fmt.Sprintf("%03d", i/1000))
		if i%1000 == 0 {
			os.MkdirAll(d, 0o755)
		}
		body := fmt.Sprintf("From: person%d@example.org\r\nSubject: message %d\r\n\r\nbody %d\r\n", i%313, i, i)
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("message-%06d.eml", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("wrote %d files in %v", n, time.Since(t0))

	dir := filepath.Join(t.TempDir(), "archive")
	a, err := archive.Open(dir, archivetest.Options(true))
	if err != nil {
		t.Fatal(err)
	}
	// Import through the window's own progress path, counting how often
	// the window would repaint the progress dialog and the longest gap.
	var updates int
	var last time.Time
	var gap time.Duration
	t0 = time.Now()
	res, err := a.Import(context.Background(), []string{filepath.Join(src, "leak")}, archive.ImportOptions{
		Source: "bulk", Progress: func(p progress.Progress) {
			now := time.Now()
			if !last.IsZero() && now.Sub(last) > gap {
				gap = now.Sub(last)
			}
			last = now
			updates++
		}})
	took := time.Since(t0)
	a.Close()
	if err != nil || res.Added != n {
		t.Fatalf("import: %v, %d added", err, res.Added)
	}
	t.Logf("import of %d documents: %v; %d progress updates (%.1f/s), longest gap %v",
		n, took.Round(time.Millisecond), updates, float64(updates)/took.Seconds(), gap.Round(time.Millisecond))

	return dir
}

// resident is this process's resident memory after a collection: all of
// it (VmRSS), the anonymous part (the heap) and the pages of files it maps
// (the store's tables, which the kernel can drop at any time).
func resident(t *testing.T) string {
	runtime.GC()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc here")
	}
	mib := map[string]int{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 {
			kb, _ := strconv.Atoi(f[1])
			mib[strings.TrimSuffix(f[0], ":")] = kb >> 10
		}
	}
	return fmt.Sprintf("%d MiB (anonymous %d MiB, mapped files %d MiB)", mib["VmRSS"], mib["RssAnon"], mib["RssFile"])
}
