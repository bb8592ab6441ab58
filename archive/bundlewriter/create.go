package bundlewriter

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/bundleformat"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/diskspace"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
)

// Options controls Create.
type Options struct {
	// Out is the bundle to write: a folder, or a file whose name ends in
	// ".zip". It must not exist yet.
	Out string
	// Docs are the documents to bundle.
	Docs [][32]byte
	// WithAncestors adds the documents that derived ones were made from
	// (recursively), when the archive holds them, with their records.
	// Without it a redaction's original goes only as "a document recorded
	// at index N at time T": no bytes, ID, names, source or note.
	WithAncestors bool
	// Disclose chooses what goes beyond each document's ID, size and
	// names: sources, notes, tags (none by default).
	Disclose provenance.Choices
	// SHA512 adds manifest-sha512.txt and tagmanifest-sha512.txt.
	SHA512 bool
	// Note is recorded in the export event.
	Note string
	// VerifierPage, when set, is written as custody/verify.html: the
	// browser verifier, a tag file the tag manifests list.
	VerifierPage []byte
	// Progress, if set, receives snapshots while payload is written.
	Progress progress.Func
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// Format is "" for a BagIt bag, or FormatOCFL for an OCFL 1.1 object
	// (a folder only; see ocfl.go).
	Format string
}

// Result describes a written bundle.
type Result struct {
	ID             string  `json:"id"`
	Path           string  `json:"path"`
	Zip            bool    `json:"zip"`
	Files          []File  `json:"files"`
	Bytes          int64   `json:"bytes"`
	Events         int     `json:"events"`
	CheckpointSize int64   `json:"checkpoint_size"`
	ConsistentFrom []int64 `json:"consistent_from"`
	// Hops is the number of upstream logs the bundle carries
	// (custody/hops/N): those of the documents received from others.
	Hops int `json:"hops"`
	// Timestamps is the number of RFC 3161 tokens over the checkpoint
	// the bundle carries (custody/timestamps/N.tsr).
	Timestamps int `json:"timestamps"`
	// Unstamped lists the configured TSAs that did not answer in time:
	// the bundle goes without their token.
	Unstamped []string `json:"unstamped,omitempty"`
}

// File is one payload file of a bundle.
type File struct {
	Path string `json:"path"` // in the bag, "data/…"
	Doc  string `json:"doc"`
	Name string `json:"name"` // the document's original name (\xNN for bytes that are not UTF-8)
	Size int64  `json:"size"`
}

