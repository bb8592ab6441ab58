package bundlewriter

import (
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/provenance"
)

// Preview is what a bundle made with the same options would let its
// receiver read: the payload files, and each event as the receiver will
// see it (its public fields, the fields opened, the fields withheld).
// It is made from the very openings Create would write, so "know before
// you send" cannot differ from what is sent.
type Preview struct {
	Files  []File
	Bytes  int64
	Events []PreviewEvent
	// Hops are the upstream logs that go too (documents received from
	// other archives), each with its events as the receiver will see them.
	Hops           []PreviewHop
	CheckpointSize int64
	Disclose       provenance.Choices
	WithAncestors  bool
}

// PreviewHop is one upstream log of a preview.
type PreviewHop struct {
	Origin string // the upstream log's origin
	Key    string // the key that signed its checkpoint
	Events []PreviewEvent
}

// PreviewEvent is one event of a preview.
type PreviewEvent struct {
	Index int64
	View  *provenance.View
}

// Plan computes the Preview of opt without writing or recording anything.
// It uses the latest signed checkpoint; events appended since (a crash
// before signing) are left out, as Create would sign them first.
func Plan(a *archive.Archive, opt Options) (*Preview, error) {
	recs, err := selectRecords(a, opt.Docs, opt.WithAncestors)
	if err != nil {
		return nil, err
	}
	cp, err := a.LatestCheckpoint()
	if err != nil {
		return nil, err
	}
	if cp == nil {
		return nil, errors.New("the archive's log is empty; there is nothing to prove")
	}
	events, err := chainEvents(a, recs, cp, opt)
	if err != nil {
		return nil, err
	}
	p := &Preview{CheckpointSize: cp.Size, Disclose: opt.Disclose, WithAncestors: opt.WithAncestors}
	for i, path := range assignPaths(recs) {
		r := recs[i]
		p.Files = append(p.Files, File{Path: path, Doc: r.ID, Name: r.FirstName(), Size: r.Size})
		p.Bytes += r.Size
	}
	if p.Events, err = previewEvents(events); err != nil {
		return nil, err
	}
	shown := map[string]bool{}
	for _, r := range recs {
		shown[r.ID] = true
	}
	hops, err := hopLogs(a, recs, opt.Disclose, func(id string) bool { return shown[id] })
	if err != nil {
		return nil, err
	}
	for _, h := range hops {
		ph := PreviewHop{Key: h.Key}
		if cp, err := provenance.ParseUnverified(h.Checkpoint); err == nil {
			ph.Origin = cp.Origin
		}
		if ph.Events, err = previewEvents(h.Events); err != nil {
			return nil, err
		}
		p.Hops = append(p.Hops, ph)
	}
	return p, nil
}

func previewEvents(events []provenance.ProvenEvent) ([]PreviewEvent, error) {
	var out []PreviewEvent
	for _, e := range events {
		v, err := provenance.OpenEvent(e.Event, e.Open)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Index, err)
		}
		out = append(out, PreviewEvent{Index: e.Index, View: v})
	}
	return out, nil
}
