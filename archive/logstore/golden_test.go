package logstore

import (
	"bytes"
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenDir holds the proof test vectors other implementations can check
// themselves against.
var goldenDir = filepath.Join("..", "provenance", "testdata", "proof")

// goldenLog is the log the proof vectors are made from: fixed key, seeds
// and times. c is a redaction of a and b, then tagged.
func goldenLog(t *testing.T) (*testKey, *badger.DB) {
	k := fuzzKey(t)
	db := openDB(t)
	seed := func(i byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{i}, 32)) }
	a, b, c := hexID(docID("a")), hexID(docID("b")), hexID(docID("c"))
	events := []*provenance.Event{
		{Type: provenance.Ingest, Doc: a, Size: 1, Name: "a.txt", Path: "in/a.txt", Source: "leak", Salt: seed(1)},
		{Type: provenance.Ingest, Doc: b, Size: 1, Name: "b.txt", Path: "in/b.txt", Source: "leak", Salt: seed(2)},
		{Type: provenance.Derive, Doc: c, Size: 1, Name: "c.txt", Parents: []string{a, b}, ParentEvents: []int64{0, 1}, Kind: "redaction", Note: "names removed", Salt: seed(3)},
		{Type: provenance.Annotate, Doc: c, Tags: []string{"published"}, Salt: seed(4)},
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
	return &k, db
}

// checkGolden compares got with the vector name (rewriting it under
// -update) and returns the vector's bytes.
func checkGolden(t *testing.T, name string, got []byte, k *testKey) []byte {
	t.Helper()
	golden := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(goldenDir, "key.txt"), []byte(k.VKey+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Prove wrote\n%s\nwant %s:\n%s", got, name, want)
	}
	return want
}

// TestProofGolden keeps a proof file made from fixed inputs (fixed key,
// seeds and times) as a test vector: Prove must still write exactly these
// bytes, and provenance.CheckProof must accept them. Other implementations
// of the format can check themselves against testdata/proof.
func TestProofGolden(t *testing.T) {
	k, db := goldenLog(t)
	got, err := Prove(db, docID("c"), nil, k.VKey)
	if err != nil {
		t.Fatal(err)
	}
	want := checkGolden(t, "custody-proof-v2.json", got, k)
	p, err := provenance.ParseProof(want)
	if err != nil {
		t.Fatal(err)
	}
	res, err := provenance.CheckProof(p, docID("c"), k.Verifier, nil)
	if err != nil || !res.Trusted || len(res.Events) != 4 || len(p.Consistency) != 1 {
		t.Fatalf("golden proof: %v %+v", err, res)
	}
	// By default the originals a and b are only "recorded at index 0 and 1":
	// their ingests go sealed, nothing opened; c's own record is opened,
	// its note and tag are not.
	opened := func(e provenance.ProvenEvent) string {
		var fs []string
		for _, o := range e.Open {
			fs = append(fs, o.Field)
		}
		return strings.Join(fs, ",")
	}
	for i, want := range []string{"", "", "doc,size,name", "doc"} {
		if got := opened(p.Events[i]); got != want {
			t.Errorf("event %d opens %q, want %q", p.Events[i].Index, got, want)
		}
	}
	for _, s := range []string{hexID(docID("a")), hexID(docID("b")), "a.txt", "b.txt", "leak", "names removed", "published"} {
		if bytes.Contains(want, []byte(s)) {
			t.Errorf("the default proof holds %q", s)
		}
	}
	if d := res.Events[2]; d.Name != "c.txt" || !slices.Equal(d.ParentEvents, []int64{0, 1}) || !slices.Equal(d.ParentIDs, []string{"", ""}) {
		t.Errorf("derive as disclosed: %+v", d)
	}
}

// TestProofGoldenAncestors is the vector with everything disclosed: the
// originals and every source, note and tag.
func TestProofGoldenAncestors(t *testing.T) {
	k, db := goldenLog(t)
	got, err := ProveWith(db, docID("c"), nil, k.VKey, ProofOptions{Ancestors: true, Choices: provenance.Choices{Sources: true, Notes: true, Tags: true}})
	if err != nil {
		t.Fatal(err)
	}
	want := checkGolden(t, "custody-proof-v2-ancestors.json", got, k)
	p, err := provenance.ParseProof(want)
	if err != nil {
		t.Fatal(err)
	}
	res, err := provenance.CheckProof(p, docID("c"), k.Verifier, nil)
	if err != nil || !res.Trusted || len(res.Events) != 4 {
		t.Fatalf("golden proof: %v %+v", err, res)
	}
	for i, ev := range res.Events {
		if len(ev.Withheld) != 0 {
			t.Errorf("event %d withholds %v", p.Events[i].Index, ev.Withheld)
		}
	}
	if a := res.Events[0]; a.Name != "a.txt" || a.Path != "in/a.txt" || a.Source != "leak" {
		t.Errorf("ingest of a as disclosed: %+v", a)
	}
	if d := res.Events[2]; d.Note != "names removed" || !slices.Equal(d.ParentIDs, []string{hexID(docID("a")), hexID(docID("b"))}) {
		t.Errorf("derive as disclosed: %+v", d)
	}
}

// TestProofGoldenV1 keeps the proof file of format custody-proof-v1
// (version 1 events, written before field commitments) as a vector that
// must still be accepted, under the key it was made with.
func TestProofGoldenV1(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(goldenDir, "custody-proof-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := os.ReadFile(filepath.Join(goldenDir, "key.txt"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		t.Fatal(err)
	}
	p, err := provenance.ParseProof(b)
	if err != nil {
		t.Fatal(err)
	}
	res, err := provenance.CheckProof(p, docID("c"), v, nil)
	if err != nil || !res.Trusted || len(res.Events) != 4 || len(p.Consistency) != 1 {
		t.Fatalf("version 1 proof: %v %+v", err, res)
	}
	for i, ev := range res.Events {
		if ev.V != 1 || len(ev.Withheld) != 0 || len(p.Events[i].Open) != 0 {
			t.Errorf("event %d: version %d, withheld %v", p.Events[i].Index, ev.V, ev.Withheld)
		}
	}
	if a := res.Events[0]; a.Source != "leak" || a.Name != "a.txt" {
		t.Errorf("version 1 ingest as read: %+v", a)
	}
	// Its events, altered, no longer verify.
	p.Events[0].Event = bytes.Replace(p.Events[0].Event, []byte(`"leak"`), []byte(`"Leak"`), 1)
	if _, err := provenance.CheckProof(p, docID("c"), v, nil); err == nil {
		t.Fatal("an altered version 1 event verified")
	}
}
