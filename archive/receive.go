package archive

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	gosha256 "crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/heldstore"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	sha256 "github.com/minio/sha256-simd"
)

// ReceiveFile is one payload file of a verified bag to receive.
type ReceiveFile struct {
	Path string // in the bag, slash separated ("data/…")
	Name string // the name to record: the document's original relative path
	// SHA256 is the lowercase hex checksum the verified manifest gives.
	// Bytes that hash otherwise are refused.
	SHA256 string
	// Digests holds the manifests' other checksums (algorithm → lowercase
	// hex: md5, sha1, sha224, sha256, sha384, sha512), for bags made
	// without a SHA-256 manifest. A file copied from a zip is checked
	// against every one of them.
	Digests map[string]string
	Size    int64
	// Held, Parents and Kind: see bundleformat.IncomingFile.
	Held    []bundleformat.HeldChain
	Parents []string
	Kind    string
}

// checked reports whether the file has a checksum to hold its bytes to.
func (f *ReceiveFile) checked() bool {
	if f.SHA256 != "" {
		return true
	}
	for alg := range f.Digests {
		if digestAlgs[alg] != nil {
			return true
		}
	}
	return false
}

var digestAlgs = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": gosha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
}

// ReceiveOptions describe where a bag came from.
type ReceiveOptions struct {
	Bundle string // the bundle id (External-Identifier), or the bag's name
	// Origin and Checkpoint are the sender's log origin and signed
	// checkpoint. When empty (a bag without provenance) each document is
	// recorded with an ingest event instead of a receive event.
	Origin     string
	Checkpoint []byte
	Forced     bool   // received although verification found a problem
	Source     string // source label recorded with each name
	Note       string
	Progress   progress.Func
	// Held is the sender's proof material to keep (bundleformat.Incoming).
	Held   []bundleformat.HeldLog
	keeper *heldstore.Keeper
}

// Receive imports the payload of a bag that the caller has verified.
// bag is the bag's top folder; dir is its path on disk when it is a
// folder, "" when it is a zip. Folder bags are imported straight from
// dir; a zip's entries are streamed into the store, and only documents
// whose checksums match the manifest are committed (see receiveStreamed):
// no plaintext copy is written, in the archive or elsewhere. Each document is
// committed with a receive event naming the sender's origin and
// checkpoint (or an ingest event, for a bag without provenance), and
// recorded under its original name. A file that changed or appeared after
// verification stops the receive with an error; documents committed
// before it stay, each complete with its event.
func (a *Archive) Receive(ctx context.Context, bag fs.FS, dir string, files []ReceiveFile, opt ReceiveOptions) (*ImportResult, error) {
	if _, err := a.signer(); err != nil {
		return nil, err
	}
	if a.cfg.ReadOnly {
		return nil, errNoSigner
	}
	if len(files) == 0 {
		return nil, errors.New("the bag holds no payload files to receive")
	}
	if opt.Bundle == "" {
		return nil, errors.New("a received bag needs a bundle id or a name")
	}
	if (opt.Origin == "") != (len(opt.Checkpoint) == 0) {
		return nil, errors.New("the sender's origin and checkpoint go together")
	}
	for _, f := range files {
		if !f.checked() {
			return nil, errcode.New(errcode.ChecksumUnverified, f.Path+" has no verified checksum")
		}
	}
	opt.keeper = heldstore.NewKeeper(opt.Held)
	seen := &receivedBefore{a: a, opt: opt}
	res, err := a.receive(ctx, bag, dir, files, opt, seen)
	if res != nil {
		res.AlreadyReceived = seen.count(res)
	}
	return res, err
}

// receive is Receive once its arguments are checked.
func (a *Archive) receive(ctx context.Context, bag fs.FS, dir string, files []ReceiveFile, opt ReceiveOptions, seen *receivedBefore) (*ImportResult, error) {
	// A forced receive copies each file it was given and checks its
	// checksum as it copies, so that nothing else in the folder (a file no
	// manifest lists) and no changed bytes get in.
	if dir != "" && !opt.Forced {
		// The import lists the folder by its absolute path: so must
		// the paths it reports be matched against the verified list.
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		dir = abs
		byJob := map[string]*ReceiveFile{}
		for i := range files {
			byJob[files[i].Path] = &files[i]
		}
		if !opt.Forced {
			if err := onlyVerified(bag, byJob); err != nil {
				return nil, err
			}
		}
		res, err := a.Import(ctx, []string{filepath.Join(dir, "data")}, a.receiveOptions(opt, byJob, seen, opt.Progress))
		if res != nil {
			for i := range res.Files {
				if rel, err := filepath.Rel(dir, res.Files[i].Path); err == nil {
					res.Files[i].Path = filepath.ToSlash(rel)
				}
			}
		}
		if err != nil {
			return res, err
		}
		return res, allReceived(res, files, opt.Forced)
	}
	res, err := a.receiveStreamed(ctx, bag, files, opt, seen)
	if err != nil {
		return res, err
	}
	return res, allReceived(res, files, opt.Forced)
}

