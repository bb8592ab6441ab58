package provenance

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/custody-app/custody/archive/quote"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Errors that CheckProof's error wraps.
var (
	// ErrWrongDocument: the proof is about another document.
	ErrWrongDocument = errors.New("proof is for another document")
	// ErrTampered: an event is not in the tree the checkpoint commits to,
	// or does not say what the proof claims.
	ErrTampered = errors.New("provenance does not match the signed checkpoint")
	// ErrIncomplete: the events do not make a whole provenance chain.
	ErrIncomplete = errors.New("incomplete proof material")
	// ErrForked: two checkpoints of one origin cannot both be true.
	ErrForked = errors.New("forked log")
	// ErrNoContinuity: a published checkpoint is older, but the proof
	// carries no consistency proof from its size.
	ErrNoContinuity = errors.New("cannot prove continuity")
	// ErrOriginMismatch: the published checkpoint is from another log.
	ErrOriginMismatch = errors.New("checkpoint origin mismatch")
)

// Published says how a published checkpoint relates to a proof's.
type Published int

const (
	// PublishedNone: no published checkpoint was given.
	PublishedNone Published = iota
	// PublishedSame: the published checkpoint is the proof's tree.
	PublishedSame
	// PublishedExtended: the proof's tree provably extends the published one.
	PublishedExtended
	// PublishedNewer: the published tree is larger than the proof's. A
	// proof file cannot show that the newer tree extends its own; the
	// archive (or a newer proof) must be asked.
	PublishedNewer
)

func (p Published) String() string {
	switch p {
	case PublishedSame:
		return "the published checkpoint is this proof's checkpoint"
	case PublishedExtended:
		return "this proof's checkpoint extends the published one"
	case PublishedNewer:
		return "the published checkpoint is newer than this proof's; a proof file alone cannot show they agree"
	}
	return "no published checkpoint given"
}

// ProofResult is what CheckProof established.
type ProofResult struct {
	Checkpoint *Checkpoint
	// Trusted is true when the checkpoint was verified by the verifier the
	// caller gave. When false it verified only under the key the proof
	// carries: the history is intact but the signer is unknown.
	Trusted   bool
	Events    []*View // as disclosed, in the proof's order
	Published Published
}

// ForkError is self-contained evidence that a log forked: two checkpoints
// with the same origin, both validly signed, that no single history can
// produce.
type ForkError struct {
	Origin   string
	Old, New []byte         // the two signed notes; Old is the smaller tree
	Proof    tlog.TreeProof // the consistency proof that failed (nil for equal sizes)
}

func (e *ForkError) Error() string {
	old, _ := ParseUnverified(e.Old)
	cur, _ := ParseUnverified(e.New)
	if old == nil || cur == nil {
		return "forked log: two signed checkpoints of " + e.Origin + " disagree"
	}
	if old.Size == cur.Size {
		return fmt.Sprintf("forked log: two signed checkpoints of %s for size %d have different roots", e.Origin, old.Size)
	}
	return fmt.Sprintf("forked log: the signed checkpoint of %s at size %d does not extend the one at size %d", e.Origin, cur.Size, old.Size)
}

// Is makes errors.Is(err, ErrForked) true.
func (e *ForkError) Is(target error) bool { return target == ErrForked }

// Evidence formats both signed notes and the failed proof as text that
// proves the fork to anyone holding the signer's public key.
func (e *ForkError) Evidence() string {
	var b strings.Builder
	fmt.Fprintf(&b, "FORKED LOG %s\n\n# older checkpoint\n%s\n# newer checkpoint\n%s\n# consistency proof\n", e.Origin, e.Old, e.New)
	for _, h := range e.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	return b.String()
}

// CheckEvent checks that event (exact bytes) is the index'th event of the
// tree cp commits to.
func CheckEvent(cp *Checkpoint, index int64, event []byte, proof tlog.RecordProof) error {
	if index < 0 || index >= cp.Size {
		return fmt.Errorf("%w: event %d is outside the checkpoint's tree of size %d", ErrIncomplete, index, cp.Size)
	}
	if err := tlog.CheckRecord(proof, cp.Size, cp.Root, index, tlog.RecordHash(event)); err != nil {
		return fmt.Errorf("%w: event %d is not in the signed log (it was altered, removed or reordered)", ErrTampered, index)
	}
	return nil
}

// CheckConsistency checks that newer extends older (both already
// verified, same origin), using proof when newer is larger. It returns a
// *ForkError when they cannot both be true.
func CheckConsistency(older, newer *Checkpoint, proof tlog.TreeProof) error {
	if older.Origin != newer.Origin {
		return fmt.Errorf("%w: %q is not %q", ErrOriginMismatch, newer.Origin, older.Origin)
	}
	if older.Size > newer.Size {
		older, newer = newer, older
	}
	fork := &ForkError{Origin: older.Origin, Old: older.Note, New: newer.Note, Proof: proof}
	if older.Size == newer.Size {
		if older.Root != newer.Root {
			fork.Proof = nil
			return fork
		}
		return nil
	}
	if older.Size == 0 {
		return nil
	}
	if err := tlog.CheckTree(proof, newer.Size, newer.Root, older.Size, older.Root); err != nil {
		return fork
	}
	return nil
}

