package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/custody-app/custody/archive/catalog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

// testConfig makes archives cheap: the lowest passphrase cost, small
// Badger files.
func testConfig(env map[string]string) config {
	return config{
		Getenv:     func(k string) string { return env[k] },
		Store:      archivetest.Config,
		ScryptLogN: keys.MinScryptLogN,
	}
}

// newTestUI makes the window on a test app, at the size of a laptop
// screen.
func newTestUI(t *testing.T, env map[string]string) *ui {
	t.Helper()
	a := test.NewTempApp(t)
	u := newUI(a, testConfig(env))
	u.do = func(fn func()) {
		uiMu.Lock()
		defer uiMu.Unlock()
		fn()
	}
	u.win.Resize(fyne.NewSize(1280, 800))
	u.win.Show()
	t.Cleanup(func() {
		u.wait()
		u.closeArchive()
		u.win.Close()
	})
	return u
}

// uiMu serialises UI updates from jobs, as the real driver's event loop
// does; tests that act while a job runs take it too (see locked).
var uiMu sync.Mutex

// locked runs fn while no job updates the window.
func locked(fn func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	fn()
}

// wait lets every job off the UI goroutine finish (their UI updates run
// with them under the test driver).
func (u *ui) wait() { u.jobs.Wait() }

// writeFiles writes files (relative path → content) under a new folder.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// demoFiles is a small corpus: emails, a chat log, JSON.
var demoFiles = map[string]string{
	"leak/mail/minutes.eml": "From: Ana Ruiz <ana@example.org>\r\nTo: desk@example.org\r\nSubject: =?UTF-8?Q?Minutes_=E2=80=93_March?=\r\n" +
		"Date: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\nThe minutes are attached.\r\n",
	"leak/mail/budget.eml":  "From: Bo Lind <bo@example.org>\r\nTo: ana@example.org\r\nSubject: Budget\r\n\r\nSee the figures.\r\n",
	"leak/chat/log.txt":     "[12:01] ana: did you see it?\n[12:02] bo: yes\n",
	"leak/chat/export.json": `{"messages":[{"from":"ana","text":"hi"}]}`,
}

// makeArchive creates an archive holding files, imported with source, and
// returns its folder (closed).
func makeArchive(t testing.TB, opt archive.Options, files map[string]string, source string) string {
	t.Helper()
	return makeArchiveAt(t, filepath.Join(t.TempDir(), "archive"), opt, files, source)
}

// makeArchiveAt is makeArchive in the folder dir.
func makeArchiveAt(t testing.TB, dir string, opt archive.Options, files map[string]string, source string) string {
	t.Helper()
	src := writeFiles(t, files)
	a, err := archive.Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var paths []string
	ents, _ := os.ReadDir(src)
	for _, e := range ents {
		paths = append(paths, filepath.Join(src, e.Name()))
	}
	if _, err := a.Import(context.Background(), paths, archive.ImportOptions{Source: source}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// openTestUI opens the archive in dir as a script would: through
// $CUSTODY_ARCHIVE and $CUSTODY_PASSPHRASE.
func openTestUI(t *testing.T, dir string) *ui {
	t.Helper()
	u := newTestUI(t, map[string]string{"CUSTODY_ARCHIVE": dir, "CUSTODY_PASSPHRASE": archivetest.Passphrase})
	act(u, u.start)
	if u.arc == nil || u.main == nil {
		t.Fatalf("the archive did not open; window shows:\n%s", texts(u.win.Canvas().Content()))
	}
	return u
}

// texts collects every label, button and entry text under o, one a line,
// to check what a person would read.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		case *tipButton:
			b.WriteString("[" + w.Text + "]\n")
		case *widget.Entry:
			b.WriteString("<" + w.Text + ">\n")
		case *widget.Check:
			b.WriteString("(" + w.Text + ")\n")
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, ch := range c.Objects {
				walk(ch)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			r := test.WidgetRenderer(w)
			if r == nil {
				return
			}
			for _, ch := range r.Objects() {
				walk(ch)
			}
		}
	}
	walk(o)
	return b.String()
}

// overlayTexts is the text of the dialogs shown over the window.
func overlayTexts(u *ui) string {
	var b strings.Builder
	for _, o := range u.win.Canvas().Overlays().List() {
		b.WriteString(texts(o))
	}
	return b.String()
}

func mustContain(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not say %q; it says:\n%s", where, w, text)
		}
	}
}

// findButton finds a visible button with the given text under o.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
			return
		}
		if b, ok := o.(*tipButton); ok && b.Text == text {
			found = &b.Button
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, ch := range c.Objects {
				walk(ch)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			if r := test.WidgetRenderer(w); r != nil {
				for _, ch := range r.Objects() {
					walk(ch)
				}
			}
		}
	}
	walk(o)
	return found
}

// tap taps the button with the given text on the topmost dialog, else on
// the page, and waits for the work it starts.
func tap(t *testing.T, u *ui, text string) {
	t.Helper()
	var b *widget.Button
	ov := u.win.Canvas().Overlays().List()
	for i := len(ov) - 1; i >= 0 && b == nil; i-- {
		b = findButton(ov[i], text)
	}
	if b == nil {
		b = findButton(u.win.Canvas().Content(), text)
	}
	if b == nil {
		t.Fatalf("no button %q; the window shows:\n%s\ndialogs:\n%s", text, texts(u.win.Canvas().Content()), overlayTexts(u))
	}
	if b.Disabled() {
		t.Fatalf("button %q is disabled", text)
	}
	locked(func() { test.Tap(b) })
	u.wait()
}

// typeIn types into an entry as a person would, key by key, while no
// job updates the window.
func typeIn(e fyne.Focusable, text string) {
	locked(func() { test.Type(e, text) })
}

// act does something to the window as a person would (while no job
// updates it), then waits for the work it started.
func act(u *ui, fn func()) {
	locked(fn)
	u.wait()
}

// records reads the records of the rows the list holds, in its order.
func (d *docList) records(t testing.TB) []*catalog.Record {
	t.Helper()
	out := make([]*catalog.Record, 0, d.ix.Len())
	for i := range int32(d.ix.Len()) {
		r, err := d.u.arc.Record(d.ix.ID(i))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// row reads the record shown in row k of the table.
func (d *docList) row(t testing.TB, k int) *catalog.Record {
	t.Helper()
	r, err := d.u.arc.Record(d.ix.ID(d.shown[k]))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// allRecords reads every document's record from the archive open in u
// (the document list's index holds only what the table shows).
func allRecords(u *ui) []*catalog.Record {
	var out []*catalog.Record
	u.arc.Each(func(r *catalog.Record) error { out = append(out, r); return nil }, nil)
	return out
}
