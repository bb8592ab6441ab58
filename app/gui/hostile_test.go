package gui

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/bundlewriter"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/verify/report"
)

// Names as a stranger would choose them (see the command line's test):
// a fake verdict drawn with escape sequences, a forged line, a carriage
// return, a right-to-left override, bytes that are not UTF-8.
var hostileFiles = map[string]string{
	"x\x1b[2J\x1b[H\x1b[32mINTACT ... whom you trust\x1b[8m": "1",
	"b\nOK: all documents verified":                          "2",
	"cr\rINTACT.txt":                                         "3",
	"invoice\u202efdp.exe":                                   "4",
	"bad\xff\xfe.txt":                                        "5",
}

const hostileSource = "tip\x1b[31m line\u202e"

// assertNoRaw fails when text (what a page shows, one widget a line)
// holds a control character other than the newlines between widgets and
// within multi-line labels, a C1 or bidi control, or bytes that are not
// UTF-8.
func assertNoRaw(t *testing.T, where, text string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Errorf("%s is not valid UTF-8: %q", where, text)
	}
	for _, r := range text {
		switch {
		case r == '\n':
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			t.Errorf("%s shows %U raw:\n%q", where, r, text)
			return
		}
	}
}

// TestHostileNamesWindow opens every page that shows a name with hostile
// names, sources and notes: the document table (and its source filter),
// a document's overview and provenance, the log, the keys page, the
// derive dialog and the report of a bundle whose zip entries are named
// to paint a fake verdict.
func TestHostileNamesWindow(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), hostileFiles, hostileSource)
	u := openTestUI(t, dir)
	recs := u.main.docs.records(t)
	if len(recs) != len(hostileFiles) {
		t.Fatalf("%d documents", len(recs))
	}
	for _, r := range recs {
		if _, err := u.arc.Annotate(r.Sum(), nil, "n1\nOK: fake\u202e"); err != nil {
			t.Fatal(err)
		}
	}
	act(u, u.reload)
	page := texts(u.win.Canvas().Content())
	assertNoRaw(t, "the document table", page)
	mustContain(t, "the document table", page, `x\x1b[2J\x1b[H\x1b[32mINTACT`, `invoice\u202efdp.exe`, `tip\x1b[31m line\u202e`, "\n"+`bad\xff\xfe.txt`)
	ix := u.main.docs.ix
	for i := range int32(ix.Len()) {
		for col := 0; col < numCols; col++ {
			if s := cellText(ix, i, col); strings.Contains(s, "\n") || strings.ContainsRune(s, 0x1b) || strings.ContainsRune(s, 0x202e) {
				t.Errorf("cell %d of %q shows %q", col, ix.Name(i), s)
			}
		}
	}
	// The source filter shows the source made safe, and filters by it.
	d := u.main.docs
	mustContain(t, "the source filter", strings.Join(d.source.Options, "\n"), `tip\x1b[31m line\u202e`)
	act(u, func() { d.source.SetSelected(`tip\x1b[31m line\u202e`) })
	if len(d.shown) != len(hostileFiles) {
		t.Errorf("filtering by the hostile source shows %d documents", len(d.shown))
	}
	act(u, func() { d.source.SetSelected(anySource) })

	for _, r := range u.main.docs.records(t) {
		r := r
		act(u, func() { u.showDocument(r) })
		p := u.main.doc
		assertNoRaw(t, "the document page of "+r.ID, texts(u.win.Canvas().Content()))
		assertNoRaw(t, "the overview of "+r.ID, texts(u.overview(p)))
		assertNoRaw(t, "the provenance of "+r.ID, texts(p.timeline))
		mustContain(t, "the overview", texts(u.overview(p)), `tip\x1b[31m line\u202e`, `n1\x0aOK: fake\u202e`)
	}
	act(u, u.showLog)
	page = texts(u.win.Canvas().Content())
	assertNoRaw(t, "the log", page)
	mustContain(t, "the log", page, `invoice\u202efdp.exe`)
	for i := int64(0); i < int64(len(hostileFiles)); i++ {
		head, body := logLine(u.arc, i)
		assertNoRaw(t, "a log line", head+body)
	}
	act(u, u.showKeys)
	assertNoRaw(t, "the keys page", texts(u.win.Canvas().Content()))
	act(u, func() { u.deriveFrom(u.main.docs.records(t)) })
	assertNoRaw(t, "the derive dialog", overlayTexts(u))
	mustContain(t, "the derive dialog", overlayTexts(u), `\u202e`)
}

// TestHostileBundleWindow: the report of a bundle whose zip entries are
// named to draw a green verdict, and of a genuine bundle of hostile
// names, shows every name made safe, in the list and in the finding's
// dialog; a received document keeps its name safe in the table.
func TestHostileBundleWindow(t *testing.T) {
	src := makeArchive(t, archivetest.Options(true), hostileFiles, hostileSource)
	a, err := archive.Open(src, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	var ids [][32]byte
	a.Each(func(r *catalog.Record) error { ids = append(ids, r.Sum()); return nil }, nil)
	good := filepath.Join(t.TempDir(), "hostile.zip")
	if _, err := bundlewriter.Create(context.Background(), a, bundlewriter.Options{Out: good, Docs: ids}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	evil := filepath.Join(t.TempDir(), "evil.zip")
	addZipEntries(t, good, evil, "data/x\x1b[2J\x1b[H\x1b[32mINTACT ... whom you trust\x1b[8m", "data/b\nOK: all documents verified")

	dir := makeArchive(t, archivetest.Options(true), map[string]string{"mine.txt": "mine"}, "")
	u := openTestUI(t, dir)
	act(u, func() { u.verifyBundle(evil) })
	p := u.main.report
	if p == nil || p.rep.Verdict == report.Intact || p.rep.Verdict == report.SignerUnknown {
		t.Fatalf("the hostile zip: %+v", p)
	}
	page := texts(u.win.Canvas().Content())
	assertNoRaw(t, "the report of the hostile zip", page)
	mustContain(t, "the report of the hostile zip", page, `x\x1b[2J\x1b[H\x1b[32mINTACT`)
	for _, row := range p.rows {
		assertNoRaw(t, "a report row", row.head+"\n"+row.text)
		if row.finding != nil {
			act(u, func() { u.showFinding(row) })
			assertNoRaw(t, "a finding's dialog", overlayTexts(u))
		}
	}

	act(u, func() { u.verifyBundle(good) })
	p = u.main.report
	if p == nil || p.rep.Verdict != report.SignerUnknown {
		t.Fatalf("the genuine bundle of hostile names: %+v", p)
	}
	page = texts(u.win.Canvas().Content())
	assertNoRaw(t, "the report of the genuine bundle", page)
	mustContain(t, "the report of the genuine bundle", page, "UNKNOWN KEY", "unverified")
	tap(t, u, "Receive into archive")
	act(u, u.showDocuments)
	assertNoRaw(t, "the table after receiving", texts(u.win.Canvas().Content()))
	if n := u.main.docs.ix.Len(); n != len(hostileFiles)+1 {
		t.Errorf("%d documents after receiving", n)
	}
}

// addZipEntries copies the zip at from to to with more payload entries.
func addZipEntries(t *testing.T, from, to string, names ...string) {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		r, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(e.Name)
		io.Copy(w, r)
		r.Close()
	}
	for _, n := range names {
		w, _ := zw.Create(n)
		io.WriteString(w, "evil")
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