// onlyVerified refuses, before anything is imported, a folder whose
// data/ holds a file that is not one of the verified ones (it appeared
// after verification). The import's event hook checks again for files
// that appear or change while it runs.
func onlyVerified(bag fs.FS, byJob map[string]*ReceiveFile) error {
	return fs.WalkDir(bag, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && byJob[p] == nil {
			return fmt.Errorf("%s is not one of the verified files (was the bag changed after it was verified?); nothing was received", p)
		}
		return nil
	})
}

// allReceived reports an error naming the verified files that were not
// imported (they could not be read, or vanished after verification),
// unless the receive was forced: then they are listed as skipped only.
func allReceived(res *ImportResult, files []ReceiveFile, forced bool) error {
	got := map[string]bool{}
	for _, f := range res.Files {
		got[f.Path] = true
	}
	var missing []string
	for _, f := range files {
		if !got[f.Path] {
			missing = append(missing, f.Path)
		}
	}
	if len(missing) == 0 || forced {
		return nil
	}
	n, more := len(missing), ""
	if n > 3 {
		more = fmt.Sprintf(" and %d more", len(missing)-3)
		missing = missing[:3]
	}
	return fmt.Errorf("%d of the verified files were not received (%s%s); the other %d were, each with its event, "+
		"and the sender's checkpoint was not remembered: receive the bundle again to finish (what arrived is not recorded twice)",
		n, strings.Join(missing, ", "), more, len(files)-n)
}

// receiveOptions builds the import options whose event hook checks each
// document against the verified list and records where it came from,
// unless it was already received from this bundle: then it records
// nothing, so that a retry never duplicates events.
func (a *Archive) receiveOptions(opt ReceiveOptions, byJob map[string]*ReceiveFile, seen *receivedBefore, fn progress.Func) ImportOptions {
	imp := ImportOptions{Source: opt.Source, Note: opt.Note, Progress: fn, repairFrom: "bundle " + strconv.Quote(opt.Bundle)}
	imp.event = func(rec *catalog.Record, name catalog.Name, isNew bool) (*provenance.Event, error) {
		job := name.Bytes()
		f := byJob[job]
		switch {
		case f == nil && !opt.Forced:
			return nil, fmt.Errorf("%s is not one of the verified files (was the bag changed while it was received?)", job)
		case f == nil:
			f = &ReceiveFile{Path: job, Name: trimData(job)}
		case f.SHA256 != "" && f.SHA256 != rec.ID:
			return nil, fmt.Errorf("%s changed after it was verified: its SHA-256 is now %s, the manifest says %s", f.Path, rec.ID, f.SHA256)
		}
		if !isNew {
			again, err := seen.check(rec, f)
			if err != nil {
				return nil, fmt.Errorf("could not read the log of %s: %w", f.Path, err)
			}
			if again {
				renameReceived(rec, name, f.Name)
				return nil, nil
			}
		}
		renameReceived(rec, name, f.Name)
		if opt.Origin == "" {
			return &provenance.Event{Type: provenance.Ingest, Doc: rec.ID, Size: rec.Size, Name: path.Base(catalog.EscapeInvalid(f.Name)), Path: catalog.EscapeInvalid(f.Name),
				Source: opt.Source, Note: opt.Note}, nil
		}
		return &provenance.Event{Type: provenance.Receive, Bundle: opt.Bundle, Origin: opt.Origin, Checkpoint: string(opt.Checkpoint),
			Docs: []string{rec.ID}, Names: []string{catalog.EscapeInvalid(f.Name)}, Forced: opt.Forced, Note: opt.Note}, nil
	}
	imp.afterEvent = keepHeld(opt, byJob)
	return imp
}

// renameReceived replaces the name the import recorded (a path in the bag
// or in tmp/) by the document's original name.
func renameReceived(rec *catalog.Record, got catalog.Name, want string) {
	rec.Names = slices.DeleteFunc(rec.Names, func(n catalog.Name) bool {
		return n.Bytes() == got.Bytes() && n.Time.Equal(got.Time)
	})
	if !rec.HasName(want) {
		rec.Names = append(rec.Names, catalog.NewName(want, got.Source, got.Note, got.Time))
	}
}

func trimData(p string) string {
	if len(p) > 5 && p[:5] == "data/" {
		return p[5:]
	}
	return p
}

