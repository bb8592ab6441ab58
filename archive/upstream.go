package archive

import (
	"fmt"

	"github.com/custody-app/custody/archive/heldstore"
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/provenance"
	"golang.org/x/mod/sumdb/note"
)

// Upstream is one signed log a received document passed through before
// it came here, as the archive kept it on receipt (archive/heldstore):
// the sender's own log (Depth 0), the log the sender had it from (1), …
type Upstream struct {
	Origin      string
	KeyName     string
	Fingerprint string
	VerifierKey string
	Size        int64 // of the signed checkpoint
	Depth       int
	// Trusted is true when this archive's trust store holds the key,
	// under the name TrustedAs.
	Trusted   bool
	TrustedAs string
	// Bad says why the kept checkpoint no longer verifies under the kept
	// key ("" when it does): the store was damaged.
	Bad    string
	Events []UpstreamEvent
}

// UpstreamEvent is one kept event of another archive's log: what it
// discloses (View), or why it cannot be read (Bad).
type UpstreamEvent struct {
	Index int64
	Leaf  []byte               // the event's leaf bytes (its sealed form), as received
	Open  []provenance.Opening // the openings received
	View  *provenance.View
	Bad   string
}

// Upstream returns the signed logs doc passed through before it was
// received here, with the events of its chain in each, as received
// (nothing for a document this archive did not receive).
func (a *Archive) Upstream(doc [32]byte) ([]Upstream, error) {
	logs, err := heldstore.ForDocs(a.db, [][32]byte{doc})
	if err != nil {
		return nil, err
	}
	trusted, _ := a.TrustList()
	var out []Upstream
	for _, l := range logs {
		u := Upstream{VerifierKey: l.Key, Depth: l.Depth}
		v, info, err := keys.ParseVerifierKey(l.Key)
		var cp *provenance.Checkpoint
		if err == nil {
			u.KeyName, u.Fingerprint = info.Name, info.Fingerprint
			cp, err = provenance.ParseCheckpoint(l.Checkpoint, note.VerifierList(v))
		}
		if err != nil {
			u.Bad = fmt.Sprintf("the kept checkpoint does not verify: %v", err)
			cp, _ = provenance.ParseUnverified(l.Checkpoint)
		}
		if cp != nil {
			u.Origin, u.Size = cp.Origin, cp.Size
		}
		for _, t := range trusted {
			if info != nil && t.Fingerprint == info.Fingerprint {
				u.Trusted, u.TrustedAs = true, t.Name
			}
		}
		for _, e := range l.Events {
			ue := UpstreamEvent{Index: e.Index, Leaf: e.Event, Open: e.Open}
			if ue.View, err = provenance.OpenEvent(e.Event, e.Open); err != nil {
				ue.Bad = err.Error()
			} else if cp != nil && u.Bad == "" {
				if err := provenance.CheckEvent(cp, e.Index, e.Event, e.Proof); err != nil {
					ue.Bad = err.Error()
				}
			}
			u.Events = append(u.Events, ue)
		}
		out = append(out, u)
	}
	return out, nil
}
