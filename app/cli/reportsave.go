package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/report/reportfile"
)

// reportOut is a --report FILE: where the report goes and what its
// verify event will say it was of.
type reportOut struct {
	path string
	what string // "archive check", "bundle check of 1a2b…"
}

// checkReportPath refuses a --report name whose format is unknown before
// any work is done.
func checkReportPath(path string) error {
	if path == "" {
		return nil
	}
	if _, err := reportfile.Format(path); err != nil {
		return &exitError{ExitFailed, err}
	}
	return nil
}

// saveReport writes d to out.path, prints its SHA-256 to w, and records a
// verify event naming that hash in the archive when the archive can be
// written (logTo is false when the check used no archive). A report
// that could not be logged says so; the check's result stands either way.
func (env *Env) saveReport(w io.Writer, out reportOut, d *report.Document, logTo bool) error {
	sum, err := reportfile.Save(out.path, d)
	if err != nil {
		return fmt.Errorf("could not write the report %s: %w", quote.Safe(out.path), err)
	}
	fmt.Fprintf(w, "Wrote the report %s\n  SHA-256 %x\n", quote.Safe(out.path), sum)
	if !logTo {
		fmt.Fprintln(w, "  Not logged: the check used no archive, so there is no log to record the report's hash in.")
		return nil
	}
	index, err := env.logVerify(fmt.Sprintf("%s; report sha256:%x", out.what, sum), string(d.Verdict))
	if err != nil {
		fmt.Fprintf(w, "  Not logged: the archive could not be written (%s).\n", quote.Safe(hinted(err).Error()))
		return nil
	}
	fmt.Fprintf(w, "  Logged as event %d (verify) in the archive's log: the hash matches this report to this check.\n", index)
	return nil
}

// logVerify opens the archive read-write and records a verify event.
func (env *Env) logVerify(what, verdict string) (int64, error) {
	a, err := env.open(readWrite)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	return a.RecordVerify(what, verdict)
}

// shortID is the start of an ID, for a verify event's words.
func shortID(id string) string {
	id = strings.TrimSpace(id)
	if len(id) > 16 {
		return id[:16]
	}
	return id
}
