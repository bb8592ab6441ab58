package bundle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/report"
)

// ReceiveOptions controls Receive.
type ReceiveOptions struct {
	// Force receives a TAMPERED, FORKED, INVALID or unreadable bundle
	// anyway; each receive event records it.
	Force bool
	// Note is recorded with every document.
	Note    string
	Workers int
	// Verifying and Importing, if set, receive progress snapshots of the
	// two phases.
	Verifying, Importing progress.Func
}

// Received says what Receive did.
type Received struct {
	Verify *Result               `json:"-"`
	Import *archive.ImportResult `json:"import"`
	// Provenance is true when documents were recorded with receive events
	// naming the sender's log; false for a bag without provenance, whose
	// documents get ingest events.
	Provenance bool `json:"provenance"`
	// Forced is true when the bundle was received despite its verdict.
	Forced bool `json:"forced"`
	// Remembered is true when the sender's checkpoint became the newest
	// one this archive remembers for its origin.
	Remembered bool `json:"remembered"`
}

// ErrRefused is wrapped when a bundle is not received because of its
// verdict.
var ErrRefused = errors.New("bundle refused")

// Receive verifies the bundle at path against the archive a (its trust
// store and remembered checkpoints), then imports its payload so that
// each document's provenance continues here: a receive event names the
// bundle, the sender's origin and checkpoint. A TAMPERED, FORKED or
// INVALID bundle is refused unless opt.Force. When the verification was
// clean, the sender's checkpoint becomes the remembered one for its
// origin (never lowering it).
func Receive(ctx context.Context, a *archive.Archive, path string, opt ReceiveOptions) (*Received, error) {
	fsys, closer, err := bag.Open(path)
	if err != nil {
		res := Verify(ctx, path, Options{Archive: a})
		return &Received{Verify: res}, fmt.Errorf("%w: %s", ErrRefused, res.Report.Verdict)
	}
	defer closer.Close()
	res := VerifyFS(ctx, fsys, Options{Archive: a, Workers: opt.Workers, Progress: opt.Verifying, Subject: path})
	out := &Received{Verify: res}
	v := res.Report.Verdict
	clean := v == report.Intact || v == report.SignerUnknown || v == report.NoProvenance
	switch {
	case v == report.Cancelled:
		return out, context.Cause(ctx)
	case res.Bag == nil:
		return out, fmt.Errorf("%w: %s", ErrRefused, v)
	case !clean && !opt.Force:
		return out, fmt.Errorf("%w: %w", ErrRefused, errcode.New(errcode.VerdictRefused, fmt.Sprintf("the verdict is %s; nothing was imported", v)))
	}
	out.Forced = !clean
	files := make([]archive.ReceiveFile, 0, len(res.Files))
	for _, f := range res.Files {
		rf := archive.ReceiveFile{Path: f.Path, Name: f.Name, Size: f.Size}
		if !out.Forced {
			rf.SHA256 = f.Doc
			if bf := res.Bag.Payload[f.Path]; bf != nil {
				rf.Digests = bf.Digests
			}
		}
		files = append(files, rf)
	}
	ropt := archive.ReceiveOptions{Bundle: res.BundleID, Forced: out.Forced, Note: opt.Note, Progress: opt.Importing}
	if ropt.Bundle == "" {
		ropt.Bundle = filepath.Base(path)
	}
	if out.Forced {
		ropt.Note = joinNote(fmt.Sprintf("received despite the verdict %s", v), opt.Note)
	}
	if res.Checkpoint != nil && res.Provenance {
		out.Provenance = true
		ropt.Origin, ropt.Checkpoint = res.Checkpoint.Origin, res.Checkpoint.Note
		who := res.Checkpoint.Origin
		if res.Signer != nil {
			who = res.Signer.Fingerprint
		}
		ropt.Source = fmt.Sprintf("bundle %s from %s", ropt.Bundle, who)
	} else {
		ropt.Source = "bag " + ropt.Bundle
	}
	dir := ""
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		dir = path
	}
	out.Import, err = a.Receive(ctx, fsys, dir, files, ropt)
	if err != nil {
		return out, err
	}
	if res.Remember != nil && !out.Forced {
		out.Remembered, err = a.RememberCheckpoint(res.Remember)
		if err != nil {
			return out, fmt.Errorf("the documents were received, but the sender's checkpoint could not be remembered: %w", err)
		}
	}
	return out, nil
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}
