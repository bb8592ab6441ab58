package prooffile

import (
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/cosign"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/custody-app/custody/verify/report"
	"golang.org/x/mod/sumdb/note"
)

// Verdicts of a proof check: the ones verify/report words.
const (
	Proven              = report.Proven
	ProvenSignerUnknown = report.ProvenSignerUnknown
	NotProven           = report.NotProven
	NotProvenByThatKey  = report.NotProvenByThatKey
	// NotChecked means an input could not be read or a key given could
	// not be parsed: nothing was checked.
	NotChecked = report.NotChecked
)

// Input names what a proof check is given: the proof file, the
// document's file, optionally a checkpoint the archivist published
// earlier (a file) and the archivist's verifier key as the checker
// obtained it (never the one inside the proof).
type Input struct {
	Proof, Doc, Published, Key string
	// Witnesses are witness keys the checker trusts; Policy, when set,
	// must be met by the checkpoint's cosignatures (tlog.go).
	Witnesses []*cosign.Witness
	Policy    *cosign.Policy
	// TSARoots are the time-stamping roots the checker trusts
	// (--tsa-roots): the proof's time stamps that chain to one are
	// trusted.
	TSARoots []*x509.Certificate
}

// Result is what Check found; each front end words it its own way.
type Result struct {
	Verdict report.Verdict
	// Err says why the verdict is NotChecked or NotProven.
	Err error
	// Malformed is true when the proof file is not a readable proof
	// (NotProven before anything was checked).
	Malformed bool
	// Doc is the SHA-256 of the document's file, once read.
	Doc [32]byte
	// Proof is the check's result, set for Proven, ProvenSignerUnknown
	// and NotProvenByThatKey.
	Proof *provenance.ProofResult
	// Fork is the evidence when the proof and the published checkpoint
	// show a forked log.
	Fork *provenance.ForkError
	// Key is the key that was given, parsed (nil when none was).
	Key *keys.KeyInfo
	// Timestamps are the proof's time stamps of its checkpoint, checked
	// (set for Proven, ProvenSignerUnknown and NotProvenByThatKey). A
	// token that is no evidence of time makes the verdict NotProven.
	Timestamps []*tsa.Stamp
	// ProofKey is the key the proof carries, parsed (nil when it is not
	// a readable key). Anyone can make a proof with a key of any name.
	ProofKey *keys.KeyInfo
	// Witnesses says who cosigned the checkpoint (nil when nobody did
	// and no witness was named).
	Witnesses *report.Witnessing
}

// ProofSigner names the key inside the proof as a signer the checker
// has not confirmed: UNKNOWN KEY, its fingerprint and its own name
// quoted as unverified (raw text: show it through quote.Safe).
func (r *Result) ProofSigner() *report.Signer {
	if r.ProofKey == nil {
		return &report.Signer{Fingerprint: "(unreadable key)"}
	}
	return &report.Signer{Fingerprint: r.ProofKey.Fingerprint, KeyName: r.ProofKey.Name}
}

// Check checks a proof file with no archive at all, as "custody
// check-proof" and the window's Check a proof do: it reads the files
// within bounds, hashes the document, and checks that every event of its
// chain is in the signed checkpoint, that the chain is whole, and how the
// checkpoint relates to the published one. A proof that verifies only
// under the key inside it is ProvenSignerUnknown when no key was given,
// NotProvenByThatKey when another key was.
func Check(in Input) *Result {
	raw, err := ReadLimited(in.Proof, provenance.MaxProofSize)
	if err != nil {
		return &Result{Verdict: NotChecked, Err: err}
	}
	if isTlogProof(raw) {
		return withWitnesses(checkTlog(raw, in), in)
	}
	p, err := provenance.ParseProof(raw)
	if err != nil {
		return &Result{Verdict: NotProven, Err: err, Malformed: true}
	}
	res := &Result{}
	_, res.ProofKey, _ = keys.ParseVerifierKey(p.Key)
	if res.Doc, err = SHA256(in.Doc); err != nil {
		return &Result{Verdict: NotChecked, Err: err}
	}
	var verifier note.Verifier
	if in.Key != "" {
		if verifier, res.Key, err = keys.ParseVerifierKey(in.Key); err != nil {
			return &Result{Verdict: NotChecked, Err: err}
		}
	}
	var pub []byte
	if in.Published != "" {
		if pub, err = ReadLimited(in.Published, provenance.MaxCheckpointSize); err != nil {
			return &Result{Verdict: NotChecked, Err: err}
		}
	}
	res.Proof, err = provenance.CheckProof(p, res.Doc, verifier, pub)
	switch {
	case err != nil:
		res.Verdict, res.Err, res.Proof = NotProven, err, nil
		errors.As(err, &res.Fork)
	case res.Proof.Trusted:
		res.Verdict = Proven
	case res.Key != nil:
		res.Verdict = NotProvenByThatKey
	default:
		res.Verdict = ProvenSignerUnknown
	}
	if res.Proof != nil {
		checkStamps(res, p, in.TSARoots)
	}
	return withWitnesses(res, in)
}

// checkStamps checks the proof's time stamps against its checkpoint's
// bytes: one over other bytes, or with a broken signature, makes the
// proof NotProven (it claims a time it does not have).
func checkStamps(res *Result, p *provenance.Proof, roots []*x509.Certificate) {
	var pool *x509.CertPool
	if len(roots) > 0 {
		pool = x509.NewCertPool()
		for _, c := range roots {
			pool.AddCert(c)
		}
	}
	for i, tok := range p.Timestamps {
		st, err := tsa.Check(tok, p.Checkpoint, pool)
		if err != nil {
			res.Verdict, res.Proof, res.Timestamps = NotProven, nil, nil
			res.Err = fmt.Errorf("time stamp %d of the proof is no evidence of time: %w", i+1, err)
			return
		}
		res.Timestamps = append(res.Timestamps, st)
	}
}
