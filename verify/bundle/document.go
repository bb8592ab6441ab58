package bundle

import (
	"encoding/base64"
	"fmt"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// Document is the result as the front ends and the report renderers show
// it. archiveDir is the archive the bundle was checked against ("" for
// none). Original names are made printable (invalid UTF-8 escaped).
func (r *Result) Document(archiveDir string) *report.Document {
	d := report.NewDocument(report.BundleCheck, r.Report)
	d.BundleID, d.Archive = r.BundleID, archiveDir
	if s := r.Signer; s != nil {
		d.Signer = &report.Signer{Fingerprint: s.Fingerprint, Origin: s.Origin, Trusted: s.Trusted, Name: s.TrustedAs, How: s.How}
	}
	if cp := r.Checkpoint; cp != nil {
		d.Checkpoint = &report.Checkpoint{Origin: cp.Origin, Size: cp.Size, Root: base64.StdEncoding.EncodeToString(cp.Root[:])}
	}
	for _, f := range r.Files {
		rf := report.File{Path: f.Path, Name: quote.EscapeInvalid(f.Name), Doc: f.Doc, Size: f.Size, Verified: f.Verified}
		for _, dv := range f.Derivations {
			rf.MadeFrom = append(rf.MadeFrom, fmt.Sprintf("a %s of %s (event %d)", dv.Kind, dv.From, dv.Event))
		}
		d.Files = append(d.Files, rf)
	}
	if r.Fork != nil {
		d.Evidence = r.Fork.Evidence()
	}
	return d
}
