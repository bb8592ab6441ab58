package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/storage"

	"github.com/custody-app/custody/app/gui/portal"
	"github.com/custody-app/custody/archive/quote"
)

// Every file and folder the window asks for goes through these three
// functions. Where the desktop offers its own chooser (the xdg portal on
// Linux desktops) that one is shown: several files at once, typed paths,
// the person's bookmarks. Elsewhere, and when no portal answers (a bare X
// server, Windows and macOS for now), Fyne's dialog is shown, in its list
// view, where a folder named "a.keller" reads as such.

// pickKind says what a pick is for.
type pickKind int

const (
	pickFile   pickKind = iota // one file
	pickFiles                  // one or more files
	pickFolder                 // one folder
)

// pickOpen asks for files or a folder and passes their paths to done;
// nothing is called when the person cancels. exts, when given, filter the
// files offered (".zip").
func (u *ui) pickOpen(kind pickKind, title string, exts []string, done func(paths []string)) {
	if u.picking {
		return
	}
	parent, native := u.portalParent()
	if !native {
		u.fynePickOpen(kind, exts, done)
		return
	}
	u.picking = true
	o := portal.Open{Title: title, Multiple: kind == pickFiles, Folder: kind == pickFolder}
	if len(exts) > 0 {
		o.Filters = []portal.Filter{{Name: strings.Join(exts, ", "), Exts: exts}}
	}
	go func() {
		paths, err := portal.OpenFiles(context.Background(), parent, o)
		u.do(func() {
			u.picking = false
			switch {
			case err == portal.ErrUnavailable:
				u.noPortal = true
				u.fynePickOpen(kind, exts, done)
			case err != nil:
				dialog.ShowError(fmt.Errorf("%s", quote.Safe(err.Error())), u.win)
			case len(paths) > 0:
				done(paths)
			}
		})
	}()
}

// pickSave asks where to save a file, suggesting name, and passes the
// path to done.
func (u *ui) pickSave(title, name string, exts []string, done func(path string)) {
	if u.picking {
		return
	}
	parent, native := u.portalParent()
	if !native {
		u.fynePickSave(name, exts, done)
		return
	}
	u.picking = true
	s := portal.Save{Title: title, Name: name}
	if len(exts) > 0 {
		s.Filters = []portal.Filter{{Name: strings.Join(exts, ", "), Exts: exts}}
	}
	go func() {
		path, err := portal.SaveFile(context.Background(), parent, s)
		u.do(func() {
			u.picking = false
			switch {
			case err == portal.ErrUnavailable:
				u.noPortal = true
				u.fynePickSave(name, exts, done)
			case err != nil:
				dialog.ShowError(fmt.Errorf("%s", quote.Safe(err.Error())), u.win)
			case path != "":
				done(path)
			}
		})
	}()
}

// portalParent says whether to try the portal, and names the window for
// it ("x11:" and the X window in hex; Wayland windows go unnamed, which
// only loses the dialog's placement over the window). A window of Fyne's
// test driver is not native: tests get Fyne's dialog.
func (u *ui) portalParent() (string, bool) {
	nw, ok := u.win.(driver.NativeWindow)
	if !ok || u.noPortal {
		return "", false
	}
	parent := ""
	nw.RunNative(func(ctx any) {
		if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
			parent = fmt.Sprintf("x11:%x", x.WindowHandle)
		}
	})
	return parent, true
}

// fynePickOpen is the fallback: Fyne's own dialog, one file or folder.
func (u *ui) fynePickOpen(kind pickKind, exts []string, done func([]string)) {
	var d *dialog.FileDialog
	if kind == pickFolder {
		d = dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				done([]string{l.Path()})
			}
		}, u.win)
	} else {
		d = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			path := r.URI().Path()
			r.Close()
			done([]string{path})
		}, u.win)
		if len(exts) > 0 {
			d.SetFilter(storage.NewExtensionFileFilter(bothCases(exts)))
		}
	}
	showListView(d, u.win)
}

func (u *ui) fynePickSave(name string, exts []string, done func(string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		done(path)
	}, u.win)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(bothCases(exts)))
	}
	showListView(d, u.win)
}

func bothCases(exts []string) []string {
	var out []string
	for _, e := range exts {
		out = append(out, strings.ToLower(e), strings.ToUpper(e))
	}
	return out
}

// showListView shows Fyne's dialog in its list view. Its grid view cuts
// what follows the last dot off every name, folders too ("a.keller" reads
// as "a" with a ".kell" badge), so the list view is set each time, over
// the view Fyne remembers in its preferences.
func showListView(d *dialog.FileDialog, w fyne.Window) {
	fyne.CurrentApp().Preferences().SetInt(fileDialogViewKey, int(dialog.ListView))
	d.SetView(dialog.ListView)
	d.Resize(dialogSize(w))
	d.Show()
}

// fileDialogViewKey is the preference in which Fyne's file dialog keeps
// its view (fyne.io/fyne/v2/dialog, v2.7).
const fileDialogViewKey = "fyne:fileDialogViewLayout"
