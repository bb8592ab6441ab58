package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/keycopy"
	badger "github.com/dgraph-io/badger/v4"
)

// registryStore makes an encrypted store holding 50 values in a folder in
// memory where there is one, and returns its folder and key.
func registryStore(t *testing.T) (string, []byte) {
	t.Helper()
	root := t.TempDir()
	if d, err := os.MkdirTemp("/dev/shm", "custody-test-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(d) })
		root = d
	}
	dir := filepath.Join(root, "store")
	key := bytes.Repeat([]byte{7}, 32)
	c := Config{ValueLogFileSize: 1 << 20, MemTableSize: 1 << 20, EncryptionKey: key}
	db, err := Open(dir, c, &Log{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set(crashKey(i), crashValue(i)) }); err != nil {
			t.Fatal(err)
		}
	}
	if err := Close(db, dir, false); err != nil {
		t.Fatal(err)
	}
	return dir, key
}

// TestEveryByteOfTheKeyRegistry flips each byte of the store's
// KEYREGISTRY, alone and with its copy damaged the same way at another
// byte, and opens the store for reading where it may be repaired and
// where it may not (as on read-only media: through the shadow, nothing
// written). Every value must read back, the repairable folder must end
// with both files intact, and the other must be left exactly as it was.
// A registry damaged with its copy's checksum too is refused naming the
// file and the recovery kit.
func TestEveryByteOfTheKeyRegistry(t *testing.T) {
	dir, key := registryStore(t)
	path := filepath.Join(dir, badger.KeyRegistryFileName)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	origCopy, err := os.ReadFile(path + keycopy.Suffix)
	if err != nil || !keycopy.Holds(path, orig) {
		t.Fatalf("no copy of the registry after a writable open: %v", err)
	}
	if !validRegistry(orig, key) || validRegistry(orig, bytes.Repeat([]byte{8}, 32)) {
		t.Fatal("the registry check does not tell the store key")
	}
	if len(orig) != 96 {
		t.Fatalf("the registry holds %d bytes, want 96 (one data key)", len(orig))
	}
	vlogs, _ := filepath.Glob(filepath.Join(dir, "*.vlog"))
	for _, v := range vlogs {
		if b, _ := os.ReadFile(v); bytes.Contains(b, []byte("value 000001")) {
			t.Fatalf("%s holds a value in plaintext", filepath.Base(v))
		}
	}
	at := bytes.Index(origCopy, orig)
	c := Config{ValueLogFileSize: 1 << 20, MemTableSize: 1 << 20, EncryptionKey: key}
	opened := 0
	for i := range orig {
		j := (i + len(orig)/2) % len(orig)
		for _, tc := range []struct {
			name         string
			file, copied []byte
		}{
			{"file", flip(orig, i), origCopy},
			{"file and copy", flip(orig, i), flip(origCopy, at+j)},
		} {
			for _, mayWrite := range []bool{false, true} {
				if !mayWrite && i%4 != 0 && os.Getenv("CUSTODY_LONG") == "" {
					continue // the shadow path: every fourth byte, every byte in make long
				}
				os.WriteFile(path, tc.file, 0o600)
				os.WriteFile(path+keycopy.Suffix, tc.copied, 0o600)
				what := fmt.Sprintf("byte %d of %d, %s, may write %v", i, len(orig), tc.name, mayWrite)
				db, err := OpenForReading(dir, c, &Log{}, mayWrite)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				for k := 0; k < 50; k += 7 {
					err := db.View(func(txn *badger.Txn) error {
						it, err := txn.Get(crashKey(k))
						if err != nil {
							return err
						}
						v, err := it.ValueCopy(nil)
						if err == nil && !bytes.Equal(v, crashValue(k)) {
							err = errors.New("wrong value")
						}
						return err
					})
					if err != nil {
						t.Fatalf("%s: value %d: %v", what, k, err)
					}
				}
				if err := Close(db, dir, true); err != nil {
					t.Fatal(err)
				}
				opened++
				f, _ := os.ReadFile(path)
				cp, _ := os.ReadFile(path + keycopy.Suffix)
				switch {
				case mayWrite && (!bytes.Equal(f, orig) || !bytes.Equal(cp, origCopy)):
					t.Fatalf("%s: the registry or its copy was not repaired", what)
				case !mayWrite && (!bytes.Equal(f, tc.file) || !bytes.Equal(cp, tc.copied)):
					t.Fatalf("%s: a read-only open changed the folder", what)
				}
			}
		}
	}
	t.Logf("%d bytes, 2 damages, 2 ways: %d opens read every value", len(orig), opened)

	// Both damaged beyond repair: refused, naming the file and the kit.
	sumAt := bytes.Index(origCopy, []byte("sha256 ")) + len("sha256 ")
	os.WriteFile(path, flip(orig, 20), 0o600)
	os.WriteFile(path+keycopy.Suffix, flip(flip(origCopy, sumAt), at+20), 0o600)
	_, err = OpenForReading(dir, c, &Log{}, true)
	if errcode.Of(err) != KeyRegistryDamaged || !bytes.Contains([]byte(err.Error()), []byte("store/KEYREGISTRY")) ||
		!bytes.Contains([]byte(err.Error()), []byte("keys restore")) {
		t.Fatalf("both damaged: %v (code %q)", err, errcode.Of(err))
	}
	// The registry alone, missing: restored from the copy.
	os.Remove(path)
	os.WriteFile(path+keycopy.Suffix, origCopy, 0o600)
	db, err := Open(dir, c, &Log{})
	if err != nil {
		t.Fatalf("registry missing: %v", err)
	}
	Close(db, dir, false)
	if f, _ := os.ReadFile(path); !bytes.Equal(f, orig) {
		t.Fatal("a missing registry was not restored")
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x01
	return c
}
