// Package pdfreport renders a report.Document as a PDF: the same words as
// the web page (htmlreport) and the command line, on A4 pages that print
// and archive well, with the fonts embedded so every name shows as it is
// on any computer, and the machine-readable report (JSON) attached.
//
// Like htmlreport it is pure: it writes to an io.Writer, and every string
// it shows has passed through quote.Safe when the Document was made.
package pdfreport

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// MaxListed is how many findings, and how many files, a PDF lists in
// full; past it, the rest are counted and left to the attached
// report.json (and the web page), which list every one. A PDF of 100,000
// findings would run to tens of thousands of pages that no one reads,
// and take minutes and gigabytes to lay out.
const MaxListed = 1000

// toneColour is the verdict banner's colour.
var toneColour = map[report.Tone]rgb{report.Good: green, report.Caution: amber, report.Bad: red, report.Inconclusive: grey}

// Write renders d as a PDF carrying files as attachments.
func Write(w io.Writer, d *report.Document, files ...Attachment) error {
	footer := d.Kind.Title() + ": " + d.Headline + " · " + d.Checked.When()
	p, err := newPage(d.Kind.Title()+": "+d.Headline, footer)
	if err != nil {
		return err
	}
	p.para(d.Kind.Title(), style{size: 16, bold: true, color: black})
	p.space(6)
	p.banner(d.Headline, toneColour[d.Tone])
	p.para(d.Meaning, body)

	// What went wrong comes first, where a reader looks.
	findings(p, "Problems", d.Findings)
	findings(p, "Warnings", d.Warnings)
	checked(p, d)
	signer(p, d.Signer)
	if cp := d.Checkpoint; cp != nil {
		p.heading("Checkpoint")
		p.row("Log (origin)", cp.Origin, body)
		p.row("Size", fmt.Sprintf("%d events when signed", cp.Size), body)
		p.row("Root hash", cp.Root, code)
		for _, t := range d.TimeAnchors {
			p.row("Time stamp", t.Words, body)
			if t.NotBefore != "" {
				p.row("Not before", t.NotBefore+" (the newest event it holds, by the sender's clock)", body)
			}
		}
	}
	checks(p, d)
	if d.Evidence != "" {
		p.heading("Evidence of the fork")
		p.para("Both signed checkpoints and the proof that fails. Anyone holding the sender's public key can check them; they do not depend on this report.", body)
		p.space(4)
		p.box(d.Evidence)
	}
	files2(p, d.Files)
	if len(d.Recheck) > 0 {
		p.heading("How anyone can check this again")
		for i, s := range d.Recheck {
			p.para(fmt.Sprintf("%d. %s", i+1, s.Say), body)
			p.space(2)
			if s.Command != "" {
				p.box(s.Command)
			}
		}
	}
	p.heading("About this report")
	about := "Written by " + d.Checked.Tool + ". The SHA-256 of this file, as written, is printed by the command that wrote it and " +
		"recorded in the archive's log as a verify event when the archive could be written, so a copy shown later can be matched to the check that made it."
	if len(files) > 0 {
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Name
		}
		about += " This PDF carries the same report in machine-readable form as an attachment (" + strings.Join(names, ", ") +
			"): a PDF reader lists it under Attachments; pdfdetach -saveall saves it."
	}
	about += " Finding codes are explained in the Custody documentation (docs/cli.md)."
	p.para(about, small)
	if p.err != nil {
		return p.err
	}
	var buf bytes.Buffer
	if _, err := p.pdf.WriteTo(&buf); err != nil {
		return err
	}
	out, err := attach(buf.Bytes(), files)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

