package archive

import (
	"github.com/custody-app/custody/archive/catalog"
	badger "github.com/dgraph-io/badger/v4"
)

// keepHeld returns the hook that runs in the transaction of each receive
// event: it keeps the sender's proof material of the document (see
// archive/heldstore) and the derivation the sender disclosed, so that
// both go on with the document to whoever it is bundled for next.
func keepHeld(opt ReceiveOptions, byJob map[string]*ReceiveFile) func(*badger.Txn, *catalog.Record, catalog.Name) error {
	return func(txn *badger.Txn, rec *catalog.Record, name catalog.Name) error {
		f := byJob[name.Bytes()]
		if f == nil || opt.Origin == "" || opt.Forced {
			return nil
		}
		if f.Kind != "" && len(f.Parents) > 0 && rec.Kind == "" && len(rec.Parents) == 0 {
			rec.Kind, rec.Parents = f.Kind, f.Parents
			if err := catalog.Put(txn, rec); err != nil {
				return err
			}
		}
		if opt.keeper == nil {
			return nil
		}
		return opt.keeper.Put(txn, rec.Sum(), f.Held)
	}
}
