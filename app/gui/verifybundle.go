package gui

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
)

// verifyBundleDialog asks for a bundle: a folder or a .zip (or drop one
// onto the window).
func (u *ui) verifyBundleDialog() {
	if u.main == nil {
		return
	}
	var d dialog.Dialog
	folder := widget.NewButtonWithIcon("A bundle folder…", theme.FolderOpenIcon(), func() {
		d.Hide()
		fd := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				u.verifyBundle(l.Path())
			}
		}, u.win)
		fd.Resize(dialogSize(u.win))
		fd.Show()
	})
	zip := widget.NewButtonWithIcon("A .zip bundle…", theme.FileIcon(), func() {
		d.Hide()
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				path := r.URI().Path()
				r.Close()
				u.verifyBundle(path)
			}
		}, u.win)
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".zip", ".ZIP"}))
		fd.Resize(dialogSize(u.win))
		fd.Show()
	})
	body := container.NewVBox(
		para("A bundle is a BagIt bag, as a folder or a .zip. Custody checks every file against its manifest "+
			"and, when the bag carries Custody provenance, every document's history against the sender's "+
			"signed checkpoint. You can also drop a bundle onto the window."),
		container.NewGridWithColumns(2, folder, zip),
	)
	d = dialog.NewCustom("Verify a bundle", "Cancel", body, u.win)
	d.Resize(fyne.NewSize(min(560, u.win.Canvas().Size().Width-40), 0))
	d.Show()
}

// verifyBundle checks the bag at path with a progress dialog, then shows
// the report.
func (u *ui) verifyBundle(path string) {
	if u.main == nil {
		return
	}
	u.runTask("Verifying "+filepath.Base(path), func(ctx context.Context, p progress.Func) func() {
		rep := checkBag(ctx, path, p)
		return func() { u.showBundleReport(path, rep) }
	})
}

// checkBag validates a bag, adapting its progress to the window's.
func checkBag(ctx context.Context, path string, p progress.Func) *report.Report {
	ch := make(chan bag.Progress, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for s := range ch {
			p(progress.Progress{Files: s.Files, Bytes: s.Bytes, TotalFiles: s.TotalFiles, TotalBytes: s.TotalBytes, Current: s.Current})
		}
	}()
	_, rep := bag.ValidatePath(ctx, path, bag.Options{Progress: ch})
	close(ch)
	<-done
	return rep
}

// showBundleReport shows a bundle's verdict with what can be done next.
func (u *ui) showBundleReport(path string, rep *report.Report) {
	u.showReport("Bundle verification", rep, true)
}
