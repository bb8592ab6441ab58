package check

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// View is the result as the page draws it. Every string in it is text
// as shown (through quote.Safe, as in a report.Document); the page puts
// them into the page as text, never as markup.
type View struct {
	Verdict  string `json:"verdict"`
	Headline string `json:"headline"`
	Meaning  string `json:"meaning"`
	Tone     string `json:"tone"` // good, caution, bad, inconclusive
	Subject  string `json:"subject"`
	BundleID string `json:"bundle_id,omitempty"`
	Signer   string `json:"signer,omitempty"` // "Signed by …", or empty
	// Trust says what the signer's name rests on: the keys the reader gave.
	Trust  string         `json:"trust"`
	Docs   []DocView      `json:"docs"`
	Chain  []HopView      `json:"chain"`
	Events []EventGroup   `json:"events"`
	Checks []report.Check `json:"checks"`
	// Findings are the problems and warnings, problems first.
	Findings []report.Finding `json:"findings"`
	Evidence string           `json:"evidence,omitempty"`
}

// DocView is one payload document: VERIFIED, DAMAGED or MISSING.
type DocView struct {
	State    string   `json:"state"`
	Path     string   `json:"path"`
	Name     string   `json:"name"`
	Doc      string   `json:"doc"`
	Size     int64    `json:"size"`
	MadeFrom []string `json:"made_from,omitempty"`
}

// HopView is one step of the chain of custody, oldest first.
type HopView struct {
	Step    string `json:"step"`    // "hop 2", "the sender"
	Who     string `json:"who"`     // the signer as report.Signer words it
	Key     string `json:"key"`     // its fingerprint
	Trusted bool   `json:"trusted"` // by a key the reader gave
	Log     string `json:"log"`     // origin and size
	Link    string `json:"link"`    // whose receive links it
}

// EventGroup is the events of one log with what each discloses.
type EventGroup struct {
	Log    string                  `json:"log"`
	Events []report.DisclosedEvent `json:"events"`
	More   int                     `json:"more,omitempty"` // events not listed (past maxEvents)
}

// maxEvents bounds the events a group lists; the check reads them all.
const maxEvents = 2000

var toneWords = map[report.Tone]string{report.Good: "good", report.Caution: "caution", report.Bad: "bad", report.Inconclusive: "inconclusive"}

func newView(res *bundle.Result, d *report.Document, g *given, fsys fs.FS) *View {
	v := &View{Verdict: string(d.Verdict), Headline: d.Headline, Meaning: d.Meaning, Tone: toneWords[d.Tone],
		Subject: d.Subject, BundleID: d.BundleID, Checks: d.Checks, Evidence: d.Evidence}
	v.Findings = append(append([]report.Finding{}, d.Findings...), d.Warnings...)
	nkeys, nseen := 0, 0
	if g != nil {
		nkeys, nseen = len(g.trusted), len(g.seen)
	}
	switch nkeys {
	case 0:
		v.Trust = "You gave no trusted keys, so no signer can be trusted: at best the signer is unknown."
	default:
		v.Trust = fmt.Sprintf("Checked against the %d key(s) you gave this page, as a fresh archive that trusts exactly those keys.", nkeys)
	}
	if nseen == 0 {
		v.Trust += " You gave no checkpoint seen before, and the page remembers none between checks, so a fork (a sender showing different histories to different people) cannot show here."
	} else {
		v.Trust += fmt.Sprintf(" Compared with the %d checkpoint(s) you gave as seen before.", nseen)
	}
	if s := d.Signer; s != nil {
		v.Signer = "Signed by " + s.Who() + ", log " + s.Origin
	}
	v.Findings = append(v.Findings, []report.Finding{}...)
	v.Events = []EventGroup{}
	v.Docs = docs(res, d)
	v.Chain = chain(res)
	if res.Provenance && fsys != nil {
		v.Events = events(fsys, res)
	}
	return v
}

