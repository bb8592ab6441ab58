// Package e2e holds the end-to-end tests: the ones that drive the whole
// program (the command line, an archive and the checks in verify/)
// against real faults, such as a process killed in the middle of an
// import, a disk that fills up under one, or a bundle written by the
// archive and read back by the checker a recipient runs.
//
// They live here, above every layer, so that no arrow runs upward: the
// archive's own tests import nothing from verify/ or app/. This file
// holds what those tests share; the tests are in the _test files.
package e2e

import (
	"context"
	"testing"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/verify/archivecheck"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

// Intact runs the fixity check and the whole-archive check (bytes and
// provenance log) and fails the test unless both say INTACT with no
// warnings.
func Intact(tb testing.TB, a *archive.Archive) {
	tb.Helper()
	for name, rep := range map[string]*report.Report{
		"fixity":        fixity.Check(context.Background(), a, fixity.Options{}),
		"archive check": archivecheck.Check(context.Background(), a, archivecheck.Options{}),
	} {
		if rep.Verdict != report.Intact || len(rep.Findings) > 0 || len(rep.Warnings) > 0 {
			tb.Errorf("%s: verdict %s, findings %+v, warnings %+v", name, rep.Verdict, rep.Findings, rep.Warnings)
		}
	}
}
