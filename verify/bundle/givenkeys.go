package bundle

import (
	"fmt"

	"github.com/custody-app/custody/archive/keys"
)

// GivenKeys turns verifier keys a person gave for one check (each as
// custody keys show prints it) into keys trusted for that check, named by
// what they call themselves and marked as given. A key that cannot be
// read is an error: a recipient who names a key must not silently get
// SIGNER UNKNOWN for a typo.
func GivenKeys(vkeys []string) ([]keys.Trusted, error) {
	var out []keys.Trusted
	for i, k := range vkeys {
		_, info, err := keys.ParseVerifierKey(k)
		if err != nil {
			return nil, fmt.Errorf("key %d given with --key is not a Custody verifier key: %w", i+1, err)
		}
		out = append(out, keys.Trusted{Name: "key given for this check", VerifierKey: info.VerifierKey,
			Fingerprint: info.Fingerprint, How: "given with --key for this check only"})
	}
	return out, nil
}
