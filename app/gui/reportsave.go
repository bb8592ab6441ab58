package gui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/dialog"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/report/htmlreport"
	"github.com/custody-app/custody/verify/report/pdfreport"
	"github.com/custody-app/custody/verify/report/reportfile"
)

// reportFileName is the name the save dialog proposes for a report: the
// kind of check and the day, as PDF ("custody-bundle-report-2026-03-01.pdf").
func reportFileName(k report.Kind, now time.Time) string {
	return fmt.Sprintf("custody-%s-report-%s.pdf", k, now.Format("2006-01-02"))
}

// document is the report page's Document: the full one a check's page
// set (signer, checkpoint, how to check again), else the bare one.
func (p *reportPage) document() *report.Document {
	if p.doc != nil {
		return p.doc()
	}
	return report.NewDocument(p.kind, p.rep)
}

// saveReportDialog saves the report shown as PDF, HTML or JSON (by the
// name's extension; PDF is proposed), then records its SHA-256 in the log
// as a verify event when the archive is open for writing, as the command
// line does.
func (u *ui) saveReportDialog(p *reportPage) {
	u.pickSave("Save the report", reportFileName(p.kind, time.Now()), []string{".pdf", ".html", ".json"},
		func(path string) { u.saveReportTo(p, path) })
}

// saveReportTo writes the report off the UI goroutine and says where it
// went, its SHA-256, and whether the hash was logged.
func (u *ui) saveReportTo(p *reportPage, path string) {
	if _, err := reportfile.Format(path); err != nil {
		path = strings.TrimSuffix(path, filepath.Ext(path)) + reportfile.PDF
	}
	doc := p.document()
	a, canLog := u.arc, u.arc != nil && !u.readOnly && p.logs
	u.goWork(func() {
		sum, err := reportfile.Save(path, doc)
		logged := "It was not recorded in the log: the archive is open read-only, or the check used none."
		if err == nil && canLog {
			what := "archive check"
			if doc.Kind == report.BundleCheck {
				what = "bundle check of " + doc.BundleID
			}
			if i, lerr := a.RecordVerify(fmt.Sprintf("%s; report sha256:%x", what, sum), string(doc.Verdict)); lerr == nil {
				logged = fmt.Sprintf("It is recorded in the log as event %d (verify), so this file can be matched to this check later.", i)
			} else {
				logged = "It could not be recorded in the log: " + shownErr(lerr).Error()
			}
		}
		u.do(func() {
			if err != nil {
				dialog.ShowError(shownErr(fmt.Errorf("the report was not saved: %w", err)), u.win)
				return
			}
			u.lastSummary = "Report saved to " + path
			dialog.ShowInformation("Report saved", fmt.Sprintf("%s\n\nSHA-256 %x\n%s", shownPath(path), sum, logged), u.win)
		})
	})
}

// certificateDialog saves a document's custody certificate (PDF or HTML),
// disclosing what custody certificate does by default: its ID, size and
// names, no sources, notes or tags, no originals.
func (u *ui) certificateDialog(r *catalog.Record) {
	base := strings.TrimSuffix(filepath.Base(r.FirstName()), filepath.Ext(r.FirstName()))
	u.pickSave("Save a certificate", fmt.Sprintf("%s.certificate-%s.pdf", base, time.Now().Format("2006-01-02")),
		[]string{".pdf", ".html"}, func(path string) { u.saveCertificate(r, path) })
}

func (u *ui) saveCertificate(r *catalog.Record, path string) {
	a := u.arc
	html := strings.EqualFold(filepath.Ext(path), reportfile.HTML)
	if !html && !strings.EqualFold(filepath.Ext(path), reportfile.PDF) {
		path += reportfile.PDF
	}
	u.goWork(func() {
		proof, err := a.ProveWith(r.Sum(), logstore.ProofOptions{})
		var c *report.Certificate
		if err == nil {
			c, err = report.NewCertificate(proof, r.Sum(), *a.Public(), r.MediaType, provenance.Choices{})
		}
		var buf bytes.Buffer
		if err == nil {
			if html {
				err = htmlreport.WriteCertificate(&buf, c)
			} else {
				err = pdfreport.WriteCertificate(&buf, c)
			}
		}
		if err == nil {
			err = reportfile.WriteFile(path, buf.Bytes())
		}
		u.do(func() {
			if err != nil {
				dialog.ShowError(shownErr(fmt.Errorf("no certificate was saved: %w", err)), u.win)
				return
			}
			u.lastSummary = "Certificate saved to " + path
			dialog.ShowInformation("Certificate saved", shownPath(path)+"\n\nIt shows the document's ID, names and history, "+
				"signed by your key, with the proof attached: anyone with the document can check it without Custody.", u.win)
		})
	})
}
