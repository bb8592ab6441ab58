package archive

import (
	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/truststore"
)

// Trust adds a verifier key to the archive's trust store under name, how
// saying how its fingerprint was confirmed (see truststore.Trust).
func (a *Archive) Trust(name, vkey, how string) error { return truststore.Trust(a.db, name, vkey, how) }

// Untrust removes the trusted key with the given name.
func (a *Archive) Untrust(name string) error { return truststore.Untrust(a.db, name) }

// TrustList returns the trusted keys in name order; a damaged record is an
// error naming it.
func (a *Archive) TrustList() ([]keys.Trusted, error) { return truststore.List(a.db) }
