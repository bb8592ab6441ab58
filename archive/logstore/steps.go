package logstore

import (
	"encoding/hex"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
)

// Step is one event of a document's provenance chain, as a timeline shows
// it.
type Step struct {
	Index int64
	Event *provenance.Event // nil when the event could not be read (see Bad)
	// Generation is 0 for the oldest ancestor, rising through
	// derivations to the document itself.
	Generation int
	// Checkpoint is the size of the first checkpoint that covers the
	// event; 0 if none does yet.
	Checkpoint int64
	Bad        string // why the event could not be read
}

// ChainSteps returns the events of doc's chain (see Chain), oldest first,
// each with the checkpoint that first covers it and its generation. An
// event that cannot be read is a step with Bad set, not an error.
func ChainSteps(db *badger.DB, doc [32]byte) ([]Step, error) {
	idx, err := Chain(db, doc)
	if err != nil {
		return nil, err
	}
	cps, err := Checkpoints(db)
	if err != nil {
		return nil, err
	}
	steps := make([]Step, len(idx))
	for k, i := range idx {
		steps[k].Index = i
		for _, cp := range cps {
			if cp.Size > i {
				steps[k].Checkpoint = cp.Size
				break
			}
		}
		b, err := ReadEvent(db, i)
		if err == nil {
			steps[k].Event, err = provenance.ParseEvent(b)
		}
		if err != nil {
			steps[k].Bad = err.Error()
		}
	}
	setGenerations(steps, hex.EncodeToString(doc[:]))
	return steps, nil
}

// setGenerations numbers the steps' documents by their depth below doc
// (hex ID): 0 for doc itself, 1 for its parents… found newest first,
// since a derivation comes after its parents arrived; then turns depths
// into generations, the deepest ancestor being 0.
func setGenerations(steps []Step, doc string) {
	depth := map[string]int{doc: 0}
	for k := len(steps) - 1; k >= 0; k-- {
		ev := steps[k].Event
		if ev == nil || ev.Type != provenance.Derive {
			continue
		}
		if d, ok := depth[ev.Doc]; ok {
			for _, pid := range ev.Parents {
				if old, seen := depth[pid]; !seen || old < d+1 {
					depth[pid] = d + 1
				}
			}
		}
	}
	maxDepth := 0
	for _, d := range depth {
		maxDepth = max(maxDepth, d)
	}
	for k := range steps {
		d := 0
		if ev := steps[k].Event; ev != nil {
			if dd, ok := depth[ev.Doc]; ok {
				d = dd
			}
		}
		steps[k].Generation = maxDepth - d
	}
}
