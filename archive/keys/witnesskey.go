package keys

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// algCosignatureV1 is the signed-note key type of a witness's Ed25519
// cosignature/v1 key (c2sp.org/tlog-cosignature): the same curve as a
// signer's key, another type byte, so a cosignature can never pass for a
// checkpoint signature or the other way round.
const algCosignatureV1 = 0x04

// witnessNamePrefix begins the name of every witness key Custody makes.
const witnessNamePrefix = "custody-witness-"

// witnessDerivation separates the witness key's seed from the archivist's.
const witnessDerivation = "custody witness cosignature/v1 key\n"

// WitnessKey is an archive's key as a witness: it cosigns other logs'
// checkpoints. It is derived from the archivist's secret key (one
// SHA-256 over a fixed label and the seed), so it needs no file of its
// own, is restored with the identity, and cannot be used without the
// passphrase; the archivist's own key never signs a cosignature.
type WitnessKey struct {
	Name        string // "custody-witness-" and the witness key's fingerprint
	PublicKey   ed25519.PublicKey
	VerifierKey string // name+hash+base64 with type byte 0x04
	KeyHash     uint32
	priv        ed25519.PrivateKey
}

// Witness returns the archive's witness key.
func (id *Identity) Witness() *WitnessKey {
	h := sha256.New()
	h.Write([]byte(witnessDerivation))
	h.Write(id.priv.Seed())
	seed := h.Sum(nil)
	defer clear(seed)
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	name := witnessNamePrefix + FingerprintOf(pub)
	return &WitnessKey{Name: name, PublicKey: pub, VerifierKey: WitnessVerifierKey(name, pub),
		KeyHash: keyHashOf(name, algCosignatureV1, pub), priv: priv}
}

// Sign signs msg (a cosignature/v1 message) with the witness key.
func (w *WitnessKey) Sign(msg []byte) []byte { return ed25519.Sign(w.priv, msg) }

// WitnessVerifierKey encodes a witness's name and public key as a
// cosignature/v1 verifier key.
func WitnessVerifierKey(name string, pub ed25519.PublicKey) string {
	enc := base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, pub...))
	return fmt.Sprintf("%s+%08x+%s", name, keyHashOf(name, algCosignatureV1, pub), enc)
}

// ParseWitnessKey parses a witness's cosignature/v1 verifier key with the
// same strictness as ParseVerifierKey (canonical encodings, no weak
// keys, a key ID that matches). A checkpoint signer's key (type 0x01)
// is refused with ErrUnsupportedKey.
func ParseWitnessKey(vkey string) (*KeyInfo, error) { return parseKeyOf(vkey, algCosignatureV1) }
