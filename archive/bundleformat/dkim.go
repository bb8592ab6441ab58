package bundleformat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/custody-app/custody/archive/dkimrecord"
)

// FileDKIMKeys holds the DKIM key records that the bundle's disclosed dkim
// events used (each named there by its hash), so a recipient can check
// the messages again offline. Written only when there are such events.
const FileDKIMKeys = "custody/dkim-keys.json"

// DKIMKeysFormat names the file's format.
const DKIMKeysFormat = "custody-dkim-keys-v1"

// MaxDKIMKeysFile bounds the file.
const MaxDKIMKeysFile = 4 << 20

// DKIMKeys is the file's content.
type DKIMKeys struct {
	Format string           `json:"format"`
	Keys   []dkimrecord.Key `json:"keys"`
}

// ParseDKIMKeys reads the file: its format, known fields only, and no
// record twice.
func ParseDKIMKeys(b []byte) ([]dkimrecord.Key, error) {
	var f DKIMKeys
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", FileDKIMKeys, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", FileDKIMKeys)
	}
	if f.Format != DKIMKeysFormat {
		return nil, fmt.Errorf("%s: format %q, expected %q", FileDKIMKeys, f.Format, DKIMKeysFormat)
	}
	seen := map[string]bool{}
	for _, k := range f.Keys {
		if k.Selector == "" || k.Domain == "" || k.TXT == "" {
			return nil, errors.New(FileDKIMKeys + ": a record without selector, domain or value")
		}
		if seen[k.Hash()] {
			return nil, fmt.Errorf("%s: the record %s is listed twice", FileDKIMKeys, k.Name())
		}
		seen[k.Hash()] = true
	}
	return f.Keys, nil
}
