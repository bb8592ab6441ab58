package bundle

import (
	"encoding/base64"
	"fmt"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// Document is the result as the front ends and the report renderers show
// it. archiveDir is the archive the bundle was checked against ("" for
// none). Every text the sender chose (names, paths, the origin, the key's
// own name) is shown through quote.Safe; the signer is named by the
// receiver's trust store, never by the key (see report.Signer).
func (r *Result) Document(archiveDir string) *report.Document {
	d := report.NewDocument(report.BundleCheck, r.Report)
	d.BundleID, d.Archive = quote.Safe(r.BundleID), quote.Safe(archiveDir)
	if s := r.Signer; s != nil {
		d.Signer = report.ShownSigner(s.words())
	}
	if cp := r.Checkpoint; cp != nil {
		d.Checkpoint = &report.Checkpoint{Origin: quote.Safe(cp.Origin), Size: cp.Size, Root: base64.StdEncoding.EncodeToString(cp.Root[:])}
	}
	for _, f := range r.Files {
		rf := report.File{Path: quote.Safe(f.Path), Name: quote.Safe(f.Name), Doc: quote.Safe(f.Doc), Size: f.Size, Verified: f.Verified}
		for _, dv := range f.Derivations {
			rf.MadeFrom = append(rf.MadeFrom, quote.Safe(fmt.Sprintf("a %s of %s (event %d)", dv.Kind, dv.From, dv.Event)))
		}
		for _, k := range f.DKIM {
			rf.DKIM = append(rf.DKIM, quote.Safe(k))
		}
		d.Files = append(d.Files, rf)
	}
	for _, t := range r.Timestamps {
		d.TimeAnchors = append(d.TimeAnchors, report.TimeAnchor{Words: quote.Safe(t.Words), Trusted: t.Trusted, NotBefore: quote.Safe(t.NotBefore)})
	}
	if r.Fork != nil {
		d.Evidence = report.ShownLines(r.Fork.Evidence())
	}
	d.Witnesses = r.Witnesses.Shown()
	d.Recheck = report.BundleSteps(d)
	return d
}

// words is the signer as the report words it (raw: a Document passes it
// through quote.Safe).
func (s *Signer) words() report.Signer {
	return report.Signer{Fingerprint: s.Fingerprint, Origin: s.Origin, Trusted: s.Trusted, Name: s.TrustedAs, How: s.How, KeyName: s.KeyName, VerifierKey: s.VerifierKey}
}
