package truststore_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/truststore"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"
)

// create makes an archivist identity with a cheap passphrase derivation.
func create(t testing.TB) *keys.Identity {
	t.Helper()
	id, err := keys.Create(t.TempDir(), keys.CreateOptions{
		Name: "Ana Example", Organisation: "Example Archive",
		Passphrase: []byte("correct horse battery staple"), ScryptLogN: keys.MinScryptLogN,
	})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return id
}

// Two weak Ed25519 public keys: points of small order, which could vouch
// for messages their owner never signed.
var (
	identityPoint = unhex("0100000000000000000000000000000000000000000000000000000000000000")
	order8Point   = unhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func rawKey(t testing.TB, pub []byte) string {
	t.Helper()
	k, err := note.NewEd25519VerifierKey("someone", pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openDB(t testing.TB, dir string) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil).WithMemTableSize(8 << 20).WithValueThreshold(1 << 10))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func trustList(t testing.TB, db *badger.DB) []keys.Trusted {
	t.Helper()
	list, err := truststore.List(db)
	if err != nil {
		t.Fatalf("TrustList: %v", err)
	}
	return list
}

func TestTrustStore(t *testing.T) {
	dbDir := t.TempDir()
	db := openDB(t, dbDir)
	ana := create(t)
	bo := create(t)
	stranger := create(t)
	before := time.Now().Add(-time.Second)

	if err := truststore.Trust(db, "Bo at the Tageblatt", bo.VerifierKey(), "fingerprint read aloud by phone"); err != nil {
		t.Fatalf("Trust bo: %v", err)
	}
	if err := truststore.Trust(db, "Ana Example", ana.VerifierKey(), "met in person, compared fingerprints"); err != nil {
		t.Fatalf("Trust ana: %v", err)
	}
	list := trustList(t, db)
	if len(list) != 2 || list[0].Name != "Ana Example" || list[1].Name != "Bo at the Tageblatt" {
		t.Fatalf("list %+v, want Ana then Bo", list)
	}
	a := list[0]
	if a.VerifierKey != ana.VerifierKey() || a.Fingerprint != ana.Fingerprint() ||
		a.How != "met in person, compared fingerprints" || a.Added.Before(before) || a.Added.After(time.Now()) {
		t.Errorf("record %+v", a)
	}

	// Notes signed by trusted keys open; a stranger's note does not.
	vs, err := truststore.Verifiers(db)
	if err != nil {
		t.Fatal(err)
	}
	text := &note.Note{Text: "custody.app/x\n1\nAAAA\n"}
	for _, id := range []*keys.Identity{ana, bo} {
		signed, _ := note.Sign(text, id.Signer())
		if n, err := note.Open(signed, vs); err != nil || n.Sigs[0].Name != id.Public().KeyName {
			t.Errorf("note by %s: %v", id.Fingerprint(), err)
		}
	}
	signed, _ := note.Sign(text, stranger.Signer())
	var unverified *note.UnverifiedNoteError
	if _, err := note.Open(signed, vs); !errors.As(err, &unverified) {
		t.Errorf("stranger's note: %v, want UnverifiedNoteError", err)
	}

	// The same entry again changes nothing; conflicts are refused.
	if err := truststore.Trust(db, "Ana Example", ana.VerifierKey(), "again"); err != nil {
		t.Errorf("re-trusting the same key under the same name: %v", err)
	}
	if got := trustList(t, db); len(got) != 2 || got[0].How != a.How {
		t.Errorf("re-trusting changed the store: %+v", got)
	}
	if err := truststore.Trust(db, "Ana Example", stranger.VerifierKey(), "x"); !errors.Is(err, keys.ErrAlreadyTrusted) {
		t.Errorf("name reused for another key: %v", err)
	}
	if err := truststore.Trust(db, "Ana again", ana.VerifierKey(), "x"); !errors.Is(err, keys.ErrAlreadyTrusted) ||
		!strings.Contains(err.Error(), "Ana Example") {
		t.Errorf("key trusted twice: %v", err)
	}

	// Survives reopening.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dbDir)
	defer db.Close()
	if got := trustList(t, db); len(got) != 2 || got[0] != a {
		t.Errorf("after reopening: %+v", got)
	}

	if err := truststore.Untrust(db, "Ana Example"); err != nil {
		t.Fatal(err)
	}
	if got := trustList(t, db); len(got) != 1 || got[0].Name != "Bo at the Tageblatt" {
		t.Errorf("after Untrust: %+v", got)
	}
	if err := truststore.Untrust(db, "Ana Example"); !errors.Is(err, keys.ErrNotTrusted) {
		t.Errorf("Untrust twice: %v", err)
	}
	vs, _ = truststore.Verifiers(db)
	signed, _ = note.Sign(text, ana.Signer())
	if _, err := note.Open(signed, vs); !errors.As(err, &unverified) {
		t.Errorf("removed key still verifies: %v", err)
	}
}

func TestTrustRefuses(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	id := create(t)
	good := id.VerifierKey()
	tests := []struct {
		name, trustName, vkey, how string
		want                       error
	}{
		{"empty name", "", good, "x", keys.ErrBadTrustName},
		{"slash in name", "a/b", good, "x", keys.ErrBadTrustName},
		{"newline in name", "a\nb", good, "x", keys.ErrBadTrustName},
		{"name with leading space", " a", good, "x", keys.ErrBadTrustName},
		{"long name", strings.Repeat("a", 81), good, "x", keys.ErrBadTrustName},
		{"invalid UTF-8 name", "a\xff", good, "x", keys.ErrBadTrustName},
		{"malformed key", "Ana", "Ana+1234", "x", keys.ErrBadVerifierKey},
		{"hash mismatch", "Ana", strings.Replace(good, "custody-", "custodx-", 1), "x", keys.ErrVerifierKeyHash},
		{"all-zero key", "Zero", rawKey(t, make([]byte, 32)), "x", keys.ErrWeakKey},
		{"identity point", "One", rawKey(t, identityPoint), "x", keys.ErrWeakKey},
		{"order 8 point", "Eight", rawKey(t, order8Point), "x", keys.ErrWeakKey},
		{"no word on confirmation", "Ana", good, "  ", keys.ErrTrustHowMissing},
		{"control character in confirmation", "Ana", good, "phone\x07", keys.ErrTrustHowMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := truststore.Trust(db, tt.trustName, tt.vkey, tt.how)
			if !errors.Is(err, tt.want) {
				t.Errorf("Trust = %v, want %v", err, tt.want)
			}
		})
	}
	if got := trustList(t, db); len(got) != 0 {
		t.Errorf("refused keys were stored: %+v", got)
	}
	if err := truststore.Untrust(db, "a/b"); !errors.Is(err, keys.ErrBadTrustName) {
		t.Errorf("Untrust(bad name) = %v", err)
	}
}

