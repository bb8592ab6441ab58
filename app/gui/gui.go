// Package gui is Custody's window, built with Fyne. It holds no logic of
// its own: every action calls the archive and verify packages, long work
// runs in goroutines, and every UI update from them goes through fyne.Do.
//
// The window shows one page at a time under a fixed toolbar and status
// bar: the start page (create, open or unlock an archive), the document
// list, a document, a verification report, the keys, the log. Forms and
// progress are dialogs over the page. Each page lives in its own file.
package gui

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/assets"
)

// appID names the app for Fyne's preferences (recent archives, theme).
const appID = "app.custody.desktop"

// Main opens the window and returns the process exit code when it closes.
// $CUSTODY_ARCHIVE names the archive, as for the command line; with
// $CUSTODY_PASSPHRASE also set, it is opened without asking.
func Main() int {
	softMemoryLimit()
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	u := newUI(a, config{Getenv: os.Getenv})
	u.win.Resize(fyne.NewSize(1180, 760))
	u.start()
	u.win.ShowAndRun()
	u.shutdown()
	return 0
}

// shutdown stops what is running (every operation leaves the archive
// consistent when cancelled), waits for it a while, and closes the
// archive.
func (u *ui) shutdown() {
	for _, cancel := range u.cancels {
		cancel()
	}
	done := make(chan struct{})
	go func() { u.jobs.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	}
	u.closeArchive()
}

// closeIntercept asks before closing the window while an operation runs.
func (u *ui) closeIntercept() {
	if u.tasks == 0 {
		u.win.Close()
		return
	}
	dialog.ShowConfirm("Stop and quit?",
		"An operation is still running. Stop it and quit? Everything finished so far is kept; nothing half-done remains.",
		func(ok bool) {
			if !ok {
				return
			}
			u.quitWhenIdle = true
			for _, cancel := range u.cancels {
				cancel()
			}
		}, u.win)
}

// config holds what tests change: the environment, Badger's sizes and the
// passphrase's key-derivation cost.
type config struct {
	Getenv     func(string) string
	Store      store.Config
	ScryptLogN int
}

// ui is the window and the open archive.
type ui struct {
	app fyne.App
	win fyne.Window
	cfg config

	arc      *archive.Archive // nil until an archive is open
	readOnly bool
	pass     []byte // the passphrase that opened arc (to reopen it for checks)

	main *mainView // the toolbar, pages and status bar; nil on the start page

	// The forms and pages shown, kept so tests can fill them in.
	unlockPage  *unlockPage
	createPage  *createPage
	importForm  *importForm
	bundleForm  *bundleForm
	deriveForm  *deriveForm
	trustForm   *trustForm
	passForm    *passForm
	proofForm   *proofForm
	lastSummary string // the text of the last summary dialog
	tasks       int    // long operations in progress
	cancels     map[*task]context.CancelFunc
	// timing, set by $CUSTODY_GUI_TIMING, prints how long the window took
	// to show an archive and how often it repainted progress, measured on
	// the UI goroutine (for measurements from scripts).
	timing       bool
	quitWhenIdle bool

	// jobs counts work running off the UI goroutine, so tests can wait
	// for it to finish before looking at the window.
	jobs sync.WaitGroup
	// do runs a UI update from a goroutine: fyne.Do. (Fyne's test driver
	// runs fyne.Do at once on the calling goroutine, so tests serialise
	// the updates themselves.)
	do func(func())

	// picking is set while the system file dialog is open; noPortal once
	// the desktop has shown it has none (filepick.go).
	picking, noPortal bool
	tips              *tipLayer // tooltips over the main view
}

func newUI(a fyne.App, cfg config) *ui {
	if cfg.Getenv == nil {
		cfg.Getenv = func(string) string { return "" }
	}
	u := &ui{app: a, cfg: cfg, cancels: map[*task]context.CancelFunc{}, do: fyne.Do,
		timing: cfg.Getenv("CUSTODY_GUI_TIMING") != ""}
	a.Settings().SetTheme(newTheme(a.Preferences()))
	u.win = a.NewWindow("Custody")
	u.win.SetOnDropped(u.dropped)
	u.win.SetCloseIntercept(u.closeIntercept)
	u.win.SetMaster()
	return u
}

// goWork runs fn off the UI goroutine. fn reports back through u.do.
func (u *ui) goWork(fn func()) {
	u.jobs.Add(1)
	go func() {
		defer u.jobs.Done()
		fn()
	}()
}

// logTiming prints a measurement to stderr when $CUSTODY_GUI_TIMING is set.
func (u *ui) logTiming(format string, args ...any) {
	if u.timing {
		fmt.Fprintf(os.Stderr, "custody timing: "+format+"\n", args...)
	}
}

// closeArchive closes the open archive, if any.
func (u *ui) closeArchive() {
	if u.arc != nil {
		u.arc.Close()
		u.arc = nil
		// The document index of a large archive is hundreds of MB: hand
		// it back to the system now, not whenever the collector and the
		// scavenger get to it (measured: 510 MB kept after a switch).
		if u.main != nil {
			u.main.docs.ix, u.main.docs.shown = buildIndex(nil), nil
		}
		go debug.FreeOSMemory()
	}
	clear(u.pass)
	u.pass = nil
}

// setTitle names the window: always starting with "Custody", so scripts
// can find it.
func (u *ui) setTitle(detail string) {
	if detail == "" {
		u.win.SetTitle("Custody")
		return
	}
	u.win.SetTitle("Custody — " + detail)
}

// softMemoryLimit keeps the window to ~300 MiB with a million documents
// listed (docs/performance.md): past this heap size the collector works
// harder rather than letting the heap double. $GOMEMLIMIT overrides it.
func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(224 << 20)
	}
}
