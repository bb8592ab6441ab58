package gui

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/docindex"
	"github.com/custody-app/custody/archive/quote"
)

// docList is the documents page: the search row and the table. The table
// is virtual: it draws only the rows in view from shown, which indexes
// the rows of ix (archive/docindex: what the table shows of each record,
// not the records).
type docList struct {
	u      *ui
	ix     *docindex.View
	shown  []int32
	q      query
	gen    int // bumps on every search, so a slow one cannot overwrite a newer one
	marked map[string]bool
	// rawOf maps a tag or source as the filters show it (quote.Safe) to
	// its value; quote.Safe gives distinct values distinct texts.
	rawOf map[string]string

	search            *widget.Entry
	kind, tag, source *widget.Select
	info              *widget.Label
	unmark, markShown *widget.Button
	table             *docTable
	cursor            int  // the row the keyboard is on (doctable_keys.go)
	moving            bool // the cursor is moving: a selection opens nothing
	nomatch           *widget.Label
	nameWidth         float32
	empty             fyne.CanvasObject
	view              fyne.CanvasObject
	widths            [numCols]float32
	lastWidth         float32
	dkim              map[string]string // message ID → latest DKIM outcome (dkim.go)
}

// The filters' first choices, which also say what each filters.
const (
	anyKind   = "Any type"
	anyTag    = "Any tag"
	anySource = "Any source"
)

var colTitles = [numCols]string{"", "Name", "Type", "Size", "Imported", "Source", "ID", "DKIM"}

