package keys

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// algEd25519 is the algorithm byte of an Ed25519 key in a note verifier key.
const algEd25519 = 1

// FingerprintOf returns the short form of a public key that people compare
// by reading it aloud: the first 10 bytes of its SHA-256 in base32, in four
// groups of four, e.g. "MFRG-GZDF-MZTW-Q2LK". 80 bits is far beyond what
// anyone could match by brute force for a chosen key.
func FingerprintOf(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	s := base32.StdEncoding.EncodeToString(sum[:10])
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// keyNamePrefix begins the name of every key Custody makes.
const keyNamePrefix = "custody-"

// keyNameFor is the name an identity signs notes with.
func keyNameFor(pub ed25519.PublicKey) string {
	return keyNamePrefix + FingerprintOf(pub)
}

// FingerprintInKeyName returns the fingerprint a Custody key name
// ("custody-MFRG-GZDF-MZTW-Q2LK", an event's actor) claims, and whether
// the name has that form at all. The claim is only a name: compare it
// with the fingerprint of the key that actually signed.
func FingerprintInKeyName(name string) (string, bool) {
	fp, ok := strings.CutPrefix(name, keyNamePrefix)
	return fp, ok && len(fp) == 19
}

// originFor is the checkpoint origin line of one archive.
func originFor(pub ed25519.PublicKey, archiveID []byte) string {
	return "custody.app/" + FingerprintOf(pub) + "/" + hex.EncodeToString(archiveID)
}

// noteKeyHash is the key hash of golang.org/x/mod/sumdb/note: the first
// four bytes of SHA-256(name, "\n", algorithm byte, key).
func noteKeyHash(name string, pub ed25519.PublicKey) uint32 {
	return keyHashOf(name, algEd25519, pub)
}

// keyHashOf is the signed-note key ID of a key of type alg.
func keyHashOf(name string, alg byte, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', alg})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// verifierKeyFor encodes name and pub as a note verifier key.
func verifierKeyFor(name string, pub ed25519.PublicKey) string {
	enc := base64.StdEncoding.EncodeToString(append([]byte{algEd25519}, pub...))
	return fmt.Sprintf("%s+%08x+%s", name, noteKeyHash(name, pub), enc)
}

// signer signs notes with an Ed25519 key derived from a checked seed.
type signer struct {
	name string
	hash uint32
	priv ed25519.PrivateKey
}

func (s *signer) Name() string                    { return s.name }
func (s *signer) KeyHash() uint32                 { return s.hash }
func (s *signer) Sign(msg []byte) ([]byte, error) { return ed25519.Sign(s.priv, msg), nil }

// validNoteName reports whether name can name a key in a signed note:
// non-empty, valid UTF-8, no spaces and no '+'. Custody also bounds the
// length and refuses control characters.
func validNoteName(name string) bool {
	if name == "" || len(name) > maxNoteName || strings.Contains(name, "+") {
		return false
	}
	return printable(name, false)
}

const maxNoteName = 128
