// Package provtest holds what the tests of the provenance format and of
// the log's store share: signing keys, fixed document IDs, a fixed clock.
// It imports nothing of Custody's, so the format's own in-package tests
// can use it without a cycle.
package provtest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Clock is the time the tests' events are prepared at.
var Clock = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// EmptyRoot is the RFC 6962 hash of the empty tree, base64.
const EmptyRoot = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

// Key is a note signing key with its verifier.
type Key struct {
	Signer   note.Signer
	Verifier note.Verifier
	VKey     string
}

// NewKey makes a fresh random key named name.
func NewKey(t testing.TB, name string) Key {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	return fromKeys(t, skey, vkey)
}

// FixedKey is always the same key ("archivist"), so proofs and fuzz
// corpora made from fixed inputs stay the same from run to run.
func FixedKey(t testing.TB) Key {
	t.Helper()
	skey, vkey, err := note.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 32)), "archivist")
	if err != nil {
		t.Fatal(err)
	}
	return fromKeys(t, skey, vkey)
}

func fromKeys(t testing.TB, skey, vkey string) Key {
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return Key{s, v, vkey}
}

// SignText signs text as a note under k.
func SignText(t testing.TB, k Key, text string) []byte {
	t.Helper()
	b, err := note.Sign(&note.Note{Text: text}, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// DocID is a document ID made from a string.
func DocID(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// HexID is a document ID in hex.
func HexID(d [32]byte) string { return hex.EncodeToString(d[:]) }
