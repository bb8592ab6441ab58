package gui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/quote"
)

// The document table's behaviour at the keyboard: one Tab stop for the
// whole table, a cursor row the arrows move, Enter to open, Space to mark.
// The table's cells hold nothing focusable (the mark is drawn, not a
// check box), so Tab goes from the search row to the table and on, not
// through every row.

// docTable is Fyne's table with the list's keys.
type docTable struct {
	widget.Table
	d       *docList
	focused bool
}

func newDocTable(d *docList, length func() (int, int), create func() fyne.CanvasObject,
	update func(widget.TableCellID, fyne.CanvasObject)) *docTable {
	t := &docTable{d: d}
	t.Length, t.UpdateCell = length, update
	t.CreateCell = func() fyne.CanvasObject {
		o := create()
		if c, ok := o.(*cell); ok {
			c.tips = d.u.tips
		}
		return o
	}
	t.ExtendBaseWidget(t)
	return t
}

// TypedKey moves the cursor row, opens its document (Enter) or marks it
// (Space).
func (t *docTable) TypedKey(e *fyne.KeyEvent) {
	d := t.d
	rows := len(d.shown)
	if rows == 0 {
		return
	}
	page := max(1, int(t.Size().Height/max(1, newCell().MinSize().Height))-2)
	switch e.Name {
	case fyne.KeyDown:
		d.moveCursor(d.cursor + 1)
	case fyne.KeyUp:
		d.moveCursor(d.cursor - 1)
	case fyne.KeyPageDown:
		d.moveCursor(d.cursor + page)
	case fyne.KeyPageUp:
		d.moveCursor(d.cursor - page)
	case fyne.KeyHome:
		d.moveCursor(0)
	case fyne.KeyEnd:
		d.moveCursor(rows - 1)
	case fyne.KeyReturn, fyne.KeyEnter:
		if r := d.cursorRecord(); r != nil {
			d.u.showDocument(r)
		}
	case fyne.KeySpace:
		if d.cursor >= 0 && d.cursor < len(d.shown) {
			d.toggle(hexID(d.ix, d.shown[d.cursor]))
		}
	}
}

// TypedRune ignores letters: the search field is one Tab (or Ctrl+F) away.
func (t *docTable) TypedRune(rune) {}

func (t *docTable) FocusGained() {
	t.focused = true
	t.Table.FocusGained()
	t.Refresh()
}

func (t *docTable) FocusLost() {
	t.focused = false
	t.Table.FocusLost()
}

// moveCursor puts the cursor on row (clamped to the rows shown) and
// scrolls it into view. It goes through the table's Select, which keeps
// Fyne's own focus cell with it; onSelect sees d.moving and opens nothing.
func (d *docList) moveCursor(row int) {
	row = min(max(row, 0), len(d.shown)-1)
	if row < 0 {
		return
	}
	d.cursor = row
	d.moving = true
	d.table.Select(widget.TableCellID{Row: row, Col: colMark})
	d.moving = false
	d.table.Refresh()
}

// cursorRecord reads the record of the row under the cursor from the
// archive (the index holds only what the table shows); nil when there is
// none or it cannot be read, which is then shown.
func (d *docList) cursorRecord() *catalog.Record {
	if d.cursor < 0 || d.cursor >= len(d.shown) {
		return nil
	}
	r, err := d.u.arc.Record(d.ix.ID(d.shown[d.cursor]))
	if err != nil {
		dialog.ShowError(hinted(err), d.u.win)
		return nil
	}
	return r
}

// focusTable moves the keyboard to the table (Enter in the search field).
func (d *docList) focusTable() {
	if len(d.shown) > 0 {
		d.u.win.Canvas().Focus(d.table)
	}
}

// markBox draws a row's mark; a tap on it reaches the table, which marks.
type markBox struct {
	widget.Icon
	on bool
}

func newMarkBox() *markBox {
	m := &markBox{}
	m.Resource = theme.CheckButtonIcon()
	m.ExtendBaseWidget(m)
	return m
}

func (m *markBox) SetChecked(on bool) {
	if m.on == on && m.Resource != nil {
		return
	}
	m.on = on
	if on {
		m.SetResource(theme.CheckButtonCheckedIcon())
	} else {
		m.SetResource(theme.CheckButtonIcon())
	}
}

// cursorBack is the cursor row's background in a cell.
func cursorBack() *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.CornerRadius = 0
	return r
}

func (c *cell) showCursor(on bool) {
	want := color.Color(color.Transparent)
	if on {
		want = theme.Color(theme.ColorNameSelection)
	}
	if c.back.FillColor != want {
		c.back.FillColor = want
		c.back.Refresh()
	}
}

// headerCell is a column title that sorts when tapped; unlike a button it
// takes no Tab stop.
type headerCell struct {
	widget.BaseWidget
	label    *widget.Label
	icon     *widget.Icon
	OnTapped func()
}

func newHeaderCell() fyne.CanvasObject {
	h := &headerCell{label: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), icon: widget.NewIcon(nil)}
	h.icon.Hide()
	h.ExtendBaseWidget(h)
	return h
}

func (h *headerCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(h.label, container.NewCenter(h.icon)))
}

func (h *headerCell) SetText(s string) { h.label.SetText(s) }

func (h *headerCell) SetIcon(r fyne.Resource) {
	h.icon.SetResource(r)
	if r == nil {
		h.icon.Hide()
	} else {
		h.icon.Show()
	}
}

func (h *headerCell) Tapped(*fyne.PointEvent) {
	if h.OnTapped != nil {
		h.OnTapped()
	}
}

// middleEllipsis shortens s to fit width by cutting its middle, so both a
// name's folder and its file name stay readable: "leak/mail/…/minutes.eml".
func middleEllipsis(s string, width float32, style fyne.TextStyle) string {
	size := theme.TextSize()
	fits := func(t string) bool { return fyne.MeasureText(t, size, style).Width <= width }
	if width <= 0 || fits(s) {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // keep lo..hi runes in all, split between head and tail
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(cutMiddle(r, mid)) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return cutMiddle(r, lo)
}

func cutMiddle(r []rune, keep int) string {
	if keep >= len(r) {
		return string(r)
	}
	tail := keep / 2
	head := keep - tail
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// noMatchText says why the table is empty although the archive is not.
func noMatchText(q query) string {
	var what []string
	if t := strings.TrimSpace(q.text); t != "" {
		what = append(what, fmt.Sprintf("“%s”", quote.Safe(t)))
	}
	if q.kind != "" {
		what = append(what, "type "+quote.Safe(q.kind))
	}
	if q.tag != "" {
		what = append(what, "tag "+quote.Safe(q.tag))
	}
	if q.source != "" {
		what = append(what, "source "+quote.Safe(q.source))
	}
	if len(what) == 0 {
		return "No document matches."
	}
	return "No document matches " + strings.Join(what, ", ") + "."
}
