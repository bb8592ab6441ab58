package bag

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/custody-app/custody/verify/report"
)

// ValidatePath validates the bag at path: a folder (opened with OpenDir)
// or a zip file (opened with OpenZip). A bag that cannot be opened gets a
// report too: INVALID for a refused zip, COULD NOT READ when the path
// cannot be read at all.
func ValidatePath(ctx context.Context, path string, opt Options) (*Bag, *report.Report) {
	if opt.Subject == "" {
		opt.Subject = path
	}
	fsys, closer, err := Open(path)
	if err != nil {
		return nil, openReport(opt.Subject, err)
	}
	defer closer.Close()
	return Validate(ctx, fsys, opt)
}

// Open opens the bag at path as a folder or, for a regular file, as a zip.
func Open(path string) (fs.FS, io.Closer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, &OpenError{Code: BagNotFound, Path: path, Err: err,
			Message: fmt.Sprintf("cannot open the bag %s: %v", displayPath(path), cause(err))}
	}
	if fi.IsDir() {
		return OpenDir(path)
	}
	return OpenZip(path)
}

// openReport turns an error from Open, OpenDir or OpenZip into a report.
func openReport(subject string, err error) *report.Report {
	r := &report.Report{Subject: subject}
	var oe *OpenError
	if !errors.As(err, &oe) {
		oe = &OpenError{Code: BagNotFound, Message: err.Error()}
	}
	if len(oe.Findings) == 0 {
		sev := report.Problem
		if oe.Code == BagNotFound {
			sev = report.IOError
		}
		oe.Findings = []report.Finding{{Code: oe.Code, Severity: sev, Path: oe.Path, Message: oe.Message}}
	}
	for _, f := range oe.Findings {
		r.Add(f)
	}
	r.Sort()
	r.AddCheck(CheckContainer, false, oe.Message)
	r.Verdict = report.Invalid
	if oe.Code == BagNotFound {
		r.Verdict = report.Unreadable
	}
	return r
}

// OpenFailed is the report of a bag that could not be opened: err from
// Open, OpenDir, OpenZip or ZipFS. A front end that opens a bag itself
// (from a browser's file) reports the refusal as ValidatePath does.
func OpenFailed(subject string, err error) *report.Report { return openReport(subject, err) }
