package pack

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The fixture in testdata was written by the pack code as it was before
// Storage existed (testdata/README.md): five chunks, two packs, plain and
// encrypted.
var golden = struct {
	key   []byte
	sizes []int
	refs  []Ref
	limit int64
}{
	key:   bytes.Repeat([]byte{0x5a}, 32),
	sizes: []int{29, 1000, 5, 100, 33},
	refs:  []Ref{{41, 0}, {41, 29}, {41, 1029}, {42, 0}, {42, 100}},
	limit: 1100,
}

func goldenChunk(i int) []byte {
	data := make([]byte, golden.sizes[i])
	for j := range data {
		data[j] = byte(i*31 + j*7 + j/13)
	}
	return data
}

// Packs written before still read back, and the same chunks written now
// give the same files byte for byte, plain and encrypted.
func TestGoldenPacks(t *testing.T) {
	for _, c := range []struct {
		name string
		key  []byte
	}{{"plain", nil}, {"encrypted", golden.key}} {
		t.Run(c.name, func(t *testing.T) {
			old := filepath.Join("testdata", c.name)
			l, err := OpenLocal(old, false)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			var s Storage = l
			if c.key != nil {
				if s, err = Encrypt(l, c.key); err != nil {
					t.Fatal(err)
				}
			}
			for i, r := range golden.refs {
				got := make([]byte, golden.sizes[i])
				if err := s.ReadAt(r, got); err != nil || !bytes.Equal(got, goldenChunk(i)) {
					t.Fatalf("chunk %d at %+v: %x, %v", i, r, got, err)
				}
			}

			dir := t.TempDir()
			now, _ := storage(t, dir, c.key)
			n := uint64(40)
			w := NewWriter(now, func() (uint64, error) { n++; return n, nil })
			w.limit = golden.limit
			for i := range golden.sizes {
				r, err := w.Append(goldenChunk(i))
				if err != nil || r != golden.refs[i] {
					t.Fatalf("chunk %d: %+v, %v", i, r, err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			for _, p := range []uint64{41, 42} {
				want, err := os.ReadFile(filepath.Join(old, Name(p)))
				if err != nil {
					t.Fatal(err)
				}
				got, _ := os.ReadFile(filepath.Join(dir, Name(p)))
				if !bytes.Equal(got, want) {
					t.Fatalf("%s differs from the one written before", Name(p))
				}
			}
		})
	}
}
