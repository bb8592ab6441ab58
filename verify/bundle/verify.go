// Package bundle verifies a bundle: any BagIt bag, a folder or a zip, and
// when it holds Custody's custody/ tag files, the provenance of every
// document in it.
//
// # Two layers
//
// The first layer is verify/bag's full RFC 8493 validation: structure,
// manifests, every payload byte. A valid bag without custody/ files is
// NO PROVENANCE: its payload is intact, but nothing says where it came
// from. The second layer (see docs/bundle-format.md) reads custody/ and
// checks that every payload file is a document whose provenance events
// are in the sender's log (each event's exact bytes proven included in
// the signed checkpoint), that every derivation's parents are accounted
// for, and that the checkpoint is validly signed by the key the bundle
// carries.
//
// # Trust and history
//
// The bundle's own key never makes it trusted. Given the receiving
// archive, the signer is looked up in its trust store (INTACT when found,
// INTACT, SIGNER UNKNOWN otherwise, with the key's fingerprint to confirm
// with the sender), and the checkpoint is compared with the newest one
// remembered from the same origin: it must be the same tree, extend it by
// a consistency proof the bundle carries, or (an older bundle) be a proven
// prefix of it. Anything else is FORKED, with both signed checkpoints and
// the failing proof as evidence a third party can check. Without an
// archive there is no trust store and no memory, and the report says so.
//
// Verifying only reads. Receiving a bundle (importing its documents and
// remembering its checkpoint) is the archive's (archive.ReceiveBundle),
// given the Incoming description that Admit makes of a verified bundle.
//
// Every problem is listed, not only the first, each with a stable code
// (codes.go), the file or event concerned, and what was expected and
// found.
package bundle

import (
	"context"
	"crypto/x509"
	"github.com/custody-app/custody/archive/cosign"
	"io/fs"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/ocfl"
	"github.com/custody-app/custody/verify/report"
	tlog "golang.org/x/mod/sumdb/tlog"
)

// Knowledge is what the verifier's own archive knows that a bundle check
// consults, read only: the keys it trusts, its own key and log, and the
// newest checkpoint it remembers from each origin. *archive.Archive
// provides it; the checker needs nothing else of the archive, so a
// recipient's check links no store.
type Knowledge interface {
	// TrustList returns the trusted keys.
	TrustList() ([]keys.Trusted, error)
	// Public returns the archive's own key, nil when it has none.
	Public() *keys.Public
	// SeenCheckpoint returns the newest checkpoint remembered from
	// origin, nil when none was ever accepted from it.
	SeenCheckpoint(origin string) (*provenance.Seen, error)
	// LogSize, LatestCheckpoint, LogTreeHash and LogConsistencyProof
	// read the archive's own log, to check a bundle it made itself.
	LogSize() (int64, error)
	LatestCheckpoint() (*provenance.Checkpoint, error)
	LogTreeHash(n int64) (tlog.Hash, error)
	LogConsistencyProof(from, to int64) (tlog.TreeProof, error)
}

// Options tune Verify. The zero value verifies without an archive.
type Options struct {
	// Archive is what the receiving archive knows: its trust store and
	// remembered checkpoints are consulted (read only). Nil verifies the
	// bundle alone.
	Archive Knowledge
	// Keys are keys the person checking trusts for this check only (a
	// recipient without an archive names the key they expect: custody
	// bundle verify --key). They count as the trust store's keys do; see
	// GivenKeys.
	Keys []keys.Trusted
	// Workers is how many files are hashed at once; 0 means one per CPU.
	Workers int
	// Progress, if set, receives snapshots while files are hashed.
	Progress progress.Func
	// Subject names the bundle in the report.
	Subject string
	// Witnesses are witness keys the checker trusts for this check
	// (--witness-key); WitnessPolicy, when set, must be met (witnesses.go).
	Witnesses     []*cosign.Witness
	WitnessPolicy *cosign.Policy
	// TSARoots are time-stamping roots the person checking trusts for
	// this check (custody bundle verify --tsa-roots), besides the
	// archive's (TSARootsKnower).
	TSARoots []*x509.Certificate
}

