package archive

import (
	"errors"

	"github.com/custody-app/custody/archive/provenance"
	badger "github.com/dgraph-io/badger/v4"
)

// RecordVerify logs that a check was made and what it concluded: a verify
// event whose what names the check and the SHA-256 of the report written
// for it ("archive check; report sha256:…"), and whose verdict is the
// check's. A report shown later is matched to its check by that hash.
// Like every event, its fields are sealed: a bundle or proof that carries
// the event discloses neither unless chosen. It then signs a checkpoint
// over the new event.
func (a *Archive) RecordVerify(what, verdict string) (int64, error) {
	if a.cfg.ReadOnly {
		return 0, errors.New("the archive is open read-only")
	}
	if _, err := a.signer(); err != nil {
		return 0, err
	}
	var index int64
	a.wmu.Lock()
	err := a.db.Update(func(txn *badger.Txn) error {
		var err error
		index, err = a.appendEvent(txn, &provenance.Event{Type: provenance.Verify, What: what, Verdict: verdict})
		return err
	})
	a.wmu.Unlock()
	if err != nil {
		return 0, err
	}
	_, err = a.Checkpoint()
	return index, err
}