// Create writes a bundle of the chosen documents with their provenance
// and records an export event. The archive must be open for writing. On
// any error, nothing is left under opt.Out.
func Create(ctx context.Context, a *archive.Archive, opt Options) (_ *Result, err error) {
	if !a.Writable() {
		return nil, errors.New("writing a bundle records it in the log, so the archive must be opened with its passphrase")
	}
	if opt.Out == "" {
		return nil, errors.New("name the bundle to write (a folder, or a file ending in .zip)")
	}
	switch {
	case opt.Format == FormatOCFL && IsZip(opt.Out):
		return nil, errors.New("an OCFL object is written as a folder; give --out a folder name, not a .zip")
	case opt.Format == FormatOCFL:
		opt.SHA512 = true // the inventory's manifest
	case opt.Format != "":
		return nil, fmt.Errorf("unknown bundle format %q (bagit or ocfl)", opt.Format)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	recs, err := selectRecords(a, opt.Docs, opt.WithAncestors)
	if err != nil {
		return nil, err
	}
	cp, err := a.CurrentCheckpoint()
	if err != nil {
		return nil, fmt.Errorf("could not sign a checkpoint for the bundle: %w", err)
	}
	if cp == nil {
		return nil, errors.New("the archive's log is empty; there is nothing to prove")
	}
	events, err := chainEvents(a, recs, cp, opt)
	if err != nil {
		return nil, err
	}
	stamps, unstamped, err := stampsFor(ctx, a, cp.Size)
	if err != nil {
		return nil, err
	}
	shown := map[string]bool{}
	for _, r := range recs {
		shown[r.ID] = true
	}
	hops, err := hopLogs(a, recs, opt.Disclose, func(id string) bool { return shown[id] })
	if err != nil {
		return nil, err
	}
	from, err := consistencySizes(a, cp.Size)
	if err != nil {
		return nil, err
	}
	paths := assignPaths(recs)
	res := &Result{ID: newID(), Path: opt.Out, Zip: IsZip(opt.Out), Events: len(events), CheckpointSize: cp.Size, ConsistentFrom: from, Hops: len(hops),
		Timestamps: len(stamps), Unstamped: unstamped}
	for i, r := range recs {
		res.Files = append(res.Files, File{Path: paths[i], Doc: r.ID, Name: r.FirstName(), Size: r.Size})
		res.Bytes += r.Size
	}
	made, err := makeParents(filepath.Dir(opt.Out))
	if err != nil {
		return nil, fmt.Errorf("cannot create the folder for the bundle: %w", err)
	}
	defer func() {
		if err != nil {
			removeMade(filepath.Dir(opt.Out), made)
		}
	}()
	if err := diskspace.Require(filepath.Dir(opt.Out), uint64(res.Bytes)+tagEstimate(len(events), cp.Size)+hopsEstimate(hops)+uint64(len(opt.VerifierPage))); err != nil {
		return nil, fmt.Errorf("not enough room for the bundle: %w", err)
	}
	t := now()
	s, err := newSink(opt.Out, t)
	if err != nil {
		return nil, err
	}
	if opt.Format == FormatOCFL {
		s = wrapOCFL(s)
	}
	ctx, stopWatch := watchUnlock(ctx, a)
	defer stopWatch()
	w := &bagWriter{s: s, sha512: opt.SHA512, page: opt.VerifierPage, stamps: stamps}
	err = w.write(ctx, a, recs, paths, events, hops, from, cp, res, t, opt.Progress)
	if err == nil && opt.Format == FormatOCFL {
		err = w.writeOCFL(a, res, t)
	}
	if err == nil {
		err = s.finish()
	}
	if err == nil {
		// A passphrase checked in the background must be right before
		// the bundle appears: it could not be recorded otherwise.
		err = a.Unlocked()
	}
	if err == nil {
		err = s.commit()
	} else {
		s.abort()
	}
	if err != nil {
		return nil, err
	}
	docs := make([][32]byte, len(recs))
	for i, r := range recs {
		docs[i] = r.Sum()
	}
	if err := a.RecordExport(res.ID, docs, cp.Size, opt.Note); err != nil {
		os.RemoveAll(opt.Out)
		return nil, fmt.Errorf("the bundle was written but could not be recorded in the log, so it was removed: %w", err)
	}
	return res, nil
}

// watchUnlock returns a context that is cancelled, with the error, as soon
// as a passphrase checked in the background turns out wrong, so that a
// large bundle is not copied for nothing. Call stop before returning: it
// waits for the check, which uses the archive.
func watchUnlock(ctx context.Context, a *archive.Archive) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Unlocked(); err != nil {
			cancel(err)
		}
	}()
	return ctx, func() { <-done; cancel(nil) }
}

