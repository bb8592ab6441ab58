package provenance

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

var testClock = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

type testKey struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string
}

func newKey(t testing.TB, name string) testKey {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{s, v, vkey}
}

func docID(s string) [32]byte { return sha256.Sum256([]byte(s)) }

func hexID(d [32]byte) string { return hex.EncodeToString(d[:]) }
