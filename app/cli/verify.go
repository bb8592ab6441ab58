package cli

import (
	"fmt"
	"io"

	"github.com/custody-app/custody/verify/archivecheck"
	"github.com/custody-app/custody/verify/report"
)

func runVerify(env *Env, args []string) error {
	fs := newFlags("verify")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	reportPath := fs.String("report", "", "also write the report to this file: .pdf, .html or .json")
	if _, err := flags(fs, env, args); err != nil {
		return err
	}
	if err := checkReportPath(*reportPath); err != nil {
		return err
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	rep := archivecheck.Check(env.ctx, a, archivecheck.Options{Progress: env.bar("Verifying")})
	doc := archivecheck.Document(a, rep)
	a.Close() // before the report's event is recorded, read-write
	if *asJSON {
		writeJSON(env.Stdout, rep)
	} else {
		printReport(env.Stdout, doc)
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
