// Package witnessed says what the witness cosignatures quoted with a
// checkpoint (a bundle's custody/cosignatures, the lines after a proof's
// checkpoint) show to the person checking: which of the witnesses they
// know cosigned it, which cosignatures are by unknown keys or do not
// verify, and whether a witness policy is met. It is pure, for the
// bundle and proof checks alike.
package witnessed

import (
	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/verify/report"
)

// Evaluate checks lines against the checkpoint note (verified by the
// caller). known are the witnesses the checker trusts; a policy, when
// given, adds its witnesses to them and says whether its quorum is met.
func Evaluate(note []byte, lines []cosign.Line, known []*cosign.Witness, policy *cosign.Policy) (*report.Witnessing, error) {
	body, err := cosign.Body(note)
	if err != nil {
		return nil, err
	}
	all := append([]*cosign.Witness(nil), known...)
	if policy != nil {
		for _, w := range policy.Witnesses {
			if !has(all, w) {
				all = append(all, w)
			}
		}
	}
	out := &report.Witnessing{Known: len(all)}
	cosigned := map[string]bool{}
	for _, o := range cosign.Check(body, lines, all) {
		switch {
		case o.Witness == nil:
			out.Untrusted = append(out.Untrusted, o.Line.Name)
		case !o.Valid:
			out.Invalid = append(out.Invalid, o.Witness.Label)
		case !cosigned[o.Witness.Key.VerifierKey]:
			cosigned[o.Witness.Key.VerifierKey] = true
			out.Cosigned = append(out.Cosigned, report.Cosigner{Name: o.Witness.Label, KeyName: o.Line.Name, Time: o.Line.When()})
		}
	}
	if policy != nil {
		out.Policy = "not met"
		if policy.Met(cosigned) {
			out.Policy = "met"
		}
	}
	return out, nil
}

func has(list []*cosign.Witness, w *cosign.Witness) bool {
	for _, k := range list {
		if k.Key.VerifierKey == w.Key.VerifierKey {
			return true
		}
	}
	return false
}
