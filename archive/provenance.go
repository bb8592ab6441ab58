package archive

import (
	"github.com/custody-app/custody/archive/catalog"
	badger "github.com/dgraph-io/badger/v4"
)

// logIngest appends the ingest event of a document's new name inside the
// transaction that commits it.
func (a *Archive) logIngest(txn *badger.Txn, rec *catalog.Record, name catalog.Name) error {
	return nil
}

// afterCommit runs after a batch of events was committed, under the write
// lock.
func (a *Archive) afterCommit() error { return nil }