// Result is what verification found.
type Result struct {
	Report *report.Report
	// Bag is what the BagIt layer read (nil when the bag could not be
	// opened at all).
	Bag *bag.Bag
	// Provenance is true when the bag has custody/ tag files.
	Provenance bool
	// BundleID is the bag's External-Identifier (empty if none).
	BundleID string
	// Signer is the key that signed the checkpoint (nil when no key did).
	Signer *Signer
	// Checkpoint is the bundle's checkpoint, parsed (nil if unreadable).
	// Its signature is valid only when Signer is set.
	Checkpoint *provenance.Checkpoint
	// Files lists the payload files with their documents and names.
	Files []File
	// Fork holds the evidence when the verdict is FORKED.
	Fork *provenance.ForkError
	// Remember is the checkpoint a receive may remember for its origin:
	// set only when it verified and is newer than, and consistent with,
	// what the archive remembers. Verify never writes it; the archive
	// does, when it receives the bundle.
	Remember *provenance.Seen
	// Hops are the upstream logs the bundle carries (custody/hops/N):
	// who signed each, and whose receive links it.
	Hops []Hop
	// Witnesses says who cosigned the checkpoint (nil when the bundle
	// has no cosignatures and the checker named no witness).
	Witnesses *report.Witnessing

	// Kind says what was given: KindBag, KindBundle, KindOCFLObject or
	// KindOCFLRoot.
	Kind string

	// Timestamps are the checkpoint's RFC 3161 tokens
	// (custody/timestamps/), checked.
	Timestamps []Timestamp

	// held is the proof material a receive keeps (see Admit).
	held *heldMaterial
}

// Signer describes the key that signed a bundle's checkpoint.
type Signer struct {
	KeyName     string `json:"key_name"`
	Fingerprint string `json:"fingerprint"`
	VerifierKey string `json:"verifier_key"`
	Origin      string `json:"origin"`
	Trusted     bool   `json:"trusted"`
	// TrustedAs is the name the trust store gives the key ("this
	// archive" for the archive's own key).
	TrustedAs string `json:"trusted_as,omitempty"`
	How       string `json:"how,omitempty"` // how the key was confirmed
}

// File is one payload file of a verified bag.
type File struct {
	Path     string `json:"path"`            // in the bag, "data/…"
	Doc      string `json:"doc,omitempty"`   // its SHA-256 from the manifest
	Name     string `json:"name"`            // its original name (from names.tsv, else the path without data/)
	Size     int64  `json:"size"`            // bytes on disk
	Verified bool   `json:"verified"`        // every manifest checksum matched
	Event    *int64 `json:"event,omitempty"` // index of the event that introduced it, when proven
	// Derivations say what the document was made from, as far as the
	// bundle discloses (a redaction's withheld original is only "a
	// document recorded at index N at time T").
	Derivations []Derivation `json:"derivations,omitempty"`
	// DKIM holds the sender's recorded DKIM outcomes of this message that
	// this check re-ran and found the same ("DKIM VALID (d=…, s=…)").
	DKIM []string `json:"dkim,omitempty"`
}

// Derivation is one derive event of a payload document.
type Derivation struct {
	Kind  string `json:"kind"`  // redaction, conversion, …
	Event int64  `json:"event"` // the derive event's index
	From  string `json:"from"`  // what it was made from, in words
}

// Verify verifies the bundle at path: a folder or a .zip.
func Verify(ctx context.Context, path string, opt Options) *Result {
	if opt.Subject == "" {
		opt.Subject = path
	}
	fsys, closer, err := bag.Open(path)
	if err != nil {
		_, rep := bag.ValidatePath(ctx, path, bag.Options{Subject: opt.Subject})
		return &Result{Report: rep}
	}
	defer closer.Close()
	return VerifyFS(ctx, fsys, opt)
}

// VerifyFS verifies the bag, or the OCFL object or storage root, whose
// top folder is the root of fsys.
func VerifyFS(ctx context.Context, fsys fs.FS, opt Options) *Result {
	if k := ocfl.Detect(fsys); k != ocfl.None {
		return verifyOCFL(ctx, fsys, k, opt)
	}
	res := verifyBag(ctx, fsys, opt)
	if res.Report != nil {
		res.Kind = KindBag
		if res.Provenance {
			res.Kind = KindBundle
		}
		sayKind(res.Report, res.Kind, "")
	}
	return res
}

