package archive

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive/pack"
	badger "github.com/dgraph-io/badger/v4"
)

// Remote copies (archive/remote) are remembered in the store under
// remote/<name>: where each is and what was last pushed and checked, as
// that package's JSON. Credentials are never among them. These keys are
// the archive's own bookkeeping, not its evidence: they are left out of
// the snapshots a push uploads, so a clone starts with no remotes.

// PrefixRemote begins the keys of remote copies.
var PrefixRemote = []byte("remote/")

// ErrNoRemote means no remote of that name is known.
var ErrNoRemote = errors.New("no such remote")

func remoteKey(name string) []byte { return append(append([]byte(nil), PrefixRemote...), name...) }

// PutRemote stores what is known of remote name.
func (a *Archive) PutRemote(name string, state []byte) error {
	if a.cfg.ReadOnly {
		return ErrReadOnly
	}
	return a.db.Update(func(txn *badger.Txn) error { return txn.Set(remoteKey(name), state) })
}

// Remote returns what is known of remote name, or ErrNoRemote.
func (a *Archive) Remote(name string) ([]byte, error) {
	var v []byte
	err := a.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(remoteKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("%w: %q", ErrNoRemote, name)
		}
		if err != nil {
			return err
		}
		v, err = item.ValueCopy(nil)
		return err
	})
	return v, err
}

// EachRemote calls fn with every remote, by name.
func (a *Archive) EachRemote(fn func(name string, state []byte) error) error {
	return a.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: PrefixRemote, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if err := fn(string(bytes.TrimPrefix(it.Item().Key(), PrefixRemote)), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveRemote forgets remote name (the copy itself stays where it is).
func (a *Archive) RemoveRemote(name string) error {
	if _, err := a.Remote(name); err != nil {
		return err
	}
	return a.db.Update(func(txn *badger.Txn) error { return txn.Delete(remoteKey(name)) })
}

// ReadingPacksFrom returns a view of the archive whose documents' packed
// bytes are read from s (a remote copy's pack files, below the archive's
// encryption) instead of the local pack folder: the same records, the
// same checks, another copy of the bytes. The view shares the archive's
// store and lock; closing it closes s only. It must not outlive a.
// source names the copy in repair events ("remote copy s3://…").
func (a *Archive) ReadingPacksFrom(s pack.Storage, source string) (*Archive, error) {
	var ps pack.Storage = s
	if len(a.cfg.EncryptionKey) > 0 {
		e, err := pack.Encrypt(s, a.cfg.EncryptionKey)
		if err != nil {
			return nil, err
		}
		ps = e
	}
	cfg := a.cfg
	cfg.ReadOnly = true
	return &Archive{dir: a.dir, folder: a.folder, lk: a.lk, db: a.db, pk: ps, log: a.log, cfg: cfg,
		id: a.id, pub: a.pub, view: true, source: source}, nil
}
