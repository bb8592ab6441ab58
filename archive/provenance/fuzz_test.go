package provenance

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func FuzzParseEvent(f *testing.F) {
	files, _ := filepath.Glob("testdata/events/*/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := ParseEvent(b)
		if err != nil {
			return
		}
		if ev.V != Version || fieldsOf[ev.Type] == nil || ev.Timestamp().IsZero() {
			t.Fatalf("accepted %q as %+v", b, ev)
		}
		// Whatever was accepted can be written back and read again.
		again, err := MarshalAt(ev, testClock)
		if err != nil {
			t.Fatalf("accepted %q but cannot re-encode it: %v", b, err)
		}
		if _, err := ParseEvent(again); err != nil {
			t.Fatalf("re-encoded %q does not parse: %v", again, err)
		}
	})
}

// fuzzKey is a fixed key, so the corpus stays valid from run to run.
func fuzzKey(t testing.TB) testKey {
	skey, vkey, err := note.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 32)), "archivist")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	return testKey{s, v, vkey}
}

func FuzzParseCheckpoint(f *testing.F) {
	k := fuzzKey(f)
	for _, body := range []string{
		"o\n5\n" + testRoot + "\n",
		"custody.example/a\n0\n" + testRoot + "\next\n",
		"o\n-1\n" + testRoot + "\n",
		"o\n5\nAAAA\n",
	} {
		b, err := note.Sign(&note.Note{Text: body}, k.signer)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	}
	f.Add([]byte("o\n5\n" + testRoot + "\n\n— x AAAAAAAA\n"))
	vs := note.VerifierList(k.verifier)
	f.Fuzz(func(t *testing.T, b []byte) {
		cp, err := ParseCheckpoint(b, vs)
		if err != nil {
			return
		}
		if cp.Origin == "" || cp.Size < 0 || len(cp.Signers) == 0 || !bytes.Equal(cp.Note, b) {
			t.Fatalf("accepted %q as %+v", b, cp)
		}
	})
}

func FuzzParseProof(f *testing.F) {
	k := fuzzKey(f)
	db := openDB(f)
	for i := 0; i < 9; i++ {
		appendAll(f, db, genEvent(f, i))
		if i == 3 || i == 8 {
			if _, err := SignCheckpoint(db, k.signer, testOrigin); err != nil {
				f.Fatal(err)
			}
		}
	}
	for _, d := range []string{genDoc(7), genDoc(2)} {
		b, err := Prove(db, docID(d), nil, k.vkey)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"custody-proof-v1","events":[{"index":-1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProof(b)
		if err != nil {
			return
		}
		if len(p.Events) == 0 || len(p.Events) > MaxProofEvents {
			t.Fatalf("accepted %d events", len(p.Events))
		}
		for _, e := range p.Events {
			if e.Index < 0 || e.Index >= p.cp.Size || len(e.Proof) > MaxProofHashes {
				t.Fatalf("accepted event %d (size %d, %d hashes)", e.Index, p.cp.Size, len(e.Proof))
			}
		}
		// Checking must not panic whatever the proof says.
		CheckProof(p, p.Doc, k.verifier, nil)
		CheckProof(p, p.Doc, nil, p.Checkpoint)
	})
}
