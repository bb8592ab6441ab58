package cli

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/report/htmlreport"
	"github.com/custody-app/custody/verify/report/pdfreport"
	"github.com/custody-app/custody/verify/report/reportfile"
)

// runCertificate writes one document's custody certificate: made, like
// custody prove's output, from the archive's proof of the document (the
// same disclosure rules), then worded from that proof alone.
func runCertificate(env *Env, args []string) error {
	fs := newFlags("certificate")
	out := fs.String("out", "", "the certificate to write: FILE.pdf or FILE.html")
	ancestors := fs.Bool("with-ancestors", false, "also disclose the records of the documents it was made from (a redaction's original!)")
	disclose := fs.String("disclose", "", "also disclose these recorded fields: sources,notes,tags (none by default)")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	choices, err := provenance.ParseChoices(*disclose)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	if len(pos) != 1 || *out == "" {
		return &exitError{ExitFailed, errors.New("use: custody certificate DOC --out FILE.pdf|FILE.html")}
	}
	format, err := reportfile.Format(*out)
	if err != nil || format == reportfile.JSON {
		return &exitError{ExitFailed, errors.New("a certificate's file name ends in .pdf or .html (its proof alone is custody prove's output)")}
	}
	// Read-write, as for prove: the proof's checkpoint is remembered as
	// published, so that every later bundle proves it extends it.
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	id, err := a.Resolve(pos[0])
	if err != nil {
		return err
	}
	rec, err := a.Record(id)
	if err != nil {
		return err
	}
	proof, err := a.ProveWith(id, logstore.ProofOptions{Choices: choices, Ancestors: *ancestors})
	if err != nil {
		return err
	}
	c, err := report.NewCertificate(proof, id, *a.Public(), rec.MediaType, choices)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == reportfile.PDF {
		err = pdfreport.WriteCertificate(&buf, c)
	} else {
		err = htmlreport.WriteCertificate(&buf, c)
	}
	if err == nil {
		err = reportfile.WriteFile(*out, buf.Bytes())
	}
	if err != nil {
		return fmt.Errorf("could not write the certificate %s: %w", quote.Safe(*out), err)
	}
	fmt.Fprintf(env.Stdout, "Wrote the certificate %s for document %s\n  %s, checkpoint %s at size %d; disclosed: %s\n",
		quote.Safe(*out), c.Doc, plural(len(c.Timeline), "event"), c.Origin, c.Checkpoint.Size, c.Disclosed)
	return nil
}
