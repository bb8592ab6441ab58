package logstore

import (
	"encoding/hex"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
)

// ChainSteps returns the events of doc's chain (see Chain), oldest first,
// each with the checkpoint that first covers it and its generation. An
// event that cannot be read is a step with Bad set, not an error.
func ChainSteps(db *badger.DB, doc [32]byte) ([]provenance.Step, error) {
	idx, err := Chain(db, doc)
	if err != nil {
		return nil, err
	}
	cps, err := Checkpoints(db)
	if err != nil {
		return nil, err
	}
	steps := make([]provenance.Step, len(idx))
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
	provenance.SetGenerations(steps, hex.EncodeToString(doc[:]))
	return steps, nil
}
