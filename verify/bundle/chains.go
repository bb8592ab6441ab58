package bundle

import (
	"fmt"
	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/quote"
	"io"
	"slices"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// checkDocs checks that every payload file is a document introduced by a
// proven event, and that every derivation's parents are introduced too.
func (p *prover) checkDocs() {
	if !p.eventsRead {
		return
	}
	hasSHA := false
	for _, f := range p.res.Files {
		hasSHA = hasSHA || f.Doc != ""
	}
	if !hasSHA && len(p.res.Files) > 0 {
		p.add(report.Finding{Code: NoSHA256, Path: "manifest-sha256.txt", Expected: "a SHA-256 payload manifest", Found: "none",
			Message: "the bag has no SHA-256 manifest, so its files cannot be matched to the documents of the log"})
		return
	}
	for i := range p.res.Files {
		f := &p.res.Files[i]
		if f.Doc == "" {
			continue // not in the manifest: the bag layer reports it
		}
		idx, ok := p.introduced[f.Doc]
		if !ok {
			p.add(report.Finding{Code: DocWithoutEvent, Path: f.Path, Doc: f.Doc,
				Expected: "an ingest, derive or receive event for this document in custody/events.jsonl, proven in the checkpoint",
				Found:    "none", Message: "nothing proven by the signed log says where this document came from: its event is missing or was altered, or the file was put in the bundle afterwards"})
			continue
		}
		f.Event = &idx
	}
	for _, d := range p.derives {
		for i, parent := range d.parents {
			if parent == "" {
				// Withheld: the event that introduced it must be here, sealed.
				if i >= len(d.parentEvents) || p.introducer[d.parentEvents[i]] == "" {
					at := int64(-1)
					if i < len(d.parentEvents) {
						at = d.parentEvents[i]
					}
					p.add(report.Finding{Code: ChainIncomplete, Path: bundleformat.FileEvents, Doc: d.doc,
						Expected: fmt.Sprintf("the event at index %d that recorded the original", at), Found: "none",
						Message: fmt.Sprintf("event %d derives %s from a withheld document recorded at index %d, but that event is not proven here (an event was removed)", d.index, short(d.doc), at)})
				}
				continue
			}
			if _, ok := p.introduced[parent]; !ok {
				p.add(report.Finding{Code: ChainIncomplete, Path: bundleformat.FileEvents, Doc: d.doc,
					Expected: "an event introducing the parent document " + parent, Found: "none",
					Message: fmt.Sprintf("event %d derives %s from %s, but no proven event says where that parent came from (an event was removed)", d.index, short(d.doc), short(parent))})
			}
		}
	}
	p.describeDerivations()
}

// describeDerivations tells, for each payload file made from others, what
// it was made from as far as the bundle discloses: a withheld original is
// "a document recorded at index N at time T".
func (p *prover) describeDerivations() {
	byDoc := map[string][]derivation{}
	for _, d := range p.derives {
		byDoc[d.doc] = append(byDoc[d.doc], d)
	}
	for i := range p.res.Files {
		f := &p.res.Files[i]
		for _, d := range byDoc[f.Doc] {
			var from []string
			for k, parent := range d.parents {
				switch {
				case parent != "":
					from = append(from, "document "+short(parent)+" (included)")
				case k < len(d.parentEvents):
					at := d.parentEvents[k]
					from = append(from, fmt.Sprintf("a document the signer recorded at log index %d at %s (not disclosed)", at, p.introducer[at]))
				}
			}
			f.Derivations = append(f.Derivations, Derivation{Kind: d.kind, Event: d.index, From: strings.Join(from, "; ")})
		}
	}
}

// checkNames reads custody/names.tsv (optional) and checks it against the
// payload; each file then carries its original name.
func (p *prover) checkNames() {
	f, err := p.fsys.Open(bundleformat.FileNames)
	if err != nil {
		// Optional: other tools need not write it. Each document is then
		// received under the first name the signed events give it.
		for i := range p.res.Files {
			if n := p.signedNames[p.res.Files[i].Doc]; len(n) > 0 {
				p.res.Files[i].Name = n[0]
			}
		}
		return
	}
	defer f.Close()
	names := map[string]NameEntry{}
	err = ReadNames(io.LimitReader(f, bundleformat.MaxNamesFile), func(e NameEntry) error {
		if _, dup := names[e.Path]; dup {
			return fmt.Errorf("line %d: %s is listed twice", e.Line, e.Path)
		}
		if len(names) >= len(p.res.Files)+1000 {
			return fmt.Errorf("line %d: far more lines than payload files", e.Line)
		}
		names[e.Path] = e
		return nil
	})
	if err != nil {
		p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileNames, Message: "custody/names.tsv: " + err.Error()})
		return
	}
	inPayload := map[string]bool{}
	for i := range p.res.Files {
		f := &p.res.Files[i]
		inPayload[f.Path] = true
		e, ok := names[f.Path]
		switch {
		case !ok:
			p.add(report.Finding{Code: NamesMismatch, Path: f.Path, Doc: f.Doc, Expected: "a line in custody/names.tsv", Found: "none",
				Message: "this payload file is not listed in custody/names.tsv: it was added or renamed after the bundle was made"})
		case f.Doc != "" && e.Doc != f.Doc:
			p.add(report.Finding{Code: NamesMismatch, Path: f.Path, Expected: e.Doc, Found: f.Doc,
				Message: "custody/names.tsv gives this file another document than the manifest"})
		case p.eventsRead && f.Doc != "" && len(p.signedNames[f.Doc]) > 0 && !slices.Contains(p.signedNames[f.Doc], quote.EscapeInvalid(e.Name)):
			p.add(report.Finding{Code: NameUnsigned, Path: f.Path, Doc: f.Doc, Expected: quote.Clip(quote.EscapeInvalid(p.signedNames[f.Doc][0])),
				Found:   quote.Clip(quote.EscapeInvalid(e.Name)),
				Message: "custody/names.tsv gives this document a name the sender's signed events do not: the name was rewritten after the bundle was made"})
			f.Name = p.signedNames[f.Doc][0]
		default:
			f.Name = e.Name
		}
	}
	if p.res.Report.Verdict != report.NoProvenance {
		return // the bag layer already reports missing files
	}
	for path, e := range names {
		if !inPayload[path] {
			p.add(report.Finding{Code: NamesMismatch, Path: path, Doc: e.Doc, Expected: "a payload file", Found: "none",
				Message: fmt.Sprintf("custody/names.tsv lists %s (originally %s), which is not in the bag: it was removed", path, quote.EscapeInvalid(e.Name))})
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func short(doc string) string {
	if len(doc) > 12 {
		return doc[:12]
	}
	return doc
}

// summarize records the outcome of each provenance check.
func (p *prover) summarize() {
	ok := func(check string) bool { return p.failed[check] == 0 }
	p.rep.AddCheck(CheckProvenance, ok(CheckProvenance), "custody/ files: checkpoint, keys.txt, events.jsonl, proofs.json, consistency.json, names.tsv")
	sig := p.sigDetail
	if sig == "" {
		sig = "not checked"
	}
	p.rep.AddCheck(CheckSignature, p.sigOK && ok(CheckSignature), sig)
	switch {
	case p.eventsRead:
		p.rep.AddCheck(CheckInclusion, ok(CheckInclusion), fmt.Sprintf("%s, %s. Each event's exact bytes are checked against the signed checkpoint of size %d",
			plural(p.events, "event"), plural(p.failed[CheckInclusion], "problem"), p.cp.Size))
		docs := 0
		for _, f := range p.res.Files {
			if f.Event != nil {
				docs++
			}
		}
		p.rep.AddCheck(CheckChains, ok(CheckChains), fmt.Sprintf("%d of %d payload files are documents introduced by a proven event; %s",
			docs, len(p.res.Files), plural(len(p.derives), "derivation")))
	default:
		p.rep.AddCheck(CheckInclusion, false, "not checked: the checkpoint, events or proofs could not be read")
		p.rep.AddCheck(CheckChains, false, "not checked: the events could not be verified")
	}
	if len(p.res.Hops) > 0 {
		p.rep.AddCheck(CheckHops, ok(CheckHops), p.hopsSummary())
	}
	defer func() {
		if p.historyDetail != "" {
			p.rep.AddCheck(CheckHistory, p.historyOK && ok(CheckHistory), p.historyDetail)
		}
	}()
	s := p.res.Signer
	var w report.Signer
	if s != nil {
		w = s.words()
	}
	switch {
	case s == nil:
		p.rep.AddCheck(CheckSigner, false, "unknown: no valid signature")
	case s.Trusted:
		p.rep.AddCheck(CheckSigner, true, fmt.Sprintf("trusted: %s (%s)", w.Who(), s.How))
	case p.opt.Archive == nil:
		p.rep.AddCheck(CheckSigner, false, fmt.Sprintf("%s: verified without an archive, so there is no trust store to consult; confirm the fingerprint with the sender", w.Who()))
	default:
		p.rep.AddCheck(CheckSigner, false, fmt.Sprintf("%s is not in your trust store. Confirm its fingerprint with the sender (read it aloud), then run: custody keys trust NAME %s", w.Who(), s.VerifierKey))
	}
}
