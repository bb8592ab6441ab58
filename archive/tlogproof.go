package archive

import (
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/tlogproof"
)

// withCosignatures returns the proof file b with the kept cosignatures
// of its checkpoint appended to the checkpoint note, as signed-note
// signature lines (unchanged when there are none).
func (a *Archive) withCosignatures(b []byte) ([]byte, error) {
	p, err := provenance.ParseProof(b)
	if err != nil {
		return nil, err
	}
	cp, err := provenance.ParseUnverified(p.Checkpoint)
	if err != nil {
		return nil, err
	}
	lines, err := a.Cosignatures(cp)
	if err != nil || len(lines) == 0 {
		return b, err
	}
	p.Checkpoint = append(append([]byte(nil), p.Checkpoint...), lines...)
	return provenance.MarshalProof(p)
}

// ProveTlog writes a c2sp.org/tlog-proof@v1 proof that doc was recorded:
// the event that introduced it (its ingest, derive or receive; sealed,
// so private fields appear only as commitments) as the extra data, its
// index and inclusion proof, and the latest checkpoint with the
// witnesses' cosignatures.
func (a *Archive) ProveTlog(doc [32]byte) ([]byte, error) {
	b, err := a.ProveWith(doc, logstore.ProofOptions{})
	if err != nil {
		return nil, err
	}
	p, err := provenance.ParseProof(b)
	if err != nil {
		return nil, err
	}
	id := hex.EncodeToString(doc[:])
	for _, e := range p.Events {
		var open []provenance.Opening
		for _, o := range e.Open {
			if (o.Field == "doc" || o.Field == "docs") && o.Value == id {
				open = append(open, o)
			}
		}
		v, err := provenance.OpenEvent(e.Event, open)
		if err != nil {
			continue
		}
		intro := (v.Type == provenance.Ingest || v.Type == provenance.Derive) && v.Doc == id ||
			v.Type == provenance.Receive && slices.Contains(v.Docs, id)
		if intro {
			tp := &tlogproof.Proof{Extra: tlogproof.EncodeEntry(&tlogproof.Entry{Event: e.Event, Open: open}), Index: e.Index, Path: e.Proof, Checkpoint: p.Checkpoint}
			return tp.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("no event of the log introduces document %s", id[:16])
}