func verifyBag(ctx context.Context, fsys fs.FS, opt Options) *Result {
	bopt := bag.Options{Workers: opt.Workers, Subject: opt.Subject}
	if opt.Progress != nil {
		ch := make(chan bag.Progress, 1)
		done := make(chan struct{})
		bopt.Progress = ch
		start := time.Now()
		var last progress.Progress
		go func() {
			defer close(done)
			for p := range ch {
				last = progress.Progress{Files: p.Files, Bytes: p.Bytes, TotalFiles: p.TotalFiles,
					TotalBytes: p.TotalBytes, Current: p.Current, Elapsed: time.Since(start)}
				opt.Progress(last)
			}
		}()
		defer func() {
			close(ch)
			<-done
			last.Done, last.Elapsed = true, time.Since(start)
			opt.Progress(last)
		}()
	}
	// A bundle's proofs need only its custody/ files: check them while
	// the payload is hashed, into a report of their own merged below.
	res := &Result{}
	var early *prover
	proofsDone := make(chan struct{})
	if fi, err := fs.Stat(fsys, "custody"); err == nil && fi.IsDir() {
		early = newProver(ctx, fsys, opt, res)
		early.rep = &report.Report{}
		go func() {
			defer close(proofsDone)
			early.checkProofs()
		}()
	} else {
		close(proofsDone)
	}
	b, rep := bag.Validate(ctx, fsys, bopt)
	<-proofsDone
	res.Report, res.Bag = rep, b
	if b == nil || rep.Verdict == report.Cancelled {
		return res
	}
	if ids := b.InfoValues("External-Identifier"); len(ids) > 0 {
		res.BundleID = ids[0]
	}
	res.Files = payloadFiles(b)
	res.Provenance = b.Custody
	if !b.Custody {
		rep.AddCheck(CheckProvenance, false, "none: this bag has no custody/ folder, so nothing says where its documents came from or who sent them (a plain BagIt bag)")
		return res
	}
	p := early
	if p == nil {
		p = newProver(ctx, fsys, opt, res)
		p.checkProofs()
	} else {
		for _, f := range append(p.rep.Findings, p.rep.Warnings...) {
			rep.Add(f)
		}
		p.rep = rep
	}
	p.checkRest()
	rep.Sort()
	rep.Verdict = p.verdict(rep.Verdict)
	return res
}

func payloadFiles(b *bag.Bag) []File {
	var out []File
	for _, p := range b.PayloadPaths() {
		f := b.Payload[p]
		name := p
		if len(name) > 5 && name[:5] == "data/" {
			name = name[5:]
		}
		out = append(out, File{Path: p, Doc: f.Digests["sha256"], Name: name, Size: f.Size, Verified: f.Verified})
	}
	return out
}

// verdict sums up the bag's verdict and the provenance findings.
func (p *prover) verdict(bagVerdict report.Verdict) report.Verdict {
	forked, invalid, tampered, ioErr := false, bagVerdict == report.Invalid, bagVerdict == report.Tampered, bagVerdict == report.Unreadable
	unproven := false
	for _, f := range p.rep.Findings {
		c, ok := codeClass[f.Code]
		if !ok {
			continue // a code of the bag layer: counted in bagVerdict
		}
		switch c {
		case classForked:
			forked = true
		case classInvalid:
			invalid = true
		case classTampered:
			tampered = true
		case classUnproven:
			unproven = true
		case classIO:
			ioErr = true
		}
	}
	switch {
	case bagVerdict == report.Cancelled || p.ctx.Err() != nil:
		return report.Cancelled
	case forked:
		return report.Forked
	case invalid:
		return report.Invalid
	case tampered:
		return report.Tampered
	case unproven:
		return report.HistoryUnproven
	case ioErr:
		return report.Unreadable
	case p.res.Signer != nil && p.res.Signer.Trusted:
		return report.Intact
	case p.res.Signer != nil:
		return report.SignerUnknown
	}
	return report.Invalid // unreachable: no signer means a finding above
}
