package provenance

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestParseCheckpointMalformed(t *testing.T) {
	k := newKey(t, "archivist")
	vs := note.VerifierList(k.Verifier)
	signedBodies := map[string]string{
		"missing root line": "o\n5\n",
		"empty origin":      "\n5\n" + testRoot + "\n",
		"negative size":     "o\n-5\n" + testRoot + "\n",
		"plus sign":         "o\n+5\n" + testRoot + "\n",
		"leading zero":      "o\n05\n" + testRoot + "\n",
		"huge size":         "o\n99999999999999999999\n" + testRoot + "\n",
		"size 2^62+1":       "o\n4611686018427387905\n" + testRoot + "\n",
		"empty size":        "o\n\n" + testRoot + "\n",
		"bad base64":        "o\n5\n!!!!\n",
		"short root":        "o\n5\nAAAA\n",
		"unpadded root":     "o\n5\n" + strings.TrimSuffix(testRoot, "=") + "\n",
		"empty extension":   "o\n5\n" + testRoot + "\n\n",
	}
	for name, body := range signedBodies {
		_, err := ParseCheckpoint(signText(t, k, body), vs)
		if !errors.Is(err, ErrMalformedCheckpoint) {
			t.Errorf("%s: %v, want ErrMalformedCheckpoint", name, err)
		}
	}
	good := signText(t, k, "o\n5\n"+testRoot+"\n")
	var many bytes.Buffer
	many.Write(good)
	for i := 0; i < 101; i++ {
		fmt.Fprintf(&many, "— other%d AAAAAAAAAAAA\n", i)
	}
	raw := map[string][]byte{
		"no signature":     []byte("o\n5\n" + testRoot + "\n"),
		"crlf":             bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n")),
		"non-UTF-8":        append([]byte("o\xff\n"), good[2:]...),
		"control char":     append([]byte("o\x01\n"), good[2:]...),
		"trailing junk":    append(append([]byte{}, good...), "junk"...),
		"101 signatures":   many.Bytes(),
		"too large":        append(bytes.Repeat([]byte("x"), MaxCheckpointSize), good...),
		"empty":            nil,
		"signature prefix": bytes.Replace(good, []byte("— "), []byte("- "), 1),
	}
	for name, b := range raw {
		_, err := ParseCheckpoint(b, vs)
		if !errors.Is(err, ErrMalformedCheckpoint) {
			t.Errorf("%s: %v, want ErrMalformedCheckpoint", name, err)
		}
	}
}

func TestParseCheckpointSignatures(t *testing.T) {
	k := newKey(t, "archivist")
	other := newKey(t, "stranger")
	vs := note.VerifierList(k.Verifier)
	body := "custody.example/a\n5\n" + testRoot + "\nextension: kept\n"
	good := signText(t, k, body)
	cp, err := ParseCheckpoint(good, vs)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 5 || len(cp.Extensions) != 1 || cp.Extensions[0] != "extension: kept" || !bytes.Equal(cp.Note, good) {
		t.Fatalf("parsed %+v", cp)
	}
	// Signed by a key the caller does not know: content readable, signer unknown.
	_, err = ParseCheckpoint(signText(t, other, body), vs)
	var unknown *SignerUnknownError
	if !errors.As(err, &unknown) || unknown.Checkpoint.Size != 5 || unknown.Signers[0] != "stranger" {
		t.Fatalf("unknown signer: %v", err)
	}
	// Same name, another key: still unknown, never "valid".
	impostor := newKey(t, "archivist")
	if _, err := ParseCheckpoint(signText(t, impostor, body), vs); !errors.As(err, &unknown) {
		t.Fatalf("same name, other key: %v", err)
	}
	// A bit flipped in the signature (past the 4-byte key hash).
	sp := bytes.LastIndexByte(good[:len(good)-1], ' ')
	sig, err := base64.StdEncoding.DecodeString(string(good[sp+1 : len(good)-1]))
	if err != nil {
		t.Fatal(err)
	}
	sig[10] ^= 1
	flipped := append(append(bytes.Clone(good[:sp+1]), base64.StdEncoding.EncodeToString(sig)...), '\n')
	if _, err := ParseCheckpoint(flipped, vs); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("flipped signature: %v", err)
	}
	// The text altered under a valid signature.
	altered := bytes.Replace(good, []byte("\n5\n"), []byte("\n6\n"), 1)
	if _, err := ParseCheckpoint(altered, vs); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("altered text: %v", err)
	}
}
