package logstore

import (
	"bytes"
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestProofGolden keeps a proof file made from fixed inputs (fixed key,
// salts and times) as a test vector: Prove must still write exactly these
// bytes, and provenance.CheckProof must accept them. Other implementations of the
// format can check themselves against testdata/proof.
func TestProofGolden(t *testing.T) {
	k := fuzzKey(t)
	db := openDB(t)
	salt := func(i byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{i}, 16)) }
	a, b, c := hexID(docID("a")), hexID(docID("b")), hexID(docID("c"))
	events := []*provenance.Event{
		{Type: provenance.Ingest, Doc: a, Size: 1, Name: "a.txt", Path: "in/a.txt", Source: "leak", Salt: salt(1)},
		{Type: provenance.Ingest, Doc: b, Size: 1, Name: "b.txt", Path: "in/b.txt", Source: "leak", Salt: salt(2)},
		{Type: provenance.Derive, Doc: c, Size: 1, Name: "c.txt", Parents: []string{a, b}, Kind: "redaction", Note: "names removed", Salt: salt(3)},
		{Type: provenance.Annotate, Doc: c, Tags: []string{"published"}, Salt: salt(4)},
	}
	for i, ev := range events {
		ev.Actor = "archivist"
		appendAll(t, db, mustMarshal(t, ev))
		if i == 1 || i == 3 {
			if _, err := SignCheckpoint(db, k.Signer, testOrigin); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := Prove(db, docID("c"), nil, k.VKey)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("..", "provenance", "testdata", "proof", "custody-proof-v1.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(filepath.Dir(golden), "key.txt"), []byte(k.VKey+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Prove wrote\n%s\nwant\n%s", got, want)
	}
	p, err := provenance.ParseProof(want)
	if err != nil {
		t.Fatal(err)
	}
	res, err := provenance.CheckProof(p, docID("c"), k.Verifier, nil)
	if err != nil || !res.Trusted || len(res.Events) != 4 || len(p.Consistency) != 1 {
		t.Fatalf("golden proof: %v %+v", err, res)
	}
}
