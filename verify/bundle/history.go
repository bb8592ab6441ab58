package bundle

import (
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/bundleformat"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/report"
	tlog "golang.org/x/mod/sumdb/tlog"
)

// checkConsistency reads custody/consistency.json (optional) and checks
// that each earlier checkpoint in it is the signer's and that the bundle's
// checkpoint extends it.
func (p *prover) checkConsistency() {
	if p.cp == nil {
		return
	}
	b, ok := p.readFile(bundleformat.FileConsistency, bundleformat.MaxConsistencyFile, false)
	if !ok {
		return
	}
	cs, err := ParseConsistency(b)
	if err != nil {
		p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileConsistency, Message: "custody/consistency.json: " + err.Error()})
		return
	}
	if cs.CheckpointSize != p.cp.Size {
		p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileConsistency, Expected: fmt.Sprintf("proofs to size %d", p.cp.Size),
			Found: fmt.Sprintf("proofs to size %d", cs.CheckpointSize), Message: "custody/consistency.json is for another checkpoint than custody/checkpoint"})
		return
	}
	p.earlier = cs
	if !p.sigOK {
		return
	}
	for _, e := range cs.Earlier {
		old, err := provenance.ParseCheckpoint(e.Checkpoint, p.signerVs)
		switch {
		case err != nil:
			p.add(report.Finding{Code: ConsistencyInvalid, Path: bundleformat.FileConsistency, Expected: fmt.Sprintf("a checkpoint of size %d signed by %s", e.Size, p.res.Signer.KeyName),
				Found: err.Error(), Message: fmt.Sprintf("the earlier checkpoint of size %d is not a valid checkpoint of the signer", e.Size)})
		case old.Origin != p.cp.Origin || old.Size != e.Size:
			p.add(report.Finding{Code: ConsistencyInvalid, Path: bundleformat.FileConsistency, Expected: fmt.Sprintf("%s at size %d", p.cp.Origin, e.Size),
				Found: fmt.Sprintf("%s at size %d", old.Origin, old.Size), Message: "an earlier checkpoint is of another log or size than its entry says"})
		default:
			if err := provenance.CheckConsistency(old, p.cp, e.Proof); err != nil {
				p.add(report.Finding{Code: ConsistencyInvalid, Path: bundleformat.FileConsistency,
					Expected: fmt.Sprintf("a proof that the tree of size %d extends the tree of size %d", p.cp.Size, e.Size),
					Found:    "a proof that does not verify",
					Message:  fmt.Sprintf("the proof from the sender's earlier checkpoint of size %d does not verify: it was altered, or the sender's log was rewritten", e.Size)})
			}
		}
	}
}

// checkHistory compares the checkpoint with what the receiving archive
// remembers of its origin (or, for a bundle of this archive's own, with
// its own log).
func (p *prover) checkHistory() {
	a := p.opt.Archive
	switch {
	case a == nil:
		p.history(false, "not checked: verified without an archive, so no earlier checkpoint of this sender is remembered")
		return
	case !p.sigOK:
		p.history(false, "not checked: the checkpoint's signature is not valid")
		return
	case a.Public() != nil && a.Public().Origin == p.cp.Origin:
		p.checkOwn(a)
		return
	}
	seen, err := a.SeenCheckpoint(p.cp.Origin)
	if err != nil {
		p.add(report.Finding{Code: ArchiveUnreadable, Message: "the checkpoint remembered for this sender could not be read: " + err.Error()})
		p.history(false, "not checked: the archive's memory of this sender could not be read")
		return
	}
	if seen == nil {
		p.remember()
		p.history(true, fmt.Sprintf("first checkpoint seen from %s (size %d); receiving the bundle, when nothing else is wrong, remembers it", p.cp.Origin, p.cp.Size))
		return
	}
	old, err := provenance.ParseCheckpoint([]byte(seen.Checkpoint), p.signerVs)
	if err != nil {
		p.add(report.Finding{Code: SignerChanged, Path: bundleformat.FileCheckpoint, Expected: "a checkpoint signed by " + seen.Key, Found: "signed by " + p.res.Signer.VerifierKey,
			Message: "the checkpoint remembered for this origin was signed by another key than this bundle's"})
		p.history(false, "the sender's key changed")
		return
	}
	when := fmt.Sprintf("remembered since %s from bundle %s", seen.Time.Format("2006-01-02"), orNone(seen.Bundle))
	switch {
	case old.Size == p.cp.Size:
		if err := provenance.CheckConsistency(old, p.cp, nil); err != nil {
			p.forked(err, old, when)
			return
		}
		p.history(true, fmt.Sprintf("the same checkpoint as the one %s (size %d)", when, old.Size))
	case old.Size < p.cp.Size:
		var proof tlog.TreeProof
		found := false
		if p.earlier != nil {
			for _, e := range p.earlier.Earlier {
				if e.Size == old.Size {
					proof, found = e.Proof, true
				}
			}
		}
		if !found {
			p.add(report.Finding{Code: ContinuityUnproven, Path: bundleformat.FileConsistency,
				Expected: fmt.Sprintf("a consistency proof from the remembered size %d", old.Size), Found: "none",
				Message: fmt.Sprintf("a checkpoint of size %d was seen from this sender before, and this bundle carries no proof that its log extends it: history not proven. "+
					"Custody always includes that proof, so the sender's archive may have been copied and used twice, or restored from a backup, or the proof was removed. The remembered checkpoint is kept", old.Size)})
			p.history(false, fmt.Sprintf("history not proven: nothing shows this bundle's log (size %d) extends the checkpoint %s (size %d)", p.cp.Size, when, old.Size))
			return
		}
		if err := provenance.CheckConsistency(old, p.cp, proof); err != nil {
			p.forked(err, old, when)
			return
		}
		p.remember()
		p.history(true, fmt.Sprintf("extends the checkpoint %s (size %d → %d)", when, old.Size, p.cp.Size))
	default:
		p.checkOlder(seen, old, when)
	}
}

