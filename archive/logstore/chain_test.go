package logstore

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/provenance"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

func TestChain(t *testing.T) {
	db := openDB(t)
	d := hexID(docID("d"))
	export := mustMarshal(t, &provenance.Event{Type: provenance.Export, Bundle: "b1", Docs: []string{d, hexID(docID("x"))}, CheckpointSize: 6})
	receive := mustMarshal(t, &provenance.Event{Type: provenance.Receive, Bundle: "b0", Origin: "other", Checkpoint: "other\n1\nx\n", Docs: []string{hexID(docID("r"))}})
	appendAll(t, db,
		ingest(t, "a"), // 0
		ingest(t, "b"), // 1
		derive(t, "c", from{"a", 0}, from{"b", 1}), // 2
		annotate(t, "a", "old"),                    // 3: an ancestor's annotation: not in d's chain
		derive(t, "d", from{"c", 2}, from{"r", 5}), // 4
		receive,                       // 5: introduces r
		annotate(t, "d", "sent"),      // 6
		export,                        // 7
		derive(t, "e", from{"d", 4}),  // 8: a descendant: not in d's chain
		ingest(t, "unrelated"),        // 9
		derive(t, "p", from{"q", 11}), // 10: p and q derive from each other
		derive(t, "q", from{"p", 10}), // 11
		deriveV1(t, "z", "missing"),   // 12: version 1; parent never introduced
		deriveV1(t, "y", "d"),         // 13: version 1, of a version 2 derivation
	)
	for _, tc := range []struct {
		doc  string
		want []int64
	}{
		{"d", []int64{0, 1, 2, 4, 5, 6, 7}},
		{"a", []int64{0, 3}},
		{"e", []int64{0, 1, 2, 4, 5, 8}},
		{"r", []int64{5}},
		{"p", []int64{10, 11}},
		{"z", []int64{12}},
		{"never-seen", []int64{}},
	} {
		got, err := Chain(db, docID(tc.doc))
		if err != nil {
			t.Fatalf("Chain(%s): %v", tc.doc, err)
		}
		if !equalInts(got, tc.want) {
			t.Errorf("Chain(%s) = %v, want %v", tc.doc, got, tc.want)
		}
	}
	// The union walks every chain in one pass, reusing the events that
	// name several documents (7 names d and x).
	for _, tc := range []struct {
		docs []string
		want []int64
	}{
		{[]string{"d", "x"}, []int64{0, 1, 2, 4, 5, 6, 7}},
		{[]string{"x", "r"}, []int64{5, 7}},
		{[]string{"a", "e", "z"}, []int64{0, 1, 2, 3, 4, 5, 8, 12}},
		{[]string{"y"}, []int64{0, 1, 2, 4, 5, 13}},
		{nil, []int64{}},
	} {
		var ids [][32]byte
		for _, d := range tc.docs {
			ids = append(ids, docID(d))
		}
		got, err := ChainUnion(db, ids)
		if err != nil {
			t.Fatalf("ChainUnion(%v): %v", tc.docs, err)
		}
		if !equalInts(got, tc.want) {
			t.Errorf("ChainUnion(%v) = %v, want %v", tc.docs, got, tc.want)
		}
	}

	// Without ancestors, a version 2 derivation's parents are represented
	// by the events that introduced them, and only the documents asked
	// for are shown; a version 1 derivation names its parents in the open,
	// so their chains go as before.
	for _, tc := range []struct {
		docs      []string
		ancestors bool
		want      []int64
		shown     []string
	}{
		{[]string{"d"}, false, []int64{2, 4, 5, 6, 7}, []string{"d"}},
		{[]string{"d"}, true, []int64{0, 1, 2, 4, 5, 6, 7}, []string{"a", "b", "c", "d", "r"}},
		{[]string{"e"}, false, []int64{4, 8}, []string{"e"}},
		{[]string{"e", "c"}, false, []int64{0, 1, 2, 4, 8}, []string{"c", "e"}},
		{[]string{"y"}, false, []int64{2, 4, 5, 13}, []string{"d", "y"}},
		{[]string{"z"}, false, []int64{12}, []string{"missing", "z"}},
		{[]string{"p"}, false, []int64{10, 11}, []string{"p"}},
	} {
		var ids [][32]byte
		for _, d := range tc.docs {
			ids = append(ids, docID(d))
		}
		sel, err := Select(db, ids, tc.ancestors)
		if err != nil {
			t.Fatalf("Select(%v, %v): %v", tc.docs, tc.ancestors, err)
		}
		var shown []string
		for _, name := range []string{"a", "b", "c", "d", "e", "missing", "p", "q", "r", "x", "y", "z"} {
			if sel.Shown[hexID(docID(name))] {
				shown = append(shown, name)
			}
		}
		if !equalInts(sel.Events, tc.want) || len(shown) != len(sel.Shown) || fmt.Sprint(shown) != fmt.Sprint(tc.shown) {
			t.Errorf("Select(%v, ancestors %v) = %v showing %v, want %v showing %v", tc.docs, tc.ancestors, sel.Events, shown, tc.want, tc.shown)
		}
	}
	for doc, want := range map[string]int64{"a": 0, "c": 2, "d": 4, "r": 5, "z": 12} {
		if at, err := IntroducedAt(db, docID(doc)); err != nil || at != want {
			t.Errorf("IntroducedAt(%s) = %d, %v; want %d", doc, at, err, want)
		}
	}
}

func TestChainIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a long chain")
	}
	db := openDB(t)
	// A derivation chain longer than MaxChainDocs ancestors.
	batch := [][]byte{ingest(t, "root")}
	prev := "root"
	for i := 0; i <= MaxChainDocs; i++ {
		name := "gen-" + strconv.Itoa(i)
		batch = append(batch, derive(t, name, from{prev, int64(i)}))
		prev = name
		if len(batch) == 2000 {
			appendAll(t, db, batch...)
			batch = nil
		}
	}
	appendAll(t, db, batch...)
	if _, err := Chain(db, docID(prev)); !errors.Is(err, ErrChainTooLong) {
		t.Fatalf("Chain of %d generations: %v, want ErrChainTooLong", MaxChainDocs+1, err)
	}
}

// A prepared event is stored as exactly its bytes, indexed under the
// event's document, like Marshal then Append.
func TestAppendPrepared(t *testing.T) {
	db := openDB(t)
	appendAll(t, db, ingest(t, "a"))
	ev := &provenance.Event{Type: provenance.Ingest, Doc: hexID(docID("b")), Size: 7, Name: "b.txt", Path: "x/b.txt", Actor: "archivist"}
	var n int64
	var b, preparedLeaf []byte
	err := db.Update(func(txn *badger.Txn) error {
		p, err := provenance.Prepare(ev, time.Now())
		if err != nil {
			return err
		}
		b, preparedLeaf = p.Bytes(), p.Leaf()
		n, err = AppendPrepared(txn, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("index %d, want 1", n)
	}
	stored, err := ReadEvent(db, 1)
	if err != nil || string(stored) != string(b) {
		t.Fatalf("stored %q (%v), returned %q", stored, err, b)
	}
	got, err := provenance.ParseEvent(stored)
	if err != nil || got.Doc != ev.Doc || got.Path != "x/b.txt" || got.Size != 7 || got.Salt == "" {
		t.Fatalf("parsed back %+v (%v)", got, err)
	}
	idx, err := DocEvents(db, docID("b"))
	if err != nil || !equalInts(idx, []int64{1}) {
		t.Fatalf("DocEvents(b) = %v (%v), want [1]", idx, err)
	}
	root, err := TreeHash(db, 2)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := ReadEvent(db, 0)
	// The tree covers the sealed forms, and Prepare sealed this one.
	if sealed := leaf(t, stored); !bytes.Equal(sealed, preparedLeaf) || bytes.Equal(sealed, b) {
		t.Fatalf("Prepared.Leaf %q, LeafData of the stored event %q", preparedLeaf, sealed)
	}
	want := tlog.NodeHash(tlog.RecordHash(leaf(t, first)), tlog.RecordHash(leaf(t, stored)))
	if root != want {
		t.Fatalf("tree hash %x, want %x", root, want)
	}
}
