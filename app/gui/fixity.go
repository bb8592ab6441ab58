package gui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/history"
	"github.com/custody-app/custody/verify/report"
)

// The window's side of fixity over time: every Verify archive is recorded
// (the window holds the archive open for writing), the report says how
// recently every byte was verified, a CORRUPT report offers "Repair from a
// copy…", and Archive → Verification history lists the recorded checks.

// recordCheck records a finished check and returns a line for the report.
func recordCheck(a *archive.Archive, rep *report.Report, cov *fixity.Coverage) string {
	if rep.Verdict == report.Cancelled {
		return "This check was cancelled and not recorded."
	}
	n, _ := a.LogSize()
	c := history.FromCoverage(cov, n)
	idx, err := a.RecordVerification(archive.Verification{What: history.What(history.ScopeArchive, c),
		Verdict: string(rep.Verdict), Damaged: cov.Damaged, Checked: cov.Checked})
	if err != nil {
		return "This check was not recorded: " + quote.Safe(err.Error())
	}
	return fmt.Sprintf("Recorded in the log as event %d.", idx)
}

// freshnessLine is "every byte verified within N days (oldest check …)".
func freshnessLine(a *archive.Archive) string {
	f, err := history.Fresh(a)
	if err != nil {
		return ""
	}
	s := f.Sentence(time.Now())
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// repairDialog asks for a folder holding intact copies: another archive
// folder (or a backup copy of this one), or plain files (the originals),
// which are imported: an import repairs every damaged document whose
// SHA-256 a file matches.
func (u *ui) repairDialog() {
	u.pickOpen(pickFolder, "Repair from a copy", nil, func(paths []string) {
		dir := paths[0]
		if !archive.Exists(dir) {
			u.startImport([]string{dir}, "repair copy", "")
			return
		}
		u.repairFrom(dir)
	})
}

// repairFrom repairs every damaged document from the archive in dir.
func (u *ui) repairFrom(dir string) {
	a := u.arc
	u.runTask("Repairing from a copy", func(ctx context.Context, p progress.Func) func() {
		cov := &fixity.Coverage{}
		fixity.Check(ctx, a, fixity.Options{Progress: p, Coverage: cov})
		var done []archive.Repaired
		var failed map[[32]byte]string
		src, err := archive.Open(dir, archive.Options{Store: store.Config{ReadOnly: true}})
		if err == nil {
			done, failed, err = a.RepairFrom(ctx, src, cov.Damaged)
			anchor(a) // stamps the checkpoint it signed
			src.Close()
		}
		return func() {
			if err != nil {
				dialog.ShowError(shownErr(fmt.Errorf("not repaired (custody repair --from can give the copy's passphrase): %w", err)), u.win)
				return
			}
			text := fmt.Sprintf("%d damaged document(s) found, %d repaired.", len(cov.Damaged), len(done))
			for id, why := range failed {
				text += fmt.Sprintf("\nNot repaired: %x: %s", id[:6], quote.Safe(why))
			}
			dialog.ShowInformation("Repair", text, u.win)
		}
	})
}

// showHistory lists the recorded checks, newest first.
func (u *ui) showHistory() {
	if u.arc == nil || u.main == nil {
		return
	}
	entries, err := history.List(u.arc)
	if err != nil {
		dialog.ShowError(shownErr(err), u.win)
		return
	}
	box := container.NewVBox(para(freshnessLine(u.arc)))
	if len(entries) == 0 {
		box.Add(para("No check has been recorded yet: choose Verify archive."))
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		line := fmt.Sprintf("%s  %s  %s", e.Time, e.Verdict, e.What)
		if len(e.Damaged) > 0 {
			line += fmt.Sprintf("  (%d damaged)", len(e.Damaged))
		}
		box.Add(widget.NewLabel(quote.Safe(line)))
	}
	d := dialog.NewCustom("Verification history", "Close", container.NewVScroll(box), u.win)
	d.Resize(dialogSize(u.win))
	d.Show()
}
