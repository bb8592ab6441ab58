package logstore

import (
	"testing"

	"github.com/custody-app/custody/archive/provenance"
)

func FuzzParseProof(f *testing.F) {
	k := fuzzKey(f)
	db := openDB(f)
	for i := 0; i < 9; i++ {
		appendAll(f, db, genEvent(f, i))
		if i == 3 || i == 8 {
			if _, err := SignCheckpoint(db, k.Signer, testOrigin); err != nil {
				f.Fatal(err)
			}
		}
	}
	for _, d := range []string{genDoc(7), genDoc(2)} {
		b, err := Prove(db, docID(d), nil, k.VKey)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"custody-proof-v1","events":[{"index":-1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := provenance.ParseProof(b)
		if err != nil {
			return
		}
		if len(p.Events) == 0 || len(p.Events) > provenance.MaxProofEvents {
			t.Fatalf("accepted %d events", len(p.Events))
		}
		cp, err := provenance.ParseUnverified(p.Checkpoint)
		if err != nil {
			t.Fatalf("accepted a proof whose checkpoint does not parse: %v", err)
		}
		for _, e := range p.Events {
			if e.Index < 0 || e.Index >= cp.Size || len(e.Proof) > provenance.MaxProofHashes {
				t.Fatalf("accepted event %d (size %d, %d hashes)", e.Index, cp.Size, len(e.Proof))
			}
		}
		// Checking must not panic whatever the proof says.
		provenance.CheckProof(p, p.Doc, k.Verifier, nil)
		provenance.CheckProof(p, p.Doc, nil, p.Checkpoint)
	})
}
