package cli

import (
	"fmt"
	"io"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/verify/archivecheck"
	"github.com/custody-app/custody/verify/report"
)

func runVerify(env *Env, args []string) error {
	fs := newFlags("verify")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, err := flags(fs, env, args); err != nil {
		return err
	}
	a, err := env.open(readOnly)
	if err != nil {
		if *asJSON {
			writeJSON(env.Stdout, notOpened(archive.Locate(env.Archive), err))
		}
		return err
	}
	defer a.Close()
	rep := archivecheck.Check(env.ctx, a, archivecheck.Options{Progress: env.bar("Verifying")})
	if *asJSON {
		writeJSON(env.Stdout, rep)
	} else {
		printReport(env.Stdout, report.NewDocument(report.ArchiveCheck, rep))
	}
	return exitCode(rep.ExitCode(false))
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