// receiveStreamed imports a zipped bag's files straight from the zip: each
// entry is read once, hashed and stored as it streams (no copy of it is
// written anywhere), its manifest checksums checked as it is read (the
// SHA-256 as soon as it is known, the others and the zip's CRC at its
// end), and a document is committed only when they all match.
func (a *Archive) receiveStreamed(ctx context.Context, bag fs.FS, files []ReceiveFile, opt ReceiveOptions, seen *receivedBefore) (*ImportResult, error) {
	byJob := map[string]*ReceiveFile{}
	jobs := make([]job, 0, len(files))
	for i := range files {
		f := &files[i]
		byJob[f.Path] = f
		jobs = append(jobs, job{path: f.Path, name: f.Path, size: f.Size,
			open: func() (io.ReadCloser, error) { return openChecked(bag, f) }})
	}
	imp := a.receiveOptions(opt, byJob, seen, opt.Progress)
	imp.jobs = jobs
	imp.skipMismatch = opt.Forced
	imp.expect = func(j job, id [32]byte) error {
		f := byJob[j.name]
		if got := hex.EncodeToString(id[:]); f != nil && f.SHA256 != "" && got != f.SHA256 {
			return mismatch("%s changed after it was verified: its SHA-256 is now %s, the manifest says %s", f.Path, got, f.SHA256)
		}
		return nil
	}
	return a.Import(ctx, nil, imp)
}

// openChecked opens one file of the bag for reading, checking the
// manifests' other checksums at its end: a reader that finds them wrong
// returns a *mismatchError instead of io.EOF, and so does one that cannot
// read the entry whole (the zip's own CRC is checked at its end too).
func openChecked(bag fs.FS, f *ReceiveFile) (io.ReadCloser, error) {
	src, err := bag.Open(f.Path)
	if err != nil {
		return nil, mismatch("cannot read %s: %v", f.Path, err)
	}
	c := &checkedReader{src: src, f: f, hashes: map[string]hash.Hash{}}
	for alg, want := range f.Digests {
		if mk := digestAlgs[alg]; mk != nil && alg != "sha256" && want != "" {
			c.hashes[alg] = mk()
		}
	}
	return c, nil
}

type checkedReader struct {
	src    fs.File
	f      *ReceiveFile
	hashes map[string]hash.Hash
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.src.Read(p)
	for _, h := range c.hashes {
		h.Write(p[:n])
	}
	switch {
	case err == io.EOF:
		for alg, h := range c.hashes {
			if got := hex.EncodeToString(h.Sum(nil)); got != c.f.Digests[alg] {
				return n, mismatch("%s changed after it was verified: its %s is now %s, the manifest says %s", c.f.Path, alg, got, c.f.Digests[alg])
			}
		}
	case err != nil:
		return n, mismatch("cannot read %s: %v", c.f.Path, err)
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.src.Close() }

// ReceiveBundle receives a bundle that its checker verified and admitted
// (verify/bundle's Admit describes it as in): Receive imports its payload
// from bag (dir is its folder on disk, "" for a zip), recording where each
// document came from, and then, unless it was received forced, the
// sender's checkpoint becomes the one remembered for its origin (never
// lowering it). remembered reports whether it did.
func (a *Archive) ReceiveBundle(ctx context.Context, bag fs.FS, dir string, in *bundleformat.Incoming, fn progress.Func) (res *ImportResult, remembered bool, err error) {
	files := make([]ReceiveFile, len(in.Files))
	for i, f := range in.Files {
		files[i] = ReceiveFile{Path: f.Path, Name: f.Name, SHA256: f.SHA256, Digests: f.Digests, Size: f.Size,
			Held: f.Held, Parents: f.Parents, Kind: f.Kind}
	}
	opt := ReceiveOptions{Bundle: in.Bundle, Origin: in.Origin, Checkpoint: in.Checkpoint, Forced: in.Forced,
		Source: in.Source, Note: in.Note, Progress: fn, Held: in.Held}
	if len(files) == 0 && len(in.Unchecked) > 0 {
		return &ImportResult{Skipped: unchecked(in)}, false, errcode.New(errcode.ChecksumUnverified,
			fmt.Sprintf("none of the %d payload files is listed in a manifest with a matching checksum; nothing was received", len(in.Unchecked)))
	}
	res, err = a.Receive(ctx, bag, dir, files, opt)
	if res != nil {
		res.Skipped = append(res.Skipped, unchecked(in)...)
	}
	if err != nil || in.Remember == nil || in.Forced {
		return res, false, err
	}
	remembered, err = a.RememberCheckpoint(in.Remember)
	if err != nil {
		return res, false, fmt.Errorf("the documents were received, but the sender's checkpoint could not be remembered: %w", err)
	}
	return res, remembered, nil
}

// unchecked lists the files a forced receive left out, as skipped.
func unchecked(in *bundleformat.Incoming) []Skipped {
	var out []Skipped
	for _, u := range in.Unchecked {
		out = append(out, Skipped{u.Path, u.Reason})
	}
	return out
}
