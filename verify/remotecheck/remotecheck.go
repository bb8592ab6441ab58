// Package remotecheck checks a remote copy of the archive (archive/remote)
// against the archive's own records: every packed document's chunks are
// read from the remote's pack files with ranged requests, through the
// archive's encryption and the same fixity check `custody verify` runs,
// so a missing or damaged object is named by the documents it holds; the
// store snapshots are read through their seal. Memory stays bounded: a
// chunk per worker, a seal segment at a time.
//
// Documents below 64 KiB live inside the store, not in pack files; the
// remote holds them in its snapshots, which the seal proves intact as a
// whole.
package remotecheck

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/remote"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/report"
)

// Finding codes of a remote check, beside fixity's (CHUNK_MISSING,
// CHUNK_CORRUPT, READ_ERROR name documents).
const (
	// RemoteSnapshotDamaged: a store snapshot on the remote is missing or
	// its bytes are not the ones pushed.
	RemoteSnapshotDamaged = "REMOTE_SNAPSHOT_DAMAGED"
	// RemoteNoCopy: nothing was pushed there (or its head is gone).
	RemoteNoCopy = "REMOTE_NO_COPY"
)

// Options controls a check.
type Options struct {
	// Rolling, above 0 and below 100, checks that share of the packed
	// documents, continuing where the last rolling check stopped.
	Rolling  float64
	Workers  int
	Progress progress.Func
	// Start is where a rolling check starts (State.LastCheck.Next).
	Start int
}

// Result is a check's report and what it covered.
type Result struct {
	Report   *report.Report
	Coverage *fixity.Coverage
	// Next is where the next rolling check starts.
	Next int
}

// Check checks the copy c holds against a's records.
func Check(ctx context.Context, a *archive.Archive, c *remote.Client, opt Options) (*Result, error) {
	id := a.Identity()
	if id == nil {
		return nil, archive.ErrPassphraseNeeded
	}
	rep := &report.Report{Subject: c.Loc.URL()}
	res := &Result{Report: rep, Coverage: &fixity.Coverage{}}
	h, bad, err := c.CheckStore(ctx, id.RemoteKey())
	switch {
	case err != nil && h == nil:
		rep.Add(report.Finding{Code: RemoteNoCopy, Message: err.Error()})
		rep.AddCheck("remote copy", false, err.Error())
		rep.Verdict = report.Corrupt
		return res, nil
	case err != nil:
		return nil, err
	}
	names := make([]string, 0, len(bad))
	for s := range bad {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		rep.Add(report.Finding{Code: RemoteSnapshotDamaged, Path: "snapshots/" + s, Message: "the store snapshot is " + bad[s].Error()})
	}
	rep.AddCheck("store snapshots", len(bad) == 0, fmt.Sprintf("%d of %d intact, log events %d", len(h.Snapshots)-len(bad), len(h.Snapshots), h.LogSize))

	packed, err := packedDocs(a)
	if err != nil {
		return nil, err
	}
	docs := packed
	if opt.Rolling > 0 && opt.Rolling < 100 && len(packed) > 0 {
		n := max(1, int(float64(len(packed))*opt.Rolling/100+0.5))
		start := opt.Start % len(packed)
		docs = nil
		for i := range n {
			docs = append(docs, packed[(start+i)%len(packed)])
		}
		res.Next = (start + n) % len(packed)
	}
	if len(docs) > 0 {
		view, err := a.ReadingPacksFrom(c.Packs(ctx), "remote copy "+c.Loc.URL())
		if err != nil {
			return nil, err
		}
		frep := fixity.Check(ctx, view, fixity.Options{Docs: docs, Workers: opt.Workers, Progress: opt.Progress, Coverage: res.Coverage})
		view.Close()
		for _, ch := range frep.Checks {
			if ch.Name != "store tables" {
				rep.AddCheck(ch.Name, ch.OK, ch.Detail)
			}
		}
		for _, f := range frep.Findings {
			rep.Add(f)
		}
		for _, f := range frep.Warnings {
			rep.Add(f)
		}
		rep.Verdict = frep.Verdict
	} else {
		rep.AddCheck("documents", true, "no document of 64 KiB or more: every document is in the snapshots")
		rep.Verdict = report.Intact
	}
	if len(bad) > 0 && rep.Verdict != report.Cancelled {
		rep.Verdict = report.Corrupt
	}
	rep.Sort()
	return res, nil
}

// packedDocs lists the documents whose bytes are in pack files, in ID
// order.
func packedDocs(a *archive.Archive) ([][32]byte, error) {
	var out [][32]byte
	err := a.Each(func(r *catalog.Record) error {
		if r.Packed {
			id, err := catalog.ParseID(r.ID)
			if err != nil {
				return err
			}
			out = append(out, id)
		}
		return nil
	}, func([32]byte, error) {})
	return out, err
}

// Record logs a check of remote name as a verify event (its what names
// the remote and the counts, its docs the damaged documents) and
// remembers it in the remote's record. The documents' own last-check
// times are left alone: they are the local copy's.
func Record(a *archive.Archive, name string, st *remote.State, res *Result) (int64, error) {
	rep, cov := res.Report, res.Coverage
	damaged := len(cov.Damaged)
	if damaged == 0 && rep.HasProblems() {
		damaged = len(rep.Findings) // a damaged snapshot names no document
	}
	what := fmt.Sprintf("remote %s %s: documents %d/%d, bytes %d/%d, damaged %d",
		name, st.URL(), cov.Docs, cov.TotalDocs, cov.Bytes, cov.TotalBytes, damaged)
	idx, err := a.RecordVerification(archive.Verification{What: what, Verdict: string(rep.Verdict), Damaged: cov.Damaged})
	if err != nil {
		return 0, err
	}
	st.LastCheck = &remote.CheckRecord{At: time.Now().UTC(), Verdict: string(rep.Verdict), Docs: cov.Docs, Damaged: damaged, Next: res.Next}
	return idx, remote.Save(a, name, st)
}
