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
		if !readable(int64(ev.V)) || fieldsOf[ev.Type] == nil || ev.Timestamp().IsZero() {
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

func FuzzParseCheckpoint(f *testing.F) {
	k := fuzzKey(f)
	for _, body := range []string{
		"o\n5\n" + testRoot + "\n",
		"custody.example/a\n0\n" + testRoot + "\next\n",
		"o\n-1\n" + testRoot + "\n",
		"o\n5\nAAAA\n",
	} {
		b, err := note.Sign(&note.Note{Text: body}, k.Signer)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	}
	f.Add([]byte("o\n5\n" + testRoot + "\n\n— x AAAAAAAA\n"))
	vs := note.VerifierList(k.Verifier)
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
