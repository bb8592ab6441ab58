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
	Files          []File
	Bytes          int64
	Events         []PreviewEvent
	CheckpointSize int64
	Disclose       provenance.Choices
	WithAncestors  bool
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
	for _, e := range events {
		v, err := provenance.OpenEvent(e.Event, e.Open)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Index, err)
		}
		p.Events = append(p.Events, PreviewEvent{Index: e.Index, View: v})
	}
	return p, nil
}
