package store

import (
	"bytes"
	"errors"
	"os"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
)

// After a clean close the next writable open skips the guard's copy; a
// newest value-log file that changed since (damage) is guarded as before.
func TestSealSkipsTheGuardCopy(t *testing.T) {
	value := bytes.Repeat([]byte("sealed "), 300<<10/7)
	cfg := Config{ValueLogFileSize: 4 << 20, MemTableSize: 1 << 20}
	write := func(dir string, key string) {
		t.Helper()
		db, err := Open(dir, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(key), value) }); err != nil {
			t.Fatal(err)
		}
		if err := Close(db, dir, false); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		change    func(t *testing.T, dir, newest string)
		wantCopy  bool
		wantError bool
	}{
		{"untouched", func(*testing.T, string, string) {}, false, false},
		{"seal removed", func(t *testing.T, dir, _ string) { os.Remove(dir + "/" + sealFile) }, true, false},
		{"byte flipped in the middle", func(t *testing.T, dir, newest string) {
			f, err := os.OpenFile(newest, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			b := []byte{0}
			f.ReadAt(b, fi.Size()/2)
			b[0] ^= 0x40
			f.WriteAt(b, fi.Size()/2)
		}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(dir, "one")
			write(dir, "two") // the second session's file is the newest
			newest, _ := newestVlog(dir)
			if _, err := os.Stat(dir + "/" + sealFile); err != nil {
				t.Fatalf("no seal after a clean close: %v", err)
			}
			tc.change(t, dir, newest)
			before := guardCopies.Load()
			db, err := Open(dir, cfg, nil)
			if copied := guardCopies.Load() > before; copied != tc.wantCopy {
				t.Errorf("guard copy made: %v, want %v", copied, tc.wantCopy)
			}
			var damaged *ErrNewestFileDamaged
			if tc.wantError {
				if !errors.As(err, &damaged) {
					t.Fatalf("open: %v, want ErrNewestFileDamaged", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, k := range []string{"one", "two"} {
				err := db.View(func(txn *badger.Txn) error {
					item, err := txn.Get([]byte(k))
					if err != nil {
						return err
					}
					v, err := item.ValueCopy(nil)
					if err == nil && !bytes.Equal(v, value) {
						err = errors.New("wrong value")
					}
					return err
				})
				if err != nil {
					t.Fatalf("%s: %v", k, err)
				}
			}
			if _, err := os.Stat(dir + "/" + sealFile); !os.IsNotExist(err) {
				t.Errorf("the seal outlived the open: %v", err)
			}
		})
	}
}
