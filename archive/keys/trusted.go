package keys

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// The rules of the trust store: what a trusted key's record holds, which
// records may stand side by side, and how a stored record is read back.
// The store itself (the records kept under trust/<name> in the archive's
// Badger store) is archive/truststore.

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

// CheckTrustName accepts a short label for a person or archive: printable
// characters, inner spaces allowed, no '/'.
func CheckTrustName(name string) error {
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

// NewTrusted makes the record trusting vkey under name, added at now. how
// records how its fingerprint was confirmed (for example "read aloud by
// phone"). It refuses a bad name, a missing or unprintable how, and
// malformed, non-Ed25519 and weak keys.
func NewTrusted(name, vkey, how string, now time.Time) (Trusted, error) {
	if err := CheckTrustName(name); err != nil {
		return Trusted{}, err
	}
	how = strings.TrimSpace(how)
	if how == "" || utf8.RuneCountInString(how) > maxHow || !printable(how, true) {
		return Trusted{}, ErrTrustHowMissing
	}
	_, info, err := ParseVerifierKey(vkey)
	if err != nil {
		return Trusted{}, err
	}
	return Trusted{Name: name, VerifierKey: info.VerifierKey, Fingerprint: info.Fingerprint,
		How: how, Added: now.UTC().Truncate(time.Second)}, nil
}

// Joins says whether t may be added to the trusted keys in list: present
// is true when list already trusts the same key under the same name (adding
// it changes nothing). A name already in use for another key, a key
// already trusted under another name, or a key whose name and hash equal
// another's (signatures could not tell them apart) is ErrAlreadyTrusted.
func (t Trusted) Joins(list []Trusted) (present bool, err error) {
	info, err := parseVerifierKey(t.VerifierKey)
	if err != nil {
		return false, err
	}
	for _, old := range list {
		other, _ := parseVerifierKey(old.VerifierKey) // checked by DecodeTrusted
		sameKey := bytes.Equal(other.PublicKey, info.PublicKey)
		switch {
		case old.Name == t.Name && sameKey && other.Name == info.Name:
			return true, nil
		case old.Name == t.Name:
			return false, withDetail(ErrAlreadyTrusted, fmt.Sprintf("%q names another key (%s)", t.Name, old.Fingerprint))
		case sameKey:
			return false, withDetail(ErrAlreadyTrusted, fmt.Sprintf("this key is already trusted as %q", old.Name))
		case other.Name == info.Name && other.KeyHash == info.KeyHash:
			return false, withDetail(ErrAlreadyTrusted, fmt.Sprintf("%q has the same key name and hash, so signatures could not tell them apart", old.Name))
		}
	}
	return false, nil
}

// NotTrusted is the error for removing a name that no trusted key has.
func NotTrusted(name string) error { return withDetail(ErrNotTrusted, fmt.Sprintf("%q", name)) }

// DecodeTrusted reads the record stored under name, checking it as
// NewTrusted would: a damaged or edited record is ErrTrustStoreDamaged,
// never used.
func DecodeTrusted(name string, val []byte) (Trusted, error) {
	var t Trusted
	if err := json.Unmarshal(val, &t); err != nil {
		return t, withDetail(ErrTrustStoreDamaged, fmt.Sprintf("record %q is not readable", name))
	}
	if t.Name != name || CheckTrustName(name) != nil {
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

// TrustedVerifiers returns the keys of list for note.Open. Every key is
// parsed again, so a record edited in the store cannot bring in a weak
// key.
func TrustedVerifiers(list []Trusted) (note.Verifiers, error) {
	vs := make([]note.Verifier, 0, len(list))
	for _, t := range list {
		v, _, err := ParseVerifierKey(t.VerifierKey)
		if err != nil {
			return nil, err // DecodeTrusted already checked; cannot happen
		}
		vs = append(vs, v)
	}
	return note.VerifierList(vs...), nil
}