// TestDamagedTrustRecord writes records past Trust, as a damaged or edited
// store would hold them: they are reported, never used or skipped.
func TestDamagedTrustRecord(t *testing.T) {
	id := create(t)
	weak := rawKey(t, identityPoint)
	for name, val := range map[string]string{
		"not JSON":        "{",
		"wrong name":      `{"name":"Other","verifier_key":"` + id.VerifierKey() + `","fingerprint":"` + id.Fingerprint() + `"}`,
		"weak key":        `{"name":"weak key","verifier_key":"` + weak + `","fingerprint":"x"}`,
		"bad fingerprint": `{"name":"bad fingerprint","verifier_key":"` + id.VerifierKey() + `","fingerprint":"AAAA-AAAA-AAAA-AAAA"}`,
	} {
		t.Run(name, func(t *testing.T) {
			db := openDB(t, t.TempDir())
			defer db.Close()
			err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("trust/"+name), []byte(val)) })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := truststore.List(db); !errors.Is(err, keys.ErrTrustStoreDamaged) || !strings.Contains(err.Error(), name) {
				t.Errorf("TrustList = %v, want ErrTrustStoreDamaged naming %q", err, name)
			}
			if vs, err := truststore.Verifiers(db); !errors.Is(err, keys.ErrTrustStoreDamaged) || vs != nil {
				t.Errorf("TrustedVerifiers = %v", err)
			}
			if err := truststore.Untrust(db, name); err != nil {
				t.Errorf("a damaged record cannot be removed: %v", err)
			}
			if got := trustList(t, db); len(got) != 0 {
				t.Errorf("after Untrust: %+v", got)
			}
		})
	}
}
