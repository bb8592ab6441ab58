// Package gui is Custody's window, built with Fyne. It holds no logic of
// its own: every action calls the archive and verify packages, long work
// runs in goroutines, and every UI update from them goes through fyne.Do.
package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/assets"
)

// Main opens the window on the archive named by $CUSTODY_ARCHIVE or the
// default one, and returns the process exit code when it closes.
func Main() int {
	a := app.NewWithID("app.custody.desktop")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Custody")
	w.Resize(fyne.NewSize(1100, 700))
	dir := archive.Locate("")
	arc, err := archive.Open(dir, archive.Options{Create: true, Store: store.Config{}})
	if err != nil {
		w.SetContent(widget.NewLabel(fmt.Sprintf("Could not open the archive in %s:\n%v", dir, err)))
		w.ShowAndRun()
		return 2
	}
	defer arc.Close()
	w.SetTitle("Custody — " + arc.Dir())
	recs, _ := arc.Records()
	w.SetContent(container.NewBorder(nil, widget.NewLabel(fmt.Sprintf("%d documents", len(recs))), nil, nil, docTable(recs)))
	w.ShowAndRun()
	return 0
}

func docTable(recs []*catalog.Record) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(recs), 3 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			r := recs[id.Row]
			l := o.(*widget.Label)
			switch id.Col {
			case 0:
				l.SetText(r.FirstName())
			case 1:
				l.SetText(fmt.Sprint(r.Size))
			case 2:
				l.SetText(r.ID[:12])
			}
		})
	t.SetColumnWidth(0, 600)
	t.SetColumnWidth(1, 120)
	return t
}
