package gui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/archivecheck"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

// verifyArchive re-reads every byte of the archive and checks its log,
// with a progress dialog, then shows the report.
func (u *ui) verifyArchive() {
	if u.arc == nil || u.main == nil {
		return
	}
	a := u.arc
	u.runTask("Verifying the archive", func(ctx context.Context, p progress.Func) func() {
		cov := &fixity.Coverage{}
		rep := archivecheck.Check(ctx, a, archivecheck.Options{Progress: p, Coverage: cov})
		recorded := recordCheck(a, rep, cov)
		fresh := freshnessLine(a)
		return func() {
			if u.arc != a {
				return
			}
			var actions []fyne.CanvasObject
			if rep.Verdict == report.Corrupt {
				actions = append(actions, widget.NewButton("Repair from a copy…", u.repairDialog))
			}
			p := u.showReport("Archive verification", rep, report.ArchiveCheck, para(fresh+" "+recorded), actions...)
			p.doc, p.logs = func() *report.Document { return archivecheck.Document(a, rep) }, true
		}
	})
}
