package keys

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// FuzzIdentityFile feeds arbitrary bytes to the identity file parser. A
// file is either refused with a coded error, or it reads back unchanged
// after re-encoding; when its scrypt cost is small it is also unlocked with
// the golden passphrase, which must give a clean answer.
func FuzzIdentityFile(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "golden", FileName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add(golden[:len(golden)/2])
	f.Add(bytes.Replace(golden, []byte(`"log_n": 10`), []byte(`"log_n": 30`), 1))
	f.Add(bytes.Replace(golden, []byte(`"format": 1`), []byte(`"format": 2`), 1))
	f.Add(bytes.Replace(golden, []byte(`"Golden Archivist"`), []byte(`"Eve"`), 1))
	f.Add([]byte("{}"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseFile(data)
		if err != nil {
			if Code(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		h2, err := parseFile(h.encode())
		if err != nil {
			t.Fatalf("accepted file does not read back after re-encoding: %v", err)
		}
		if !reflect.DeepEqual(h, h2) || !bytes.Equal(h.associatedData(), h2.associatedData()) {
			t.Fatalf("re-encoding changed the file:\n%+v\n%+v", h, h2)
		}
		if h.kdf.logN > 12 || h.kdf.r*h.kdf.p > 16 {
			return // keep each run fast; the caps were checked above
		}
		id, err := h.unseal([]byte(goldenPass))
		switch {
		case err == nil:
			if !id.pub.PublicKey.Equal(id.priv.Public()) {
				t.Fatal("unlocked identity with a mismatched key pair")
			}
		case errors.Is(err, ErrWrongPassphrase), errors.Is(err, ErrKeyFileDamaged):
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	})
}

// FuzzVerifierKey feeds arbitrary strings to ParseVerifierKey. An accepted
// key is in its one canonical form, is not weak, and note accepts it too.
func FuzzVerifierKey(f *testing.F) {
	f.Add("custody-YDLH-JSKY-QRVL-EDDX+fba30020+AfMWLBh86WqVwQ3SBphUb6mmb0fGcegqjvRVdbpwYo1d")
	f.Add("someone+27a4a1bf+AQEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("someone+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("a+b+c")
	f.Add("+++")
	f.Add("")
	f.Fuzz(func(t *testing.T, vkey string) {
		v, info, err := ParseVerifierKey(vkey)
		if err != nil {
			if Code(err) == "" || v != nil || info != nil {
				t.Fatalf("bad refusal: %v", err)
			}
			return
		}
		if info.VerifierKey != vkey || verifierKeyFor(info.Name, info.PublicKey) != vkey {
			t.Fatalf("accepted a non-canonical form: %q", vkey)
		}
		if checkPoint(info.PublicKey) != nil || strings.ContainsAny(info.Name, "+ \n") {
			t.Fatalf("accepted a weak key or bad name: %q", vkey)
		}
		if _, err := note.NewVerifier(vkey); err != nil {
			t.Fatalf("note refuses what Custody accepts: %v", err)
		}
		if v.Name() != info.Name || v.KeyHash() != info.KeyHash {
			t.Fatalf("verifier %s/%08x, info %+v", v.Name(), v.KeyHash(), info)
		}
	})
}
