// Package truststore keeps the verifier keys an archivist trusts, in the
// archive's Badger store under trust/<name>: the people and archives whose
// signed checkpoints a bundle check may call INTACT rather than SIGNER
// UNKNOWN.
//
// What a record holds and which records may stand side by side are
// archive/keys' rules (keys.Trusted); this package only stores them, one
// transaction per change, so two records can never conflict.
package truststore

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
)

// prefix starts the Badger keys of the trust store.
const prefix = "trust/"

// Trust adds a verifier key to the trust store under name. how records how
// its fingerprint was confirmed (for example "read aloud by phone"). It
// refuses malformed, non-Ed25519 and weak keys, a name already in use for
// another key, and a key already trusted under another name. Trusting the
// same key under the same name again changes nothing.
func Trust(db *badger.DB, name, vkey, how string) error {
	rec, err := keys.NewTrusted(name, vkey, how, time.Now())
	if err != nil {
		return err
	}
	val, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	return db.Update(func(txn *badger.Txn) error {
		list, err := listTxn(txn)
		if err != nil {
			return err
		}
		present, err := rec.Joins(list)
		if err != nil || present {
			return err
		}
		return txn.Set([]byte(prefix+name), val)
	})
}

// Untrust removes the trusted key with the given name.
func Untrust(db *badger.DB, name string) error {
	if err := keys.CheckTrustName(name); err != nil {
		return err
	}
	key := []byte(prefix + name)
	return db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
			return keys.NotTrusted(name)
		} else if err != nil {
			return err
		}
		return txn.Delete(key)
	})
}

// List returns the trusted keys in name order. A damaged record is an
// error naming it, never silently skipped.
func List(db *badger.DB) ([]keys.Trusted, error) {
	var list []keys.Trusted
	err := db.View(func(txn *badger.Txn) error {
		var err error
		list, err = listTxn(txn)
		return err
	})
	return list, err
}

// Verifiers returns the trusted keys for note.Open. Every stored key is
// parsed again, so a record edited in the store cannot bring in a weak
// key.
func Verifiers(db *badger.DB) (note.Verifiers, error) {
	list, err := List(db)
	if err != nil {
		return nil, err
	}
	return keys.TrustedVerifiers(list)
}

// listTxn reads and checks every trust/ record.
func listTxn(txn *badger.Txn) ([]keys.Trusted, error) {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = []byte(prefix)
	it := txn.NewIterator(opt)
	defer it.Close()
	var list []keys.Trusted
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		name := string(item.Key()[len(prefix):])
		val, err := item.ValueCopy(nil)
		if err != nil {
			return nil, fmt.Errorf("reading trusted key %q: %w", name, err)
		}
		t, err := keys.DecodeTrusted(name, val)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, nil
}
