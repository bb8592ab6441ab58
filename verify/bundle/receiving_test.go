package bundle_test

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

// The receive tests check the two halves that receiving a bundle joins:
// the checker's Admit and the archive's ReceiveBundle. receiveBundle joins
// them as app/receive's Bundle does for the front ends (a test of this
// package cannot import app/).

type receiveOptions struct {
	Force                bool
	Note                 string
	Verifying, Importing progress.Func
}

type received struct {
	Verify     *bundle.Result
	Import     *archive.ImportResult
	Provenance bool
	Forced     bool
	Remembered bool
}

func receiveBundle(ctx context.Context, a *archive.Archive, path string, opt receiveOptions) (*received, error) {
	fsys, closer, err := bag.Open(path)
	if err != nil {
		res := bundle.Verify(ctx, path, bundle.Options{Archive: a})
		return &received{Verify: res}, fmt.Errorf("%w: %s", bundle.ErrRefused, res.Report.Verdict)
	}
	defer closer.Close()
	res := bundle.VerifyFS(ctx, fsys, bundle.Options{Archive: a, Progress: opt.Verifying, Subject: path})
	out := &received{Verify: res}
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
