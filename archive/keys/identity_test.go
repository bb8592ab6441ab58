package keys_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"golang.org/x/mod/sumdb/note"
)

var (
	fingerprintRE = regexp.MustCompile(`^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$`)
	originRE      = regexp.MustCompile(`^custody\.app/[A-Z2-7-]{19}/[0-9a-f]{32}$`)
)

func TestCreateUnlockSignVerify(t *testing.T) {
	before := time.Now().Add(-time.Second)
	dir, id := create(t, true)
	pub := id.Public()

	if !fingerprintRE.MatchString(id.Fingerprint()) {
		t.Errorf("fingerprint %q is not four groups of four base32 letters", id.Fingerprint())
	}
	if want := "custody-" + id.Fingerprint(); pub.KeyName != want {
		t.Errorf("key name %q, want %q", pub.KeyName, want)
	}
	if want := "custody.app/" + id.Fingerprint() + "/" + pub.ArchiveID; id.Origin() != want || !originRE.MatchString(want) {
		t.Errorf("origin %q, want %q", id.Origin(), want)
	}
	if pub.Name != "Ana Example" || pub.Organisation != "Example Archive" || !pub.StoreEncrypted {
		t.Errorf("public part %+v lost the options", pub)
	}
	if pub.Created.Before(before) || pub.Created.After(time.Now()) {
		t.Errorf("created %v is not now", pub.Created)
	}
	if got := keys.FingerprintOf(pub.PublicKey); got != id.Fingerprint() {
		t.Errorf("FingerprintOf = %q, want %q", got, id.Fingerprint())
	}
	if len(id.StoreKey()) != 32 || bytes.Equal(id.StoreKey(), make([]byte, 32)) {
		t.Errorf("store key %x is not 32 random bytes", id.StoreKey())
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(dir, keys.FileName))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("identity.json mode %v, %v; want 0600", fi.Mode(), err)
		}
	}

	msg := &note.Note{Text: "custody.app/test\n3\nAAAA\n"}
	signed, err := note.Sign(msg, id.Signer())
	if err != nil {
		t.Fatal(err)
	}
	v, info, err := keys.ParseVerifierKey(id.VerifierKey())
	if err != nil {
		t.Fatalf("own verifier key refused: %v", err)
	}
	if info.Name != pub.KeyName || info.Fingerprint != id.Fingerprint() || !info.PublicKey.Equal(pub.PublicKey) {
		t.Errorf("KeyInfo %+v does not describe the identity", info)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		t.Fatalf("note.Open: %v", err)
	}
	if n.Text != msg.Text || len(n.Sigs) != 1 || n.Sigs[0].Name != pub.KeyName {
		t.Errorf("opened note %+v", n)
	}

	again, err := keys.Unlock(dir, testPass)
	if err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	signed2, err := note.Sign(msg, again.Signer())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(signed, signed2) {
		t.Errorf("unlocked identity signs differently:\n%s\n%s", signed, signed2)
	}
	if !bytes.Equal(again.StoreKey(), id.StoreKey()) {
		t.Error("store key changed between Create and Unlock")
	}
	rp, err := keys.ReadPublic(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rp.Origin != id.Origin() || rp.VerifierKey != id.VerifierKey() || !rp.Created.Equal(pub.Created) {
		t.Errorf("ReadPublic %+v differs from %+v", rp, pub)
	}
}

func TestTwoArchivesNeverShareAnOrigin(t *testing.T) {
	_, a := create(t, false)
	_, b := create(t, false)
	if a.Origin() == b.Origin() || a.Fingerprint() == b.Fingerprint() {
		t.Errorf("two new identities share %q / %q", a.Origin(), a.Fingerprint())
	}
}

func TestUnencryptedStoreHasNoStoreKey(t *testing.T) {
	dir, id := create(t, false)
	if id.StoreKey() != nil {
		t.Errorf("StoreKey = %x, want nil", id.StoreKey())
	}
	again, err := keys.Unlock(dir, testPass)
	if err != nil || again.StoreKey() != nil || again.Public().StoreEncrypted {
		t.Errorf("Unlock: %v, store key %x", err, again.StoreKey())
	}
}

func TestCreateRefuses(t *testing.T) {
	long := strings.Repeat("x", 101)
	tests := []struct {
		name string
		opt  keys.CreateOptions
		want error
	}{
		{"no name", keys.CreateOptions{Passphrase: testPass}, keys.ErrBadIdentityField},
		{"newline in name", keys.CreateOptions{Name: "Ana\nEve", Passphrase: testPass}, keys.ErrBadIdentityField},
		{"name with spaces around", keys.CreateOptions{Name: " Ana", Passphrase: testPass}, keys.ErrBadIdentityField},
		{"long name", keys.CreateOptions{Name: long, Passphrase: testPass}, keys.ErrBadIdentityField},
		{"long organisation", keys.CreateOptions{Name: "Ana", Organisation: long, Passphrase: testPass}, keys.ErrBadIdentityField},
		{"invalid UTF-8", keys.CreateOptions{Name: "Ana\xff", Passphrase: testPass}, keys.ErrBadIdentityField},
		{"empty passphrase", keys.CreateOptions{Name: "Ana"}, keys.ErrEmptyPassphrase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.opt.ScryptLogN = testLogN
			_, err := keys.Create(dir, tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if keys.Exists(dir) {
				t.Error("a refused Create left an identity file")
			}
		})
	}
	for _, logN := range []int{keys.MinScryptLogN - 1, keys.MaxScryptLogN + 1, -1} {
		_, err := keys.Create(t.TempDir(), keys.CreateOptions{Name: "Ana", Passphrase: testPass, ScryptLogN: logN})
		if err == nil {
			t.Errorf("ScryptLogN %d accepted", logN)
		}
	}
}

