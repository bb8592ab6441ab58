package logstore

import (
	"fmt"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/provenance/provtest"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// The keys, IDs and clock the provenance tests share (archive/provenance/provtest).
type testKey = provtest.Key

var (
	testClock = provtest.Clock
	newKey    = provtest.NewKey
	fuzzKey   = provtest.FixedKey
	signText  = provtest.SignText
	docID     = provtest.DocID
	hexID     = provtest.HexID
)

const testRoot = provtest.EmptyRoot

const testOrigin = "custody.example/archive/test-0001"

func openDB(t testing.TB) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustMarshal(t testing.TB, ev *provenance.Event) []byte {
	t.Helper()
	if ev.Actor == "" {
		ev.Actor = "archivist"
	}
	b, err := provenance.MarshalAt(ev, testClock)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ingest(t testing.TB, name string) []byte {
	return mustMarshal(t, &provenance.Event{Type: provenance.Ingest, Doc: hexID(docID(name)), Size: int64(len(name)), Name: name, Path: "in/" + name, Source: "leak"})
}

// from names a derivation's parent and the index of the event that
// introduced it (what a version 2 derive records in parent_events).
type from struct {
	name string
	at   int64
}

func derive(t testing.TB, name string, parents ...from) []byte {
	ev := &provenance.Event{Type: provenance.Derive, Doc: hexID(docID(name)), Size: 3, Name: name, Kind: "redaction"}
	for _, p := range parents {
		ev.Parents = append(ev.Parents, hexID(docID(p.name)))
		ev.ParentEvents = append(ev.ParentEvents, p.at)
	}
	return mustMarshal(t, ev)
}

// deriveV1 is a version 1 derivation, as logs written before version 2
// hold: its parents are named in the open, with no parent_events.
func deriveV1(t testing.TB, name string, parents ...string) []byte {
	ev := &provenance.Event{V: 1, Type: provenance.Derive, Doc: hexID(docID(name)), Size: 3, Name: name, Kind: "redaction"}
	for _, p := range parents {
		ev.Parents = append(ev.Parents, hexID(docID(p)))
	}
	return mustMarshal(t, ev)
}

// leaf is the leaf data of stored event bytes: what the tree hashes.
func leaf(t testing.TB, b []byte) []byte {
	t.Helper()
	data, err := provenance.LeafData(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func annotate(t testing.TB, name, note string) []byte {
	return mustMarshal(t, &provenance.Event{Type: provenance.Annotate, Doc: hexID(docID(name)), Tags: []string{"reviewed"}, Note: note})
}

// appendAll appends events in one transaction and returns their indexes.
func appendAll(t testing.TB, db *badger.DB, events ...[]byte) []int64 {
	t.Helper()
	var idx []int64
	err := db.Update(func(txn *badger.Txn) error {
		for _, e := range events {
			i, err := Append(txn, e)
			if err != nil {
				return err
			}
			idx = append(idx, i)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// genEvent is the i'th event of the synthetic log used by the size tests:
// mostly ingests of doc-i, every 7th a derivation from two earlier
// documents, every 11th an annotation.
func genEvent(t testing.TB, i int) []byte {
	switch {
	case isDerive(i):
		return derive(t, genDoc(i), genParent(i-1), genParent(i/2))
	case isAnnotate(i):
		return annotate(t, genDoc(i-1), "checked")
	}
	return ingest(t, genDoc(i))
}

func isDerive(i int) bool   { return i > 2 && i%7 == 0 }
func isAnnotate(i int) bool { return i > 0 && i%11 == 0 && !isDerive(i) }

// genDoc names the document introduced at or just before event i.
func genDoc(i int) string { return fmt.Sprintf("doc-%d", genIntro(i)) }

// genIntro is the index of the event that introduced genDoc(i).
func genIntro(i int) int {
	for isAnnotate(i) {
		i--
	}
	return i
}

// genParent is genDoc(i) as a derivation's parent.
func genParent(i int) from { return from{genDoc(i), int64(genIntro(i))} }

// refTree is an in-memory tree built with tlog alone, to check the stored one.
type refTree struct{ hashes []tlog.Hash }

func (r *refTree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = r.hashes[x]
	}
	return out, nil
}

// add adds stored event bytes b as leaf n.
func (r *refTree) add(t testing.TB, n int64, b []byte) {
	hs, err := tlog.StoredHashes(n, leaf(t, b), r)
	if err != nil {
		t.Fatal(err)
	}
	r.hashes = append(r.hashes, hs...)
}

func (r *refTree) root(t testing.TB, n int64) tlog.Hash {
	h, err := tlog.TreeHash(n, r)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
