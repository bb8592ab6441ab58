package bundle

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
)

// ErrRefused is wrapped when a bundle is not received because of its
// verdict.
var ErrRefused = errors.New("bundle refused")

// Admit decides whether the verified bundle at path may be received and
// describes it for the archive that receives it (archive.ReceiveBundle):
// each document is recorded with a receive event naming the bundle and
// the sender's origin and checkpoint. A TAMPERED, FORKED or INVALID
// bundle is refused (ErrRefused) unless force; forced, only the payload
// files that a manifest lists and whose checksums matched are received,
// held to those checksums again as they are copied, and the others are
// listed in Unchecked, never imported; the note says it was forced. When
// the verification was clean, the sender's checkpoint is to be
// remembered for its origin.
func (r *Result) Admit(path string, force bool, note string) (*bundleformat.Incoming, error) {
	v := r.Report.Verdict
	clean := v == report.Intact || v == report.SignerUnknown || v == report.NoProvenance
	switch {
	case r.Kind == KindOCFLObject || r.Kind == KindOCFLRoot:
		return nil, fmt.Errorf("%w: receiving is for BagIt bundles; an OCFL object can be verified, not received (write the bundle as a bag)", ErrRefused)
	case r.Bag == nil:
		return nil, fmt.Errorf("%w: %s", ErrRefused, v)
	case !clean && !force:
		return nil, fmt.Errorf("%w: %w", ErrRefused, errcode.New(errcode.VerdictRefused, fmt.Sprintf("the verdict is %s; nothing was imported", v)))
	}
	in := &bundleformat.Incoming{Bundle: r.BundleID, Forced: !clean, Note: note}
	in.Files = make([]bundleformat.IncomingFile, 0, len(r.Files))
	for _, f := range r.Files {
		rf := bundleformat.IncomingFile{Path: f.Path, Name: f.Name, Size: f.Size, SHA256: f.Doc}
		bf := r.Bag.Payload[f.Path]
		if bf != nil {
			rf.Digests = bf.Digests
		}
		if in.Forced {
			if reason := uncheckedReason(bf); reason != "" {
				in.Unchecked = append(in.Unchecked, bundleformat.UncheckedFile{Path: f.Path, Reason: reason})
				continue
			}
		}
		in.Files = append(in.Files, rf)
	}
	if in.Bundle == "" {
		in.Bundle = filepath.Base(path)
	}
	if in.Forced {
		in.Note = joinNote(fmt.Sprintf("received despite the verdict %s", v), note)
	}
	if r.Checkpoint != nil && r.Provenance {
		in.Origin, in.Checkpoint = r.Checkpoint.Origin, r.Checkpoint.Note
		who := r.Checkpoint.Origin
		if r.Signer != nil {
			who = r.Signer.Fingerprint
		}
		in.Source = fmt.Sprintf("bundle %s from %s", in.Bundle, who)
	} else {
		in.Source = "bag " + in.Bundle
	}
	if !in.Forced {
		in.Remember = r.Remember
		r.admitHeld(in)
	}
	return in, nil
}

// uncheckedReason says why a payload file may not be received even when
// forced: no manifest lists it, or its bytes did not match; "" when it
// was verified.
func uncheckedReason(f *bag.File) string {
	switch {
	case f == nil || len(f.Digests) == 0:
		return "no manifest lists it, so it has no checksum to check; it was not received"
	case !f.Verified:
		return "its checksum did not match the manifest (or it could not be read); it was not received"
	}
	return ""
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}
