package gui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/quote"
)

// prefSource remembers the last source label, to offer it again.
const prefSource = "lastSource"

// importFilesDialog picks a file to import (more can be added in the
// next step, or dropped onto the window).
func (u *ui) importFilesDialog() {
	if !u.canWrite() {
		return
	}
	u.pickOpen(pickFiles, "Import files", nil, u.askImport)
}

// importFolderDialog picks a folder to import, recursively.
func (u *ui) importFolderDialog() {
	if !u.canWrite() {
		return
	}
	u.pickOpen(pickFolder, "Import a folder", nil, u.askImport)
}

// canWrite says whether the archive can be changed, and explains when not.
func (u *ui) canWrite() bool {
	if u.arc == nil {
		return false
	}
	if u.readOnly {
		dialog.ShowInformation("Read-only", "This archive was opened read-only: nothing can be added or changed. "+
			"Open it again with its passphrase to make changes.", u.win)
		return false
	}
	return true
}

// importForm asks once per import where the material came from.
type importForm struct {
	paths  []string
	list   *widget.Label
	source *widget.Entry
	note   *widget.Entry
	dlg    *dialog.ConfirmDialog
}

// askImport asks for the source label and note, then imports paths.
func (u *ui) askImport(paths []string) {
	if !u.canWrite() || len(paths) == 0 {
		return
	}
	f := &importForm{paths: paths, list: widget.NewLabel(""), source: widget.NewEntry(), note: widget.NewMultiLineEntry()}
	f.list.Wrapping = fyne.TextWrapBreak
	f.showPaths()
	f.source.SetText(u.app.Preferences().String(prefSource))
	f.source.SetPlaceHolder("e.g. USB stick handed over by J., 3 March")
	f.note.SetPlaceHolder("Anything worth recording about this delivery (optional)")
	f.note.SetMinRowsVisible(3)
	f.note.Wrapping = fyne.TextWrapWord
	more := widget.NewButton("Add another file…", func() {
		u.pickOpen(pickFiles, "Add files to this import", nil, func(paths []string) {
			f.paths = append(f.paths, paths...)
			f.showPaths()
		})
	})
	form := widget.NewForm(
		widget.NewFormItem("Source", f.source),
		widget.NewFormItem("Note", f.note),
	)
	body := container.NewVBox(f.list, container.NewHBox(more), form,
		para("The source and note are recorded with every document of this import, in the signed log."))
	f.dlg = dialog.NewCustomConfirm("Import", "Import", "Cancel", body, func(ok bool) {
		if ok {
			u.importForm = nil
			u.startImport(f.paths, strings.TrimSpace(f.source.Text), strings.TrimSpace(f.note.Text))
		}
	}, u.win)
	f.dlg.Resize(fyne.NewSize(min(620, u.win.Canvas().Size().Width-40), 0))
	u.importForm = f
	f.dlg.Show()
	u.win.Canvas().Focus(f.source)
}

func (f *importForm) showPaths() {
	var b strings.Builder
	for i, p := range f.paths {
		if i == 5 {
			fmt.Fprintf(&b, "…and %d more", len(f.paths)-5)
			break
		}
		b.WriteString(shownPath(p))
		b.WriteByte('\n')
	}
	f.list.SetText(strings.TrimRight(b.String(), "\n"))
}

// startImport imports paths with a progress dialog, then shows what was
// done and reloads the list.
func (u *ui) startImport(paths []string, source, note string) {
	u.app.Preferences().SetString(prefSource, source)
	a := u.arc
	u.runTask("Importing", func(ctx context.Context, p progress.Func) func() {
		res, err := a.Import(ctx, paths, archive.ImportOptions{Source: source, Note: note, Progress: p})
		anchor(a) // stamps the checkpoint it signed
		return func() {
			u.reload()
			u.importDone(res, err)
		}
	})
}

// importDone sums up an import: what was added, what was already there,
// what was skipped and why.
func (u *ui) importDone(res *archive.ImportResult, err error) {
	if res == nil {
		res = &archive.ImportResult{}
	}
	var lines []string
	head := "Import finished"
	switch {
	case errors.Is(err, context.Canceled):
		head = "Import cancelled"
		lines = append(lines, "Every document counted here was imported completely; nothing half-imported was kept.")
	case err != nil:
		head = "Import stopped"
		lines = append(lines, quote.Safe(err.Error()), "Everything imported before it stopped was kept.")
	}
	form := widget.NewForm()
	add := func(label, text string) {
		lines = append(lines, label+": "+text+".")
		form.Append(label, para(text))
	}
	if res.Added == 0 {
		add("Added", "nothing new")
	} else {
		add("Added", fmt.Sprintf("%s (%s)", plural(res.Added, "document", "documents"), humanBytes(res.Bytes)))
	}
	if res.Duplicates > 0 {
		add("Already in the archive", fmt.Sprintf("%s; any new name was recorded",
			plural(res.Duplicates, "document", "documents")))
	}
	if len(res.Skipped) > 0 {
		add("Skipped", plural(len(res.Skipped), "file", "files")+", listed below")
	}
	if len(res.Warnings) > 0 {
		add("Warnings", fmt.Sprintf("%d, listed below", len(res.Warnings)))
	}
	box := container.NewVBox(form)
	if len(lines) > len(form.Items) {
		box = container.NewVBox(para(strings.Join(lines[:len(lines)-len(form.Items)], "\n")), form)
	}
	var details []string
	for _, s := range res.Skipped {
		details = append(details, quote.Safe(filepath.Base(s.Path))+": "+quote.Safe(s.Reason)+"\n"+shownPath(s.Path))
	}
	for _, s := range res.Warnings {
		details = append(details, quote.Safe(filepath.Base(s.Path))+": "+quote.Safe(s.Reason)+"\n"+shownPath(s.Path))
	}
	if len(details) > 0 {
		list := widget.NewList(func() int { return len(details) },
			func() fyne.CanvasObject {
				l := widget.NewLabel("\n")
				l.Truncation = fyne.TextTruncateEllipsis
				return l
			},
			func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(details[i]) })
		box = container.NewBorder(box, nil, nil, nil, list)
	}
	d := dialog.NewCustom(head, "Close", box, u.win)
	h := float32(0)
	if len(details) > 0 {
		h = min(420, u.win.Canvas().Size().Height-60)
	}
	d.Resize(fyne.NewSize(min(640, u.win.Canvas().Size().Width-40), h))
	u.lastSummary = head + "\n" + strings.Join(lines, "\n") + "\n" + strings.Join(details, "\n")
	d.Show()
}
