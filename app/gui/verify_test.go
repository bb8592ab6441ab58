package gui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/verify/report"
)

func TestVerifyArchiveIntact(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	act(u, u.verifyArchive)
	p := u.main.report
	if u.main.current != pageReport || p == nil {
		t.Fatalf("no report page; dialogs: %s", overlayTexts(u))
	}
	if p.rep.Verdict != report.Intact || !strings.HasPrefix(p.summary, "INTACT\n") {
		t.Fatalf("verdict %s: %s", p.rep.Verdict, p.summary)
	}
	if bg, _ := verdictColors(p.rep.Verdict); bg != colGreen {
		t.Error("INTACT is not green")
	}
	page := texts(u.win.Canvas().Content())
	mustContain(t, "the report page", page, "INTACT", "[Save report…]", "0 problems, 0 warnings", "document fixity")
	if name := reportFileName(p.kind, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)); name != "custody-archive-report-2026-03-01.pdf" {
		t.Errorf("proposed name %q", name)
	}
	for _, name := range []string{"report.pdf", "report.html", "report.json"} {
		out := filepath.Join(t.TempDir(), name)
		act(u, func() { u.saveReportTo(p, out) })
		u.wait()
		b, _ := os.ReadFile(out)
		if !bytes.Contains(b, []byte("INTACT")) && name != "report.pdf" || !bytes.HasPrefix(b, []byte("%PDF")) && name == "report.pdf" {
			t.Errorf("saved %s:\n%.300s", name, b)
		}
	}
}

// TestVerifyArchiveWithADamagedChunk damages one byte of a stored document
// and checks that the window names it in a red banner. Opening a damaged
// store for writing is refused, so the window offers to open it read-only.
func TestVerifyArchiveWithADamagedChunk(t *testing.T) {
	marker := []byte("UNIQUE-MARKER-5d1e0c93-UNIQUE")
	memo := string(bytes.Repeat([]byte("minutes of the board "), 200)) + string(marker) + strings.Repeat(" tail", 200)
	files := map[string]string{"leak/memo.txt": memo, "leak/other.txt": "fine"}
	dir := makeArchive(t, archivetest.Plain(true), files, "USB stick")
	archivetest.FlipMarker(t, dir, "store/*.vlog", marker, 5, 0x01)
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir, "CUSTODY_PASSPHRASE": archivetest.Passphrase})
	act(u, u.start)
	if u.arc == nil {
		mustContain(t, "the error page", texts(u.win.Canvas().Content()), "damaged", "[Open it read-only to check it]")
		tap(t, u, "Open it read-only to check it")
		typeIn(u.unlockPage.pass, archivetest.Passphrase)
		tap(t, u, "Unlock")
		if u.arc == nil || !u.readOnly {
			t.Fatalf("not opened read-only: %s", texts(u.win.Canvas().Content()))
		}
		if !strings.Contains(u.win.Title(), "read-only") {
			t.Errorf("title %q does not say read-only", u.win.Title())
		}
	}
	act(u, u.verifyArchive)
	p := u.main.report
	if p == nil {
		t.Fatalf("no report; dialogs: %s", overlayTexts(u))
	}
	if p.rep.Verdict != report.Corrupt {
		t.Fatalf("verdict %s, findings %+v", p.rep.Verdict, p.rep.Findings)
	}
	if bg, _ := verdictColors(p.rep.Verdict); bg != colRed {
		t.Error("CORRUPT is not red")
	}
	mustContain(t, "the banner", p.summary, "CORRUPT", "leak/memo.txt")
	if strings.Contains(p.summary, "other.txt") {
		t.Errorf("the banner names an intact document: %s", p.summary)
	}
	var row *reportRow
	for i := range p.rows {
		if p.rows[i].finding != nil && p.rows[i].finding.Code == "CHUNK_CORRUPT" {
			row = &p.rows[i]
		}
	}
	if row == nil || !strings.Contains(row.head, "leak/memo.txt") {
		t.Fatalf("no CHUNK_CORRUPT row naming the document: %+v", p.rows)
	}
	// The finding opens on its own, with a way to the document.
	act(u, func() { u.showFinding(*row) })
	mustContain(t, "the finding", overlayTexts(u), row.finding.Doc, "[Open the document]")
	// Its text is shown whole, not squashed to a line or two of a scroll.
	var sc *container.Scroll
	for _, o := range test.LaidOutObjects(u.win.Canvas().Overlays().Top()) {
		if s, ok := o.(*container.Scroll); ok && sc == nil {
			sc = s
		}
	}
	if sc == nil {
		t.Fatal("the finding's text is not in a scroll")
	}
	if h, need := sc.Size().Height, sc.Content.MinSize().Height; h+1 < need || h < 4*theme.TextSize() {
		t.Errorf("the finding's text gets %v of the %v it needs", h, need)
	}
	tap(t, u, "Open the document")
	if u.main.current != pageDocument || u.main.doc.rec.FirstName() != "leak/memo.txt" {
		t.Errorf("Open the document shows the %s page", u.main.current)
	}
}