func TestCreateRefusesExistingIdentity(t *testing.T) {
	dir, _ := create(t, true)
	before := readIdentity(t, dir)
	_, err := keys.Create(dir, keys.CreateOptions{Name: "Eve", Passphrase: []byte("x"), ScryptLogN: testLogN})
	if !errors.Is(err, keys.ErrIdentityExists) || keys.Code(err) != "IDENTITY_EXISTS" {
		t.Fatalf("err = %v (code %q), want ErrIdentityExists", err, keys.Code(err))
	}
	if !bytes.Equal(before, readIdentity(t, dir)) {
		t.Error("identity.json changed")
	}
}

func TestWrongPassphrase(t *testing.T) {
	dir, _ := create(t, true)
	before := readIdentity(t, dir)
	for _, p := range [][]byte{[]byte("correct horse battery stapler"), []byte("x")} {
		_, err := keys.Unlock(dir, p)
		if !errors.Is(err, keys.ErrWrongPassphrase) || keys.Code(err) != "PASSPHRASE_WRONG" {
			t.Errorf("Unlock(%q) = %v, want ErrWrongPassphrase", p, err)
		}
		if errors.Is(err, keys.ErrKeyFileDamaged) {
			t.Errorf("a wrong passphrase reported as damage: %v", err)
		}
	}
	if _, err := keys.Unlock(dir, nil); !errors.Is(err, keys.ErrEmptyPassphrase) {
		t.Errorf("Unlock(nil) = %v, want ErrEmptyPassphrase", err)
	}
	if !bytes.Equal(before, readIdentity(t, dir)) {
		t.Error("identity.json changed")
	}
	assertNoTempFiles(t, dir)
}

func TestNoIdentity(t *testing.T) {
	dir := t.TempDir()
	if keys.Exists(dir) {
		t.Error("Exists in an empty folder")
	}
	if _, err := keys.Unlock(dir, testPass); !errors.Is(err, keys.ErrNoIdentity) {
		t.Errorf("Unlock = %v, want ErrNoIdentity", err)
	}
	if _, err := keys.ReadPublic(dir); !errors.Is(err, keys.ErrNoIdentity) {
		t.Errorf("ReadPublic = %v, want ErrNoIdentity", err)
	}
}

func TestPassphraseIsNormalised(t *testing.T) {
	dir := t.TempDir()
	nfc, nfd := []byte("caf\u00e9 au lait"), []byte("cafe\u0301 au lait")
	if _, err := keys.Create(dir, keys.CreateOptions{Name: "Ana", Passphrase: nfc, ScryptLogN: testLogN}); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Unlock(dir, nfd); err != nil {
		t.Errorf("the decomposed form of the same passphrase was refused: %v", err)
	}
}

func TestChangePassphrase(t *testing.T) {
	dir, id := create(t, true)
	newPass := []byte("a different passphrase")
	if err := keys.ChangePassphrase(dir, testPass, newPass); err != nil {
		t.Fatalf("ChangePassphrase: %v", err)
	}
	if _, err := keys.Unlock(dir, testPass); !errors.Is(err, keys.ErrWrongPassphrase) {
		t.Errorf("old passphrase: %v, want ErrWrongPassphrase", err)
	}
	again, err := keys.Unlock(dir, newPass)
	if err != nil {
		t.Fatalf("new passphrase: %v", err)
	}
	if !bytes.Equal(again.StoreKey(), id.StoreKey()) {
		t.Error("the store key changed; the store would have to be re-encrypted")
	}
	if again.VerifierKey() != id.VerifierKey() || again.Origin() != id.Origin() ||
		!again.Public().Created.Equal(id.Public().Created) {
		t.Errorf("identity changed: %+v, was %+v", again.Public(), id.Public())
	}
	assertNoTempFiles(t, dir)

	// Refusals leave the file exactly as it was.
	before := readIdentity(t, dir)
	for _, tt := range []struct {
		old, new []byte
		want     error
	}{
		{testPass, []byte("third"), keys.ErrWrongPassphrase},
		{newPass, nil, keys.ErrEmptyPassphrase},
		{nil, []byte("third"), keys.ErrEmptyPassphrase},
	} {
		if err := keys.ChangePassphrase(dir, tt.old, tt.new); !errors.Is(err, tt.want) {
			t.Errorf("ChangePassphrase(%q, %q) = %v, want %v", tt.old, tt.new, err, tt.want)
		}
	}
	if !bytes.Equal(before, readIdentity(t, dir)) {
		t.Error("a refused ChangePassphrase changed identity.json")
	}
	assertNoTempFiles(t, dir)
}

func TestChangePassphraseRefusesDamagedFile(t *testing.T) {
	dir, _ := create(t, true)
	editIdentity(t, dir, func(m map[string]any) { m["name"] = "Eve Example" })
	before := readIdentity(t, dir)
	err := keys.ChangePassphrase(dir, testPass, []byte("new"))
	if !errors.Is(err, keys.ErrKeyFileDamaged) {
		t.Fatalf("err = %v, want ErrKeyFileDamaged", err)
	}
	if !bytes.Equal(before, readIdentity(t, dir)) {
		t.Error("a damaged file was rewritten")
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() != keys.FileName && e.Name() != keys.CopyName {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// BenchmarkUnlockDefaultCost measures what a person waits for when opening
// an archive (DefaultScryptLogN; about 256 MiB of memory).
func BenchmarkUnlockDefaultCost(b *testing.B) {
	dir := b.TempDir()
	if _, err := keys.Create(dir, keys.CreateOptions{Name: "Ana", Passphrase: testPass}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := keys.Unlock(dir, testPass); err != nil {
			b.Fatal(err)
		}
	}
}
