// Package receive takes a bundle into an archive for both front ends: it
// checks the bundle against the archive (verify/bundle), and only then
// has the archive import it (archive.ReceiveBundle).
//
// The two halves sit on either side of a wall: the checker only reads
// what the archive knows and describes what may be received; the archive
// only writes what it is given. This package is the one place that holds
// both, so neither has to import the other.
package receive

import (
	"context"
	"fmt"
	"os"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// Options controls Bundle.
type Options struct {
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

// Received says what Bundle did.
type Received struct {
	Verify *bundle.Result        `json:"-"`
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

// Bundle verifies the bundle at path against the archive a (its trust
// store and remembered checkpoints), then imports its payload so that
// each document's provenance continues here: a receive event names the
// bundle, the sender's origin and checkpoint. A TAMPERED, FORKED or
// INVALID bundle is refused (bundle.ErrRefused) unless opt.Force. When
// the verification was clean, the sender's checkpoint becomes the
// remembered one for its origin (never lowering it).
func Bundle(ctx context.Context, a *archive.Archive, path string, opt Options) (*Received, error) {
	fsys, closer, err := bag.Open(path)
	if err != nil {
		res := bundle.Verify(ctx, path, bundle.Options{Archive: a})
		return &Received{Verify: res}, fmt.Errorf("%w: %s", bundle.ErrRefused, res.Report.Verdict)
	}
	defer closer.Close()
	res := bundle.VerifyFS(ctx, fsys, bundle.Options{Archive: a, Workers: opt.Workers, Progress: opt.Verifying, Subject: path})
	out := &Received{Verify: res}
	if res.Report.Verdict == report.Cancelled {
		return out, context.Cause(ctx)
	}
	in, err := res.Admit(path, opt.Force, opt.Note)
	if err != nil {
		return out, err
	}
	out.Forced, out.Provenance = in.Forced, in.Origin != ""
	dir := ""
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		dir = path
	}
	out.Import, out.Remembered, err = a.ReceiveBundle(ctx, fsys, dir, in, opt.Importing)
	return out, err
}
