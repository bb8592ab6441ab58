package gui

import (
	"fmt"

	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/witnessed"
)

// witnessLine says who cosigned the archive's latest checkpoint among
// the witnesses it asks (custody witness add), for the document screen:
// "" when it asks none.
func (u *ui) witnessLine() string {
	if u.arc == nil {
		return ""
	}
	known, err := u.arc.WitnessKeys()
	if err != nil || len(known) == 0 {
		return ""
	}
	cp, err := u.arc.LatestCheckpoint()
	if err != nil || cp == nil {
		return ""
	}
	raw, err := u.arc.Cosignatures(cp)
	if err != nil {
		return ""
	}
	lines, err := cosign.ParseLines(raw)
	if err != nil {
		return ""
	}
	w, err := witnessed.Evaluate(cp.Note, lines, known, nil)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("the latest checkpoint (%d events) is %s", cp.Size, quote.Safe(w.Summary())) +
		"\n(custody checkpoint asks the witnesses again)"
}
