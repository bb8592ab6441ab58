package archivecheck

import (
	"encoding/base64"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// Document is the report of an archive check for people: the verdict's
// words, the archive's own key as the signer of its log (trusted: it is
// the archive's), its latest signed checkpoint, and how to check again.
func Document(a *archive.Archive, rep *report.Report) *report.Document {
	d := report.NewDocument(report.ArchiveCheck, rep)
	d.Archive = quote.Safe(a.Dir())
	if pub := a.Public(); pub != nil {
		d.Signer = report.ShownSigner(report.Signer{Fingerprint: pub.Fingerprint, Origin: pub.Origin, Trusted: true,
			Name: pub.Name, How: "it is this archive's own key, which signs its log", KeyName: pub.KeyName,
			Organisation: pub.Organisation, VerifierKey: pub.VerifierKey})
	}
	if cp, err := a.LatestCheckpoint(); err == nil && cp != nil {
		d.Checkpoint = &report.Checkpoint{Origin: quote.Safe(cp.Origin), Size: cp.Size, Root: base64.StdEncoding.EncodeToString(cp.Root[:])}
	}
	d.Recheck = report.ArchiveSteps(d)
	return d
}
