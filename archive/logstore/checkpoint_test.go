package logstore

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/provenance"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
)

func TestSignCheckpoint(t *testing.T) {
	db := openDB(t)
	k := newKey(t, "archivist")
	if _, err := SignCheckpoint(db, k.Signer, testOrigin); !errors.Is(err, ErrEmptyLog) {
		t.Fatalf("signing an empty log: %v", err)
	}
	if cp, err := Latest(db); cp != nil || err != nil {
		t.Fatalf("Latest of an empty log = %v, %v", cp, err)
	}
	appendAll(t, db, ingest(t, "a"), ingest(t, "b"))
	cp, err := SignCheckpoint(db, k.Signer, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := TreeHash(db, 2)
	wantBody := fmt.Sprintf("%s\n2\n%s\n\n— archivist ", testOrigin, base64.StdEncoding.EncodeToString(root[:]))
	if !strings.HasPrefix(string(cp.Note), wantBody) {
		t.Fatalf("checkpoint note:\n%s\nwant prefix:\n%s", cp.Note, wantBody)
	}
	verified, err := provenance.ParseCheckpoint(cp.Note, note.VerifierList(k.Verifier))
	if err != nil {
		t.Fatal(err)
	}
	if verified.Size != 2 || verified.Root != root || verified.Origin != testOrigin || verified.Signers[0] != "archivist" {
		t.Fatalf("parsed %+v", verified)
	}
	again, err := SignCheckpoint(db, k.Signer, testOrigin)
	if err != nil || !bytes.Equal(again.Note, cp.Note) {
		t.Fatalf("signing with nothing new: %v, %s", err, again.Note)
	}
	appendAll(t, db, ingest(t, "c"))
	if _, err := SignCheckpoint(db, k.Signer, testOrigin); err != nil {
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
	if _, err := SignCheckpoint(db, k.Signer, "two\nlines"); err == nil {
		t.Fatal("signed with a two-line origin")
	}
}

func TestRecover(t *testing.T) {
	db := openDB(t)
	k := newKey(t, "archivist")
	if cp, err := Recover(db, k.Signer, testOrigin); cp != nil || err != nil {
		t.Fatalf("Recover on an empty log = %v, %v", cp, err)
	}
	appendAll(t, db, ingest(t, "a"))
	if _, err := SignCheckpoint(db, k.Signer, testOrigin); err != nil {
		t.Fatal(err)
	}
	// Events committed, then a crash before signing.
	appendAll(t, db, ingest(t, "b"), ingest(t, "c"))
	cp, err := Recover(db, k.Signer, testOrigin)
	if err != nil || cp == nil || cp.Size != 3 {
		t.Fatalf("Recover = %+v, %v", cp, err)
	}
	if cp, err := Recover(db, k.Signer, testOrigin); cp != nil || err != nil {
		t.Fatalf("second Recover = %v, %v", cp, err)
	}
	// Rolled back: the size is lowered below the latest checkpoint.
	err = db.Update(func(txn *badger.Txn) error {
		return txn.Set(SizeKey, binary.BigEndian.AppendUint64(nil, 2))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Recover(db, k.Signer, testOrigin); !errors.Is(err, provenance.ErrRolledBack) {
		t.Fatalf("Recover after rollback: %v", err)
	}
	if _, err := SignCheckpoint(db, k.Signer, testOrigin); !errors.Is(err, provenance.ErrRolledBack) {
		t.Fatalf("SignCheckpoint after rollback: %v", err)
	}
	if all, _ := Checkpoints(db); len(all) != 2 {
		t.Fatalf("%d checkpoints after refusing to sign, want 2", len(all))
	}
}
