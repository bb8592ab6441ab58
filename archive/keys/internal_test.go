package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

var update = flag.Bool("update", false, "rewrite the golden identity files in testdata")

const goldenPass = "correct horse battery staple"

// goldenWant is what a golden identity file must unlock to, for ever:
// a file written by one release must open in every later one.
type goldenWant struct {
	Fingerprint string `json:"fingerprint"`
	Origin      string `json:"origin"`
	VerifierKey string `json:"verifier_key"`
	StoreKey    string `json:"store_key"`
	SignedNote  string `json:"signed_note"`
}

const goldenText = "custody.app/golden\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"

// goldenFiles are identity files kept exactly as earlier releases wrote
// them: "golden" at the lowest cost (written when the key derivation was
// x/crypto's scrypt), "golden-default-cost" at DefaultScryptLogN (written
// by the release that ran scrypt's ROMix itself, just before it went back
// to x/crypto).
var goldenFiles = []struct {
	name string
	logN int
}{
	{"golden", MinScryptLogN},
	{"golden-default-cost", DefaultScryptLogN},
}

func TestGoldenIdentityFiles(t *testing.T) {
	for _, g := range goldenFiles {
		t.Run(g.name, func(t *testing.T) {
			dir := filepath.Join("testdata", g.name)
			wantPath := filepath.Join("testdata", g.name+".want.json")
			if *update {
				writeGolden(t, dir, wantPath, g.logN)
			}
			var want goldenWant
			b, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if h, err := readHeader(dir); err != nil || h.kdf.logN != g.logN {
				t.Fatalf("the golden file should ask for scrypt logN %d: %+v, %v", g.logN, h, err)
			}
			id, err := Unlock(dir, []byte(goldenPass))
			if err != nil {
				t.Fatalf("the golden identity no longer unlocks: %v", err)
			}
			signed, err := note.Sign(&note.Note{Text: goldenText}, id.Signer())
			if err != nil {
				t.Fatal(err)
			}
			got := goldenWant{id.Fingerprint(), id.Origin(), id.VerifierKey(), hex.EncodeToString(id.StoreKey()), string(signed)}
			if got != want {
				t.Errorf("golden identity:\n got %+v\nwant %+v", got, want)
			}
			if g.logN > MinScryptLogN {
				return // one more derivation at the default cost proves nothing new
			}
			if _, err := Unlock(dir, []byte(goldenPass+" ")); !errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("a wrong passphrase on the golden file: %v, want ErrWrongPassphrase", err)
			}
		})
	}
}

// writeGolden replaces a golden identity file with one the current code
// writes. Only for a new golden file: the old ones are the proof that
// files written by earlier releases still open.
func writeGolden(t *testing.T, dir, wantPath string, logN int) {
	os.Remove(filepath.Join(dir, FileName))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	id, err := Create(dir, CreateOptions{Name: "Golden Archivist", Organisation: "Test Vectors",
		Passphrase: []byte(goldenPass), EncryptStore: true, ScryptLogN: logN})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := note.Sign(&note.Note{Text: goldenText}, id.Signer())
	if err != nil {
		t.Fatal(err)
	}
	w := goldenWant{id.Fingerprint(), id.Origin(), id.VerifierKey(), hex.EncodeToString(id.StoreKey()), string(signed)}
	b, _ := json.MarshalIndent(&w, "", "  ")
	if err := os.WriteFile(wantPath, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSeedMustMatchPublicKey seals the seed of one key next to the public
// key of another, with a valid seal: Unlock must refuse to sign.
func TestSeedMustMatchPublicKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(dir, CreateOptions{Name: "Ana", Passphrase: []byte("pw"), ScryptLogN: MinScryptLogN}); err != nil {
		t.Fatal(err)
	}
	h, err := readHeader(dir)
	if err != nil {
		t.Fatal(err)
	}
	other := random(secretLen)
	if err := h.seal([]byte("pw"), other, MinScryptLogN); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), h.encode(), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, CopyName)) // the file's own check, without the copy that would repair it
	_, err = Unlock(dir, []byte("pw"))
	if !errors.Is(err, ErrKeyFileDamaged) || !strings.Contains(err.Error(), "does not belong to its secret key") {
		t.Fatalf("Unlock = %v, want damaged: public key does not belong", err)
	}
	if err := ChangePassphrase(dir, []byte("pw"), []byte("new")); !errors.Is(err, ErrKeyFileDamaged) {
		t.Errorf("ChangePassphrase = %v, want ErrKeyFileDamaged", err)
	}
}

func TestTrailingDataRefused(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(dir, CreateOptions{Name: "Ana", Passphrase: []byte("pw"), ScryptLogN: MinScryptLogN}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, FileName))
	if _, err := parseFile(append(data, `{"format":1}`...)); !errors.Is(err, ErrKeyFileDamaged) ||
		!strings.Contains(err.Error(), "after the end") {
		t.Errorf("parseFile with a second object = %v", err)
	}
}

// RFC 8032 section 7.1, tests 1 and 2: the seed-to-key derivation and the
// signatures Custody makes are standard Ed25519.
func TestRFC8032Vectors(t *testing.T) {
	for _, v := range []struct{ seed, pub, msg, sig string }{
		{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
			"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
			"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
		{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
			"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
			"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	} {
		seed, pub, msg, sig := unhex(t, v.seed), unhex(t, v.pub), unhex(t, v.msg), unhex(t, v.sig)
		secret := append(seed, make([]byte, 32)...)
		id, err := newIdentity(Public{PublicKey: pub, KeyName: keyNameFor(pub)}, secret)
		if err != nil {
			t.Fatalf("seed %s: %v", v.seed, err)
		}
		got, err := id.Signer().Sign(msg)
		if err != nil || !bytes.Equal(got, sig) {
			t.Errorf("seed %s signs %x, want %x (%v)", v.seed, got, sig, err)
		}
		if _, err := newIdentity(Public{PublicKey: ed25519.PublicKey(unhex(t, strings.Repeat("00", 31)+"01"))}, secret); !errors.Is(err, ErrKeyFileDamaged) {
			t.Errorf("a wrong public key was accepted: %v", err)
		}
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
