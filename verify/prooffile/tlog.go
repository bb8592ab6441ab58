package prooffile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/tlogproof"
	"github.com/custody-app/custody/verify/witnessed"
	"golang.org/x/mod/sumdb/note"
)

// isTlogProof reports whether raw is a c2sp.org/tlog-proof@v1 file
// rather than a Custody JSON proof.
func isTlogProof(raw []byte) bool { return bytes.HasPrefix(raw, []byte(tlogproof.Header+"\n")) }

// checkTlog checks a c2sp.org/tlog-proof@v1 file (custody prove --format
// tlog-proof): the checkpoint under the key given (the format carries
// none), the extra data as the index'th entry of its tree, and that this
// entry introduces the document.
func checkTlog(raw []byte, in Input) *Result {
	tp, err := tlogproof.Parse(raw)
	if err != nil {
		return &Result{Verdict: NotProven, Err: err, Malformed: true}
	}
	res := &Result{}
	if res.Doc, err = SHA256(in.Doc); err != nil {
		return &Result{Verdict: NotChecked, Err: err}
	}
	if in.Key == "" {
		return &Result{Verdict: NotChecked, Err: errors.New("a tlog-proof carries no key: give the archivist's verifier key with --key")}
	}
	if in.Published != "" {
		return &Result{Verdict: NotChecked, Err: errors.New("--checkpoint compares with a JSON proof (custody prove); a tlog-proof is checked on its own")}
	}
	var verifier note.Verifier
	if verifier, res.Key, err = keys.ParseVerifierKey(in.Key); err != nil {
		return &Result{Verdict: NotChecked, Err: err}
	}
	cp, err := provenance.ParseCheckpoint(tp.Checkpoint, note.VerifierList(verifier))
	if err != nil {
		res.Verdict, res.Err = NotProven, fmt.Errorf("the proof's checkpoint: %w", err)
		return res
	}
	v, err := tp.Check(cp)
	if err != nil {
		res.Verdict, res.Err = NotProven, fmt.Errorf("the proven entry: %w", err)
		return res
	}
	if !slices.Contains(v.Introduces(), res.Doc) {
		res.Verdict, res.Err = NotProven, fmt.Errorf("%w: the proven entry does not introduce the file given (%x)", provenance.ErrWrongDocument, res.Doc)
		return res
	}
	res.Verdict = Proven
	res.Proof = &provenance.ProofResult{Checkpoint: cp, Trusted: true, Events: []*provenance.View{v}}
	return res
}

// withWitnesses says who cosigned the proof's checkpoint (the signature
// lines after the log's own), and fails a proof whose required witness
// policy is not met.
func withWitnesses(res *Result, in Input) *Result {
	if res.Proof == nil || res.Proof.Checkpoint == nil {
		return res
	}
	n := res.Proof.Checkpoint.Note
	i := bytes.Index(n, []byte("\n\n"))
	if i < 0 {
		return res
	}
	lines, err := cosign.ParseLines(n[i+2:])
	if err != nil || len(lines) == 0 && len(in.Witnesses) == 0 && in.Policy == nil {
		return res
	}
	w, err := witnessed.Evaluate(n, lines, in.Witnesses, in.Policy)
	if err != nil {
		return res
	}
	res.Witnesses = w
	if w.Policy == "not met" && (res.Verdict == Proven || res.Verdict == ProvenSignerUnknown) {
		res.Verdict, res.Err = NotProven, fmt.Errorf("the witness policy you required is not met: %s", w.Summary())
	}
	return res
}
