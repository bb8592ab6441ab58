package pack

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// list returns what s.List reports, as "number:size" sorted.
func list(t *testing.T, s Storage) map[uint64]int64 {
	t.Helper()
	got := map[uint64]int64{}
	if err := s.List(func(n uint64, size int64) error { got[n] = size; return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

// List names every pack with its size and nothing else in the folder;
// Remove takes one away, and removing it again is not an error.
func TestListAndRemove(t *testing.T) {
	for _, c := range keys {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := storage(t, dir, c.key)
			for n, size := range map[uint64]int{3: 10, 12: 0, 1234567890123: 7} {
				a, err := s.Create(n)
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Append(make([]byte, size)); err != nil {
					t.Fatal(err)
				}
				if err := a.Seal(); err != nil {
					t.Fatal(err)
				}
			}
			for _, junk := range []string{"notes.txt", "12.pack", "00000000000x.pack", "000000000003.pack.tmp"} {
				os.WriteFile(filepath.Join(dir, junk), nil, 0o600)
			}
			os.Mkdir(filepath.Join(dir, Name(99)), 0o700)
			want := map[uint64]int64{3: 10, 12: 0, 1234567890123: 7}
			if got := list(t, s); !equal(got, want) {
				t.Fatalf("list %v, want %v", got, want)
			}
			if err := s.Remove(12); err != nil {
				t.Fatal(err)
			}
			if err := s.Remove(12); err != nil {
				t.Fatalf("removing a removed pack: %v", err)
			}
			delete(want, 12)
			if got := list(t, s); !equal(got, want) {
				t.Fatalf("after remove: list %v, want %v", got, want)
			}
		})
	}
}

func equal(a, b map[uint64]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A read-only open creates no folder, and a folder that is not there
// holds no packs.
func TestOpenWithoutCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "packs")
	s, err := OpenLocal(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the folder was created: %v", err)
	}
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("list %v", got)
	}
}

// Create refuses a pack that exists: a pack is written once.
func TestCreateRefusesExistingPack(t *testing.T) {
	s, _ := storage(t, t.TempDir(), nil)
	a, err := s.Create(5)
	if err != nil {
		t.Fatal(err)
	}
	a.Seal()
	if _, err := s.Create(5); err == nil {
		t.Fatal("pack 5 created twice")
	}
}

// Discard removes every pack the writer wrote, the full ones too; Close
// after it has nothing left to seal.
func TestDiscardRemovesPacks(t *testing.T) {
	for _, c := range keys {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := storage(t, dir, c.key)
			keep := NewWriter(s, func() (uint64, error) { return 100, nil })
			keep.Append([]byte("kept"))
			if err := keep.Close(); err != nil {
				t.Fatal(err)
			}
			w := NewWriter(s, counter())
			w.limit = 10
			for range 3 {
				if _, err := w.Append(make([]byte, 8)); err != nil {
					t.Fatal(err)
				}
			}
			if got := list(t, s); len(got) != 4 {
				t.Fatalf("before discard: %v", got)
			}
			w.Discard()
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := list(t, s)
			if ns := keysOf(got); !slices.Equal(ns, []uint64{100}) {
				t.Fatalf("after discard: %v", got)
			}
		})
	}
}

func keysOf(m map[uint64]int64) []uint64 {
	var out []uint64
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// failing is a storage whose appends fail, as on a full disk.
type failing struct{ Storage }

type failingAppender struct{ Appender }

var errFull = errors.New("no space left on device")

func (f failing) Create(n uint64) (Appender, error) {
	a, err := f.Storage.Create(n)
	return failingAppender{a}, err
}
func (failingAppender) Append([]byte) error { return errFull }

// An append that fails is a *WriteError (the import stops), also through
// the encryption.
func TestAppendErrorIsWriteError(t *testing.T) {
	l, err := OpenLocal(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := Encrypt(failing{l}, make([]byte, 32))
	for _, s := range []Storage{failing{l}, e} {
		w := NewWriter(s, counter())
		_, err := w.Append([]byte("x"))
		var we *WriteError
		if !errors.As(err, &we) || !errors.Is(err, errFull) {
			t.Fatalf("append: %v", err)
		}
		w.Discard()
	}
}
