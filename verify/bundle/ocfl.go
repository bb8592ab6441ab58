package bundle

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/verify/ocfl"
	"github.com/custody-app/custody/verify/report"
)

// What a bundle check was given, as Result.Kind says it.
const (
	KindBag        = "BagIt bag"
	KindBundle     = "Custody bundle"
	KindOCFLObject = "OCFL object"
	KindOCFLRoot   = "OCFL storage root"
)

// CheckKind is the check that says what was given.
const CheckKind = "what was given"

// ocflProvenance is where an OCFL bundle keeps what a bag keeps under
// custody/ (archive/bundlewriter's OCFLExtension).
const ocflProvenance = "extensions/custody-provenance"

// sayKind records what was given as the report's first check.
func sayKind(rep *report.Report, kind, detail string) {
	c := report.Check{Name: CheckKind, OK: true, Detail: kind}
	if detail != "" {
		c.Detail += ": " + detail
	}
	rep.Checks = append([]report.Check{c}, rep.Checks...)
}

// verifyOCFL validates an OCFL object or storage root. An object written
// by Custody (its provenance files in extensions/custody-provenance) has
// its provenance checked as a bag bundle's is, against the files of its
// head version.
func verifyOCFL(ctx context.Context, fsys fs.FS, kind ocfl.Kind, opt Options) *Result {
	oopt := ocfl.Options{Workers: opt.Workers, Subject: opt.Subject, Progress: opt.Progress}
	if kind == ocfl.RootKind {
		root, rep := ocfl.ValidateRoot(ctx, fsys, oopt)
		sayKind(rep, KindOCFLRoot, fmt.Sprintf("OCFL %s, %s", orUnknown(root.Spec), plural(len(root.Objects), "object")))
		if rep.Verdict == report.NoProvenance {
			rep.AddCheck(CheckProvenance, false, "none: a storage root's objects are checked against their inventories only")
		}
		return &Result{Report: rep, Kind: KindOCFLRoot}
	}
	start := time.Now()
	// The proofs need only the provenance files: check them while the
	// content is hashed, into a report of their own merged below.
	res := &Result{Kind: KindOCFLObject}
	var early *prover
	proofsDone := make(chan struct{})
	if fi, err := fs.Stat(fsys, ocflProvenance); err == nil && fi.IsDir() {
		early = newProver(ctx, provenanceFS{fsys}, opt, res)
		early.rep = &report.Report{}
		go func() {
			defer close(proofsDone)
			early.checkProofs()
		}()
	} else {
		close(proofsDone)
	}
	obj, rep := ocfl.ValidateObject(ctx, fsys, oopt)
	<-proofsDone
	res.Report, res.BundleID = rep, strings.TrimPrefix(obj.ID, "urn:uuid:")
	for _, f := range obj.Files {
		// The provenance files name the documents by their bag paths.
		res.Files = append(res.Files, File{Path: "data/" + f.Logical, Doc: f.SHA256, Name: f.Logical, Size: f.Size, Verified: f.Verified})
	}
	sayKind(rep, KindOCFLObject, fmt.Sprintf("OCFL %s, id %s, head %s", orUnknown(obj.Spec), obj.ID, obj.Head))
	if early == nil || rep.Verdict == report.Cancelled {
		if rep.Verdict == report.NoProvenance {
			rep.AddCheck(CheckProvenance, false, "none: this OCFL object has no "+ocflProvenance+" folder, so nothing says where its files came from or who sent them")
		}
		return res
	}
	res.Provenance = true
	p := early
	for _, f := range append(p.rep.Findings, p.rep.Warnings...) {
		rep.Add(f)
	}
	p.rep = rep
	p.checkRest()
	rep.Sort()
	rep.Verdict = p.verdict(rep.Verdict)
	for i, f := range obj.Files {
		res.Files[i].Path = f.Content // shown where the bytes are
	}
	if opt.Progress != nil {
		opt.Progress(progress.Progress{Done: true, Elapsed: time.Since(start)})
	}
	return res
}

func orUnknown(s string) string {
	if s == "" {
		return "(version unknown)"
	}
	return s
}

// provenanceFS shows an OCFL bundle's provenance folder as custody/, the
// name the provenance check reads.
type provenanceFS struct{ fsys fs.FS }

func (p provenanceFS) Open(name string) (fs.File, error) {
	if name == "custody" || strings.HasPrefix(name, "custody/") {
		return p.fsys.Open(path.Join(ocflProvenance, strings.TrimPrefix(name, "custody")))
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