// write writes every file of the bundle into w's sink.
func (w *bagWriter) write(ctx context.Context, a *archive.Archive, recs []*catalog.Record, paths []string,
	events []provenance.ProvenEvent, hops []bundleformat.HeldLog, from []int64, cp *provenance.Checkpoint, res *Result, t time.Time, fn progress.Func) error {
	if err := w.tag("bagit.txt", func(out io.Writer) error { _, err := io.WriteString(out, bundleformat.BagitTxt); return err }); err != nil {
		return err
	}
	ctr := progress.NewCounter()
	ctr.SetTotals(int64(len(recs)), res.Bytes)
	stop := ctr.Report(ctx, fn)
	defer stop()
	if err := w.payloads(ctx, a, recs, paths, ctr); err != nil {
		return err
	}
	stop()
	steps := []tagStep{
		{bundleformat.FileNames, func(out io.Writer) error { return writeNames(out, recs, paths) }},
		{"manifest-sha256.txt", func(out io.Writer) error { return w.manifest(out, "sha256") }},
		{"manifest-sha512.txt", func(out io.Writer) error { return w.manifest(out, "sha512") }},
		{"bag-info.txt", func(out io.Writer) error { return writeBagInfo(out, a, res, t) }},
		{bundleformat.FileCheckpoint, func(out io.Writer) error { _, err := out.Write(cp.Note); return err }},
		{bundleformat.FileKeys, func(out io.Writer) error { _, err := io.WriteString(out, a.Public().VerifierKey+"\n"); return err }},
		{bundleformat.FileProofs, func(out io.Writer) error { return writeProofs(ctx, out, a, events, cp) }},
		{bundleformat.FileEvents, func(out io.Writer) error { return writeEvents(ctx, out, events) }},
		{bundleformat.FileConsistency, func(out io.Writer) error { return writeConsistency(out, a, from, cp) }},
	}
	if cosigs, err := a.Cosignatures(cp); err != nil {
		return err
	} else if len(cosigs) > 0 {
		steps = append(steps, tagStep{bundleformat.FileCosignatures, func(out io.Writer) error { _, err := out.Write(cosigs); return err }})
	}
	steps = append(steps, hopSteps(ctx, hops)...)
	dk, err := dkimKeysStep(a, events)
	if err != nil {
		return err
	}
	steps = append(steps, dk...)
	for i, tok := range w.stamps {
		steps = append(steps, tagStep{bundleformat.TimestampFile(i + 1), func(out io.Writer) error { _, err := out.Write(tok); return err }})
	}
	if page := w.page; page != nil {
		steps = append(steps, tagStep{bundleformat.FileVerifierPage, func(out io.Writer) error { _, err := out.Write(page); return err }})
	}
	for _, st := range steps {
		if st.name == "manifest-sha512.txt" && !w.sha512 {
			continue
		}
		if err := w.tag(st.name, st.fn); err != nil {
			return fmt.Errorf("writing %s: %w", st.name, err)
		}
	}
	return w.tagManifests()
}

// tagStep is one tag file to write, by its writer.
type tagStep struct {
	name string
	fn   func(io.Writer) error
}

// hopsEstimate is the room the hops' tag files need, generously.
func hopsEstimate(hops []bundleformat.HeldLog) uint64 {
	var n uint64
	for _, l := range hops {
		n += uint64(len(l.Checkpoint)+len(l.Key)) + 1024
		for _, e := range l.Events {
			n += 2*uint64(len(e.Event)) + 48*uint64(len(e.Proof)) + 1024
			for _, o := range e.Open {
				n += uint64(len(o.Value)) + 128
			}
		}
	}
	return n
}

// scanOver is the number of documents above which selectRecords reads
// the whole catalog instead of looking each record up.
const scanOver = 256