// checkOlder checks a bundle older than the remembered checkpoint with
// the proofs that came with that checkpoint.
func (p *prover) checkOlder(seen *provenance.Seen, old *provenance.Checkpoint, when string) {
	for _, e := range seen.Earlier {
		if e.From != p.cp.Size {
			continue
		}
		proof, err := decodeProof(e.Proof)
		if err != nil {
			break
		}
		if err := provenance.CheckConsistency(p.cp, old, proof); err != nil {
			p.forked(err, old, when)
			return
		}
		p.add(report.Finding{Code: OlderThanSeen, Severity: report.Warning, Path: bundleformat.FileCheckpoint,
			Expected: fmt.Sprintf("size %d or more", old.Size), Found: fmt.Sprintf("size %d", p.cp.Size),
			Message: fmt.Sprintf("this bundle is older than the newest seen from this sender (size %d); it is a prefix of it, and the remembered checkpoint is kept", old.Size)})
		p.history(true, fmt.Sprintf("older than the checkpoint %s (size %d), and a proven prefix of it", when, old.Size))
		return
	}
	p.add(report.Finding{Code: ContinuityUnproven, Path: bundleformat.FileCheckpoint,
		Expected: fmt.Sprintf("a proof, remembered with the checkpoint of size %d, that size %d is a prefix of it", old.Size, p.cp.Size), Found: "none",
		Message: fmt.Sprintf("this bundle is older than the newest seen from this sender (size %d), and nothing proves it is a prefix of it: history not proven. "+
			"Every later Custody bundle carries that proof, so the sender's archive may have been copied and used twice, or restored from a backup", old.Size)})
	p.history(false, fmt.Sprintf("history not proven: older than the checkpoint %s (size %d), and nothing shows it is a prefix of it", when, old.Size))
}

// checkOwn checks a bundle made by this archive against its own log: the
// tree it signs must be a tree of this log.
func (p *prover) checkOwn(a Knowledge) {
	size, err := a.LogSize()
	if err != nil {
		p.add(report.Finding{Code: ArchiveUnreadable, Message: "the archive's log could not be read: " + err.Error()})
		return
	}
	latest, err := a.LatestCheckpoint()
	if err != nil || latest == nil {
		p.add(report.Finding{Code: ArchiveUnreadable, Message: "the archive's latest checkpoint could not be read"})
		return
	}
	if p.cp.Size > size {
		fe := &provenance.ForkError{Origin: p.cp.Origin, Old: latest.Note, New: p.note}
		p.forked(fe, latest, fmt.Sprintf("this archive's log holds only %d events: it was copied, or restored from an older backup", size))
		return
	}
	root, err := a.LogTreeHash(p.cp.Size)
	if err != nil {
		p.add(report.Finding{Code: ArchiveUnreadable, Message: "the archive's log could not be read: " + err.Error()})
		return
	}
	if root != p.cp.Root {
		proof, _ := a.LogConsistencyProof(p.cp.Size, latest.Size)
		fe := &provenance.ForkError{Origin: p.cp.Origin, Old: p.note, New: latest.Note, Proof: proof}
		p.forked(fe, latest, "this archive's own log")
		return
	}
	p.history(true, fmt.Sprintf("made by this archive; its checkpoint (size %d) is part of this archive's log (size %d)", p.cp.Size, size))
}

// forked reports a fork with its evidence.
func (p *prover) forked(err error, old *provenance.Checkpoint, when string) {
	var fe *provenance.ForkError
	if !errors.As(err, &fe) {
		p.add(report.Finding{Code: ConsistencyInvalid, Path: bundleformat.FileCheckpoint, Message: err.Error()})
		return
	}
	p.res.Fork = fe
	p.add(report.Finding{Code: Forked, Path: bundleformat.FileCheckpoint,
		Expected: fmt.Sprintf("a history consistent with size %d, root %s (%s)", old.Size, b64(old.Root), when),
		Found:    fmt.Sprintf("size %d, root %s", p.cp.Size, b64(p.cp.Root)),
		Message:  fe.Error() + ". Two signed checkpoints of one log disagree: the evidence (both notes and the proof) is in the report"})
	p.history(false, "FORKED: this sender's log disagrees with the checkpoint "+when)
}

// history records the outcome of the history check; summarize adds it.
func (p *prover) history(ok bool, detail string) {
	p.historyOK, p.historyDetail = ok, detail
}

// remember marks the checkpoint as the one a receive may remember.
func (p *prover) remember() {
	s := &provenance.Seen{Origin: p.cp.Origin, Size: p.cp.Size, Checkpoint: string(p.note), Key: p.res.Signer.VerifierKey, Bundle: p.res.BundleID}
	if p.earlier != nil {
		for _, e := range p.earlier.Earlier {
			s.Earlier = append(s.Earlier, provenance.SeenProof{From: e.Size, Proof: encodeProof(e.Proof)})
		}
	}
	p.res.Remember = s
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

func encodeProof(p tlog.TreeProof) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = b64(h)
	}
	return out
}

func decodeProof(list []string) (tlog.TreeProof, error) {
	out := make(tlog.TreeProof, len(list))
	for i, s := range list {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, errors.New("damaged proof")
		}
		copy(out[i][:], b)
	}
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "(no id)"
	}
	return s
}
