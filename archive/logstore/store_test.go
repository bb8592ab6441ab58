package logstore

import (
	"bytes"
	"errors"
	"testing"

	"github.com/custody-app/custody/archive/provenance"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

// proofSizes are the tree sizes at which the size test signs a checkpoint
// and checks proofs: every size up to 130, and the sizes around powers of
// two where the tree's shape changes.
func proofSizes() []int64 {
	var s []int64
	for n := int64(1); n <= 130; n++ {
		s = append(s, n)
	}
	return append(s, 255, 256, 257, 1023, 1024, 1025, 2047, 2048, 2049)
}

// sizedLog is a log of 2049 generated events with a checkpoint signed at
// every proof size, and a reference tree built in memory.
type sizedLog struct {
	db     *badger.DB
	key    testKey
	ref    refTree
	events [][]byte
	cps    map[int64]*provenance.Checkpoint
}

func buildSizedLog(t *testing.T) *sizedLog {
	l := &sizedLog{db: openDB(t), key: newKey(t, "archivist"), cps: map[int64]*provenance.Checkpoint{}}
	next := int64(0)
	for _, size := range proofSizes() {
		var batch [][]byte
		for ; next < size; next++ {
			ev := genEvent(t, int(next))
			l.ref.add(t, next, ev)
			l.events = append(l.events, ev)
			batch = append(batch, ev)
		}
		appendAll(t, l.db, batch...)
		cp, err := SignCheckpoint(l.db, l.key.Signer, testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Size != size || cp.Root != l.ref.root(t, size) {
			t.Fatalf("checkpoint at size %d: got size %d root %v", size, cp.Size, cp.Root)
		}
		l.cps[size] = cp
	}
	return l
}

func TestProofsAtEverySize(t *testing.T) {
	l := buildSizedLog(t)
	if n, err := Size(l.db); err != nil || n != 2049 {
		t.Fatalf("Size = %d, %v", n, err)
	}
	for _, n := range proofSizes() {
		root := l.ref.root(t, n)
		got, err := TreeHash(l.db, n)
		if err != nil || got != root {
			t.Fatalf("TreeHash(%d) = %v, %v; want %v", n, got, err, root)
		}
		for i := int64(0); i < n; i++ {
			p, err := InclusionProof(l.db, i, n)
			if err != nil {
				t.Fatal(err)
			}
			lh := tlog.RecordHash(leaf(t, l.events[i]))
			if err := tlog.CheckRecord(p, n, root, i, lh); err != nil {
				t.Fatalf("event %d in tree %d: %v", i, n, err)
			}
			if len(p) > 0 {
				p[len(p)-1][0] ^= 1
				if tlog.CheckRecord(p, n, root, i, lh) == nil {
					t.Fatalf("event %d in tree %d: a flipped proof hash still verified", i, n)
				}
			}
		}
		// The whole proof file for the newest document at this size.
		doc := docID(genDoc(int(n - 1)))
		b, err := Prove(l.db, doc, l.cps[n], l.key.VKey)
		if err != nil {
			t.Fatalf("Prove at size %d: %v", n, err)
		}
		p, err := provenance.ParseProof(b)
		if err != nil {
			t.Fatalf("ParseProof at size %d: %v", n, err)
		}
		res, err := provenance.CheckProof(p, doc, l.key.Verifier, nil)
		if err != nil {
			t.Fatalf("CheckProof at size %d: %v\n%s", n, err, b)
		}
		if !res.Trusted || res.Checkpoint.Size != n || len(res.Events) == 0 {
			t.Fatalf("CheckProof at size %d: %+v", n, res)
		}
		if want := countCheckpointsBelow(n); len(p.Consistency) != want {
			t.Fatalf("proof at size %d has %d consistency proofs, want %d", n, len(p.Consistency), want)
		}
	}
}

func countCheckpointsBelow(n int64) int {
	c := 0
	for _, s := range proofSizes() {
		if s < n {
			c++
		}
	}
	return c
}

func TestConsistencyProofsAllPairs(t *testing.T) {
	db := openDB(t)
	var ref refTree
	const max = 130
	var batch [][]byte
	for i := int64(0); i < max; i++ {
		ev := genEvent(t, int(i))
		ref.add(t, i, ev)
		batch = append(batch, ev)
	}
	appendAll(t, db, batch...)
	roots := make([]tlog.Hash, max+1)
	for n := int64(1); n <= max; n++ {
		roots[n] = ref.root(t, n)
	}
	for n := int64(1); n <= max; n++ {
		for m := int64(1); m <= n; m++ {
			p, err := ConsistencyProof(db, m, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := tlog.CheckTree(p, n, roots[n], m, roots[m]); err != nil {
				t.Fatalf("tree %d extends %d: %v", n, m, err)
			}
			if len(p) > 0 {
				p[0][31] ^= 0x80
				if tlog.CheckTree(p, n, roots[n], m, roots[m]) == nil {
					t.Fatalf("tree %d extends %d: a flipped proof hash still verified", n, m)
				}
			}
			if m < n && tlog.CheckTree(nil, n, roots[n], m, roots[m-1]) == nil {
				t.Fatalf("tree %d extends %d with the wrong old root", n, m)
			}
		}
	}
	if _, err := ConsistencyProof(db, 0, 5); err == nil {
		t.Fatal("ConsistencyProof from 0 succeeded")
	}
	if _, err := ConsistencyProof(db, 5, max+1); err == nil {
		t.Fatal("ConsistencyProof past the log's size succeeded")
	}
	if _, err := InclusionProof(db, max, max); err == nil {
		t.Fatal("InclusionProof of an index outside the tree succeeded")
	}
}

func TestAppendInOneTxnAndReadBack(t *testing.T) {
	db := openDB(t)
	a, b, c := ingest(t, "a"), ingest(t, "b"), derive(t, "c", from{"a", 0}, from{"b", 1})
	extra := docID("bundle-member")
	var idx []int64
	err := db.Update(func(txn *badger.Txn) error {
		for _, e := range [][]byte{a, b} {
			i, err := Append(txn, e)
			if err != nil {
				return err
			}
			idx = append(idx, i)
		}
		if n, err := SizeTxn(txn); err != nil || n != 2 {
			t.Errorf("SizeTxn inside the transaction = %d, %v", n, err)
		}
		i, err := Append(txn, c, extra)
		idx = append(idx, i)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if idx[0] != 0 || idx[1] != 1 || idx[2] != 2 {
		t.Fatalf("indexes %v", idx)
	}
	var got [][]byte
	if err := Events(db, 0, 3, func(i int64, e []byte) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]byte{a, b, c} {
		if !bytes.Equal(got[i], want) {
			t.Fatalf("event %d = %s, want %s", i, got[i], want)
		}
	}
	if e, err := ReadEvent(db, 2); err != nil || !bytes.Equal(e, c) {
		t.Fatalf("ReadEvent(2) = %s, %v", e, err)
	}
	if _, err := ReadEvent(db, 3); !errors.Is(err, ErrMissing) {
		t.Fatalf("ReadEvent(3) error = %v, want ErrMissing", err)
	}
	if err := Events(db, 0, 4, func(int64, []byte) error { return nil }); !errors.Is(err, ErrMissing) {
		t.Fatalf("Events past the end: %v, want ErrMissing", err)
	}
	for doc, want := range map[string][]int64{"a": {0, 2}, "b": {1, 2}, "c": {2}, "bundle-member": {2}, "none": nil} {
		got, err := DocEvents(db, docID(doc))
		if err != nil || !equalInts(got, want) {
			t.Errorf("DocEvents(%s) = %v, %v; want %v", doc, got, err, want)
		}
	}
}

func TestAppendRefusesUnreadableEvents(t *testing.T) {
	db := openDB(t)
	err := db.Update(func(txn *badger.Txn) error {
		_, err := Append(txn, []byte(`{"v":1,"type":"ingest"}`))
		return err
	})
	if err == nil {
		t.Fatal("Append accepted an event without its required fields")
	}
	if n, _ := Size(db); n != 0 {
		t.Fatalf("size %d after a refused append", n)
	}
}

func TestConcurrentAppendConflicts(t *testing.T) {
	db := openDB(t)
	t1, t2 := db.NewTransaction(true), db.NewTransaction(true)
	defer t1.Discard()
	defer t2.Discard()
	if _, err := Append(t1, ingest(t, "x")); err != nil {
		t.Fatal(err)
	}
	if _, err := Append(t2, ingest(t, "y")); err != nil {
		t.Fatal(err)
	}
	if err := t1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(); !errors.Is(err, badger.ErrConflict) {
		t.Fatalf("second concurrent append committed: %v", err)
	}
	if n, _ := Size(db); n != 1 {
		t.Fatalf("size %d, want 1", n)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
