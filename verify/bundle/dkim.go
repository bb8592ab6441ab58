package bundle

import (
	"fmt"
	"io"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/dkim"
	"github.com/custody-app/custody/verify/report"
)

// checkDKIM re-runs, offline, the DKIM check of every message whose
// recorded outcome the bundle discloses, with the key records it carries
// (custody/dkim-keys.json) and at the time the sender's outcome states,
// and compares. A message that agrees says so on its file; one that does
// not is a problem.
func (p *prover) checkDKIM() {
	type recorded struct {
		index int64
		doc   string
		o     dkimrecord.Outcome
	}
	var outs []recorded
	for _, e := range p.proven {
		v := e.v
		if v.Type != provenance.DKIM || v.Doc == "" || v.Verdict == "" || v.What == "" {
			continue
		}
		o, err := dkimrecord.ParseOutcome(v.Verdict, v.What, v.Source)
		if err != nil {
			p.add(report.Finding{Code: DKIMDisagrees, Path: bundleformat.FileEvents, Doc: v.Doc,
				Message: fmt.Sprintf("event %d: the recorded DKIM outcome cannot be read: %v", e.pe.Index, err)})
			continue
		}
		outs = append(outs, recorded{e.pe.Index, v.Doc, o})
	}
	if len(outs) == 0 {
		return
	}
	var keys []dkimrecord.Key
	if b, ok := p.readFile(bundleformat.FileDKIMKeys, bundleformat.MaxDKIMKeysFile, false); ok {
		var err error
		if keys, err = bundleformat.ParseDKIMKeys(b); err != nil {
			p.add(report.Finding{Code: FileMalformed, Path: bundleformat.FileDKIMKeys, Message: err.Error()})
			keys = nil
		}
	}
	byHash := map[string]dkimrecord.Key{}
	for _, k := range keys {
		byHash[k.Hash()] = k
	}
	for _, r := range outs {
		f := p.fileOf(r.doc)
		if f == nil || !f.Verified {
			continue // not in the payload, or its bytes are already reported
		}
		if r.o.KeyHash != "" {
			k, ok := byHash[r.o.KeyHash]
			if !ok || k.Source != r.o.KeySource {
				p.add(report.Finding{Code: DKIMDisagrees, Path: f.Path, Doc: r.doc, Expected: "key record sha256:" + r.o.KeyHash,
					Found: "none with that hash and source", Message: fmt.Sprintf("event %d recorded %s, but the key record it used is not in %s", r.index, r.o.Summary(), bundleformat.FileDKIMKeys)})
				continue
			}
		}
		path := f.Path
		var opened []io.Closer
		open := func() (io.Reader, error) {
			f, err := p.fsys.Open(path)
			if err == nil {
				opened = append(opened, f)
			}
			return f, err
		}
		got, err := dkim.Check(open, dkim.Options{Keys: keys, At: r.o.At})
		for _, c := range opened {
			c.Close()
		}
		if err != nil {
			p.add(report.Finding{Code: ReadFailed, Path: path, Doc: r.doc, Message: "the message could not be read to check its DKIM signature: " + err.Error()})
			continue
		}
		if !got.Agrees(r.o) {
			p.add(report.Finding{Code: DKIMDisagrees, Path: path, Doc: r.doc, Expected: r.o.Summary(), Found: got.Summary(),
				Message: fmt.Sprintf("the sender recorded DKIM %s (event %d); checked here it is %s", r.o.Summary(), r.index, got.Summary())})
			continue
		}
		f.DKIM = append(f.DKIM, fmt.Sprintf("DKIM %s, the sender's outcome (event %d) checked again here, x= judged at %s", got.Summary(), r.index, got.At.Format("2006-01-02T15:04:05Z")))
	}
}

func (p *prover) fileOf(doc string) *File {
	for i := range p.res.Files {
		if p.res.Files[i].Doc == doc {
			return &p.res.Files[i]
		}
	}
	return nil
}
