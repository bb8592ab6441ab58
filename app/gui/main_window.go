package gui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/quote"
)

// mainView is the window while an archive is open: toolbar, one page,
// status bar.
type mainView struct {
	docs    *docList
	page    *fyne.Container
	current string // name of the page shown
	doc     *detailPage
	report  *reportPage
	keys    *keysPage
	status  *widget.Label
	key     *widget.Label
	loaded  time.Duration // how long the last load of the records took
	first   time.Duration // how long until the first rows of a fresh load were shown
	onLoad  func()        // called after each load (tests, measurements)
	toolbar fyne.CanvasObject
}

// Page names.
const (
	pageDocuments = "documents"
	pageDocument  = "document"
	pageReport    = "report"
	pageKeys      = "keys"
	pageLog       = "log"
)

// showMain shows the open archive: the document list, loaded off the UI
// goroutine.
func (u *ui) showMain() {
	m := &mainView{page: container.NewStack(), status: widget.NewLabel("Loading…"), key: widget.NewLabel("")}
	u.main = m
	u.tips = newTipLayer(u)
	m.docs = newDocList(u)
	m.status.Truncation = fyne.TextTruncateEllipsis
	pub := u.arc.Public()
	m.key.SetText("Your key " + pub.Fingerprint)
	m.key.TextStyle = fyne.TextStyle{Monospace: true}
	title := shownPath(u.arc.Dir())
	if u.readOnly {
		title += " (read-only)"
	}
	u.setTitle(title)
	m.toolbar = u.toolbar()
	u.win.SetMainMenu(u.mainMenu())
	u.addShortcuts()
	statusBar := container.NewBorder(nil, nil, nil, m.key, m.status)
	u.win.SetContent(container.NewStack(container.NewBorder(
		container.NewVBox(container.NewHScroll(m.toolbar), widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), statusBar),
		nil, nil, m.page), u.tips.layer))
	u.showPage(pageDocuments, m.docs.view)
	u.reload()
}

// showPage puts a page in the middle of the window.
func (u *ui) showPage(name string, content fyne.CanvasObject) {
	m := u.main
	m.current = name
	// Lay the page out at its real width before the window measures it:
	// wrapping text measured at width zero would ask for a huge height,
	// and the window would grow to fit it.
	if s := m.page.Size(); s.Width > 0 {
		content.Resize(s)
	}
	m.page.Objects = []fyne.CanvasObject{content}
	m.page.Refresh()
	u.tips.hoverOut()
	u.win.Canvas().Unfocus() // so Escape, typed with nothing focused, goes back
	if name == pageDocuments {
		m.doc = nil
		u.win.Canvas().Focus(m.docs.search)
	}
}

// showDocuments goes back to the document list.
func (u *ui) showDocuments() {
	if u.main != nil {
		u.showPage(pageDocuments, u.main.docs.view)
	}
}

// reload reads every record off the UI goroutine into the document index
// (archive/docindex: what the table shows of each, not the records) and
// shows it, with the status bar. The first rows are shown while the rest
// load (after 2,000 records, then each time the count doubles), so a
// large archive is usable at once; once all are read, the sort orders are
// built in the background, so that a click on a column heading only
// reads one.
func (u *ui) reload() {
	a, m := u.arc, u.main
	u.loadDKIM(a, m)
	u.goWork(func() {
		t0 := time.Now()
		index := newIndex()
		next := 2000
		bad := 0
		err := a.Each(func(r *catalog.Record) error {
			index.Add(r)
			if index.Len() == next {
				next *= 2
				partial := index.View()
				u.do(func() {
					if u.main == m && m.docs.ix.Len() < partial.Len() {
						if m.first == 0 {
							m.first = time.Since(t0)
							u.logTiming("first %d rows shown %v after the archive opened", partial.Len(), m.first.Round(time.Millisecond))
						}
						m.docs.setIndex(partial)
						m.status.SetText(fmt.Sprintf("Loading… %s so far", plural(partial.Len(), "document", "documents")))
					}
				})
			}
			return nil
		}, func([32]byte, error) { bad++ })
		ix := index.View()
		cp, cpErr := a.LatestCheckpoint()
		size, _ := a.LogSize()
		u.do(func() {
			if u.main != m {
				return
			}
			m.loaded = time.Since(t0)
			u.logTiming("all %d rows shown %v after the archive opened", ix.Len(), m.loaded.Round(time.Millisecond))
			m.docs.setIndex(ix)
			go func() {
				t := time.Now()
				ix.Prepare()
				u.logTiming("sort orders of %d rows built in %v", ix.Len(), time.Since(t).Round(time.Millisecond))
			}()
			s := fmt.Sprintf("%s · %s", plural(ix.Len(), "document", "documents"), humanBytes(ix.Bytes()))
			switch {
			case cpErr != nil:
				s += " · checkpoint unreadable"
			case cp == nil:
				s += " · no checkpoint yet"
			default:
				s += fmt.Sprintf(" · log %s events, checkpoint %s", count(size), count(cp.Size))
			}
			if bad > 0 {
				s += fmt.Sprintf(" · %d damaged record(s): verify the archive", bad)
			}
			if err != nil {
				s += " · could not read every record: " + quote.Safe(err.Error())
			}
			if u.readOnly {
				s += " · read-only"
			}
			m.status.SetText(s)
			if m.onLoad != nil {
				m.onLoad()
			}
		})
	})
}

