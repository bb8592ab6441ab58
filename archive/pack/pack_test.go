package pack

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func counter() func() (uint64, error) {
	n := uint64(0)
	return func() (uint64, error) { n++; return n, nil }
}

// storage opens the local folder dir, encrypted under key when key is set.
func storage(t *testing.T, dir string, key []byte) (Storage, *LocalFiles) {
	t.Helper()
	l, err := OpenLocal(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if key == nil {
		return l, l
	}
	e, err := Encrypt(l, key)
	if err != nil {
		t.Fatal(err)
	}
	return e, l
}

var keys = []struct {
	name string
	key  []byte
}{{"plain", nil}, {"encrypted", bytes.Repeat([]byte{7}, 32)}}

// Bytes appended come back from their Ref, encrypted or not, at any
// offset (encryption works in 16-byte blocks; offsets here are not
// aligned), and the file holds ciphertext exactly when a key is set.
func TestAppendAndRead(t *testing.T) {
	for _, c := range keys {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "packs")
			s, _ := storage(t, dir, c.key)
			w := NewWriter(s, counter())
			chunks := [][]byte{[]byte("first chunk, 29 bytes long..."), bytes.Repeat([]byte("x"), 1000), []byte("third")}
			var refs []Ref
			for _, b := range chunks {
				kept := append([]byte(nil), b...)
				r, err := w.Append(b)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b, kept) {
					t.Fatalf("Append changed its input")
				}
				refs = append(refs, r)
			}
			if refs[1] != (Ref{Pack: 1, Off: 29}) || refs[2] != (Ref{Pack: 1, Off: 1029}) {
				t.Fatalf("refs %+v", refs)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			for i, b := range chunks {
				got := make([]byte, len(b))
				if err := s.ReadAt(refs[i], got); err != nil || !bytes.Equal(got, b) {
					t.Fatalf("chunk %d: %q, %v", i, got, err)
				}
			}
			raw, _ := os.ReadFile(filepath.Join(dir, Name(1)))
			if plain := bytes.Contains(raw, []byte("first chunk")); plain != (c.key == nil) {
				t.Fatalf("plain text in the file: %v, key set: %v", plain, c.key != nil)
			}
			if size, err := s.Stat(1); err != nil || size != 1034 || size != int64(len(raw)) {
				t.Fatalf("stat: %d, %v", size, err)
			}
		})
	}
}

// The same bytes at the same offset of two packs are encrypted
// differently: no key stream is used twice.
func TestKeyStreamDiffersPerPack(t *testing.T) {
	dir := t.TempDir()
	s, _ := storage(t, dir, bytes.Repeat([]byte{1}, 32))
	data := make([]byte, 64)
	for n := uint64(1); n <= 2; n++ {
		w := NewWriter(s, func() (uint64, error) { return n, nil })
		if _, err := w.Append(data); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	a, _ := os.ReadFile(filepath.Join(dir, Name(1)))
	b, _ := os.ReadFile(filepath.Join(dir, Name(2)))
	if len(a) != 64 || len(b) != 64 || bytes.Equal(a, b) || bytes.Equal(a, data) {
		t.Fatalf("pack 1 %x\npack 2 %x", a, b)
	}
}

// A read past a pack's end is ErrShort and a read of a pack that is not
// there ErrMissing, through the encryption too.
func TestReadErrors(t *testing.T) {
	for _, c := range keys {
		t.Run(c.name, func(t *testing.T) {
			s, _ := storage(t, t.TempDir(), c.key)
			w := NewWriter(s, counter())
			r, _ := w.Append([]byte("0123456789"))
			w.Close()
			if err := s.ReadAt(Ref{Pack: 1, Off: r.Off + 5}, make([]byte, 10)); !errors.Is(err, ErrShort) {
				t.Fatalf("past the end: %v", err)
			}
			if err := s.ReadAt(Ref{Pack: 9}, make([]byte, 1)); !errors.Is(err, ErrMissing) {
				t.Fatalf("no such pack: %v", err)
			}
			if _, err := s.Stat(9); !errors.Is(err, ErrMissing) {
				t.Fatalf("stat of no such pack: %v", err)
			}
		})
	}
}

// A writer starts a new file when the next chunk would pass the limit.
func TestWriterStartsNewFile(t *testing.T) {
	dir := t.TempDir()
	s, _ := storage(t, dir, nil)
	w := NewWriter(s, counter())
	w.limit = 100
	var refs []Ref
	for range 3 {
		r, err := w.Append(make([]byte, 60))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []Ref{{1, 0}, {2, 0}, {3, 0}}
	for i := range want {
		if refs[i] != want[i] {
			t.Fatalf("refs %+v, want %+v", refs, want)
		}
	}
	m, _ := filepath.Glob(filepath.Join(dir, "*.pack"))
	if len(m) != 3 {
		t.Fatalf("files %v", m)
	}
}

// However many pack files are read, at most maxOpen stay open, and every
// read still finds its bytes.
func TestOpenFilesAreBounded(t *testing.T) {
	s, d := storage(t, t.TempDir(), nil)
	d.maxOpen = 2
	var refs []Ref
	for n := uint64(1); n <= 5; n++ {
		w := NewWriter(s, func() (uint64, error) { return n, nil })
		r, err := w.Append([]byte{byte(n)})
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
		refs = append(refs, r)
	}
	for round := range 2 {
		for i, r := range refs {
			b := make([]byte, 1)
			if err := s.ReadAt(r, b); err != nil || b[0] != byte(i+1) {
				t.Fatalf("round %d, pack %d: %v %v", round, i+1, b, err)
			}
			if len(d.files) > 2 {
				t.Fatalf("%d files open", len(d.files))
			}
		}
	}
	d.Close()
	if len(d.files) != 0 {
		t.Fatalf("%d files open after Close", len(d.files))
	}
}
