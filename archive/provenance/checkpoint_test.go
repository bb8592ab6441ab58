package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
)

func TestSignCheckpoint(t *testing.T) {
	db := openDB(t)
	k := newKey(t, "archivist")
	if _, err := SignCheckpoint(db, k.signer, testOrigin); !errors.Is(err, ErrEmptyLog) {
		t.Fatalf("signing an empty log: %v", err)
	}
	if cp, err := Latest(db); cp != nil || err != nil {
		t.Fatalf("Latest of an empty log = %v, %v", cp, err)
	}
	appendAll(t, db, ingest(t, "a"), ingest(t, "b"))
	cp, err := SignCheckpoint(db, k.signer, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := TreeHash(db, 2)
	wantBody := fmt.Sprintf("%s\n2\n%s\n\n— archivist ", testOrigin, base64.StdEncoding.EncodeToString(root[:]))
	if !strings.HasPrefix(string(cp.Note), wantBody) {
		t.Fatalf("checkpoint note:\n%s\nwant prefix:\n%s", cp.Note, wantBody)
	}
	verified, err := ParseCheckpoint(cp.Note, note.VerifierList(k.verifier))
	if err != nil {
		t.Fatal(err)
	}
	if verified.Size != 2 || verified.Root != root || verified.Origin != testOrigin || verified.Signers[0] != "archivist" {
		t.Fatalf("parsed %+v", verified)
	}
	again, err := SignCheckpoint(db, k.signer, testOrigin)
	if err != nil || !bytes.Equal(again.Note, cp.Note) {
		t.Fatalf("signing with nothing new: %v, %s", err, again.Note)
	}
	appendAll(t, db, ingest(t, "c"))
	if _, err := SignCheckpoint(db, k.signer, testOrigin); err != nil {
		t.Fatal(err)
	}
	all, err := Checkpoints(db)
	if err != nil || len(all) != 2 || all[0].Size != 2 || all[1].Size != 3 {
		t.Fatalf("Checkpoints = %v, %v", all, err)
	}
	latest, err := Latest(db)
	if err != nil || latest.Size != 3 {
		t.Fatalf("Latest = %+v, %v", latest, err)
	}
	if _, err := SignCheckpoint(db, k.signer, "two\nlines"); err == nil {
		t.Fatal("signed with a two-line origin")
	}
}

func TestRecover(t *testing.T) {
	db := openDB(t)
	k := newKey(t, "archivist")
	if cp, err := Recover(db, k.signer, testOrigin); cp != nil || err != nil {
		t.Fatalf("Recover on an empty log = %v, %v", cp, err)
	}
	appendAll(t, db, ingest(t, "a"))
	if _, err := SignCheckpoint(db, k.signer, testOrigin); err != nil {
		t.Fatal(err)
	}
	// Events committed, then a crash before signing.
	appendAll(t, db, ingest(t, "b"), ingest(t, "c"))
	cp, err := Recover(db, k.signer, testOrigin)
	if err != nil || cp == nil || cp.Size != 3 {
		t.Fatalf("Recover = %+v, %v", cp, err)
	}
	if cp, err := Recover(db, k.signer, testOrigin); cp != nil || err != nil {
		t.Fatalf("second Recover = %v, %v", cp, err)
	}
	// Rolled back: the size is lowered below the latest checkpoint.
	err = db.Update(func(txn *badger.Txn) error {
		return txn.Set(SizeKey, binary.BigEndian.AppendUint64(nil, 2))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Recover(db, k.signer, testOrigin); !errors.Is(err, ErrRolledBack) {
		t.Fatalf("Recover after rollback: %v", err)
	}
	if _, err := SignCheckpoint(db, k.signer, testOrigin); !errors.Is(err, ErrRolledBack) {
		t.Fatalf("SignCheckpoint after rollback: %v", err)
	}
	if all, _ := Checkpoints(db); len(all) != 2 {
		t.Fatalf("%d checkpoints after refusing to sign, want 2", len(all))
	}
}

const testRoot = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

func signText(t *testing.T, k testKey, text string) []byte {
	t.Helper()
	b, err := note.Sign(&note.Note{Text: text}, k.signer)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCheckpointMalformed(t *testing.T) {
	k := newKey(t, "archivist")
	vs := note.VerifierList(k.verifier)
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
	vs := note.VerifierList(k.verifier)
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
