package gui

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/quote"
)

// start shows the first page: the archive named by $CUSTODY_ARCHIVE (or
// the default one) is unlocked at once when $CUSTODY_PASSPHRASE is set,
// else the person is asked; with no archive there, they are offered to
// create one.
func (u *ui) start() {
	dir := u.locate()
	if !archive.Exists(dir) {
		u.showWelcome(dir)
		return
	}
	if p := u.cfg.Getenv("CUSTODY_PASSPHRASE"); p != "" {
		u.showUnlock(dir)
		u.openArchive(dir, []byte(p), false)
		return
	}
	u.showUnlock(dir)
}

// locate is archive.Locate with the configured environment.
func (u *ui) locate() string {
	if env := u.cfg.Getenv("CUSTODY_ARCHIVE"); env != "" {
		return env
	}
	return archive.DefaultDir()
}

// choose goes to the archive in dir: unlock it if it exists, else offer
// to create one there.
func (u *ui) choose(dir string) {
	if archive.Exists(dir) {
		u.showUnlock(dir)
		return
	}
	u.showCreate(dir)
}

// chooseFolder asks for an archive folder and goes there.
func (u *ui) chooseFolder() {
	u.pickOpen(pickFolder, "Open an archive folder", nil, func(paths []string) {
		dir := paths[0]
		if !archive.Exists(dir) {
			dialog.ShowConfirm("No archive there",
				fmt.Sprintf("%s holds no Custody archive. Create a new archive in it?", dir),
				func(ok bool) {
					if ok {
						u.showCreate(dir)
					}
				}, u.win)
			return
		}
		u.showUnlock(dir)
	})
}

// setStartPage replaces the window's content with a start page (no
// archive open, no toolbar).
func (u *ui) setStartPage(content fyne.CanvasObject) {
	u.main = nil
	u.win.SetMainMenu(nil)
	u.win.SetContent(column(620, content))
}

// showWelcome is the first run: no archive where one was looked for.
func (u *ui) showWelcome(dir string) {
	u.setTitle("")
	create := widget.NewButtonWithIcon("Create a new archive", theme.ContentAddIcon(), func() { u.showCreate(dir) })
	create.Importance = widget.HighImportance
	open := widget.NewButtonWithIcon("Open an existing archive…", theme.FolderOpenIcon(), u.chooseFolder)
	box := container.NewVBox(
		title("Welcome to Custody"),
		para("Custody keeps your documents and proves, years later and to anyone, that nobody changed "+
			"them and where they came from. Everything stays in one archive folder on this computer."),
		para("There is no archive in "+shownPath(dir)+" yet."),
		container.NewGridWithColumns(2, create, open),
	)
	if r := u.recentList(""); r != nil {
		box.Add(widget.NewSeparator())
		box.Add(r)
	}
	u.setStartPage(box)
}

// showUnlock asks for the passphrase of the archive in dir.
func (u *ui) showUnlock(dir string) { u.showUnlockMode(dir, false) }

// showUnlockMode asks for the passphrase; with ro, the archive is opened
// read-only (to check a damaged archive without changing it).
func (u *ui) showUnlockMode(dir string, ro bool) {
	u.setTitle(shownPath(dir))
	who := widget.NewLabel("")
	who.Wrapping = fyne.TextWrapWord
	needs := true
	if pub, err := keys.ReadPublic(dir); err == nil {
		org := ""
		if pub.Organisation != "" {
			org = " (" + pub.Organisation + ")"
		}
		who.SetText(fmt.Sprintf("Archivist: %s%s\nKey fingerprint: %s", quote.Safe(pub.Name), quote.Safe(org), pub.Fingerprint))
		needs = pub.StoreEncrypted
	} else {
		who.SetText("The archive's identity could not be read: " + quote.Safe(err.Error()))
	}
	pass := widget.NewPasswordEntry()
	pass.SetPlaceHolder("Passphrase")
	errs := errorText()
	busy := widget.NewActivity()
	busy.Hide()
	status := widget.NewLabel("")
	var unlock, readOnly *widget.Button
	submit := func(ro bool) {
		if pass.Text == "" && (needs || !ro) {
			showError(errs, "Type the archive's passphrase.")
			return
		}
		showError(errs, "")
		u.openArchive(dir, []byte(pass.Text), ro)
	}
	pass.OnSubmitted = func(string) { submit(ro) }
	unlock = widget.NewButtonWithIcon("Unlock", theme.LoginIcon(), func() { submit(ro) })
	unlock.Importance = widget.HighImportance
	readOnly = widget.NewButton("Open read-only without the passphrase", func() { submit(true) })
	head := "Unlock the archive"
	if ro {
		head = "Unlock the archive read-only"
	}
	box := container.NewVBox(
		title(head),
		mono(shownPath(dir)),
		who,
		pass,
		unlock,
		container.NewHBox(busy, status),
		errs,
	)
	if ro {
		box.Add(para("Nothing will be changed: you can look at the documents and verify the archive."))
	} else if !needs {
		box.Add(para("This archive's store is not encrypted: you can open it read-only to look and check, " +
			"but not to change anything."))
		box.Add(readOnly)
	}
	other := widget.NewButtonWithIcon("Open another archive…", theme.FolderOpenIcon(), u.chooseFolder)
	create := widget.NewButtonWithIcon("Create a new archive…", theme.ContentAddIcon(), func() {
		u.showCreate(filepath.Join(filepath.Dir(dir), "new archive"))
	})
	box.Add(widget.NewSeparator())
	box.Add(container.NewGridWithColumns(2, other, create))
	if r := u.recentList(dir); r != nil {
		box.Add(r)
	}
	u.unlockPage = &unlockPage{dir: dir, pass: pass, errs: errs, busy: busy, status: status,
		buttons: []*widget.Button{unlock, readOnly, other, create}}
	u.setStartPage(box)
	u.win.Canvas().Focus(pass)
}

// unlockPage is what openArchive updates while it works.
type unlockPage struct {
	dir     string
	pass    *widget.Entry
	errs    *widget.Label
	busy    *widget.Activity
	status  *widget.Label
	buttons []*widget.Button
}

func (p *unlockPage) working(on bool, what string) {
	if p == nil {
		return
	}
	for _, b := range p.buttons {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	p.status.SetText(what)
	if on {
		p.pass.Disable()
		p.busy.Show()
		p.busy.Start()
	} else {
		p.pass.Enable()
		p.busy.Stop()
		p.busy.Hide()
	}
}

// dialogSize is a comfortable size for file dialogs: most of the window.
func dialogSize(w fyne.Window) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(s.Width*0.9, s.Height*0.9)
}
