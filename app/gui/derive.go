package gui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
)

// deriveForm is the Derive dialog.
type deriveForm struct {
	parents []*catalog.Record
	file    *widget.Entry
	kind    *widget.Select
	note    *widget.Entry
	dlg     *dialog.ConfirmDialog
}

// deriveDialog derives from the open document, or else from the marked
// ones.
func (u *ui) deriveDialog() {
	if !u.canWrite() || u.main == nil {
		return
	}
	if p := u.main.doc; p != nil && u.main.current == pageDocument {
		u.deriveFrom([]*catalog.Record{p.rec})
		return
	}
	d := u.main.docs
	parents, err := d.markedRecords()
	if err != nil {
		dialog.ShowError(hinted(err), u.win)
		return
	}
	if len(parents) == 0 {
		dialog.ShowInformation("Derive a new version",
			"First choose what the new version is made from: open that document, or mark one or more "+
				"documents in the list (the boxes in the first column).", u.win)
		return
	}
	u.deriveFrom(parents)
}

// deriveFrom asks for the file of a new version (a redaction, a
// conversion…) of parents, and imports it linked to them.
func (u *ui) deriveFrom(parents []*catalog.Record) {
	if !u.canWrite() {
		return
	}
	f := &deriveForm{parents: parents, file: widget.NewEntry(), note: widget.NewEntry()}
	f.kind = widget.NewSelect(archive.DeriveKinds, nil)
	f.kind.SetSelected("redaction")
	f.file.SetPlaceHolder("The new version's file")
	f.note.SetPlaceHolder("What was done, e.g. names of sources blacked out")
	choose := widget.NewButtonWithIcon("Choose…", theme.FileIcon(), func() {
		u.pickOpen(pickFile, "The new version's file", nil, func(paths []string) { f.file.SetText(paths[0]) })
	})
	var names []string
	for i, p := range parents {
		if i == 4 {
			names = append(names, "…")
			break
		}
		names = append(names, displayName(p)+"  ("+shortID(p.ID)+")")
	}
	from := para(strings.Join(names, "\n"))
	from.Wrapping = fyne.TextWrapBreak
	form := widget.NewForm(
		widget.NewFormItem("Made from", from),
		widget.NewFormItem("New file", container.NewBorder(nil, nil, nil, choose, f.file)),
		widget.NewFormItem("Kind", f.kind),
		widget.NewFormItem("Note", f.note),
	)
	body := container.NewVBox(form, para("The new file is imported as its own document, linked to what it was "+
		"made from by a signed derive event: its provenance chain will lead back to the original."))
	f.dlg = dialog.NewCustomConfirm("Derive a new version", "Derive", "Cancel", body, func(ok bool) {
		if ok {
			u.deriveForm = nil
			u.submitDerive(f)
		}
	}, u.win)
	f.dlg.Resize(fyne.NewSize(min(620, u.win.Canvas().Size().Width-40), 0))
	u.deriveForm = f
	f.dlg.Show()
}

func (u *ui) submitDerive(f *deriveForm) {
	path := strings.TrimSpace(f.file.Text)
	if path == "" {
		dialog.ShowInformation("Derive", "Choose the new version's file.", u.win)
		return
	}
	ids := make([][32]byte, len(f.parents))
	for i, p := range f.parents {
		ids[i] = p.Sum()
	}
	a, kind, note := u.arc, f.kind.Selected, strings.TrimSpace(f.note.Text)
	u.runTask("Deriving a new version", func(ctx context.Context, _ progress.Func) func() {
		rec, err := a.Derive(ctx, path, ids, kind, note)
		anchor(a) // stamps the checkpoint it signed
		return func() {
			if err != nil {
				dialog.ShowError(shownErr(err), u.win)
				return
			}
			u.reload()
			u.showDocument(rec)
		}
	})
}