// CheckProof verifies a proof file without any archive: the checkpoint's
// signature (by verifier; when verifier is nil or did not sign it, by the
// key the proof carries, and the result is not Trusted), that the proof is
// about docSHA256, every event's inclusion in the checkpoint's tree, that
// an event introduces the document, and that every parent named by a
// derivation is introduced by an event too. When published (another signed
// checkpoint of the same log) is given, it must be the same tree, or one
// this proof's tree provably extends; a larger published tree is reported
// as PublishedNewer, not checked.
func CheckProof(p *Proof, docSHA256 [32]byte, verifier note.Verifier, published []byte) (*ProofResult, error) {
	if p.Doc != docSHA256 {
		return nil, fmt.Errorf("%w: the proof is about %x, the file given is %x", ErrWrongDocument, p.Doc, docSHA256)
	}
	res := &ProofResult{}
	cp, verifiers, err := verifyCheckpoint(p, verifier, res)
	if err != nil {
		return nil, err
	}
	res.Checkpoint = cp
	for _, e := range p.Events {
		if err := CheckEvent(cp, e.Index, e.Event, e.Proof); err != nil {
			return nil, err
		}
		ev, err := OpenEvent(e.Event, e.Open)
		if err != nil {
			if errors.Is(err, ErrOpeningMismatch) {
				return nil, fmt.Errorf("%w: log event %d: %w", ErrTampered, e.Index, err)
			}
			return nil, fmt.Errorf("log event %d: %w", e.Index, err)
		}
		res.Events = append(res.Events, ev)
	}
	indexes := make([]int64, len(p.Events))
	for i, e := range p.Events {
		indexes[i] = e.Index
	}
	if err := CheckChain(hex.EncodeToString(docSHA256[:]), indexes, res.Events); err != nil {
		return nil, err
	}
	if published == nil {
		return res, nil
	}
	pub, err := ParseCheckpoint(published, verifiers)
	if err != nil {
		return nil, fmt.Errorf("published checkpoint: %w", err)
	}
	if pub.Origin != cp.Origin {
		return nil, fmt.Errorf("%w: the published checkpoint is of %q, the proof's of %q", ErrOriginMismatch, pub.Origin, cp.Origin)
	}
	switch {
	case pub.Size > cp.Size:
		res.Published = PublishedNewer
	case pub.Size == cp.Size:
		if err := CheckConsistency(pub, cp, nil); err != nil {
			return nil, err
		}
		res.Published = PublishedSame
	default:
		var proof tlog.TreeProof
		found := false
		for _, c := range p.Consistency {
			if c.From == pub.Size {
				proof, found = c.Proof, true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: the proof carries no consistency proof from the published size %d to %d", ErrNoContinuity, pub.Size, cp.Size)
		}
		if err := CheckConsistency(pub, cp, proof); err != nil {
			return nil, err
		}
		res.Published = PublishedExtended
	}
	return res, nil
}

// verifyCheckpoint verifies p's checkpoint by verifier, falling back to the
// key in the proof, and returns the verifiers that worked.
func verifyCheckpoint(p *Proof, verifier note.Verifier, res *ProofResult) (*Checkpoint, note.Verifiers, error) {
	if verifier != nil {
		vs := note.VerifierList(verifier)
		cp, err := ParseCheckpoint(p.Checkpoint, vs)
		var unknown *SignerUnknownError
		if err == nil {
			res.Trusted = true
			return cp, vs, nil
		}
		if !errors.As(err, &unknown) {
			return nil, nil, err
		}
	}
	own, err := note.NewVerifier(p.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: key %q is not a verifier key", ErrMalformedProof, quote.Clip(p.Key))
	}
	vs := note.VerifierList(own)
	cp, err := ParseCheckpoint(p.Checkpoint, vs)
	if err != nil {
		return nil, nil, err
	}
	return cp, vs, nil
}

// CheckChain checks that events (at the log indexes given) introduce doc
// and the parents of every derivation whose document is disclosed: a
// disclosed parent must be introduced by a disclosed event; a withheld one
// by the event at its parent_events index, which must be among events and
// be an ingest, derive or receive. A derivation whose document is withheld
// is there only as the event that introduced a withheld parent ("a
// document recorded at index N"): its own parents are not asked for, or
// a proof of a redaction would have to carry its original's whole ancestry.
func CheckChain(doc string, indexes []int64, events []*View) error {
	introduced := map[string]bool{}
	introducer := map[int64]bool{}
	for k, ev := range events {
		for _, d := range ev.Introduces() {
			introduced[hex.EncodeToString(d[:])] = true
		}
		switch ev.Type {
		case Ingest, Derive, Receive:
			introducer[indexes[k]] = true
		}
	}
	if !introduced[doc] {
		return fmt.Errorf("%w: no event records where document %s came from", ErrIncomplete, doc)
	}
	for k, ev := range events {
		if ev.Type != Derive || ev.Doc == "" {
			continue
		}
		for i, parent := range ev.ParentIDs {
			switch {
			case parent != "" && !introduced[parent]:
				return fmt.Errorf("%w: %s is derived from %s, but no event records where that came from", ErrIncomplete, ev.Doc, parent)
			case parent == "" && (i >= len(ev.ParentEvents) || !introducer[ev.ParentEvents[i]]):
				return fmt.Errorf("%w: event %d names a withheld parent recorded at index %d, but that event is not included", ErrIncomplete, indexes[k], ev.parentEvent(i))
			}
		}
	}
	return nil
}

func (v *View) parentEvent(i int) int64 {
	if i < len(v.ParentEvents) {
		return v.ParentEvents[i]
	}
	return -1
}
