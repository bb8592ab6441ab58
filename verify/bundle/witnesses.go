package bundle

import (
	"fmt"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/witnessed"
)

// Finding codes of the witness check.
const (
	// CosignatureUntrusted: custody/cosignatures holds a cosignature by a
	// key the checker does not know (a warning; --strict fails it).
	CosignatureUntrusted = "BUNDLE_COSIGNATURE_UNTRUSTED"
	// CosignatureInvalid: a known witness's cosignature does not verify
	// against the checkpoint (a warning; --strict fails it).
	CosignatureInvalid = "BUNDLE_COSIGNATURE_INVALID"
	// WitnessPolicyUnmet: the witness policy the checker required is not
	// met by the valid cosignatures.
	WitnessPolicyUnmet = "BUNDLE_WITNESS_POLICY_UNMET"
	// CheckWitnesses is the check's name in the report.
	CheckWitnesses = "witnesses"
)

func init() {
	codeClass[WitnessPolicyUnmet] = classUnproven
	for _, c := range []string{CosignatureUntrusted, CosignatureInvalid, WitnessPolicyUnmet} {
		checkOf[c] = CheckWitnesses
	}
}

// WitnessSource is what an archive offers a bundle check about
// witnesses: the ones it asks (custody witness add), counted as known.
type WitnessSource interface {
	WitnessKeys() ([]*cosign.Witness, error)
}

// checkWitnesses reads custody/cosignatures and says who witnessed the
// checkpoint, among the witnesses the checker knows.
func (p *prover) checkWitnesses() {
	if p.cp == nil || !p.sigOK {
		return
	}
	known := append([]*cosign.Witness(nil), p.opt.Witnesses...)
	if src, ok := p.opt.Archive.(WitnessSource); ok && p.opt.Archive != nil {
		if ws, err := src.WitnessKeys(); err == nil {
			known = append(known, ws...)
		}
	}
	var lines []cosign.Line
	if b, ok := p.readFile(bundleformat.FileCosignatures, bundleformat.MaxCosignaturesFile, false); ok {
		var err error
		if lines, err = cosign.ParseLines(b); err != nil {
			p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileCosignatures, Message: "custody/cosignatures: " + err.Error()})
			return
		}
	}
	if len(lines) == 0 && len(known) == 0 && p.opt.WitnessPolicy == nil {
		return
	}
	w, err := witnessed.Evaluate(p.note, lines, known, p.opt.WitnessPolicy)
	if err != nil {
		return
	}
	p.res.Witnesses = w
	for _, name := range w.Untrusted {
		p.add(report.Finding{Code: CosignatureUntrusted, Severity: report.Warning, Path: bundleformat.FileCosignatures, Found: quote.Clip(name),
			Message: fmt.Sprintf("a cosignature by %s, a witness key you did not give (--witness-key) or add (custody witness add); it was not checked", quote.Clip(name))})
	}
	for _, name := range w.Invalid {
		p.add(report.Finding{Code: CosignatureInvalid, Severity: report.Warning, Path: bundleformat.FileCosignatures, Found: quote.Clip(name),
			Message: fmt.Sprintf("the cosignature of witness %s does not verify against this checkpoint: it was altered, or is of another checkpoint", quote.Clip(name))})
	}
	if w.Policy == "not met" {
		p.add(report.Finding{Code: WitnessPolicyUnmet, Path: bundleformat.FileCheckpoint,
			Message: "the checkpoint's valid cosignatures do not meet the witness policy you required: " + w.Summary()})
	}
	p.rep.AddCheck(CheckWitnesses, p.failed[CheckWitnesses] == 0 && len(w.Invalid) == 0, w.Summary())
}
