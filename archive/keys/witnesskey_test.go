package keys_test

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/keys"
)

func TestWitnessKeyIsDerivedAndDistinct(t *testing.T) {
	_, id := create(t, false)
	w1, w2 := id.Witness(), id.Witness()
	if w1.VerifierKey != w2.VerifierKey {
		t.Fatal("the witness key is not derived deterministically")
	}
	if w1.PublicKey.Equal(id.Public().PublicKey) {
		t.Fatal("the witness key is the archivist's key")
	}
	if !strings.HasPrefix(w1.Name, "custody-witness-") {
		t.Fatalf("name %q", w1.Name)
	}
	k, err := keys.ParseWitnessKey(w1.VerifierKey)
	if err != nil || k.KeyHash != w1.KeyHash || !k.PublicKey.Equal(w1.PublicKey) {
		t.Fatalf("the witness key does not read back: %v", err)
	}
	if !ed25519.Verify(k.PublicKey, []byte("m"), w1.Sign([]byte("m"))) {
		t.Fatal("the witness key's signature does not verify")
	}
	// Each key type is refused where the other is expected.
	if _, _, err := keys.ParseVerifierKey(w1.VerifierKey); err == nil {
		t.Fatal("a witness key was accepted as a signer's key")
	}
	if _, err := keys.ParseWitnessKey(id.Public().VerifierKey); err == nil {
		t.Fatal("a signer's key was accepted as a witness key")
	}
}

func FuzzParseWitnessKey(f *testing.F) {
	f.Add(keys.WitnessVerifierKey("custody-witness-X", ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)))
	f.Add("a+00000000+BA==")
	f.Fuzz(func(t *testing.T, vkey string) {
		k, err := keys.ParseWitnessKey(vkey)
		if err != nil {
			return
		}
		if keys.WitnessVerifierKey(k.Name, k.PublicKey) != vkey {
			t.Fatalf("an accepted key is not in its one canonical form: %q", vkey)
		}
	})
}