// docs gives each payload document its state; a file the manifest lists
// and the bag lacks is MISSING.
func docs(res *bundle.Result, d *report.Document) []DocView {
	out := []DocView{}
	have := map[string]bool{}
	for _, f := range d.Files {
		state := "VERIFIED"
		if !f.Verified {
			state = "DAMAGED"
		}
		have[f.Path] = true
		out = append(out, DocView{State: state, Path: f.Path, Name: f.Name, Doc: f.Doc, Size: f.Size, MadeFrom: slices.Concat(f.MadeFrom, f.DKIM)})
	}
	for _, f := range res.Report.Findings {
		if f.Code == bag.PayloadMissing && !have[quote.Safe(f.Path)] {
			have[quote.Safe(f.Path)] = true
			out = append(out, DocView{State: "MISSING", Path: quote.Safe(f.Path), Name: quote.Safe(f.Path), Doc: quote.Safe(f.Doc)})
		}
	}
	return out
}

// chain lists the logs the documents passed through, the furthest
// upstream first, the bundle's own signer last.
func chain(res *bundle.Result) []HopView {
	out := []HopView{}
	for k := len(res.Hops) - 1; k >= 0; k-- {
		h := res.Hops[k]
		hv := HopView{Step: "hop " + strconv.Itoa(h.N), Log: fmt.Sprintf("log %s at size %d, %d event(s) in the bundle", quote.Safe(h.Origin), h.Size, h.Events)}
		hv.Who, hv.Key, hv.Trusted = signerWords(h.Signer)
		switch {
		case h.ReceivedBy == 0:
			hv.Link = "received by the bundle's signer"
		case h.ReceivedBy > 0:
			hv.Link = fmt.Sprintf("received by hop %d", h.ReceivedBy)
		default:
			hv.Link = "not linked: no receive event in the bundle names this log"
		}
		out = append(out, hv)
	}
	if cp := res.Checkpoint; cp != nil {
		hv := HopView{Step: "the sender", Log: fmt.Sprintf("log %s at size %d", quote.Safe(cp.Origin), cp.Size), Link: "signed the bundle's checkpoint"}
		hv.Who, hv.Key, hv.Trusted = signerWords(res.Signer)
		out = append(out, hv)
	}
	return out
}

func signerWords(s *bundle.Signer) (who, key string, trusted bool) {
	if s == nil {
		return "no valid signature", "", false
	}
	rs := report.ShownSigner(report.Signer{Fingerprint: s.Fingerprint, Origin: s.Origin, Trusted: s.Trusted, Name: s.TrustedAs, How: s.How, KeyName: s.KeyName})
	return rs.Label(), rs.Fingerprint, s.Trusted
}

// events reads what each log's events disclose, in the words of
// report.Describe. They are the bytes the bundle carries: the findings
// say which of them are not proven.
func events(fsys fs.FS, res *bundle.Result) []EventGroup {
	out := []EventGroup{}
	read := func(log, name string) {
		f, err := fsys.Open(name)
		if err != nil {
			return
		}
		defer f.Close()
		g := EventGroup{Log: log, Events: []report.DisclosedEvent{}}
		bundle.ReadEvents(f, func(_ int, idx int64, ev []byte, open []provenance.Opening) error {
			view, err := provenance.OpenEvent(ev, open)
			if err != nil {
				return nil
			}
			if len(g.Events) >= maxEvents {
				g.More++
				return nil
			}
			d := report.Describe(idx, view)
			d.What, d.Time, d.Type = quote.Safe(d.What), quote.Safe(d.Time), quote.Safe(d.Type)
			for k := range d.Shown {
				d.Shown[k] = quote.Safe(d.Shown[k])
			}
			for k := range d.Withheld {
				d.Withheld[k] = quote.Safe(d.Withheld[k])
			}
			g.Events = append(g.Events, d)
			return nil
		})
		out = append(out, g)
	}
	origin := "the sender's log"
	if cp := res.Checkpoint; cp != nil {
		origin = "the sender's log " + quote.Safe(cp.Origin)
	}
	read(origin, bundleformat.FileEvents)
	for _, h := range res.Hops {
		read(fmt.Sprintf("hop %d: log %s", h.N, quote.Safe(h.Origin)), bundleformat.HopFile(h.N, bundleformat.FileEvents))
	}
	return out
}
