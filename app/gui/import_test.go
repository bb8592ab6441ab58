package gui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/progress"
)

func TestImportAsksForTheSourceOnceAndSumsUp(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"old.txt": "already here"}, "first")
	u := openTestUI(t, dir)
	src := writeFiles(t, demoFiles)
	os.WriteFile(filepath.Join(src, "leak", "again.txt"), []byte("already here"), 0o644)
	if err := os.Symlink(filepath.Join(src, "leak", "chat"), filepath.Join(src, "leak", "link")); err != nil {
		t.Fatal(err)
	}
	act(u, func() { u.askImport([]string{filepath.Join(src, "leak")}) })
	f := u.importForm
	if f == nil {
		t.Fatal("no import form")
	}
	if f.source.Text != "" {
		t.Errorf("source prefilled with %q before any import from the window", f.source.Text)
	}
	f.source.SetText("Envelope from B., 4 March")
	f.note.SetText("Handed over in person")
	tap(t, u, "Import")
	mustContain(t, "the import summary", u.lastSummary,
		"Added: 4 documents", "Already in the archive: 1 document", "Skipped: 1 file", "symbolic link")
	if n := u.main.docs.ix.Len(); n != 5 {
		t.Fatalf("%d documents listed after the import, want 5", n)
	}
	mustContain(t, "the status bar", u.main.status.Text, "5 documents")
	var found bool
	for _, r := range u.main.docs.records(t) {
		if r.FirstName() == "leak/mail/budget.eml" {
			found = true
			if r.Source != "Envelope from B., 4 March" || r.Note != "Handed over in person" {
				t.Errorf("recorded source %q, note %q", r.Source, r.Note)
			}
		}
	}
	if !found {
		t.Error("leak/mail/budget.eml is not listed")
	}
	// The next import offers the same source again.
	act(u, func() { u.askImport([]string{filepath.Join(src, "leak", "again.txt")}) })
	if got := u.importForm.source.Text; got != "Envelope from B., 4 March" {
		t.Errorf("source offered again: %q", got)
	}
}

func TestImportCanBeCancelled(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), map[string]string{"a.txt": "a"}, "")
	u := openTestUI(t, dir)
	files := map[string]string{}
	for i := range 2000 {
		files[fmt.Sprintf("many/%02d/%d.txt", i%50, i)] = strings.Repeat("x", i)
	}
	src := writeFiles(t, files)
	act(u, func() { u.askImport([]string{src}) })
	locked(func() {
		u.importForm.dlg.Confirm()
		for tk := range u.cancels {
			test.Tap(tk.stop)
			if tk.stop.Text != "Stopping…" || !tk.stop.Disabled() {
				t.Errorf("the Cancel button shows %q", tk.stop.Text)
			}
		}
	})
	u.wait()
	if u.tasks != 0 {
		t.Fatalf("%d tasks still running", u.tasks)
	}
	listed := u.main.docs.ix.Len() - 1
	if strings.Contains(u.lastSummary, "Import cancelled") {
		want := "Added: nothing new"
		if listed > 0 {
			want = fmt.Sprintf("Added: %s", plural(listed, "document", "documents"))
		}
		mustContain(t, "the summary", u.lastSummary, want)
	} else if listed != 2000 {
		t.Errorf("not cancelled, yet %d of 2000 documents listed; summary:\n%s", listed, u.lastSummary)
	}
}

func TestImportSummaryWhenCancelled(t *testing.T) {
	u := newTestUI(t, nil)
	u.importDone(&archive.ImportResult{Added: 3, Bytes: 3000}, context.Canceled)
	mustContain(t, "the summary", u.lastSummary, "Import cancelled", "nothing half-imported", "Added: 3 documents (3.0 kB)")
}

func TestProgressWords(t *testing.T) {
	p := progress.Progress{Files: 1234, TotalFiles: 5000, Bytes: 1_200_000_000, TotalBytes: 3_400_000_000,
		Elapsed: 10 * time.Second}
	if got, want := progressCounts(p), "1,234 of 5,000 files · 1.2 GB of 3.4 GB"; got != want {
		t.Errorf("progressCounts = %q, want %q", got, want)
	}
	if got, want := eta(p), "120 MB/s · about 20 s left"; got != want {
		t.Errorf("eta = %q, want %q", got, want)
	}
	if got := eta(progress.Progress{Bytes: 5, TotalBytes: 10, Elapsed: 100 * time.Millisecond}); got != "" {
		t.Errorf("eta after 0.1 s = %q, want nothing yet", got)
	}
}
