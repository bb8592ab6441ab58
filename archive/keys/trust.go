package keys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
)

// trustPrefix starts the Badger keys of the trust store.
const trustPrefix = "trust/"

const (
	maxTrustName = 80  // characters
	maxHow       = 500 // characters
)

// Trusted is one trusted verifier key, as stored under trust/<name>.
type Trusted struct {
	Name        string    `json:"name"`         // chosen by the person who trusted it
	VerifierKey string    `json:"verifier_key"` // canonical note verifier key
	Fingerprint string    `json:"fingerprint"`
	How         string    `json:"how"` // how the fingerprint was confirmed
	Added       time.Time `json:"added"`
}

// checkTrustName accepts a short label for a person or archive: printable
// characters, inner spaces allowed, no '/'.
func checkTrustName(name string) error {
	switch {
	case name == "":
		return withDetail(ErrBadTrustName, "the name is empty")
	case utf8.RuneCountInString(name) > maxTrustName:
		return withDetail(ErrBadTrustName, fmt.Sprintf("the name is longer than %d characters", maxTrustName))
	case !printable(name, true) || strings.Contains(name, "/"):
		return withDetail(ErrBadTrustName, "the name may not contain '/' or control characters")
	case unicode.IsSpace(rune(name[0])) || unicode.IsSpace(rune(name[len(name)-1])):
		return withDetail(ErrBadTrustName, "the name starts or ends with a space")
	}
	return nil
}

// Trust adds a verifier key to the trust store under name. how records how
// its fingerprint was confirmed (for example "read aloud by phone"). It
// refuses malformed, non-Ed25519 and weak keys, a name already in use for
// another key, and a key already trusted under another name. Trusting the
// same key under the same name again changes nothing.
func Trust(db *badger.DB, name, vkey, how string) error {
	if err := checkTrustName(name); err != nil {
		return err
	}
	how = strings.TrimSpace(how)
	if how == "" || utf8.RuneCountInString(how) > maxHow || !printable(how, true) {
		return ErrTrustHowMissing
	}
	_, info, err := ParseVerifierKey(vkey)
	if err != nil {
		return err
	}
	rec := Trusted{Name: name, VerifierKey: info.VerifierKey, Fingerprint: info.Fingerprint,
		How: how, Added: time.Now().UTC().Truncate(time.Second)}
	val, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	return db.Update(func(txn *badger.Txn) error {
		list, err := listTrusted(txn)
		if err != nil {
			return err
		}
		for _, t := range list {
			other, _ := parseVerifierKey(t.VerifierKey) // checked by listTrusted
			sameKey := bytes.Equal(other.PublicKey, info.PublicKey)
			switch {
			case t.Name == name && sameKey && other.Name == info.Name:
				return nil
			case t.Name == name:
				return withDetail(ErrAlreadyTrusted, fmt.Sprintf("%q names another key (%s)", name, t.Fingerprint))
			case sameKey:
				return withDetail(ErrAlreadyTrusted, fmt.Sprintf("this key is already trusted as %q", t.Name))
			case other.Name == info.Name && other.KeyHash == info.KeyHash:
				return withDetail(ErrAlreadyTrusted, fmt.Sprintf("%q has the same key name and hash, so signatures could not tell them apart", t.Name))
			}
		}
		return txn.Set([]byte(trustPrefix+name), val)
	})
}

// Untrust removes the trusted key with the given name.
func Untrust(db *badger.DB, name string) error {
	if err := checkTrustName(name); err != nil {
		return err
	}
	key := []byte(trustPrefix + name)
	return db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(key); errors.Is(err, badger.ErrKeyNotFound) {
			return withDetail(ErrNotTrusted, fmt.Sprintf("%q", name))
		} else if err != nil {
			return err
		}
		return txn.Delete(key)
	})
}

// TrustList returns the trusted keys in name order. A damaged record is an
// error naming it, never silently skipped.
func TrustList(db *badger.DB) ([]Trusted, error) {
	var list []Trusted
	err := db.View(func(txn *badger.Txn) error {
		var err error
		list, err = listTrusted(txn)
		return err
	})
	return list, err
}

// TrustedVerifiers returns the trusted keys for note.Open. Every stored key
// is parsed again, so a record edited in the store cannot bring in a weak
// key.
func TrustedVerifiers(db *badger.DB) (note.Verifiers, error) {
	list, err := TrustList(db)
	if err != nil {
		return nil, err
	}
	vs := make([]note.Verifier, 0, len(list))
	for _, t := range list {
		v, _, err := ParseVerifierKey(t.VerifierKey)
		if err != nil {
			return nil, err // listTrusted already checked; cannot happen
		}
		vs = append(vs, v)
	}
	return note.VerifierList(vs...), nil
}

// listTrusted reads and checks every trust/ record.
func listTrusted(txn *badger.Txn) ([]Trusted, error) {
	opt := badger.DefaultIteratorOptions
	opt.Prefix = []byte(trustPrefix)
	it := txn.NewIterator(opt)
	defer it.Close()
	var list []Trusted
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		name := string(item.Key()[len(trustPrefix):])
		val, err := item.ValueCopy(nil)
		if err != nil {
			return nil, fmt.Errorf("reading trusted key %q: %w", name, err)
		}
		t, err := decodeTrusted(name, val)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, nil
}

func decodeTrusted(name string, val []byte) (Trusted, error) {
	var t Trusted
	if err := json.Unmarshal(val, &t); err != nil {
		return t, withDetail(ErrTrustStoreDamaged, fmt.Sprintf("record %q is not readable", name))
	}
	if t.Name != name || checkTrustName(name) != nil {
		return t, withDetail(ErrTrustStoreDamaged, fmt.Sprintf("record %q has a wrong or invalid name", name))
	}
	info, err := parseVerifierKey(t.VerifierKey)
	if err != nil {
		return t, withDetail(ErrTrustStoreDamaged, fmt.Sprintf("record %q: %v", name, err))
	}
	if t.Fingerprint != info.Fingerprint {
		return t, withDetail(ErrTrustStoreDamaged, fmt.Sprintf("record %q: its fingerprint does not match its key", name))
	}
	return t, nil
}
