package bundle_test

import (
	"bytes"
	"github.com/custody-app/custody/archive/bundleformat"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/verify/bundle"
)

// Fuzz targets for every parser of a bundle's custody/ tag files: none may
// panic, and what they accept must keep their bounds.

func FuzzEventLine(f *testing.F) {
	f.Add([]byte(`{"index":0,"event":"{\"v\":1,\"type\":\"ingest\"}"}`))
	f.Add([]byte(`{"event":"x","index":7}`))
	f.Add([]byte(`{"index":1,"event":"x","index":2}`))
	f.Add([]byte("{\"index\":1,\"event\":\"\\ud800\"}"))
	f.Fuzz(func(t *testing.T, line []byte) {
		idx, ev, _, err := bundle.ParseEventLine(line)
		if err == nil && (idx < 0 || len(ev) == 0 || len(ev) > provenance.MaxEventSize) {
			t.Fatalf("accepted index %d, %d bytes", idx, len(ev))
		}
	})
}

func FuzzReadEvents(f *testing.F) {
	f.Add([]byte(`{"index":0,"event":"a"}` + "\n" + `{"index":3,"event":"b"}` + "\n"))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"index":0,"event":"a"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		last := int64(-1)
		bundle.ReadEvents(bytes.NewReader(data), func(_ int, idx int64, _ []byte, _ []provenance.Opening) error {
			if idx <= last {
				t.Fatalf("index %d after %d", idx, last)
			}
			last = idx
			return nil
		})
	})
}

func FuzzProofs(f *testing.F) {
	f.Add([]byte(`{"format":"custody-bundle-proofs-v1","checkpoint_size":5,"proofs":[{"index":0,"proof":["` + hashA + `"]},{"index":3,"proof":[]}]}`))
	f.Add([]byte(`{"format":"custody-bundle-proofs-v1","checkpoint_size":1,"proofs":[]}`))
	f.Add([]byte(`{"proofs":[{"proof":[1]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := bundle.ParseProofs(data)
		if err != nil {
			return
		}
		if ps.CheckpointSize < 0 || len(ps.Order) != len(ps.Proofs) || len(ps.Order) > bundleformat.MaxEvents {
			t.Fatalf("accepted %+v", ps)
		}
		for i, idx := range ps.Order {
			if i > 0 && idx <= ps.Order[i-1] || len(ps.Proofs[idx]) > provenance.MaxProofHashes {
				t.Fatalf("accepted index %d with %d hashes", idx, len(ps.Proofs[idx]))
			}
		}
	})
}

func FuzzConsistency(f *testing.F) {
	f.Add([]byte(`{"format":"custody-bundle-consistency-v1","checkpoint_size":9,"earlier":[{"size":3,"checkpoint":"note","proof":["` + hashA + `"]}]}`))
	f.Add([]byte(`{"format":"custody-bundle-consistency-v1","checkpoint_size":0,"earlier":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := bundle.ParseConsistency(data)
		if err != nil {
			return
		}
		for i, e := range cs.Earlier {
			if e.Size < 1 || e.Size >= cs.CheckpointSize || i > 0 && e.Size <= cs.Earlier[i-1].Size || len(e.Proof) > provenance.MaxProofHashes {
				t.Fatalf("accepted earlier checkpoint %+v of %d", e, cs.CheckpointSize)
			}
		}
	})
}

func FuzzKeys(f *testing.F) {
	f.Add([]byte("custody-ABCD+01234567+AQID\n"))
	f.Add([]byte("a\nb\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := bundle.ParseKeys(data)
		if err == nil && (len(keys) == 0 || len(keys) > bundleformat.MaxKeys) {
			t.Fatalf("accepted %d keys", len(keys))
		}
	})
}

func FuzzNames(f *testing.F) {
	doc := bytes.Repeat([]byte("ab"), 32)
	f.Add([]byte("data/100%25 a.txt\t" + string(doc) + "\tleak/100%25 a%09b%FF.txt"))
	f.Add([]byte("data/x\t" + string(doc) + "\t%"))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := bundle.ParseNameLine(line)
		if err != nil {
			return
		}
		again, err := bundleformat.DecodeName(bundleformat.EncodeName(e.Name))
		if err != nil || again != e.Name || e.Path == "" {
			t.Fatalf("name %q does not round-trip: %q %v", e.Name, again, err)
		}
	})
}
