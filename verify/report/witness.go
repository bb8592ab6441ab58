package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/quote"
)

// Witnessing is what the witness cosignatures quoted with a checkpoint
// showed: who cosigned it among the witnesses the checker knows, which
// cosignatures are by keys it does not know or do not verify, and
// whether a required witness policy is met.
type Witnessing struct {
	Known     int        `json:"known"`               // witnesses the checker knows
	Cosigned  []Cosigner `json:"cosigned,omitempty"`  // known witnesses with a valid cosignature
	Untrusted []string   `json:"untrusted,omitempty"` // key names of cosignatures by unknown keys
	Invalid   []string   `json:"invalid,omitempty"`   // known witnesses whose cosignature does not verify
	// Policy is "met" or "not met" when a policy was required, else "".
	Policy string `json:"policy,omitempty"`
}

// Cosigner is one valid cosignature: the witness's name for the checker,
// its key's name and when it cosigned.
type Cosigner struct {
	Name    string    `json:"name"`
	KeyName string    `json:"key_name"`
	Time    time.Time `json:"time"`
}

// Summary is the one line every front end shows: "witnessed by 2 of 2:
// Paper B, Paper C". Names are raw: show the line through quote.Safe.
func (w *Witnessing) Summary() string {
	if w == nil {
		return ""
	}
	names := make([]string, len(w.Cosigned))
	for i, c := range w.Cosigned {
		names[i] = c.Name
	}
	var s string
	switch {
	case w.Known == 0 && len(w.Untrusted) > 0:
		s = fmt.Sprintf("cosigned by %d witness(es) you do not know (give --witness-key to check them)", len(w.Untrusted))
	case w.Known == 0:
		s = "not witnessed"
	case len(names) == 0:
		s = fmt.Sprintf("witnessed by 0 of %d", w.Known)
	default:
		s = fmt.Sprintf("witnessed by %d of %d: %s", len(names), w.Known, strings.Join(names, ", "))
	}
	if len(w.Invalid) > 0 {
		s += fmt.Sprintf("; %d cosignature(s) do not verify (%s)", len(w.Invalid), strings.Join(w.Invalid, ", "))
	}
	if w.Policy != "" {
		s += "; witness policy " + w.Policy
	}
	return s
}

// Shown is w with every name made fit to show (quote.Safe), as a
// Document holds it.
func (w *Witnessing) Shown() *Witnessing {
	if w == nil {
		return nil
	}
	out := *w
	out.Cosigned = make([]Cosigner, len(w.Cosigned))
	for i, c := range w.Cosigned {
		out.Cosigned[i] = Cosigner{Name: quote.Safe(c.Name), KeyName: quote.Safe(c.KeyName), Time: c.Time}
	}
	out.Untrusted = shownAll(w.Untrusted)
	out.Invalid = shownAll(w.Invalid)
	return &out
}

func shownAll(list []string) []string {
	var out []string
	for _, s := range list {
		out = append(out, quote.Safe(s))
	}
	return out
}