func newDocList(u *ui) *docList {
	d := &docList{u: u, ix: buildIndex(nil), marked: map[string]bool{}, q: query{sort: colImported, desc: true}}
	d.widths = [numCols]float32{36, 320, 90, 90, 140, 180, 120, 110}
	d.nameWidth = d.widths[colName]
	d.search = widget.NewEntry()
	d.search.SetPlaceHolder("Search names, ID, tags, sources, notes")
	d.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	d.search.OnChanged = func(s string) { d.q.text = s; d.refilter() }
	d.search.OnSubmitted = func(string) { d.focusTable() }
	d.kind = widget.NewSelect(append([]string{anyKind}, typeNames...), func(s string) { d.q.kind = choice(s); d.refilter() })
	d.kind.PlaceHolder = "Type"
	d.tag = widget.NewSelect(nil, func(s string) { d.q.tag = d.rawOf[choice(s)]; d.refilter() })
	d.tag.PlaceHolder = "Tag"
	d.source = widget.NewSelect(nil, func(s string) { d.q.source = d.rawOf[choice(s)]; d.refilter() })
	d.source.PlaceHolder = "Source"
	d.info = widget.NewLabel("")
	d.info.Truncation = fyne.TextTruncateEllipsis
	d.unmark = widget.NewButton("Clear marks", func() { d.marked = map[string]bool{}; d.changedMarks() })
	d.markShown = widget.NewButton("Mark all shown", d.markAllShown)
	d.unmark.Hide()

	d.table = newDocTable(d, func() (int, int) { return len(d.shown), numCols }, newCell, d.updateCell)
	d.table.ShowHeaderRow = true
	d.table.CreateHeader = newHeaderCell
	d.table.UpdateHeader = d.updateHeader
	d.table.OnSelected = func(id widget.TableCellID) {
		d.table.Unselect(id)
		if id.Row < 0 || id.Row >= len(d.shown) {
			return
		}
		d.cursor = id.Row
		if d.moving {
			return
		}
		i := d.shown[id.Row]
		if id.Col == colMark {
			d.toggle(hexID(d.ix, i))
			return
		}
		r, err := d.u.arc.Record(d.ix.ID(i))
		if err != nil {
			dialog.ShowError(hinted(err), u.win)
			return
		}
		u.showDocument(r)
	}
	for c, w := range d.widths {
		d.table.SetColumnWidth(c, w)
	}
	importFiles := widget.NewButtonWithIcon("Import files…", theme.FileIcon(), u.importFilesDialog)
	importFolder := widget.NewButtonWithIcon("Import folder…", theme.FolderIcon(), u.importFolderDialog)
	d.empty = container.NewCenter(container.NewVBox(
		widget.NewLabelWithStyle("No documents yet", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("Drop files or folders onto this window, or:", fyne.TextAlignCenter, fyne.TextStyle{}),
		container.NewCenter(container.NewHBox(importFiles, importFolder)),
	))
	d.empty.Hide()
	d.nomatch = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	d.nomatch.Hide()
	filters := container.NewGridWithColumns(3, d.kind, d.tag, d.source)
	top := container.NewBorder(nil, nil, nil, filters, d.search)
	marks := container.NewHBox(d.markShown, d.unmark)
	bar := container.NewBorder(nil, nil, nil, marks, d.info)
	tableArea := container.New(&stretchLayout{d: d}, d.table)
	d.view = container.NewBorder(container.NewVBox(top, bar), nil, nil, nil, container.NewStack(tableArea, d.empty, container.NewCenter(d.nomatch)))
	return d
}

func choice(s string) string {
	if s == anyKind || s == anyTag || s == anySource {
		return ""
	}
	return s
}

// setIndex shows a newly loaded index, keeping the search and marks.
func (d *docList) setIndex(ix *docindex.View) {
	d.ix = ix
	d.rawOf = map[string]string{}
	for _, v := range append(append([]string(nil), ix.Tags()...), ix.Sources()...) {
		d.rawOf[quote.Safe(v)] = v
	}
	d.tag.Options = append([]string{anyTag}, shownAll(ix.Tags())...)
	d.source.Options = append([]string{anySource}, shownAll(ix.Sources())...)
	d.tag.Refresh()
	d.source.Refresh()
	if ix.Len() == 0 {
		d.empty.Show()
	} else {
		d.empty.Hide()
	}
	d.apply(false)
}

// refilter runs the search off the UI goroutine and shows its result
// from the top. Over a million documents it takes tens of milliseconds
// (docindex's benchmarks); a newer search makes an older one's result be
// dropped.
func (d *docList) refilter() { d.apply(true) }

// apply searches the index; with top, the table scrolls back to the first
// row (a new search), else it stays where it is (more records loaded).
func (d *docList) apply(top bool) {
	d.gen++
	gen, ix, q := d.gen, d.ix, d.q
	t0 := time.Now()
	d.u.goWork(func() {
		shown := ix.Search(q.index())
		d.u.do(func() {
			if gen != d.gen {
				return
			}
			d.shown = shown
			if top || d.cursor >= len(shown) {
				d.cursor = 0
			}
			d.nomatch.SetText(noMatchText(q))
			d.nomatch.Hidden = len(shown) > 0 || ix.Len() == 0
			d.nomatch.Refresh()
			d.table.Refresh()
			if top {
				d.table.ScrollToTop()
				d.u.logTiming("search %q: %d of %d rows shown in %v", q.text, len(shown), ix.Len(), time.Since(t0).Round(time.Microsecond))
			}
			d.updateInfo()
		})
	})
}

func (d *docList) updateInfo() {
	total := d.ix.Len()
	s := fmt.Sprintf("%s of %s shown", count(int64(len(d.shown))), plural(total, "document", "documents"))
	if len(d.shown) == total {
		s = plural(total, "document", "documents")
	}
	if n := len(d.marked); n > 0 {
		s += fmt.Sprintf(" · %s marked for export or derive", count(int64(n)))
		d.unmark.Show()
	} else {
		d.unmark.Hide()
	}
	d.info.SetText(s)
}

func (d *docList) toggle(id string) {
	if d.marked[id] {
		delete(d.marked, id)
	} else {
		d.marked[id] = true
	}
	d.changedMarks()
}

func (d *docList) markAllShown() {
	for _, i := range d.shown {
		d.marked[hexID(d.ix, i)] = true
	}
	d.changedMarks()
}

func (d *docList) changedMarks() {
	d.table.Refresh()
	d.updateInfo()
}

// markedIDs returns the marked documents' IDs, in the archive's order.
func (d *docList) markedIDs() [][32]byte {
	var out [][32]byte
	for id := range d.marked {
		if sum, err := catalog.ParseID(id); err == nil {
			out = append(out, sum)
		}
	}
	slices.SortFunc(out, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	return out
}

// markedRecords reads the marked documents' records from the archive.
func (d *docList) markedRecords() ([]*catalog.Record, error) {
	var out []*catalog.Record
	for _, id := range d.markedIDs() {
		r, err := d.u.arc.Record(id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// shownIDs returns the IDs of the documents the search shows.
func (d *docList) shownIDs() [][32]byte {
	out := make([][32]byte, len(d.shown))
	for k, i := range d.shown {
		out[k] = d.ix.ID(i)
	}
	return out
}

// cell is one table cell: a check box for the first column, a label for
// the others.
type cell struct {
	widget.BaseWidget
	check *markBox
	label *widget.Label
	back  *canvas.Rectangle
	full  string // the whole text, when the label shows it shortened
	tips  *tipLayer
}

func newCell() fyne.CanvasObject {
	c := &cell{check: newMarkBox(), label: widget.NewLabel(""), back: cursorBack()}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.back, container.NewHBox(c.check), c.label))
}

func (d *docList) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	if id.Row >= len(d.shown) {
		return
	}
	i := d.shown[id.Row]
	c.showCursor(id.Row == d.cursor && d.table.focused)
	if id.Col == colMark {
		docID := hexID(d.ix, i)
		c.label.Hide()
		c.check.Show()
		c.check.SetChecked(d.marked[docID])
		return
	}
	c.check.Hide()
	c.label.Show()
	c.label.Alignment = fyne.TextAlignLeading
	c.label.TextStyle = fyne.TextStyle{Monospace: id.Col == colID}
	if id.Col == colDKIM {
		c.full = ""
		c.label.SetText(dkimCell(d.dkim[hexID(d.ix, i)]))
		return
	}
	text := cellText(d.ix, i, id.Col)
	c.full = text
	if id.Col == colName {
		text = middleEllipsis(text, d.nameWidth-2*theme.InnerPadding(), c.label.TextStyle)
	}
	c.label.SetText(text)
	if id.Col == colSize {
		c.label.Alignment = fyne.TextAlignTrailing
		c.label.Refresh()
	}
}

// cellText is what row i shows in column col.
func cellText(ix *docindex.View, i int32, col int) string {
	switch col {
	case colName:
		if n := ix.Name(i); n != "" {
			return n
		}
		return "(no name)"
	case colType:
		return quote.Safe(ix.Kind(i))
	case colSize:
		return humanBytes(ix.Size(i))
	case colImported:
		return shortTime(ix.Imported(i))
	case colSource:
		if src, kind := ix.Source(i), ix.Derived(i); src == "" && kind != "" {
			return "(" + quote.Safe(kind) + ")"
		}
		return quote.Safe(ix.Source(i))
	case colID:
		return shortID(hexID(ix, i))
	}
	return ""
}

func (d *docList) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*headerCell)
	col := id.Col
	if col < 0 {
		return
	}
	if col == colMark {
		b.SetText("")
		b.SetIcon(theme.CheckButtonIcon())
		b.OnTapped = d.markAllShown
		return
	}
	text := colTitles[col]
	if d.q.sort == col {
		if d.q.desc {
			text += " ▼"
		} else {
			text += " ▲"
		}
	}
	b.SetIcon(nil)
	b.SetText(text)
	b.OnTapped = func() { d.sortBy(col) }
}

// sortBy orders the table by a column; a second tap reverses it.
func (d *docList) sortBy(col int) {
	if col == colDKIM {
		return // not a column of the index (dkim.go keeps it)
	}
	if d.q.sort == col {
		d.q.desc = !d.q.desc
	} else {
		d.q.sort, d.q.desc = col, false
	}
	d.refilter()
}

// stretchLayout gives the name column whatever width the others leave.
type stretchLayout struct{ d *docList }

func (l *stretchLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	d := l.d
	if size.Width != d.lastWidth {
		d.lastWidth = size.Width
		var fixed float32
		for c, w := range d.widths {
			if c != colName {
				fixed += w
			}
		}
		name := size.Width - fixed - theme.ScrollBarSize() - float32(numCols)*theme.Padding()
		if name < 160 {
			name = 160
		}
		d.nameWidth = name
		d.table.SetColumnWidth(colName, name)
	}
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *stretchLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(300, 120)
}
