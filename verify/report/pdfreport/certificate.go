package pdfreport

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// WriteCertificate renders a custody certificate as a PDF carrying its
// proof file as the attachment proof.json.
func WriteCertificate(w io.Writer, c *report.Certificate) error {
	p, err := newPage("Custody certificate: document "+c.Doc[:16], "Custody certificate · document "+c.Doc[:16]+"… · "+c.Checked.When())
	if err != nil {
		return err
	}
	p.para("Custody certificate", style{size: 16, bold: true, color: black})
	p.space(6)
	p.banner("Document "+c.Doc[:16]+"…", green)
	p.para("This document's history, below, is recorded in the provenance log of the archivist named here, and the log is signed with their key. "+
		"Anyone holding the document can check every line of it without trusting this paper or Custody: the last section says how.", body)

	p.heading("The document")
	p.row("ID (SHA-256)", c.Doc, code)
	if c.Size >= 0 {
		p.row("Size", fmt.Sprintf("%d bytes", c.Size), body)
	}
	if c.Type != "" {
		p.row("Type", c.Type, body)
	}
	for i, n := range c.Names {
		l := "Name"
		if i > 0 {
			l = "Also named"
		}
		p.row(l, n, body)
	}
	if len(c.Names) == 0 {
		p.row("Name", "not disclosed", body)
	}

	if s := c.Signer; s != nil {
		p.heading("Archivist (signer)")
		p.row("Name", s.Name, label)
		if s.Organisation != "" {
			p.row("Organisation", s.Organisation, body)
		}
		p.row("Fingerprint", s.Fingerprint, label)
		p.row("Key", s.VerifierKey, code)
	}

	p.heading("History")
	for _, e := range c.Timeline {
		p.row(report.EventTime(e.Time), fmt.Sprintf("event %d (%s): %s", e.Index, e.Type, e.What), body)
		for _, s := range e.Shown {
			p.paraAt(s, small, labelW, textW-labelW)
		}
		if len(e.Withheld) > 0 {
			p.paraAt("recorded, not disclosed: "+strings.Join(e.Withheld, ", "), small, labelW, textW-labelW)
		}
		p.space(3)
	}
	p.para("Times are in UTC, as the archive's clock claimed them; the order of events is their index in the log, which the signature fixes.", small)

	p.heading("Proof")
	p.row("Log (origin)", c.Origin, body)
	p.row("Checkpoint", fmt.Sprintf("signed at size %d", c.Checkpoint.Size), body)
	p.row("Root hash", c.Root, code)
	p.row("Inclusion", fmt.Sprintf("%d events, each with its proof of inclusion in this checkpoint: the attached proof.json", len(c.Timeline)), body)
	p.row("Disclosed", c.Disclosed+"; fields recorded and not disclosed stay sealed in the proof, which proves they exist without showing them", body)

	p.heading("How to check it without Custody")
	for i, s := range c.Recheck {
		p.para(fmt.Sprintf("%d. %s", i+1, s.Say), body)
		p.space(2)
		if s.Command != "" {
			p.box(s.Command)
		}
	}
	p.heading("About this certificate")
	p.para(fmt.Sprintf("Issued %s, %s, by %s. This PDF carries the proof file as an attachment (proof.json): a PDF reader lists it under Attachments; pdfdetach -saveall saves it.",
		c.Checked.When(), c.Checked.Clock(), c.Checked.Tool), small)
	if p.err != nil {
		return p.err
	}
	var buf bytes.Buffer
	if _, err := p.pdf.WriteTo(&buf); err != nil {
		return err
	}
	out, err := attach(buf.Bytes(), []Attachment{{Name: "proof.json", MIME: "application/json",
		Description: "The proof of this document's provenance (custody-proof-v2)", Data: c.Proof}})
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}
