package logstore

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
)

// proveAndCheck proves doc with opt and checks the proof.
func proveAndCheck(t *testing.T, db *badger.DB, k testKey, doc string, opt ProofOptions) ([]byte, *provenance.Proof, *provenance.ProofResult) {
	t.Helper()
	b, err := ProveWith(db, docID(doc), nil, k.VKey, opt)
	if err != nil {
		t.Fatal(err)
	}
	p, err := provenance.ParseProof(b)
	if err != nil {
		t.Fatal(err)
	}
	res, err := provenance.CheckProof(p, docID(doc), k.Verifier, nil)
	if err != nil || !res.Trusted {
		t.Fatalf("proof of %s (%+v): %v\n%s", doc, opt, err, b)
	}
	return b, p, res
}

func sign(t *testing.T, db *badger.DB, k testKey) {
	t.Helper()
	if _, err := SignCheckpoint(db, k.Signer, testOrigin); err != nil {
		t.Fatal(err)
	}
}

// A redaction proven without its ancestors carries its original only as
// "a document recorded at index 0": that ingest, sealed, with nothing
// opened. With them, the original's record is opened.
func TestProveRedaction(t *testing.T) {
	db, k := openDB(t), newKey(t, "archivist")
	orig := hexID(docID("original"))
	appendAll(t, db,
		mustMarshal(t, &provenance.Event{Type: provenance.Ingest, Doc: orig, Size: 8, Name: "original.pdf", Path: "leak/original.pdf", Source: "a person", Note: "from the source"}),
		ingest(t, "other"),
		derive(t, "redacted", from{"original", 0}),
		annotate(t, "original", "privileged"),
	)
	sign(t, db, k)
	for _, doc := range []string{"original", "redacted", "other"} {
		want := map[string]int64{"original": 0, "other": 1, "redacted": 2}[doc]
		if at, err := IntroducedAt(db, docID(doc)); err != nil || at != want {
			t.Errorf("IntroducedAt(%s) = %d, %v; want %d", doc, at, err, want)
		}
	}
	if _, err := IntroducedAt(db, docID("never")); !errors.Is(err, ErrMissing) {
		t.Errorf("IntroducedAt of an unknown document: %v", err)
	}

	b, p, res := proveAndCheck(t, db, k, "redacted", ProofOptions{})
	if idx := []int64{p.Events[0].Index, p.Events[1].Index}; len(p.Events) != 2 || !slices.Equal(idx, []int64{0, 2}) {
		t.Fatalf("proof events %v, want the original's ingest and the derive", idx)
	}
	if len(p.Events[0].Open) != 0 {
		t.Errorf("the original's ingest opens %+v", p.Events[0].Open)
	}
	if o := res.Events[0]; o.Type != provenance.Ingest || o.Doc != "" || o.Name != "" || !slices.Equal(o.Withheld, []string{"doc", "size", "name", "path", "source", "note"}) {
		t.Errorf("the original as disclosed: %+v, withheld %v", o.Event, o.Withheld)
	}
	if d := res.Events[1]; d.Kind != "redaction" || !slices.Equal(d.ParentIDs, []string{""}) || !slices.Equal(d.ParentEvents, []int64{0}) {
		t.Errorf("the derive as disclosed: %+v", d)
	}
	for _, s := range append(idForms(orig), "original.pdf", "leak/", "a person", "from the source", "privileged") {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the proof of the redaction holds %q", s)
		}
	}
	// Without the original's ingest the chain is not whole.
	cut := cloneProof(t, p)
	cut.Events = cut.Events[1:]
	if _, err := provenance.CheckProof(cut, docID("redacted"), k.Verifier, nil); !errors.Is(err, provenance.ErrIncomplete) {
		t.Errorf("without the original's ingest: %v, want ErrIncomplete", err)
	}
	// An ingest of another document does not stand in for it.
	swapped := cloneProof(t, p)
	swapped.Events[0].Index = 1
	if _, err := provenance.CheckProof(swapped, docID("redacted"), k.Verifier, nil); err == nil {
		t.Error("another event accepted as the original's ingest")
	}

	// With ancestors, the original is named and its record opened; its
	// source and note only when chosen.
	b, p, res = proveAndCheck(t, db, k, "redacted", ProofOptions{Ancestors: true})
	if len(p.Events) != 2 || res.Events[0].Doc != orig || res.Events[0].Name != "original.pdf" || res.Events[0].Source != "" {
		t.Fatalf("with ancestors: %+v", res.Events[0])
	}
	if !slices.Equal(res.Events[1].ParentIDs, []string{orig}) {
		t.Errorf("with ancestors the parent is %v", res.Events[1].ParentIDs)
	}
	if bytes.Contains(b, []byte("a person")) || bytes.Contains(b, []byte("privileged")) {
		t.Error("with ancestors but no choices, the source or an annotation left")
	}
	_, _, res = proveAndCheck(t, db, k, "redacted", ProofOptions{Ancestors: true, Choices: provenance.Choices{Sources: true, Notes: true}})
	if o := res.Events[0]; o.Source != "a person" || o.Note != "from the source" || len(o.Withheld) != 0 {
		t.Errorf("with ancestors, sources and notes: %+v withheld %v", o.Event, o.Withheld)
	}
}

