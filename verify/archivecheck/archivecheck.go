// Package archivecheck is the whole-archive check behind "custody verify"
// and the window's Verify archive: the fixity of every byte (verify/fixity)
// and the integrity of the provenance log (verify/logcheck), in one report
// with one verdict.
//
// The verdict keeps the two kinds of failure apart: CORRUPT when stored
// bytes are wrong (bit rot, a damaged disk), TAMPERED when the log's
// history disagrees with itself or its signed checkpoints (an edit, a
// deletion, a rollback) while the store's own checksums pass. When they
// fail, the log's findings are storage damage too: CORRUPT. Both exit 1;
// "could not read" exits 2.
package archivecheck

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/fixity"
	"github.com/custody-app/custody/verify/logcheck"
	"github.com/custody-app/custody/verify/report"
	"golang.org/x/mod/sumdb/note"
)

// Options controls a check.
type Options struct {
	Workers  int
	Progress progress.Func
	// Docs, Rolling and Last narrow the fixity check (see fixity.Options);
	// the log is checked whole except when Docs are named. Coverage, when
	// set, is filled with what the fixity check covered.
	Docs     [][32]byte
	Rolling  float64
	Last     map[[32]byte]archive.LastCheck
	Coverage *fixity.Coverage
}

// Check verifies the archive's bytes and its log. The two checks run at
// the same time: the log check is one goroutine's work, and overlapping it
// with the fixity workers keeps every core busy.
func Check(ctx context.Context, a *archive.Archive, opt Options) *report.Report {
	logRep := &report.Report{}
	logErr := make(chan error, 1)
	if len(opt.Docs) > 0 {
		logErr <- nil
	} else {
		go func() { logErr <- checkLog(ctx, a, logRep) }()
	}
	rep := fixity.Check(ctx, a, fixity.Options{Workers: opt.Workers, Progress: opt.Progress,
		Docs: opt.Docs, Rolling: opt.Rolling, Last: opt.Last, Coverage: opt.Coverage})
	if err := <-logErr; rep.Verdict == report.Cancelled || err != nil && ctx.Err() != nil {
		rep.Verdict = report.Cancelled
		return rep
	}
	fixityProblems := rep.HasProblems()
	logProblems := logRep.HasProblems()
	storeDamaged := storageDamage(rep) || storageDamage(logRep)
	for _, c := range logRep.Checks {
		rep.AddCheck(c.Name, c.OK, c.Detail)
	}
	for _, f := range append(logRep.Findings, logRep.Warnings...) {
		rep.Add(f)
	}
	rep.Sort()
	switch {
	case logProblems && !storeDamaged:
		rep.Verdict = report.Tampered
	case fixityProblems, logProblems:
		rep.Verdict = report.Corrupt
	case rep.HasIOErrors():
		rep.Verdict = report.Unreadable
	default:
		rep.Verdict = report.Intact
	}
	return rep
}

// storageDamage reports whether the store's own checksums failed (a
// table's or a block's): the disk changed bytes. Whoever edits a store on
// purpose writes checksums that pass, so the log's findings are then
// storage damage (CORRUPT), not tampering: TAMPERED is kept for data
// whose checksums pass but whose hashes or signatures do not.
func storageDamage(rep *report.Report) bool {
	for _, f := range append(append([]report.Finding(nil), rep.Findings...), rep.Warnings...) {
		if f.Code == fixity.StoreTableCorrupt || strings.Contains(strings.ToLower(f.Message), "checksum") &&
			(f.Code == fixity.StoreLogError || f.Code == fixity.ReadError || f.Code == logcheck.ReadError) {
			return true
		}
	}
	return false
}

// checkLog checks the provenance log into rep.
func checkLog(ctx context.Context, a *archive.Archive, rep *report.Report) error {
	pub := a.Public()
	v, err := note.NewVerifier(pub.VerifierKey)
	if err != nil {
		rep.Add(report.Finding{Code: "IDENTITY_DAMAGED", Message: "the archive's own verifier key cannot be read: " + err.Error()})
	}
	// The documents the log is held against, read once by key (decoding
	// every record again per event dominated the check of large logs).
	// A sorted list, searched by halving: a map of a million IDs took
	// ~100 MB, the list takes 32.
	var ids [][32]byte // in key order, for a stable report
	if err := a.EachID(func(id [32]byte) error {
		ids = append(ids, id)
		return nil
	}); err != nil {
		rep.Add(report.Finding{Code: fixity.ReadError, Severity: report.IOError, Message: "could not list the documents: " + err.Error()})
	}
	held := ids
	if !slices.IsSortedFunc(held, compareIDs) {
		held = slices.Clone(ids)
		slices.SortFunc(held, compareIDs)
	}
	lo := logcheck.Options{
		Verifier: v,
		Origin:   pub.Origin,
		DocExists: func(doc [32]byte) (bool, error) {
			_, found := slices.BinarySearchFunc(held, doc, compareIDs)
			return found, nil
		},
		ListDocs: func(fn func([32]byte) error) error {
			for _, id := range ids {
				if err := fn(id); err != nil {
					return err
				}
			}
			return nil
		},
	}
	return logcheck.Check(ctx, a.DB(), lo, rep)
}

func compareIDs(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) }

// Summary is one line for people: the verdict and what it covers.
func Summary(rep *report.Report) string {
	return fmt.Sprintf("%s: %d problem(s), %d warning(s)", rep.Verdict, len(rep.Findings), len(rep.Warnings))
}
