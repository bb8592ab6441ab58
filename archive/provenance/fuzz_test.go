package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
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

// FuzzOpenEvent reads leaf bytes and openings as a bundle or proof
// carries them: it must never panic, and whatever it accepts must open
// the commitments of the sealed form exactly (checked here from the
// bytes, without OpenEvent's own parse).
func FuzzOpenEvent(f *testing.F) {
	opens, _ := filepath.Glob("testdata/events/valid/v2_*.json")
	for _, file := range opens {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		ev, err := ParseEvent(b)
		if err != nil {
			f.Fatal(err)
		}
		sealed, _ := ev.Seal()
		all, _ := ev.Openings(OpenAll)
		raw, _ := json.Marshal(all)
		f.Add(sealed, raw)
		f.Add(sealed, []byte(`[]`))
		if len(all) > 1 {
			raw, _ = json.Marshal(all[1:2])
			f.Add(sealed, raw)
		}
	}
	invalid, _ := filepath.Glob("testdata/events/sealed/invalid/*.json")
	for _, file := range invalid {
		b, _ := os.ReadFile(file)
		f.Add(b, []byte(`[{"field":"what","i":0,"salt":"AAECAwQFBgcICQoLDA0ODw==","value":"x"}]`))
	}
	f.Fuzz(func(t *testing.T, leaf, rawOpen []byte) {
		open, err := ParseOpenings(rawOpen)
		if err != nil {
			return
		}
		v, err := OpenEvent(leaf, open)
		if err != nil {
			return
		}
		if v.V == 1 {
			if len(open) > 0 {
				t.Fatalf("a version 1 event accepted %d openings", len(open))
			}
			return
		}
		var w struct{ Sealed map[string]json.RawMessage }
		if err := json.Unmarshal(leaf, &w); err != nil {
			t.Fatalf("accepted %q, which is not JSON: %v", leaf, err)
		}
		for _, o := range open {
			var list []string
			if err := json.Unmarshal(w.Sealed[o.Field], &list); err != nil {
				var one string
				if json.Unmarshal(w.Sealed[o.Field], &one) != nil {
					t.Fatalf("accepted an opening of %q, which is not committed to", o.Field)
				}
				list = []string{one}
			}
			salt, err := base64.StdEncoding.DecodeString(o.Salt)
			if err != nil || o.I < 0 || o.I >= len(list) {
				t.Fatalf("accepted opening %+v", o)
			}
			c := Commit(o.Field, salt, o.Value)
			if base64.StdEncoding.EncodeToString(c[:]) != list[o.I] {
				t.Fatalf("accepted opening %+v, which does not match %s", o, list[o.I])
			}
		}
		if len(v.Withheld) > len(privateFields) {
			t.Fatalf("withheld %v", v.Withheld)
		}
	})
}
