package bundlewriter

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/dkimrecord"
	"github.com/custody-app/custody/archive/provenance"
)

// dkimKeysStep writes custody/dkim-keys.json when the bundle's events
// disclose DKIM outcomes: the key records those outcomes name, and no
// other (a record's source is disclosed with the outcome that used it,
// which goes only with its chosen message).
func dkimKeysStep(a *archive.Archive, events []provenance.ProvenEvent) ([]tagStep, error) {
	want := map[string]bool{}
	for _, e := range events {
		v, err := provenance.OpenEvent(e.Event, e.Open)
		if err != nil || v.Type != provenance.DKIM || v.Verdict == "" {
			continue
		}
		o, err := dkimrecord.ParseOutcome(v.Verdict, v.What, v.Source)
		if err == nil && o.KeyHash != "" {
			want[o.KeyHash] = true
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	held, err := a.DKIMKeys()
	if err != nil {
		return nil, err
	}
	f := bundleformat.DKIMKeys{Format: bundleformat.DKIMKeysFormat, Keys: []dkimrecord.Key{}}
	for _, k := range held {
		if want[k.Hash()] {
			f.Keys = append(f.Keys, k)
			delete(want, k.Hash())
		}
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("a DKIM outcome names a key record the archive no longer holds")
	}
	return []tagStep{{bundleformat.FileDKIMKeys, func(out io.Writer) error {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(f)
	}}}, nil
}
