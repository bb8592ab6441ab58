package heldstore

import (
	"fmt"
	"testing"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/tlog"
)

func openDB(t *testing.T) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func heldLog(cp string, depth int, open map[int64][]provenance.Opening, idx ...int64) bundleformat.HeldLog {
	l := bundleformat.HeldLog{Checkpoint: []byte(cp), Key: "key+" + cp, Depth: depth}
	for _, i := range idx {
		l.Events = append(l.Events, provenance.ProvenEvent{Index: i, Event: []byte(fmt.Sprintf(`{"v":2,"n":%d}`, i)),
			Open: open[i], Proof: []tlog.Hash{{byte(i)}}})
	}
	return l
}

func put(t *testing.T, db *badger.DB, k *Keeper, doc [32]byte, chains ...bundleformat.HeldChain) {
	t.Helper()
	if err := db.Update(func(txn *badger.Txn) error { return k.Put(txn, doc, chains) }); err != nil {
		t.Fatal(err)
	}
}

func TestKeepAndRead(t *testing.T) {
	db := openDB(t)
	docA, docB := [32]byte{1}, [32]byte{2}
	opA := map[int64][]provenance.Opening{5: {{Field: "docs", I: 0, Salt: "s0", Value: "A"}}}
	opB := map[int64][]provenance.Opening{5: {{Field: "docs", I: 1, Salt: "s1", Value: "B"}}}
	// Two receives of the same checkpoint: A's chain, then B's, sharing event 5.
	k1 := NewKeeper([]bundleformat.HeldLog{heldLog("cp1", 0, opA, 3, 5), heldLog("up", 1, nil, 7)})
	put(t, db, k1, docA, bundleformat.HeldChain{Log: 0, Events: []int64{3, 5}}, bundleformat.HeldChain{Log: 1, Events: []int64{7}})
	k2 := NewKeeper([]bundleformat.HeldLog{heldLog("cp1", 0, opB, 4, 5)})
	put(t, db, k2, docB, bundleformat.HeldChain{Log: 0, Events: []int64{4, 5}})

	logs, err := ForDocs(db, [][32]byte{docA})
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 2 || string(logs[0].Checkpoint) != "cp1" || logs[0].Depth != 0 || string(logs[1].Checkpoint) != "up" || logs[1].Key != "key+up" {
		t.Fatalf("logs of A: %+v", logs)
	}
	if n := len(logs[0].Events); n != 2 || logs[0].Events[0].Index != 3 || logs[0].Events[1].Index != 5 {
		t.Fatalf("A's events: %+v", logs[0].Events)
	}
	// Event 5's openings are the union of both receives'; the caller
	// filters them (bundlewriter, through Choices.Refilter).
	if got := logs[0].Events[1].Open; len(got) != 2 || got[0].Value != "A" || got[1].Value != "B" {
		t.Errorf("openings of event 5: %+v", got)
	}
	if p := logs[0].Events[1].Proof; len(p) != 1 || p[0][0] != 5 {
		t.Errorf("proof of event 5: %v", p)
	}
	both, _ := ForDocs(db, [][32]byte{docA, docB})
	if len(both[0].Events) != 3 {
		t.Errorf("A and B together: %+v", both[0].Events)
	}
	// Many documents are read in one pass, with the same result.
	many := [][32]byte{docA, docB}
	for i := range scanOver {
		many = append(many, [32]byte{100, byte(i)})
	}
	if got, _ := ForDocs(db, many); len(got) != 2 || len(got[0].Events) != 3 || len(got[1].Events) != 1 {
		t.Errorf("many documents: %+v", got)
	}
	if none, _ := ForDocs(db, [][32]byte{{9}}); len(none) != 0 {
		t.Errorf("a document never received: %+v", none)
	}
}

// TestKeepAtomic: a transaction that fails keeps nothing.
func TestKeepAtomic(t *testing.T) {
	db := openDB(t)
	k := NewKeeper([]bundleformat.HeldLog{heldLog("cp", 0, nil, 1)})
	txn := db.NewTransaction(true)
	if err := k.Put(txn, [32]byte{1}, []bundleformat.HeldChain{{Log: 0, Events: []int64{1}}}); err != nil {
		t.Fatal(err)
	}
	txn.Discard()
	if logs, err := ForDocs(db, [][32]byte{{1}}); err != nil || len(logs) != 0 {
		t.Fatalf("after a discarded transaction: %+v %v", logs, err)
	}
	// A chain naming an event its log does not hold is refused.
	err := db.Update(func(txn *badger.Txn) error {
		return NewKeeper([]bundleformat.HeldLog{heldLog("cp", 0, nil, 1)}).Put(txn, [32]byte{1}, []bundleformat.HeldChain{{Log: 0, Events: []int64{2}}})
	})
	if err == nil {
		t.Fatal("an event missing from its log was kept")
	}
}

// TestKeepBounded: a document keeps at most MaxLogsPerDoc logs.
func TestKeepBounded(t *testing.T) {
	db := openDB(t)
	doc := [32]byte{3}
	for i := range MaxLogsPerDoc + 3 {
		k := NewKeeper([]bundleformat.HeldLog{heldLog(fmt.Sprintf("cp%d", i), 0, nil, 1)})
		put(t, db, k, doc, bundleformat.HeldChain{Log: 0, Events: []int64{1}})
	}
	logs, err := ForDocs(db, [][32]byte{doc})
	if err != nil || len(logs) != MaxLogsPerDoc {
		t.Fatalf("%d logs kept, want %d (%v)", len(logs), MaxLogsPerDoc, err)
	}
}