// idForms are the ways a document ID could appear in a proof: hex and
// its 32 bytes in standard and URL-safe base64, padded or not.
func idForms(id string) []string {
	raw, _ := hex.DecodeString(id)
	return []string{id, strings.ToUpper(id), base64.StdEncoding.EncodeToString(raw), base64.URLEncoding.EncodeToString(raw),
		base64.RawStdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw)}
}

// leakLog is a log with a unique marker in every private field of every
// event, about six documents: d1..d4 imported, then annotated, exported
// together, d5 received with d1, d6 a redaction of d2, a verify, and an
// export of d6 alone.
func leakLog(t *testing.T) (*badger.DB, testKey) {
	db, k := openDB(t), newKey(t, "archivist")
	id := func(n int) string { return hexID(docID(fmt.Sprintf("leak-doc-%d", n))) }
	var evs []*provenance.Event
	for n := 1; n <= 4; n++ {
		evs = append(evs, &provenance.Event{Type: provenance.Ingest, Doc: id(n), Size: int64(7770000 + n),
			Name: fmt.Sprintf("MK-NAME-%d", n), Path: fmt.Sprintf("MK-PATH-%d/f", n), Source: fmt.Sprintf("MK-SOURCE-%d", n), Note: fmt.Sprintf("MK-NOTE-%d", n)})
	}
	evs = append(evs,
		&provenance.Event{Type: provenance.Annotate, Doc: id(1), Tags: []string{"MK-TAG-1a", "MK-TAG-1b"}, Note: "MK-ANOTE-1"}, // 4
		&provenance.Event{Type: provenance.Annotate, Doc: id(2), Tags: []string{"MK-TAG-2"}, Note: "MK-ANOTE-2"},               // 5
		&provenance.Event{Type: provenance.Export, Bundle: "MK-BUNDLE-ALL", Docs: []string{id(1), id(2), id(3), id(4)}, CheckpointSize: 6, Note: "MK-XNOTE-ALL"},
		&provenance.Event{Type: provenance.Receive, Bundle: "MK-RBUNDLE", Origin: "MK-ORIGIN", Checkpoint: "MK-CHECKPOINT\n1\nx\n", Docs: []string{id(5), id(1)}, Names: []string{"MK-RNAME-5", "MK-RNAME-1"}, Note: "MK-RNOTE"},
		&provenance.Event{Type: provenance.Derive, Doc: id(6), Size: 7770006, Name: "MK-NAME-6", Parents: []string{id(2)}, ParentEvents: []int64{1}, Kind: "redaction", Note: "MK-NOTE-6"},
		&provenance.Event{Type: provenance.Verify, What: "MK-WHAT", Verdict: "MK-VERDICT"},
		&provenance.Event{Type: provenance.Export, Bundle: "MK-BUNDLE-6", Docs: []string{id(6)}, CheckpointSize: 10, Note: "MK-XNOTE-6"},
	)
	for i, ev := range evs {
		appendAll(t, db, mustMarshal(t, ev))
		if i == 5 || i == 9 {
			sign(t, db, k)
		}
	}
	sign(t, db, k)
	return db, k
}

