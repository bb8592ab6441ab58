package gui

import (
	"context"

	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/archivecheck"
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
		rep := archivecheck.Check(ctx, a, archivecheck.Options{Progress: p})
		return func() {
			if u.arc != a {
				return
			}
			p := u.showReport("Archive verification", rep, report.ArchiveCheck, nil)
			p.doc, p.logs = func() *report.Document { return archivecheck.Document(a, rep) }, true
		}
	})
}