func checked(p *page, d *report.Document) {
	p.heading("What was checked")
	kind := string(d.Kind)
	p.row(strings.ToUpper(kind[:1])+kind[1:], d.Subject, body)
	if d.BundleID != "" {
		p.row("Bundle id", d.BundleID, body)
	}
	if w := d.Checked.When(); w != "" {
		p.row("When", w+", "+d.Checked.Clock(), body)
	}
	p.row("Checked by", d.Checked.Tool, body)
	if d.Kind == report.BundleCheck {
		if d.Archive != "" {
			p.row("Checked against", "the archive in "+d.Archive+" (its trusted keys and the checkpoints it saw before)", body)
		} else {
			p.row("Checked against", "no archive: no memory of earlier checkpoints was used; only keys given for this check are trusted", body)
		}
	}
}

func signer(p *page, s *report.Signer) {
	if s == nil {
		return
	}
	p.heading("Signer")
	if s.Trusted {
		p.row("Name", s.Name, label)
	} else {
		p.row("Name", s.Label(), style{size: 10, bold: true, color: red})
	}
	if s.Organisation != "" {
		p.row("Organisation", s.Organisation, body)
	}
	p.row("Fingerprint", s.Fingerprint, label)
	if s.Trusted {
		p.row("Trusted", "yes: "+s.How, body)
	} else {
		p.row("Trusted", "no: confirm the fingerprint with the sender (by phone or in person) before relying on who signed", body)
	}
	if s.Origin != "" {
		p.row("Signs the log", s.Origin, body)
	}
	if s.VerifierKey != "" {
		p.row("Key", s.VerifierKey, code)
	}
}

func checks(p *page, d *report.Document) {
	if len(d.Checks) == 0 {
		return
	}
	p.heading("Checks")
	for _, c := range d.Checks {
		mark, st := "passed", style{size: 10, color: green}
		if !c.OK {
			mark, st = "NOT PASSED", style{size: 10, bold: true, color: red}
		}
		p.row(c.Name, mark, st)
		if c.Detail != "" {
			p.y -= 2
			p.paraAt(c.Detail, small, labelW, textW-labelW)
			p.space(3)
		}
	}
}

func findings(p *page, title string, fs []report.Finding) {
	if len(fs) == 0 {
		return
	}
	p.heading(fmt.Sprintf("%s (%d)", title, len(fs)))
	for i, f := range fs {
		if i == MaxListed {
			p.para(fmt.Sprintf("… and %d more %s, not listed here: the attached report.json and the web page (--report FILE.html) list every one.",
				len(fs)-MaxListed, strings.ToLower(title)), label)
			break
		}
		p.need(3 * body.size * lineGap)
		p.para(f.Code, label)
		if f.Path != "" {
			p.row("File or record", f.Path, body)
		}
		if f.Doc != "" {
			p.row("Document", f.Doc, code)
		}
		for _, doc := range f.Docs {
			p.row("Affects", doc, code)
		}
		p.row("Found", f.Message, body)
		if f.Expected != "" || f.Found != "" {
			p.row("Expected", f.Expected, code)
			p.row("Was", f.Found, code)
		}
		p.space(4)
	}
}

func files2(p *page, files []report.File) {
	if len(files) == 0 {
		return
	}
	p.heading(fmt.Sprintf("Files (%d)", len(files)))
	for i, f := range files {
		if i == MaxListed {
			p.para(fmt.Sprintf("… and %d more files, not listed here: the attached report.json and the web page list every one.", len(files)-MaxListed), label)
			break
		}
		match := "matches"
		st := style{size: 10, color: green}
		if !f.Verified {
			match, st = "DOES NOT MATCH", style{size: 10, bold: true, color: red}
		}
		p.row(f.Path, match+fmt.Sprintf(", %d bytes", f.Size), st)
		if f.Name != "" {
			p.row("Original name", f.Name, body)
		}
		if f.Doc != "" {
			p.row("Document", f.Doc, code)
		}
		for _, m := range f.MadeFrom {
			p.row("Made from", m, body)
		}
		for _, k := range f.DKIM {
			p.row("DKIM", k, body)
		}
		p.space(3)
	}
}
