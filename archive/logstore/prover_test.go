package logstore

import (
	"fmt"
	"testing"
)

// A Prover's proofs are those InclusionProof gives, event by event, in
// any order, and it refuses what is outside its tree.
func TestProverMatchesInclusionProof(t *testing.T) {
	db := openDB(t)
	var batch [][]byte
	for i := range 137 {
		batch = append(batch, ingest(t, fmt.Sprintf("doc-%d", i)))
	}
	appendAll(t, db, batch...)
	for _, n := range []int64{1, 64, 100, 137} {
		p, err := NewProver(db, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int64{n - 1, 0, n / 2, n - 1, n / 3} {
			got, err := p.Prove(i)
			if err != nil {
				t.Fatalf("Prove(%d) in %d: %v", i, n, err)
			}
			want, err := InclusionProof(db, i, n)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("Prove(%d) in %d differs from InclusionProof", i, n)
			}
			b, err := p.Event(i)
			if err != nil || string(b) != string(batch[i]) {
				t.Fatalf("Event(%d): %v", i, err)
			}
		}
		if _, err := p.Prove(n); err == nil {
			t.Errorf("Prove(%d) in a tree of %d succeeded", n, n)
		}
		p.Close()
	}
	if _, err := NewProver(db, 138); err == nil {
		t.Error("a prover for a tree larger than the log was made")
	}
}
