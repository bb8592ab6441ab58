package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
)

// TestOpenAfterInterruptedOpen leaves in a real store what a process
// killed during an open leaves behind, and checks that the next open, for
// writing or for reading, succeeds with every value intact and the residue
// gone.
func TestOpenAfterInterruptedOpen(t *testing.T) {
	value := bytes.Repeat([]byte("custody "), 64<<10/8)
	tests := []struct {
		name  string
		leave func(t *testing.T, dir, newest string)
	}{
		{"empty next value-log file (killed between create and size)", func(t *testing.T, dir, newest string) {
			write(t, filepath.Join(dir, "000099.vlog"), nil)
		}},
		{"empty memtable file (killed between create and size)", func(t *testing.T, dir, newest string) {
			write(t, filepath.Join(dir, "00099.mem"), nil)
		}},
		{"guard copy with the guarded file half put back", func(t *testing.T, dir, newest string) {
			data, err := os.ReadFile(newest)
			if err != nil {
				t.Fatal(err)
			}
			write(t, newest+guardSuffix, data)
			write(t, newest, data[:len(data)/2])
		}},
		{"guard copy with the guarded file untouched", func(t *testing.T, dir, newest string) {
			data, err := os.ReadFile(newest)
			if err != nil {
				t.Fatal(err)
			}
			write(t, newest+guardSuffix, data)
		}},
		{"unfinished temporary copy", func(t *testing.T, dir, newest string) {
			write(t, newest+guardSuffix+tmpSuffix, []byte("partial"))
		}},
	}
	for _, readOnly := range []bool{false, true} {
		for _, tc := range tests {
			name := tc.name
			if readOnly {
				name += ", read-only"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				cfg := Config{ValueLogFileSize: 4 << 20, MemTableSize: 1 << 20}
				db, err := Open(dir, cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("doc"), value) }); err != nil {
					t.Fatal(err)
				}
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				newest, err := newestVlog(dir)
				if err != nil || newest == "" {
					t.Fatalf("no value-log file: %v", err)
				}
				tc.leave(t, dir, newest)

				cfg.ReadOnly = readOnly
				log := &Log{}
				db, err = Open(dir, cfg, log)
				if err != nil {
					t.Fatalf("open after the interrupted open: %v", err)
				}
				defer db.Close()
				var got []byte
				err = db.View(func(txn *badger.Txn) error {
					item, err := txn.Get([]byte("doc"))
					if err != nil {
						return err
					}
					got, err = item.ValueCopy(nil)
					return err
				})
				if err != nil || !bytes.Equal(got, value) {
					t.Fatalf("value after reopen: %d bytes, err %v; want %d bytes", len(got), err, len(value))
				}
				if len(log.Lines()) == 0 {
					t.Error("the repair was not recorded in the store log")
				}
				left, _ := filepath.Glob(filepath.Join(dir, "*"+guardSuffix+"*"))
				tmps, _ := filepath.Glob(filepath.Join(dir, "*"+tmpSuffix))
				if len(left)+len(tmps) > 0 {
					t.Errorf("residue left: %v %v", left, tmps)
				}
			})
		}
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
