// Package tsastore keeps, in the archive's Badger store, what time
// stamping needs to remember: the time-stamping authorities the archive
// asks (tsa/<name>), the TSA roots its owner trusts when checking tokens
// (tsaroot/<name>), and the tokens themselves, each next to the
// checkpoint it vouches for (stamp/<8-byte size><name>).
//
// A token is written in its own transaction once it was fetched and
// checked (archive/tsa), and synced; a checkpoint without one for a
// configured TSA is simply "not yet stamped", to be asked for at the next
// chance. Nothing here talks to a TSA.
package tsastore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/dgraph-io/badger/v4"
)

// Key prefixes.
var (
	tsaPrefix   = []byte("tsa/")
	rootPrefix  = []byte("tsaroot/")
	stampPrefix = []byte("stamp/")
)

// TSA is one configured time-stamping authority.
type TSA struct {
	Name string `json:"-"`
	URL  string `json:"url"`
	// From is the size of the archive's checkpoint when the TSA was
	// added: it stamps that checkpoint and every later one.
	From  int64     `json:"from"`
	Added time.Time `json:"added"`
}

// Root is a trusted TSA root certificate (PEM, one or more).
type Root struct {
	Name  string    `json:"-"`
	PEM   string    `json:"pem"`
	Added time.Time `json:"added"`
}

// Stored is one token kept for a checkpoint.
type Stored struct {
	TSA   string // the local name of the TSA that gave it
	Token []byte // the TimeStampToken, DER
}

// ErrUnknown is wrapped when a name is not configured.
var ErrUnknown = errors.New("no such time-stamping authority")

// CheckURL refuses an address that is not http(s) with a host.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s is not a TSA address: give an http:// or https:// URL", quote.Safe(s))
	}
	return nil
}

// Add remembers a TSA under name (the trust store's name rules). The same
// name and URL again changes nothing; the name for another URL is refused.
func Add(db *badger.DB, t TSA) error {
	if err := keys.CheckTrustName(t.Name); err != nil {
		return err
	}
	if err := CheckURL(t.URL); err != nil {
		return err
	}
	val, err := json.Marshal(&t)
	if err != nil {
		return err
	}
	key := append(append([]byte{}, tsaPrefix...), t.Name...)
	return db.Update(func(txn *badger.Txn) error {
		list, err := listTSA(txn)
		if err != nil {
			return err
		}
		for _, o := range list {
			if o.Name == t.Name && o.URL == t.URL {
				return nil
			}
			if o.Name == t.Name {
				return fmt.Errorf("the name %s is already used for %s: remove it first", quote.Safe(t.Name), quote.Safe(o.URL))
			}
		}
		return txn.Set(key, val)
	})
}

// Remove forgets a TSA; the tokens it gave stay with their checkpoints.
func Remove(db *badger.DB, name string) error { return remove(db, tsaPrefix, name) }

// List returns the configured TSAs in name order.
func List(db *badger.DB) ([]TSA, error) {
	var list []TSA
	err := db.View(func(txn *badger.Txn) error {
		var err error
		list, err = listTSA(txn)
		return err
	})
	return list, err
}

func listTSA(txn *badger.Txn) ([]TSA, error) {
	var out []TSA
	err := each(txn, tsaPrefix, func(name string, v []byte) error {
		var t TSA
		if err := json.Unmarshal(v, &t); err != nil || CheckURL(t.URL) != nil {
			return fmt.Errorf("the time-stamping authority record %s is damaged", quote.Safe(name))
		}
		t.Name = name
		out = append(out, t)
		return nil
	})
	return out, err
}

// TrustRoot remembers the PEM roots under name, for checking tokens.
func TrustRoot(db *badger.DB, name string, pem []byte) error {
	if err := keys.CheckTrustName(name); err != nil {
		return err
	}
	if _, err := tsa.ParseRoots(pem); err != nil {
		return err
	}
	val, err := json.Marshal(&Root{PEM: string(pem), Added: time.Now().UTC()})
	if err != nil {
		return err
	}
	return db.Update(func(txn *badger.Txn) error { return txn.Set(append(append([]byte{}, rootPrefix...), name...), val) })
}

// UntrustRoot forgets the roots kept under name.
func UntrustRoot(db *badger.DB, name string) error { return remove(db, rootPrefix, name) }

// Roots returns the trusted TSA roots in name order.
func Roots(db *badger.DB) ([]Root, error) {
	var out []Root
	err := db.View(func(txn *badger.Txn) error {
		return each(txn, rootPrefix, func(name string, v []byte) error {
			var r Root
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("the TSA root record %s is damaged", quote.Safe(name))
			}
			r.Name = name
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

func stampKey(size int64, name string) []byte {
	k := binary.BigEndian.AppendUint64(append([]byte{}, stampPrefix...), uint64(size))
	return append(k, name...)
}

// Put keeps token for the checkpoint of size, from the TSA name, and
// syncs: a stamp once asked for is paid for.
func Put(db *badger.DB, size int64, name string, token []byte) error {
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set(stampKey(size, name), token) }); err != nil {
		return err
	}
	return db.Sync()
}

// Stamps returns the tokens kept for the checkpoint of size, by TSA name.
func Stamps(db *badger.DB, size int64) ([]Stored, error) {
	var out []Stored
	prefix := stampKey(size, "")
	err := db.View(func(txn *badger.Txn) error {
		return each(txn, prefix, func(name string, v []byte) error {
			out = append(out, Stored{TSA: name, Token: bytes.Clone(v)})
			return nil
		})
	})
	return out, err
}

// Index lists which TSAs stamped which checkpoint (by size), reading
// keys only.
func Index(db *badger.DB) (map[int64]map[string]bool, error) {
	out := map[int64]map[string]bool{}
	err := db.View(func(txn *badger.Txn) error {
		opt := badger.DefaultIteratorOptions
		opt.Prefix = stampPrefix
		opt.PrefetchValues = false
		it := txn.NewIterator(opt)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()[len(stampPrefix):]
			if len(k) < 8 {
				continue
			}
			size := int64(binary.BigEndian.Uint64(k[:8]))
			if out[size] == nil {
				out[size] = map[string]bool{}
			}
			out[size][string(k[8:])] = true
		}
		return nil
	})
	return out, err
}

func remove(db *badger.DB, prefix []byte, name string) error {
	key := append(append([]byte{}, prefix...), name...)
	return db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("%w: %s", ErrUnknown, quote.Safe(name))
		} else if err != nil {
			return err
		}
		return txn.Delete(key)
	})
}

// each calls fn with the rest of every key under prefix and its value.
func each(txn *badger.Txn, prefix []byte, fn func(name string, v []byte) error) error {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = prefix
	it := txn.NewIterator(opt)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(string(it.Item().Key()[len(prefix):]), v); err != nil {
			return err
		}
	}
	return nil
}