// toolbar holds the common actions, with words as well as icons.
func (u *ui) toolbar() fyne.CanvasObject {
	btn := func(label string, icon fyne.Resource, fn func()) *tipButton {
		b := newTipButton(u.tips, label, toolbarTips[label], icon, fn)
		b.Importance = widget.LowImportance
		if u.readOnly && (label == "Import files" || label == "Import folder" || label == "Derive" || label == "Export bundle") {
			b.Disable()
		}
		return b
	}
	return container.NewHBox(
		btn("Import files", theme.FileIcon(), u.importFilesDialog),
		btn("Import folder", theme.FolderIcon(), u.importFolderDialog),
		btn("Derive", theme.ContentCopyIcon(), u.deriveDialog),
		btn("Export bundle", theme.UploadIcon(), u.exportBundleDialog),
		widget.NewSeparator(),
		btn("Verify archive", theme.ConfirmIcon(), u.verifyArchive),
		btn("Verify bundle", theme.SearchIcon(), u.verifyBundleDialog),
		widget.NewSeparator(),
		btn("Keys", theme.AccountIcon(), u.showKeys),
	)
}

// shortcut is the platform's command key (Ctrl, or Cmd on macOS) with key.
func shortcut(key fyne.KeyName, shift bool) fyne.Shortcut {
	mod := fyne.KeyModifierShortcutDefault
	if shift {
		mod |= fyne.KeyModifierShift
	}
	return &desktop.CustomShortcut{KeyName: key, Modifier: mod}
}

// mainMenu lists every action, with its keyboard shortcut.
func (u *ui) mainMenu() *fyne.MainMenu {
	item := func(label string, fn func(), sc fyne.Shortcut) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() {
			// A shortcut typed while a dialog is open waits for it to close.
			if len(u.win.Canvas().Overlays().List()) == 0 {
				fn()
			}
		})
		it.Shortcut = sc
		return it
	}
	theme := fyne.NewMenuItem("Theme", nil)
	theme.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("Follow the system", func() { u.setThemeChoice("") }),
		fyne.NewMenuItem("Light", func() { u.setThemeChoice("light") }),
		fyne.NewMenuItem("Dark", func() { u.setThemeChoice("dark") }))
	return fyne.NewMainMenu(
		fyne.NewMenu("File",
			item("Import files…", u.importFilesDialog, shortcut(fyne.KeyI, false)),
			item("Import folder…", u.importFolderDialog, shortcut(fyne.KeyI, true)),
			item("Export bundle…", u.exportBundleDialog, shortcut(fyne.KeyE, false)),
			fyne.NewMenuItemSeparator(),
			item("Open another archive…", u.switchArchive, shortcut(fyne.KeyO, false)),
		),
		fyne.NewMenu("Documents",
			item("Find", u.focusSearch, shortcut(fyne.KeyF, false)),
			item("All documents", u.showDocuments, shortcut(fyne.KeyL, false)),
			item("Derive a new version…", u.deriveDialog, shortcut(fyne.KeyD, false)),
		),
		fyne.NewMenu("Verify",
			item("Verify archive", u.verifyArchive, shortcut(fyne.KeyR, false)),
			item("Verify bundle…", u.verifyBundleDialog, shortcut(fyne.KeyB, false)),
			item("Check a proof…", u.checkProofDialog, nil),
			item("Check DKIM…", u.checkDKIMDialog, nil),
		),
		fyne.NewMenu("Archive",
			item("Keys and trust", u.showKeys, shortcut(fyne.KeyK, false)),
			item("Provenance log", u.showLog, shortcut(fyne.KeyL, true)),
			item("Verification history", u.showHistory, nil),
			item("Remote copies", u.showRemotes, nil),
			item("Change passphrase…", u.changePassphraseDialog, nil),
		),
		fyne.NewMenu("View", theme),
		u.helpMenu(),
	)
}

// addShortcuts registers the menu's shortcuts on the canvas too, so they
// work the same whether or not the platform draws the menu in the window;
// Escape goes back to the list.
func (u *ui) addShortcuts() {
	c := u.win.Canvas()
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Action != nil {
				action := it.Action
				c.AddShortcut(it.Shortcut, func(fyne.Shortcut) { action() })
			}
		}
	}
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name != fyne.KeyEscape || u.main == nil {
			return
		}
		// Escape closes the dialog on top (never a running task's), else
		// goes back to the list.
		if ov := c.Overlays().Top(); ov != nil {
			if u.tasks == 0 {
				c.Overlays().Remove(ov)
			}
			return
		}
		if u.main.current != pageDocuments {
			u.showDocuments()
		}
	})
}

func (u *ui) focusSearch() {
	u.showDocuments()
	u.win.Canvas().Focus(u.main.docs.search)
}

// switchArchive closes this archive and goes to the start page.
func (u *ui) switchArchive() {
	if u.tasks > 0 {
		dialog.ShowInformation("Still working", "Wait for the operation in progress to finish, or cancel it, "+
			"before opening another archive.", u.win)
		return
	}
	u.closeArchive()
	u.chooseFolder()
	u.start()
}
