package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/archivetest"
)

// toolbarButtons lists the toolbar's buttons.
func toolbarButtons(u *ui) []*tipButton {
	var out []*tipButton
	for _, o := range u.main.toolbar.(*fyne.Container).Objects {
		if b, ok := o.(*tipButton); ok {
			out = append(out, b)
		}
	}
	return out
}

func TestToolbarTooltips(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	bs := toolbarButtons(u)
	if len(bs) != 7 {
		t.Fatalf("%d toolbar buttons", len(bs))
	}
	for _, b := range bs {
		if b.tip == "" || !strings.Contains(b.tip, "Ctrl+") {
			t.Errorf("toolbar button %q has the tooltip %q", b.Text, b.tip)
		}
	}
	// Resting the pointer on a button shows its tip after a moment; leaving
	// hides it.
	b := bs[4]
	locked(func() { b.MouseIn(&desktop.MouseEvent{}) })
	if got := u.tips.shown(); got != "" {
		t.Errorf("a tip shows at once: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	var got string
	for got == "" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		locked(func() { got = u.tips.shown() })
	}
	if got != toolbarTips["Verify archive"] || b.Text != "Verify archive" {
		t.Errorf("resting on %q shows the tip %q", b.Text, got)
	}
	locked(func() { b.MouseOut() })
	if got := u.tips.shown(); got != "" {
		t.Errorf("the tip stays after the pointer left: %q", got)
	}
	_ = test.NewTempApp
}

// key types a key into the focused object, as the window does.
func key(u *ui, name fyne.KeyName) {
	act(u, func() {
		if f := u.win.Canvas().Focused(); f != nil {
			f.TypedKey(&fyne.KeyEvent{Name: name})
		}
	})
}

func TestTableKeyboard(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	d := u.main.docs
	act(u, func() { d.sortBy(colName) }) // export.json, log.txt, budget.eml, minutes.eml
	name := func(row int) string { return d.ix.Name(d.shown[row]) }

	// Enter in the search field goes to the table; the arrows move the
	// cursor row; Space marks it; Enter opens it.
	typeIn(d.search, "leak")
	key(u, fyne.KeyReturn)
	if u.win.Canvas().Focused() != d.table {
		t.Fatalf("Enter in the search field focuses %T", u.win.Canvas().Focused())
	}
	key(u, fyne.KeyDown)
	key(u, fyne.KeyDown)
	key(u, fyne.KeyUp)
	if d.cursor != 1 {
		t.Errorf("down, down, up: the cursor is on row %d", d.cursor)
	}
	if u.main.current != pageDocuments {
		t.Fatalf("moving the cursor opened the %s page", u.main.current)
	}
	key(u, fyne.KeySpace)
	if !d.marked[hexID(d.ix, d.shown[1])] || len(d.marked) != 1 {
		t.Errorf("Space marked %v", d.marked)
	}
	cell := newCell().(*cell)
	d.updateCell(widget.TableCellID{Row: 1, Col: colMark}, cell)
	if !cell.check.on {
		t.Error("the marked row's box is not ticked")
	}
	key(u, fyne.KeyEnd)
	if d.cursor != 3 {
		t.Errorf("End: row %d", d.cursor)
	}
	key(u, fyne.KeyDown) // stays on the last row
	key(u, fyne.KeyHome)
	key(u, fyne.KeyDown)
	key(u, fyne.KeyReturn)
	if u.main.current != pageDocument || u.main.doc.rec.FirstName() != name(1) {
		t.Fatalf("Enter shows the %s page", u.main.current)
	}
	// Escape, with nothing focused on the new page, goes back to the list.
	if f := u.win.Canvas().Focused(); f != nil {
		t.Fatalf("the document page opened with %T focused: Escape would not reach the window", f)
	}
	act(u, func() { u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if u.main.current != pageDocuments {
		t.Errorf("Escape leaves the %s page shown", u.main.current)
	}
}

// Tab goes through the search row and the table once, not through every
// row's mark.
func TestTabOrder(t *testing.T) {
	files := map[string]string{}
	for i := range 30 {
		files[fmt.Sprintf("f%02d.txt", i)] = fmt.Sprint(i)
	}
	dir := makeArchive(t, archivetest.Options(true), files, "")
	u := openTestUI(t, dir)
	c := u.win.Canvas()
	act(u, func() { c.Focus(u.main.docs.search) })
	seen := map[fyne.Focusable]bool{}
	var stops int
	for stops = 0; stops < 60; stops++ {
		act(u, func() { test.FocusNext(c) })
		f := c.Focused()
		if seen[f] {
			break
		}
		seen[f] = true
	}
	if !seen[u.main.docs.table] {
		t.Error("Tab never reaches the table")
	}
	t.Logf("Tab comes round after %d stops", stops)
	if stops > 20 {
		t.Errorf("Tab stops %d times before it comes round, with 30 documents shown", stops)
	}
}

func TestNoMatchSaysSo(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	u := openTestUI(t, dir)
	d := u.main.docs
	if d.nomatch.Visible() {
		t.Errorf("the no-match message shows over %d documents: %q", len(d.shown), d.nomatch.Text)
	}
	typeIn(d.search, "zebra")
	u.wait()
	if !d.nomatch.Visible() || d.nomatch.Text != "No document matches “zebra”." {
		t.Errorf("a search with no match shows %q (visible %v)", d.nomatch.Text, d.nomatch.Visible())
	}
	act(u, func() { d.kind.SetSelected("Email") })
	mustContain(t, "the no-match message", d.nomatch.Text, "“zebra”, type Email")
	act(u, func() { d.search.SetText("") })
	if d.nomatch.Visible() || len(d.shown) != 2 {
		t.Errorf("after clearing the search: message visible %v, %d rows", d.nomatch.Visible(), len(d.shown))
	}
	// The filters say what they filter, also once "any" is chosen.
	act(u, func() { d.kind.SetSelected(anyKind) })
	if d.kind.Selected != "Any type" || d.tag.Options[0] != "Any tag" || d.source.Options[0] != "Any source" {
		t.Errorf("filters read %q, %q, %q", d.kind.Selected, d.tag.Options[0], d.source.Options[0])
	}
}

func TestNewestFirst(t *testing.T) {
	dir := makeArchive(t, archivetest.Options(true), demoFiles, "USB stick")
	time.Sleep(1100 * time.Millisecond) // a later second, whatever the clock's grain
	a, err := archive.Open(dir, archivetest.Options(false))
	if err != nil {
		t.Fatal(err)
	}
	later := writeFiles(t, map[string]string{"later.txt": "came later"})
	if _, err := a.Import(context.Background(), []string{filepath.Join(later, "later.txt")}, archive.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	u := openTestUI(t, dir)
	d := u.main.docs
	if d.q.sort != colImported || !d.q.desc {
		t.Errorf("the table is sorted by column %d (desc %v)", d.q.sort, d.q.desc)
	}
	if first := d.ix.Name(d.shown[0]); first != "later.txt" {
		t.Errorf("the first row is %s, not the newest import", first)
	}
	h := newHeaderCell().(*headerCell)
	d.updateHeader(widget.TableCellID{Row: -1, Col: colImported}, h)
	if h.label.Text != "Imported ▼" {
		t.Errorf("the Imported header reads %q", h.label.Text)
	}
}

func TestMiddleEllipsis(t *testing.T) {
	test.NewTempApp(t)
	long := "leak/mail/2025/board/very-long-folder-name/another-level/minutes-of-the-meeting.eml"
	style := fyne.TextStyle{}
	w := fyne.MeasureText(long, theme.TextSize(), style).Width / 2
	got := middleEllipsis(long, w, style)
	if !strings.HasPrefix(got, "leak/") || !strings.HasSuffix(got, "meeting.eml") || !strings.Contains(got, "…") {
		t.Errorf("shortened to %q", got)
	}
	if fyne.MeasureText(got, theme.TextSize(), style).Width > w {
		t.Errorf("%q does not fit %v", got, w)
	}
	if got := middleEllipsis("short.txt", 1000, style); got != "short.txt" {
		t.Errorf("a name that fits became %q", got)
	}
}
