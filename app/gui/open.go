package gui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/store"
)

// openArchive unlocks and opens the archive in dir off the UI goroutine
// (the passphrase's key derivation and Badger's start take a moment),
// then shows the documents, or explains what went wrong.
func (u *ui) openArchive(dir string, pass []byte, readOnly bool) {
	opt := archive.Options{Passphrase: pass, Store: u.cfg.Store}
	opt.Store.ReadOnly = readOnly
	page := u.unlockPage
	page.working(true, "Unlocking…")
	t0 := time.Now()
	u.goWork(func() {
		a, err := archive.Open(dir, opt)
		u.logTiming("unlock and open: %v", time.Since(t0).Round(time.Millisecond))
		u.do(func() {
			page.working(false, "")
			if err != nil {
				u.openFailed(dir, readOnly, err)
				return
			}
			u.opened(a, pass, readOnly)
		})
	})
}

// opened shows the main window on a freshly opened archive.
func (u *ui) opened(a *archive.Archive, pass []byte, readOnly bool) {
	u.closeArchive()
	u.arc, u.readOnly = a, readOnly
	u.pass = append([]byte(nil), pass...)
	u.remember(a.Dir())
	u.unlockPage = nil
	u.showMain()
}

// openFailed explains why the archive did not open and offers ways on.
// A wrong passphrase stays on the unlock page.
func (u *ui) openFailed(dir string, readOnly bool, err error) {
	if errors.Is(err, keys.ErrWrongPassphrase) || errors.Is(err, keys.ErrEmptyPassphrase) ||
		errors.Is(err, archive.ErrPassphraseNeeded) {
		if p := u.unlockPage; p != nil && p.dir == dir {
			showError(p.errs, "Wrong passphrase. Nothing was changed; try again.")
			p.pass.SetText("")
			u.win.Canvas().Focus(p.pass)
			return
		}
		u.showUnlock(dir)
		showError(u.unlockPage.errs, "Wrong passphrase. Nothing was changed; try again.")
		return
	}
	what, why := explainOpenError(err)
	retry := widget.NewButtonWithIcon("Try again", theme.ViewRefreshIcon(), func() { u.choose(dir) })
	retry.Importance = widget.HighImportance
	other := widget.NewButtonWithIcon("Open another archive…", theme.FolderOpenIcon(), u.chooseFolder)
	create := widget.NewButtonWithIcon("Create a new archive…", theme.ContentAddIcon(), func() { u.showCreate(u.locate()) })
	buttons := container.NewGridWithColumns(3, retry, other, create)
	box := container.NewVBox(
		banner(what, why, colRed, colWhite),
		mono(shownPath(dir)),
		heading("What Custody was told"),
		para(hinted(err).Error()),
		buttons,
	)
	if !readOnly && canCheckReadOnly(err) {
		ro := widget.NewButton("Open it read-only to check it", func() { u.showUnlockMode(dir, true) })
		box.Add(ro)
	}
	if r := u.recentList(dir); r != nil {
		box.Add(r)
	}
	u.setStartPage(box)
}

// explainOpenError turns an error from archive.Open into a headline and
// a sentence saying what to do.
func explainOpenError(err error) (what, why string) {
	var kerr *keys.Error
	var damaged *store.ErrNewestFileDamaged
	switch {
	case errors.As(err, &damaged):
		return "Part of the archive's store is damaged",
			"Custody did not open it for writing, so nothing was lost or changed. Open it read-only and verify it to see which documents are affected."
	case errors.Is(err, archive.ErrLocked):
		return "This archive is open in another Custody window or command",
			"Only one program at a time may use an archive. Close the other window (or wait for the command to finish) and try again."
	case errors.Is(err, archive.ErrNoArchive):
		return "There is no archive in this folder",
			"Choose another folder, or create a new archive."
	case errors.Is(err, provenance.ErrRolledBack):
		return "The archive's history is shorter than it signed",
			"Its log was rolled back (restored from an older copy) or damaged. Nothing was changed. Open it read-only and verify it to see what is missing."
	case errors.As(err, &kerr):
		return kerr.What, kerr.Fix
	}
	return "Custody could not open this archive",
		"Nothing was changed. If the folder is on a removable or network drive, check that it is connected. " +
			"If the archive is damaged, open it read-only and verify it to see what is affected."
}

// canCheckReadOnly says whether opening read-only could help: not when
// another program holds the archive or when there is none.
func canCheckReadOnly(err error) bool {
	return !errors.Is(err, archive.ErrLocked) && !errors.Is(err, archive.ErrNoArchive) &&
		!errors.Is(err, keys.ErrNoIdentity) && !errors.Is(err, keys.ErrUnsupportedFormat) &&
		!errors.Is(err, keys.ErrKeyFileDamaged)
}
