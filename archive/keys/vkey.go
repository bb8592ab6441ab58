package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"filippo.io/edwards25519"
	"golang.org/x/mod/sumdb/note"
)

// maxVerifierKeyLen bounds the work done on a key string from a bundle.
const maxVerifierKeyLen = 512

// KeyInfo describes a parsed verifier key.
type KeyInfo struct {
	Name        string // the key's name in signed notes
	KeyHash     uint32
	PublicKey   ed25519.PublicKey
	Fingerprint string
	VerifierKey string // the key in its one canonical form
}

// ParseVerifierKey parses a note verifier key (name+hash+base64) and
// returns a verifier for note.Open. It accepts only what Custody itself
// writes: a valid note name, an 8-digit lowercase hash that matches, an
// Ed25519 key in canonical base64 and canonical point encoding, and not one
// of the all-zero or small-order keys that could make one signature verify
// many messages. Errors carry the codes VERIFIER_KEY_MALFORMED,
// VERIFIER_KEY_HASH_MISMATCH, VERIFIER_KEY_ALGORITHM or VERIFIER_KEY_WEAK.
func ParseVerifierKey(vkey string) (note.Verifier, *KeyInfo, error) {
	info, err := parseVerifierKey(vkey)
	if err != nil {
		return nil, nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		// Unreachable: the checks above are stricter than note's.
		return nil, nil, withDetail(ErrBadVerifierKey, err.Error())
	}
	return v, info, nil
}

func malformed(format string, args ...any) error {
	return withDetail(ErrBadVerifierKey, fmt.Sprintf(format, args...))
}

func parseVerifierKey(vkey string) (*KeyInfo, error) { return parseKeyOf(vkey, algEd25519) }

// parseKeyOf parses a verifier key whose type byte must be alg: algEd25519
// for a signer's key, algCosignatureV1 for a witness's.
func parseKeyOf(vkey string, alg byte) (*KeyInfo, error) {
	if len(vkey) > maxVerifierKeyLen {
		return nil, malformed("it is %d characters long, far more than a key", len(vkey))
	}
	name, rest, ok1 := strings.Cut(vkey, "+")
	hash16, key64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 {
		return nil, malformed("it should be a name, a hash and a key separated by '+'")
	}
	if !validNoteName(name) {
		return nil, malformed("the name %q is empty, too long or has spaces or control characters", name)
	}
	hash, err := strconv.ParseUint(hash16, 16, 32)
	if err != nil || len(hash16) != 8 || strings.ToLower(hash16) != hash16 {
		return nil, malformed("the hash %q is not 8 lowercase hex digits", hash16)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(key64)
	if err != nil || len(raw) == 0 || base64.StdEncoding.EncodeToString(raw) != key64 {
		return nil, malformed("the key part is not canonical base64")
	}
	if raw[0] != alg {
		return nil, ErrUnsupportedKey
	}
	pub := ed25519.PublicKey(raw[1:])
	if len(pub) != ed25519.PublicKeySize {
		return nil, malformed("an Ed25519 key is %d bytes, this one is %d", ed25519.PublicKeySize, len(pub))
	}
	if err := checkPoint(pub); err != nil {
		return nil, err
	}
	if uint32(hash) != keyHashOf(name, alg, pub) {
		return nil, ErrVerifierKeyHash
	}
	return &KeyInfo{
		Name:        name,
		KeyHash:     uint32(hash),
		PublicKey:   bytes.Clone(pub),
		Fingerprint: FingerprintOf(pub),
		VerifierKey: vkey,
	}, nil
}

// checkPoint refuses public keys that are not a canonical encoding of a
// curve point, and points of small order (those that become the identity
// when multiplied by the cofactor 8, the all-zero encoding among them).
func checkPoint(pub ed25519.PublicKey) error {
	if bytes.Equal(pub, make([]byte, ed25519.PublicKeySize)) {
		return withDetail(ErrWeakKey, "it is all zeros")
	}
	p, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return malformed("the key is not a point on the Ed25519 curve")
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return withDetail(ErrWeakKey, "it has small order")
	}
	if !bytes.Equal(p.Bytes(), pub) {
		return malformed("the key is not in canonical form")
	}
	return nil
}
