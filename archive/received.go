package archive

// A receive must be safe to repeat. A receive that stopped half way (a
// file vanished, the disk filled, the user cancelled) leaves the
// documents it committed, each complete with its event; the next receive
// of the same bundle must finish the work without recording those
// documents a second time, or every retry would add duplicate events
// that claim the document arrived again.

import (
	"slices"
	"sync"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
)

// receivedBefore tells which documents this archive already received
// from one bundle. It is safe for concurrent use.
type receivedBefore struct {
	a   *Archive
	opt ReceiveOptions
	mu  sync.Mutex
	ids map[string]bool // document ID → received before
}

// check reports whether the document rec, arriving as the bag file f,
// was already received from this bundle: for a bundle with provenance,
// its log holds a receive event of the same bundle id and origin naming
// it; for a bag without provenance, the document already carries the
// name f.Name under the bag's source label.
func (r *receivedBefore) check(rec *catalog.Record, f *ReceiveFile) (bool, error) {
	var seen bool
	if r.opt.Origin == "" {
		seen = slices.ContainsFunc(rec.Names, func(n catalog.Name) bool {
			return n.Bytes() == f.Name && n.Source == r.opt.Source
		})
	} else {
		var err error
		if seen, err = r.inLog(rec.ID); err != nil {
			return false, err
		}
	}
	if seen {
		r.mu.Lock()
		if r.ids == nil {
			r.ids = map[string]bool{}
		}
		r.ids[rec.ID] = true
		r.mu.Unlock()
	}
	return seen, nil
}

// inLog looks for a receive event of this bundle naming the document id
// among the events naming it.
func (r *receivedBefore) inLog(id string) (bool, error) {
	doc, err := provenance.ParseDocID(id)
	if err != nil {
		return false, err
	}
	chain, err := logstore.DocEvents(r.a.db, doc)
	if err != nil {
		return false, err
	}
	for _, i := range chain {
		b, err := logstore.ReadEvent(r.a.db, i)
		if err != nil {
			return false, err
		}
		ev, err := provenance.ParseEvent(b)
		if err != nil {
			return false, err
		}
		if ev.Type == provenance.Receive && ev.Bundle == r.opt.Bundle && ev.Origin == r.opt.Origin && slices.Contains(ev.Docs, id) {
			return true, nil
		}
	}
	return false, nil
}

// count reports how many of the imported files were received before.
func (r *receivedBefore) count(res *ImportResult) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, f := range res.Files {
		if r.ids[f.ID] {
			n++
		}
	}
	return n
}
