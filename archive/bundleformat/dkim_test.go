package bundleformat

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/dkimrecord"
)

func TestParseDKIMKeys(t *testing.T) {
	k := dkimrecord.Key{Selector: "s", Domain: "d.example", TXT: "v=DKIM1; p=AA", Source: "zone", Obtained: time.Unix(0, 0).UTC()}
	good, _ := json.Marshal(DKIMKeys{Format: DKIMKeysFormat, Keys: []dkimrecord.Key{k}})
	keys, err := ParseDKIMKeys(good)
	if err != nil || len(keys) != 1 || keys[0].Hash() != k.Hash() || keys[0].Source != "zone" {
		t.Fatalf("%+v %v", keys, err)
	}
	twice, _ := json.Marshal(DKIMKeys{Format: DKIMKeysFormat, Keys: []dkimrecord.Key{k, k}})
	for name, b := range map[string]string{
		"twice":   string(twice),
		"format":  `{"format":"x","keys":[]}`,
		"unknown": `{"format":"custody-dkim-keys-v1","keys":[],"extra":1}`,
		"two":     `{"format":"custody-dkim-keys-v1","keys":[]} {}`,
		"empty":   `{"format":"custody-dkim-keys-v1","keys":[{"selector":"s"}]}`,
	} {
		if _, err := ParseDKIMKeys([]byte(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParseDKIMKeys(f *testing.F) {
	f.Add([]byte(`{"format":"custody-dkim-keys-v1","keys":[{"selector":"s","domain":"d","txt":"v=DKIM1","source":"x","obtained":"2024-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys, err := ParseDKIMKeys(b)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k.Hash()] || k.Selector == "" {
				t.Fatalf("accepted %+v", keys)
			}
			seen[k.Hash()] = true
		}
	})
}
