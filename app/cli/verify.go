package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/archivecheck"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/history"
	"github.com/custody-app/custody/verify/report"
)

// verifyJSON is verify's --json output: the report, and what was
// recorded of it.
type verifyJSON struct {
	*report.Report
	Scope  string          `json:"scope"`
	Counts *history.Counts `json:"counts,omitempty"`
	// RecordedEvent is the index of the verify event this check left in
	// the log; NotRecorded says why there is none.
	RecordedEvent *int64 `json:"recorded_event,omitempty"`
	NotRecorded   string `json:"not_recorded,omitempty"`
}

func runVerify(env *Env, args []string) error {
	fs := newFlags("verify")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	rolling := fs.String("rolling", "", "check only the least recently checked `P%` of the bytes (and the log)")
	noRecord := fs.Bool("no-record", false, "do not record this check in the log")
	reportPath := fs.String("report", "", "also write the report to this file: .pdf, .html or .json")
	remoteName := fs.String("remote", "", "check the copy on remote `NAME` instead (see custody remote)")
	refs, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if err := checkReportPath(*reportPath); err != nil {
		return err
	}
	var pct float64
	if *rolling != "" {
		if pct, err = parsePercent(*rolling); err != nil {
			return err
		}
		if len(refs) > 0 {
			return errors.New("--rolling checks a share of the whole archive: give it or documents, not both")
		}
	}
	if *remoteName != "" {
		if len(refs) > 0 || *noRecord || *reportPath != "" {
			return errors.New("--remote checks a whole remote copy (or --rolling P% of it), is always recorded, and writes no report file")
		}
		return runVerifyRemote(env, *remoteName, pct, *asJSON)
	}
	dir := archive.Locate(env.Archive)
	if !archive.Exists(dir) {
		err := fmt.Errorf("%w: %s (create one with \"custody init\")", archive.ErrNoArchive, dir)
		if *asJSON {
			writeJSON(env.Stdout, notOpened(dir, err))
		}
		return err
	}
	// The check runs on a read-only open (it never changes a file, even a
	// damaged one); recording it needs the passphrase, derived meanwhile.
	opt := archive.Options{Store: store.Config{ReadOnly: true}, UnlockInBackground: true}
	var notRecorded string
	if *noRecord {
		notRecorded = "--no-record was given"
	}
	if archive.NeedsPassphrase(dir) || !*noRecord {
		pass, err := env.passphrase("Passphrase for the archive in " + dir + ": ")
		switch {
		case err == nil:
			opt.Passphrase = pass
		case errors.Is(err, errNoPassphrase) && !archive.NeedsPassphrase(dir):
			notRecorded = "no passphrase was given, so the archive was opened read-only"
		default:
			return err
		}
	}
	a, err := archive.Open(dir, opt)
	if err != nil {
		if *asJSON {
			writeJSON(env.Stdout, notOpened(dir, err))
		}
		return err
	}
	defer func() {
		if a != nil {
			a.Close()
		}
	}()
	var ids [][32]byte
	for _, ref := range refs {
		id, err := a.Resolve(ref)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	co := archivecheck.Options{Progress: env.bar("Verifying"), Docs: ids, Rolling: pct, Coverage: &fixity.Coverage{}}
	if pct > 0 {
		if co.Last, err = a.LastChecks(); err != nil {
			return fmt.Errorf("could not read when documents were last checked: %w", err)
		}
	}
	rep := archivecheck.Check(env.ctx, a, co)
	doc := archivecheck.Document(a, rep)
	var logEvents int64
	if len(ids) == 0 {
		logEvents, _ = a.LogSize()
	}
	out := &verifyJSON{Report: rep, Scope: history.Scope(pct, len(ids) > 0)}
	if rep.Verdict != report.Cancelled {
		c := history.FromCoverage(co.Coverage, logEvents)
		out.Counts = &c
	}
	var id *keys.Identity
	if notRecorded == "" {
		if err := a.Unlocked(); err != nil {
			notRecorded = errText(hinted(err))
		}
		id = a.Identity()
	}
	a.Close()
	a = nil
	switch {
	case rep.Verdict == report.Cancelled:
		notRecorded = "the check was cancelled"
	case notRecorded == "" && fixity.TablesDamaged(rep):
		// Not even opened for writing: Badger compacts at the open.
		notRecorded = archive.ErrStoreTablesDamaged.Error()
	case notRecorded == "":
		idx, err := recordCheck(dir, opt.Passphrase, id, rep, out, co.Coverage)
		if err != nil {
			notRecorded = errText(err)
		} else {
			out.RecordedEvent = &idx
		}
	}
	out.NotRecorded = notRecorded
	if *asJSON {
		writeJSON(env.Stdout, out)
	} else {
		printReport(env.Stdout, doc)
		if out.RecordedEvent != nil {
			fmt.Fprintf(env.Stdout, "\nRecorded in the log as event %d.\n", *out.RecordedEvent)
		} else {
			fmt.Fprintf(env.Stdout, "\nThis check was not recorded: %s.\n", strings.TrimSuffix(notRecorded, "."))
		}
	}
	if *reportPath != "" && rep.Verdict != report.Cancelled {
		w := env.Stdout
		if *asJSON {
			w = env.Stderr
		} else {
			fmt.Fprintln(w)
		}
		if err := env.saveReport(w, reportOut{path: *reportPath, what: "archive check"}, doc, true); err != nil {
			return err
		}
	}
	return exitCode(rep.ExitCode(false))
}

// recordCheck opens the archive for writing and records the check.
func recordCheck(dir string, pass []byte, id *keys.Identity, rep *report.Report, out *verifyJSON, cov *fixity.Coverage) (int64, error) {
	a, err := archive.Open(dir, archive.Options{Passphrase: pass, Unlocked: id})
	if err != nil {
		return 0, err
	}
	defer a.Close()
	return a.RecordVerification(archive.Verification{
		What: history.What(out.Scope, *out.Counts), Verdict: string(rep.Verdict),
		Damaged: cov.Damaged, Checked: cov.Checked,
	})
}

// parsePercent reads "25%" or "25" as a share above 0 and at most 100.
func parsePercent(s string) (float64, error) {
	p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || p <= 0 || p > 100 {
		return 0, fmt.Errorf("--rolling takes a share of the archive such as 10%% (above 0, at most 100), not %q", s)
	}
	return p, nil
}

// unopened is verify --json's answer for an archive that did not open:
// the report's fields (verdict COULD NOT READ, no checks, one finding)
// and the error, with its stable code where it has one.
type unopened struct {
	*report.Report
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func notOpened(dir string, err error) *unopened {
	msg := hinted(err).Error()
	code := errcode.Of(err)
	if code == "" {
		code = "ARCHIVE_NOT_OPENED"
	}
	u := &unopened{Report: &report.Report{Subject: dir, Verdict: report.Unreadable, Checks: []report.Check{}, Warnings: []report.Finding{}}}
	u.Report.Add(report.Finding{Code: code, Severity: report.IOError, Message: "the archive could not be opened: " + msg})
	u.Error.Code, u.Error.Message = code, msg
	return u
}

// printReport writes a report for people: the verdict first, then each
// check, then every finding with its code. It shows a Document, whose
// text has passed through quote.Safe, never a raw Report.
func printReport(w io.Writer, rep *report.Document) {
	fmt.Fprintf(w, "%s\n", rep.Verdict.Headline())
	if rep.Subject != "" {
		fmt.Fprintf(w, "  %s\n", rep.Subject)
	}
	fmt.Fprintln(w)
	for _, c := range rep.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  [%s] %s: %s\n", mark, c.Name, c.Detail)
	}
	if len(rep.Findings) > 0 {
		fmt.Fprintf(w, "\nProblems (%d):\n", len(rep.Findings))
		for _, f := range rep.Findings {
			printFinding(w, f)
		}
	}
	if len(rep.Warnings) > 0 {
		fmt.Fprintf(w, "\nWarnings (%d):\n", len(rep.Warnings))
		for _, f := range rep.Warnings {
			printFinding(w, f)
		}
	}
}

func printFinding(w io.Writer, f report.Finding) {
	where := f.Path
	if where == "" && f.Doc != "" {
		where = f.Doc
	}
	if where != "" {
		where += ": "
	}
	fmt.Fprintf(w, "  %s %s%s\n", f.Code, where, f.Message)
	if f.Doc != "" && f.Path != "" {
		fmt.Fprintf(w, "      document %s\n", f.Doc)
	}
	if f.Expected != "" || f.Found != "" {
		fmt.Fprintf(w, "      expected %s\n      found    %s\n", f.Expected, f.Found)
	}
}