// TestProofLeaks proves documents of leakLog and checks the proof's bytes
// for every marker and every document ID in every encoding: only what the
// options disclose may appear.
func TestProofLeaks(t *testing.T) {
	db, k := leakLog(t)
	id := func(n int) string { return hexID(docID(fmt.Sprintf("leak-doc-%d", n))) }
	everything := []string{"MK-", "777000"}
	for n := 1; n <= 6; n++ {
		everything = append(everything, idForms(id(n))...)
	}
	all := provenance.Choices{Sources: true, Notes: true, Tags: true}
	for _, tc := range []struct {
		doc     int
		opt     ProofOptions
		allowed []string // everything else must be absent
	}{
		// d1's own record and where its received copy came from.
		{1, ProofOptions{}, []string{id(1), "MK-NAME-1", "MK-PATH-1/f", "7770001", "MK-RBUNDLE", "MK-ORIGIN", "MK-CHECKPOINT", "MK-RNAME-1"}},
		{1, ProofOptions{Choices: all}, []string{id(1), "MK-NAME-1", "MK-PATH-1/f", "7770001", "MK-RBUNDLE", "MK-ORIGIN", "MK-CHECKPOINT", "MK-RNAME-1",
			"MK-SOURCE-1", "MK-NOTE-1", "MK-TAG-1a", "MK-TAG-1b", "MK-ANOTE-1", "MK-XNOTE-ALL", "MK-RNOTE"}},
		{3, ProofOptions{}, []string{id(3), "MK-NAME-3", "MK-PATH-3/f", "7770003"}},
		{5, ProofOptions{Choices: all}, []string{id(5), "MK-RBUNDLE", "MK-ORIGIN", "MK-CHECKPOINT", "MK-RNAME-5", "MK-RNOTE"}},
		// The redaction: nothing of d2 by default.
		{6, ProofOptions{}, []string{id(6), "MK-NAME-6", "7770006"}},
		{6, ProofOptions{Choices: all}, []string{id(6), "MK-NAME-6", "7770006", "MK-NOTE-6", "MK-XNOTE-6"}},
		// With ancestors, d2's record, not its annotations.
		{6, ProofOptions{Ancestors: true}, []string{id(6), "MK-NAME-6", "7770006", id(2), "MK-NAME-2", "MK-PATH-2/f", "7770002"}},
		{6, ProofOptions{Ancestors: true, Choices: all}, []string{id(6), "MK-NAME-6", "7770006", "MK-NOTE-6", "MK-XNOTE-6",
			id(2), "MK-NAME-2", "MK-PATH-2/f", "7770002", "MK-SOURCE-2", "MK-NOTE-2"}},
	} {
		b, _, _ := proveAndCheck(t, db, k, fmt.Sprintf("leak-doc-%d", tc.doc), tc.opt)
		// Blank out what may be there, then nothing else may remain.
		rest := string(b)
		for _, s := range tc.allowed {
			if !strings.Contains(rest, s) {
				t.Errorf("proof of d%d %+v lacks %q", tc.doc, tc.opt, s)
			}
		}
		for _, s := range tc.allowed {
			rest = strings.ReplaceAll(rest, s, "")
		}
		for _, s := range everything {
			if strings.Contains(rest, s) {
				i := strings.Index(rest, s)
				t.Errorf("proof of d%d %+v leaks %q: …%s…", tc.doc, tc.opt, s, rest[max(0, i-40):min(len(rest), i+40)])
			}
		}
	}
}