// selectRecords returns the records of ids (and, with ancestors, of the
// documents they derive from), each once, sorted by name then ID so that
// the bundle's layout does not depend on the order given.
func selectRecords(a *archive.Archive, ids [][32]byte, ancestors bool) ([]*catalog.Record, error) {
	if len(ids) == 0 {
		return nil, errors.New("choose at least one document for the bundle")
	}
	seen := map[[32]byte]bool{}
	asked := map[[32]byte]bool{}
	for _, id := range ids {
		asked[id] = true
	}
	// For many documents one pass over the catalog reads their records
	// sooner than a lookup each (3,800 lookups: a tenth of a bundle's
	// CPU besides the payload). A record the pass could not decode is
	// looked up again below, which reports why.
	read := map[[32]byte]*catalog.Record{}
	if len(ids) > scanOver {
		err := a.Each(func(r *catalog.Record) error {
			if asked[r.Sum()] {
				read[r.Sum()] = r
			}
			return nil
		}, func([32]byte, error) {})
		if err != nil {
			return nil, err
		}
	}
	var out []*catalog.Record
	queue := slices.Clone(ids)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		r := read[id]
		var err error
		if r == nil {
			r, err = a.Record(id)
		}
		if err != nil {
			if !asked[id] && errors.Is(err, catalog.ErrNotFound) {
				continue // an ancestor the archive does not hold: its events still go
			}
			return nil, err
		}
		out = append(out, r)
		if ancestors {
			for _, p := range r.Parents {
				if pid, err := catalog.ParseID(p); err == nil {
					queue = append(queue, pid)
				}
			}
		}
	}
	slices.SortFunc(out, func(x, y *catalog.Record) int {
		if c := compareStrings(x.FirstName(), y.FirstName()); c != 0 {
			return c
		}
		return compareStrings(x.ID, y.ID)
	})
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// chainEvents returns, sorted, the indexes of the events of every
// record's provenance chain that the checkpoint covers, and checks that
// the bundle stays within the limits a reader applies.
func chainEvents(a *archive.Archive, recs []*catalog.Record, cp *provenance.Checkpoint, opt Options) ([]provenance.ProvenEvent, error) {
	docs := make([][32]byte, len(recs))
	for i, r := range recs {
		docs[i] = r.Sum()
	}
	sel, err := logstore.Select(a.DB(), docs, opt.WithAncestors)
	if err != nil {
		return nil, fmt.Errorf("reading the documents' provenance: %w", err)
	}
	// Only the documents that go are shown; with ancestors, those are
	// the ones the archive holds.
	shown := map[string]bool{}
	for _, r := range recs {
		shown[r.ID] = true
	}
	idx := slices.DeleteFunc(sel.Events, func(i int64) bool { return i >= cp.Size })
	out, err := discloseEvents(a, idx, opt.Disclose, func(id string) bool { return shown[id] })
	if err != nil {
		return nil, fmt.Errorf("reading the documents' provenance: %w", err)
	}
	if len(out) > bundleformat.MaxEvents {
		return nil, fmt.Errorf("these documents have more than %d provenance events, more than one bundle may carry; bundle fewer documents at a time", bundleformat.MaxEvents)
	}
	if proofsEstimate(len(out), cp.Size) > bundleformat.MaxProofsFile {
		return nil, fmt.Errorf("the proofs of %d events would exceed the %d MiB a reader accepts; bundle fewer documents at a time", len(out), bundleformat.MaxProofsFile>>20)
	}
	return out, nil
}

// proofsEstimate bounds the size of proofs.json: each proof has about
// log2(size) hashes of 47 bytes as written.
func proofsEstimate(events int, size int64) uint64 {
	return uint64(events) * uint64(bits.Len64(uint64(size))+1) * 48
}

// tagEstimate is the room the tag files need, generously: the proofs,
// about a kilobyte per event and per document, and a megabyte besides.
func tagEstimate(events int, size int64) uint64 {
	return proofsEstimate(events, size) + uint64(events)*1024 + 1<<20
}

// consistencySizes returns the sizes of the checkpoints exported before,
// smaller than size, that the new checkpoint must be shown to extend.
func consistencySizes(a *archive.Archive, size int64) ([]int64, error) {
	all, err := a.ExportedSizes()
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, s := range all {
		if s >= 1 && s < size {
			out = append(out, s)
		}
	}
	return out, nil
}

// makeParents makes dir and its missing parents, and returns the topmost
// folder it made ("" when dir existed), so that a bundle that fails
// leaves no folder behind either.
func makeParents(dir string) (string, error) {
	dir = filepath.Clean(dir)
	made := ""
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		made = d
		if filepath.Dir(d) == d {
			break
		}
	}
	return made, os.MkdirAll(dir, 0o755)
}

// removeMade removes the folders from dir up to made, as far as they are
// empty.
func removeMade(dir, made string) {
	if made == "" {
		return
	}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if os.Remove(d) != nil || d == made || filepath.Dir(d) == d {
			return
		}
	}
}

// newID returns a random bundle id in the UUID version 4 form.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
